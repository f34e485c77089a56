"""Go build info: the Go version, main module, linked modules and build settings that
every Go binary and plugin carries, read from the file's bytes without a Go toolchain.

The format is Go's own (``debug/buildinfo`` and ``runtime/debug``, Go 1.18 and later):
the section ``.go.buildinfo`` (ELF) or ``__go_buildinfo`` (Mach-O) starts, on a
16-byte boundary, with the 14-byte magic ``"\\xff Go buildinf:"``, a pointer size byte
and a flags byte; with the "inline" flag (bit 1) the 32-byte header is followed by two
uvarint-length-prefixed strings, the Go version and the module info. The module info
is framed by 16 bytes on either side and holds tab-separated lines::

    path	example.com/plugin
    mod	example.com/plugin	(devel)
    dep	example.com/log	v1.2.0	h1:...
    =>	example.com/fork	v1.2.1	h1:...      (the line above is replaced)
    build	-trimpath=true

parsed exactly as ``debug.ParseBuildInfo`` does. Build info lists only the modules
that provide at least one package linked into the file, which is exactly what a
plugin and its host must agree on.

Everything here is pure: :func:`parse` takes bytes and a display name, so the caller
reads the file (see ``goalign.cli.doctor``).
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from goalign.errors import BuildInfoError
from goalign.strconv import decode, quote, unquote

__all__ = [
    "MACHO_MAGICS",
    "BuildInfo",
    "BuildSetting",
    "Module",
    "parse",
    "parse_modinfo",
]

MAGIC = b"\xff Go buildinf:"
_ALIGN = 16
_HEADER = 32
_FLAG_INLINE = 0x2


@dataclass(frozen=True)
class Module:
    """One module line of build info: ``mod``, ``dep`` or a ``=>`` replacement.

    ``version`` is ``(devel)`` for a main module built from its folder and for a
    replacement by a directory (whose ``path`` is then that directory, as go.mod wrote
    it). ``sum`` is the h1 hash of the module's content, empty when there is none.
    """

    path: str
    version: str
    sum: str = ""
    replace: Module | None = None

    @property
    def effective(self) -> Module:
        """Return the module whose code is linked: the replacement if there is one."""
        return self.replace or self

    @property
    def is_directory(self) -> bool:
        """Report whether the linked code comes from a folder rather than a module zip."""
        eff = self.effective
        return self.replace is not None and (eff.version in ("", "(devel)"))

    def to_json(self) -> dict[str, Any]:
        """Return the object ``go version -m -json`` prints for this module."""
        out: dict[str, Any] = {}
        for key, value in (("Path", self.path), ("Version", self.version), ("Sum", self.sum)):
            if value:
                out[key] = value
        if self.replace is not None:
            out["Replace"] = self.replace.to_json()
        return out


@dataclass(frozen=True)
class BuildSetting:
    """One ``build`` line: a key such as ``-gcflags`` or ``GOAMD64`` and its value."""

    key: str
    value: str


@dataclass(frozen=True)
class BuildInfo:
    """The build info of one Go binary or plugin.

    ``path`` is the main package's import path (for a plugin, its plugin path:
    ``plugin.Open`` refuses a second plugin with the same one). ``deps`` are in the
    file's order (sorted by path, as Go writes them); ``settings`` keep their order.
    """

    go_version: str
    path: str = ""
    main: Module = field(default_factory=lambda: Module("", ""))
    deps: tuple[Module, ...] = ()
    settings: tuple[BuildSetting, ...] = ()

    def setting(self, key: str, default: str = "") -> str:
        """Return the value of the last build setting named ``key``, or ``default``."""
        found = default
        for s in self.settings:
            if s.key == key:
                found = s.value
        return found

    def has_setting(self, key: str) -> bool:
        """Report whether a build setting named ``key`` is recorded."""
        return any(s.key == key for s in self.settings)

    def dep(self, path: str) -> Module | None:
        """Return the linked dependency with module path ``path``, or None."""
        for d in self.deps:
            if d.path == path:
                return d
        return None

    def build_list(self) -> dict[str, Module]:
        """Return the linked modules by path (the main module excluded), for use as a
        fixed baseline: each value's :attr:`Module.effective` is the code linked."""
        return {d.path: d for d in self.deps}

    def modinfo(self) -> str:
        """Return the module info text exactly as ``debug.BuildInfo.String`` writes it."""
        lines: list[str] = []
        if self.go_version:
            lines.append(f"go\t{self.go_version}")
        if self.path:
            lines.append(f"path\t{self.path}")

        def mod(word: str, m: Module) -> None:
            if m.replace is None:
                lines.append(f"{word}\t{m.path}\t{m.version}\t{m.sum}")
            else:
                lines.append(f"{word}\t{m.path}\t{m.version}")
                mod("=>", m.replace)
                lines.append("")  # Go's String writes an empty line after a replacement

        if self.main != Module("", ""):
            mod("mod", self.main)
        for d in self.deps:
            mod("dep", d)
        for s in self.settings:
            key = quote(s.key) if _quote_key(s.key) else s.key
            value = quote(s.value) if _quote_value(s.value) else s.value
            lines.append(f"build\t{key}={value}")
        return "".join(line + "\n" for line in lines)

    def format(self, name: str) -> str:
        """Return what ``go version -m NAME`` prints for this file."""
        body = BuildInfo("", self.path, self.main, self.deps, self.settings).modinfo()
        out = f"{name}: {self.go_version}\n"
        if body:
            out += "\t" + body[:-1].replace("\n", "\n\t") + "\n"
        return out

    def to_json(self) -> dict[str, Any]:
        """Return the object ``go version -m -json`` prints for this file."""
        out: dict[str, Any] = {}
        if self.go_version:
            out["GoVersion"] = self.go_version
        if self.path:
            out["Path"] = self.path
        out["Main"] = self.main.to_json()
        if self.deps:
            out["Deps"] = [d.to_json() for d in self.deps]
        if self.settings:
            out["Settings"] = [
                {k: v for k, v in (("Key", s.key), ("Value", s.value)) if v} for s in self.settings
            ]
        return out


