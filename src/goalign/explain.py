"""Why each artifact has the version it has: requirement chains over module graphs.

Pure queries over the module graphs that :mod:`goalign.mvs` loads (one per artifact:
the host and each plugin). Nothing here reads a file or the network.

- :func:`explain` is ``go mod why -m`` over the module graph instead of the package
  graph: for one module path and every artifact, the version selected, the shortest
  requirement chains from the main module to that module@version, and the other
  versions some go.mod requires that lost to minimal version selection.
- :func:`mod_graph` is the text ``go mod graph`` prints for one artifact, byte for byte:
  the graph's edges, breadth-first from the main module in requirement order (the
  implicit ``go`` and ``toolchain`` nodes included, as Go prints them).
- :func:`union_graph` merges every artifact's graph into one (nodes module@version,
  edges requirements, each artifact's selected versions marked) and finds the
  conflicts: modules in several build lists at different selected versions or
  replacements.

The graphs walked are exactly the ones ``go mod graph`` prints: for a main module at
go 1.17 or later they are pruned, so a chain never passes below a module whose go.mod
was not read.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

import networkx as nx  # type: ignore[import-untyped,unused-ignore]

from goalign import gover
from goalign.module import ModuleVersion
from goalign.mvs import BuildList, BuildListEntry, ModuleGraph, mod_sort

__all__ = [
    "ArtifactGraph",
    "Chain",
    "Conflict",
    "Edge",
    "Explanation",
    "Node",
    "OtherVersion",
    "UnionGraph",
    "Why",
    "count_shortest_chains",
    "entry_text",
    "explain",
    "mod_graph",
    "requirement_graph",
    "union_graph",
    "walk_breadth_first",
]

Chain = tuple[ModuleVersion, ...]


@dataclass(frozen=True)
class ArtifactGraph:
    """One artifact (the host or a plugin) by name, with its build list and graph."""

    name: str
    build_list: BuildList

    @property
    def graph(self) -> ModuleGraph:
        """Return the module graph the build list was selected from."""
        return self.build_list.graph

    @property
    def main(self) -> ModuleVersion:
        """Return the artifact's main module node (version "")."""
        return self.build_list.graph.main

    @property
    def go(self) -> str:
        """Return the go version of the main module (its implicit ``go`` root)."""
        for root in self.graph.required_by(self.main) or ():
            if root.path == "go":
                return root.version
        return gover.DEFAULT_GO_VERSION

    @property
    def toolchain(self) -> str | None:
        """Return the main module's toolchain line, or None when it has none."""
        for root in self.graph.required_by(self.main) or ():
            if root.path == "toolchain":
                return root.version
        return None


# --- one graph --------------------------------------------------------------------------


def walk_breadth_first(graph: ModuleGraph) -> list[ModuleVersion]:
    """Return the graph's nodes breadth-first from the main module, in requirement order.

    This is the order of Go's ``mvs.Graph.WalkBreadthFirst``: each node once, the first
    time a requirement names it; ``none`` versions are skipped.
    """
    order = [graph.main]
    seen = {graph.main}
    queue = deque(order)
    while queue:
        m = queue.popleft()
        for r in graph.required_by(m) or ():
            if r not in seen and r.version != "none":
                seen.add(r)
                order.append(r)
                queue.append(r)
    return order


def mod_graph(graph: ModuleGraph) -> str:
    """Return the text ``go mod graph`` prints for the graph's main module.

    One ``from to`` line per requirement (duplicates kept, as Go keeps them), nodes
    visited as :func:`walk_breadth_first` visits them; the main module is printed
    without a version, every other node as ``path@version``.
    """
    lines = []
    for m in walk_breadth_first(graph):
        for r in graph.required_by(m) or ():
            lines.append(f"{m} {r}\n")
    return "".join(lines)


def requirement_graph(graph: ModuleGraph) -> nx.DiGraph:
    """Return the graph's requirement edges as a networkx DiGraph of ModuleVersions.

    Nodes are added in breadth-first order and edges in requirement order, so every
    query over it is deterministic.
    """
    g = nx.DiGraph()
    order = walk_breadth_first(graph)
    g.add_nodes_from(order)
    for m in order:
        for r in graph.required_by(m) or ():
            if r.version != "none":
                g.add_edge(m, r)
    return g


def count_shortest_chains(g: nx.DiGraph, source: ModuleVersion, target: ModuleVersion) -> int:
    """Return how many distinct shortest paths lead from source to target in g (0 if none)."""
    if source not in g or target not in g:
        return 0
    dist = {source: 0}
    count = {source: 1}
    queue = deque([source])
    while queue:
        m = queue.popleft()
        if m == target:
            break
        for r in g.successors(m):
            if r not in dist:
                dist[r] = dist[m] + 1
                count[r] = count[m]
                queue.append(r)
            elif dist[r] == dist[m] + 1:
                count[r] += count[m]
    return count.get(target, 0)


