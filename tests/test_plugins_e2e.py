"""The plugin scenarios end to end with the real Go toolchain.

Each scenario is built as committed (host and plugins, ``-mod=readonly``: go.sum is
complete) and its plugins opened in order in one host process: they fail exactly as
``plugin_scenarios.SCENARIOS`` says. Then each expected fix is applied by hand to a
copy, and every plugin loads after a ``-mod=readonly`` rebuild.
"""

from __future__ import annotations

import filecmp
import importlib.util
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from gotool import require_go, run_go
from plugin_scenarios import DIFFERENT, GOMODS, SCENARIOS, Fix, Scenario, distinct_fixes
from plugins import HOST_MAIN, artifacts, build_host, build_plugin, go_list_m_all, load_plugins


@pytest.fixture(scope="module")
def gotmp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One GOMODCACHE for the whole file: every scenario's module paths are its own."""
    return tmp_path_factory.mktemp("go")


def scenario_dirs() -> list[Path]:
    return sorted(p.parent for p in GOMODS.glob("*/universe.py"))


def same_tree(a: Path, b: Path) -> bool:
    cmp = filecmp.dircmp(a, b)
    if cmp.left_only or cmp.right_only or cmp.funny_files:
        return False
    _, mismatch, errors = filecmp.cmpfiles(a, b, cmp.common_files, shallow=False)
    if mismatch or errors:
        return False
    return all(same_tree(a / d, b / d) for d in cmp.common_dirs)


@pytest.mark.parametrize("folder", scenario_dirs(), ids=lambda p: p.name)
def test_committed_proxy_is_what_universe_writes(folder: Path, tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location(f"universe_{folder.name}", folder / "universe.py")
    assert spec is not None
    assert spec.loader is not None
    universe = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(universe)
    universe.write(tmp_path / "proxy")
    assert same_tree(tmp_path / "proxy", folder / "proxy")


def test_every_fixture_has_a_scenario_and_a_standard_host() -> None:
    assert {s.name for s in SCENARIOS} == {p.name for p in scenario_dirs()}
    for scenario in SCENARIOS:
        assert (scenario.dir / "host" / "main.go").read_text() == HOST_MAIN.read_text()
        assert (scenario.dir / "host" / "imports.go").is_file()
        names = [a.removeprefix("plugins/") for a in artifacts(scenario.dir)[1:]]
        assert sorted(names) == sorted(scenario.plugins), scenario.name
        for name in scenario.plugins:
            assert list((scenario.dir / "plugins" / name).glob("*.go")), name


def copy_scenario(scenario: Scenario, dest: Path) -> Path:
    shutil.copytree(scenario.dir, dest, ignore=shutil.ignore_patterns("proxy"))
    return dest


@pytest.mark.go
@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
def test_plugins_fail_as_committed(scenario: Scenario, gotmp: Path, tmp_path: Path) -> None:
    require_go()
    work = copy_scenario(scenario, tmp_path / "work")
    proxy = scenario.goproxy
    host = build_host(work / "host", tmp_path / "host", gotmp, goproxy=proxy)
    opened = []
    for name in scenario.plugins:
        artifact = f"plugins/{name}"
        mod = scenario.before_mod.get(artifact, "readonly")
        out = tmp_path / f"{name}.so"
        if artifact in scenario.build_errors:
            with pytest.raises(AssertionError, match=re.escape(scenario.build_errors[artifact])):
                build_plugin(work / artifact, out, gotmp, goproxy=proxy, mod=mod)
            continue
        opened.append((name, build_plugin(work / artifact, out, gotmp, goproxy=proxy, mod=mod)))
    results = load_plugins(host, [path for _, path in opened], tmp_path)
    assert len(results) == len(opened)
    for (name, _), result in zip(opened, results, strict=True):
        assert not result.fatal
        if name in scenario.fails:
            assert not result.ok, name
            assert result.error.endswith(DIFFERENT + scenario.fails[name]), result.error
        else:
            assert result.ok, result.error
    for artifact in artifacts(scenario.dir):
        if scenario.before_mod.get(artifact, "readonly") == "readonly":
            for file in ("go.mod", "go.sum"):
                if (scenario.dir / artifact / file).exists():
                    assert filecmp.cmp(scenario.dir / artifact / file, work / artifact / file)


@pytest.mark.go
@pytest.mark.parametrize(
    ("scenario", "strategies", "fix"),
    distinct_fixes(),
    ids=[f"{s.name}-{'+'.join(st)}" for s, st, _ in distinct_fixes()],
)
def test_expected_fix_loads_every_plugin(
    scenario: Scenario, strategies: tuple[str, ...], fix: Fix, gotmp: Path, tmp_path: Path
) -> None:
    require_go()
    assert "host" not in fix.edits, "the host is the baseline"
    work = copy_scenario(scenario, tmp_path / "work")
    proxy = scenario.goproxy
    host = build_host(work / "host", tmp_path / "host", gotmp, goproxy=proxy)
    built = []
    for name in scenario.plugins:
        artifact = work / "plugins" / name
        flags = fix.edits.get(f"plugins/{name}", ())
        if flags:
            run_go(["mod", "edit", *flags], artifact, gotmp)
            edited = (artifact / "go.mod").read_bytes()
            # A -mod=mod build adds the go.sum lines the new versions need; it must find
            # nothing to change in go.mod, or the edits alone were not a consistent answer.
            build_plugin(artifact, tmp_path / "mod" / f"{name}.so", gotmp, goproxy=proxy, mod="mod")
            assert (artifact / "go.mod").read_bytes() == edited, (artifact / "go.mod").read_text()
        out = tmp_path / f"{name}.so"
        built.append(build_plugin(artifact, out, gotmp, goproxy=proxy, mod="readonly"))
        selected = go_list_m_all(artifact, gotmp, proxy)
        for module, want in fix.selected.get(f"plugins/{name}", {}).items():
            assert selected.get(module) == want, (name, module)
    results = load_plugins(host, built, tmp_path)
    assert [r.error for r in results] == [""] * len(built)
    assert all(r.ok for r in results)


@pytest.mark.go
def test_a_fatal_load_is_a_result(gotmp: Path, tmp_path: Path) -> None:
    """A shared library without Go module data kills the host: one fatal result."""
    require_go()
    scenario = SCENARIOS[0]
    host = build_host(scenario.dir / "host", tmp_path / "host", gotmp, goproxy=scenario.goproxy)
    plugin = build_plugin(
        scenario.dir / "plugins" / scenario.plugins[0],
        tmp_path / "p.so",
        gotmp,
        goproxy=scenario.goproxy,
    )
    (tmp_path / "empty.c").write_text("int goalign_not_go(void) { return 0; }\n")
    subprocess.run(
        ["gcc", "-shared", "-fPIC", "-o", str(tmp_path / "c.so"), str(tmp_path / "empty.c")],
        check=True,
    )
    results = load_plugins(host, [plugin, tmp_path / "c.so", plugin], tmp_path)
    assert len(results) == 2
    assert not results[0].ok
    assert results[1].fatal
    assert results[1].error == "runtime: no plugin module data"
