"""Module graphs and build lists, computed exactly as ``go list -m all`` computes them.

A main module's build list is the highest version of every module path in its module
graph (minimal version selection, https://go.dev/ref/mod#minimal-version-selection).
The graph has one node per module@version and one edge per requirement; which go.mod
files are read to grow it follows module graph pruning
(https://go.dev/ref/mod#graph-pruning):

- The roots are the main module's requirements (less excluded versions), plus the
  implicit ``go`` node (the go line, 1.16 if none) and ``toolchain`` (if given).
- A main module at go 1.17 or later is *pruned*: every root's go.mod is read, and its
  requirements become nodes, but nothing below a pruned root is read. Below a root
  whose go.mod is older (or has no go line) everything is read.
- A main module before go 1.17 reads the whole transitive closure.
- A replaced module keeps its own version in the graph; only its go.mod comes from
  the replacement (exact ``path@version`` beats a path-only replace).
- Requirements on versions the main module excludes are dropped.
- A go.mod at go 1.21 or later also requires ``go@V``, and ``go@V`` requires
  ``toolchain@goV``; these nodes take part in selection but are never listed.

:class:`GraphLoader` is a state machine with no I/O: it says which go.mod files it
needs (:meth:`GraphLoader.wanted`) as soon as it knows them, so the caller can fetch
them concurrently and :meth:`GraphLoader.feed` them back in any order.
:func:`load_build_list` drives it synchronously from a function.

Where the go command would fail in its default ``-mod=readonly`` mode, the errors
here carry its text: a go.mod that cannot be read becomes a :class:`BuildListError`
with the requirement chain that reaches it, and a main go.mod that ``go mod tidy``
would change becomes a :class:`GoModDirtyError`.
"""

from __future__ import annotations

import copy
import posixpath
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property, cmp_to_key
from typing import NamedTuple

from goalign import gover
from goalign.errors import GoalignError, InputError, InvalidPath, ModuleError, ResolutionError
from goalign.modfile import File, ModfileError, parse_lax, read_simple_lax
from goalign.module import ModuleVersion, check_import_path
from goalign.strconv import quote

__all__ = [
    "BuildList",
    "BuildListEntry",
    "BuildListError",
    "GoModDirtyError",
    "GoModSource",
    "GraphLoader",
    "ListingError",
    "LocalGoMod",
    "ModSummary",
    "ModuleGraph",
    "check_listing",
    "cmp_version",
    "load_build_list",
    "mod_sort",
    "read_summary",
    "summarize",
]

# Go versions at which go.mod files change meaning (cmd/go/internal/gover).
PRUNING_VERSION = "1.17"  # graph pruning and explicit indirect requirements
STRICT_VERSION = "1.21"  # go lines become requirements on go and toolchain

_GO_MOD_DIRTY = "updates to go.mod needed; to update it:\n\tgo mod tidy"


# --- versions and order ---------------------------------------------------------------


def cmp_version(path: str, v1: str, v2: str) -> int:
    """Return -1, 0 or 1 as version v1 of path sorts below, equal to or above v2.

    The main module's version "" is above every other; ``none`` (no version) is below
    every valid one; ``go`` and ``toolchain`` compare as Go versions, all else as
    semantic versions.
    """
    if v2 == "":
        return 0 if v1 == "" else -1
    if v1 == "":
        return 1
    return gover.mod_compare(path, v1, v2)


def _mod_less(a: ModuleVersion, b: ModuleVersion) -> int:
    if a.path != b.path:
        return -1 if a.path < b.path else 1
    va, _, fa = a.version.partition("/")
    vb, _, fb = b.version.partition("/")
    if va != vb:
        c = gover.mod_compare(a.path, va, vb)
        if c:
            return c
    return (fa > fb) - (fa < fb)


def mod_sort(mods: Iterable[ModuleVersion]) -> list[ModuleVersion]:
    """Return mods sorted as Go's ModSort: by path, then by version for that path.

    Unlike :func:`goalign.module.sort`, ``go`` and ``toolchain`` versions compare as Go
    versions. The sort is stable.
    """
    return sorted(mods, key=cmp_to_key(_mod_less))


# --- go.mod summaries -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ModSummary:
    """What the module graph needs from one go.mod: no syntax, cached per source.

    ``module`` is the declared module path ("" when the file has no module line) and
    ``version`` the version of the source read ("" for a directory). ``requires`` is
    in file order with duplicates kept and, for go 1.21 and later, ends with the
    implicit ``go@V``. ``pruned`` says whether the module prunes its graph (go 1.17
    or later); Go's implicit ``go`` and ``toolchain`` nodes count as pruned.
    """

    module: str
    version: str
    go: str = ""
    toolchain: str = ""
    requires: tuple[ModuleVersion, ...] = ()
    pruned: bool = False