def _quote_key(key: str) -> bool:
    return not key or any(c in key for c in '= \t\r\n"`')


def _quote_value(value: str) -> bool:
    return any(c in value for c in ' \t\r\n"`')


def _quoted_prefix(s: str) -> str | None:
    """Return the Go string literal at the start of ``s`` (strconv.QuotedPrefix)."""
    if s.startswith("`"):
        end = s.find("`", 1)
        return None if end < 0 else s[: end + 1]
    i = 1
    while i < len(s):
        c = s[i]
        if c == "\\":
            i += 2
            continue
        if c == "\n":
            return None
        if c == '"':
            lit = s[: i + 1]
            return lit if unquote(lit) is not None else None
        i += 1
    return None


def _unquote(lit: str) -> str | None:
    if lit.startswith("`"):
        if len(lit) < 2 or not lit.endswith("`") or "`" in lit[1:-1]:
            return None
        return lit[1:-1].replace("\r", "")
    return unquote(lit)


def _module_line(elem: list[str]) -> Module:
    if len(elem) not in (2, 3):
        raise ValueError(f"expected 2 or 3 columns; got {len(elem)}")
    return Module(elem[0], elem[1], elem[2] if len(elem) == 3 else "")


def parse_modinfo(text: str, name: str = "build info", go_version: str = "") -> BuildInfo:
    """Return the build info in module info ``text`` (``debug.ParseBuildInfo``).

    Raise :class:`BuildInfoError` naming ``name`` and the line for a malformed line.
    A leading ``go`` line, as ``BuildInfo.String`` writes it, sets the Go version.
    """
    path = ""
    main = Module("", "")
    deps: list[Module] = []
    settings: list[BuildSetting] = []
    # The module the next "=>" line replaces: "main", an index into deps, or None.
    last: str | int | None = None
    line_num = 1
    data = text
    try:
        while data:
            line, sep, data = data.partition("\n")
            if not sep:
                break
            if line.startswith("go\t") and line_num == 1 and not go_version:
                go_version = line[3:]
            elif line.startswith("path\t"):
                path = line[5:]
            elif line.startswith("mod\t"):
                main = _module_line(line[4:].split("\t"))
                last = "main"
            elif line.startswith("dep\t"):
                deps.append(_module_line(line[4:].split("\t")))
                last = len(deps) - 1
            elif line.startswith("=>\t"):
                elem = line[3:].split("\t")
                if len(elem) != 3:
                    raise ValueError(f"expected 3 columns for replacement; got {len(elem)}")
                if last is None:
                    raise ValueError("replacement with no module on previous line")
                rep = Module(elem[0], elem[1], elem[2])
                if last == "main":
                    main = Module(main.path, main.version, main.sum, rep)
                else:
                    assert isinstance(last, int)
                    d = deps[last]
                    deps[last] = Module(d.path, d.version, d.sum, rep)
                last = None
            elif line.startswith("build\t"):
                settings.append(_build_line(line[6:]))
            line_num += 1
    except ValueError as error:
        raise BuildInfoError(
            f"{name}: could not parse Go build info: line {line_num}: {error}"
        ) from None
    return BuildInfo(go_version, path, main, tuple(deps), tuple(settings))


