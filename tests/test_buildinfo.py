"""Build info parsing without Go: module info text, quoting, errors, file formats."""

from __future__ import annotations

import struct

import pytest

from goalign.buildinfo import BuildInfo, BuildSetting, Module, parse, parse_modinfo
from goalign.errors import BuildInfoError, InputError

TEXT = (
    "path\texample.com/p\n"
    "mod\texample.com/p\t(devel)\t\n"
    "dep\texample.com/a\tv1.0.0\th1:aaa=\n"
    "dep\texample.com/b\tv1.2.0\n"
    "=>\t../b\t(devel)\t\n"
    "dep\texample.com/c\tv1.0.0\n"
    "=>\texample.com/fork\tv1.0.1\th1:ccc=\n"
    "build\t-buildmode=plugin\n"
    'build\t-gcflags="all=-N -l"\n'
    'build\t"odd key"=`raw value`\n'
    "build\tCGO_CFLAGS=\n"
)


def test_modinfo_fields() -> None:
    info = parse_modinfo(TEXT, "x", go_version="go1.27.3")
    assert info.path == "example.com/p"
    assert info.main == Module("example.com/p", "(devel)", "")
    a, b, c = info.deps
    assert a == Module("example.com/a", "v1.0.0", "h1:aaa=")
    assert b.replace == Module("../b", "(devel)", "")
    assert b.is_directory
    assert c.effective == Module("example.com/fork", "v1.0.1", "h1:ccc=")
    assert not c.is_directory
    assert info.settings == (
        BuildSetting("-buildmode", "plugin"),
        BuildSetting("-gcflags", "all=-N -l"),
        BuildSetting("odd key", "raw value"),
        BuildSetting("CGO_CFLAGS", ""),
    )
    assert info.setting("-gcflags") == "all=-N -l"
    assert info.setting("-race", "false") == "false"
    assert set(info.build_list()) == {"example.com/a", "example.com/b", "example.com/c"}


def test_modinfo_round_trips_through_go_string_form() -> None:
    info = parse_modinfo(TEXT, "x", go_version="go1.27.3")
    again = parse_modinfo(info.modinfo(), "x")
    assert again == info
    # Go quotes keys and values that need it with strconv.Quote.
    assert 'build\t"odd key"="raw value"\n' in info.modinfo()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("dep\tx\n", "line 1: expected 2 or 3 columns; got 1"),
        ("path\tp\n=>\tx\tv1\n", "line 2: expected 3 columns for replacement; got 2"),
        ("=>\tx\tv1\th\n", "line 1: replacement with no module on previous line"),
        ("build\t\n", "build line missing '='"),
        ("build\t=x\n", "build line with missing key"),
        ("build\tkey\n", "build line missing '=' after key"),
        ("build\tk=a b\n", 'unquoted value "a b" must be quoted'),
        ('build\t"k"x\n', "unexpected character after quoted key"),
        ('build\tk="unterminated\n', "invalid quoted value in build line"),
    ],
)
def test_modinfo_errors_name_file_and_line(text: str, message: str) -> None:
    with pytest.raises(BuildInfoError) as caught:
        parse_modinfo(text, "bin/p.so")
    assert str(caught.value).startswith("bin/p.so: could not parse Go build info: line ")
    assert message in str(caught.value)
    assert isinstance(caught.value, InputError)


def _elf_with_section(name: bytes, body: bytes) -> bytes:
    """A minimal 64-bit little-endian ELF: one PT_LOAD and sections null, ``name``,
    .shstrtab; ``body`` is mapped at address 0x1000."""
    shstr = b"\0" + name + b"\0.shstrtab\0"
    body_off = 0x100
    str_off = body_off + len(body)
    sh_off = (str_off + len(shstr) + 7) & ~7
    ehdr = b"\x7fELF" + bytes([2, 1, 1]) + bytes(9)
    ehdr += struct.pack("<HHIQQQIHHHHHH", 3, 62, 1, 0, 64, sh_off, 0, 64, 56, 1, 64, 3, 2)
    phdr = struct.pack("<IIQQQQQQ", 1, 6, body_off, 0x1000, 0x1000, len(body), len(body), 16)
    data = bytearray(ehdr + phdr)
    data += bytes(body_off - len(data)) + body + shstr
    data += bytes(sh_off - len(data))
    data += bytes(64)
    data += struct.pack("<IIQQQQIIQQ", 1, 1, 3, 0x1000, body_off, len(body), 0, 0, 16, 0)
    data += struct.pack("<IIQQQQIIQQ", 2 + len(name), 3, 0, 0, str_off, len(shstr), 0, 0, 1, 0)
    return bytes(data)


def _uvarint(n: int) -> bytes:
    out = bytearray()
    while n >= 0x80:
        out.append(n & 0x7F | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def _blob(version: str, modinfo: str, flags: int = 2) -> bytes:
    header = b"\xff Go buildinf:" + bytes([8, flags]) + bytes(16)
    framed = b"0" * 16 + modinfo.encode() + b"1" * 16
    return header + _uvarint(len(version)) + version.encode() + _uvarint(len(framed)) + framed


def test_reads_a_constructed_elf() -> None:
    data = _elf_with_section(b".go.buildinfo", _blob("go1.27.3", TEXT))
    info = parse(data, "f")
    assert info == parse_modinfo(TEXT, "f", go_version="go1.27.3")
    assert isinstance(info, BuildInfo)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"#!/bin/sh\necho hi\n" + bytes(64), "f: not a Go binary or plugin (not an ELF"),
        (b"\x7fELF", "f: not a Go binary or plugin (not an ELF"),
        (_elf_with_section(b".data", _blob("go1.27.3", TEXT)), "it has no Go build info"),
        (_elf_with_section(b".go.buildinfo", b"\0" * 64), "it has no Go build info"),
        (_elf_with_section(b".go.buildinfo", _blob("go1.16", "", flags=0)), "Go 1.17 or older"),
    ],
)
def test_not_go_files_are_input_errors(data: bytes, message: str) -> None:
    with pytest.raises(BuildInfoError, match=r"^f: ") as caught:
        parse(data, "f")
    assert message in str(caught.value)
