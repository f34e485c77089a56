"""goalign.baseline and goalign.manifest on build info written by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from goalign import manifest
from goalign.baseline import from_build_info
from goalign.buildinfo import BuildInfo, BuildSetting, Module
from goalign.errors import InputError

from cliutil import run_goalign

INFO = BuildInfo(
    "go1.26.8",
    "example.com/host",
    Module("example.com/host", "(devel)"),
    (
        Module("example.com/a", "v1.2.0", "h1:A="),
        Module("example.com/b", "v1.0.0", "", Module("example.com/bfork", "v1.0.1", "h1:B=")),
        Module(
            "example.com/c", "v0.0.0-00010101000000-000000000000", "", Module("../c", "(devel)")
        ),
    ),
    (BuildSetting("-trimpath", "true"), BuildSetting("CGO_ENABLED", "1")),
)


def test_host_from_build_info() -> None:
    b = from_build_info(INFO, "bin/host")
    f = b.artifact.file
    assert f.module is not None
    assert f.module.mod.path == "example.com/host"
    assert f.go is not None
    assert f.go.version == "1.26"
    assert f.toolchain is not None
    assert f.toolchain.name == "go1.26.8"
    assert [(r.mod.path, r.mod.version) for r in f.require] == [
        (d.path, d.version) for d in INFO.deps
    ]
    assert [(r.old.path, r.old.version, r.new.path, r.new.version) for r in f.replace] == [
        ("example.com/b", "", "example.com/bfork", "v1.0.1"),
        ("example.com/c", "", "../c", ""),
    ]
    assert b.build_list.format() == (
        "example.com/host\n"
        "example.com/a v1.2.0\n"
        "example.com/b v1.0.0 => example.com/bfork v1.0.1\n"
        "example.com/c v0.0.0-00010101000000-000000000000 => ../c\n"
    )
    assert b.sums == {
        ("example.com/a", "v1.2.0"): "h1:A=",
        ("example.com/bfork", "v1.0.1"): "h1:B=",
    }
    assert b.dirs == {"../c": b"module example.com/c\n"}
    assert "3 module(s) linked" in b.notes[0]
    assert "from the folder ../c" in b.notes[1]


@pytest.mark.parametrize("go", ["devel go1.27-abcdef Tue", "", "go1.26.8-rc"])
def test_unreleased_go_is_bad_input(go: str) -> None:
    with pytest.raises(InputError, match="not a Go release"):
        from_build_info(BuildInfo(go, "x", Module("example.com/x", "(devel)")), "bin/x")


def test_no_main_module_is_bad_input() -> None:
    with pytest.raises(InputError, match="no main module"):
        from_build_info(BuildInfo("go1.26.8", "command-line-arguments"), "bin/x")


def test_go_release_with_an_experiment_suffix() -> None:
    info = BuildInfo("go1.26.8 X:boringcrypto", "x", Module("example.com/x", "(devel)"))
    f = from_build_info(info, "x").artifact.file
    assert f.toolchain is not None
    assert f.toolchain.name == "go1.26.8"


def test_manifest_round_trip() -> None:
    text = manifest.dumps(INFO)
    doc = json.loads(text)
    assert doc["schema"] == "goalign.manifest/v1"
    assert doc["deps"][1]["replace"]["path"] == "example.com/bfork"
    assert manifest.loads(text.encode(), "m.json") == INFO


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", r"m\.json:1: not a goalign manifest \(invalid JSON"),
        ("[]", "not a JSON object"),
        ('{"schema": "goalign.report/v1"}', "schema: expected 'goalign.manifest/v1'"),
        (
            '{"schema": "goalign.manifest/v1", "go_version": "go1.26.8", '
            '"main": {"path": "x", "version": "(devel)"}, "deps": [{"path": "y", "version": 1}]}',
            r"m\.json: deps\[0\]\.version: must be a string",
        ),
        (
            '{"schema": "goalign.manifest/v1", "go_version": "", "main": {}}',
            "go_version: must not be empty",
        ),
    ],
)
def test_bad_manifest(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        manifest.loads(text.encode(), "m.json")


def test_cli_host_kind_and_bad_files(tmp_path: Path) -> None:
    junk = tmp_path / "junk.txt"
    junk.write_text("hello\n")
    proc = run_goalign("manifest", junk, tmp=tmp_path)
    assert proc.returncode == 2
    want = "junk.txt: not a Go binary or plugin (ELF or Mach-O), a goalign manifest (JSON)"
    assert want in proc.stderr
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema": "nope"}')
    proc = run_goalign("solve", "--host", bad, "--plugin", tmp_path, tmp=tmp_path)
    assert proc.returncode == 2
    assert f"{bad}: schema: expected 'goalign.manifest/v1'" in proc.stderr
    elf = tmp_path / "notgo"
    elf.write_bytes(b"\x7fELF" + bytes(60))
    proc = run_goalign("manifest", elf, tmp=tmp_path)
    assert proc.returncode == 2
    assert "not a Go binary or plugin" in proc.stderr


def test_cli_manifest_is_accepted_as_host(tmp_path: Path) -> None:
    m = tmp_path / "host-manifest.json"
    m.write_text(manifest.dumps(INFO))
    proc = run_goalign("manifest", m, tmp=tmp_path)
    assert proc.returncode == 0
    assert manifest.loads(proc.stdout.encode(), "out") == INFO
    plugin = tmp_path / "p"
    plugin.mkdir()
    (plugin / "go.mod").write_text("module example.com/p\n\ngo 1.22\n")
    args = ("solve", "--host", m, "--plugin", plugin, "--allow-host-upgrade")
    proc = run_goalign(*args, tmp=tmp_path)
    assert proc.returncode == 2
    assert "--allow-host-upgrade needs the host's folder" in proc.stderr
