"""Align a host and its plugins: one version (and replacement) per shared module.

The rules are DESIGN.md's ("The alignment problem"). The host's build list is the
baseline; every module in the build lists of two or more artifacts must end up with one
version and one replacement in all of them. :func:`solve` finds the preferred answer
under a strategy, or explains why none exists.

How the search works
--------------------
Each artifact's go.mod requirements are *variables*: one per module path it requires,
plus paths it may have to add (``none`` when not required). An answer assigns each
variable a version; the build lists follow from those go.mod contents by MVS
(:mod:`goalign.mvs`, never a second implementation). A state fixes some variables
and leaves the rest at their current version. The search evaluates a state's build
lists, takes the first *violation* (a root that is not its path's selected version,
or a shared module away from its target) and branches on the variables that must
change to remove it. The branching is exhaustive over the allowed versions, so when
no branch succeeds no answer exists within the rules: a go.mod node reached from a
root whose version did not change is still in the graph, so *every* root that forces
an offending node must move (that is the branch point; see :meth:`_Search.implicated`).
Branch and bound on the preference order (host unchanged, fewest risky moves, fewest
changed requirements, nearest versions), with a total tie-break on the assignment,
makes the answer a function of the input alone.

Why a state machine over a :class:`Knowledge` store
---------------------------------------------------
The core does no I/O. :func:`solve` runs over what is known (go.mod bytes, version
lists); when the search meets a fact it lacks it keeps exploring the branches it can
and returns :class:`Needs` listing everything it missed. The edge fetches those
concurrently, adds them and calls again. The search only ever looks at facts it asked
for, and asks in a fixed order, so the answer does not depend on which fetch finished
first, nor on extra facts the edge happened to know. A resolvelib-style provider would
have to answer synchronously, which forces either blocking I/O in the core or
prefetching every version of every module.

Assumptions, stated
-------------------
- A common version for a module shared only by plugins is a version on the proxy's
  list or one some artifact selects at that point of the search.
- A plugin's ``go`` line rises when a dependency's go.mod needs it (as ``go get`` does)
  but never past the host's Go; the search does not revisit graph pruning if that
  rise crosses go 1.17.
- Requirements are never dropped: a plugin that requires a module keeps requiring it.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cmp_to_key
from typing import Literal

from goalign import gover, semver
from goalign.errors import ModuleError, ResolutionError
from goalign.modfile import File, auto_quote, parse
from goalign.module import ModuleVersion
from goalign.mvs import (
    BuildList,
    BuildListError,
    GoModDirtyError,
    GoModSource,
    GraphLoader,
    LocalGoMod,
    ModSummary,
    cmp_version,
    read_summary,
    summarize,
)

__all__ = [
    "NONE",
    "Artifact",
    "Conflict",
    "Demand",
    "Edit",
    "Knowledge",
    "Needs",
    "Plan",
    "Problem",
    "ReplaceSpec",
    "Requirement",
    "SharedModule",
    "Solution",
    "Strategy",
    "VersionList",
    "Violation",
    "solve",
]

Strategy = Literal["safe", "downgrade", "force"]
STRATEGIES: tuple[Strategy, ...] = ("safe", "downgrade", "force")

#: The version of a requirement that is not there.
NONE = "none"

#: Evaluations of candidate build lists one solve may spend before giving up.
DEFAULT_BUDGET = 20_000


# --- inputs ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Artifact:
    """A main module built into the host or a plugin.

    ``name`` identifies it in the answer (a folder name, say) and must be unique;
    ``dir`` is its folder as a POSIX path, used only to resolve and rewrite directory
    replacements (all artifacts' dirs must be absolute, or relative to one base).
    """

    name: str
    file: File
    dir: str = ""


@dataclass(frozen=True)
class VersionList:
    """A module's ``@v/list``: its versions, and those its latest go.mod retracts."""

    versions: tuple[str, ...]
    retracted: frozenset[str] = frozenset()

    def allowed(self) -> list[str]:
        """Return the valid, unretracted versions in ascending semver order."""
        good = {v for v in self.versions if semver.is_valid(v) and v not in self.retracted}
        return semver.sort(good)


@dataclass
class Knowledge:
    """Facts fetched so far; the edge adds what :class:`Needs` asks for.

    ``gomods`` maps a module version to its go.mod bytes from the proxy; ``dirs`` maps
    a resolved directory (see :attr:`Artifact.dir`) to the bytes of its go.mod;
    ``versions`` maps a module path to its version list (an unknown module has an
    empty list); ``failed`` maps a module version whose go.mod cannot be had to Go's
    reason (``reading URL: 404 Not Found``).

    ``summaries`` and ``loads`` are derived, not facts: each go.mod's parsed summary
    and each candidate go.mod's loaded graph, kept beside the facts so that the work is
    done once across every search and every call.
    """

    gomods: dict[ModuleVersion, bytes] = field(default_factory=dict)
    dirs: dict[str, bytes] = field(default_factory=dict)
    versions: dict[str, VersionList] = field(default_factory=dict)
    failed: dict[ModuleVersion, str] = field(default_factory=dict)
    summaries: dict[tuple[GoModSource, bytes], ModSummary | ModuleError] = field(
        default_factory=dict
    )
    # Derived too: the graphs loaded for candidate go.mod files (artifact name, dir,
    # text), so later calls and other strategies' searches do not load them again.
    # Only complete loads are kept; a load missing a fact raises instead.
    loads: dict[tuple[str, str, bytes], _Eval] = field(default_factory=dict)

    def summary(self, source: GoModSource, data: bytes) -> ModSummary | ModuleError:
        """Return :func:`goalign.mvs.read_summary` of a go.mod, reading it once."""
        # read_summary's answer depends only on its arguments.
        result = self.summaries.get((source, data))
        if result is None:
            result = self.summaries[(source, data)] = read_summary(source, data)
        return result

    def known(self, source: GoModSource) -> ModSummary | ModuleError | None:
        """Return the summary of a proxy go.mod already fetched, else None (for
        :class:`~goalign.mvs.GraphLoader`'s ``known``)."""
        if isinstance(source, LocalGoMod):
            return None
        data = self.gomods.get(source)
        return None if data is None else self.summary(source, data)


@dataclass(frozen=True)
class Needs:
    """Facts :func:`solve` needs before it can answer: fetch them all, then call again."""

    versions: frozenset[str] = frozenset()
    gomods: frozenset[ModuleVersion] = frozenset()
    dirs: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.versions or self.gomods or self.dirs)

    def __or__(self, other: Needs) -> Needs:
        return Needs(
            self.versions | other.versions, self.gomods | other.gomods, self.dirs | other.dirs
        )


@dataclass(frozen=True)
class Problem:
    """One alignment problem.

    ``host_build_list`` is the host's computed build list, the fixed baseline.
    ``pins`` maps a module path to the version every artifact that has it must use.
    """

    host: Artifact
    host_build_list: BuildList
    plugins: tuple[Artifact, ...]
    strategy: Strategy = "safe"
    allow_host_upgrade: bool = False
    pins: Mapping[str, str] = field(default_factory=dict)
    budget: int = DEFAULT_BUDGET


# --- outputs --------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Requirement:
    """One line of a planned require block."""

    path: str
    version: str
    indirect: bool = False


@dataclass(frozen=True, order=True)
class ReplaceSpec:
    """A planned ``replace old => new``; ``old_version`` "" replaces every version.

    A directory target is written relative to the artifact it goes into when both
    artifacts' dirs are known, else as the host wrote it (``host_relative``).
    """

    old_path: str
    old_version: str
    new_path: str
    new_version: str
    host_relative: bool = False