def _chain_key(chain: Chain) -> tuple[tuple[str, str], ...]:
    return tuple((m.path, m.version) for m in chain)


def shortest_chains(
    graph: ModuleGraph, g: nx.DiGraph, target: ModuleVersion, limit: int
) -> tuple[tuple[Chain, ...], int]:
    """Return up to ``limit`` shortest requirement chains from the main module to target,
    and how many there are in all.

    The first chain is the one Go's FindPath gives (breadth-first in requirement order);
    the others follow sorted by module path and version at each step.
    """
    first = graph.find_path(target)
    if first is None:
        return (), 0
    total = count_shortest_chains(g, graph.main, target)
    if limit <= 1 or total == 1:
        return (first,), total
    # Enumerating every shortest path can be exponential; take a bounded sample.
    sample = itertools.islice(nx.all_shortest_paths(g, graph.main, target), 4 * limit)
    rest = sorted({tuple(p) for p in sample} - {first}, key=_chain_key)
    return (first, *rest[: limit - 1]), total


def entry_text(entry: BuildListEntry) -> str:
    """Return a build list entry's version as ``go list -m all`` prints it after the path:
    ``v1.2.0``, or ``v1.2.0 => example.com/fork v1.2.1`` for a replaced module."""
    text = entry.version
    if entry.replacement is not None:
        text += f" => {entry.replacement.path}"
        if entry.replacement.version:
            text += f" {entry.replacement.version}"
    return text


# --- explain ----------------------------------------------------------------------------


@dataclass(frozen=True)
class OtherVersion:
    """A version of the module some go.mod in the graph requires, that is not the target.

    ``required_by`` are the nodes that require it (ModSort order); ``chain`` is a
    shortest chain from the main module to it.
    """

    version: str
    required_by: tuple[ModuleVersion, ...]
    chain: Chain


@dataclass(frozen=True)
class Why:
    """Why one artifact has the version of one module it has.

    ``selected`` is the version in the artifact's build list (None when the module is
    not in it, "" when it is the artifact's main module) and ``replacement`` the main
    module's replacement for it. ``target`` is the node the chains lead to: the
    selected module@version, or the version asked for. ``chains`` are shortest chains
    from the main module to ``target`` (at most the limit asked), ``chains_total`` how
    many shortest chains exist, ``others`` the other versions required in the graph,
    ``required_by`` every node whose go.mod requires ``target`` (ModSort order).
    """

    artifact: str
    main: str
    module: str
    selected: str | None
    replacement: ModuleVersion | None
    target: ModuleVersion | None
    chains: tuple[Chain, ...]
    chains_total: int
    others: tuple[OtherVersion, ...]
    required_by: tuple[ModuleVersion, ...] = ()

    @property
    def entry(self) -> str | None:
        """Return the selected version as ``go list -m`` shows it, replacement included."""
        if self.selected is None:
            return None
        return entry_text(BuildListEntry(self.module, self.selected, self.replacement))


@dataclass(frozen=True)
class Explanation:
    """One module across every artifact: each artifact's :class:`Why`, and whether the
    artifacts that have it disagree on its version or replacement."""

    module: str
    version: str | None
    whys: tuple[Why, ...]

    @property
    def conflict(self) -> bool:
        """Report whether two artifacts select different versions (or replacements)."""
        seen = {(w.selected, w.replacement) for w in self.whys if w.selected}
        return len(seen) > 1


def _why(art: ArtifactGraph, path: str, version: str | None, limit: int) -> Why:
    graph = art.graph
    entry = art.build_list.get(path)
    selected = entry.version if entry is not None else None
    replacement = entry.replacement if entry is not None else None
    if path == art.main.path:
        return Why(art.name, art.main.path, path, "", None, art.main, ((art.main,),), 1, ())
    target: ModuleVersion | None = None
    if version is not None:
        wanted = ModuleVersion(path, version)
        target = wanted if wanted in graph else None
    elif selected is not None:
        target = ModuleVersion(path, selected)
    g = requirement_graph(graph)
    chains: tuple[Chain, ...] = ()
    total = 0
    if target is not None:
        chains, total = shortest_chains(graph, g, target, limit)
    others = []
    for m in mod_sort(n for n in g.nodes if n.path == path and n != target):
        chain = graph.find_path(m) or ()
        others.append(OtherVersion(m.version, tuple(graph.requirers(m)), chain))
    requirers = tuple(graph.requirers(target)) if target is not None else ()
    return Why(
        art.name,
        art.main.path,
        path,
        selected,
        replacement,
        target,
        chains,
        total,
        tuple(others),
        requirers,
    )


