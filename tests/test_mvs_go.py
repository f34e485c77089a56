"""goalign's build lists against the real ``go list -m all``, byte for byte.

Each universe becomes a GOPROXY folder (``file://``), a main module directory with a
go.sum that has a ``/go.mod`` line for every module version named anywhere (so Go's
readonly mode never stops for a missing checksum), and any local replacement
directories. Go runs in its default mode (``-mod=readonly`` without the flag), which
is the mode ``goalign list`` promises to match: stdout must be identical, and so must
stderr (warnings, and errors when Go fails).

``GOALIGN_MVS_EXAMPLES`` raises the number of generated universes for long runs.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_mvs import (
    MAIN,
    PROXY,
    ROOT,
    SCENARIOS,
    Scenario,
    Universe,
    expected_stderr,
    fetcher,
    go_list,
    go_mod,
)

from goalign import gover, modfile, semver
from goalign.errors import GoalignError, ModuleError
from goalign.gosum import hash_go_mod
from goalign.module import ModuleVersion
from goalign.mvs import GoModDirtyError, GraphLoader

from goproxy import ModuleSpec, write_proxy
from gotool import require_go, run_go

pytestmark = pytest.mark.go

_FAKE_SUM = "h1:" + "A" * 43 + "="
# Go's telemetry writes under $HOME from a child process that can outlive the go
# command; one HOME for every run keeps it out of the folders the tests remove.
_HOME = Path(tempfile.gettempdir()) / "goalign-test-gohome"


def _named(universe: Universe) -> set[ModuleVersion]:
    """Return every module version a go.mod in the universe names (to give go.sum lines)."""
    named: set[ModuleVersion] = set(universe.modules)
    main = modfile.parse(universe.main)
    named.update(r.new for r in main.replace if r.new.version)
    for data in [universe.main, *universe.modules.values(), *universe.dirs.values()]:
        named.update(r.mod for r in modfile.parse_lax(data).require)
    return named


def run_go_list(universe: Universe, tmp: Path) -> tuple[str, str, str, str]:
    """Run ``go list -m all`` on the universe; return stdout, stderr, proxy URL, main dir."""
    specs = [
        ModuleSpec(m.path, m.version, go_mod=data.decode()) for m, data in universe.modules.items()
    ]
    proxy = write_proxy(tmp / "proxy", specs)
    main = tmp / "work" / "main"
    main.mkdir(parents=True)
    (main / "go.mod").write_bytes(universe.main)
    for d, data in universe.dirs.items():
        where = (main / d).resolve()
        where.mkdir(parents=True, exist_ok=True)
        (where / "go.mod").write_bytes(data)
    lines = []
    for m in _named(universe):
        served = universe.modules.get(m)
        h1 = hash_go_mod(served) if served is not None else _FAKE_SUM
        lines.append(f"{m.path} {m.version}/go.mod {h1}\n")
    (main / "go.sum").write_text("".join(sorted(lines)))
    proc = run_go(["list", "-m", "all"], main, tmp, check=False, GOPROXY=proxy, HOME=str(_HOME))
    if proc.returncode == 0:
        assert proc.stdout, proc.stderr
    else:
        assert proc.stdout == "", proc.stdout
    return proc.stdout, proc.stderr, proxy, str(main)


def assert_same_as_go(universe: Universe, tmp: Path) -> tuple[str, str]:
    """Assert goalign's stdout and stderr equal Go's for the universe; return Go's."""
    go_stdout, go_stderr, proxy, root = run_go_list(universe, tmp)
    ours = go_list(universe, proxy, root)
    assert ours == (go_stdout, go_stderr), universe
    return go_stdout, go_stderr


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
def test_scenario_matches_go(scenario: Scenario, tmp_path: Path) -> None:
    require_go()
    stdout, stderr, proxy, root = run_go_list(scenario.universe, tmp_path)
    if scenario.stdout is not None:
        assert (stdout, stderr) == (scenario.stdout, "")
    else:
        assert (stdout, stderr) == ("", expected_stderr(scenario, proxy, root))
    assert go_list(scenario.universe, proxy, root) == (stdout, stderr)


# --- generated universes --------------------------------------------------------------

_PLAIN_VERSIONS = [
    "v0.1.0",
    "v0.2.0",
    "v1.0.0-rc.1",
    "v1.0.0",
    "v1.1.0",
    "v1.2.0",
    "v1.10.0",
    "v0.0.0-20240101000000-0123456789ab",
    "v1.1.1-0.20240202000000-abcdefabcdef",
    "v2.0.0+incompatible",
    "v3.1.0+incompatible",
]
_V2_VERSIONS = ["v2.0.0", "v2.1.0", "v2.1.1-0.20240303000000-0123456789ab", "v2.2.0"]
_DEP_GO = ["", "1.16", "1.17", "1.20", "1.21", "1.22"]
_MAIN_GO = ["", "1.16", "1.17", "1.21", "1.22"]