@dataclass(frozen=True, order=True)
class Edit:
    """One change to one artifact's go.mod.

    ``op`` is ``require`` (add or change; ``from_`` is ``none`` for an addition),
    ``replace``, ``drop_replace``, ``go`` or ``toolchain`` (``to`` ``none`` drops the
    line). ``risky`` marks a direct requirement taken below what the artifact states,
    or under ``force`` a pin that violates requirements.
    """

    artifact: str
    op: str
    module: str
    from_: str
    to: str
    risky: bool = False
    reason: str = ""


@dataclass(frozen=True)
class Violation:
    """A requirement a ``force`` pin breaks: ``requirer`` needs module >= version."""

    artifact: str
    requirer: ModuleVersion
    module: str
    required: str
    pinned: str


@dataclass(frozen=True)
class Plan:
    """The planned go.mod contents and build list of one artifact."""

    artifact: str
    requires: tuple[Requirement, ...]
    replaces: tuple[ReplaceSpec, ...]
    go: str
    toolchain: str
    edits: tuple[Edit, ...]
    build_list: BuildList | None


@dataclass(frozen=True)
class SharedModule:
    """A module in two or more build lists: each artifact's version, and the answer's."""

    path: str
    versions: tuple[tuple[str, str], ...]
    target: str


@dataclass(frozen=True)
class Demand:
    """A requirement chain from an artifact down to a module version it demands.

    ``chain`` starts at the artifact's main module; ``version`` is what the last step
    requires, ``other`` the version the other side (host, pin or plugin) has.
    """

    artifact: str
    chain: tuple[ModuleVersion, ...]
    module: str
    version: str
    other: str

    def format(self) -> str:
        """Return ``plugin -> a@v1 -> ... -> m >= v, host has w``."""
        steps = [self.artifact] + [str(m) for m in self.chain[1:-1]]
        return " -> ".join([*steps, f"{self.module} >= {self.version}"]) + f", {self.other}"


@dataclass(frozen=True)
class Conflict:
    """Why a module could not be aligned: the demands, versions tried, what would help."""

    module: str
    demands: tuple[Demand, ...]
    tried: tuple[str, ...]
    explanation: str
    options: tuple[str, ...] = ()


@dataclass(frozen=True)
class Solution:
    """The answer of :func:`solve`.

    ``ok`` says whether every plugin is aligned. ``plans`` has one plan per plugin in
    input order (for an impossible plugin its requirements are unchanged), ``host`` a
    plan for the host when ``allow_host_upgrade`` changed it. ``exhaustive`` is false
    when the search budget ran out after finding an answer, which is then valid but
    maybe not the most preferred.
    """

    strategy: Strategy
    ok: bool
    plans: tuple[Plan, ...]
    host: Plan | None
    shared: tuple[SharedModule, ...]
    conflicts: tuple[Conflict, ...]
    violations: tuple[Violation, ...] = ()
    exhaustive: bool = True

    @property
    def edits(self) -> tuple[Edit, ...]:
        """Return every edit, host first, then plugins in order."""
        out: list[Edit] = []
        for plan in ((self.host,) if self.host else ()) + self.plans:
            out.extend(plan.edits)
        return tuple(out)


# --- helpers --------------------------------------------------------------------------


def _cmp(path: str, a: str, b: str) -> int:
    if a == b:
        return 0
    if a == NONE:
        return -1
    if b == NONE:
        return 1
    return cmp_version(path, a, b)


def _rel(target: str, start: str) -> str:
    """Return target relative to start, both normalised and on one base; pure."""
    t = [p for p in target.split("/") if p and p != "."]
    s = [p for p in start.split("/") if p and p != "."]
    n = 0
    while n < len(t) and n < len(s) and t[n] == s[n]:
        n += 1
    rel = "/".join([".."] * (len(s) - n) + t[n:])
    if not rel:
        return "."
    return rel if rel.startswith("../") or rel == ".." else "./" + rel


def _resolve(base: str, d: str) -> str:
    if d.startswith("/") or not base:
        return posixpath.normpath(d)
    return posixpath.normpath(posixpath.join(base, d))


def _is_dir(new: ModuleVersion) -> bool:
    return new.version == ""


def _host_go(host: File) -> str:
    if host.toolchain is not None:
        return gover.from_toolchain(host.toolchain.name) or host.toolchain.name
    return host.go.version if host.go else gover.DEFAULT_GO_VERSION


class _Missing(Exception):
    """A fact the search needs is not in the knowledge store (internal)."""


@dataclass
class _Base:
    """What stays fixed about an artifact while its requirements vary."""

    index: int
    art: Artifact
    module: str
    go: str
    go_limit: str
    toolchain: str  # the line it gets ("" for none)
    orig: dict[str, str]  # required path -> stated version (max of duplicates)
    indirect: dict[str, bool]
    excludes: tuple[ModuleVersion, ...]
    own: tuple[ReplaceSpec, ...]  # its own replacements, less those of host modules
    carried: dict[str, ReplaceSpec]  # host module path -> replacement it must write
    is_host: bool
    frozen: bool

    @property
    def replaces(self) -> list[ReplaceSpec]:
        """Return the replacements its candidate go.mod files carry."""
        return sorted([*self.own, *self.carried.values()])


@dataclass(frozen=True)
class _Eval:
    """A candidate go.mod's loaded graph and build list (shared: never changed)."""

    bl: BuildList | None
    loader: GraphLoader | None
    go: str
    error: str = ""


@dataclass(frozen=True, eq=False)
class _DeadEnd:
    depth: int
    artifact: str
    module: str
    # (artifact index, its evaluation, version needed, the other side): enough to find
    # the demand's requirement chain, which is done only for the dead ends reported.
    trace: tuple[int, _Eval, str, str] | None
    tried: tuple[str, ...]
    explanation: str


Assign = tuple[tuple[str, str], ...]
Cost = tuple[int, int, int, int]
# A broken rule: ("requires", artifact, path, version its go.mod states), ("target",
# artifact, path, target), ("choose", -1, path, owners with their versions) or
# ("replaced", artifact, path, "").
_Violated = tuple[str, int, str, str | list[tuple[int, str]]] | None


@dataclass(frozen=True)
class _State:
    fixed: Mapping[tuple[int, str], str]
    reasons: Mapping[tuple[int, str], str]
    targets: Mapping[str, str]
    depth: int = 0

    def fix(self, i: int, path: str, version: str, reason: str) -> _State:
        fixed = dict(self.fixed)
        fixed[(i, path)] = version
        reasons = dict(self.reasons)
        reasons[(i, path)] = reason
        return _State(fixed, reasons, self.targets, self.depth + 1)

    def target(self, path: str, version: str) -> _State:
        targets = dict(self.targets)
        targets[path] = version
        return _State(self.fixed, self.reasons, targets, self.depth + 1)


