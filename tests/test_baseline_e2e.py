"""``solve --host BINARY`` (and ``--host MANIFEST``) against ``solve --host DIR``, with
hosts built by the real Go toolchain, and the written plans loading into the binary.

Every fixture scenario's host is built once for the module. The plans must agree
edit for edit, with one difference everywhere: a built host fixes its Go exactly, so
every plugin gets ``toolchain go<the binary's Go>`` (the fixture hosts have no
toolchain line, so ``--host DIR`` leaves plugins without one). Where else they differ,
and why, is :data:`DIFFERENCES`.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from cliutil import run_goalign
from gotool import require_go
from plugin_scenarios import BY_NAME, GOMODS, STRATEGIES, Fix
from plugins import artifacts, build_host, build_plugin, load_plugins

pytestmark = pytest.mark.go

SCENARIOS = tuple(sorted(d.name for d in GOMODS.iterdir() if (d / "host" / "go.mod").is_file()))

#: Scenarios whose plan against the binary differs from the folder's beyond the
#: toolchain lines, and why.
DIFFERENCES = {
    # A relative folder replacement cannot be located from the binary: refused (below).
    "fork": "refused",
    # The conflict names the Go that built the binary, not the host's go line.
    "go-newer": "host go",
    # A plugin's go.mod does not parse: exit 2 either way, before any plan.
    "malformed": "bad input",
    # The host requires extra but links no package of it: only the folder's module-level
    # baseline makes it shared, so only there does the plugin have to raise it.
    "unlinked": "not linked",
}


@pytest.fixture(scope="module")
def gotmp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("go")


@pytest.fixture(scope="module")
def hosts(gotmp: Path) -> dict[str, Path]:
    """Each scenario's host, built once from the committed folder."""
    require_go()
    out = {}
    for name in SCENARIOS:
        d = GOMODS / name
        out[name] = build_host(
            d / "host", gotmp / "bin" / name, gotmp, goproxy=(d / "proxy").as_uri()
        )
    return out


def go_of(binary: Path, tmp: Path) -> str:
    proc = run_goalign("manifest", binary, tmp=tmp)
    assert proc.returncode == 0, proc.stderr
    version = json.loads(proc.stdout)["go_version"]
    assert isinstance(version, str)
    return version


def solve(
    scenario_dir: Path, host: str | Path, tmp: Path, *extra: str
) -> tuple[int, dict[str, Any], str]:
    plugins = [a for a in artifacts(scenario_dir) if a != "host"]
    args: list[str | Path] = ["solve", "-C", scenario_dir, "--host", host, "--format", "json"]
    for p in plugins:
        args += ["--plugin", p]
    proc = run_goalign(*args, *extra, tmp=tmp, goproxy=(scenario_dir / "proxy").as_uri())
    report = json.loads(proc.stdout) if proc.stdout else {}
    return proc.returncode, report, proc.stderr


def edits(report: dict[str, Any]) -> list[tuple[str, str, str, str, str]]:
    return [(e["artifact"], e["op"], e["module"], e["from"], e["to"]) for e in report["edits"]]


@pytest.mark.parametrize("name", [n for n in SCENARIOS if DIFFERENCES.get(n) != "refused"])
def test_binary_host_gives_the_folder_hosts_plan(
    name: str, hosts: dict[str, Path], tmp_path: Path
) -> None:
    d = GOMODS / name
    code_dir, from_dir, err_dir = solve(d, "host", tmp_path)
    code_bin, from_bin, err_bin = solve(d, hosts[name], tmp_path)
    why = DIFFERENCES.get(name)
    if why == "bad input":
        assert (code_dir, code_bin) == (2, 2)
        assert err_bin.splitlines()[-1] == err_dir.splitlines()[-1]
        return
    assert "note: host" in err_bin
    assert "module(s) linked into it" in err_bin
    go = go_of(hosts[name], tmp_path)
    plugins = [a for a in artifacts(d) if a != "host"]
    # Everywhere: the binary fixes the toolchain, so each plugin gets its line.
    assert [e for e in edits(from_bin) if e[1] == "toolchain"] == [
        (p, "toolchain", "toolchain", "none", go) for p in plugins
    ] or from_bin["status"] == "impossible"
    moves = [e for e in edits(from_bin) if e[1] != "toolchain"]
    if why == "not linked":
        linked = manifest_modules(hosts[name], tmp_path)
        dropped = [e for e in edits(from_dir) if e not in moves]
        assert dropped, "the folder host's plan should raise the unlinked module"
        assert all(e[2] not in linked for e in dropped), dropped
        assert [e for e in edits(from_dir) if e in moves] == moves
    else:
        assert moves == edits(from_dir)
    explained_dir = [c["explanation"] for c in from_dir["conflicts"]]
    explained_bin = [c["explanation"] for c in from_bin["conflicts"]]
    if why == "host go":
        host_go = (d / "host" / "go.mod").read_text().split("\ngo ")[1].split()[0]
        explained_bin = [t.replace(go.removeprefix("go"), host_go) for t in explained_bin]
    assert explained_bin == explained_dir
    if code_dir == 0 and from_bin["status"] != "aligned":
        assert code_bin == 1  # only the toolchain lines to write
    else:
        assert code_bin == code_dir