@st.composite
def universes(draw: st.DrawFn) -> Universe:
    """Universes of 20-60 module versions over 8-15 paths, with the main go.mod to list.

    Requirements point anywhere (cycles included) and now and then at versions the
    proxy lacks; some go.mod files declare the wrong path. The main module has
    replaces (exact and whole-module, to modules and directories), excludes, and
    often requires exactly what its graph selects, so that Go accepts it.
    """
    names = draw(
        st.lists(st.sampled_from("abcdefghijklmnop"), min_size=8, max_size=15, unique=True)
    )
    paths = [f"x.com/{n}/v2" if i % 5 == 4 else f"x.com/{n}" for i, n in enumerate(names)]
    candidates = [
        ModuleVersion(p, v)
        for p in paths
        for v in (_V2_VERSIONS if p.endswith("/v2") else _PLAIN_VERSIONS)
    ]
    count = draw(st.integers(20, min(60, len(candidates))))
    present = draw(
        st.lists(st.sampled_from(candidates), min_size=count, max_size=count, unique=True)
    )
    present = sorted(present, key=lambda m: (m.path, semver.sort_key(m.version)))
    absent = [m for m in candidates if m not in present]

    # Now and then a universe has holes: requirements on versions the proxy lacks,
    # and one go.mod that declares the wrong module path.
    holes = draw(st.integers(0, 5)) == 0
    misnamed = draw(st.sampled_from(present)) if draw(st.integers(0, 7)) == 0 else None

    def requirement() -> ModuleVersion:
        if holes and absent and draw(st.integers(0, 14)) == 0:
            return draw(st.sampled_from(absent))
        return draw(st.sampled_from(present))

    modules: dict[ModuleVersion, bytes] = {}
    for m in present:
        declared = m.path + "x" if m == misnamed else m.path
        if m.version.endswith("+incompatible") and draw(st.booleans()):
            # What Go synthesises for a repository without a go.mod.
            modules[m] = f"module {m.path}\n".encode()
            continue
        reqs = [requirement() for _ in range(draw(st.integers(0, 3)))]
        modules[m] = go_mod(declared, draw(st.sampled_from(_DEP_GO)), reqs)
    if draw(st.integers(0, 4)) == 0:
        # Something requires the main module itself at a published version.
        own = ModuleVersion(MAIN, "v1.0.0")
        modules[own] = go_mod(MAIN, "1.21", [draw(st.sampled_from(present))])
        holder = draw(st.sampled_from(present))
        modules[holder] = go_mod(holder.path, "1.21", [own])

    dirs: dict[str, bytes] = {}
    directives = ""
    for i in range(draw(st.integers(0, 3))):
        old = draw(st.sampled_from(present))
        old_text = old.path if draw(st.booleans()) else f"{old.path} {old.version}"
        kind = draw(st.integers(0, 9))
        if kind < 6:
            new = draw(st.sampled_from(present if kind else absent or present))
            new_text = f"{new.path} {new.version}"
        else:
            new_text = f"./d{i}" if kind < 9 else f"../gone{i}"
            if kind < 9:
                reqs = [requirement() for _ in range(draw(st.integers(0, 2)))]
                dirs[new_text] = go_mod("local.test/d", draw(st.sampled_from(_DEP_GO)), reqs)
        directives += f"replace {old_text} => {new_text}\n"
    for _ in range(draw(st.integers(0, 3))):
        x = draw(st.sampled_from(present))
        directives += f"exclude {x.path} {x.version}\n"

    if draw(st.integers(0, 9)) == 0:
        directives += f"toolchain {draw(st.sampled_from(['go1.21', 'go1.22.0', 'go1.23.1']))}\n"
    main_go = draw(st.sampled_from(_MAIN_GO))
    roots = draw(
        st.lists(st.sampled_from(present), min_size=1, max_size=5, unique_by=lambda m: m.path)
    )
    if draw(st.integers(0, 9)) == 0:
        roots.append(draw(st.sampled_from(present)))  # a duplicate path, maybe same version
    universe = Universe(
        go_mod(MAIN, main_go, roots, directives and "\n" + directives), modules, dirs
    )
    if draw(st.integers(0, 3)):
        universe = tidy(universe, main_go, roots, directives)
    return universe


def tidy(universe: Universe, go: str, roots: list[ModuleVersion], directives: str) -> Universe:
    """Return the universe with the main module requiring what its graph selects.

    Like ``go mod tidy`` without packages: roots move to their selected versions and
    the go line to the highest one required, until nothing changes (a few rounds).
    """
    for _ in range(4):
        main = modfile.parse(universe.main)
        try:
            loader = GraphLoader(main)
        except GoalignError:
            return universe
        fetch = fetcher(universe, PROXY, ROOT)
        while batch := loader.wanted():
            for source in batch:
                try:
                    loader.feed(source, fetch(source))
                except ModuleError as error:  # a missing go.mod: leave it to the test
                    loader.fail(source, error.cause)
        try:
            loader.build_list()
            return universe
        except GoModDirtyError:
            pass
        except GoalignError:
            return universe
        graph = loader.graph
        excluded = {x.mod for x in main.exclude}
        new_roots = {
            r.path: ModuleVersion(r.path, graph.selected(r.path))
            for r in roots
            if r.path != MAIN and r not in excluded
        }
        roots = sorted(new_roots.values())
        selected_go = graph.selected("go")
        if gover.compare(selected_go, go or gover.DEFAULT_GO_VERSION) > 0:
            go = selected_go
        universe = Universe(
            go_mod(MAIN, go, roots, directives and "\n" + directives),
            universe.modules,
            universe.dirs,
        )
    return universe


_EXAMPLES = int(os.environ.get("GOALIGN_MVS_EXAMPLES", "30"))


@settings(
    max_examples=_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(universe=universes())
def test_generated_universe_matches_go(universe: Universe) -> None:
    require_go()
    with tempfile.TemporaryDirectory(prefix="goalign-mvs-") as tmp:
        assert_same_as_go(universe, Path(tmp))
