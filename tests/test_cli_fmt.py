"""``goalign fmt`` end to end: a real process, its exit code, stdout and stderr."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gotool import run_go

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "fixtures" / "gomods" / "demo"

MESSY = b'module "x.com/m"\n\ngo 1.21\nrequire (\n    y.com/a v1.2\n)\n'
TIDY = b"module x.com/m\n\ngo 1.21\n\nrequire y.com/a v1.2.0\n"


def goalign(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "goalign", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
    )


def test_rewrites_a_file_in_place(tmp_path: Path) -> None:
    gomod = tmp_path / "go.mod"
    gomod.write_bytes(MESSY)
    done = goalign("fmt", tmp_path)
    assert done.returncode == 0, done.stderr
    assert gomod.read_bytes() == TIDY
    assert done.stdout == ""
    assert f"formatted {gomod}" in done.stderr


def test_defaults_to_go_mod_in_the_current_folder(tmp_path: Path) -> None:
    (tmp_path / "go.mod").write_bytes(MESSY)
    assert goalign("fmt", cwd=tmp_path).returncode == 0
    assert (tmp_path / "go.mod").read_bytes() == TIDY


def test_check_and_diff_change_nothing(tmp_path: Path) -> None:
    gomod = tmp_path / "go.mod"
    gomod.write_bytes(MESSY)
    check = goalign("fmt", "--check", gomod)
    assert (check.returncode, check.stdout) == (1, f"{gomod}\n")
    diff = goalign("fmt", "--diff", gomod)
    assert diff.returncode == 1
    assert "-    y.com/a v1.2\n" in diff.stdout
    assert "+require y.com/a v1.2.0\n" in diff.stdout
    assert gomod.read_bytes() == MESSY
    gomod.write_bytes(TIDY)
    assert goalign("fmt", "--check", gomod).returncode == 0


def test_bad_go_mod_exits_2_names_the_line_and_writes_nothing(tmp_path: Path) -> None:
    good, bad = tmp_path / "good" / "go.mod", tmp_path / "bad" / "go.mod"
    good.parent.mkdir()
    bad.parent.mkdir()
    good.write_bytes(MESSY)
    bad.write_bytes(b"module x.com/m\n\nrequire x.com/m/v2 v1.0.0\n")
    done = goalign("fmt", good, bad)
    assert done.returncode == 2
    assert done.stderr == (
        f'goalign: {bad}:3: require x.com/m/v2: version "v1.0.0" invalid: should be v2, not v1\n'
    )
    assert good.read_bytes() == MESSY


def test_missing_file_and_bad_usage_exit_2(tmp_path: Path) -> None:
    missing = goalign("fmt", tmp_path / "nope.mod")
    assert missing.returncode == 2
    assert "nope.mod" in missing.stderr
    assert "Traceback" not in missing.stderr
    usage = goalign("fmt", "--no-such-flag")
    assert usage.returncode == 2
    assert usage.stderr.splitlines()[0] == (
        "goalign fmt: error: unrecognized arguments: --no-such-flag"
    )
    assert "Traceback" not in usage.stderr


def test_help_and_version() -> None:
    done = goalign("--help")
    assert done.returncode == 0
    assert "fmt" in done.stdout
    version = goalign("--version")
    assert (version.returncode, version.stdout.startswith("goalign ")) == (0, True)


@pytest.mark.go
def test_demo_formats_as_go_does(tmp_path: Path) -> None:
    """The README's demo: goalign's rewrite of each demo go.mod equals go mod edit -fmt."""
    work = tmp_path / "demo"
    shutil.copytree(DEMO, work)
    gomods = sorted(work.rglob("go.mod"))
    assert len(gomods) == 3
    expected = {}
    for gomod in gomods:
        copy = tmp_path / "go" / gomod.relative_to(work)
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_bytes(gomod.read_bytes())
        run_go(["mod", "edit", "-fmt"], copy.parent, tmp_path)
        expected[gomod] = copy.read_bytes()
    assert goalign("fmt", "--check", *gomods).returncode == 1
    assert goalign("fmt", *gomods).returncode == 0
    assert {g: g.read_bytes() for g in gomods} == expected
    assert goalign("fmt", "--check", *gomods).returncode == 0
