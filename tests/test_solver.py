"""The aligner over in-memory module universes, and properties on generated ones.

A universe is a dict from ``path@version`` to go.mod text (its ``@v/list`` is every
version it holds); artifacts are go.mod texts. :func:`run` drives :func:`solve` the
way the I/O edge does: it answers every :class:`Needs` from the universe and calls
again, in a shuffled order to show the answer does not depend on it.
"""

from __future__ import annotations

import itertools
import os
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from goalign import modfile, semver
from goalign.errors import ResolutionError
from goalign.module import ModuleVersion
from goalign.mvs import BuildList, GoModSource, LocalGoMod, load_build_list
from goalign.solver import (
    Artifact,
    Knowledge,
    Needs,
    Problem,
    Solution,
    VersionList,
    _run_search,
    _State,
    solve,
)

Universe = dict[str, str]


def gomod(module: str, *reqs: str, go: str = "1.21", extra: str = "") -> str:
    """Return go.mod text: reqs are ``path@version`` (``//indirect`` suffix allowed)."""
    lines = [f"module {module}", f"go {go}"]
    for r in reqs:
        mv, _, ind = r.partition(" ")
        path, _, version = mv.partition("@")
        lines.append(f"require {path} {version}" + (" // indirect" if ind else ""))
    return "\n".join(lines) + "\n" + extra


def universe(spec: dict[str, tuple[str, ...]], go: str = "1.21") -> Universe:
    """Return a universe from ``{"x.com/a@v1.0.0": ("x.com/b@v1.1.0",), ...}``."""
    return {k: gomod(k.partition("@")[0], *reqs, go=go) for k, reqs in spec.items()}


