"""The aligner on wider generated universes, against brute force and against Go.

The universes of ``test_solver.worlds`` are narrow (every go.mod at go 1.21, no
replacements, no retractions). Here the module go.mod files mix go lines below and
above 1.17 (unpruned and pruned graphs), the latest version of a module may retract
older ones (the edge reads retractions from the latest go.mod, as
:class:`VersionList` carries them), the host may replace a module by another of its
versions, plugins mark some requirements ``// indirect``, and there are up to three
plugins. Properties:

- ``safe`` plan: every planned go.mod is tidy, its build list is the plan's, the
  lists agree (version and replacement) on every shared module with the host
  unchanged, and no edit is risky;
- ``downgrade`` plan: the same, with risky edits allowed and marked exactly when a
  plugin's direct requirement goes down;
- no plan: brute force over the versions the rules allow finds no assignment;
- the answer does not depend on the order of plugins or of the facts fed in.

A sample of the universes where ``safe`` or ``downgrade`` finds a plan is then
checked with the real Go toolchain (marker ``go``): the universe becomes a ``file://``
proxy folder, the host and the planned plugin go.mod files are written with a go.sum,
and ``go list -m all`` (Go's default readonly mode: it refuses an untidy go.mod) must
print exactly the plan's build lists. ``GOALIGN_UNIVERSE_EXAMPLES`` and
``GOALIGN_UNIVERSE_GO_EXAMPLES`` set the number of examples.
"""

from __future__ import annotations

import itertools
import os
import random
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st
from test_solver import (
    HOST,
    Universe,
    answer,
    artifact,
    edits_of,
    fetcher,
    gomod,
    host_list,
    planned_file,
    run,
    universe,
    universe_versions,
)

from goalign import gover, modfile, semver
from goalign.align import _retracted
from goalign.gosum import hash_go_mod
from goalign.mvs import BuildList, GoModDirtyError, GraphLoader
from goalign.solver import Artifact, Knowledge, Problem, Solution, _run_search

from goproxy import ModuleSpec, write_proxy
from gotool import require_go, run_go

PATHS = ("x.com/a", "x.com/b", "x.com/c")
VERSIONS = ("v1.0.0", "v1.1.0", "v1.2.0")
GO_LINES = ("1.16", "1.17", "1.21")
_EXAMPLES = int(os.environ.get("GOALIGN_UNIVERSE_EXAMPLES", "60"))
_GO_EXAMPLES = int(os.environ.get("GOALIGN_UNIVERSE_GO_EXAMPLES", "15"))


@dataclass(frozen=True)
class World:
    """A universe, its retractions, the host's go.mod text and the plugins'."""

    u: Universe
    retracted: dict[str, frozenset[str]]
    host: str
    plugins: tuple[str, ...]

    def artifacts(self) -> tuple[Artifact, list[Artifact]]:
        host = artifact("host", self.host)
        return host, [artifact(f"p{i}", t) for i, t in enumerate(self.plugins)]


# --- evaluating one go.mod ------------------------------------------------------------


def load(text: str, u: Universe) -> tuple[BuildList | None, bool, str]:
    """Return a go.mod's build list, whether Go would accept it as it is (tidy), and
    the go version its module graph selects."""
    loader = GraphLoader(modfile.parse(text.encode()))
    fetch = fetcher(u)
    while batch := loader.wanted():
        for source in batch:
            loader.feed(source, fetch(source))
    try:
        bl: BuildList | None = loader.build_list()
        tidy = True
    except GoModDirtyError as dirty:
        bl, tidy = dirty.build_list, False
    return bl, tidy, loader.graph.selected("go")


def render(module: str, go: str, reqs: dict[str, tuple[str, bool]], extra: str = "") -> str:
    """Return go.mod text from path -> (version, indirect)."""
    lines = [f"{p}@{v}" + (" indirect" if ind else "") for p, (v, ind) in sorted(reqs.items())]
    return gomod(module, *lines, go=go, extra=extra)


def make_tidy(
    module: str, go: str, reqs: dict[str, tuple[str, bool]], extra: str, u: Universe
) -> str | None:
    """Return the go.mod with roots at their selected versions and the go line raised
    to what the graph needs (as ``go mod tidy`` without packages), or None."""
    for _ in range(5):
        text = render(module, go, reqs, extra)
        bl, tidy, need = load(text, u)
        if tidy:
            return text
        if bl is None:
            return None
        if gover.compare(need, go) > 0:
            go = need
        for path, (_, ind) in list(reqs.items()):
            e = bl.get(path)
            if e is not None:
                reqs[path] = (e.version, ind)
    return None


def entries(bl: BuildList) -> dict[str, str]:
    """Return path -> ``version`` or ``version => replacement`` (no main module)."""
    return {e.path: e.format().partition(" ")[2] for e in bl.entries[1:]}


