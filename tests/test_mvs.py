"""Build lists from in-memory module universes, written in a tiny scenario language.

A scenario (after Go's mvs_test.go)::

    main 1.21: p1 q1          the main module m.com/main: go line, requirements
    p1 1.21: q2               x.com/p v1.1.0 has go 1.21 and requires x.com/q v1.2.0
    q1: r1                    no go line (unpruned)
    q2 1.21 module=x.com/z:   declares another module path
    dir ./d 1.16: r1          a local directory's go.mod
    replace a => c1           replace all of x.com/a; ``replace a1 => ./d`` one version
    exclude r1
    toolchain go1.22.0        the main module's toolchain line
    want: p1 q2=>c1           the build list, without the main module
    stderr:                   or: what Go prints when it fails
    | go: updates to go.mod needed; to update it:
    | \tgo mod tidy

Module tokens: ``p1`` is x.com/p v1.1.0 (``p12`` v1.12.0), a bare name ``p`` is the
path x.com/p, and ``p/v2@v2.0.1`` or ``p@v2.0.0+incompatible`` spell versions out.
Modules without a line are missing from the proxy. In ``stderr``, ``{proxy}`` is the
proxy's URL, ``{root}`` the main module's directory and ``{parent}`` the directory
above it.

``test_mvs_go.py`` replays every scenario against the real go command.
"""

from __future__ import annotations

import posixpath
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from goalign import modfile
from goalign.errors import GoalignError, InputError, ModuleError, ResolutionError
from goalign.module import ModuleVersion, escape_path, escape_version
from goalign.mvs import (
    BuildList,
    BuildListEntry,
    BuildListError,
    GoModDirtyError,
    GoModSource,
    GraphLoader,
    ListingError,
    LocalGoMod,
    ModSummary,
    ModuleGraph,
    check_listing,
    cmp_version,
    load_build_list,
    mod_sort,
    read_summary,
    summarize,
)

MAIN = "m.com/main"
PROXY = "file:///proxy"
ROOT = "/work/m"


# --- the scenario language ------------------------------------------------------------


def module(token: str) -> ModuleVersion:
    """Return the module a token names (see the module docstring)."""
    if "@" in token:
        path, _, version = token.partition("@")
    else:
        found = re.fullmatch(r"([a-z]+)(\d*)", token)
        if not found:
            raise ValueError(f"bad module token {token!r}")
        path, number = found.groups()
        version = f"v1.{number}.0" if number else ""
    if path == "main":
        path = MAIN
    elif "." not in path.split("/")[0]:
        path = "x.com/" + path
    return ModuleVersion(path, version)


def _target(token: str) -> ModuleVersion:
    return ModuleVersion(token, "") if token.startswith(".") else module(token)


def go_mod(path: str, go: str, requires: list[ModuleVersion], extra: str = "") -> bytes:
    """Return a go.mod declaring path, with a go line (unless "") and requirements."""
    text = f"module {path}\n"
    if go:
        text += f"\ngo {go}\n"
    text += extra
    if requires:
        text += "\nrequire (\n" + "".join(f"\t{r.path} {r.version}\n" for r in requires) + ")\n"
    return text.encode()


@dataclass
class Universe:
    """A main go.mod, the go.mod files a proxy serves, and local directories' go.mod."""

    main: bytes
    modules: dict[ModuleVersion, bytes] = field(default_factory=dict)
    dirs: dict[str, bytes] = field(default_factory=dict)


@dataclass
class Scenario:
    """A universe and what ``go list -m all`` does with it."""

    name: str
    universe: Universe
    stdout: str | None
    stderr: str


def parse_scenario(name: str, text: str) -> Scenario:
    """Return the scenario the text describes."""
    main_go, main_reqs, directives = "", [], ""
    modules: dict[ModuleVersion, bytes] = {}
    dirs: dict[str, bytes] = {}
    want: list[str] | None = None
    stderr: list[str] = []
    for raw in text.strip().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("|"):
            stderr.append(line[2:].replace("\\t", "\t") + "\n")
            continue
        head, colon, rest = line.partition(":")
        words = head.split()
        if words[0] in ("replace", "exclude", "toolchain"):
            if words[0] == "replace":
                old, new = (t.strip() for t in line[len("replace") :].split("=>"))
                left, right = module(old), _target(new)
                old_text = f"{left.path} {left.version}".strip()
                directives += f"replace {old_text} => {right.path} {right.version}".rstrip() + "\n"
            elif words[0] == "exclude":
                m = module(words[1])
                directives += f"exclude {m.path} {m.version}\n"
            else:
                directives += f"toolchain {words[1]}\n"
            continue
        if not colon:
            raise ValueError(f"bad scenario line {line!r}")
        if words[0] == "want":
            want = rest.split()
            continue
        if words[0] == "stderr":
            continue
        reqs = [module(t) for t in rest.split()]
        attrs = dict(w.split("=", 1) for w in words[1:] if "=" in w)
        go = next((w for w in words[1:] if "=" not in w), "")
        if words[0] == "main":
            main_go, main_reqs = go, reqs
        elif words[0] == "dir":
            d = words[1]
            go = next((w for w in words[2:] if "=" not in w), "")
            dirs[d] = go_mod(attrs.get("module", "x.com/local"), go, reqs)
        else:
            m = module(words[0])
            modules[m] = go_mod(attrs.get("module", m.path), go, reqs)
    main = go_mod(MAIN, main_go, main_reqs, directives and "\n" + directives)
    stdout = None
    if want is not None:
        lines = [MAIN]
        for token in want:
            left_token, arrow, right_token = token.partition("=>")
            listed = module(left_token)
            line = f"{listed.path} {listed.version}"
            if arrow:
                target = _target(right_token)
                line += f" => {target.path} {target.version}".rstrip()
            lines.append(line)
        stdout = "".join(line + "\n" for line in lines)
    return Scenario(name, Universe(main, modules, dirs), stdout, "".join(stderr))


