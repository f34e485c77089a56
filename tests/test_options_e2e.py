"""``--allow-host-upgrade`` and goalign.toml ``[pins]`` end to end with the real Go toolchain.

A real ``goalign solve --write`` process edits a copy of a scenario; then the host and
every plugin are rebuilt with ``-mod=readonly`` (go.sum must be complete), every
plugin is opened in one host process, and ``go list -m all`` of each artifact must
agree on every module two of them have.
"""

from __future__ import annotations

import difflib
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from goalign import modfile

from cliutil import run_goalign as goalign
from gotool import require_go
from plugin_scenarios import BY_NAME, Scenario
from plugins import artifacts, build_host, build_plugin, go_list_m_all, load_plugins

pytestmark = pytest.mark.go


@pytest.fixture(scope="module")
def gotmp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One GOMODCACHE and goalign cache for the file: scenario module paths are distinct."""
    return tmp_path_factory.mktemp("go")


def copy_scenario(scenario: Scenario, dest: Path) -> Path:
    shutil.copytree(scenario.dir, dest, ignore=shutil.ignore_patterns("proxy", "goalign.toml"))
    return dest


def solve_args(scenario: Scenario, where: Path, *extra: str) -> list[str]:
    args = ["-C", str(where), "--host", "host"]
    for name in scenario.plugins:
        args += ["--plugin", f"plugins/{name}"]
    return [*args, "--proxy", scenario.goproxy, *extra]


def write_config(work: Path, scenario: Scenario, pins: dict[str, str]) -> None:
    lines = "".join(f'"{m}" = "{v}"\n' for m, v in pins.items())
    (work / "goalign.toml").write_text(
        f'host = "host"\nplugins = ["plugins/*"]\nproxy = "{scenario.goproxy}"\n\n[pins]\n{lines}'
    )


def changed_lines(before: bytes, after: bytes) -> list[str]:
    """The lines a unified diff removes (``-``) and adds (``+``), in order."""
    diff = difflib.unified_diff(
        before.decode().splitlines(), after.decode().splitlines(), lineterm="", n=0
    )
    return [line for line in diff if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def build_and_load(
    scenario: Scenario, work: Path, gotmp: Path, out: Path
) -> dict[str, dict[str, str]]:
    """Build host and plugins with ``-mod=readonly``, open every plugin in one host
    process (all must load), and return each artifact's ``go list -m all``; fail
    unless every module two artifacts list has one version (and replacement) in all."""
    proxy = scenario.goproxy
    host = build_host(work / "host", out / "host", gotmp, goproxy=proxy)
    built = [
        build_plugin(work / "plugins" / name, out / f"{name}.so", gotmp, goproxy=proxy)
        for name in scenario.plugins
    ]
    results = load_plugins(host, built, out)
    assert [(r.ok, r.error) for r in results] == [(True, "")] * len(built)
    lists = {a: go_list_m_all(work / a, gotmp, proxy) for a in artifacts(work)}
    seen: dict[str, dict[str, str]] = {}
    for artifact, selected in lists.items():
        for module, version in selected.items():
            seen.setdefault(module, {})[artifact] = version
    for module, versions in seen.items():
        assert len(set(versions.values())) == 1, (module, versions)
    return lists


def report_of(proc_stdout: str) -> dict[str, Any]:
    report: dict[str, Any] = json.loads(proc_stdout)
    return report


# --- --allow-host-upgrade -------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "module", "old", "new", "plugin_edits"),
    [
        ("ahead", "example.com/ahead/log", "v1.2.0", "v1.3.0", []),
        (
            "demo",
            "example.com/kit/log",
            "v1.4.0",
            "v1.5.0",
            [("plugins/ratelimit", "example.com/kit/log", "v1.3.0", "v1.5.0")],
        ),
    ],
)
def test_host_upgrade_edits_the_host_minimally_and_every_plugin_loads(
    name: str,
    module: str,
    old: str,
    new: str,
    plugin_edits: list[tuple[str, str, str, str]],
    gotmp: Path,
    tmp_path: Path,
) -> None:
    """A plugin ahead of the host: ``safe`` refuses; with ``--allow-host-upgrade`` the
    host's one requirement rises to what the plugin needs, its other lines stay, the
    report lists the host's edits first, and everything rebuilds and loads."""
    require_go()
    scenario = BY_NAME[name]
    work = copy_scenario(scenario, tmp_path / "work")
    host_mod = (work / "host" / "go.mod").read_bytes()
    host_sum = (work / "host" / "go.sum").read_bytes()

    refused = goalign("check", *solve_args(scenario, work), tmp=gotmp)
    assert refused.returncode == 3, refused.stdout + refused.stderr

    check = goalign(
        "check", *solve_args(scenario, work, "--allow-host-upgrade", "--format", "json"), tmp=gotmp
    )
    assert check.returncode == 1, check.stdout + check.stderr
    report = report_of(check.stdout)
    assert report["status"] == "edits"
    edits = report["edits"]
    host_edits = [e for e in edits if e["artifact"] == "host"]
    # Reported apart: the host's edits (go.mod, then go.sum) come before any plugin's.
    assert edits[: len(host_edits)] == host_edits
    assert [(e["file"], e["op"], e["module"], e["from"], e["to"]) for e in host_edits] == [
        ("host/go.mod", "require", module, old, new),
        ("host/go.sum", "sum", "", "", ""),
    ]
    assert all(e["risk"] == "safe" for e in edits)
    assert [
        (e["artifact"], e["module"], e["from"], e["to"])
        for e in edits
        if e["artifact"] != "host" and e["op"] == "require"
    ] == plugin_edits
    shared = {m["module"]: m for m in report["shared"]}
    assert shared[module]["target"] == new
    assert set(shared[module]["versions"].values()) == {new}

    proc = goalign(
        "solve", *solve_args(scenario, work, "--allow-host-upgrade", "--write"), tmp=gotmp
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.startswith("edits written")
    # Exactly one go.mod line changes in the host, and go.sum only for that module.
    lead = "\t" if name == "demo" else "require "  # demo's host has a require block
    assert changed_lines(host_mod, (work / "host" / "go.mod").read_bytes()) == [
        f"-{lead}{module} {old}",
        f"+{lead}{module} {new}",
    ]
    sum_changes = changed_lines(host_sum, (work / "host" / "go.sum").read_bytes())
    assert sum_changes
    assert all(line[1:].startswith(f"{module} ") for line in sum_changes), sum_changes
    assert {line.split()[1].removesuffix("/go.mod") for line in sum_changes if line[0] == "-"} == {
        old
    }
    assert {line.split()[1].removesuffix("/go.mod") for line in sum_changes if line[0] == "+"} == {
        new
    }

    again = goalign("check", *solve_args(scenario, work), tmp=gotmp)
    assert again.returncode == 0, again.stdout + again.stderr
    lists = build_and_load(scenario, work, gotmp, tmp_path / "out")
    assert all(selected.get(module) == new for selected in lists.values())


@pytest.mark.parametrize(("name", "strategy"), [("behind", "safe"), ("demo", "downgrade")])
def test_host_is_untouched_when_plugins_can_move(
    name: str, strategy: str, gotmp: Path, tmp_path: Path
) -> None:
    """Allowed but not needed: the flag changes nothing in the answer, the host's files
    stay byte for byte, and the plugins load into the host as built before."""
    require_go()
    scenario = BY_NAME[name]
    work = copy_scenario(scenario, tmp_path / "work")
    host_before = snapshot(work / "host")
    base = solve_args(scenario, work, "--strategy", strategy, "--format", "json")
    without = report_of(goalign("check", *base, tmp=gotmp).stdout)
    flagged = goalign("check", *base, "--allow-host-upgrade", tmp=gotmp)
    assert flagged.returncode == 1, flagged.stdout + flagged.stderr
    with_flag = report_of(flagged.stdout)
    assert with_flag["edits"], "the plugins need edits"
    assert not [e for e in with_flag["edits"] if e["artifact"] == "host"]
    for key in ("status", "shared", "conflicts", "violations"):
        assert with_flag[key] == without[key], key
    # The same edits; only the reason's wording differs ("shared at" for "host has").
    assert [{**e, "reason": ""} for e in with_flag["edits"]] == [
        {**e, "reason": ""} for e in without["edits"]
    ]

    proc = goalign(
        "solve",
        *solve_args(scenario, work, "--strategy", strategy, "--allow-host-upgrade", "--write"),
        tmp=gotmp,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert snapshot(work / "host") == host_before
    build_and_load(scenario, work, gotmp, tmp_path / "out")


# --- [pins] ---------------------------------------------------------------------------

_S = "example.com/plugins-share"
_P = "example.com/pinned"


def test_pin_moves_a_module_only_plugins_share(gotmp: Path, tmp_path: Path) -> None:
    """plugins-share: ``cache`` pinned to v1.0.0 (``b`` states v1.1.0). ``safe`` will
    not take b's direct requirement down; ``downgrade`` does, marked risky, and both
    plugins then build and load at the pinned version."""
    require_go()
    scenario = BY_NAME["plugins-share"]
    work = copy_scenario(scenario, tmp_path / "work")
    write_config(work, scenario, {f"{_S}/cache": "v1.0.0"})
    safe = goalign("check", "-C", work, tmp=gotmp)
    assert safe.returncode == 3, safe.stdout + safe.stderr
    assert f"plugins/b -> {_S}/cache >= v1.1.0, pinned to v1.0.0" in safe.stdout

    check = goalign("check", "-C", work, "--strategy", "downgrade", "--format", "json", tmp=gotmp)
    assert check.returncode == 1, check.stdout + check.stderr
    report = report_of(check.stdout)
    assert [
        (e["artifact"], e["op"], e["module"], e["from"], e["to"], e["risk"])
        for e in report["edits"]
        if e["op"] != "sum"
    ] == [("plugins/b", "require", f"{_S}/cache", "v1.1.0", "v1.0.0", "risky")]

    proc = goalign("solve", "-C", work, "--strategy", "downgrade", "--write", tmp=gotmp)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lists = build_and_load(scenario, work, gotmp, tmp_path / "out")
    assert lists["plugins/a"][f"{_S}/cache"] == "v1.0.0"
    assert lists["plugins/b"][f"{_S}/cache"] == "v1.0.0"
    assert (work / "host" / "go.mod").read_bytes() == (
        scenario.dir / "host" / "go.mod"
    ).read_bytes()


def test_pin_raises_both_plugins_under_safe(gotmp: Path, tmp_path: Path) -> None:
    """pinned: ``cache`` v1.2.0 (a states v1.1.0 directly, b through codec): both rise,
    b's ``// indirect`` line with it; they build and load at v1.2.0."""
    require_go()
    scenario = BY_NAME["pinned"]
    work = copy_scenario(scenario, tmp_path / "work")
    write_config(work, scenario, {})
    before = snapshot(work)
    proc = goalign("solve", "-C", work, "--write", tmp=gotmp)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert snapshot(work) == before  # aligned without pins
    write_config(work, scenario, {f"{_P}/cache": "v1.2.0"})
    proc = goalign("solve", "-C", work, "--write", tmp=gotmp)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    b = modfile.parse((work / "plugins" / "b" / "go.mod").read_bytes())
    assert [(r.mod.path, r.mod.version, r.indirect) for r in b.require] == [
        (f"{_P}/codec", "v1.0.0", False),
        (f"{_P}/log", "v1.2.0", False),
        (f"{_P}/cache", "v1.2.0", True),
    ]
    lists = build_and_load(scenario, work, gotmp, tmp_path / "out")
    assert lists["plugins/a"][f"{_P}/cache"] == "v1.2.0"
    assert lists["plugins/b"][f"{_P}/cache"] == "v1.2.0"


@pytest.mark.parametrize("strategy", ["safe", "downgrade", "force"])
def test_pin_against_the_frozen_host_is_exit_3(strategy: str, gotmp: Path, tmp_path: Path) -> None:
    """``log`` pinned to v1.3.0 (on the proxy) while the host has v1.2.0: no answer under
    any strategy, a conflict that says so, and nothing written."""
    scenario = BY_NAME["pinned"]
    work = copy_scenario(scenario, tmp_path / "work")
    write_config(work, scenario, {f"{_P}/log": "v1.3.0"})
    before = snapshot(work)
    proc = goalign(
        "solve", "-C", work, "--strategy", strategy, "--write", "--format", "json", tmp=gotmp
    )
    assert proc.returncode == 3, proc.stdout + proc.stderr
    report = report_of(proc.stdout)
    assert report["status"] == "impossible"
    assert report["edits"] == []
    assert report["conflicts"]
    for conflict in report["conflicts"]:
        assert conflict["module"] == f"{_P}/log"
        assert conflict["explanation"] == f"{_P}/log is pinned to v1.3.0, the host has v1.2.0"
    assert snapshot(work) == before
    text = goalign("check", "-C", work, "--strategy", strategy, tmp=gotmp)
    assert text.returncode == 3
    assert f"{_P}/log is pinned to v1.3.0, the host has v1.2.0" in text.stdout


def test_pin_against_the_frozen_host_is_one_conflict(gotmp: Path, tmp_path: Path) -> None:
    scenario = BY_NAME["pinned"]
    work = copy_scenario(scenario, tmp_path / "work")
    write_config(work, scenario, {f"{_P}/log": "v1.3.0"})
    proc = goalign("check", "-C", work, "--format", "json", tmp=gotmp)
    assert proc.returncode == 3
    assert len(report_of(proc.stdout)["conflicts"]) == 1


def test_pin_under_force_pins_with_replace_and_loads(gotmp: Path, tmp_path: Path) -> None:
    """pinned: ``cache`` v1.0.0 is below what codec v1.0.0 (its only release) requires,
    so ``downgrade`` has no answer; ``force`` pins cache with ``replace`` in both
    plugins, lists the requirements that breaks, and both build and load at v1.0.0."""
    require_go()
    scenario = BY_NAME["pinned"]
    work = copy_scenario(scenario, tmp_path / "work")
    write_config(work, scenario, {f"{_P}/cache": "v1.0.0"})
    down = goalign("check", "-C", work, "--strategy", "downgrade", tmp=gotmp)
    assert down.returncode == 3, down.stdout + down.stderr
    assert f"plugins/b -> {_P}/codec@v1.0.0 -> {_P}/cache >= v1.1.0, pinned to v1.0.0" in (
        down.stdout
    )

    check = goalign("check", "-C", work, "--strategy", "force", "--format", "json", tmp=gotmp)
    assert check.returncode == 1, check.stdout + check.stderr
    report = report_of(check.stdout)
    assert [
        (e["artifact"], e["op"], e["module"], e["to"], e["risk"])
        for e in report["edits"]
        if e["op"] != "sum"
    ] == [
        ("plugins/a", "replace", f"{_P}/cache", f"{_P}/cache v1.0.0", "risky"),
        ("plugins/b", "replace", f"{_P}/cache", f"{_P}/cache v1.0.0", "risky"),
    ]
    assert [
        (v["artifact"], v["requirer"], v["module"], v["required"], v["pinned"])
        for v in report["violations"]
    ] == [
        ("plugins/a", f"{_P}/plugins/a", f"{_P}/cache", "v1.1.0", "v1.0.0"),
        ("plugins/b", f"{_P}/codec@v1.0.0", f"{_P}/cache", "v1.1.0", "v1.0.0"),
    ]

    proc = goalign("solve", "-C", work, "--strategy", "force", "--write", tmp=gotmp)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for name in scenario.plugins:
        written = modfile.parse((work / "plugins" / name / "go.mod").read_bytes())
        assert [
            (r.old.path, r.old.version, r.new.path, r.new.version) for r in written.replace
        ] == [(f"{_P}/cache", "", f"{_P}/cache", "v1.0.0")]
    lists = build_and_load(scenario, work, gotmp, tmp_path / "out")
    for name in scenario.plugins:
        assert lists[f"plugins/{name}"][f"{_P}/cache"] == f"v1.1.0 => {_P}/cache v1.0.0"
    assert (work / "host" / "go.mod").read_bytes() == (
        scenario.dir / "host" / "go.mod"
    ).read_bytes()


def test_pin_to_a_version_the_proxy_lacks_is_bad_input(gotmp: Path, tmp_path: Path) -> None:
    """A pin the proxy cannot serve is a mistake in goalign.toml: exit 2 naming the file
    and the pin, nothing written."""
    scenario = BY_NAME["plugins-share"]
    work = copy_scenario(scenario, tmp_path / "work")
    write_config(work, scenario, {f"{_S}/cache": "v1.9.9"})
    before = snapshot(work)
    proc = goalign("solve", "-C", work, "--write", tmp=gotmp)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert f"goalign.toml: pins.{_S}/cache: v1.9.9 cannot be had from the proxy" in proc.stderr
    assert snapshot(work) == before