def fetcher(u: Universe, dirs: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    def fetch(source: GoModSource) -> bytes:
        if isinstance(source, LocalGoMod):
            return (dirs or {})[source.dir].encode()
        return u[str(source)].encode()

    return fetch


def host_list(host: modfile.File, u: Universe, dirs: dict[str, str] | None = None) -> BuildList:
    return load_build_list(host, fetcher(u, dirs))


def artifact(name: str, text: str, d: str = "") -> Artifact:
    return Artifact(name, modfile.parse(text.encode(), f"{name}/go.mod"), d)


def answer(
    needs: Needs,
    k: Knowledge,
    u: Universe,
    versions: dict[str, list[str]],
    rng: random.Random,
    *,
    dirs: dict[str, str] | None = None,
    retracted: dict[str, frozenset[str]] | None = None,
) -> None:
    """Add every fact needs asks for to k, from the universe, in a shuffled order."""
    assert isinstance(needs, Needs)
    assert needs
    facts: list[tuple[str, object]] = [("v", p) for p in needs.versions]
    facts += [("m", m) for m in needs.gomods] + [("d", d) for d in needs.dirs]
    rng.shuffle(facts)
    for kind, fact in facts:
        if kind == "v":
            assert isinstance(fact, str)
            vs = versions.get(fact, [])
            rng.shuffle(vs)
            k.versions[fact] = VersionList(tuple(vs), (retracted or {}).get(fact, frozenset()))
        elif kind == "m":
            assert isinstance(fact, ModuleVersion)
            if str(fact) in u:
                k.gomods[fact] = u[str(fact)].encode()
            else:
                k.failed[fact] = "404 Not Found"
        else:
            assert isinstance(fact, str)
            k.dirs[fact] = (dirs or {})[fact].encode()


def universe_versions(u: Universe) -> dict[str, list[str]]:
    """Return each path's ``@v/list``: every version the universe holds."""
    versions: dict[str, list[str]] = {}
    for key in u:
        path, _, v = key.partition("@")
        versions.setdefault(path, []).append(v)
    return versions


def run(
    host: Artifact,
    plugins: list[Artifact],
    u: Universe,
    *,
    strategy: str = "safe",
    allow_host_upgrade: bool = False,
    dirs: dict[str, str] | None = None,
    seed: int = 0,
    retracted: dict[str, frozenset[str]] | None = None,
    pins: dict[str, str] | None = None,
) -> Solution:
    """Solve, answering Needs from the universe until an answer comes."""
    rng = random.Random(seed)
    hdirs = dict(dirs or {})
    hbl = host_list(
        host.file,
        u,
        {d.removeprefix(host.dir + "/"): t for d, t in hdirs.items()} if host.dir else hdirs,
    )
    versions = universe_versions(u)
    k = Knowledge()
    problem = Problem(
        host,
        hbl,
        tuple(plugins),
        strategy,  # type: ignore[arg-type]
        allow_host_upgrade,
        pins or {},
    )
    for _ in range(200):
        result = solve(problem, k)
        if isinstance(result, Solution):
            return result
        answer(result, k, u, versions, rng, dirs=dirs, retracted=retracted)
    raise AssertionError("solve never stopped asking")


def planned_file(plugin: Artifact, sol: Solution) -> modfile.File:
    """Return the plugin's go.mod as the plan writes it."""
    plan = next(p for p in sol.plans if p.artifact == plugin.name)
    f = plugin.file
    lines = [f"module {f.module.mod.path}" if f.module else "", f"go {plan.go}"]
    if plan.toolchain:
        lines.append(f"toolchain {plan.toolchain}")
    for r in plan.requires:
        lines.append(f"require {r.path} {r.version}" + (" // indirect" if r.indirect else ""))
    for x in f.exclude:
        lines.append(f"exclude {x.mod.path} {x.mod.version}")
    for rp in plan.replaces:
        old = rp.old_path + (f" {rp.old_version}" if rp.old_version else "")
        lines.append(f"replace {old} => {rp.new_path} {rp.new_version}".rstrip())
    return modfile.parse(("\n".join(lines) + "\n").encode())


def versions_of(bl: BuildList) -> dict[str, str]:
    return {e.path: e.version for e in bl.entries[1:]}


def edits_of(sol: Solution) -> list[tuple[str, str, str, str, str, bool]]:
    return [(e.artifact, e.op, e.module, e.from_, e.to, e.risky) for e in sol.edits]


HOST = "h.com/host"


# --- scenarios ------------------------------------------------------------------------

A = "x.com/a"
B = "x.com/b"
C = "x.com/c"


def test_plugin_behind_host_is_raised() -> None:
    u = universe({f"{A}@v1.0.0": (), f"{A}@v1.1.0": (), f"{A}@v1.2.0": ()})
    host = artifact("host", gomod(HOST, f"{A}@v1.2.0"))
    p = artifact("p", gomod("p.com/p", f"{A}@v1.0.0"))
    sol = run(host, [p], u)
    assert sol.ok
    assert edits_of(sol) == [("p", "require", A, "v1.0.0", "v1.2.0", False)]
    assert sol.plans[0].build_list is not None
    assert versions_of(sol.plans[0].build_list) == {A: "v1.2.0"}


def test_plugin_ahead_safe_refuses_downgrade_fixes() -> None:
    u = universe({f"{A}@v1.1.0": (), f"{A}@v1.2.0": ()})
    host = artifact("host", gomod(HOST, f"{A}@v1.1.0"))
    p = artifact("p", gomod("p.com/p", f"{A}@v1.2.0"))
    sol = run(host, [p], u)
    assert not sol.ok
    (conflict,) = sol.conflicts
    assert conflict.module == A
    assert [d.format() for d in conflict.demands] == ["p -> x.com/a >= v1.2.0, host has v1.1.0"]
    assert any(o.startswith("--strategy downgrade: aligns") for o in conflict.options)
    assert any("--allow-host-upgrade" in o and "v1.1.0 -> v1.2.0" in o for o in conflict.options)
    down = run(host, [p], u, strategy="downgrade")
    assert down.ok
    assert edits_of(down) == [("p", "require", A, "v1.2.0", "v1.1.0", True)]


def test_indirect_lines_are_records_not_floors() -> None:
    u = universe({f"{A}@v1.1.0": (), f"{A}@v1.2.0": ()})
    host = artifact("host", gomod(HOST, f"{A}@v1.1.0"))
    p = artifact("p", gomod("p.com/p", f"{A}@v1.2.0 indirect"))
    sol = run(host, [p], u)
    assert sol.ok
    assert edits_of(sol) == [("p", "require", A, "v1.2.0", "v1.1.0", False)]


def test_transitive_fixed_by_moving_intermediate_up() -> None:
    # p requires b v1.0.0, which requires a v1.3.0 (above the host); b v1.1.0 dropped it.
    u = universe(
        {
            f"{A}@v1.1.0": (),
            f"{A}@v1.3.0": (),
            f"{B}@v1.0.0": (f"{A}@v1.3.0",),
            f"{B}@v1.1.0": (f"{A}@v1.1.0",),
        }
    )
    host = artifact("host", gomod(HOST, f"{A}@v1.1.0"))
    p = artifact("p", gomod("p.com/p", f"{B}@v1.0.0", f"{A}@v1.3.0 indirect"))
    sol = run(host, [p], u)
    assert sol.ok, sol.conflicts
    assert sorted(edits_of(sol)) == [
        ("p", "require", A, "v1.3.0", "v1.1.0", False),
        ("p", "require", B, "v1.0.0", "v1.1.0", False),
    ]


def test_needs_downgrade_of_a_direct_intermediate() -> None:
    # Only b v1.0.0 is low enough, and p states b v1.1.0 directly.
    u = universe(
        {
            f"{A}@v1.1.0": (),
            f"{A}@v1.3.0": (),
            f"{B}@v1.0.0": (f"{A}@v1.1.0",),
            f"{B}@v1.1.0": (f"{A}@v1.3.0",),
        }
    )
    host = artifact("host", gomod(HOST, f"{A}@v1.1.0"))
    p = artifact("p", gomod("p.com/p", f"{B}@v1.1.0", f"{A}@v1.3.0 indirect"))
    safe = run(host, [p], u)
    assert not safe.ok
    (conflict,) = safe.conflicts
    assert any(
        d.format().startswith("p -> x.com/b@v1.1.0 -> x.com/a >= v1.3.0") for d in conflict.demands
    )
    down = run(host, [p], u, strategy="downgrade")
    assert down.ok
    assert ("p", "require", B, "v1.1.0", "v1.0.0", True) in edits_of(down)


def test_retracted_versions_are_skipped() -> None:
    u = universe(
        {
            f"{A}@v1.1.0": (),
            f"{A}@v1.3.0": (),
            f"{B}@v1.0.0": (f"{A}@v1.3.0",),
            f"{B}@v1.1.0": (f"{A}@v1.1.0",),
        }
    )
    host = artifact("host", gomod(HOST, f"{A}@v1.1.0"))
    p = artifact("p", gomod("p.com/p", f"{B}@v1.0.0"))
    sol = run(host, [p], u, retracted={B: frozenset({"v1.1.0"})})
    assert not sol.ok


def test_shared_by_two_plugins_not_the_host() -> None:
    u = universe({f"{A}@v1.0.0": (), f"{C}@v1.1.0": (), f"{C}@v1.2.0": ()})
    host = artifact("host", gomod(HOST, f"{A}@v1.0.0"))
    p = artifact("p", gomod("p.com/p", f"{C}@v1.1.0"))
    q = artifact("q", gomod("q.com/q", f"{C}@v1.2.0"))
    sol = run(host, [p, q], u)
    assert sol.ok
    assert edits_of(sol) == [("p", "require", C, "v1.1.0", "v1.2.0", False)]
    shared = {s.path: s for s in sol.shared}
    assert shared[C].target == "v1.2.0"


def test_host_fork_replace_is_carried_with_a_rewritten_dir() -> None:
    u = universe({f"{A}@v1.0.0": ()})
    dirs = {"/w/fork": gomod(A)}
    host = artifact(
        "host", gomod(HOST, f"{A}@v1.0.0", extra="replace x.com/a => ../fork\n"), "/w/host"
    )
    p = artifact("p", gomod("p.com/p", f"{A}@v1.0.0"), "/w/plugins/p")
    sol = run(host, [p], u, dirs={"/w/fork": dirs["/w/fork"], "../fork": dirs["/w/fork"]})
    assert sol.ok, sol.conflicts
    assert edits_of(sol) == [("p", "replace", A, "none", "../../fork", False)]
    (plan,) = sol.plans
    assert plan.build_list is not None
    entry = plan.build_list.get(A)
    assert entry is not None
    assert entry.replacement == ModuleVersion("../../fork", "")


def test_v2_beside_v1() -> None:
    a2 = "x.com/a/v2"
    u = universe({f"{A}@v1.0.0": (), f"{A}@v1.1.0": (), f"{a2}@v2.0.0": (), f"{a2}@v2.1.0": ()})
    host = artifact("host", gomod(HOST, f"{A}@v1.1.0", f"{a2}@v2.0.0"))
    p = artifact("p", gomod("p.com/p", f"{A}@v1.0.0", f"{a2}@v2.0.0"))
    sol = run(host, [p], u)
    assert sol.ok
    assert edits_of(sol) == [("p", "require", A, "v1.0.0", "v1.1.0", False)]


def test_pseudo_versions_and_prereleases() -> None:
    pseudo = "v1.2.1-0.20240101000000-abcdefabcdef"
    u = universe(
        {
            f"{A}@v1.2.0": (),
            f"{A}@{pseudo}": (),
            f"{B}@v1.0.0-rc.1": (),
            f"{B}@v1.0.0": (),
        }
    )
    host = artifact("host", gomod(HOST, f"{A}@{pseudo}", f"{B}@v1.0.0-rc.1"))
    p = artifact("p", gomod("p.com/p", f"{A}@v1.2.0", f"{B}@v1.0.0-rc.1"))
    sol = run(host, [p], u)
    assert sol.ok
    assert edits_of(sol) == [("p", "require", A, "v1.2.0", pseudo, False)]
    ahead = artifact("q", gomod("q.com/q", f"{B}@v1.0.0"))
    assert not run(host, [ahead], u).ok


def test_three_plugins() -> None:
    u = universe({f"{A}@v1.0.0": (), f"{A}@v1.1.0": (), f"{C}@v1.0.0": (), f"{C}@v1.1.0": ()})
    host = artifact("host", gomod(HOST, f"{A}@v1.1.0"))
    ps = [
        artifact("p1", gomod("p.com/p1", f"{A}@v1.0.0", f"{C}@v1.0.0")),
        artifact("p2", gomod("p.com/p2", f"{A}@v1.1.0", f"{C}@v1.1.0")),
        artifact("p3", gomod("p.com/p3", f"{C}@v1.0.0")),
    ]
    sol = run(host, ps, u)
    assert sol.ok
    assert edits_of(sol) == [
        ("p1", "require", A, "v1.0.0", "v1.1.0", False),
        ("p1", "require", C, "v1.0.0", "v1.1.0", False),
        ("p3", "require", C, "v1.0.0", "v1.1.0", False),
    ]


def test_already_aligned_has_no_edits() -> None:
    u = universe({f"{A}@v1.0.0": (f"{B}@v1.0.0",), f"{B}@v1.0.0": ()})
    host = artifact("host", gomod(HOST, f"{A}@v1.0.0", f"{B}@v1.0.0 indirect"))
    p = artifact("p", gomod("p.com/p", f"{A}@v1.0.0", f"{B}@v1.0.0 indirect"))
    sol = run(host, [p], u)
    assert sol.ok
    assert sol.edits == ()
    assert sol.conflicts == ()


def test_go_line_newer_than_host() -> None:
    u = universe({f"{A}@v1.0.0": ()})
    host = artifact("host", gomod(HOST, f"{A}@v1.0.0", go="1.21"))
    p = artifact("p", gomod("p.com/p", f"{A}@v1.0.0", go="1.23"))
    q = artifact("q", gomod("q.com/q", f"{A}@v1.0.0", go="1.20"))
    sol = run(host, [p, q], u)
    assert not sol.ok
    (conflict,) = sol.conflicts
    assert conflict.module == "go"
    assert "go 1.23" in conflict.explanation
    assert conflict.demands[0].artifact == "p"


def test_plugin_gets_the_host_toolchain() -> None:
    u = universe({f"{A}@v1.0.0": ()})
    host = artifact("host", gomod(HOST, f"{A}@v1.0.0", extra="toolchain go1.22.3\n"))
    p = artifact("p", gomod("p.com/p", f"{A}@v1.0.0"))
    sol = run(host, [p], u)
    assert sol.ok
    assert edits_of(sol) == [("p", "toolchain", "toolchain", "none", "go1.22.3", False)]


def test_force_lists_every_violated_requirement() -> None:
    u = universe({f"{A}@v1.1.0": (), f"{A}@v1.2.0": (), f"{B}@v1.0.0": (f"{A}@v1.2.0",)})
    host = artifact("host", gomod(HOST, f"{A}@v1.1.0"))
    p = artifact("p", gomod("p.com/p", f"{A}@v1.2.0", f"{B}@v1.0.0"))
    sol = run(host, [p], u, strategy="force")
    assert sol.ok
    assert edits_of(sol) == [("p", "replace", A, "none", "x.com/a v1.1.0", True)]
    assert sorted((str(v.requirer), v.module, v.required, v.pinned) for v in sol.violations) == [
        ("p.com/p", A, "v1.2.0", "v1.1.0"),
        ("x.com/b@v1.0.0", A, "v1.2.0", "v1.1.0"),
    ]


def test_force_gives_the_milder_answer_when_one_exists() -> None:
    # downgrade lowers p's a (risky) and nothing else needs more: force must do the same
    # rather than pin with a replace.
    u = universe({f"{A}@v1.1.0": (), f"{A}@v1.2.0": ()})
    host = artifact("host", gomod(HOST, f"{A}@v1.1.0"))
    p = artifact("p", gomod("p.com/p", f"{A}@v1.2.0"))
    down = run(host, [p], u, strategy="downgrade")
    force = run(host, [p], u, strategy="force")
    assert force.ok
    assert force.strategy == "force"
    assert edits_of(force) == edits_of(down) == [("p", "require", A, "v1.2.0", "v1.1.0", True)]
    assert force.violations == ()
    assert all(r.old_path != A for r in force.plans[0].replaces)
    # The same holds for a safe answer.
    behind = artifact("q", gomod("q.com/q", f"{A}@v1.1.0"))
    u[f"{A}@v1.0.0"] = gomod(A)
    q = artifact("q", gomod("q.com/q", f"{A}@v1.0.0"))
    assert edits_of(run(host, [q], u, strategy="force")) == edits_of(run(host, [q], u))
    assert edits_of(run(host, [behind], u, strategy="force")) == []


def test_force_skips_a_plugins_own_indirect_line_but_not_a_direct_one() -> None:
    # b v1.0.0 needs a v1.2.0 and is the only b: only a pin aligns a.
    u = universe({f"{A}@v1.1.0": (), f"{A}@v1.2.0": (), f"{B}@v1.0.0": (f"{A}@v1.2.0",)})
    host = artifact("host", gomod(HOST, f"{A}@v1.1.0"))
    p = artifact("p", gomod("p.com/p", f"{B}@v1.0.0", f"{A}@v1.2.0 indirect"))
    sol = run(host, [p], u, strategy="force")
    assert sol.ok
    assert edits_of(sol) == [("p", "replace", A, "none", "x.com/a v1.1.0", True)]
    assert [(str(v.requirer), v.module, v.required, v.pinned) for v in sol.violations] == [
        ("x.com/b@v1.0.0", A, "v1.2.0", "v1.1.0")
    ]
    safe = run(host, [p], u)
    assert not safe.ok
    (conflict,) = safe.conflicts
    texts = [d.format() for d in conflict.demands]
    assert "p -> x.com/b@v1.0.0 -> x.com/a >= v1.2.0, host has v1.1.0" in texts
    # No chain stops at p's own // indirect line.
    assert not any(t.startswith("p -> x.com/a >=") for t in texts)


# --- pins -----------------------------------------------------------------------------


def test_pin_moves_a_module_only_plugins_share() -> None:
    u = universe({f"{A}@v1.0.0": (), f"{C}@v1.0.0": (), f"{C}@v1.1.0": (), f"{C}@v1.2.0": ()})
    host = artifact("host", gomod(HOST, f"{A}@v1.0.0"))
    p = artifact("p", gomod("p.com/p", f"{C}@v1.0.0"))
    q = artifact("q", gomod("q.com/q", f"{C}@v1.0.0"))
    assert edits_of(run(host, [p, q], u)) == []
    sol = run(host, [p, q], u, pins={C: "v1.1.0"})
    assert sol.ok
    assert edits_of(sol) == [
        ("p", "require", C, "v1.0.0", "v1.1.0", False),
        ("q", "require", C, "v1.0.0", "v1.1.0", False),
    ]
    for plan in sol.plans:
        assert plan.build_list is not None
        assert versions_of(plan.build_list)[C] == "v1.1.0"
    assert {s.path: s.target for s in sol.shared}[C] == "v1.1.0"


def test_pin_below_a_plugins_direct_requirement_is_a_conflict_under_safe() -> None:
    u = universe({f"{A}@v1.0.0": (), f"{C}@v1.1.0": (), f"{C}@v1.2.0": ()})
    host = artifact("host", gomod(HOST, f"{A}@v1.0.0"))
    p = artifact("p", gomod("p.com/p", f"{C}@v1.2.0"))
    q = artifact("q", gomod("q.com/q", f"{C}@v1.1.0"))
    safe = run(host, [p, q], u, pins={C: "v1.1.0"})
    assert not safe.ok
    (conflict,) = safe.conflicts
    assert conflict.module == C
    assert [d.format() for d in conflict.demands] == ["p -> x.com/c >= v1.2.0, pinned to v1.1.0"]
    assert any(o.startswith("--strategy downgrade: aligns") for o in conflict.options)
    down = run(host, [p, q], u, strategy="downgrade", pins={C: "v1.1.0"})
    assert down.ok
    assert edits_of(down) == [("p", "require", C, "v1.2.0", "v1.1.0", True)]


def test_pin_against_the_frozen_host_is_a_conflict() -> None:
    u = universe({f"{A}@v1.1.0": (), f"{A}@v1.2.0": ()})
    host = artifact("host", gomod(HOST, f"{A}@v1.1.0"))
    p = artifact("p", gomod("p.com/p", f"{A}@v1.1.0"))
    for strategy in ("safe", "downgrade", "force"):
        sol = run(host, [p], u, strategy=strategy, pins={A: "v1.2.0"})
        assert not sol.ok
        (conflict,) = sol.conflicts
        assert conflict.module == A
        assert conflict.explanation == f"{A} is pinned to v1.2.0, the host has v1.1.0"
        assert [plan.edits for plan in sol.plans] == [()]
        assert sol.violations == ()


def test_pin_with_force_pins_every_artifact_that_has_the_module() -> None:
    # b v1.0.0 needs c v1.2.0 in q; the pin takes c to v1.1.0 in both plugins.
    u = universe(
        {
            f"{A}@v1.0.0": (),
            f"{B}@v1.0.0": (f"{C}@v1.2.0",),
            f"{C}@v1.1.0": (),
            f"{C}@v1.2.0": (),
        }
    )
    host = artifact("host", gomod(HOST, f"{A}@v1.0.0"))
    p = artifact("p", gomod("p.com/p", f"{C}@v1.1.0"))
    q = artifact("q", gomod("q.com/q", f"{B}@v1.0.0", f"{C}@v1.2.0 indirect"))
    assert not run(host, [p, q], u, strategy="downgrade", pins={C: "v1.1.0"}).ok
    sol = run(host, [p, q], u, strategy="force", pins={C: "v1.1.0"})
    assert sol.ok
    assert ("q", "replace", C, "none", "x.com/c v1.1.0", True) in edits_of(sol)
    assert [(s.artifact, str(s.requirer), s.required, s.pinned) for s in sol.violations] == [
        ("q", "x.com/b@v1.0.0", "v1.2.0", "v1.1.0")
    ]


# --- host upgrades --------------------------------------------------------------------


def test_host_upgrade_is_minimal_and_reported_apart() -> None:
    u = universe({f"{A}@v1.1.0": (), f"{A}@v1.2.0": (), f"{A}@v1.3.0": ()})
    host = artifact("host", gomod(HOST, f"{A}@v1.1.0"))
    p = artifact("p", gomod("p.com/p", f"{A}@v1.2.0"))
    assert not run(host, [p], u).ok
    sol = run(host, [p], u, allow_host_upgrade=True)
    assert sol.ok
    assert sol.host is not None
    assert sol.host.artifact == "host"
    # v1.2.0, not the newest v1.3.0: the least the plugin needs.
    assert [(e.artifact, e.op, e.module, e.from_, e.to) for e in sol.host.edits] == [
        ("host", "require", A, "v1.1.0", "v1.2.0")
    ]
    assert sol.host.build_list is not None
    assert versions_of(sol.host.build_list) == {A: "v1.2.0"}
    assert [plan.edits for plan in sol.plans] == [()]
    assert edits_of(sol)[0][0] == "host"


def test_host_upgrade_raises_lagging_plugins_too() -> None:
    u = universe({f"{A}@v1.0.0": (), f"{A}@v1.1.0": (), f"{A}@v1.2.0": ()})
    host = artifact("host", gomod(HOST, f"{A}@v1.1.0"))
    p = artifact("p", gomod("p.com/p", f"{A}@v1.2.0"))
    q = artifact("q", gomod("q.com/q", f"{A}@v1.0.0"))
    sol = run(host, [p, q], u, allow_host_upgrade=True)
    assert sol.ok
    assert sol.host is not None
    assert [(e.module, e.from_, e.to) for e in sol.host.edits] == [(A, "v1.1.0", "v1.2.0")]
    assert edits_of(sol)[1:] == [("q", "require", A, "v1.0.0", "v1.2.0", False)]


def test_host_is_left_alone_when_plugins_can_move() -> None:
    # Allowed, but not needed: the host stays (the first preference), even when the
    # plugin's move is risky.
    u = universe({f"{A}@v1.0.0": (), f"{A}@v1.1.0": (), f"{A}@v1.2.0": ()})
    host = artifact("host", gomod(HOST, f"{A}@v1.1.0"))
    behind = artifact("p", gomod("p.com/p", f"{A}@v1.0.0"))
    sol = run(host, [behind], u, allow_host_upgrade=True)
    assert sol.ok
    assert sol.host is None
    assert edits_of(sol) == [("p", "require", A, "v1.0.0", "v1.1.0", False)]
    ahead = artifact("p", gomod("p.com/p", f"{A}@v1.2.0"))
    down = run(host, [ahead], u, strategy="downgrade", allow_host_upgrade=True)
    assert down.ok
    assert down.host is None
    assert edits_of(down) == [("p", "require", A, "v1.2.0", "v1.1.0", True)]


def test_host_is_never_downgraded() -> None:
    u = universe({f"{A}@v1.0.0": (), f"{A}@v1.1.0": ()})
    host = artifact("host", gomod(HOST, f"{A}@v1.1.0"))
    p = artifact("p", gomod("p.com/p", f"{A}@v1.0.0"))
    sol = run(host, [p], u, allow_host_upgrade=True, pins={A: "v1.0.0"})
    assert not sol.ok
    assert sol.host is None
    sol = run(host, [p], u, strategy="downgrade", allow_host_upgrade=True, pins={A: "v1.0.0"})
    assert not sol.ok


def test_budget_exhaustion_is_an_error_not_an_answer() -> None:
    u = universe({f"{A}@v1.1.0": (), f"{A}@v1.2.0": ()})
    host = artifact("host", gomod(HOST, f"{A}@v1.1.0"))
    p = artifact("p", gomod("p.com/p", f"{A}@v1.2.0"))
    hbl = host_list(host.file, u)
    k = Knowledge(
        gomods={ModuleVersion(*key.split("@")): t.encode() for key, t in u.items()},
        versions={A: VersionList(("v1.1.0", "v1.2.0"))},
    )
    with pytest.raises(ResolutionError, match="gave up"):
        solve(Problem(host, hbl, (p,), "safe", budget=-1), k)


# --- properties on generated universes ------------------------------------------------

PATHS = ("x.com/a", "x.com/b", "x.com/c")
VERSIONS = ("v1.0.0", "v1.1.0", "v1.2.0")


@st.composite
def worlds(draw: st.DrawFn, max_plugins: int = 2) -> tuple[Universe, str, list[str]]:
    """Return a small universe (every go.mod at go 1.21), a host and 1-max_plugins
    plugins."""
    u: Universe = {}
    for i, path in enumerate(PATHS):
        for v in VERSIONS:
            reqs = []
            for other in PATHS[i + 1 :]:
                if draw(st.booleans()):
                    reqs.append(f"{other}@{draw(st.sampled_from(VERSIONS))}")
            u[f"{path}@{v}"] = gomod(path, *reqs)

    def main(module: str) -> str:
        roots = draw(st.lists(st.sampled_from(PATHS), min_size=1, max_size=2, unique=True))
        return gomod(module, *(f"{p}@{draw(st.sampled_from(VERSIONS))}" for p in roots))

    n = draw(st.integers(1, max_plugins))
    return u, main(HOST), [main(f"p.com/p{i}") for i in range(n)]


def tidy_list(text: str, u: Universe) -> BuildList | None:
    """Return the build list of a go.mod, or None if go would call it untidy."""
    from goalign.mvs import GoModDirtyError

    try:
        return host_list(modfile.parse(text.encode()), u)
    except GoModDirtyError:
        return None


def aligned(lists: list[BuildList]) -> bool:
    seen: dict[str, str] = {}
    for bl in lists:
        for path, v in versions_of(bl).items():
            if seen.setdefault(path, v) != v:
                return False
    return True


def brute_force_exists(u: Universe, host: str, plugins: list[str]) -> bool:
    """Report whether some assignment of listed versions to each plugin's requirements
    (direct ones at or above what they state; any path may be added) is tidy and
    aligned with the unchanged host."""
    hbl = tidy_list(host, u)
    assert hbl is not None
    options: list[list[BuildList]] = []
    for text in plugins:
        f = modfile.parse(text.encode())
        stated = {r.mod.path: r.mod.version for r in f.require}
        choices: list[list[str]] = []
        for path in PATHS:
            allowed = [
                v for v in VERSIONS if path not in stated or semver.compare(v, stated[path]) >= 0
            ]
            choices.append(allowed if path in stated else ["none", *allowed])
        found = []
        assert f.module is not None
        for combo in itertools.product(*choices):
            reqs = [f"{p}@{v}" for p, v in zip(PATHS, combo, strict=True) if v != "none"]
            bl = tidy_list(gomod(f.module.mod.path, *reqs), u)
            if bl is not None and aligned([hbl, bl]):
                found.append(bl)
        options.append(found)
    return any(aligned([hbl, *combo]) for combo in itertools.product(*options))


def assert_aligned(host: Artifact, plugins: list[Artifact], sol: Solution, u: Universe) -> None:
    """Check that every planned go.mod is tidy, its build list is the plan's, and the
    build lists agree with the host's and with each other."""
    lists = [host_list(host.file, u)]
    for p in plugins:
        bl = tidy_list(planned_file(p, sol).format().decode(), u)
        assert bl is not None, "the planned go.mod is not tidy"
        lists.append(bl)
        plan = next(x for x in sol.plans if x.artifact == p.name)
        assert plan.build_list is not None
        assert bl.format() == plan.build_list.format()
    assert aligned(lists)


@settings(max_examples=60, deadline=None)
@given(worlds())
def test_safe_plans_align_and_impossible_means_no_assignment(
    world: tuple[Universe, str, list[str]],
) -> None:
    u, host_text, plugin_texts = world
    if tidy_list(host_text, u) is None:
        return
    host = artifact("host", host_text)
    plugins = [artifact(f"p{i}", t) for i, t in enumerate(plugin_texts)]
    if any(tidy_list(t, u) is None for t in plugin_texts):
        return
    sol = run(host, plugins, u)
    if sol.ok:
        assert_aligned(host, plugins, sol, u)
        for e in sol.edits:
            assert not e.risky
    else:
        assert not brute_force_exists(u, host_text, plugin_texts)


@settings(max_examples=30, deadline=None)
@given(worlds(), st.integers(0, 1000))
def test_answers_do_not_depend_on_order(world: tuple[Universe, str, list[str]], seed: int) -> None:
    u, host_text, plugin_texts = world
    if tidy_list(host_text, u) is None or any(tidy_list(t, u) is None for t in plugin_texts):
        return
    host = artifact("host", host_text)
    plugins = [artifact(f"p{i}", t) for i, t in enumerate(plugin_texts)]
    first = run(host, plugins, u, seed=0)
    shuffled = list(plugins)
    random.Random(seed).shuffle(shuffled)
    again = run(host, shuffled, u, seed=seed)
    assert first.ok == again.ok
    assert sorted(edits_of(first)) == sorted(edits_of(again))


@settings(max_examples=int(os.environ.get("GOALIGN_SOLVER_EXAMPLES", "60")), deadline=None)
@given(worlds(max_plugins=3), st.sampled_from(["safe", "downgrade"]))
def test_plugins_searched_apart_do_at_least_as_well_as_the_joint_search(
    world: tuple[Universe, str, list[str]], strategy: str
) -> None:
    """Searching each plugin alone (merging groups that disagree) finds an answer
    exactly when the search over all plugins at once does, and one at least as
    preferred (cost, then tie-break) as the joint search's."""
    u, host_text, plugin_texts = world
    if tidy_list(host_text, u) is None or any(tidy_list(t, u) is None for t in plugin_texts):
        return
    host = artifact("host", host_text)
    plugins = [artifact(f"p{i}", t) for i, t in enumerate(plugin_texts)]
    sol = run(host, plugins, u, strategy=strategy)
    problem = Problem(host, host_list(host.file, u), tuple(plugins), strategy)  # type: ignore[arg-type]
    k, versions, rng = Knowledge(), universe_versions(u), random.Random(0)
    while (joint := _run_search(problem, k)).needs:
        answer(joint.needs, k, u, versions, rng)
    assert sol.ok == (joint.best is not None)
    if joint.best is None:
        return
    assert_aligned(host, plugins, sol, u)
    index = {b.art.name: b.index for b in joint.bases}
    fixed = {(index[e.artifact], e.module): e.to for e in sol.edits if e.op == "require"}
    mine = _State(fixed, {}, {})
    assert (joint.cost(mine), joint.key(mine)) <= joint.best[:2]
