"""The plugin scenarios under ``fixtures/gomods/`` and what each strategy should make of them.

One table, :data:`SCENARIOS`, read by the end-to-end tests (which build every scenario,
see it fail, apply each expected fix by hand and see every plugin load) and by the
solver tests (which compare goalign's plan with the same expectations).

For each strategy a scenario expects either a :class:`Fix` or :class:`NoAnswer`.
A :class:`Fix` gives the edits that make every plugin load (as ``go mod edit`` flags
per artifact: one way to write the answer, not the only one), the versions each
artifact then selects (the text ``go list -m all`` prints after the module path), the
moves the report must mark risky and, for ``force``, the requirements a pin violates.
The host is never edited. Strategies are cumulative: a stronger one gives the milder
answer whenever that exists.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

GOMODS = Path(__file__).resolve().parent.parent / "fixtures" / "gomods"
STRATEGIES = ("safe", "downgrade", "force")
DIFFERENT = "plugin was built with a different version of package "


@dataclass(frozen=True)
class Fix:
    """An answer: edits per artifact, the versions they select, risky moves, violations."""

    edits: Mapping[str, tuple[str, ...]]
    selected: Mapping[str, Mapping[str, str]]
    risky: tuple[str, ...] = ()
    violated: tuple[str, ...] = ()


@dataclass(frozen=True)
class NoAnswer:
    """No answer: goalign exits with ``exit_code`` (3 impossible, 2 bad input), writes
    nothing, and its explanation contains the facts in ``reason``."""

    exit_code: int
    reason: str


Outcome = Fix | NoAnswer


@dataclass(frozen=True)
class Scenario:
    """A fixture folder: its plugins in load order and what goes wrong before a fix.

    ``fails`` maps each plugin that fails to load (all plugins opened in order in one
    host process) to the package its error names; the others load. ``build_errors``
    maps an artifact that cannot be built as it is to a text of its ``go build`` error.
    ``before_mod`` gives the ``-mod`` mode of an artifact's first build where it is not
    ``readonly`` (a go.mod Go would rewrite).
    """

    name: str
    plugins: tuple[str, ...]
    fails: Mapping[str, str]
    safe: Outcome
    downgrade: Outcome
    force: Outcome
    build_errors: Mapping[str, str] = field(default_factory=dict)
    before_mod: Mapping[str, Literal["mod", "readonly"]] = field(default_factory=dict)

    @property
    def dir(self) -> Path:
        """The scenario's folder."""
        return GOMODS / self.name

    @property
    def goproxy(self) -> str:
        """The scenario's GOPROXY (its committed ``proxy/`` folder)."""
        return (self.dir / "proxy").as_uri()

    def outcome(self, strategy: str) -> Outcome:
        """The expected outcome under ``strategy``."""
        if strategy not in STRATEGIES:
            raise ValueError(f"unknown strategy {strategy!r}")
        outcome: Outcome = getattr(self, strategy)
        return outcome


def _same(
    name: str, plugins: tuple[str, ...], fails: Mapping[str, str], fix: Outcome, **kw: object
) -> Scenario:
    return Scenario(name, plugins, fails, fix, fix, fix, **kw)  # type: ignore[arg-type]


def _req(path: str, version: str) -> str:
    return f"-require={path}@{version}"


# behind
_B = "example.com/behind"
BEHIND = _same(
    "behind",
    ("p",),
    {"p": f"{_B}/log"},
    Fix({"plugins/p": (_req(f"{_B}/log", "v1.2.0"),)}, {"plugins/p": {f"{_B}/log": "v1.2.0"}}),
)

# ahead
_A = "example.com/ahead"
_AHEAD_FIX = Fix(
    {"plugins/p": (_req(f"{_A}/log", "v1.2.0"),)},
    {"plugins/p": {f"{_A}/log": "v1.2.0"}},
    risky=(f"plugins/p: {_A}/log v1.3.0 -> v1.2.0",),
)
AHEAD = Scenario(
    "ahead",
    ("p",),
    {"p": f"{_A}/log"},
    safe=NoAnswer(3, f"plugins/p requires {_A}/log v1.3.0, host has v1.2.0"),
    downgrade=_AHEAD_FIX,
    force=_AHEAD_FIX,
)

# transitive
_T = "example.com/transitive"
TRANSITIVE = _same(
    "transitive",
    ("p",),
    {"p": f"{_T}/log"},
    Fix(
        {"plugins/p": (_req(f"{_T}/mid", "v1.1.0"), _req(f"{_T}/log", "v1.2.0"))},
        {"plugins/p": {f"{_T}/mid": "v1.1.0", f"{_T}/log": "v1.2.0"}},
    ),
)

