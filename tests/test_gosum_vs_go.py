"""go.sum written by ``goalign solve --write`` against the go.sum Go itself writes.

For every fixture scenario and strategy whose answer edits a plugin: goalign writes its
answer into a copy of the scenario; a second copy gets the same go.mod files, no go.sum,
and ``go mod tidy`` over the scenario's proxy. Tidy keeps a ``/go.mod`` line for every
module whose requirements the module graph loads, and a zip line for every module that
could provide a package the main module's packages (and tests, and the tests of their
dependencies) import (``keepSums`` in cmd/go/internal/modload/init.go). goalign computes
the same set from the go.mod files and the module zips, so the two files are equal byte
for byte; tidy must also leave goalign's go.mod as it is.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from cliutil import run_goalign as goalign
from gotool import require_go, run_go
from plugin_scenarios import SCENARIOS, STRATEGIES, Fix, Scenario
from plugins import artifacts

CASES = [
    (s, st)
    for s in SCENARIOS
    for st in STRATEGIES
    if isinstance(s.outcome(st), Fix) and s.outcome(st).edits  # type: ignore[union-attr]
]


@pytest.fixture(scope="module")
def gotmp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One GOMODCACHE and goalign cache for the file: scenario module paths are distinct."""
    return tmp_path_factory.mktemp("go")


def solve_args(scenario: Scenario, where: Path, strategy: str) -> list[str]:
    args = ["-C", str(where), "--host", "host"]
    for name in scenario.plugins:
        args += ["--plugin", f"plugins/{name}"]
    return [*args, "--strategy", strategy, "--proxy", scenario.goproxy, "--write"]


def sum_lines(data: bytes) -> set[str]:
    return set(data.decode().splitlines())


@pytest.mark.go
@pytest.mark.parametrize(("scenario", "strategy"), CASES, ids=[f"{s.name}-{st}" for s, st in CASES])
def test_written_go_sum_is_what_go_mod_tidy_writes(
    scenario: Scenario, strategy: str, gotmp: Path, tmp_path: Path
) -> None:
    require_go()
    ours = tmp_path / "goalign"
    shutil.copytree(scenario.dir, ours, ignore=shutil.ignore_patterns("proxy"))
    proc = goalign("solve", *solve_args(scenario, ours, strategy), tmp=gotmp)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    theirs = tmp_path / "go"
    shutil.copytree(ours, theirs, ignore=shutil.ignore_patterns("go.sum"))
    compared = 0
    for artifact in artifacts(ours)[1:]:
        written = ours / artifact / "go.mod"
        if written.read_bytes() == (scenario.dir / artifact / "go.mod").read_bytes():
            continue  # goalign left this plugin alone
        run_go(["mod", "tidy"], theirs / artifact, gotmp, GOPROXY=scenario.goproxy)
        assert (theirs / artifact / "go.mod").read_text() == written.read_text(), artifact
        go_sum = (theirs / artifact / "go.sum").read_bytes()
        our_sum = (ours / artifact / "go.sum").read_bytes()
        extra = sorted(sum_lines(our_sum) - sum_lines(go_sum))
        missing = sorted(sum_lines(go_sum) - sum_lines(our_sum))
        assert (artifact, extra, missing) == (artifact, [], [])
        assert our_sum == go_sum, artifact
        compared += 1
    assert compared


_N = "example.com/new-imports"


@pytest.mark.go
def test_pruned_plugin_gets_the_indirect_lines_tidy_writes(gotmp: Path, tmp_path: Path) -> None:
    """new-imports with its plugin on go 1.22 (tidied by Go first): after solve --write the
    plugin's go.mod must be what go mod tidy writes, so it builds with -mod=readonly."""
    require_go()
    scenario = next(s for s in SCENARIOS if s.name == "new-imports")
    work = tmp_path / "work"
    shutil.copytree(scenario.dir, work, ignore=shutil.ignore_patterns("proxy"))
    plugin = work / "plugins" / "p"
    run_go(["mod", "edit", "-go=1.22"], plugin, gotmp)
    run_go(["mod", "tidy"], plugin, gotmp, GOPROXY=scenario.goproxy)
    proc = goalign("solve", *solve_args(scenario, work, "safe"), "--format", "json", tmp=gotmp)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    edits = {
        (e["module"].rsplit("/", 1)[-1], e["from"], e["to"], e["reason"])
        for e in json.loads(proc.stdout)["edits"]
        if e["op"] == "require"
    }
    assert edits == {
        ("api", "v1.0.0", "v1.1.0", f"{_N}/api must be v1.1.0 (host has v1.1.0)"),
        ("codec", "none", "v1.0.0", "a package it imports comes from it"),
        ("legacy", "v1.0.0", "none", "no package it imports comes from it"),
    }
    written = plugin.joinpath("go.mod").read_text()
    tidy = tmp_path / "tidy"
    shutil.copytree(plugin, tidy)
    run_go(["mod", "tidy"], tidy, gotmp, GOPROXY=scenario.goproxy)
    assert written == tidy.joinpath("go.mod").read_text()
