"""``goalign solve`` and ``goalign check`` end to end, over the plugin scenarios.

Every scenario of ``plugin_scenarios.SCENARIOS`` under every strategy: a real
``goalign check`` process over the scenario's ``file://`` proxy gives the expected exit
code, edits and report. Then (with Go) ``goalign solve --write`` on a copy makes every
plugin of every fixable scenario build with ``-mod=readonly`` and load into one host
process (``test_plugins_e2e`` shows each fails as committed), selecting the versions
the table expects.
"""

from __future__ import annotations

import json
import re
import shutil
import socket
from pathlib import Path
from typing import Any

import pytest

from goalign import modfile, semver

from cliutil import run_goalign as goalign
from gotool import require_go
from plugin_scenarios import (
    BY_NAME,
    DIFFERENT,
    SCENARIOS,
    STRATEGIES,
    Fix,
    NoAnswer,
    Scenario,
    distinct_fixes,
)
from plugins import artifacts, build_host, build_plugin, go_list_m_all, load_plugins


@pytest.fixture(scope="module")
def gotmp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One GOMODCACHE and goalign cache for the file: scenario module paths are distinct."""
    return tmp_path_factory.mktemp("go")


def artifact_args(scenario: Scenario) -> list[str]:
    args = ["--host", "host"]
    for name in scenario.plugins:
        args += ["--plugin", f"plugins/{name}"]
    return args


def solve_args(scenario: Scenario, where: Path, strategy: str, *extra: str) -> list[str]:
    return [
        "-C",
        str(where),
        *artifact_args(scenario),
        "--strategy",
        strategy,
        "--proxy",
        scenario.goproxy,
        *extra,
    ]


# --- the report's shape -------------------------------------------------------------

EDIT_KEYS = {"artifact", "file", "op", "module", "from", "to", "risk", "reason"}
DEMAND_KEYS = {"artifact", "chain", "module", "version", "other", "text"}


def check_report(report: dict[str, Any]) -> None:
    """Fail unless ``report`` has the shape docs/report-schema.md documents."""
    assert set(report) == {
        "schema",
        "status",
        "strategy",
        "host",
        "plugins",
        "shared",
        "edits",
        "conflicts",
        "violations",
        "stats",
    }
    assert report["schema"] == "goalign.report/v1"
    assert report["status"] in {"aligned", "edits", "applied", "impossible"}
    assert report["strategy"] in STRATEGIES
    assert isinstance(report["host"], str)
    assert all(isinstance(p, str) for p in report["plugins"])
    for m in report["shared"]:
        assert set(m) == {"module", "versions", "target"}
        assert all(isinstance(k, str) and isinstance(v, str) for k, v in m["versions"].items())
    for e in report["edits"]:
        assert set(e) == EDIT_KEYS
        assert e["op"] in {"require", "replace", "drop_replace", "go", "toolchain", "sum"}
        assert e["risk"] in {"safe", "risky"}
        assert all(isinstance(e[k], str) for k in EDIT_KEYS)
    for c in report["conflicts"]:
        assert set(c) == {"module", "demands", "tried", "explanation", "options"}
        for d in c["demands"]:
            assert set(d) == DEMAND_KEYS
            assert all(isinstance(x, str) for x in d["chain"])
        assert all(isinstance(x, str) for x in c["tried"] + c["options"])
    for v in report["violations"]:
        assert set(v) == {"artifact", "requirer", "module", "required", "pinned"}
    assert set(report["stats"]) == {"modules", "requests", "cache_hits", "seconds"}
    assert all(isinstance(x, int | float) for x in report["stats"].values())
    assert report["status"] == "impossible" or not report["conflicts"]


def expected_edits(fix: Fix) -> set[tuple[str, str, str, str]]:
    """The table's ``go mod edit`` flags as (artifact, op, module, to)."""
    out = set()
    for artifact, flags in fix.edits.items():
        for flag in flags:
            kind, _, value = flag.lstrip("-").partition("=")
            if kind == "require":
                module, _, version = value.partition("@")
                out.add((artifact, "require", module, version))
            else:
                old, _, new = value.partition("=")
                target = " ".join(new.split("@")) if "@" in new else new
                out.add((artifact, "replace", old, target))
    return out


def already_states(scenario: Scenario, edit: tuple[str, str, str, str]) -> bool:
    """Report whether a table require edit only writes a version the go.mod already
    states in another spelling (``v1.2.1+build.7``): formatting, not an edit."""
    artifact, op, module, version = edit
    if op != "require":
        return False
    f = modfile.parse((scenario.dir / artifact / "go.mod").read_bytes())
    return any(
        r.mod.path == module and semver.canonical(r.mod.version) == version for r in f.require
    )


CASES = [(s, st) for s in SCENARIOS for st in STRATEGIES]