def proxy_reason(m: ModuleVersion, ext: str, proxy: str) -> str:
    """Return the reason Go gives when a file:// proxy lacks m's file with extension ext."""
    return (
        f"reading {proxy}/{escape_path(m.path)}/@v/{escape_version(m.version)}.{ext}: "
        "no such file or directory"
    )


def fetcher(universe: Universe, proxy: str, root: str) -> Callable[[GoModSource], bytes]:
    """Return a fetch function over the universe, failing as Go's file:// proxy does."""

    def fetch(source: GoModSource) -> bytes:
        if isinstance(source, LocalGoMod):
            if source.dir in universe.dirs:
                return universe.dirs[source.dir]
            where = posixpath.normpath(posixpath.join(root, source.dir, "go.mod"))
            reason = f"reading {source.default_name}: open {where}: no such file or directory"
            raise ModuleError(source.dir, "", reason)
        if source in universe.modules:
            return universe.modules[source]
        raise ModuleError(source.path, source.version, proxy_reason(source, "mod", proxy))

    return fetch


def go_list(universe: Universe, proxy: str = PROXY, root: str = ROOT) -> tuple[str, str]:
    """Return (stdout, stderr) as ``go list -m all`` would print them for the universe.

    This plays the I/O edge: fetch go.mod files, then look up each listed module's
    ``.info`` (present exactly when its go.mod is), and print Go's way.
    """
    main = modfile.parse(universe.main, "go.mod")
    try:
        loader = GraphLoader(main)
    except InputError as refused:
        return "", f"go: {refused}\n"
    fetch = fetcher(universe, proxy, root)
    while batch := loader.wanted():
        # Feed in a scrambled order: the result must not depend on arrival order.
        random.Random(len(batch)).shuffle(batch)
        for source in batch:
            try:
                loader.feed(source, fetch(source))
            except ModuleError as unavailable:
                loader.fail(source, unavailable.cause)
    warnings = "".join(f"go: {w}\n" for w in loader.warnings)
    build_list: BuildList | None
    error: GoalignError | None = None
    try:
        build_list = loader.build_list()
    except (BuildListError, GoModDirtyError) as failure:
        build_list, error = failure.build_list, failure
    try:
        if build_list is not None:
            missing = {
                m: proxy_reason(m, "info", proxy)
                for m in build_list.info_versions()
                if m not in universe.modules
            }
            check_listing(build_list, missing, error)
        elif error is not None:
            raise error
    except ListingError as failure:
        return "", warnings + "".join(f"go: {line}\n" for line in failure.errors)
    except GoalignError as failure:
        return "", warnings + f"go: {failure}\n"
    assert build_list is not None
    return build_list.format(), warnings


# --- scenarios ------------------------------------------------------------------------