def _implicit_summary(m: ModuleVersion) -> ModSummary:
    # go@V (V >= 1.21) requires toolchain@goV, so that the toolchain follows the
    # language version in selection; toolchain nodes require nothing.
    requires: tuple[ModuleVersion, ...] = ()
    if m.path == "go" and gover.compare(m.version, STRICT_VERSION) >= 0:
        requires = (ModuleVersion("toolchain", "go" + m.version),)
    return ModSummary(module=m.path, version=m.version, requires=requires, pruned=True)


def _read_summary(data: bytes, name: str, source: ModuleVersion) -> ModSummary:
    """Return the summary of go.mod data read for source; raise ModuleError if unparsable."""
    simple = read_simple_lax(data)
    if simple is not None:
        module, go, requires = simple
        toolchain = ""
    else:
        try:
            f = parse_lax(data, name)
        except ModfileError as error:
            raise ModuleError(source.path, source.version, f"parsing {name}: {error}") from error
        module = f.module.mod.path if f.module else ""
        go = f.go.version if f.go else ""
        toolchain = f.toolchain.name if f.toolchain else ""
        requires = [r.mod for r in f.require]
    if go and gover.compare(go, STRICT_VERSION) >= 0:
        requires.append(ModuleVersion("go", go))
    return ModSummary(
        module=module,
        version=source.version,
        go=go,
        toolchain=toolchain,
        requires=tuple(requires),
        pruned=bool(go) and gover.compare(go, PRUNING_VERSION) >= 0,
    )


def _check_declared(summary: ModSummary, required_as: ModuleVersion, actual: ModuleVersion) -> None:
    """Raise ModuleError unless the go.mod read for actual may stand for required_as.

    A directory replacement may declare anything (Go does not check it); a versioned
    go.mod must name the required path or its replacement's path.
    """
    if not actual.version:
        return
    if not summary.module:
        raise ModuleError(actual.path, actual.version, "parsing go.mod: missing module line")
    if summary.module not in (required_as.path, actual.path):
        raise ModuleError(
            actual.path,
            actual.version,
            "parsing go.mod:\n"
            f"\tmodule declares its path as: {summary.module}\n"
            f"\t        but was required as: {required_as.path}",
        )


def summarize(
    data: bytes,
    name: str,
    *,
    required_as: ModuleVersion,
    replacement: ModuleVersion | None = None,
) -> ModSummary:
    """Return the summary of a dependency's go.mod, checked as Go checks it.

    data is the go.mod of required_as, or of its replacement when given (a
    replacement with version "" is a directory). name is the file name parse errors
    carry (``go.mod`` for a proxy's file). Raise ModuleError, naming the module
    version read, when the file does not parse (``parsing go.mod: ...``) or declares
    another module path than the one required or its replacement.
    """
    actual = replacement or required_as
    summary = _read_summary(data, name, actual)
    _check_declared(summary, required_as, actual)
    return summary


# --- the module graph -----------------------------------------------------------------