def explain(
    artifacts: Sequence[ArtifactGraph], path: str, version: str | None = None, *, limit: int = 5
) -> Explanation:
    """Return why each artifact has the version of module ``path`` it has.

    With ``version`` the chains lead to ``path@version`` (when some go.mod in the
    artifact's graph requires it) instead of the selected version. ``limit`` bounds
    the chains given per artifact (the count of all shortest chains is kept).
    """
    whys = tuple(_why(art, path, version, max(1, limit)) for art in artifacts)
    return Explanation(path, version, whys)


# --- every artifact in one graph ----------------------------------------------------------


@dataclass(frozen=True)
class Node:
    """A module@version in one or more artifacts' graphs.

    ``main_of`` names the artifact whose main module it is (None for a dependency);
    ``artifacts`` the artifacts whose graph holds it, ``selected_by`` those that select
    it (an artifact selects its own main module); ``conflict`` is true when it is the
    selected version of a conflicting module. ``replacements`` are (artifact,
    replacement) for each artifact that selects it and replaces it.
    """

    module: ModuleVersion
    main_of: str | None
    artifacts: tuple[str, ...]
    selected_by: tuple[str, ...]
    conflict: bool
    replacements: tuple[tuple[str, ModuleVersion], ...] = ()

    @property
    def id(self) -> str:
        """Return the node as ``go mod graph`` names it."""
        return str(self.module)


@dataclass(frozen=True)
class Edge:
    """A requirement of ``source``'s go.mod on ``target``, and the artifacts whose graph
    holds it."""

    source: ModuleVersion
    target: ModuleVersion
    artifacts: tuple[str, ...]


@dataclass(frozen=True)
class Conflict:
    """A module in several build lists at different versions or replacements.

    ``versions`` is (artifact, build list entry) for each artifact that has it, in
    artifact order.
    """

    path: str
    versions: tuple[tuple[str, BuildListEntry], ...]


@dataclass(frozen=True)
class UnionGraph:
    """The requirement graphs of every artifact merged: nodes and edges in a fixed order
    (ModSort), the artifacts in the order given, and the conflicts between them."""

    artifacts: tuple[ArtifactGraph, ...]
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    conflicts: tuple[Conflict, ...]

    def node(self, m: ModuleVersion) -> Node | None:
        """Return the node for m, if any artifact's graph has it."""
        for n in self.nodes:
            if n.module == m:
                return n
        return None


def find_conflicts(artifacts: Sequence[ArtifactGraph]) -> tuple[Conflict, ...]:
    """Return the modules that two or more build lists hold at different selected versions
    or replacements, sorted by module path. Main modules do not count."""
    by_path: dict[str, list[tuple[str, BuildListEntry]]] = {}
    for art in artifacts:
        for entry in art.build_list.entries[1:]:
            by_path.setdefault(entry.path, []).append((art.name, entry))
    conflicts = []
    for path in sorted(by_path):
        have = by_path[path]
        if len({(e.version, e.replacement) for _, e in have}) > 1:
            conflicts.append(Conflict(path, tuple(have)))
    return tuple(conflicts)


def union_graph(artifacts: Sequence[ArtifactGraph], *, implicit: bool = False) -> UnionGraph:
    """Return every artifact's requirement graph merged into one, with the conflicts.

    The implicit ``go`` and ``toolchain`` nodes are left out unless ``implicit``.
    """

    def keep(m: ModuleVersion) -> bool:
        return implicit or not gover.is_toolchain(m.path)

    holders: dict[ModuleVersion, list[str]] = {}
    edges: dict[tuple[ModuleVersion, ModuleVersion], list[str]] = {}
    mains: dict[ModuleVersion, str] = {}
    selected: dict[ModuleVersion, list[str]] = {}
    replaced: dict[ModuleVersion, list[tuple[str, ModuleVersion]]] = {}
    for art in artifacts:
        mains.setdefault(art.main, art.name)
        g = requirement_graph(art.graph)
        for m in g.nodes:
            if keep(m):
                holders.setdefault(m, []).append(art.name)
        for a, b in g.edges:
            if keep(a) and keep(b):
                edges.setdefault((a, b), []).append(art.name)
        for entry in art.build_list.entries:
            selected.setdefault(entry.module, []).append(art.name)
            if entry.replacement is not None:
                replaced.setdefault(entry.module, []).append((art.name, entry.replacement))
    conflicts = find_conflicts(artifacts)
    conflicting = {c.path for c in conflicts}
    nodes = tuple(
        Node(
            m,
            mains.get(m),
            tuple(holders[m]),
            tuple(selected.get(m, ())),
            m.path in conflicting and m in selected,
            tuple(replaced.get(m, ())),
        )
        for m in mod_sort(holders)
    )
    order = {n.module: i for i, n in enumerate(nodes)}
    edge_list = tuple(
        Edge(a, b, tuple(names))
        for (a, b), names in sorted(edges.items(), key=lambda e: (order[e[0][0]], order[e[0][1]]))
    )
    return UnionGraph(tuple(artifacts), nodes, edge_list, conflicts)