class _Search:
    """One solve: bases, knowledge lookups, evaluation cache, branch and bound."""

    def __init__(self, problem: Problem, knowledge: Knowledge, bases: list[_Base]) -> None:
        self.p = problem
        self.k = knowledge
        self.bases = bases
        self.needs = Needs()
        self.cache: dict[tuple[int, Assign], _Eval | None] = {}
        self.summaries: dict[tuple[int, GoModSource], ModSummary | None] = {}
        self.evaluations = 0
        self.exhausted = False
        self.best: tuple[Cost, tuple[tuple[str, str, str], ...], _State] | None = None
        self.dead: list[_DeadEnd] = []
        self.downgrade = problem.strategy == "downgrade"
        self.mains = frozenset(b.module for b in bases)
        # A finished load lent to the first load of each other artifact (see GraphLoader)
        self.seed: GraphLoader | None = None
        # ids of (evaluations..., targets) -> them (kept alive for their ids), and the
        # first rule they break
        self._violations: dict[
            tuple[int, ...], tuple[list[_Eval], Mapping[str, str], _Violated]
        ] = {}

    # -- facts

    def versions(self, path: str) -> list[str]:
        vl = self.k.versions.get(path)
        if vl is None:
            self.needs |= Needs(versions=frozenset([path]))
            raise _Missing(path)
        return vl.allowed()

    def _gomod(self, base: _Base, source: GoModSource) -> bytes | ModuleError:
        if isinstance(source, LocalGoMod):
            key = _resolve(base.art.dir, source.dir)
            data = self.k.dirs.get(key)
            if data is None:
                self.needs |= Needs(dirs=frozenset([key]))
                raise _Missing(key)
            return data
        if source in self.k.failed:
            return ModuleError(source.path, source.version, self.k.failed[source])
        data = self.k.gomods.get(source)
        if data is None:
            self.needs |= Needs(gomods=frozenset([source]))
            raise _Missing(str(source))
        return data

    def summary(self, base: _Base, loader: GraphLoader, m: ModuleVersion) -> ModSummary | None:
        if gover.is_toolchain(m.path):
            return ModSummary(module=m.path, version=m.version, pruned=True)
        source = loader.source_of(m)
        key = (base.index if isinstance(source, LocalGoMod) else -1, source)
        if key not in self.summaries:
            result: ModSummary | None = None
            data = self._gomod(base, source)
            if not isinstance(data, ModuleError):
                replacement = None
                if isinstance(source, LocalGoMod):
                    replacement = ModuleVersion(source.dir, "")
                elif source != m:
                    replacement = source
                try:
                    result = summarize(data, "go.mod", required_as=m, replacement=replacement)
                except ModuleError:
                    result = None
            self.summaries[key] = result
        return self.summaries[key]

    # -- variables

    def value(self, st: _State, i: int, path: str) -> str:
        return st.fixed.get((i, path), self.bases[i].orig.get(path, NONE))

    def assignment(self, st: _State, i: int) -> Assign:
        base = self.bases[i]
        values = dict(base.orig)
        for (j, path), v in st.fixed.items():
            if j == i:
                values[path] = v
        return tuple(sorted((p, v) for p, v in values.items() if v != NONE))

    def risky(self, i: int, path: str, v: str) -> bool:
        base = self.bases[i]
        orig = base.orig.get(path)
        if base.is_host or orig is None or base.indirect.get(path, False):
            return False
        return _cmp(path, v, orig) < 0

    def domain(self, st: _State, i: int, path: str) -> list[str]:
        """Return the versions path may take in artifact i, nearest to today's first."""
        base = self.bases[i]
        if base.frozen:
            return []
        orig = base.orig.get(path, NONE)
        target = st.targets.get(path)
        if target is not None:
            options = [target]
        elif orig == NONE:
            return []
        else:
            options = sorted(set(self.versions(path)) | {orig}, key=cmp_to_key(semver.compare))
        out: list[str] = []
        for v in options:
            if orig != NONE and v == NONE:
                continue
            if base.is_host and orig != NONE and _cmp(path, v, orig) < 0:
                continue
            if self.risky(i, path, v) and not self.downgrade:
                continue
            out.append(v)
        return sorted(out, key=lambda v: (self.risky(i, path, v), self.distance(path, orig, v), v))

    def distance(self, path: str, orig: str, v: str) -> int:
        if orig in (NONE, v) or v == NONE:
            return 0
        vl = self.k.versions.get(path)
        listed = set(vl.versions if vl else ()) | {orig, v}
        ordered = semver.sort(listed)
        return abs(ordered.index(v) - ordered.index(orig))

    def cost(self, st: _State) -> Cost:
        host = risky = changes = dist = 0
        for (i, path), v in st.fixed.items():
            orig = self.bases[i].orig.get(path, NONE)
            if v == orig:
                continue
            if self.bases[i].is_host:
                host += 1
            risky += self.risky(i, path, v)
            changes += 1
            dist += self.distance(path, orig, v)
        return (host, risky, changes, dist)

    def key(self, st: _State) -> tuple[tuple[str, str, str], ...]:
        return tuple(
            sorted(
                (self.bases[i].art.name, path, v)
                for (i, path), v in st.fixed.items()
                if v != self.bases[i].orig.get(path, NONE)
            )
        )

    # -- evaluation

    def gomod_text(self, base: _Base, roots: Assign, go: str) -> bytes:
        lines = [f"module {auto_quote(base.module)}", f"go {go}"]
        if base.toolchain and base.toolchain != "go" + go:
            lines.append(f"toolchain {base.toolchain}")
        lines += [f"require {auto_quote(p)} {v}" for p, v in roots]
        lines += [f"exclude {auto_quote(x.path)} {x.version}" for x in base.excludes]
        for r in base.replaces:
            old = auto_quote(r.old_path) + (f" {r.old_version}" if r.old_version else "")
            new = auto_quote(r.new_path) + (f" {r.new_version}" if r.new_version else "")
            lines.append(f"replace {old} => {new}")
        return ("\n".join(lines) + "\n").encode()

    def _grown(self, base: _Base, roots: Assign, go: str) -> GraphLoader | None:
        """Return a loader grown from an evaluated assignment one step away, or None:
        these roots less one (an added requirement, the search's commonest step), or
        with one at the version the artifact states (a requirement that moved)."""
        for k, (path, version) in enumerate(roots):
            parents = [(*roots[:k], *roots[k + 1 :])]
            orig = base.orig.get(path)
            if orig is not None and orig != version:
                parents.append((*roots[:k], (path, orig), *roots[k + 1 :]))
            for other in parents:
                parent = self.cache.get((base.index, other))
                if parent is None or parent.loader is None or parent.go != go:
                    continue
                grown = parent.loader.extended([ModuleVersion(path, version)])
                if grown is not None:
                    return grown
        return None

    def load(self, base: _Base, roots: Assign, go: str) -> _Eval:
        text = self.gomod_text(base, roots, go)
        key = (base.art.name, base.art.dir, text)
        done = self.k.loads.get(key)
        if done is None:
            done = self.k.loads[key] = self._load(base, roots, go, text)
        if self.seed is None and done.loader is not None:
            self.seed = done.loader  # the host's, mostly: run() evaluates it first
        return done

    def _load(self, base: _Base, roots: Assign, go: str, text: bytes) -> _Eval:
        loader = self._grown(base, roots, go)
        if loader is None:
            loader = GraphLoader(
                parse(text, f"{base.art.name}/go.mod"), self.k.known, seed=self.seed
            )
        missing = False
        while batch := loader.wanted():
            for source in batch:
                try:
                    data = self._gomod(base, source)
                except _Missing:
                    missing = True
                    loader.fail(source, "not yet fetched")
                    continue
                if isinstance(data, ModuleError):
                    loader.fail(source, data.cause)
                else:
                    loader.feed_summary(source, self.k.summary(source, data))
        if missing:
            raise _Missing(base.art.name)
        bl: BuildList | None
        try:
            bl = loader.build_list()
        except GoModDirtyError as dirty:
            bl = dirty.build_list
        except BuildListError as error:
            return _Eval(None, loader, go, error.message)
        return _Eval(bl, loader, go)

    def evaluate(self, i: int, roots: Assign) -> _Eval | None:
        """Return artifact i's build list for these roots; None when facts are missing."""
        ck = (i, roots)
        if ck in self.cache:
            return self.cache[ck]
        self.evaluations += 1
        base = self.bases[i]
        result: _Eval | None
        try:
            go = base.go
            result = self.load(base, roots, go)
            # A dependency that needs a newer go line raises it, as go get does.
            for _ in range(4):
                if result.loader is None:
                    break
                selected = result.loader.graph.selected("go")
                if selected == NONE or gover.compare(selected, go) <= 0:
                    break
                if gover.compare(selected, base.go_limit) > 0:
                    error = f"requires go >= {selected}, host has go {base.go_limit}"
                    result = replace(result, error=error)
                    break
                go = selected
                result = self.load(base, roots, go)
        except _Missing:
            result = None
        self.cache[ck] = result
        return result

    # -- the search

    def run(self, st: _State) -> None:
        if self.evaluations > self.p.budget:
            self.exhausted = True
            return
        if self.best is not None and self.cost(st) > self.best[0]:
            return
        evals: list[_Eval] = []
        for i in range(len(self.bases)):
            ev = self.evaluate(i, self.assignment(st, i))
            if ev is None:
                return
            if ev.error or ev.bl is None:
                self.dead.append(_DeadEnd(st.depth, self.bases[i].art.name, "", None, (), ev.error))
                return
            evals.append(ev)
        branches = self.violation(st, evals)
        if branches is None:
            cost, key = self.cost(st), self.key(st)
            if self.best is None or (cost, key) < (self.best[0], self.best[1]):
                self.best = (cost, key, st)
            return
        for child in branches:
            self.run(child)

    def implicated(self, i: int, ev: _Eval, path: str, above: str) -> list[str]:
        """Return the root paths (other than path) that force a node of path (above a
        version, if given) into the module graph, in the roots' order.

        A root forces what the loader's rule reaches from it alone: its requirements,
        and everything they require in turn when the walk is unpruned or the root's
        own go.mod is. Every node of the graph is forced by some root, and a root that
        keeps its version keeps forcing the same nodes; this is what makes the
        branching complete.
        """
        loader = ev.loader
        assert loader is not None
        graph = loader.graph
        targets = {
            n for n in graph.nodes_of(path) if above == "" or _cmp(path, n.version, above) > 0
        }
        reaching = graph.reaching(targets)
        out: list[str] = []
        for root in loader.roots:
            if root.path == path or gover.is_toolchain(root.path) or root not in reaching:
                continue
            whole = not loader.pruned or not _is_pruned(self.summary(self.bases[i], loader, root))
            if whole or not targets.isdisjoint(graph.required_by(root) or ()):
                out.append(root.path)
        return out

    def dead_end(
        self, st: _State, i: int, path: str, ev: _Eval, need: str, other: str, tried: Sequence[str]
    ) -> None:
        assert ev.loader is not None
        assert ev.bl is not None
        selected = ev.loader.graph.selected(path)
        text = f"{self.bases[i].art.name} selects {path} {selected}, {other}"
        self.dead.append(
            _DeadEnd(
                st.depth, self.bases[i].art.name, path, (i, ev, need, other), tuple(tried), text
            )
        )

    def demand(self, dead: _DeadEnd) -> Demand | None:
        """Return the requirement chain behind a dead end, if it has one."""
        if dead.trace is None:
            return None
        i, ev, need, other = dead.trace
        chain = self.chain(i, ev, dead.module, need)
        if chain is None:
            return None
        return Demand(self.bases[i].art.name, chain, dead.module, chain[-1].version, other)

    def chain(self, i: int, ev: _Eval, path: str, need: str) -> tuple[ModuleVersion, ...] | None:
        """Return the most informative requirement chain to a node of path above need.

        A shortest chain that does not end in the artifact's own ``// indirect`` line
        (a record of what its dependencies require, not a reason) comes first: it names
        the intermediate modules that demand the version. Failing that, any shortest
        chain to a node above need, then to any node of path.
        """
        assert ev.loader is not None
        graph = ev.loader.graph
        base = self.bases[i]
        main = graph.find_path(lambda n: True)
        roots = (graph.required_by(main[0]) or ()) if main else ()
        above: list[tuple[ModuleVersion, ...]] = []
        states = False
        for start in roots:
            if start.path == path:
                states = states or (
                    not base.indirect.get(path, True) and _cmp(path, start.version, need) > 0
                )
                continue
            if gover.is_toolchain(start.path):
                continue
            found = graph.find_path(
                lambda n: n.path == path and _cmp(path, n.version, need) > 0, start=start
            )
            if found is not None:
                above.append(found)
        if above and main is not None and not states:
            # Shortest first; equal lengths keep the roots' order.
            return (main[0], *min(above, key=len))
        return graph.find_path(
            lambda n: n.path == path and _cmp(path, n.version, need) > 0
        ) or graph.find_path(lambda n: n.path == path)

    def change_roots(
        self, st: _State, i: int, ev: _Eval, roots: list[str], path: str, why: str, other: str
    ) -> list[_State]:
        """Return branches moving the first of roots (all must move); none if stuck."""
        stuck = [r for r in roots if (i, r) in st.fixed or self.bases[i].frozen]
        if not roots or stuck:
            self.dead_end(st, i, path, ev, st.targets.get(path, ""), other, [])
            return []
        r = roots[0]
        cur = self.value(st, i, r)
        options = [v for v in self.domain(st, i, r) if v != cur]
        if not options:
            self.dead_end(st, i, path, ev, st.targets.get(path, ""), other, [cur])
            return []
        return [st.fix(i, r, v, why) for v in options]

    def violation(self, st: _State, evals: list[_Eval]) -> list[_State] | None:
        """Return the branches for the first violation, or None when there is none."""
        found = self._first_violation(evals, st.targets)
        if found is None:
            return None
        kind, i, path, detail = found
        if kind == "requires" or kind == "target":
            assert isinstance(detail, str)
            return self.repair(st, i, evals[i], path, detail, kind)
        if kind == "choose":
            assert not isinstance(detail, str)
            return self.choose_target(st, path, detail)
        self.dead.append(
            _DeadEnd(
                st.depth,
                self.bases[i].art.name,
                path,
                None,
                (),
                f"{path} is replaced differently across artifacts",
            )
        )
        return []

    def _first_violation(self, evals: list[_Eval], targets: Mapping[str, str]) -> _Violated:
        """Return the first rule these build lists break under these targets, or None.

        It depends on nothing else, and the search meets the same pair again (a
        variable fixed where it stands keeps its build list), so it is kept.
        """
        key = (*(id(ev) for ev in evals), id(targets))
        kept = self._violations.get(key)
        if kept is None:
            kept = self._violations[key] = (evals, targets, self._find_violation(evals, targets))
        return kept[2]

    def _find_violation(self, evals: list[_Eval], targets: Mapping[str, str]) -> _Violated:
        # 1. Every root must be its path's selected version (go mod tidy's rule).
        for i, ev in enumerate(evals):
            assert ev.loader is not None
            for root in ev.loader.roots:
                if gover.is_toolchain(root.path):
                    continue
                if ev.loader.graph.selected(root.path) != root.version:
                    return ("requires", i, root.path, root.version)
        # 2. Every shared module agrees with its target (host version, pin, or chosen).
        # An artifact that cannot move and selects its targets (a frozen host: they are
        # its build list) cannot violate one, so only the others are scanned, and of
        # theirs only the modules off target (a set difference, most are on it).
        off: dict[str, list[tuple[int, str]]] = {}  # on a target, but another version
        free: dict[str, list[tuple[int, str]]] = {}  # no target yet
        for i, ev in enumerate(evals):
            assert ev.bl is not None
            if self.bases[i].frozen and self._selects_targets(ev, targets):
                continue
            for path, v in ev.bl.versions.items() - targets.items():
                if path not in self.mains:
                    (off if path in targets else free).setdefault(path, []).append((i, v))
        split = [p for p, owners in free.items() if len({v for _, v in owners}) > 1]

        def above(path: str) -> bool:
            return path in off and _cmp(path, off[path][0][1], targets[path]) > 0

        # A module selected above its target is put right by moving what requires it,
        # which the other repairs often do anyway: deciding it last keeps the search
        # from working out the rest once for each way of deciding it.
        for path in sorted([*off, *split], key=lambda p: (above(p), p)):
            if path in off:
                return ("target", off[path][0][0], path, targets[path])
            return ("choose", -1, path, free[path])
        # 3. One replacement per shared module.
        if not any(ev.bl is not None and ev.bl.replaces for ev in evals):
            return None
        have: dict[str, list[tuple[int, str]]] = {}
        for i, ev in enumerate(evals):
            assert ev.bl is not None
            for path, v in ev.bl.versions.items():
                if path not in self.mains:
                    have.setdefault(path, []).append((i, v))
        for path in sorted(have):
            owners = have[path]
            if (
                len(owners) > 1
                and len({self.replacement_of(i, evals[i], path) for i, _ in owners}) > 1
            ):
                return ("replaced", owners[-1][0], path, "")
        return None

    def _selects_targets(self, ev: _Eval, targets: Mapping[str, str]) -> bool:
        """Report whether ev's build list selects the target of every module it has."""
        assert ev.bl is not None
        return all(p in self.mains for p, _ in ev.bl.versions.items() - targets.items())

    def replacement_of(self, i: int, ev: _Eval, path: str) -> str:
        assert ev.bl is not None
        e = ev.bl.get(path)
        if e is None or e.replacement is None:
            return ""
        if _is_dir(e.replacement):
            return "dir:" + _resolve(self.bases[i].art.dir, e.replacement.path)
        return str(e.replacement)

    def other_side(self, st: _State, path: str) -> str:
        host = self.bases[0]
        t = st.targets.get(path, "")
        if path in self.p.pins:
            return f"pinned to {self.p.pins[path]}"
        if host.frozen and self.p.host_build_list.get(path) is not None:
            return f"host has {t}"
        return f"shared at {t}"

    def choose_target(self, st: _State, path: str, owners: list[tuple[int, str]]) -> list[_State]:
        selected = {v for _, v in owners}
        try:
            listed = set(self.versions(path))
        except _Missing:
            return []
        candidates = selected | listed
        top = max(selected, key=cmp_to_key(semver.compare))
        ordered = sorted(
            candidates,
            key=lambda v: (v not in selected, -semver.compare(v, top), v),
        )
        return [st.target(path, v) for v in ordered]

    def repair(
        self, st: _State, i: int, ev: _Eval, path: str, need: str, kind: str
    ) -> list[_State]:
        """Return branches for: artifact i must select need for path (root or target)."""
        assert ev.loader is not None
        name = self.bases[i].art.name
        other = self.other_side(st, path) if kind == "target" else f"{name} requires {need}"
        why = (
            f"{path} must be {need} ({other})"
            if kind == "target"
            else f"keeps {path} at the {need} {name} requires"
        )
        cur = self.value(st, i, path)
        fixed = (i, path) in st.fixed or self.bases[i].frozen
        s = ev.loader.graph.selected(path)
        if not fixed:
            # Either this variable moves now, or it stays as it is for good.
            try:
                options = [v for v in self.domain(st, i, path) if v != cur]
            except _Missing:
                return []
            if cur == NONE:
                options = [v for v in options if v == need]
            return [st.fix(i, path, v, why) for v in options] + [st.fix(i, path, cur, "unchanged")]
        try:
            if _cmp(path, s, need) > 0:
                if cur != NONE and _cmp(path, cur, need) > 0:
                    self.dead_end(st, i, path, ev, need, other, [cur])
                    return []
                roots = self.implicated(i, ev, path, need)
                return self.change_roots(
                    st, i, ev, roots, path, f"so that nothing requires {path} above {need}", other
                )
            if cur != NONE:
                self.dead_end(st, i, path, ev, need, other, [cur])
                return []
            roots = self.implicated(i, ev, path, "")
            return self.change_roots(
                st, i, ev, roots, path, f"so that {path} leaves the build list", other
            )
        except _Missing:
            return []