SCENARIOS_TEXT: dict[str, str] = {
    # Go's own mvs_test "blog" example, all unpruned (no go lines): c4 is selected
    # (g1 requires it) although the main module requires c2, so Go wants go mod tidy.
    "blog": """
        main: b1 c2
        b1: d3
        c1: d2
        c2: d4
        c3: d5
        c4: g1
        d2: e1
        d3: e2
        d4: e2 f1
        d5: e2
        g1: c4
        e1:
        e2:
        e3:
        f1: g1
        stderr:
        | go: updates to go.mod needed; to update it:
        | \tgo mod tidy
    """,
    # The same graph, with the main module requiring what MVS selects (c4, via g1).
    "blog-tidy": """
        main: b1 c4
        b1: d3
        c4: g1
        d3: e2
        g1: c4
        e2:
        want: b1 c4 d3 e2 g1
    """,
    "pruned-horizon": """
        main 1.21: p1
        p1 1.21: q1
        q1 1.21: r1
        r1 1.21:
        want: p1 q1
    """,
    "unpruned-main-reads-everything": """
        main 1.16: p1
        p1 1.21: q1
        q1 1.21: r1
        r1 1.21:
        stderr:
        | go: updates to go.mod needed; to update it:
        | \tgo mod tidy
    """,
    "unpruned-main-reads-everything-old-go": """
        main 1.16: p1
        p1 1.17: q1
        q1 1.17: r1
        r1 1.17:
        want: p1 q1 r1
    """,
    "unpruned-root-brings-subtree": """
        main 1.21: p1
        p1: q1
        q1 1.21: r1
        r1 1.21: s1
        s1 1.21:
        want: p1 q1 r1 s1
    """,
    "go-1.16-root-brings-subtree": """
        main 1.21: p1
        p1 1.16: q1
        q1 1.20: r1
        r1: s1
        s1 1.21:
        want: p1 q1 r1 s1
    """,
    "pruned-root-below-selected": """
        main 1.21: p1 q1
        p1 1.21: q2
        q1 1.21:
        q2 1.21:
        stderr:
        | go: updates to go.mod needed; to update it:
        | \tgo mod tidy
    """,
    "unpruned-root-below-selected": """
        main: p1 q1
        p1: q2
        q1:
        q2:
        stderr:
        | go: updates to go.mod needed; to update it:
        | \tgo mod tidy
    """,
    "unpruned-consistent": """
        main: p1 q2
        p1: q1
        q1:
        q2:
        want: p1 q2
    """,
    "pruned-highest-of-root-requirements": """
        main 1.21: p1 q1
        p1 1.21: r2
        q1 1.21: r3
        r2 1.21: s9
        r3 1.21:
        want: p1 q1 r3
    """,
    "dependency-needs-newer-go": """
        main 1.21: p1
        p1 1.22:
        stderr:
        | go: updates to go.mod needed; to update it:
        | \tgo mod tidy
    """,
    "replace-whole-module": """
        main 1.21: a1
        replace a => c1
        c1 1.21: b1
        b1 1.21:
        want: a1=>c1 b1
    """,
    "replace-exact-beats-whole": """
        main 1.21: a1 b1
        replace a1 => c1
        replace a => d1
        replace b => d1
        c1 1.21 module=x.com/a:
        d1 1.21: e1
        e1 1.21:
        want: a1=>c1 b1=>d1 e1
    """,
    "replace-other-version-of-same-module": """
        main 1.21: a1
        replace a1 => a3
        a3 1.21: b1
        b1 1.21:
        want: a1=>a3 b1
    """,
    "replace-only-other-version": """
        main 1.21: a1 p1
        replace a2 => c1
        p1 1.21: a2
        a1 1.21:
        c1 1.21:
        stderr:
        | go: updates to go.mod needed; to update it:
        | \tgo mod tidy
    """,
    "replace-target-declares-replaced-path": """
        main 1.21: a1
        replace a => c1
        c1 1.21 module=x.com/a:
        want: a1=>c1
    """,
    "replace-target-declares-third-path": """
        main 1.21: a1
        replace a => c1
        c1 1.21 module=x.com/z:
        stderr:
        | go: x.com/a@v1.1.0 (replaced by x.com/c@v1.1.0): parsing go.mod:
        | \tmodule declares its path as: x.com/z
        | \t        but was required as: x.com/a
    """,
    "replace-with-directory": """
        main 1.16: p1
        replace q => ./d
        p1 1.16: q1
        dir ./d 1.16 module=anything: r1
        r1:
        want: p1 q1=>./d r1
    """,
    "replace-with-missing-directory": """
        main 1.21: q1
        replace q1 => ../elsewhere
        stderr:
        | go: x.com/q@v1.1.0 (replaced by ../elsewhere): reading ../elsewhere/go.mod: open {parent}/elsewhere/go.mod: no such file or directory
    """,  # noqa: E501
    "pruned-directory-replacement-not-read": """
        main 1.21: p1
        replace q => ./nowhere
        p1 1.21: q1
        want: p1 q1=>./nowhere
    """,
    "conflicting-replacements": """
        main 1.21: a1
        replace a1 => c1
        replace a1 => d1
        stderr:
        | go: conflicting replacements for x.com/a@v1.1.0:
        | \tx.com/c@v1.1.0
        | \tx.com/d@v1.1.0
    """,
    "exclude-drops-requirement": """
        main 1.21: p1 r1
        p1 1.21: q1
        r1 1.21: q2
        q1 1.21:
        q2 1.21:
        exclude q2
        want: p1 q1 r1
    """,
    "exclude-below-horizon-only": """
        main 1.16: p1
        p1 1.16: q1
        q1 1.16: r1
        exclude r1
        want: p1 q1
    """,
    "exclude-main-requirement": """
        main 1.21: p1 q1
        p1 1.21:
        q1 1.21:
        exclude q1
        stderr:
        | go: ignoring requirement on excluded version x.com/q v1.1.0
        | go: updates to go.mod needed; to update it:
        | \tgo mod tidy
    """,
    "incompatible": """
        main 1.16: a@v2.0.0+incompatible p1
        a@v2.0.0+incompatible: b1
        p1: a1
        a1:
        b1:
        want: a@v2.0.0+incompatible b1 p1
    """,
    "incompatible-unpruned-under-pruned-main": """
        main 1.21: a@v2.0.0+incompatible
        a@v2.0.0+incompatible: b1
        b1: c1
        c1:
        want: a@v2.0.0+incompatible b1 c1
    """,
    "major-version-paths": """
        main 1.21: p/v2@v2.1.0 p1
        p/v2@v2.1.0 1.21: p1
        p1 1.21:
        want: p1 p/v2@v2.1.0
    """,
    "pseudo-versions": """
        main 1.16: p@v0.0.0-20240101000000-abcdefabcdef q1
        q1: p@v0.1.0
        p@v0.1.0:
        p@v0.0.0-20240101000000-abcdefabcdef:
        stderr:
        | go: updates to go.mod needed; to update it:
        | \tgo mod tidy
    """,
    "pseudo-version-selected-over-older-release": """
        main 1.21: p@v0.1.1-0.20240101000000-abcdefabcdef q1
        q1 1.21: p@v0.1.0
        p@v0.1.1-0.20240101000000-abcdefabcdef 1.21:
        want: p@v0.1.1-0.20240101000000-abcdefabcdef q1
    """,
    "cycle-unpruned": """
        main: a2
        a1: b1
        b1: a2
        a2: b2
        b2: a1
        want: a2 b2
    """,
    "cycle-pruned": """
        main 1.21: a1 b1
        a1 1.21: b1
        b1 1.21: a1
        want: a1 b1
    """,
    "cycle-through-main": """
        main 1.21: a1
        a1 1.21: main@v1.0.0
        want: a1
    """,
    "duplicate-requirement-same-version": """
        main 1.21: p1 p1
        p1 1.21:
        want: p1
    """,
    "duplicate-requirement-two-versions-pruned": """
        main 1.21: p1 p2
        stderr:
        | go: updates to go.mod needed; to update it:
        | \tgo mod tidy
    """,
    "duplicate-requirement-two-versions-unpruned": """
        main 1.16: p1 p2
        p1:
        p2:
        stderr:
        | go: updates to go.mod needed; to update it:
        | \tgo mod tidy
    """,
    "duplicate-unpruned-graph-error-first": """
        main 1.16: p1 p2
        p2:
        stderr:
        | go: x.com/p@v1.1.0: reading {proxy}/x.com/p/@v/v1.1.0.mod: no such file or directory
    """,
    "main-requires-itself-pruned": """
        main 1.21: main@v1.0.0 p1
        main@v1.0.0 1.21: q1
        p1 1.21:
        q1 1.21:
        want: p1 q1
    """,
    "main-requires-itself-unpruned": """
        main 1.16: main@v1.0.0
        main@v1.0.0: q1
        q1:
        stderr:
        | go: updates to go.mod needed; to update it:
        | \tgo mod tidy
    """,
    "missing-module-chain": """
        main 1.16: p1
        p1: q1
        q1: r1
        stderr:
        | go: x.com/r@v1.1.0: reading {proxy}/x.com/r/@v/v1.1.0.info: no such file or directory
        | go: x.com/p@v1.1.0 requires
        | \tx.com/q@v1.1.0 requires
        | \tx.com/r@v1.1.0: reading {proxy}/x.com/r/@v/v1.1.0.mod: no such file or directory
    """,
    "missing-module-not-selected": """
        main 1.16: p1 r2
        p1: r1
        r2:
        stderr:
        | go: x.com/p@v1.1.0 requires
        | \tx.com/r@v1.1.0: reading {proxy}/x.com/r/@v/v1.1.0.mod: no such file or directory
    """,
    "missing-module-pruned-out": """
        main 1.21: p1
        p1 1.21: q1
        stderr:
        | go: x.com/q@v1.1.0: reading {proxy}/x.com/q/@v/v1.1.0.info: no such file or directory
    """,
    "missing-replacement-pruned-out-is-fine": """
        main 1.21: p1
        replace q => z1
        p1 1.21: q1
        want: p1 q1=>z1
    """,
    "shortest-chain-to-failure": """
        main 1.16: a1 b1
        a1: c1
        c1: d1
        b1: d1
        stderr:
        | go: x.com/d@v1.1.0: reading {proxy}/x.com/d/@v/v1.1.0.info: no such file or directory
        | go: x.com/b@v1.1.0 requires
        | \tx.com/d@v1.1.0: reading {proxy}/x.com/d/@v/v1.1.0.mod: no such file or directory
    """,
    "declared-path-mismatch": """
        main 1.16: p1
        p1: q1
        q1 module=x.com/other:
        stderr:
        | go: x.com/p@v1.1.0 requires
        | \tx.com/q@v1.1.0: parsing go.mod:
        | \tmodule declares its path as: x.com/other
        | \t        but was required as: x.com/q
    """,
    "toolchain-implied-by-go-line": """
        main 1.21: p1
        toolchain go1.21
        p1 1.21:
        stderr:
        | go: updates to go.mod needed; to update it:
        | \tgo mod tidy
    """,
    "toolchain-newer-than-go-line": """
        main 1.21: p1
        toolchain go1.22.0
        p1 1.21:
        want: p1
    """,
    "toolchain-below-dependency": """
        main 1.22.0: p1
        toolchain go1.22.1
        p1 1.22.3:
        stderr:
        | go: updates to go.mod needed; to update it:
        | \tgo mod tidy
    """,
    "no-requirements": """
        main 1.21:
        want:
    """,
}