@pytest.mark.parametrize(("scenario", "strategy"), CASES, ids=[f"{s.name}-{st}" for s, st in CASES])
def test_check_gives_the_expected_answer(scenario: Scenario, strategy: str, gotmp: Path) -> None:
    outcome = scenario.outcome(strategy)
    proc = goalign(
        "check", *solve_args(scenario, scenario.dir, strategy, "--format", "json"), tmp=gotmp
    )
    if isinstance(outcome, NoAnswer) and outcome.exit_code == 2:
        assert proc.returncode == 2, proc.stderr
        assert outcome.reason in proc.stderr
        assert proc.stdout == ""
        return
    report = json.loads(proc.stdout)
    check_report(report)
    if isinstance(outcome, NoAnswer):
        assert (proc.returncode, report["status"]) == (outcome.exit_code, "impossible")
        text = goalign("check", *solve_args(scenario, scenario.dir, strategy), tmp=gotmp).stdout
        facts = re.findall(r"[\w./-]*\w@?v?\d[\w.+-]*|plugins/\w+", outcome.reason)
        missing = [fact for fact in facts if fact not in text]
        assert not missing, (missing, text)
        return
    want = {e for e in expected_edits(outcome) if not already_states(scenario, e)}
    if not want:
        assert (proc.returncode, report["status"], report["edits"]) == (0, "aligned", [])
        return
    assert (proc.returncode, report["status"]) == (1, "edits"), proc.stderr
    got = {(e["artifact"], e["op"], e["module"], e["to"]) for e in report["edits"]}
    assert want <= got
    risky = {
        f"{e['artifact']}: {e['module']} {e['from']} -> {e['to']}"
        for e in report["edits"]
        if e["risk"] == "risky" and e["op"] == "require"
    }
    assert risky == set(outcome.risky)
    violated = {
        f"{v['requirer']} requires {v['module']}@{v['required']}" for v in report["violations"]
    }
    assert violated == set(outcome.violated)


def test_markdown_and_text_formats(gotmp: Path) -> None:
    scenario = BY_NAME["behind"]
    md = goalign(
        "check", *solve_args(scenario, scenario.dir, "safe", "--format", "markdown"), tmp=gotmp
    )
    assert md.returncode == 1
    assert "#### `plugins/p`\n" in md.stdout
    assert (
        "| `example.com/behind/log` | `v1.1.0` | `v1.2.0` | must be v1.2.0 (host has v1.2.0) |"
        in md.stdout
    )
    text = goalign("check", *solve_args(scenario, scenario.dir, "safe"), tmp=gotmp)
    assert text.returncode == 1
    assert "--- a/plugins/p/go.mod\n+++ b/plugins/p/go.mod\n" in text.stdout
    assert "+require example.com/behind/log v1.2.0\n" in text.stdout


# --- writing ------------------------------------------------------------------------


