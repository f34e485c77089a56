"""Rendering ``goalign explain`` and ``goalign graph``: text, JSON, DOT and Mermaid.

Pure: takes the answers of :mod:`goalign.explain` and returns strings.
``docs/graph.md`` documents the JSON objects field by field.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from goalign.explain import Chain, Explanation, Node, UnionGraph, Why
from goalign.module import ModuleVersion
from goalign.mvs import cmp_version

__all__ = [
    "EXPLAIN_SCHEMA",
    "GRAPH_SCHEMA",
    "explain_json",
    "explain_text",
    "graph_dot",
    "graph_json",
    "graph_mermaid",
]

EXPLAIN_SCHEMA = "goalign.explain/v1"
GRAPH_SCHEMA = "goalign.graph/v1"


def _chain(chain: Chain) -> str:
    return " -> ".join(map(str, chain))


def _replacement(r: ModuleVersion | None) -> dict[str, str] | None:
    return None if r is None else {"path": r.path, "version": r.version}


# --- explain ----------------------------------------------------------------------------


def _why_text(why: Why, version: str | None) -> list[str]:
    if why.selected == "":
        return [f"{why.artifact}: the main module"]
    if why.selected is None:
        return [f"{why.artifact}: not in the build list"]
    lines = [f"{why.artifact}: {why.entry}"]
    if why.target is None:
        lines.append(f"\tno go.mod in its module graph requires {why.module}@{version}")
    else:
        if version is not None:
            lines.append(f"\tchains to {why.target}:")
        lines.extend(f"\t{_chain(c)}" for c in why.chains)
        if why.chains_total > len(why.chains):
            lines.append(f"\t({len(why.chains)} of {why.chains_total} shortest chains shown)")
        shown = {c[-2] for c in why.chains if len(c) > 1}
        more = [m for m in why.required_by if m not in shown]
        if more:
            lines.append(f"\talso required by {', '.join(map(str, more))}")
    for other in why.others:
        if other.version == why.selected:
            label = "selected"
        elif cmp_version(why.module, other.version, why.selected) < 0:
            label = "lost to MVS"
        else:
            label = "also required"
        lines.append(f"\t{other.version} {label}: {_chain(other.chain)}")
        more = [m for m in other.required_by if m not in other.chain]
        if more:
            lines.append(f"\t\talso required by {', '.join(map(str, more))}")
    return lines


def explain_text(explanations: Sequence[Explanation]) -> str:
    """Return the text ``goalign explain`` prints: per module, each artifact's version and
    the requirement chains that put it there, then the conflict if any."""
    out: list[str] = []
    for ex in explanations:
        head = ex.module if ex.version is None else f"{ex.module}@{ex.version}"
        out.append(f"# {head}")
        for why in ex.whys:
            out.extend(_why_text(why, ex.version))
        if ex.conflict:
            have = [f"{w.artifact} has {w.entry}" for w in ex.whys if w.selected]
            out.append(f"conflict: {', '.join(have)}")
        out.append("")
    return "\n".join(out)


def _why_json(why: Why) -> dict[str, Any]:
    return {
        "artifact": why.artifact,
        "main": why.main,
        "selected": why.selected,
        "replacement": _replacement(why.replacement),
        "target": None if why.target is None else str(why.target),
        "chains": [[str(m) for m in c] for c in why.chains],
        "chains_total": why.chains_total,
        "required_by": [str(m) for m in why.required_by],
        "others": [
            {
                "version": o.version,
                "required_by": [str(m) for m in o.required_by],
                "chain": [str(m) for m in o.chain],
            }
            for o in why.others
        ],
    }


def explain_json(explanations: Sequence[Explanation], host: str, plugins: Sequence[str]) -> str:
    """Return the JSON object ``goalign explain --format json`` prints (docs/graph.md)."""
    doc = {
        "schema": EXPLAIN_SCHEMA,
        "host": host,
        "plugins": list(plugins),
        "modules": [
            {
                "module": ex.module,
                "version": ex.version,
                "conflict": ex.conflict,
                "artifacts": [_why_json(w) for w in ex.whys],
            }
            for ex in explanations
        ],
    }
    return json.dumps(doc, indent=2) + "\n"


# --- graph ------------------------------------------------------------------------------


def graph_json(ug: UnionGraph, host: str, plugins: Sequence[str]) -> str:
    """Return the JSON object ``goalign graph --format json`` prints (docs/graph.md)."""
    doc = {
        "schema": GRAPH_SCHEMA,
        "host": host,
        "plugins": list(plugins),
        "artifacts": [
            {
                "name": art.name,
                "module": art.main.path,
                "go": art.go,
                "toolchain": art.toolchain,
                "selected": {
                    e.path: {"version": e.version, "replacement": _replacement(e.replacement)}
                    for e in art.build_list.entries[1:]
                },
            }
            for art in ug.artifacts
        ],
        "nodes": [
            {
                "id": n.id,
                "path": n.module.path,
                "version": n.module.version,
                "main": n.main_of,
                "artifacts": list(n.artifacts),
                "selected_by": list(n.selected_by),
                "conflict": n.conflict,
                "replacements": [
                    {"artifact": name, "path": r.path, "version": r.version}
                    for name, r in n.replacements
                ],
            }
            for n in ug.nodes
        ],
        "edges": [
            {"from": str(e.source), "to": str(e.target), "artifacts": list(e.artifacts)}
            for e in ug.edges
        ],
        "conflicts": [
            {
                "module": c.path,
                "versions": [
                    {
                        "artifact": name,
                        "version": entry.version,
                        "replacement": _replacement(entry.replacement),
                    }
                    for name, entry in c.versions
                ],
            }
            for c in ug.conflicts
        ],
    }
    return json.dumps(doc, indent=2) + "\n"


def _dot_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _label_lines(node: Node) -> list[str]:
    m = node.module
    if node.main_of is not None:
        return [m.path, f"({node.main_of})"]
    lines = [m.path, m.version]
    if node.selected_by:
        lines.append("selected by " + ", ".join(node.selected_by))
    for name, r in node.replacements:
        lines.append(f"{name}: replaced by {r.path} {r.version}".rstrip())
    return lines


def graph_dot(ug: UnionGraph) -> str:
    """Return the graph in Graphviz DOT: ids are quoted ``go mod graph`` names; main
    modules are bold boxes, selected versions solid, versions no artifact selects
    dashed, and the selected versions of conflicting modules filled red."""
    out = [
        "digraph goalign {",
        "  rankdir=LR;",
        '  node [shape=box, fontname="Helvetica", fontsize=10];',
    ]
    for n in ug.nodes:
        attrs = [f"label={_dot_quote(chr(10).join(_label_lines(n)))}"]
        if n.main_of is not None:
            attrs.append('style="bold,filled", fillcolor="#dde8ff"')
        elif n.conflict:
            attrs.append('style=filled, fillcolor="#ffd6d6", color="#cc0000"')
        elif not n.selected_by:
            attrs.append('style=dashed, color="#888888", fontcolor="#888888"')
        out.append(f"  {_dot_quote(n.id)} [{', '.join(attrs)}];")
    conflicting = {n.module for n in ug.nodes if n.conflict}
    for e in ug.edges:
        attr = ' [color="#cc0000"]' if e.target in conflicting else ""
        out.append(f"  {_dot_quote(str(e.source))} -> {_dot_quote(str(e.target))}{attr};")
    out.append("}")
    return "\n".join(out) + "\n"


def _mermaid_label(text: str) -> str:
    # Module paths and versions hold only [A-Za-z0-9-._~/+@]; anything else is escaped
    # as an HTML entity, which Mermaid decodes in labels.
    return "".join(c if c.isalnum() or c in "-._~/+@() ,:" else f"#{ord(c)};" for c in text)


def graph_mermaid(ug: UnionGraph) -> str:
    """Return the graph as a Mermaid flowchart: node ids ``n0``, ``n1``... (module paths
    are labels, never ids), with classes ``main``, ``lost`` (no artifact selects it)
    and ``conflict`` (the selected versions of conflicting modules)."""
    ids = {n.module: f"n{i}" for i, n in enumerate(ug.nodes)}
    out = ["flowchart LR"]
    classes: dict[str, list[str]] = {"main": [], "conflict": [], "lost": []}
    for n in ug.nodes:
        label = "<br/>".join(_mermaid_label(line) for line in _label_lines(n))
        out.append(f'  {ids[n.module]}["{label}"]')
        if n.main_of is not None:
            classes["main"].append(ids[n.module])
        elif n.conflict:
            classes["conflict"].append(ids[n.module])
        elif not n.selected_by:
            classes["lost"].append(ids[n.module])
    for e in ug.edges:
        out.append(f"  {ids[e.source]} --> {ids[e.target]}")
    out.append("  classDef main fill:#dde8ff,stroke:#335,stroke-width:2px")
    out.append("  classDef conflict fill:#ffd6d6,stroke:#c00,stroke-width:2px")
    out.append("  classDef lost stroke-dasharray:4 3,color:#888")
    for name, members in classes.items():
        if members:
            out.append(f"  class {','.join(members)} {name}")
    return "\n".join(out) + "\n"