def _is_pruned(summary: ModSummary | None) -> bool:
    return summary is not None and summary.pruned


# --- setting up -----------------------------------------------------------------------


def _bases(problem: Problem) -> tuple[list[_Base], list[Conflict], list[int]]:
    """Return the artifacts' bases (host first), go-line conflicts, and solvable plugins."""
    host = problem.host
    host_go = _host_go(host.file)
    host_tc = host.file.toolchain.name if host.file.toolchain else ""
    hbl = problem.host_build_list
    carried: dict[str, ReplaceSpec] = {}
    for e in hbl.entries[1:]:
        if e.replacement is not None:
            carried[e.path] = ReplaceSpec(e.path, "", e.replacement.path, e.replacement.version)

    def base_of(index: int, art: Artifact, is_host: bool) -> _Base:
        f = art.file
        if f.module is None:
            raise ResolutionError(f"{art.name}: go.mod has no module line")
        orig: dict[str, str] = {}
        indirect: dict[str, bool] = {}
        for r in f.require:
            prev = orig.get(r.mod.path)
            if prev is None or _cmp(r.mod.path, r.mod.version, prev) > 0:
                orig[r.mod.path] = r.mod.version
            indirect[r.mod.path] = indirect.get(r.mod.path, True) and r.indirect
        own = [
            ReplaceSpec(r.old.path, r.old.version, r.new.path, r.new.version)
            for r in f.replace
            # A plugin's replacement of a host module gives way to the host's (or none).
            if is_host or hbl.get(r.old.path) is None
        ]
        mine = {} if is_host else {p: _carry(c, host, art) for p, c in carried.items()}
        go = f.go.version if f.go else gover.DEFAULT_GO_VERSION
        tc = (f.toolchain.name if f.toolchain else "") if is_host else host_tc
        return _Base(
            index=index,
            art=art,
            module=f.module.mod.path,
            go=go,
            go_limit=host_go,
            toolchain=tc,
            orig=orig,
            indirect=indirect,
            excludes=tuple(x.mod for x in f.exclude),
            own=tuple(own),
            carried=mine,
            is_host=is_host,
            frozen=is_host and not problem.allow_host_upgrade,
        )

    bases = [base_of(0, host, True)]
    conflicts: list[Conflict] = []
    solvable: list[int] = []
    for art in problem.plugins:
        go = art.file.go.version if art.file.go else gover.DEFAULT_GO_VERSION
        if gover.compare(go, host_go) > 0:
            conflicts.append(
                Conflict(
                    module="go",
                    demands=(Demand(art.name, (ModuleVersion(art.name, ""),), "go", go, ""),),
                    tried=(),
                    explanation=(
                        f"{art.name} declares go {go}, newer than the host's go {host_go}: "
                        "a plugin must build with the host's toolchain"
                    ),
                    options=(
                        f"lower {art.name}'s go line to {host_go} or below, "
                        f"or build the host with go {go}",
                    ),
                )
            )
            continue
        solvable.append(len(bases))
        bases.append(base_of(len(bases), art, False))
    return bases, conflicts, solvable