SCENARIOS = [parse_scenario(name, text) for name, text in SCENARIOS_TEXT.items()]


def expected_stderr(scenario: Scenario, proxy: str, root: str) -> str:
    """Return the scenario's stderr with its placeholders filled in."""
    text = scenario.stderr.replace("{proxy}", proxy).replace("{root}", root)
    return text.replace("{parent}", posixpath.dirname(root))


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
def test_scenario(scenario: Scenario) -> None:
    stdout, stderr = go_list(scenario.universe)
    if scenario.stdout is not None:
        assert (stdout, stderr) == (scenario.stdout, "")
    else:
        assert (stdout, stderr) == ("", expected_stderr(scenario, PROXY, ROOT))


# --- the pieces -----------------------------------------------------------------------


def test_cmp_version_main_highest_none_lowest() -> None:
    assert cmp_version("x.com/a", "", "v9.0.0") == 1
    assert cmp_version("x.com/a", "v9.0.0", "") == -1
    assert cmp_version("x.com/a", "", "") == 0
    assert cmp_version("x.com/a", "none", "v0.0.0-20200101000000-000000000000") == -1
    assert cmp_version("x.com/a", "v2.0.0+incompatible", "v1.9.0") == 1
    assert cmp_version("go", "1.21", "1.21rc1") == -1
    assert cmp_version("go", "1.21.0", "1.21rc1") == 1
    assert cmp_version("toolchain", "go1.22.0", "go1.21.5") == 1