# needs-downgrade
_N = "example.com/needs-downgrade"
_NEEDS_DOWNGRADE_FIX = Fix(
    {"plugins/p": (_req(f"{_N}/mid", "v1.0.0"), _req(f"{_N}/log", "v1.2.0"))},
    {"plugins/p": {f"{_N}/mid": "v1.0.0", f"{_N}/log": "v1.2.0"}},
    risky=(f"plugins/p: {_N}/mid v1.1.0 -> v1.0.0",),
)
NEEDS_DOWNGRADE = Scenario(
    "needs-downgrade",
    ("p",),
    {"p": f"{_N}/log"},
    safe=NoAnswer(3, f"plugins/p -> {_N}/mid@v1.1.0 -> {_N}/log >= v1.3.0, host has v1.2.0"),
    downgrade=_NEEDS_DOWNGRADE_FIX,
    force=_NEEDS_DOWNGRADE_FIX,
)

# force-only
_F = "example.com/force-only"
_FORCE_ONLY_WHY = f"plugins/p -> {_F}/tracing@v1.0.0 -> {_F}/log >= v1.3.0, host has v1.2.0"
FORCE_ONLY = Scenario(
    "force-only",
    ("p",),
    {"p": f"{_F}/log"},
    safe=NoAnswer(3, _FORCE_ONLY_WHY),
    downgrade=NoAnswer(3, _FORCE_ONLY_WHY),
    force=Fix(
        {"plugins/p": (f"-replace={_F}/log={_F}/log@v1.2.0",)},
        {"plugins/p": {f"{_F}/log": f"v1.3.0 => {_F}/log v1.2.0", f"{_F}/tracing": "v1.0.0"}},
        violated=(f"{_F}/tracing@v1.0.0 requires {_F}/log@v1.3.0",),
    ),
)

# plugins-share
_S = "example.com/plugins-share"
PLUGINS_SHARE = _same(
    "plugins-share",
    ("a", "b"),
    {"b": f"{_S}/cache"},
    Fix(
        {"plugins/a": (_req(f"{_S}/cache", "v1.1.0"),)},
        {"plugins/a": {f"{_S}/cache": "v1.1.0"}, "plugins/b": {f"{_S}/cache": "v1.1.0"}},
    ),
)

# fork
_K = "example.com/fork"
FORK = _same(
    "fork",
    ("p",),
    {"p": f"{_K}/config"},
    Fix(
        {
            "plugins/p": (
                f"-replace={_K}/config=../../forks/config",
                f"-replace={_K}/log={_K}/logfork@v1.2.1",
            )
        },
        {
            "plugins/p": {
                f"{_K}/config": "v1.0.0 => ../../forks/config",
                f"{_K}/log": f"v1.2.0 => {_K}/logfork v1.2.1",
            }
        },
    ),
)

# pseudo
_P = "example.com/pseudo"
_PSEUDO_HOST = "v0.0.0-20240102030405-bbbbbbbbbbbb"
PSEUDO = _same(
    "pseudo",
    ("p",),
    {"p": f"{_P}/log"},
    Fix(
        {"plugins/p": (_req(f"{_P}/log", "v1.3.0-rc.1"), _req(f"{_P}/util", _PSEUDO_HOST))},
        {"plugins/p": {f"{_P}/log": "v1.3.0-rc.1", f"{_P}/util": _PSEUDO_HOST}},
    ),
)

# v2
_V = "example.com/v2"
V2 = _same(
    "v2",
    ("p",),
    {"p": f"{_V}/lib/v2"},
    Fix(
        {"plugins/p": (_req(f"{_V}/lib/v2", "v2.1.0"),)},
        {"plugins/p": {f"{_V}/lib": "v1.5.0", f"{_V}/lib/v2": "v2.1.0"}},
    ),
)

# three-plugins
_3 = "example.com/three-plugins"
THREE_PLUGINS = _same(
    "three-plugins",
    ("a", "b", "c"),
    {"a": f"{_3}/log", "b": f"{_3}/metrics", "c": f"{_3}/cache"},
    Fix(
        {
            "plugins/a": (_req(f"{_3}/log", "v1.2.0"),),
            "plugins/b": (_req(f"{_3}/metrics", "v1.1.0"), _req(f"{_3}/cache", "v1.1.0")),
        },
        {
            "plugins/a": {f"{_3}/log": "v1.2.0"},
            "plugins/b": {
                f"{_3}/log": "v1.2.0",
                f"{_3}/metrics": "v1.1.0",
                f"{_3}/cache": "v1.1.0",
            },
            "plugins/c": {f"{_3}/log": "v1.2.0", f"{_3}/cache": "v1.1.0"},
        },
    ),
)

# aligned
_L = "example.com/aligned"
ALIGNED = _same(
    "aligned",
    ("a", "b"),
    {},
    Fix(
        {},
        {
            "plugins/a": {f"{_L}/log": "v1.2.0"},
            "plugins/b": {f"{_L}/log": "v1.2.0", f"{_L}/metrics": "v1.1.0"},
        },
    ),
)