def _build_line(kv: str) -> BuildSetting:
    if not kv:
        raise ValueError("build line missing '='")
    if kv[0] == "=":
        raise ValueError("build line with missing key")
    if kv[0] in '`"':
        raw_key = _quoted_prefix(kv)
        if raw_key is None:
            raise ValueError("invalid quoted key in build line")
        if len(kv) == len(raw_key):
            raise ValueError("build line missing '=' after quoted key")
        if kv[len(raw_key)] != "=":
            raise ValueError(f"unexpected character after quoted key: {kv[len(raw_key)]!r}")
        key = _unquote(raw_key) or ""
        raw_value = kv[len(raw_key) + 1 :]
    else:
        key, eq, raw_value = kv.partition("=")
        if not eq:
            raise ValueError("build line missing '=' after key")
        if _quote_key(key):
            raise ValueError(f"unquoted key {quote(key)} must be quoted")
    value = raw_value
    if raw_value and raw_value[0] in '`"':
        unq = _unquote(raw_value)
        if unq is None:
            raise ValueError("invalid quoted value in build line")
        value = unq
    elif _quote_value(raw_value):
        raise ValueError(f"unquoted value {quote(raw_value)} must be quoted")
    return BuildSetting(key, value)


# --- Executable formats ---------------------------------------------------------------


@dataclass(frozen=True)
class _Segment:
    addr: int
    offset: int
    size: int


@dataclass(frozen=True)
class _Exe:
    """Where the build info section is and how addresses map to file offsets."""

    data_addr: int
    data_size: int
    segments: tuple[_Segment, ...]

    def read(self, data: bytes, addr: int, size: int) -> bytes:
        for seg in self.segments:
            if seg.addr <= addr <= seg.addr + seg.size - 1:
                start = seg.offset + (addr - seg.addr)
                end = min(start + size, seg.offset + seg.size)
                return data[start:end]
        return b""


class _NotGo(Exception):
    """The file is an executable, but not one with Go build info."""


def _elf(data: bytes) -> _Exe:
    cls, enc = data[4], data[5]
    if cls not in (1, 2) or enc not in (1, 2):
        raise ValueError("bad ELF class or encoding")
    bo = "<" if enc == 1 else ">"
    if cls == 2:
        phoff, shoff = struct.unpack_from(bo + "QQ", data, 0x20)
        phentsize, phnum, shentsize, shnum, shstrndx = struct.unpack_from(bo + "HHHHH", data, 0x36)
    else:
        phoff, shoff = struct.unpack_from(bo + "II", data, 0x1C)
        phentsize, phnum, shentsize, shnum, shstrndx = struct.unpack_from(bo + "HHHHH", data, 0x2A)

    def section(i: int) -> tuple[int, int, int, int]:
        """Return (name offset, addr, file offset, size) of section ``i``."""
        base = shoff + i * shentsize
        if cls == 2:
            name, _, _, addr, offset, size = struct.unpack_from(bo + "IIQQQQ", data, base)
        else:
            name, _, _, addr, offset, size = struct.unpack_from(bo + "IIIIII", data, base)
        return name, addr, offset, size

    segments = []
    for i in range(phnum):
        base = phoff + i * phentsize
        if cls == 2:
            _, _, offset, vaddr, _, filesz = struct.unpack_from(bo + "IIQQQQ", data, base)
        else:
            _, offset, vaddr, _, filesz = struct.unpack_from(bo + "IIIII", data, base)
        if filesz:
            segments.append(_Segment(vaddr, offset, filesz))
    if shnum == 0 or shstrndx >= shnum:
        raise _NotGo("no section headers")
    _, _, stroff, strsize = section(shstrndx)
    strtab = data[stroff : stroff + strsize]
    for i in range(shnum):
        name_off, addr, _, size = section(i)
        end = strtab.find(b"\0", name_off)
        if strtab[name_off:end] == b".go.buildinfo":
            return _Exe(addr, size, tuple(segments))
    raise _NotGo("no .go.buildinfo section")


_MACHO_MAGICS = {
    b"\xfe\xed\xfa\xce": (">", 32),
    b"\xce\xfa\xed\xfe": ("<", 32),
    b"\xfe\xed\xfa\xcf": (">", 64),
    b"\xcf\xfa\xed\xfe": ("<", 64),
}
#: The first four bytes of a Mach-O file (either byte order, 32 or 64 bits).
MACHO_MAGICS = frozenset(_MACHO_MAGICS)


