"""The pure part of ``goalign explain`` and ``goalign graph`` over in-memory universes.

Each universe maps ``path@version`` to its go.mod's requirements; build lists come from
the real :func:`goalign.mvs.load_build_list`, so the graphs queried are the ones the
commands load. The renderings are parsed back (DOT with pydot, JSON with json, Mermaid
by its flowchart node and edge statements) rather than compared as text.
``test_cli_explain.py`` checks the same against the Go toolchain.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence

import pydot
import pytest

from goalign import modfile
from goalign.errors import ModuleError
from goalign.explain import (
    ArtifactGraph,
    UnionGraph,
    count_shortest_chains,
    explain,
    find_conflicts,
    mod_graph,
    requirement_graph,
    union_graph,
    walk_breadth_first,
)
from goalign.graphfmt import (
    EXPLAIN_SCHEMA,
    GRAPH_SCHEMA,
    explain_json,
    explain_text,
    graph_dot,
    graph_json,
    graph_mermaid,
)
from goalign.module import ModuleVersion
from goalign.mvs import GoModSource, load_build_list

MV = ModuleVersion
HOST = MV("x.com/host")

UNIVERSE: Mapping[str, Sequence[str]] = {
    "x.com/a@v1.0.0": ["x.com/b@v1.0.0", "x.com/c@v1.0.0"],
    "x.com/b@v1.0.0": ["x.com/d@v1.1.0"],
    # A requirement listed twice: one edge, two lines in go mod graph.
    "x.com/c@v1.0.0": ["x.com/d@v1.2.0", "x.com/d@v1.2.0"],
    "x.com/d@v1.1.0": [],
    "x.com/d@v1.2.0": ["x.com/e@v1.0.0"],
    "x.com/e@v1.0.0": [],
    "x.com/f@v1.0.0": [],
    "x.com/fork@v1.0.1": [],
    "x.com/g@v1.0.0": ["x.com/d@v1.2.0"],
}


def go_mod(path: str, requires: Sequence[str], go: str = "1.21", extra: str = "") -> bytes:
    lines = [f"module {path}", "", f"go {go}", ""]
    lines += [f"require {r.replace('@', ' ')}" for r in requires]
    return ("\n".join(lines) + "\n" + extra).encode()


def artifact(
    name: str, main: str, requires: Sequence[str], *, go: str = "1.21", extra: str = ""
) -> ArtifactGraph:
    def fetch(source: GoModSource) -> bytes:
        assert isinstance(source, MV)
        if str(source) not in UNIVERSE:
            raise ModuleError(source.path, source.version, "not found")
        # go 1.20: pruned, but no implicit requirement on go that would make an
        # older main module's go line stale.
        return go_mod(source.path, UNIVERSE[str(source)], "1.20")

    f = modfile.parse(go_mod(main, requires, go, extra), f"{name}/go.mod")
    return ArtifactGraph(name, load_build_list(f, fetch))


def pruned_host() -> ArtifactGraph:
    # Pruned (go 1.21): the roots' go.mod files are read, nothing below them. b's go.mod
    # brings d@v1.1.0, which loses to the root d@v1.2.0; a's requirement c@v1.0.0 is a
    # node whose go.mod is never read, so it requires nothing here.
    return artifact("host", "x.com/host", ["x.com/a@v1.0.0", "x.com/b@v1.0.0", "x.com/d@v1.2.0"])


def diamond_host() -> ArtifactGraph:
    # Unpruned (go 1.16): c and g both require d@v1.2.0, at the same depth.
    return artifact(
        "host", "x.com/host", ["x.com/b@v1.0.0", "x.com/c@v1.0.0", "x.com/g@v1.0.0"], go="1.16"
    )


def plugin() -> ArtifactGraph:
    return artifact(
        "plugins/p",
        "x.com/plugin",
        ["x.com/b@v1.0.0", "x.com/f@v1.0.0"],
        go="1.16",
        extra="replace x.com/f => x.com/fork v1.0.1\n",
    )


# --- explain ----------------------------------------------------------------------------


def test_selected_version_chains_requirers_and_lost_versions() -> None:
    why = explain([pruned_host()], "x.com/d").whys[0]
    assert why.selected == "v1.2.0"
    assert why.target == MV("x.com/d", "v1.2.0")
    assert why.chains == ((HOST, MV("x.com/d", "v1.2.0")),)
    assert why.chains_total == 1
    # c@v1.0.0 is in the graph, but pruned: its requirement on d was never read.
    assert why.required_by == (HOST,)
    (lost,) = why.others
    assert lost.version == "v1.1.0"
    assert lost.required_by == (MV("x.com/b", "v1.0.0"),)
    assert lost.chain == (HOST, MV("x.com/b", "v1.0.0"), MV("x.com/d", "v1.1.0"))


def test_every_shortest_chain_counted_first_is_go_find_path() -> None:
    host = diamond_host()
    why = explain([host], "x.com/e", limit=5).whys[0]
    c, g = MV("x.com/c", "v1.0.0"), MV("x.com/g", "v1.0.0")
    d, e = MV("x.com/d", "v1.2.0"), MV("x.com/e", "v1.0.0")
    assert why.chains_total == 2
    assert why.chains == ((HOST, c, d, e), (HOST, g, d, e))
    assert host.graph.find_path(e) == why.chains[0]
    limited = explain([host], "x.com/e", limit=1).whys[0]
    assert limited.chains == ((HOST, c, d, e),)
    assert limited.chains_total == 2
    text = explain_text([explain([host], "x.com/e", limit=1)])
    assert "(1 of 2 shortest chains shown)" in text


def test_count_shortest_chains() -> None:
    host = diamond_host()
    g = requirement_graph(host.graph)
    assert count_shortest_chains(g, HOST, MV("x.com/d", "v1.2.0")) == 2
    assert count_shortest_chains(g, HOST, MV("x.com/d", "v1.1.0")) == 1
    assert count_shortest_chains(g, HOST, HOST) == 1
    assert count_shortest_chains(g, MV("x.com/e", "v1.0.0"), HOST) == 0
    assert count_shortest_chains(g, HOST, MV("x.com/nope", "v1.0.0")) == 0


def test_explicit_version_missing_module_and_main_module() -> None:
    arts = [pruned_host(), plugin()]
    lost = explain(arts, "x.com/d", "v1.1.0")
    host_why, plugin_why = lost.whys
    assert host_why.target == MV("x.com/d", "v1.1.0")
    assert host_why.chains == ((HOST, MV("x.com/b", "v1.0.0"), MV("x.com/d", "v1.1.0")),)
    assert [o.version for o in host_why.others] == ["v1.2.0"]
    # The plugin selects d v1.1.0 (through b), and its chain says so.
    assert plugin_why.selected == "v1.1.0"
    assert plugin_why.target == MV("x.com/d", "v1.1.0")
    assert lost.conflict
    absent = explain(arts, "x.com/d", "v1.0.5").whys[0]
    assert absent.target is None
    assert absent.chains == ()
    assert absent.selected == "v1.2.0"
    assert "no go.mod in its module graph requires x.com/d@v1.0.5" in explain_text(
        [explain(arts, "x.com/d", "v1.0.5")]
    )
    missing = explain(arts, "x.com/f").whys[0]
    assert missing.selected is None
    assert missing.chains == ()
    assert missing.others == ()
    main = explain(arts, "x.com/plugin").whys[1]
    assert main.selected == ""
    assert main.chains == ((MV("x.com/plugin"),),)
    text = explain_text([explain(arts, "x.com/f"), explain(arts, "x.com/plugin")])
    assert "host: not in the build list\n" in text
    assert "plugins/p: x.com/fork v1.0.1" not in text
    assert "plugins/p: v1.0.0 => x.com/fork v1.0.1\n" in text
    assert "plugins/p: the main module\n" in text


def test_explain_text_and_json() -> None:
    arts = [pruned_host(), plugin()]
    answers = [explain(arts, "x.com/d"), explain(arts, "x.com/e")]
    text = explain_text(answers)
    assert text.splitlines()[:5] == [
        "# x.com/d",
        "host: v1.2.0",
        "\tx.com/host -> x.com/d@v1.2.0",
        "\tv1.1.0 lost to MVS: x.com/host -> x.com/b@v1.0.0 -> x.com/d@v1.1.0",
        "plugins/p: v1.1.0",
    ]
    assert "conflict: host has v1.2.0, plugins/p has v1.1.0" in text
    doc = json.loads(explain_json(answers, "host", ["plugins/p"]))
    assert doc["schema"] == EXPLAIN_SCHEMA
    assert [m["module"] for m in doc["modules"]] == ["x.com/d", "x.com/e"]
    d = doc["modules"][0]
    assert d["conflict"] is True
    host = d["artifacts"][0]
    assert host["selected"] == "v1.2.0"
    assert host["chains"] == [["x.com/host", "x.com/d@v1.2.0"]]
    assert host["others"][0]["chain"][-1] == "x.com/d@v1.1.0"
    e = doc["modules"][1]
    assert e["conflict"] is False
    assert [a["selected"] for a in e["artifacts"]] == ["v1.0.0", None]


# --- one artifact's graph ---------------------------------------------------------------


def test_mod_graph_text() -> None:
    host = artifact("host", "x.com/host", ["x.com/c@v1.0.0"])
    # Roots in ModSort order (go sorts before x.com), then breadth-first; c's duplicate
    # requirement is printed twice; d@v1.2.0 is pruned out (never read).
    assert mod_graph(host.graph) == (
        "x.com/host go@1.21\n"
        "x.com/host x.com/c@v1.0.0\n"
        "go@1.21 toolchain@go1.21\n"
        "x.com/c@v1.0.0 x.com/d@v1.2.0\n"
        "x.com/c@v1.0.0 x.com/d@v1.2.0\n"
    )
    assert walk_breadth_first(host.graph) == [
        HOST,
        MV("go", "1.21"),
        MV("x.com/c", "v1.0.0"),
        MV("toolchain", "go1.21"),
        MV("x.com/d", "v1.2.0"),
    ]
    edges = {tuple(line.split()) for line in mod_graph(host.graph).splitlines()}
    g = requirement_graph(host.graph)
    assert {(str(a), str(b)) for a, b in g.edges} == edges


# --- every artifact ---------------------------------------------------------------------


@pytest.fixture
def merged() -> UnionGraph:
    host = artifact(
        "host",
        "x.com/host",
        ["x.com/a@v1.0.0", "x.com/b@v1.0.0", "x.com/d@v1.2.0", "x.com/f@v1.0.0"],
    )
    return union_graph([host, plugin()])


def test_union_graph_nodes_edges_and_conflicts(merged: UnionGraph) -> None:
    ids = [n.id for n in merged.nodes]
    assert "go@1.21" not in ids
    assert not any(i.startswith("toolchain@") for i in ids)
    by_id = {n.id: n for n in merged.nodes}
    assert by_id["x.com/host"].main_of == "host"
    assert by_id["x.com/plugin"].main_of == "plugins/p"
    assert by_id["x.com/b@v1.0.0"].artifacts == ("host", "plugins/p")
    assert by_id["x.com/b@v1.0.0"].selected_by == ("host", "plugins/p")
    assert not by_id["x.com/b@v1.0.0"].conflict
    # d: host selects v1.2.0, the plugin v1.1.0; both selected nodes are conflicts.
    assert by_id["x.com/d@v1.2.0"].conflict
    assert by_id["x.com/d@v1.2.0"].selected_by == ("host",)
    assert by_id["x.com/d@v1.1.0"].conflict
    assert by_id["x.com/d@v1.1.0"].selected_by == ("plugins/p",)
    assert by_id["x.com/d@v1.1.0"].artifacts == ("host", "plugins/p")
    # f: same version, but the plugin replaces it: a conflict too.
    assert [c.path for c in merged.conflicts] == ["x.com/d", "x.com/f"]
    f = merged.conflicts[1]
    assert [(name, e.replacement) for name, e in f.versions] == [
        ("host", None),
        ("plugins/p", MV("x.com/fork", "v1.0.1")),
    ]
    edges = {(str(e.source), str(e.target)): e.artifacts for e in merged.edges}
    assert edges[("x.com/b@v1.0.0", "x.com/d@v1.1.0")] == ("host", "plugins/p")
    assert edges[("x.com/host", "x.com/d@v1.2.0")] == ("host",)
    assert find_conflicts(merged.artifacts) == merged.conflicts
    implicit = union_graph(merged.artifacts, implicit=True)
    assert "go@1.21" in [n.id for n in implicit.nodes]


# pydot's grammar still calls pyparsing names that pyparsing deprecates.
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_dot_parses_with_every_node_and_edge(merged: UnionGraph) -> None:
    (dot,) = pydot.graph_from_dot_data(graph_dot(merged))
    names = {n.get_name().strip('"') for n in dot.get_nodes()} - {"node"}
    assert names == {n.id for n in merged.nodes}
    edges = {(e.get_source().strip('"'), e.get_destination().strip('"')) for e in dot.get_edges()}
    assert edges == {(str(e.source), str(e.target)) for e in merged.edges}
    conflict = dot.get_node('"x.com/d@v1.2.0"')[0]
    assert conflict.get("fillcolor") == '"#ffd6d6"'
    assert "selected by host" in conflict.get("label")


MERMAID_NODE = re.compile(r'^  (n\d+)\["([^"]*)"\]$')
MERMAID_EDGE = re.compile(r"^  (n\d+) --> (n\d+)$")
MERMAID_CLASS = re.compile(r"^  class (n\d+(?:,n\d+)*) (main|conflict|lost)$")


def test_mermaid_statements_and_ids(merged: UnionGraph) -> None:
    lines = graph_mermaid(merged).splitlines()
    assert lines[0] == "flowchart LR"
    labels: dict[str, str] = {}
    edges = set()
    classes: dict[str, set[str]] = {}
    for line in lines[1:]:
        if m := MERMAID_NODE.match(line):
            labels[m[1]] = m[2]
        elif m := MERMAID_EDGE.match(line):
            edges.add((m[1], m[2]))
        elif m := MERMAID_CLASS.match(line):
            classes[m[2]] = set(m[1].split(","))
        else:
            assert line.startswith("  classDef "), line
    # Each node's label starts with its module path; ids are n0, n1... in node order.
    id_of = {}
    for i, n in enumerate(merged.nodes):
        assert labels[f"n{i}"].split("<br/>")[0] == n.module.path
        id_of[n.module] = f"n{i}"
    assert edges == {(id_of[e.source], id_of[e.target]) for e in merged.edges}
    assert classes["conflict"] == {id_of[n.module] for n in merged.nodes if n.conflict}
    assert classes["main"] == {id_of[HOST], id_of[MV("x.com/plugin")]}
    assert "lost" not in classes
    alone = graph_mermaid(union_graph([pruned_host()]))
    lost = [line for line in alone.splitlines() if line.endswith(" lost")]
    nodes = [line for line in alone.splitlines() if "x.com/d<br/>v1.1.0" in line]
    assert len(lost) == 1
    assert len(nodes) == 1
    assert lost[0] == f"  class {nodes[0].split('[')[0].strip()} lost"


def test_graph_json(merged: UnionGraph) -> None:
    doc = json.loads(graph_json(merged, "host", ["plugins/p"]))
    assert doc["schema"] == GRAPH_SCHEMA
    assert [a["name"] for a in doc["artifacts"]] == ["host", "plugins/p"]
    assert doc["artifacts"][0]["go"] == "1.21"
    assert doc["artifacts"][1]["go"] == "1.16"
    assert doc["artifacts"][1]["selected"]["x.com/f"] == {
        "version": "v1.0.0",
        "replacement": {"path": "x.com/fork", "version": "v1.0.1"},
    }
    ids = {n["id"] for n in doc["nodes"]}
    assert all(e["from"] in ids and e["to"] in ids for e in doc["edges"])
    assert [c["module"] for c in doc["conflicts"]] == ["x.com/d", "x.com/f"]
    assert {n["id"] for n in doc["nodes"] if n["conflict"]} == {
        "x.com/d@v1.1.0",
        "x.com/d@v1.2.0",
        "x.com/f@v1.0.0",
    }