class ModuleGraph:
    """A module requirement graph: module@version nodes, requirement edges.

    The main module is the node with version "". A node's requirements are known
    once its go.mod has been read (:meth:`required_by`); nodes pruned out of the
    graph, or whose go.mod failed to load, have none. Selected versions grow as
    requirements are added and count every node, read or not.
    """

    def __init__(self, main: ModuleVersion) -> None:
        self._main = main
        # node -> its requirements in go.mod order, None until its go.mod is read
        self._requires: dict[ModuleVersion, tuple[ModuleVersion, ...] | None] = {main: None}
        # node -> the nodes that require it: built when first asked for, then kept up to
        # date as requirements are added (and shared by copies, its values immutable)
        self._reverse: dict[ModuleVersion, tuple[ModuleVersion, ...]] | None = None
        self._selected: dict[str, str] = {}
        self._select(main)

    def _copy(self) -> ModuleGraph:
        """Return a copy that can grow without changing this graph."""
        g = ModuleGraph.__new__(ModuleGraph)
        g._main = self._main
        g._requires = dict(self._requires)
        g._reverse = None if self._reverse is None else dict(self._reverse)
        g._selected = dict(self._selected)
        return g

    def _reachable(self, starts: Iterable[ModuleVersion]) -> set[ModuleVersion]:
        """Return the nodes reachable from starts (themselves included)."""
        seen = set(starts)
        work = list(seen)
        while work:
            for r in self._requires.get(work.pop()) or ():
                if r not in seen:
                    seen.add(r)
                    work.append(r)
        return seen

    def _restricted(
        self,
        nodes: set[ModuleVersion],
        roots: tuple[ModuleVersion, ...],
        main: ModuleVersion | None = None,
    ) -> ModuleGraph:
        """Return the subgraph on nodes (closed under requirements), with the main
        module (this one, or main) requiring roots; the roots' own nodes are added by
        the caller."""
        main = main or self._main
        g = ModuleGraph(main)
        g._requires[main] = roots
        for m in self._requires:
            if m in nodes:
                g._requires[m] = self._requires[m]
        # A path whose selected node stays keeps its version; only the others compare.
        # (The main module's path stays the main module's.)
        selected = self._selected
        kept = {
            m.path: m.version
            for m in nodes
            if selected.get(m.path) == m.version and m.path != main.path
        }
        g._selected.update(kept)
        for m in nodes:
            if m.path not in kept:
                g._select(m)
        return g

    def _requirers(self) -> dict[ModuleVersion, tuple[ModuleVersion, ...]]:
        if self._reverse is None:
            reverse: dict[ModuleVersion, dict[ModuleVersion, None]] = {}
            for m, reqs in self._requires.items():
                for r in reqs or ():
                    reverse.setdefault(r, {})[m] = None
            self._reverse = {r: tuple(ms) for r, ms in reverse.items()}
        return self._reverse

    def _add_requirer(self, r: ModuleVersion, m: ModuleVersion) -> None:
        """Record the edge m -> r in the reverse index, if there is one."""
        if self._reverse is not None:
            have = self._reverse.get(r, ())
            if m not in have:
                self._reverse[r] = (*have, m)

    def _select(self, m: ModuleVersion) -> None:
        have = self._selected.get(m.path, "none")
        if have != m.version and cmp_version(m.path, have, m.version) < 0:
            self._selected[m.path] = m.version

    def _require(self, m: ModuleVersion, reqs: Sequence[ModuleVersion]) -> None:
        if m not in self._requires:
            raise AssertionError(f"internal error: {m} is not reachable from the main module")
        if self._requires[m] is not None:
            raise AssertionError(f"internal error: requirements of {m} already set")
        self._requires[m] = tuple(reqs)
        for r in reqs:
            self._requires.setdefault(r, None)
            self._select(r)
            self._add_requirer(r, m)

    @property
    def main(self) -> ModuleVersion:
        """Return the main module's node (its version is "")."""
        return self._main

    def selected(self, path: str) -> str:
        """Return the selected version of path: its highest node, or ``none``."""
        return self._selected.get(path, "none")

    def selected_paths(self) -> list[str]:
        """Return every module path with a node in the graph, sorted."""
        return sorted(self._selected)

    def __contains__(self, m: object) -> bool:
        return isinstance(m, ModuleVersion) and m in self._requires

    def __len__(self) -> int:
        return len(self._requires)

    def nodes(self) -> list[ModuleVersion]:
        """Return every module@version in the graph, in ModSort order."""
        return mod_sort(self._requires)

    def read(self) -> list[ModuleVersion]:
        """Return the nodes whose go.mod was read (the main module's included), in no
        particular order."""
        return [m for m, reqs in self._requires.items() if reqs is not None]

    def required_by(self, m: ModuleVersion) -> tuple[ModuleVersion, ...] | None:
        """Return m's requirements in go.mod order, or None if they were never read.

        For the main module these are its roots in ModSort order.
        """
        return self._requires.get(m)

    def nodes_of(self, path: str) -> list[ModuleVersion]:
        """Return the graph's nodes of one module path, in no particular order."""
        return [n for n in self._requires if n.path == path]

    def reaching(self, targets: Iterable[ModuleVersion]) -> set[ModuleVersion]:
        """Return every node with a requirement chain of one step or more to a target."""
        found: set[ModuleVersion] = set()
        work = list(targets)
        while work:
            for up in self._requirers().get(work.pop(), ()):
                if up not in found:
                    found.add(up)
                    work.append(up)
        return found

    def requirers(self, m: ModuleVersion) -> list[ModuleVersion]:
        """Return the nodes whose requirements name m, in ModSort order."""
        return mod_sort(self._requirers().get(m, ()))

    def find_path(
        self,
        target: ModuleVersion | Callable[[ModuleVersion], bool],
        *,
        start: ModuleVersion | None = None,
    ) -> tuple[ModuleVersion, ...] | None:
        """Return a shortest requirement chain from start (the main module) to target.

        target is a node or a predicate; the chain is the one a breadth-first search
        in requirement order meets first (as Go's FindPath), or None if none exists.
        """
        match = target if callable(target) else target.__eq__
        first = self._main if start is None else start
        if first not in self._requires:
            return None
        parent: dict[ModuleVersion, ModuleVersion | None] = {first: None}
        queue = deque([first])
        while queue:
            m = queue.popleft()
            if match(m):
                chain = [m]
                while (up := parent[chain[-1]]) is not None:
                    chain.append(up)
                return tuple(reversed(chain))
            for r in self._requires[m] or ():
                if r not in parent:
                    parent[r] = m
                    queue.append(r)
        return None


# --- build lists ----------------------------------------------------------------------


