"""The bundled demo: goalign lists each demo artifact's build list exactly as
``go list -m all`` does, offline. (That the demo's GOPROXY folder is what its
universe.py writes is checked with every scenario in test_plugins_e2e.py.)"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cliutil import run_goalign
from gotool import run_go

DEMO = Path(__file__).resolve().parent.parent / "fixtures" / "gomods" / "demo"
ARTIFACTS = ["host", "plugins/ratelimit", "plugins/audit"]


@pytest.mark.go
@pytest.mark.parametrize("artifact", ARTIFACTS)
def test_demo_lists_as_go_does(artifact: str, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(DEMO / artifact, copy)
    # -mod=mod: -mod=readonly refuses ratelimit's hand-edited go.mod (v1.3, +build.7).
    want = run_go(
        ["list", "-m", "all"], copy, tmp_path, GOPROXY=(DEMO / "proxy").as_uri(), GOFLAGS="-mod=mod"
    )
    got = run_goalign("list", DEMO / artifact, tmp=tmp_path, goproxy=(DEMO / "proxy").as_uri())
    assert got.returncode == 0, got.stderr
    assert got.stdout == want.stdout