def test_mod_sort_uses_go_versions_for_go() -> None:
    mods = [
        ModuleVersion("go", "1.21.0"),
        ModuleVersion("x.com/a", "v1.10.0"),
        ModuleVersion("go", "1.21rc1"),
        ModuleVersion("x.com/a", "v1.9.0"),
        ModuleVersion("toolchain", "go1.21.0"),
    ]
    assert mod_sort(mods) == [
        ModuleVersion("go", "1.21rc1"),
        ModuleVersion("go", "1.21.0"),
        ModuleVersion("toolchain", "go1.21.0"),
        ModuleVersion("x.com/a", "v1.9.0"),
        ModuleVersion("x.com/a", "v1.10.0"),
    ]


def test_summarize_reads_go_line_and_requirements() -> None:
    data = b"module x.com/a\n\ngo 1.22\n\nrequire x.com/b v1.0.0\nrequire x.com/b v1.0.0\n"
    summary = summarize(data, "go.mod", required_as=ModuleVersion("x.com/a", "v1.0.0"))
    assert summary == ModSummary(
        module="x.com/a",
        version="v1.0.0",
        go="1.22",
        requires=(
            ModuleVersion("x.com/b", "v1.0.0"),
            ModuleVersion("x.com/b", "v1.0.0"),
            ModuleVersion("go", "1.22"),
        ),
        pruned=True,
    )


@pytest.mark.parametrize(
    ("go_line", "pruned", "implicit_go"),
    [("", False, False), ("go 1.16\n", False, False), ("go 1.17\n", True, False),
     ("go 1.20\n", True, False), ("go 1.21\n", True, True), ("go 1.21rc1\n", True, True)],
)  # fmt: skip
def test_summarize_pruning_by_go_line(go_line: str, pruned: bool, implicit_go: bool) -> None:
    data = f"module x.com/a\n{go_line}".encode()
    summary = summarize(data, "go.mod", required_as=ModuleVersion("x.com/a", "v1.0.0"))
    assert summary.pruned is pruned
    assert any(r.path == "go" for r in summary.requires) is implicit_go


def test_summarize_checks_declared_path() -> None:
    data = b"module x.com/z\n"
    with pytest.raises(ModuleError) as info:
        summarize(data, "go.mod", required_as=ModuleVersion("x.com/a", "v1.0.0"))
    assert str(info.value) == (
        "x.com/a@v1.0.0: parsing go.mod:\n"
        "\tmodule declares its path as: x.com/z\n"
        "\t        but was required as: x.com/a"
    )
    # The replacement's own path is accepted, and a directory is not checked at all.
    target = ModuleVersion("x.com/z", "v1.0.0")
    summarize(data, "go.mod", required_as=ModuleVersion("x.com/a", "v1.0.0"), replacement=target)
    summarize(
        b"", "d/go.mod", required_as=ModuleVersion("x.com/a", "v1.0.0"),
        replacement=ModuleVersion("./d", ""),
    )  # fmt: skip


def test_summarize_missing_module_line() -> None:
    with pytest.raises(ModuleError, match=r"^x.com/a@v1.0.0: parsing go.mod: missing module line"):
        summarize(b"go 1.21\n", "go.mod", required_as=ModuleVersion("x.com/a", "v1.0.0"))


def test_summarize_parse_error_names_file_and_module() -> None:
    with pytest.raises(ModuleError) as info:
        summarize(
            b"module x.com/a\nrequire x.com/b none\n",
            "go.mod",
            required_as=ModuleVersion("x.com/a", "v1.0.0"),
        )
    assert str(info.value) == (
        'x.com/a@v1.0.0: parsing go.mod: go.mod:2: require x.com/b: version "none" invalid: '
        "must be of the form v1.2.3"
    )