def agree(lists: list[BuildList]) -> bool:
    """Report whether every module in two or more lists has one version and one
    replacement in all of them."""
    seen: dict[str, str] = {}
    for bl in lists:
        for path, v in entries(bl).items():
            if seen.setdefault(path, v) != v:
                return False
    return True


# --- generated worlds -----------------------------------------------------------------


@st.composite
def wide_worlds(draw: st.DrawFn, max_plugins: int = 3) -> World:
    """Return a small universe over 3 paths x 3 versions with mixed go lines and
    retractions, a tidy host (maybe replacing a module by another version) and 1 to
    max_plugins tidy plugins (some requirements ``// indirect``)."""
    u: Universe = {}
    for i, path in enumerate(PATHS):
        for v in VERSIONS:
            reqs = [
                f"{other}@{draw(st.sampled_from(VERSIONS))}"
                for other in PATHS[i + 1 :]
                if draw(st.booleans())
            ]
            extra = ""
            if v == VERSIONS[-1] and draw(st.integers(0, 2)) == 0:
                extra = draw(
                    st.sampled_from(
                        ["retract v1.0.0\n", "retract v1.1.0\n", "retract [v1.0.0, v1.1.0]\n"]
                    )
                )
            u[f"{path}@{v}"] = gomod(path, *reqs, go=draw(st.sampled_from(GO_LINES)), extra=extra)
    retracted = {}
    for path in PATHS:
        latest = f"{path}@{VERSIONS[-1]}"
        gone = _retracted(VERSIONS, u[latest].encode(), f"{latest}/go.mod")
        if gone:
            retracted[path] = gone

    def main(module: str, extra: str = "", go_lines: tuple[str, ...] = GO_LINES) -> str | None:
        roots = draw(st.lists(st.sampled_from(PATHS), min_size=1, max_size=2, unique=True))
        reqs = {p: (draw(st.sampled_from(VERSIONS)), draw(st.booleans())) for p in roots}
        return make_tidy(module, draw(st.sampled_from(go_lines)), reqs, extra, u)

    replace = ""
    if draw(st.integers(0, 2)) == 0:
        path = draw(st.sampled_from(PATHS))
        old = draw(st.sampled_from(["", *VERSIONS]))
        new = draw(st.sampled_from(VERSIONS))
        replace = f"replace {path} {old} => {path} {new}\n".replace("  ", " ")
    host = main(HOST, replace)
    assume(host is not None)
    assert host is not None
    # Mostly plugins at or below the host's go line: one above it is simply refused.
    host_go = modfile.parse(host.encode()).go
    assert host_go is not None
    below = tuple(g for g in GO_LINES if g <= host_go.version) or GO_LINES
    n = draw(st.sampled_from(list(range(1, max_plugins + 1)) + [max_plugins] * 2))
    plugins = [
        main(f"p.com/p{i}", go_lines=draw(st.sampled_from([below, below, below, GO_LINES])))
        for i in range(n)
    ]
    assume(all(p is not None for p in plugins))
    return World(u, retracted, host, tuple(p for p in plugins if p is not None))


# --- brute force ----------------------------------------------------------------------


def plugin_lists(
    w: World, text: str, hbl: BuildList, host_go: str, strategy: str
) -> list[BuildList]:
    """Return every build list a plugin can have under the rules and agree with the
    host on: each stated path keeps a requirement (``safe``: a direct one at or above
    the stated version; ``// indirect`` lines and ``downgrade`` at any version), any
    other path may be added; versions are the unretracted ones on the list and those
    the artifacts select as they are; the go line rises to what the graph needs, never past
    the host's; the host's replacements are carried."""
    f = modfile.parse(text.encode())
    assert f.module is not None
    assert f.go is not None
    # A retracted version stays a candidate where an artifact selects it: the host's
    # version, or a common version for plugins that already select it.
    selected: dict[str, set[str]] = {}
    for other in (w.host, *w.plugins):
        bl, _, _ = load(other, w.u)
        assert bl is not None
        for path, e in entries(bl).items():
            selected.setdefault(path, set()).add(e.split(" ")[0])
    if gover.compare(f.go.version, host_go) > 0:
        return []
    stated = {r.mod.path: (r.mod.version, r.indirect) for r in f.require}
    carried = "".join(
        f"replace {e.path} => {e.replacement.path} {e.replacement.version}\n"
        for e in hbl.entries[1:]
        if e.replacement is not None
    )
    listed = universe_versions(w.u)
    paths = sorted(listed)
    choices: list[list[str]] = []
    for path in paths:
        pool = {v for v in listed[path] if v not in w.retracted.get(path, frozenset())}
        pool |= selected.get(path, set())
        if path in stated:
            orig, indirect = stated[path]
            pool.add(orig)
            if strategy == "safe" and not indirect:
                pool = {v for v in pool if semver.compare(v, orig) >= 0}
            choices.append(sorted(pool))
        else:
            choices.append(["none", *sorted(pool)])
    found = []
    for combo in itertools.product(*choices):
        reqs = {
            p: (v, stated.get(p, ("", True))[1])
            for p, v in zip(paths, combo, strict=True)
            if v != "none"
        }
        go = f.go.version
        for _ in range(4):
            bl, tidy, need = load(render(f.module.mod.path, go, reqs, carried), w.u)
            if gover.compare(need, go) <= 0 or gover.compare(need, host_go) > 0:
                break
            go = need
        if tidy and gover.compare(need, host_go) <= 0 and bl is not None and agree([hbl, bl]):
            found.append(bl)
    return found


