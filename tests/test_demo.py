"""The bundled demo: its GOPROXY folder is what universe.py writes, and goalign lists
each demo artifact's build list exactly as ``go list -m all`` does, offline."""

from __future__ import annotations

import filecmp
import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gotool import run_go

DEMO = Path(__file__).resolve().parent.parent / "fixtures" / "gomods" / "demo"
ARTIFACTS = ["host", "plugins/ratelimit", "plugins/audit"]


def load_universe() -> object:
    spec = importlib.util.spec_from_file_location("demo_universe", DEMO / "universe.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def same_tree(a: Path, b: Path) -> bool:
    cmp = filecmp.dircmp(a, b)
    if cmp.left_only or cmp.right_only or cmp.funny_files:
        return False
    _, mismatch, errors = filecmp.cmpfiles(a, b, cmp.common_files, shallow=False)
    if mismatch or errors:
        return False
    return all(same_tree(a / d, b / d) for d in cmp.common_dirs)


def test_committed_proxy_is_what_universe_writes(tmp_path: Path) -> None:
    universe = load_universe()
    universe.write(tmp_path / "proxy")  # type: ignore[attr-defined]
    assert same_tree(tmp_path / "proxy", DEMO / "proxy")


def goalign_list(artifact: Path, tmp: Path) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp), "GOENV": "off"}
    env["GOALIGN_CACHE"] = str(tmp / "cache")
    env["GOMODCACHE"] = str(tmp / "gomodcache")
    return subprocess.run(
        [sys.executable, "-m", "goalign", "list", "--proxy", (DEMO / "proxy").as_uri(), artifact],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


@pytest.mark.go
@pytest.mark.parametrize("artifact", ARTIFACTS)
def test_demo_lists_as_go_does(artifact: str, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(DEMO / artifact, copy)
    # -mod=mod lets Go write the go.sum the demo does not ship; the list is the same.
    want = run_go(
        ["list", "-m", "all"], copy, tmp_path, GOPROXY=(DEMO / "proxy").as_uri(), GOFLAGS="-mod=mod"
    )
    got = goalign_list(DEMO / artifact, tmp_path)
    assert got.returncode == 0, got.stderr
    assert got.stdout == want.stdout