def test_entry_format() -> None:
    assert BuildListEntry(MAIN, "").format() == MAIN
    assert BuildListEntry("x.com/a", "v1.0.0").format() == "x.com/a v1.0.0"
    assert (
        BuildListEntry("x.com/a", "v1.0.0", ModuleVersion("x.com/b", "v1.2.0")).format()
        == "x.com/a v1.0.0 => x.com/b v1.2.0"
    )
    assert (
        BuildListEntry("x.com/a", "v1.0.0", ModuleVersion("../b", "")).format()
        == "x.com/a v1.0.0 => ../b"
    )


def _load(text: str) -> BuildList:
    scenario = parse_scenario("t", text)
    main = modfile.parse(scenario.universe.main, "go.mod")
    return load_build_list(main, fetcher(scenario.universe, PROXY, ROOT))


def test_graph_queries() -> None:
    build_list = _load(
        """
        main 1.21: p1 q1
        p1 1.21: r1
        q1 1.21: r2
        r1 1.21: s1
        want: p1 q1 r2
        """
    )
    graph = build_list.graph
    assert isinstance(graph, ModuleGraph)
    main = ModuleVersion(MAIN, "")
    assert graph.main == main
    assert graph.selected("x.com/r") == "v1.2.0"
    assert graph.selected(MAIN) == ""
    assert graph.selected("x.com/nothing") == "none"
    assert graph.selected("go") == "1.21"
    assert graph.required_by(main) == (
        ModuleVersion("go", "1.21"),
        module("p1"),
        module("q1"),
    )
    assert graph.required_by(module("p1")) == (module("r1"), ModuleVersion("go", "1.21"))
    assert graph.required_by(module("r1")) is None  # pruned out: never read
    assert module("s1") not in graph
    assert graph.requirers(ModuleVersion("go", "1.21")) == [main, module("p1"), module("q1")]
    assert graph.find_path(module("r2")) == (main, module("q1"), module("r2"))
    assert graph.find_path(lambda m: m.path == "x.com/r") == (main, module("p1"), module("r1"))
    assert graph.find_path(module("r2"), start=module("p1")) is None
    assert graph.find_path(module("s1")) is None
    assert [e.path for e in build_list] == [MAIN, "x.com/p", "x.com/q", "x.com/r"]
    entry = build_list.get("x.com/r")
    assert entry is not None
    assert entry.module == module("r2")
    assert build_list.get("go") is None
    assert build_list.info_versions() == [module("p1"), module("q1"), module("r2")]


def test_loader_asks_for_each_go_mod_once_and_as_soon_as_known() -> None:
    main = modfile.parse(
        b"module m.com/main\ngo 1.16\nrequire (\n\tx.com/a v1.0.0\n\tx.com/b v1.0.0\n)\n"
        b"replace x.com/b => x.com/a v1.0.0\n"
    )
    loader = GraphLoader(main)
    a = ModuleVersion("x.com/a", "v1.0.0")
    # b's go.mod comes from its replacement, which is a's: one fetch for both.
    assert loader.wanted() == [a]
    assert loader.wanted() == []
    assert not loader.done
    loader.feed(a, b"module x.com/a\nrequire x.com/c v1.0.0\n")
    c = ModuleVersion("x.com/c", "v1.0.0")
    assert loader.wanted() == [c]
    with pytest.raises(RuntimeError):
        loader.feed(a, b"module x.com/a\n")
    with pytest.raises(RuntimeError):
        loader.build_list()
    loader.feed(c, b"module x.com/c\n")
    assert loader.done
    assert loader.build_list().format() == (
        "m.com/main\nx.com/a v1.0.0\nx.com/b v1.0.0 => x.com/a v1.0.0\nx.com/c v1.0.0\n"
    )


def test_loader_local_source_and_name() -> None:
    main = modfile.parse(
        b"module m.com/main\ngo 1.21\nrequire x.com/a v1.0.0\nreplace x.com/a => ./a\n"
    )
    loader = GraphLoader(main)
    assert loader.wanted() == [LocalGoMod("./a")]
    loader.feed(
        LocalGoMod("./a"), b"module x.com/a\nrequire x.com/b nonsense\n", name="/abs/a/go.mod"
    )
    with pytest.raises(BuildListError) as info:
        loader.build_list()
    assert str(info.value) == (
        "x.com/a@v1.0.0 (replaced by ./a): parsing /abs/a/go.mod: /abs/a/go.mod:2: "
        'require x.com/b: version "nonsense" invalid: must be of the form v1.2.3'
    )
    assert info.value.chain == (ModuleVersion(MAIN, ""), ModuleVersion("x.com/a", "v1.0.0"))
    assert isinstance(info.value, ResolutionError)