def brute_force_exists(w: World, strategy: str) -> bool:
    """Report whether some assignment the rules allow aligns every plugin with the
    unchanged host and with each other."""
    hbl, tidy, _ = load(w.host, w.u)
    assert tidy
    assert hbl is not None
    hf = modfile.parse(w.host.encode())
    assert hf.go is not None
    options = [plugin_lists(w, t, hbl, hf.go.version, strategy) for t in w.plugins]
    return any(agree([hbl, *combo]) for combo in itertools.product(*options))


# --- checking a plan ------------------------------------------------------------------


def check_plan(w: World, sol: Solution, strategy: str) -> None:
    """Assert the plan's go.mod files are tidy, give the plan's build lists, agree with
    the unchanged host and each other, and mark risky exactly the lowered direct
    requirements (none under safe)."""
    _, plugins = w.artifacts()
    assert sol.host is None
    hbl, _, _ = load(w.host, w.u)
    assert hbl is not None
    lists = [hbl]
    for p in plugins:
        text = planned_file(p, sol).format().decode()
        bl, tidy, _ = load(text, w.u)
        assert tidy, f"the planned go.mod of {p.name} is not tidy:\n{text}"
        assert bl is not None
        plan = next(x for x in sol.plans if x.artifact == p.name)
        assert plan.build_list is not None
        assert bl.format() == plan.build_list.format()
        lists.append(bl)
    assert agree(lists), [bl.format() for bl in lists]
    for e in sol.edits:
        if e.op != "require":
            assert not e.risky
            continue
        p = next(p for p in plugins if p.name == e.artifact)
        direct = any(r.mod.path == e.module and not r.indirect for r in p.file.require)
        lowered = e.from_ != "none" and semver.compare(e.to, e.from_) < 0
        assert e.risky == (direct and lowered), e
        if strategy == "safe":
            assert not e.risky


def features(w: World) -> list[str]:
    """Name what a world exercises, for the statistics."""
    hbl, _, _ = load(w.host, w.u)
    assert hbl is not None
    out = [f"{len(w.plugins)} plugins"]
    if any(e.replacement is not None for e in hbl.entries[1:]):
        out.append("host replaces a module it has")
    if w.retracted:
        out.append("retractions")
    gos = {modfile.parse(t.encode()).go.version for t in (w.host, *w.plugins)}  # type: ignore[union-attr]
    if min(gos) < "1.17" <= max(gos):
        out.append("main go lines on both sides of 1.17")
    if any(" // indirect" in t for t in w.plugins):
        out.append("indirect plugin requirements")
    return out


def joint_search_answers(w: World, strategy: str) -> bool:
    """Report whether one search over all plugins at once finds an answer."""
    host, plugins = w.artifacts()
    problem = Problem(host, host_list(host.file, w.u), tuple(plugins), strategy)  # type: ignore[arg-type]
    k, versions, rng = Knowledge(), universe_versions(w.u), random.Random(0)
    while (joint := _run_search(problem, k)).needs:
        answer(joint.needs, k, w.u, versions, rng, retracted=w.retracted)
    return joint.best is not None


# --- properties -----------------------------------------------------------------------


@settings(
    max_examples=_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.filter_too_much]
)
@given(wide_worlds(), st.sampled_from(["safe", "downgrade"]))
def test_plans_align_and_impossible_means_no_assignment(w: World, strategy: str) -> None:
    host, plugins = w.artifacts()
    sol = run(host, plugins, w.u, strategy=strategy, retracted=w.retracted)
    event(f"{strategy}: {'plan' if sol.ok else 'impossible'}")
    event(f"{strategy}: {len(sol.edits)} edits" if sol.ok else "-")
    for feature in features(w):
        event(feature)
    for e in sol.edits:
        if e.op == "go":
            event("plan raises a go line")
        if e.op == "replace":
            event("plan carries the host's replacement")
        if e.op == "require" and e.to in w.retracted.get(e.module, frozenset()):
            event("plan moves to a retracted version")
    if sol.ok:
        check_plan(w, sol, strategy)
        assert brute_force_exists(w, strategy), "brute force misses a move the rules allow"
    else:
        event(
            "impossible: "
            + ("go line" if any(c.module == "go" for c in sol.conflicts) else "modules")
        )
        assert not brute_force_exists(w, strategy)