def manifest_modules(binary: Path, tmp: Path) -> set[str]:
    proc = run_goalign("manifest", binary, tmp=tmp)
    assert proc.returncode == 0, proc.stderr
    return {dep["path"] for dep in json.loads(proc.stdout)["deps"]}


def test_relative_folder_replacement_in_a_binary_is_refused(
    hosts: dict[str, Path], tmp_path: Path
) -> None:
    # With the folder, solve rewrites the host's `=> ../forks/config` relative to the
    # plugin; the binary records only "../forks/config", relative to an unknown tree.
    d = GOMODS / "fork"
    code_dir, from_dir, _ = solve(d, "host", tmp_path)
    assert code_dir == 1
    assert ("plugins/p", "replace", "example.com/fork/config", "none", "../../forks/config") in (
        edits(from_dir)
    )
    code, _, err = solve(d, hosts["fork"], tmp_path)
    assert code == 3
    assert "links example.com/fork/config from the folder ../forks/config" in err
    assert "plugins/p requires example.com/fork/config" in err


@pytest.mark.parametrize("name", ["behind", "transitive", "fork"])
def test_manifest_gives_the_binarys_plan(name: str, hosts: dict[str, Path], tmp_path: Path) -> None:
    proc = run_goalign("manifest", hosts[name], tmp=tmp_path)
    assert proc.returncode == 0, proc.stderr
    manifest = tmp_path / "host-manifest.json"
    manifest.write_text(proc.stdout)
    d = GOMODS / name
    code_bin, from_bin, err_bin = solve(d, hosts[name], tmp_path)
    code_man, from_man, err_man = solve(d, manifest, tmp_path)
    assert code_man == code_bin
    assert from_man.get("edits") == from_bin.get("edits")
    assert err_man.replace(str(manifest), "HOST") == err_bin.replace(str(hosts[name]), "HOST")


def _mildest_fix(name: str) -> str | None:
    """Return the mildest strategy with an answer for the folder host, if any."""
    scenario = BY_NAME[name]
    return next((s for s in STRATEGIES if isinstance(scenario.outcome(s), Fix)), None)


@pytest.mark.parametrize(
    "name",
    [
        n
        for n in SCENARIOS
        if n in BY_NAME and DIFFERENCES.get(n) != "refused" and _mildest_fix(n) is not None
    ],
)
def test_written_plan_loads_into_the_binary(
    name: str, hosts: dict[str, Path], gotmp: Path, tmp_path: Path
) -> None:
    d = GOMODS / name
    work = tmp_path / "work"
    shutil.copytree(d, work, ignore=shutil.ignore_patterns("proxy"))
    shutil.copytree(d / "proxy", work / "proxy")
    strategy = ("--strategy", str(_mildest_fix(name)))
    code, report, err = solve(work, hosts[name], tmp_path, "--write", *strategy)
    assert code == 0, err
    assert report["status"] == "applied"
    built = []
    for artifact in artifacts(work)[1:]:
        built.append(
            build_plugin(
                work / artifact,
                tmp_path / (artifact.replace("/", "_") + ".so"),
                gotmp,
                goproxy=(d / "proxy").as_uri(),
                mod="readonly",
            )
        )
    results = load_plugins(hosts[name], built, tmp_path)
    assert [r.error for r in results] == [""] * len(built)
    assert all(r.ok for r in results)
    # Solving again against the binary finds nothing left to do.
    again, report, _ = solve(work, hosts[name], tmp_path, *strategy)
    assert (again, report["status"]) == (0, "aligned")