def copy_scenario(scenario: Scenario, dest: Path) -> Path:
    shutil.copytree(scenario.dir, dest, ignore=shutil.ignore_patterns("proxy"))
    return dest


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    return {
        str(p.relative_to(root)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_aligned_set_is_left_untouched(gotmp: Path, tmp_path: Path) -> None:
    scenario = BY_NAME["aligned"]
    work = copy_scenario(scenario, tmp_path / "work")
    before = snapshot(work)
    proc = goalign("solve", *solve_args(scenario, work, "safe", "--write"), tmp=gotmp)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("aligned:")
    assert snapshot(work) == before


def test_malformed_go_mod_is_exit_2_and_nothing_is_written(gotmp: Path, tmp_path: Path) -> None:
    scenario = BY_NAME["malformed"]
    work = copy_scenario(scenario, tmp_path / "work")
    before = snapshot(work)
    proc = goalign("solve", *solve_args(scenario, work, "force", "--write"), tmp=gotmp)
    assert proc.returncode == 2
    assert proc.stderr.startswith("goalign: plugins/broken/go.mod:5: unknown directive: requires")
    assert snapshot(work) == before


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_proxy_down_is_exit_4_and_nothing_is_written(tmp_path: Path) -> None:
    scenario = BY_NAME["behind"]
    work = copy_scenario(scenario, tmp_path / "work")
    before = snapshot(work)
    args = solve_args(scenario, work, "safe", "--write")
    args[args.index("--proxy") + 1] = f"http://127.0.0.1:{closed_port()}"
    proc = goalign("solve", *args, tmp=tmp_path)
    assert proc.returncode == 4, proc.stderr
    assert "127.0.0.1" in proc.stderr
    assert snapshot(work) == before


def test_config_file_and_bad_config(gotmp: Path, tmp_path: Path) -> None:
    scenario = BY_NAME["behind"]
    work = copy_scenario(scenario, tmp_path / "work")
    (work / "goalign.toml").write_text(
        f'host = "host"\nplugins = ["plugins/*"]\nproxy = "{scenario.goproxy}"\n'
    )
    proc = goalign("check", "-C", work, tmp=gotmp)
    assert proc.returncode == 1, proc.stderr
    assert "plugins/p: require example.com/behind/log v1.1.0 -> v1.2.0" in proc.stdout
    (work / "goalign.toml").write_text('host = "host"\nplugins = "plugins/p"\n')
    bad = goalign("check", "-C", work, tmp=gotmp)
    assert bad.returncode == 2
    assert "goalign.toml: plugins: must be a list" in bad.stderr


@pytest.mark.go
@pytest.mark.parametrize(
    ("scenario", "strategies", "fix"),
    distinct_fixes(with_edits=True),
    ids=[f"{s.name}-{'+'.join(st)}" for s, st, _ in distinct_fixes(with_edits=True)],
)
def test_write_makes_every_plugin_load(
    scenario: Scenario, strategies: tuple[str, ...], fix: Fix, gotmp: Path, tmp_path: Path
) -> None:
    require_go()
    work = copy_scenario(scenario, tmp_path / "work")
    first, *others = strategies
    proc = goalign("solve", *solve_args(scenario, work, first, "--write"), tmp=gotmp)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.startswith("edits written")
    for strategy in others:
        again = goalign("check", *solve_args(scenario, work, strategy), tmp=gotmp)
        assert (again.returncode, again.stdout.splitlines()[0]) == (
            0,
            "aligned: every plugin shares the host's module versions; nothing to change",
        ), again.stdout
    proxy = scenario.goproxy
    for artifact in artifacts(work):
        if artifact == "host":
            continue
        assert (work / artifact / "go.sum").is_file()
    host = build_host(work / "host", tmp_path / "host", gotmp, goproxy=proxy)
    built = []
    for name in scenario.plugins:
        artifact = work / "plugins" / name
        built.append(build_plugin(artifact, tmp_path / f"{name}.so", gotmp, goproxy=proxy))
        selected = go_list_m_all(artifact, gotmp, proxy)
        for module, want in fix.selected.get(f"plugins/{name}", {}).items():
            assert selected.get(module) == want, (name, module)
    results = load_plugins(host, built, tmp_path)
    assert [r.error for r in results] == [""] * len(built)
    assert all(r.ok for r in results)
    assert (work / "host" / "go.mod").read_bytes() == (
        scenario.dir / "host" / "go.mod"
    ).read_bytes()


@pytest.mark.go
def test_force_answer_written_builds_readonly_and_loads(gotmp: Path, tmp_path: Path) -> None:
    """force-only: the plugin fails to load as committed; ``solve --strategy force
    --write`` pins log with a replace, lists the one requirement that breaks, and the
    plugin then builds with ``-mod=readonly``, selects the pinned log and loads."""
    require_go()
    scenario = BY_NAME["force-only"]
    fix = scenario.force
    assert isinstance(fix, Fix)
    log = "example.com/force-only/log"
    work = copy_scenario(scenario, tmp_path / "work")
    proxy = scenario.goproxy
    host = build_host(work / "host", tmp_path / "host", gotmp, goproxy=proxy)
    before = build_plugin(
        work / "plugins" / "p", tmp_path / "before.so", gotmp, goproxy=proxy, mod="mod"
    )
    (failed,) = load_plugins(host, [before], tmp_path)
    assert not failed.ok
    assert DIFFERENT + log in failed.error

    check = goalign("check", *solve_args(scenario, work, "force", "--format", "json"), tmp=gotmp)
    assert check.returncode == 1, check.stderr
    report = json.loads(check.stdout)
    check_report(report)
    assert [
        (v["artifact"], v["requirer"], v["module"], v["required"], v["pinned"])
        for v in report["violations"]
    ] == [("plugins/p", "example.com/force-only/tracing@v1.0.0", log, "v1.3.0", "v1.2.0")]
    replaces = [e for e in report["edits"] if e["op"] == "replace"]
    assert [(e["artifact"], e["module"], e["to"], e["risk"]) for e in replaces] == [
        ("plugins/p", log, f"{log} v1.2.0", "risky")
    ]

    proc = goalign("solve", *solve_args(scenario, work, "force", "--write"), tmp=gotmp)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.startswith("edits written")
    written = modfile.parse((work / "plugins" / "p" / "go.mod").read_bytes())
    assert [(r.old.path, r.old.version, r.new.path, r.new.version) for r in written.replace] == [
        (log, "", log, "v1.2.0")
    ]
    assert (work / "host" / "go.mod").read_bytes() == (
        scenario.dir / "host" / "go.mod"
    ).read_bytes()
    again = goalign("check", *solve_args(scenario, work, "force"), tmp=gotmp)
    assert again.returncode == 0, again.stdout + again.stderr

    selected = go_list_m_all(work / "plugins" / "p", gotmp, proxy)
    for module, want in fix.selected["plugins/p"].items():
        assert selected.get(module) == want, module
    after = build_plugin(work / "plugins" / "p", tmp_path / "after.so", gotmp, goproxy=proxy)
    (loaded,) = load_plugins(host, [after], tmp_path)
    assert (loaded.ok, loaded.error) == (True, "")


def test_readme_demo_command(gotmp: Path) -> None:
    """``goalign solve -C fixtures/gomods/demo`` reads the demo's goalign.toml and its
    bundled proxy folder: a plan (exit 1), nothing written."""
    demo = BY_NAME["demo"].dir
    before = snapshot(demo)
    proc = goalign("solve", "-C", demo, tmp=gotmp)
    assert proc.returncode == 1, proc.stderr
    assert "plugins/audit: require example.com/kit/trace v1.1.0 -> v1.0.0 (risky)" in proc.stdout
    assert snapshot(demo) == before