# unlinked: loads as it is; at module precision extra is still shared.
_U = "example.com/unlinked"
UNLINKED = _same(
    "unlinked",
    ("p",),
    {},
    Fix({"plugins/p": (_req(f"{_U}/extra", "v1.1.0"),)}, {"plugins/p": {f"{_U}/extra": "v1.1.0"}}),
)

# pinned: aligned as committed; the [pins] tests in test_options_e2e move cache.
_PN = "example.com/pinned"
PINNED = _same(
    "pinned",
    ("a", "b"),
    {},
    Fix(
        {},
        {"plugins/a": {f"{_PN}/cache": "v1.1.0"}, "plugins/b": {f"{_PN}/cache": "v1.1.0"}},
    ),
)

# go-newer
GO_NEWER = _same(
    "go-newer",
    ("p",),
    {},
    NoAnswer(3, "plugins/p: go 1.99 is newer than the host's Go 1.22"),
    build_errors={"plugins/p": "go.mod requires go >= 1.99"},
)

# malformed
MALFORMED = _same(
    "malformed",
    ("good", "broken"),
    {"good": "example.com/malformed/log"},
    NoAnswer(2, "plugins/broken/go.mod:5: unknown directive: requires"),
    build_errors={"plugins/broken": "go.mod:5: unknown directive: requires"},
)

# demo: ratelimit's go.mod is hand-formatted (log v1.3, metrics v1.2.1+build.7), so Go
# rewrites it on a -mod=mod build and refuses it under -mod=readonly; the fix writes
# its versions canonically.
_D = "example.com/kit"
_DEMO_FIX = Fix(
    {
        "plugins/ratelimit": (_req(f"{_D}/log", "v1.4.0"), _req(f"{_D}/metrics", "v1.2.1")),
        "plugins/audit": (_req(f"{_D}/log", "v1.4.0"), _req(f"{_D}/trace", "v1.0.0")),
    },
    {
        "plugins/ratelimit": {
            f"{_D}/log": "v1.4.0",
            f"{_D}/metrics": "v1.2.1",
            f"{_D}/pool": "v0.3.0",
        },
        "plugins/audit": {f"{_D}/log": "v1.4.0", f"{_D}/trace": "v1.0.0"},
    },
    risky=(
        f"plugins/audit: {_D}/log v1.5.0 -> v1.4.0",
        f"plugins/audit: {_D}/trace v1.1.0 -> v1.0.0",
    ),
)
DEMO = Scenario(
    "demo",
    ("ratelimit", "audit"),
    {"ratelimit": f"{_D}/log", "audit": f"{_D}/log"},
    safe=NoAnswer(3, f"plugins/audit requires {_D}/log v1.5.0, host has v1.4.0"),
    downgrade=_DEMO_FIX,
    force=_DEMO_FIX,
    before_mod={"plugins/ratelimit": "mod"},
)

# new-imports: after the raise, api/extra imports codec instead of legacy, so the
# plugin's go.sum gains a zip line for codec and loses legacy's (see its universe.py).
_NI = "example.com/new-imports"
NEW_IMPORTS = _same(
    "new-imports",
    ("p",),
    {"p": f"{_NI}/api"},
    Fix(
        {"plugins/p": (_req(f"{_NI}/api", "v1.1.0"),)},
        {
            "plugins/p": {
                f"{_NI}/api": "v1.1.0",
                f"{_NI}/codec": "v1.0.0",
                f"{_NI}/legacy": "v1.0.0",
            }
        },
    ),
)

SCENARIOS: tuple[Scenario, ...] = (
    BEHIND,
    AHEAD,
    TRANSITIVE,
    NEEDS_DOWNGRADE,
    FORCE_ONLY,
    PLUGINS_SHARE,
    FORK,
    PSEUDO,
    V2,
    THREE_PLUGINS,
    ALIGNED,
    UNLINKED,
    PINNED,
    GO_NEWER,
    MALFORMED,
    DEMO,
    NEW_IMPORTS,
)
BY_NAME = {s.name: s for s in SCENARIOS}


def distinct_fixes(*, with_edits: bool = False) -> list[tuple[Scenario, tuple[str, ...], Fix]]:
    """Every distinct Fix in the table, with the strategies that expect it.

    ``with_edits`` leaves out fixes that change nothing (an already aligned set).
    """
    found: list[tuple[Scenario, tuple[str, ...], Fix]] = []
    for scenario in SCENARIOS:
        seen: dict[int, list[str]] = {}
        fixes: dict[int, Fix] = {}
        for strategy in STRATEGIES:
            outcome = scenario.outcome(strategy)
            if isinstance(outcome, Fix) and (outcome.edits or not with_edits):
                seen.setdefault(id(outcome), []).append(strategy)
                fixes[id(outcome)] = outcome
        found.extend((scenario, tuple(seen[key]), fix) for key, fix in fixes.items())
    return found