class BuildListEntry(NamedTuple):
    """One line of ``go list -m all``: a module, its selected version, its replacement.

    The main module has version "". A directory replacement has version "". (A named
    tuple: the solver makes hundreds of thousands of them.)
    """

    path: str
    version: str
    replacement: ModuleVersion | None = None

    @property
    def module(self) -> ModuleVersion:
        """Return the entry's module@version."""
        return ModuleVersion(self.path, self.version)

    def format(self) -> str:
        """Return the entry as ``go list -m all`` prints it (without a newline)."""
        text = f"{self.path} {self.version}" if self.version else self.path
        if self.replacement is not None:
            text += f" => {self.replacement.path}"
            if self.replacement.version:
                text += f" {self.replacement.version}"
        return text


@dataclass(frozen=True, eq=False)
class BuildList:
    """A main module's build list: the main module first, then other paths sorted.

    ``versions`` maps every other listed path to its selected version, and
    ``replaced`` gives a module's replacement (None: the main module replaces
    nothing); the entries are made from them when first asked for, since the
    solver looks at hundreds of build lists through ``versions`` alone. ``graph``
    is the module graph it was selected from (``go`` and ``toolchain`` are in the
    graph, never in the list). ``warnings`` are the lines Go prints on stderr
    before the list, without the ``go: `` prefix.
    """

    main_path: str
    versions: Mapping[str, str]
    graph: ModuleGraph
    warnings: tuple[str, ...] = ()
    replaced: Callable[[ModuleVersion], ModuleVersion | None] | None = None

    @cached_property
    def entries(self) -> tuple[BuildListEntry, ...]:
        """Return the list's lines: the main module's, then the others by path."""
        return (self.main, *[self._entry(p, self.versions[p]) for p in sorted(self.versions)])

    def _entry(self, path: str, version: str) -> BuildListEntry:
        if self.replaced is None:
            return BuildListEntry(path, version)
        return BuildListEntry(path, version, self.replaced(ModuleVersion(path, version)))

    @property
    def main(self) -> BuildListEntry:
        """Return the main module's entry."""
        return BuildListEntry(self.main_path, "")

    def __iter__(self) -> Iterator[BuildListEntry]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.versions) + 1

    def get(self, path: str) -> BuildListEntry | None:
        """Return the entry for module path, or None if the list has none."""
        if path == self.main_path:
            return self.main
        version = self.versions.get(path)
        return None if version is None else self._entry(path, version)

    @cached_property
    def replaces(self) -> bool:
        """Report whether any entry is replaced."""
        return self.replaced is not None and any(e.replacement for e in self.entries)

    def format(self) -> str:
        """Return the text ``go list -m all`` prints on stdout, byte for byte."""
        return "".join(entry.format() + "\n" for entry in self.entries)

    def info_versions(self) -> list[ModuleVersion]:
        """Return the module versions whose ``.info`` Go looks up to list them.

        Go queries every listed module that is not replaced (and reports those it
        cannot find, see :func:`check_listing`); the go.mod of a module pruned out of
        the graph is never read, so this is the only check that it exists.
        """
        return [e.module for e in self.entries[1:] if e.replacement is None]


class BuildListError(ResolutionError):
    """A go.mod in the module graph could not be loaded; Go's requirement chain and cause.

    ``chain`` runs from the main module to the module that failed; ``cause`` is the
    failure (a ModuleError naming the go.mod actually read). ``build_list`` is the
    partial list Go goes on to list (and look up) before reporting, or None when Go
    stops first.
    """

    def __init__(
        self,
        chain: Sequence[ModuleVersion],
        cause: ModuleError,
        *,
        build_list: BuildList | None = None,
    ) -> None:
        self.chain = tuple(chain)
        self.cause = cause
        self.build_list = build_list
        super().__init__(_chain_message(self.chain, cause))


def _chain_message(chain: Sequence[ModuleVersion], cause: ModuleError) -> str:
    # The main module (version "") opens every chain and Go leaves it out.
    steps = list(chain)
    while steps and not steps[0].version:
        steps.pop(0)
    if not steps:
        return cause.message
    text = "".join(f"{m} requires\n\t" for m in steps[:-1])
    last = steps[-1]
    actual = ModuleVersion(cause.path, cause.version)
    if actual == last:
        return text + cause.message
    return text + f"{last} (replaced by {actual}): {cause.cause}"


class GoModDirtyError(InputError):
    """The main go.mod is not what ``go mod tidy`` would keep, so Go refuses to go on.

    ``reasons`` says what would change; ``build_list`` is the list Go computed (and
    looks up) before refusing, or None when it stops first.
    """

    def __init__(self, reasons: Sequence[str], *, build_list: BuildList | None = None) -> None:
        super().__init__(_GO_MOD_DIRTY, hint="; ".join(reasons) if reasons else None)
        self.reasons = tuple(reasons)
        self.build_list = build_list