def _macho(data: bytes) -> _Exe:
    bo, bits = _MACHO_MAGICS[data[:4]]
    ncmds, _ = struct.unpack_from(bo + "II", data, 16)
    pos = 32 if bits == 64 else 28
    segments: list[_Segment] = []
    found: tuple[int, int] | None = None
    rw_segment: tuple[int, int] | None = None
    for _ in range(ncmds):
        cmd, cmdsize = struct.unpack_from(bo + "II", data, pos)
        if cmd in (0x1, 0x19):  # LC_SEGMENT, LC_SEGMENT_64
            wide = cmd == 0x19
            segname = data[pos + 8 : pos + 24].rstrip(b"\0")
            if wide:
                vmaddr, vmsize, fileoff, filesize, maxprot, initprot, nsects, _ = (
                    struct.unpack_from(bo + "QQQQiiII", data, pos + 24)
                )
                sect, sectsize = pos + 72, 80
            else:
                vmaddr, vmsize, fileoff, filesize, maxprot, initprot, nsects, _ = (
                    struct.unpack_from(bo + "IIIIiiII", data, pos + 24)
                )
                sect, sectsize = pos + 56, 68
            if segname != b"__PAGEZERO" and filesize:
                segments.append(_Segment(vmaddr, fileoff, filesize))
            if vmaddr and filesize and maxprot == 3 and initprot == 3 and rw_segment is None:
                rw_segment = (vmaddr, vmsize)
            for k in range(nsects):
                s = sect + k * sectsize
                if data[s : s + 16].rstrip(b"\0") == b"__go_buildinfo":
                    if wide:
                        addr, size = struct.unpack_from(bo + "QQ", data, s + 32)
                    else:
                        addr, size = struct.unpack_from(bo + "II", data, s + 32)
                    found = found or (addr, size)
        pos += cmdsize
    where = found or rw_segment
    if where is None:
        raise _NotGo("no __go_buildinfo section")
    return _Exe(where[0], where[1], tuple(segments))


def _uvarint(b: bytes) -> tuple[int, int]:
    x = shift = 0
    for i, c in enumerate(b[:10]):
        x |= (c & 0x7F) << shift
        if c < 0x80:
            return x, i + 1
        shift += 7
    return 0, 0


def _search_magic(data: bytes, exe: _Exe) -> int:
    start = (exe.data_addr + _ALIGN - 1) & ~(_ALIGN - 1)
    end = exe.data_addr + exe.data_size
    chunk = exe.read(data, start, end - start)
    i = 0
    while True:
        i = chunk.find(MAGIC, i)
        if i < 0:
            raise _NotGo("no build info magic")
        if i % _ALIGN == 0:
            return start + i
        i = (i + _ALIGN - 1) & ~(_ALIGN - 1)


def _strings(data: bytes, exe: _Exe, addr: int) -> Iterator[bytes]:
    while True:
        head = exe.read(data, addr, 10)
        length, n = _uvarint(head)
        if n <= 0:
            raise _NotGo("bad string length")
        body = exe.read(data, addr + n, length)
        if len(body) < length:
            raise _NotGo("truncated string")
        yield body
        addr += n + length


def parse(data: bytes, name: str) -> BuildInfo:
    """Return the build info of the Go binary or plugin whose bytes are ``data``.

    ``name`` names the file in messages. Raise :class:`BuildInfoError` when the file
    is not ELF or Mach-O, is not a Go binary, carries build info in the pointer format
    of Go 1.17 and older, or its module info is malformed.
    """
    try:
        if data[:4] == b"\x7fELF" and len(data) >= 64:
            exe = _elf(data)
        elif data[:4] in _MACHO_MAGICS and len(data) >= 32:
            exe = _macho(data)
        else:
            raise BuildInfoError(
                f"{name}: not a Go binary or plugin (not an ELF or Mach-O file)",
            )
        addr = _search_magic(data, exe)
        header = exe.read(data, addr, _HEADER)
        if len(header) < _HEADER:
            raise _NotGo("truncated header")
        if not header[15] & _FLAG_INLINE:
            raise BuildInfoError(
                f"{name}: build info in the format of Go 1.17 or older is not supported",
                hint="rebuild it with Go 1.18 or newer",
            )
        strings = _strings(data, exe, addr + _HEADER)
        vers, raw = decode(next(strings)), next(strings)
    except (struct.error, IndexError, ValueError, _NotGo):
        raise BuildInfoError(
            f"{name}: not a Go binary or plugin (it has no Go build info)"
        ) from None
    if not vers:
        raise BuildInfoError(f"{name}: not a Go binary or plugin (it has no Go build info)")
    # The module info is framed by 16 bytes on each side (runtime/debug.modinfo).
    mod = decode(raw[16:-16]) if len(raw) >= 33 and raw[-17] == 0x0A else ""
    return parse_modinfo(mod, name, go_version=vers)