@settings(
    max_examples=max(_EXAMPLES // 2, 1),
    deadline=None,
    suppress_health_check=[HealthCheck.filter_too_much],
)
@given(wide_worlds(), st.sampled_from(["safe", "downgrade"]), st.integers(0, 1000))
def test_answers_do_not_depend_on_order(w: World, strategy: str, seed: int) -> None:
    host, plugins = w.artifacts()
    first = run(host, plugins, w.u, strategy=strategy, retracted=w.retracted, seed=0)
    shuffled = list(plugins)
    random.Random(seed).shuffle(shuffled)
    again = run(host, shuffled, w.u, strategy=strategy, retracted=w.retracted, seed=seed)
    assert first.ok == again.ok
    assert sorted(edits_of(first)) == sorted(edits_of(again))


# --- a sample checked with Go ---------------------------------------------------------

_HOME = Path(tempfile.gettempdir()) / "goalign-test-gohome"


def go_list_m_all(w: World, texts: dict[str, str], tmp: Path) -> dict[str, str]:
    """Write the universe as a file:// proxy and each go.mod (with a go.sum naming every
    module version's go.mod) in its folder; return what ``go list -m all`` prints in
    each, in Go's default mode (which refuses a go.mod that needs updates)."""
    specs = [ModuleSpec(*key.split("@"), go_mod=text) for key, text in w.u.items()]
    proxy = write_proxy(tmp / "proxy", specs)
    sums = "".join(
        sorted(f"{k.replace('@', ' ')}/go.mod {hash_go_mod(t.encode())}\n" for k, t in w.u.items())
    )
    out = {}
    for name, text in texts.items():
        d = tmp / "work" / name
        d.mkdir(parents=True)
        (d / "go.mod").write_text(text)
        (d / "go.sum").write_text(sums)
        proc = run_go(["list", "-m", "all"], d, tmp, GOPROXY=proxy, HOME=str(_HOME))
        out[name] = proc.stdout
    return out


@pytest.mark.go
@settings(
    max_examples=_GO_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow],
)
@given(wide_worlds(), st.sampled_from(["safe", "downgrade"]))
def test_plans_are_what_go_lists(w: World, strategy: str) -> None:
    require_go()
    host, plugins = w.artifacts()
    sol = run(host, plugins, w.u, strategy=strategy, retracted=w.retracted)
    assume(sol.ok)
    texts = {"host": w.host}
    for p in plugins:
        texts[p.name] = planned_file(p, sol).format().decode()
    with tempfile.TemporaryDirectory(prefix="goalign-universe-") as tmp:
        listed = go_list_m_all(w, texts, Path(tmp))
    hbl, _, _ = load(w.host, w.u)
    assert hbl is not None
    assert listed["host"] == hbl.format()
    lists = [hbl]
    for plan in sol.plans:
        assert plan.build_list is not None
        assert listed[plan.artifact] == plan.build_list.format(), texts[plan.artifact]
        lists.append(plan.build_list)
    assert agree(lists)


# --- examples the generators found -----------------------------------------------------


@pytest.mark.parametrize("strategy", ["safe", "downgrade"])
def test_a_version_only_another_plugin_selects_is_found(strategy: str) -> None:
    """p1 alone cannot leave a v1.2.0 (every lower a is retracted, and a v1.2.0 needs
    b above the host's); with p0, which selects a v1.0.0, it can move there."""
    a, b = "x.com/a", "x.com/b"
    u = universe(
        {
            f"{a}@v1.0.0": (),
            f"{a}@v1.1.0": (),
            f"{a}@v1.2.0": (f"{b}@v1.1.0",),
            f"{b}@v1.0.0": (),
            f"{b}@v1.1.0": (),
        }
    )
    w = World(
        u,
        {a: frozenset({"v1.0.0", "v1.1.0"})},
        gomod(HOST, f"{b}@v1.0.0"),
        (gomod("p.com/p0", f"{a}@v1.0.0"), gomod("p.com/p1", f"{a}@v1.2.0 indirect")),
    )
    assert joint_search_answers(w, strategy)
    assert brute_force_exists(w, strategy)
    host, plugins = w.artifacts()
    sol = run(host, plugins, u, strategy=strategy, retracted=w.retracted)
    assert sol.ok, [c.explanation for c in sol.conflicts]
    assert edits_of(sol) == [("p1", "require", a, "v1.2.0", "v1.0.0", False)]
    check_plan(w, sol, strategy)