def _carry(spec: ReplaceSpec, host: Artifact, plugin: Artifact) -> ReplaceSpec:
    """Return the host's replacement as the plugin must write it."""
    if spec.new_version or not (host.dir and plugin.dir):
        return ReplaceSpec(
            spec.old_path,
            "",
            spec.new_path,
            spec.new_version,
            host_relative=not spec.new_version and not spec.new_path.startswith("/"),
        )
    if spec.new_path.startswith("/"):
        return ReplaceSpec(spec.old_path, "", spec.new_path, "")
    resolved = _resolve(host.dir, spec.new_path)
    return ReplaceSpec(spec.old_path, "", _rel(resolved, posixpath.normpath(plugin.dir)), "")


# --- answers --------------------------------------------------------------------------


def _plan(search: _Search, st: _State, i: int, ev: _Eval | None) -> Plan:
    base = search.bases[i]
    name = base.art.name
    f = base.art.file
    values = dict(base.orig)
    values.update({p: v for (j, p), v in st.fixed.items() if j == i})
    in_bl = ev.bl if ev is not None else None
    requires: list[Requirement] = []
    edits: list[Edit] = []
    for path in sorted(values):
        v = values[path]
        if v == NONE:
            continue
        indirect = base.indirect.get(path, True)
        requires.append(Requirement(path, v, indirect))
        orig = base.orig.get(path, NONE)
        if v != orig:
            edits.append(
                Edit(
                    name,
                    "require",
                    path,
                    orig,
                    v,
                    search.risky(i, path, v),
                    st.reasons.get((i, path), ""),
                )
            )
    replaces, replace_edits = _plan_replaces(search, base, in_bl)
    edits += replace_edits
    go = ev.go if ev is not None else base.go
    if go != base.go:
        edits.append(Edit(name, "go", "go", base.go, go, False, "a dependency needs it"))
    tc = base.toolchain if base.toolchain != "go" + go else ""
    cur_tc = f.toolchain.name if f.toolchain else ""
    if tc != cur_tc and not base.is_host:
        edits.append(
            Edit(name, "toolchain", "toolchain", cur_tc or NONE, tc or NONE, False, "the host's")
        )
    return Plan(
        artifact=name,
        requires=tuple(requires),
        replaces=tuple(sorted(set(replaces))),
        go=go,
        toolchain=tc,
        edits=tuple(edits),
        build_list=ev.bl if ev is not None else None,
    )