def test_loader_feed_summary_reuses_a_read_file() -> None:
    main = modfile.parse(
        b"module m.com/main\ngo 1.21\nrequire (\n\tx.com/a v1.0.0\n\tx.com/b v1.0.0\n)\n"
        b"replace x.com/b => ./b\n"
    )
    a = ModuleVersion("x.com/a", "v1.0.0")
    files = {
        a: b"module x.com/a\ngo 1.21\nrequire x.com/c v1.0.0\n",
        LocalGoMod("./b"): b"require x.com/z bad\n",
    }
    read = {source: read_summary(source, data) for source, data in files.items()}
    assert isinstance(read[a], ModSummary)
    assert read[a] == read_summary(a, files[a], name="go.mod")
    assert isinstance(read[LocalGoMod("./b")], ModuleError)

    def outcome(summaries: bool) -> str:
        loader = GraphLoader(main)
        while batch := loader.wanted():
            for source in batch:
                if source in files and summaries:
                    loader.feed_summary(source, read[source])
                elif source in files:
                    loader.feed(source, files[source])
                else:
                    loader.fail(source, "404 Not Found")
        with pytest.raises(RuntimeError):
            loader.feed_summary(a, read[a])
        with pytest.raises(BuildListError) as info:
            loader.build_list()
        return str(info.value)

    assert outcome(summaries=True) == outcome(summaries=False)
    assert outcome(summaries=True).startswith("x.com/b@v1.0.0 (replaced by ./b): parsing b/go.mod")


def test_main_go_mod_errors() -> None:
    with pytest.raises(InputError, match="missing module declaration"):
        GraphLoader(modfile.parse(b"go 1.21\n", "x/go.mod"))
    with pytest.raises(InputError, match=r'^error reading go.mod: invalid module path: "go"$'):
        GraphLoader(modfile.parse(b"module go\n"))


def test_dirty_error_is_input_error_with_reasons() -> None:
    text = SCENARIOS_TEXT["pruned-root-below-selected"]
    with pytest.raises(GoModDirtyError) as info:
        _load(text)
    assert isinstance(info.value, InputError)
    assert info.value.reasons == ("go.mod requires x.com/q v1.1.0 but v1.2.0 is selected",)
    assert info.value.hint == "go.mod requires x.com/q v1.1.0 but v1.2.0 is selected"
    assert info.value.build_list is not None
    assert "x.com/q v1.2.0" in info.value.build_list.format()


def test_check_listing() -> None:
    build_list = _load("main 1.21: p1 q1\np1 1.21:\nq1 1.21:\nwant: p1 q1")
    check_listing(build_list, {})
    with pytest.raises(ListingError) as info:
        check_listing(build_list, {module("q1"): "gone", module("p1"): "also gone"})
    assert info.value.errors == ("x.com/p@v1.1.0: also gone", "x.com/q@v1.1.0: gone")
    dirty = GoModDirtyError(["why"], build_list=build_list)
    with pytest.raises(GoModDirtyError):
        check_listing(build_list, {}, dirty)
    with pytest.raises(ListingError) as info:
        check_listing(build_list, {module("q1"): "gone"}, dirty)
    assert info.value.errors[-1] == str(dirty)


def test_duplicate_roots_pruned_read_nothing() -> None:
    main = modfile.parse(
        b"module m.com/main\ngo 1.21\nrequire x.com/a v1.0.0\nrequire x.com/a v1.1.0\n"
    )
    loader = GraphLoader(main)
    assert loader.wanted() == []
    assert loader.done
    with pytest.raises(GoModDirtyError) as info:
        loader.build_list()
    assert info.value.build_list is None


# --- properties -----------------------------------------------------------------------


@st.composite
def universes(draw: st.DrawFn) -> Universe:
    """Small universes: a few paths and versions, random go lines and requirements."""
    paths = ["a", "b", "c", "d", "e"]
    versions = [module(f"{p}{n}") for p in paths for n in range(1, 4)]
    present = draw(st.lists(st.sampled_from(versions), unique=True, min_size=1))
    gos = st.sampled_from(["", "1.16", "1.17", "1.21"])
    modules = {
        m: go_mod(m.path, draw(gos), draw(st.lists(st.sampled_from(versions), max_size=3)))
        for m in present
    }
    main_reqs = draw(st.lists(st.sampled_from(present), max_size=4, unique_by=lambda m: m.path))
    excludes = draw(st.lists(st.sampled_from(versions), max_size=2, unique=True))
    extra = "".join(f"exclude {m.path} {m.version}\n" for m in excludes)
    return Universe(
        go_mod(MAIN, draw(st.sampled_from(["", "1.16", "1.21"])), main_reqs, extra), modules
    )


def _outcome(universe: Universe, order: Callable[[list[GoModSource]], None]) -> str:
    loader = GraphLoader(modfile.parse(universe.main))
    fetch = fetcher(universe, PROXY, ROOT)
    pending: list[GoModSource] = []
    while True:
        pending += loader.wanted()
        if not pending:
            break
        order(pending)
        source = pending.pop()
        try:
            loader.feed(source, fetch(source))
        except ModuleError as error:
            loader.fail(source, error.cause)
    try:
        return loader.build_list().format()
    except GoalignError as error:
        return f"error: {error}"


@settings(max_examples=200, deadline=None)
@given(universe=universes(), seed=st.integers(0, 2**32))
def test_result_does_not_depend_on_arrival_order(universe: Universe, seed: int) -> None:
    rng = random.Random(seed)
    in_order = _outcome(universe, lambda pending: None)
    scrambled = _outcome(universe, rng.shuffle)
    assert scrambled == in_order


def _fed(loader: GraphLoader, universe: Universe) -> GraphLoader:
    fetch = fetcher(universe, PROXY, ROOT)
    while batch := loader.wanted():
        for source in batch:
            try:
                loader.feed(source, fetch(source))
            except ModuleError as error:
                loader.fail(source, error.cause)
    return loader