class ListingError(ResolutionError):
    """``go list -m all`` could not list some modules; one line per failure, as Go prints.

    ``errors`` are the lines, each without Go's ``go: `` prefix.
    """

    def __init__(self, errors: Sequence[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = tuple(errors)


def check_listing(
    build_list: BuildList,
    info_failures: Mapping[ModuleVersion, str],
    error: GoalignError | None = None,
) -> None:
    """Raise what ``go list -m all`` reports after looking up the listed modules.

    info_failures maps modules of :meth:`BuildList.info_versions` whose ``.info``
    could not be fetched to the reason (``reading URL: 404 Not Found``). Go reports
    them in list order, then the graph's own error if any (error, whose
    ``build_list`` should be the list passed). Return quietly if there is nothing
    to report.
    """
    lines = [f"{m}: {info_failures[m]}" for m in build_list.info_versions() if m in info_failures]
    if not lines:
        if error is not None:
            raise error
        return
    if error is not None:
        lines.append(error.message)
    raise ListingError(lines) from error


# --- loading --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LocalGoMod:
    """A directory replacement's go.mod: ``dir`` as written in the main go.mod.

    The caller resolves a relative dir against the main module's directory and reads
    ``dir/go.mod``.
    """

    dir: str

    def __str__(self) -> str:
        return self.dir

    @property
    def default_name(self) -> str:
        """Return the file name parse errors use unless the caller gives one."""
        return posixpath.normpath(posixpath.join(self.dir, "go.mod"))


#: Where a go.mod comes from: a module version's ``.mod`` on the proxy, or a directory.
GoModSource = ModuleVersion | LocalGoMod


def _actual(source: GoModSource) -> ModuleVersion:
    return ModuleVersion(source.dir, "") if isinstance(source, LocalGoMod) else source


def read_summary(
    source: GoModSource, data: bytes, *, name: str | None = None
) -> ModSummary | ModuleError:
    """Return the summary of a source's go.mod bytes, or the ModuleError of a bad file.

    name is the file name parse errors carry, defaulting as :meth:`GraphLoader.feed`
    does: ``go.mod`` for a proxy's file, the directory's go.mod path otherwise. The
    result depends only on its arguments; hand it to :meth:`GraphLoader.feed_summary`.
    Whether the file declares the module path it is required as is not checked here.
    """
    if name is None:
        name = source.default_name if isinstance(source, LocalGoMod) else "go.mod"
    try:
        return _read_summary(data, name, _actual(source))
    except ModuleError as error:
        return error


def _replace_map(main: File) -> dict[ModuleVersion, ModuleVersion]:
    replace: dict[ModuleVersion, ModuleVersion] = {}
    for r in main.replace:
        prev = replace.get(r.old)
        if prev is not None and prev != r.new:
            raise InputError(f"conflicting replacements for {r.old}:\n\t{prev}\n\t{r.new}")
        replace[r.old] = r.new
    return replace


def _check_main_module(main: File) -> str:
    name = main.syntax.name
    if main.module is None:
        raise InputError(
            f"error reading {name}: missing module declaration. To specify the module path:\n"
            "\tgo mod edit -module=example.com/mod"
        )
    path = main.module.mod.path
    if gover.is_toolchain(path):
        raise InputError(f"error reading {name}: invalid module path: {quote(path)}")
    return path


class GraphLoader:
    """Load a main module's module graph as ``go list -m all`` does, one go.mod at a time.

    A state machine without I/O. Call :meth:`wanted` for the go.mod files it now
    needs, fetch them in any order and concurrently, and hand each back with
    :meth:`feed` (or :meth:`fail` when it cannot be had); new needs appear as files
    arrive. When :attr:`done` is true, :meth:`build_list` gives the result.

    ``seed``, a finished load of another main module over the same modules, lends
    its graph when both are unpruned (go < 1.17) and replace and exclude the same:
    what a root of this module reaches there is taken whole, since in an unpruned
    graph it does not depend on the main module. Many artifacts over one set of
    modules load in a fraction of the time this way.

    ``known``, when given, is asked first for each go.mod the loader needs and
    returns its :func:`read_summary` result (as :meth:`feed_summary` takes it) or
    None; what it knows is taken at once, without a trip through :meth:`wanted`
    (a caller holding most files already loads many graphs this way).

    Construction raises InputError for what Go refuses before it even warns about
    excluded requirements (:attr:`warnings`): a main go.mod without a module line, a
    malformed or reserved module path, or conflicting replacements.
    """

    def __init__(
        self,
        main: File,
        known: Callable[[GoModSource], ModSummary | ModuleError | None] | None = None,
        *,
        seed: GraphLoader | None = None,
    ) -> None:
        self._known = known
        main_path = _check_main_module(main)
        try:
            check_import_path(main_path)
        except InvalidPath as error:
            raise InputError(f"malformed module path {quote(main_path)}: {error.reason}") from error
        self._replace = _replace_map(main)
        self._exclude = frozenset(x.mod for x in main.exclude)
        self._main = ModuleVersion(main_path, "")

        warnings: list[str] = []
        roots: list[ModuleVersion] = []
        self._dropped: list[ModuleVersion] = []
        for req in main.require:
            if req.mod in self._exclude:
                warnings.append(
                    f"ignoring requirement on excluded version {req.mod.path} {req.mod.version}"
                )
                self._dropped.append(req.mod)
                continue
            roots.append(req.mod)
        self._go = main.go.version if main.go else gover.DEFAULT_GO_VERSION
        roots.append(ModuleVersion("go", self._go))
        self._toolchain = main.toolchain.name if main.toolchain else ""
        if self._toolchain:
            roots.append(ModuleVersion("toolchain", self._toolchain))
        self._roots = tuple(mod_sort(roots))
        self.warnings = tuple(warnings)
        self._pruned = gover.compare(self._go, PRUNING_VERSION) >= 0

        root_paths = [r.path for r in self._roots]
        redundant = main_path in root_paths or len(set(root_paths)) < len(root_paths)
        # A pruned main module requiring one path at two versions fails before Go
        # reads any go.mod; an unpruned one with redundant roots fails (if it does)
        # before Go lists anything, so its errors come without a build list.
        self._early = self._pruned_duplicates() if redundant and self._pruned else None
        self._stops_before_listing = redundant and not self._pruned

        self._graph = ModuleGraph(self._main)
        self._graph._require(self._main, self._roots)
        self._summaries: dict[GoModSource, ModSummary | ModuleError] = {}
        self._loaded: dict[ModuleVersion, ModSummary] = {}
        self._failed: dict[ModuleVersion, ModuleError] = {}
        self._waiting: dict[GoModSource, list[tuple[ModuleVersion, bool]]] = {}
        self._new: list[GoModSource] = []
        self._enqueued: set[tuple[ModuleVersion, bool]] = set()
        self._work: deque[tuple[ModuleVersion, bool]] = deque()
        if self._early is None:
            if seed is not None and self._can_seed(seed):
                self._seed(seed)
            for root in self._roots:
                self._enqueue(root, unpruned=not self._pruned)
            self._drain()

    def _can_seed(self, seed: GraphLoader) -> bool:
        return (
            not self._pruned
            and not seed._pruned
            and seed.done
            and not seed._failed
            and seed._early is None
            and not seed._stops_before_listing
            and seed._replace == self._replace
            and seed._exclude == self._exclude
        )

    def _seed(self, seed: GraphLoader) -> None:
        """Take from seed's graph everything this module's roots reach there."""
        reach = seed._graph._reachable([r for r in self._roots if r in seed._graph])
        graph = seed._graph._restricted(reach, self._roots, self._main)
        for r in self._roots:
            graph._requires.setdefault(r, None)
            graph._select(r)
        self._graph = graph
        self._loaded = {m: s for m, s in seed._loaded.items() if m in reach}
        self._enqueued = {(m, True) for m in reach}
        self._summaries = dict(seed._summaries)

    def extended(self, required: Sequence[ModuleVersion]) -> GraphLoader | None:
        """Return a loader for this main module with these requirements set (added, or
        moved to another version), reusing what this one loaded; None when the loading
        cannot be reused.

        Only a finished, unpruned (go < 1.17) load without failures is reused: its
        module graph is then everything reachable from the roots, so the new graph is
        what the roots that stay reach, plus what the new roots reach. The result is
        the loader ``GraphLoader`` would give for the go.mod so edited; feed it what
        :meth:`wanted` asks for.
        """
        current = {r.path: r for r in self._roots}
        paths = {m.path for m in required}
        if (
            paths & {m.path for m in self._dropped}  # an excluded requirement goes too
            or self._pruned
            or not self.done
            or self._early is not None
            or self._failed
            or self._stops_before_listing
            or len(paths) < len(required)
            or any(
                m.path == self._main.path
                or m in self._exclude
                or gover.is_toolchain(m.path)
                or current.get(m.path) == m
                for m in required
            )
        ):
            return None
        kept = [r for r in self._roots if r.path not in paths]
        child = copy.copy(self)
        child._roots = tuple(mod_sort([*kept, *required]))
        if any(p in current for p in paths):
            # A moved root may take nodes with it: keep what the other roots reach.
            reach = self._graph._reachable(kept)
            child._graph = self._graph._restricted(reach, child._roots)
            child._loaded = {m: s for m, s in self._loaded.items() if m in reach}
            child._enqueued = {e for e in self._enqueued if e[0] in reach}
        else:
            # Children share what their parent built: the search asks most graphs for
            # the requirers of some node, and copying the index beats rebuilding it.
            self._graph._requirers()
            child._graph = self._graph._copy()
            child._graph._requires[self._main] = child._roots
            child._loaded = dict(self._loaded)
            child._enqueued = set(self._enqueued)
        graph = child._graph
        for r in required:
            graph._requires.setdefault(r, None)
            graph._select(r)
            graph._add_requirer(r, self._main)
        child._summaries = dict(self._summaries)
        child._failed = {}
        child._waiting = {}
        child._new = []
        child._work = deque()
        for r in required:
            child._enqueue(r, unpruned=True)
        child._drain()
        return child

    def _pruned_duplicates(self) -> GoModDirtyError | None:
        versions: dict[str, set[str]] = {}
        for r in self._roots:
            if r.path != self._main.path:
                versions.setdefault(r.path, set()).add(r.version)
        twice = sorted(p for p, vs in versions.items() if len(vs) > 1)
        if not twice:
            return None
        return GoModDirtyError([f"go.mod requires {p} at more than one version" for p in twice])

    # -- state

    @property
    def main(self) -> ModuleVersion:
        """Return the main module's node."""
        return self._main

    @property
    def roots(self) -> tuple[ModuleVersion, ...]:
        """Return the graph's roots in ModSort order: requirements, go and toolchain."""
        return self._roots

    @property
    def pruned(self) -> bool:
        """Report whether the main module prunes its module graph (go 1.17 or later)."""
        return self._pruned

    @property
    def graph(self) -> ModuleGraph:
        """Return the module graph as loaded so far."""
        return self._graph

    @property
    def done(self) -> bool:
        """Report whether every go.mod asked for has arrived (or failed)."""
        return not self._waiting and not self._new

    def source_of(self, m: ModuleVersion) -> GoModSource:
        """Return where m's go.mod comes from, after the main module's replacements."""
        r = self._replace.get(m) or self._replace.get(ModuleVersion(m.path, ""))
        if r is None:
            return m
        return r if r.version else LocalGoMod(r.path)

    def replacement(self, m: ModuleVersion) -> ModuleVersion | None:
        """Return the main module's replacement for m (exact version first), if any."""
        if m == self._main:
            return None
        return self._replace.get(m) or self._replace.get(ModuleVersion(m.path, ""))

    def wanted(self) -> list[GoModSource]:
        """Return the go.mod sources needed since the last call, each asked for once."""
        new, self._new = self._new, []
        return new

    def feed(self, source: GoModSource, data: bytes, *, name: str | None = None) -> None:
        """Take the go.mod bytes of a source returned by :meth:`wanted`.

        name is the file name parse errors carry: ``go.mod`` for a proxy's file, the
        directory's go.mod path otherwise. A file that does not parse, or declares
        the wrong module path, does not raise here: Go keeps loading and reports the
        failure it meets first from the main module, which :meth:`build_list` raises.
        """
        if source not in self._waiting:
            raise RuntimeError(f"go.mod of {source} was not asked for or already given")
        self.feed_summary(source, read_summary(source, data, name=name))

    def feed_summary(self, source: GoModSource, result: ModSummary | ModuleError) -> None:
        """Take a source's go.mod already read by :func:`read_summary`.

        The same as :meth:`feed` with the bytes result was read from, so a caller
        loading many graphs over the same files parses each file once. result must
        come from :func:`read_summary` for this source (and the file name feed would
        use); declared module paths are still checked here, per requirement.
        """
        if source not in self._waiting:
            raise RuntimeError(f"go.mod of {source} was not asked for or already given")
        self._settle(source, result)

    def fail(self, source: GoModSource, reason: str) -> None:
        """Record that a source's go.mod could not be had; reason is Go's text for it.

        For example ``reading https://proxy/x.com/a/@v/v1.0.0.mod: 404 Not Found``;
        :meth:`build_list` reports it as ``x.com/a@v1.0.0: reading ...``.
        """
        if source not in self._waiting:
            raise RuntimeError(f"go.mod of {source} was not asked for or already given")
        actual = _actual(source)
        self._settle(source, ModuleError(actual.path, actual.version, reason))

    def _settle(self, source: GoModSource, result: ModSummary | ModuleError) -> None:
        self._summaries[source] = result
        for m, unpruned in self._waiting.pop(source):
            if m not in self._loaded and m not in self._failed:
                self._load(m, source)
            self._expand(m, unpruned=unpruned)
        self._drain()

    # -- loading

    def _enqueue(self, m: ModuleVersion, *, unpruned: bool) -> None:
        # A module may be visited twice: once pruned (requirements become nodes) and
        # once unpruned (requirements are loaded too).
        if m.version == "none" or (m, unpruned) in self._enqueued:
            return
        self._enqueued.add((m, unpruned))
        self._work.append((m, unpruned))

    def _drain(self) -> None:
        while self._work:
            m, unpruned = self._work.popleft()
            if m in self._loaded or m in self._failed:
                self._expand(m, unpruned=unpruned)
                continue
            if gover.is_toolchain(m.path):
                summary = _implicit_summary(m)
                self._loaded[m] = summary
                self._graph._require(m, summary.requires)
                self._expand(m, unpruned=unpruned)
                continue
            source = self._known_source(m)
            if source in self._summaries:
                self._load(m, source)
                self._expand(m, unpruned=unpruned)
                continue
            if source not in self._waiting:
                self._waiting[source] = []
                self._new.append(source)
            self._waiting[source].append((m, unpruned))

    def _known_source(self, m: ModuleVersion) -> GoModSource:
        """Return where m's go.mod comes from, its summary taken from ``known`` if that
        has it and the loader does not yet."""
        source = self.source_of(m)
        if self._known is not None and source not in self._summaries:
            result = self._known(source)
            if result is not None:
                self._summaries[source] = result
        return source

    def _load(self, m: ModuleVersion, source: GoModSource) -> None:
        result = self._summaries[source]
        if isinstance(result, ModuleError):
            self._failed[m] = result
            return
        try:
            _check_declared(result, m, _actual(source))
        except ModuleError as error:
            self._failed[m] = error
            return
        self._loaded[m] = result
        self._graph._require(m, [r for r in result.requires if r not in self._exclude])

    def _expand(self, m: ModuleVersion, *, unpruned: bool) -> None:
        summary = self._loaded.get(m)
        if summary is None:
            return
        # Below an unpruned module everything is loaded; a pruned module's own
        # requirements stay unread unless we are already loading unpruned.
        if unpruned or not summary.pruned:
            for r in self._graph.required_by(m) or ():
                self._enqueue(r, unpruned=True)

    # -- results

    def _versions(self) -> dict[str, str]:
        versions = dict(self._graph._selected)
        for path in (self._main.path, "go", "toolchain"):
            versions.pop(path, None)
        return versions

    def _stale_roots(self) -> list[str]:
        stale: list[str] = []
        seen: set[str] = set()
        for r in self._roots:
            if self._pruned and (r.path == self._main.path or r.path in seen):
                # Pruned: duplicates were checked up front, and a requirement on
                # the main module itself is merely redundant.
                continue
            seen.add(r.path)
            selected = self._graph.selected(r.path)
            if selected != r.version:
                shown = "the main module" if selected == "" else f"{selected}"
                stale.append(f"go.mod requires {r.path} {r.version} but {shown} is selected")
        return stale

    def _tidy_changes(self) -> list[str]:
        # What `go mod tidy` would write differently even with a consistent graph:
        # excluded requirements go, and so does a toolchain line the go line implies
        # or that names no Go release at or after 1.21.
        changes = [
            f"requirement on excluded version {m.path} {m.version} would be dropped"
            for m in self._dropped
        ]
        tc = self._toolchain
        if tc and (
            tc == "go" + self._go or gover.compare(gover.from_toolchain(tc), STRICT_VERSION) < 0
        ):
            changes.append(f"toolchain {tc} would be dropped")
        return changes

    def build_list(self) -> BuildList:
        """Return the build list, or raise what ``go list -m all`` would report.

        Raise :class:`BuildListError` when a go.mod failed to load (the failure met
        first, breadth-first from the main module), then :class:`GoModDirtyError`
        when a root is not its path's selected version or ``go mod tidy`` would
        change the main go.mod. Either carries the list Go goes on to print errors
        for, if it gets that far.
        """
        if not self.done:
            raise RuntimeError("build_list called before every wanted go.mod was fed")
        if self._early is not None:
            raise self._early
        listing = BuildList(
            self._main.path,
            self._versions(),
            self._graph,
            self.warnings,
            self.replacement if self._replace else None,
        )
        partial = None if self._stops_before_listing else listing
        if self._failed:
            chain = self._graph.find_path(lambda m: m in self._failed)
            if chain is None:
                raise AssertionError("internal error: failed module not reachable")
            cause = self._failed[chain[-1]]
            raise BuildListError(chain, cause, build_list=partial) from cause
        stale = self._stale_roots()
        if stale:
            raise GoModDirtyError(stale, build_list=partial)
        changes = self._tidy_changes()
        if changes:
            raise GoModDirtyError(changes, build_list=listing)
        return listing


def load_build_list(main: File, fetch: Callable[[GoModSource], bytes]) -> BuildList:
    """Return main's build list, fetching each go.mod with fetch, one at a time.

    fetch returns a go.mod's bytes; raising ModuleError means the go.mod cannot be
    had (its ``cause`` becomes Go's reason). Any other exception propagates.
    """
    loader = GraphLoader(main)
    while batch := loader.wanted():
        for source in batch:
            try:
                data = fetch(source)
            except ModuleError as error:
                loader.fail(source, error.cause)
            else:
                loader.feed(source, data)
    return loader.build_list()