def _plan_replaces(
    search: _Search, base: _Base, final: BuildList | None
) -> tuple[list[ReplaceSpec], list[Edit]]:
    """Return an artifact's planned replacements and the edits that get there.

    A replacement of a host module the artifact ends up with becomes the host's (or
    goes, if the host has none); every other replacement stays as it is.
    """
    f = base.art.file
    name = base.art.name
    hbl = search.p.host_build_list

    def listed(path: str) -> bool:
        return final is not None and final.get(path) is not None

    def text(new_path: str, new_version: str) -> str:
        return f"{new_path} {new_version}".strip()

    replaces: list[ReplaceSpec] = []
    edits: list[Edit] = []
    done: set[str] = set()
    for r in f.replace:
        spec = ReplaceSpec(r.old.path, r.old.version, r.new.path, r.new.version)
        path = r.old.path
        if base.is_host or (hbl.get(path) is None and path not in base.carried) or not listed(path):
            replaces.append(spec)
            continue
        want = base.carried.get(path)
        old = text(r.new.path, r.new.version)
        if want is None:
            edits.append(Edit(name, "drop_replace", path, old, NONE, False, "host has none"))
            continue
        if path not in done:
            done.add(path)
            replaces.append(want)
            if (want.new_path, want.new_version, "") != (r.new.path, r.new.version, r.old.version):
                edits.append(
                    Edit(
                        name,
                        "replace",
                        path,
                        old,
                        text(want.new_path, want.new_version),
                        False,
                        "the host's replacement",
                    )
                )
    for path, want in sorted(base.carried.items()):
        if path in done or not listed(path) or base.is_host:
            continue
        if any(r.old.path == path for r in f.replace):
            continue
        replaces.append(want)
        edits.append(
            Edit(
                name,
                "replace",
                path,
                NONE,
                text(want.new_path, want.new_version),
                False,
                want_reason(search, path),
            )
        )
    return sorted(set(replaces)), edits


def want_reason(search: _Search, path: str) -> str:
    e = search.p.host_build_list.get(path)
    if e is not None and e.replacement is not None:
        return "the host's replacement"
    return "pinned by force"


def _unchanged_plan(art: Artifact) -> Plan:
    f = art.file
    return Plan(
        artifact=art.name,
        requires=tuple(Requirement(r.mod.path, r.mod.version, r.indirect) for r in f.require),
        replaces=tuple(
            ReplaceSpec(r.old.path, r.old.version, r.new.path, r.new.version) for r in f.replace
        ),
        go=f.go.version if f.go else "",
        toolchain=f.toolchain.name if f.toolchain else "",
        edits=(),
        build_list=None,
    )


def _shared(names: Sequence[str], lists: Sequence[BuildList | None]) -> tuple[SharedModule, ...]:
    have: dict[str, list[tuple[str, str]]] = {}
    mains = {bl.main.path for bl in lists if bl is not None}
    for name, bl in zip(names, lists, strict=True):
        if bl is None:
            continue
        for e in bl.entries[1:]:
            if e.path not in mains:
                have.setdefault(e.path, []).append((name, e.version))
    out = []
    for path in sorted(have):
        if len(have[path]) >= 2:
            versions = tuple(have[path])
            top = max((v for _, v in versions), key=cmp_to_key(semver.compare))
            target = versions[0][1] if len({v for _, v in versions}) == 1 else top
            out.append(SharedModule(path, versions, target))
    return tuple(out)


def _conflicts(search: _Search) -> list[Conflict]:
    if not search.dead:
        return []
    depth = min(d.depth for d in search.dead)
    by_module: dict[str, list[_DeadEnd]] = {}
    for d in search.dead:
        if d.depth == depth:
            by_module.setdefault(d.module, []).append(d)
    out = []
    for module in sorted(by_module):
        ds = by_module[module]
        demands = {d for d in map(search.demand, ds) if d is not None}
        tried = sorted({v for d in ds for v in d.tried})
        out.append(
            Conflict(
                module=module or "(build list)",
                demands=tuple(sorted(demands, key=lambda x: (x.artifact, x.chain))),
                tried=tuple(tried),
                explanation=ds[0].explanation,
            )
        )
    return out