@settings(max_examples=200, deadline=None)
@given(universe=universes())
def test_selected_version_is_highest_node(universe: Universe) -> None:
    graph = _fed(GraphLoader(modfile.parse(universe.main)), universe).graph
    for m in graph.nodes():
        assert cmp_version(m.path, m.version, graph.selected(m.path)) <= 0
        # Every node is reachable from the main module.
        assert graph.find_path(m) is not None
    for path in graph.selected_paths():
        assert ModuleVersion(path, graph.selected(path)) in graph


def _result(loader: GraphLoader) -> tuple[str, list[tuple[ModuleVersion, object, object]]]:
    graph = loader.graph
    edges = [(m, graph.required_by(m), graph.requirers(m)) for m in graph.nodes()]
    edges += [(ModuleVersion(p, graph.selected(p)), "selected", ()) for p in graph.selected_paths()]
    try:
        return loader.build_list().format(), edges
    except GoalignError as error:
        return f"error: {error}", edges


def test_seeded_loader_keeps_its_own_main_module_and_excludes() -> None:
    """Two cases the generated ones meet rarely: the seed's graph holds a node of the
    new main module's path (which stays the main module, selected above it), and a
    seed that excludes a version the new module does not (no seeding, or it would
    lose that version)."""
    a1, a2, b1 = module("a1"), module("a2"), module("b1")
    universe = Universe(
        go_mod(MAIN, "1.16", [b1], f"exclude {a2.path} {a2.version}\n"),
        {
            a1: go_mod(a1.path, "1.16", []),
            a2: go_mod(a2.path, "1.16", []),
            b1: go_mod(b1.path, "1.16", [a1, a2]),
        },
    )
    seed = _fed(GraphLoader(modfile.parse(universe.main)), universe)
    assert seed.build_list().versions == {a1.path: a1.version, b1.path: b1.version}
    for extra in ("", f"exclude {a2.path} {a2.version}\n"):
        other = modfile.parse(go_mod(a1.path, "1.16", [b1], extra))
        seeded = _fed(GraphLoader(other, seed=seed), universe)
        assert _result(seeded) == _result(_fed(GraphLoader(other), universe))
        assert seeded.graph.selected(a1.path) == ""


@settings(max_examples=400, deadline=None)
@given(universe=universes(), data=st.data())
def test_seeded_loader_equals_a_fresh_load(universe: Universe, data: st.DataObject) -> None:
    """A load seeded with another main module's finished load over the same go.mod
    files gives the graph, build list and errors a fresh load gives, and leaves the
    seed as it was; the seed is taken only when both load unpruned graphs, replace and
    exclude the same."""
    present = sorted(universe.modules)
    requires = data.draw(st.lists(st.sampled_from(present), max_size=4, unique_by=lambda m: m.path))
    same = data.draw(st.booleans())  # the seed's own excludes, or none
    main = modfile.parse(universe.main)
    extra = "".join(f"exclude {x.mod.path} {x.mod.version}\n" for x in main.exclude) if same else ""
    # The other main module may be one the universe holds: the seed's graph then has
    # nodes of the new main module's path.
    path = data.draw(st.sampled_from(["y.com/other", "x.com/a", "x.com/b"]))
    go = data.draw(st.sampled_from(["", "1.16", "1.21"]))
    other = modfile.parse(go_mod(path, go, [r for r in requires if r.path != path], extra))
    seed = _fed(GraphLoader(main), universe)
    before = _result(seed)
    seeded = _fed(GraphLoader(other, seed=seed), universe)
    assert _result(seeded) == _result(_fed(GraphLoader(other), universe))
    assert _result(seed) == before, "seeding changed the seed's graph"


@settings(max_examples=400, deadline=None)
@given(universe=universes(), data=st.data())
def test_extended_loader_equals_a_fresh_load(universe: Universe, data: st.DataObject) -> None:
    """Growing a finished load by one requirement (a new path, or a required path at
    another version) gives the graph (requirements and requirers), build list and
    errors a fresh load of the edited go.mod gives, whenever growing is allowed, and
    leaves the first load as it was."""
    every = [module(f"{p}{n}") for p in "abcde" for n in (1, 2, 3)]
    stated = {r.mod.path for r in modfile.parse(universe.main).require}
    moves = [m for m in every if m.path in stated]
    required = data.draw(
        st.sampled_from(moves) if moves and data.draw(st.booleans()) else st.sampled_from(every)
    )
    parent = _fed(GraphLoader(modfile.parse(universe.main)), universe)
    if data.draw(st.booleans()):
        # The grown graph then keeps the parent's reverse index up to date.
        parent.graph.requirers(parent.graph.main)
    grown = parent.extended([required])
    before = _result(parent)
    edited = modfile.parse(universe.main)
    modfile.add_require(edited, required.path, required.version)
    fresh = _result(_fed(GraphLoader(edited), universe))
    if grown is None:
        return
    assert _result(_fed(grown, universe)) == fresh
    assert _result(parent) == before, "growing changed the parent's graph"
