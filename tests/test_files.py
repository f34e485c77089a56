"""write_all replaces a set of files all together or not at all."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from goalign import files


def test_writes_every_file_and_keeps_modes(tmp_path: Path) -> None:
    a, b = tmp_path / "a" / "go.mod", tmp_path / "go.mod"
    a.parent.mkdir()
    a.write_bytes(b"old a\n")
    b.write_bytes(b"old b\n")
    os.chmod(b, 0o640)
    files.write_all({a: b"new a\n", b: b"new b\n"})
    assert a.read_bytes() == b"new a\n"
    assert b.read_bytes() == b"new b\n"
    assert stat.S_IMODE(b.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["a", "go.mod", "go.mod"]


def test_creates_new_files(tmp_path: Path) -> None:
    target = tmp_path / "go.sum"
    files.write_all({target: b"x.com/a v1.0.0 h1:abc=\n"})
    assert target.read_bytes() == b"x.com/a v1.0.0 h1:abc=\n"


def test_failure_while_staging_touches_nothing(tmp_path: Path) -> None:
    good = tmp_path / "go.mod"
    good.write_bytes(b"old\n")
    missing_dir = tmp_path / "nowhere" / "go.mod"
    with pytest.raises(FileNotFoundError):
        files.write_all({good: b"new\n", missing_dir: b"new\n"})
    assert good.read_bytes() == b"old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["go.mod"]


def test_failure_while_renaming_restores_the_files_already_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = tmp_path / "one.mod", tmp_path / "two.mod"
    first.write_bytes(b"old one\n")
    second.write_bytes(b"old two\n")
    real_replace = os.replace
    calls = 0

    def flaky_replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise OSError("disk on fire")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", flaky_replace)
    with pytest.raises(OSError, match="disk on fire"):
        files.write_all({first: b"new one\n", second: b"new two\n"})
    assert first.read_bytes() == b"old one\n"
    assert second.read_bytes() == b"old two\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["one.mod", "two.mod"]