def solve(problem: Problem, knowledge: Knowledge) -> Solution | Needs:
    """Return the preferred alignment of problem's plugins with its host, or Needs.

    Needs lists facts missing from knowledge: add them and call again (the answer does
    not depend on the order they arrive in). A Solution with ``ok`` false carries the
    conflicts, each with requirement chains, the versions tried and, for ``safe`` and
    ``downgrade``, what the next strategy or ``--allow-host-upgrade`` would do.

    :raises ResolutionError: a plugin's go.mod has no module line, or the search
        budget ran out before any answer was found.
    """
    if problem.strategy == "force":
        return _solve_cumulative_force(problem, knowledge)
    if problem.strategy not in STRATEGIES:
        raise ResolutionError(f"unknown strategy {problem.strategy!r}")
    result = _solve_search(problem, knowledge)
    if isinstance(result, Needs) or result.ok:
        return result
    options: list[str] = []
    nxt: list[Problem] = []
    if problem.strategy == "safe":
        nxt.append(_replace_problem(problem, strategy="downgrade"))
    if not problem.allow_host_upgrade:
        nxt.append(_replace_problem(problem, allow_host_upgrade=True))
    nxt.append(_replace_problem(problem, strategy="force"))
    needs = Needs()
    # The strategies are cumulative: force's answer is downgrade's whenever that has one.
    milder: Solution | None = result if problem.strategy == "downgrade" else None
    for alt in nxt:
        other: Solution | Needs
        if alt.strategy == "force" and milder is not None and _is_answer(milder):
            other = _as_force(milder)
        elif alt.strategy == "force":
            other = _solve_force(alt, knowledge)
        else:
            other = _solve_search(alt, knowledge)
            if alt.strategy == "downgrade" and isinstance(other, Solution):
                milder = other
        label = (
            "--allow-host-upgrade"
            if alt.allow_host_upgrade != problem.allow_host_upgrade
            else f"--strategy {alt.strategy}"
        )
        if isinstance(other, Needs):
            needs |= other
            continue
        options.append(_describe_option(label, other))
    if needs:
        return needs
    conflicts = tuple(
        Conflict(c.module, c.demands, c.tried, c.explanation, tuple(options))
        for c in result.conflicts
    )
    return Solution(
        result.strategy,
        False,
        result.plans,
        result.host,
        result.shared,
        conflicts,
        result.violations,
        result.exhaustive,
    )


def _is_answer(s: Solution) -> bool:
    """Report whether a search found an answer (a plugin's go line aside)."""
    return s.ok or (bool(s.conflicts) and all(c.module == "go" for c in s.conflicts))


def _as_force(s: Solution) -> Solution:
    return Solution(
        "force", s.ok, s.plans, s.host, s.shared, s.conflicts, s.violations, s.exhaustive
    )


def _solve_cumulative_force(problem: Problem, knowledge: Knowledge) -> Solution | Needs:
    """Return downgrade's answer when it has one, else pin with replace.

    The strategies are cumulative: ``force`` pins only where no answer without violated
    requirements exists. A milder answer wins even when it needs a host upgrade that
    ``--allow-host-upgrade`` allows, as with ``downgrade`` itself.
    """
    try:
        milder = _solve_search(_replace_problem(problem, strategy="downgrade"), knowledge)
    except ResolutionError:
        milder = None  # the search gave up: pinning needs no search
    if isinstance(milder, Needs):
        return milder
    if milder is not None and _is_answer(milder):
        return _as_force(milder)
    return _solve_force(problem, knowledge)


def _replace_problem(
    p: Problem,
    *,
    strategy: Strategy | None = None,
    allow_host_upgrade: bool | None = None,
    plugins: tuple[Artifact, ...] | None = None,
) -> Problem:
    return Problem(
        p.host,
        p.host_build_list,
        p.plugins if plugins is None else plugins,
        strategy if strategy is not None else p.strategy,
        p.allow_host_upgrade if allow_host_upgrade is None else allow_host_upgrade,
        p.pins,
        p.budget,
    )


def _describe_option(label: str, s: Solution) -> str:
    if not s.ok:
        return f"{label}: still no alignment"
    moves = [e for e in s.edits if e.op == "require" or e.op == "replace"]
    risky = [e for e in moves if e.risky]
    text = f"{label}: aligns with {len(moves)} change(s)"
    if risky:
        text += ", risky: " + ", ".join(
            f"{e.artifact} {e.module} {e.from_} -> {e.to}" for e in risky
        )
    if s.host is not None and s.host.edits:
        text += "; host: " + ", ".join(f"{e.module} {e.from_} -> {e.to}" for e in s.host.edits)
    if s.violations:
        text += f", violating {len(s.violations)} requirement(s)"
    return text


def _run_search(problem: Problem, knowledge: Knowledge) -> _Search:
    """Run the branch and bound over problem's plugins (go-line conflicts left out)."""
    bases, _, _ = _bases(problem)
    search = _Search(problem, knowledge, bases)
    targets: dict[str, str] = {}
    if bases[0].frozen:
        for e in problem.host_build_list.entries[1:]:
            targets[e.path] = e.version
    for path, v in problem.pins.items():
        if targets.get(path, v) != v:
            search.dead.append(
                _DeadEnd(
                    0,
                    problem.host.name,
                    path,
                    None,
                    (v,),
                    f"{path} is pinned to {v}, the host has {targets[path]}",
                )
            )
        targets[path] = v
    if not search.dead:
        search.run(_State({}, {}, targets))
    return search


def _answer_lists(search: _Search) -> dict[str, tuple[_Eval, dict[str, tuple[str, str]]]]:
    """Return each plugin's evaluation in search's best answer, and what it links:
    module path -> (version, replacement)."""
    assert search.best is not None
    st = search.best[2]
    out: dict[str, tuple[_Eval, dict[str, tuple[str, str]]]] = {}
    for base in search.bases[1:]:
        ev = search.evaluate(base.index, search.assignment(st, base.index))
        assert ev is not None
        assert ev.bl is not None
        links = {
            e.path: (e.version, search.replacement_of(base.index, ev, e.path))
            for e in ev.bl.entries[1:]
        }
        out[base.art.name] = (ev, links)
    return out


def _disagreeing(
    groups: list[tuple[Artifact, ...]],
    links: list[dict[str, tuple[_Eval, dict[str, tuple[str, str]]]]],
) -> list[tuple[Artifact, ...]] | None:
    """Return groups with every two that link a module differently merged, or None
    when all groups' answers agree."""
    parent = list(range(len(groups)))

    def root(g: int) -> int:
        while parent[g] != g:
            g = parent[g]
        return g

    first: dict[str, tuple[int, tuple[str, str]]] = {}
    merged = False
    for g, answers in enumerate(links):
        for _, linked in answers.values():
            for path, how in linked.items():
                seen = first.setdefault(path, (g, how))
                if seen[1] != how and root(seen[0]) != root(g):
                    parent[root(g)] = root(seen[0])
                    merged = True
    if not merged:
        return None
    out: dict[int, tuple[Artifact, ...]] = {}
    for g, group in enumerate(groups):
        out[root(g)] = out.get(root(g), ()) + group
    return list(out.values())


def _solve_search(problem: Problem, knowledge: Knowledge) -> Solution | Needs:
    """Search for the preferred answer, one group of plugins at a time.

    With the host frozen, plugins meet only in modules the host lacks, so each plugin
    is searched alone first. Answers that agree on every module they link answer the
    joint problem too, and costs add up per plugin (the tie-break compares plugins in
    name order). Groups whose answers disagree are merged and searched together until
    all agree. The joint problem is not only more constrained: a module only plugins
    share may take a version another plugin selects even when the proxy's list lacks
    it, so when a group has no answer of its own, all plugins are searched together
    (and if that fails too, the conflicts reported are those of the group alone).
    The searches branch on violations in a fixed order rather than enumerate every
    assignment, so a joint search may settle a tie differently; the property tests
    check that searching apart finds an answer exactly when the joint search does,
    and one at least as preferred.
    """
    bases, go_conflicts, _ = _bases(problem)
    plugins = tuple(b.art for b in bases[1:])
    # The version lists of modules the plugins require and a frozen host does not fix
    # are asked for before any search: most searches want them first, and one round
    # trip for all of them beats one per search (a list nobody uses costs a request).
    listed = {r.mod.path for a in plugins for r in a.file.require}
    if bases[0].frozen:
        listed -= {e.path for e in problem.host_build_list.entries}
    unknown = frozenset(p for p in listed if p not in knowledge.versions)
    if unknown:
        return Needs(versions=unknown)
    apart = bases[0].frozen and len(plugins) > 1
    groups: list[tuple[Artifact, ...]] = [(a,) for a in plugins] if apart else [plugins]
    alone: list[Conflict] | None = None
    while True:
        searches = [
            _run_search(_replace_problem(problem, plugins=group), knowledge) for group in groups
        ]
        needs = Needs()
        for search in searches:
            needs |= search.needs
        if needs:
            return needs
        for search in searches:
            if search.best is None and search.exhausted:
                raise ResolutionError(
                    f"alignment search gave up after {search.evaluations} build lists",
                    hint="pin some shared modules, or align fewer plugins at once",
                )
        failed = [search for search in searches if search.best is None]
        if failed and alone is None:
            # The conflicts of the plugins that fail by themselves say most plainly
            # why (each conflict once: a pin against the host fails every search).
            alone = list(dict.fromkeys(c for search in failed for c in _conflicts(search)))
        if failed and len(groups) > 1:
            # Other plugins offer versions a plugin alone cannot see (one they select
            # that the proxy's list lacks or retracts): search all of them together
            # before calling the set impossible.
            groups = [plugins]
            continue
        if failed:
            assert alone is not None
            return Solution(
                problem.strategy,
                False,
                tuple(_unchanged_plan(a) for a in problem.plugins),
                None,
                (),
                tuple(go_conflicts + alone),
            )
        links = [_answer_lists(search) for search in searches]
        merged = _disagreeing(groups, links)
        if merged is None:
            break
        groups = merged
    plans: dict[str, Plan] = {}
    lists: dict[str, BuildList | None] = {problem.host.name: problem.host_build_list}
    host_plan = None
    for search, answers in zip(searches, links, strict=True):
        assert search.best is not None
        st = search.best[2]
        for base in search.bases[1:]:
            ev = answers[base.art.name][0]
            plans[base.art.name] = _plan(search, st, base.index, ev)
            lists[base.art.name] = ev.bl
        if not search.bases[0].frozen:
            host_ev = search.evaluate(0, search.assignment(st, 0))
            lists[problem.host.name] = host_ev.bl if host_ev else None
            hp = _plan(search, st, 0, host_ev)
            host_plan = hp if hp.edits else None
    names = [problem.host.name, *(a.name for a in plugins)]
    return Solution(
        problem.strategy,
        not go_conflicts,
        tuple(plans.get(a.name) or _unchanged_plan(a) for a in problem.plugins),
        host_plan,
        _shared(names, [lists[n] for n in names]),
        tuple(go_conflicts),
        exhaustive=not any(search.exhausted for search in searches),
    )


# --- force ----------------------------------------------------------------------------


def _solve_force(problem: Problem, knowledge: Knowledge) -> Solution | Needs:
    """Pin every shared module with a replace: to the host's version (and replacement),
    a pin's, or for modules only plugins share the highest version one selects. List
    every requirement in the resulting graphs that a pin takes below what it states;
    a plugin's own ``// indirect`` lines are records, not requirements of their own."""
    bases, go_conflicts, _ = _bases(problem)
    search = _Search(problem, knowledge, bases)
    hbl = problem.host_build_list
    # force never edits the host: a pin away from the host's version cannot align.
    against = [
        Conflict(
            path,
            (),
            (v,),
            f"{path} is pinned to {v}, the host has {e.version}",
            (f"pin {path} to the host's {e.version}, or drop the pin",),
        )
        for path, v in sorted(problem.pins.items())
        if (e := hbl.get(path)) is not None and e.version != v
    ]
    if against:
        return Solution(
            "force",
            False,
            tuple(_unchanged_plan(a) for a in problem.plugins),
            None,
            (),
            tuple(go_conflicts + against),
        )
    # path -> (version every artifact must link, replacement that gets it there)
    pins: dict[str, tuple[str, ReplaceSpec]] = {}
    for e in hbl.entries[1:]:
        target = problem.pins.get(e.path, e.version)
        spec = ReplaceSpec(e.path, "", e.path, target)
        if e.replacement is not None and target == e.version:
            spec = ReplaceSpec(e.path, "", e.replacement.path, e.replacement.version)
        pins[e.path] = (target, spec)
    for path, v in sorted(problem.pins.items()):
        pins.setdefault(path, (v, ReplaceSpec(path, "", path, v)))
    forced: dict[int, set[str]] = {b.index: set() for b in bases[1:]}
    evs: dict[int, _Eval] = {}
    for _ in range(len(pins) + 10):
        changed = False
        search.cache.clear()
        for b in bases[1:]:
            ev = search.evaluate(b.index, tuple(sorted(b.orig.items())))
            if ev is None:
                continue
            if ev.bl is None or ev.error:
                return Solution(
                    "force",
                    False,
                    tuple(_unchanged_plan(a) for a in problem.plugins),
                    None,
                    (),
                    (Conflict("(build list)", (), (), ev.error),),
                )
            evs[b.index] = ev
            for e in ev.bl.entries[1:]:
                pin = pins.get(e.path)
                if pin is None or e.path in b.carried:
                    continue
                target, spec = pin
                if e.version == target and e.replacement is None and spec.new_path == e.path:
                    continue
                b.carried[e.path] = _carry(spec, problem.host, b.art)
                forced[b.index].add(e.path)
                changed = True
        if search.needs:
            return search.needs
        # Modules only plugins share: the highest version any of them selects.
        plugin_have: dict[str, set[str]] = {}
        for ev in evs.values():
            assert ev.bl is not None
            for e in ev.bl.entries[1:]:
                if e.path not in pins:
                    plugin_have.setdefault(e.path, set()).add(e.version)
        for path, vs in sorted(plugin_have.items()):
            if len(vs) > 1:
                top = max(vs, key=cmp_to_key(semver.compare))
                pins[path] = (top, ReplaceSpec(path, "", path, top))
                changed = True
        if not changed:
            break
    plans: dict[str, Plan] = {}
    violations: list[Violation] = []
    for b in bases[1:]:
        found = evs.get(b.index)
        plan = _plan(search, _State({}, {}, {}), b.index, found)
        edits = tuple(
            Edit(e.artifact, e.op, e.module, e.from_, e.to, True, "pinned by force")
            if e.op == "replace" and e.module in forced[b.index]
            else e
            for e in plan.edits
        )
        plans[b.art.name] = Plan(
            plan.artifact,
            plan.requires,
            plan.replaces,
            plan.go,
            plan.toolchain,
            edits,
            plan.build_list,
        )
        if found is None or found.loader is None:
            continue
        graph = found.loader.graph
        for n in graph.nodes():
            is_main = n.version == "" and n.path == b.module
            for r in graph.required_by(n) or ():
                if is_main and b.indirect.get(r.path, True):
                    # An // indirect line records what dependencies require: the pin
                    # breaks those dependencies' requirements, listed on their own.
                    continue
                pin = pins.get(r.path)
                if (
                    pin is not None
                    and r.path in forced[b.index]
                    and _cmp(r.path, r.version, pin[0]) > 0
                ):
                    violations.append(Violation(b.art.name, n, r.path, r.version, pin[0]))
    names = [b.art.name for b in bases]
    lists: list[BuildList | None] = [hbl]
    lists += [evs[b.index].bl if b.index in evs else None for b in bases[1:]]
    return Solution(
        "force",
        not go_conflicts,
        tuple(plans.get(a.name) or _unchanged_plan(a) for a in problem.plugins),
        None,
        _shared(names, lists),
        tuple(go_conflicts),
        tuple(sorted(set(violations), key=lambda v: (v.artifact, v.module, v.requirer))),
    )
