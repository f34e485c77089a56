"""Rendering an alignment: the JSON report v1, text for a terminal, and a Markdown
pull-request body with a Mermaid graph of the requirement chains.

Pure: takes the answer and returns strings. The text is written as is without colour
and rendered by rich with it, so rich is imported only for colour.
``docs/report-schema.md`` documents the JSON object field by field and
``docs/report-schema.json`` is its JSON Schema.
"""

from __future__ import annotations

import difflib
import io
import json
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from goalign import semver
from goalign.module import ModuleVersion
from goalign.mvs import BuildList, BuildListEntry
from goalign.solver import Conflict, Demand, Edit, Solution

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

__all__ = [
    "SCHEMA",
    "Change",
    "Move",
    "Report",
    "Status",
    "mermaid",
    "moves",
    "summary",
    "to_dict",
    "to_json",
    "to_markdown",
    "to_text",
]

SCHEMA = "goalign.report/v1"

Status = Literal["aligned", "edits", "applied", "impossible"]

#: The most edges a Mermaid graph gets; a larger one is cut and says so.
MAX_GRAPH_EDGES = 80


@dataclass(frozen=True)
class Change:
    """A file an alignment changes, named as the report names it."""

    name: str
    old: bytes | None
    new: bytes


@dataclass(frozen=True)
class Report:
    """Everything a rendering needs: the answer, the artifacts, the files and the costs.

    ``before`` and ``after`` map artifact names to their build lists as the go.mod
    files stand and once the edits are made (either may be empty: the renderings then
    fall back on the solution's shared modules). ``command`` is the command line that
    reproduces the report, shown in the Markdown body.
    """

    status: Status
    solution: Solution
    host: str
    plugins: Sequence[str]
    changes: Sequence[Change]
    stats: Mapping[str, float | int]
    before: Mapping[str, BuildList] = field(default_factory=dict)
    after: Mapping[str, BuildList] = field(default_factory=dict)
    command: str = ""

    @property
    def artifacts(self) -> list[str]:
        """Return the host's name, then the plugins' in order."""
        return [self.host, *self.plugins]


# --- JSON -----------------------------------------------------------------------------


def _file_of(edit: Edit) -> str:
    return f"{edit.artifact}/go.mod"


def _edit(edit: Edit) -> dict[str, Any]:
    return {
        "artifact": edit.artifact,
        "file": _file_of(edit),
        "op": edit.op,
        "module": edit.module,
        "from": edit.from_,
        "to": edit.to,
        "risk": "risky" if edit.risky else "safe",
        "reason": edit.reason,
    }


def _conflict(c: Conflict) -> dict[str, Any]:
    return {
        "module": c.module,
        "demands": [
            {
                "artifact": d.artifact,
                "chain": [str(m) for m in d.chain],
                "module": d.module,
                "version": d.version,
                "other": d.other,
                "text": d.format(),
            }
            for d in c.demands
        ],
        "tried": list(c.tried),
        "explanation": c.explanation,
        "options": list(c.options),
    }


def _host_first(host: str, edits: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return edits with the host's (go.mod, then go.sum) before every plugin's, the
    rest in their order: a host upgrade is reported apart from the plugin edits."""
    return [e for e in edits if e["artifact"] == host] + [e for e in edits if e["artifact"] != host]


def to_dict(report: Report) -> dict[str, Any]:
    """Return the report v1 object (see docs/report-schema.md)."""
    s = report.solution
    return {
        "schema": SCHEMA,
        "status": report.status,
        "strategy": s.strategy,
        "host": report.host,
        "plugins": list(report.plugins),
        "shared": [
            {"module": m.path, "versions": dict(m.versions), "target": m.target} for m in s.shared
        ],
        "edits": _host_first(
            report.host,
            [_edit(e) for e in s.edits]
            + [
                {
                    "artifact": c.name.rsplit("/", 1)[0],
                    "file": c.name,
                    "op": "sum",
                    "module": "",
                    "from": "",
                    "to": "",
                    "risk": "safe",
                    "reason": "go.sum lines for the new build list",
                }
                for c in report.changes
                if c.name.endswith("/go.sum")
            ],
        ),
        "conflicts": [_conflict(c) for c in s.conflicts],
        "violations": [
            {
                "artifact": v.artifact,
                "requirer": str(v.requirer),
                "module": v.module,
                "required": v.required,
                "pinned": v.pinned,
            }
            for v in s.violations
        ],
        "stats": dict(report.stats),
    }


def to_json(report: Report) -> str:
    """Return the report v1 as JSON text with sorted keys and a final newline."""
    return json.dumps(to_dict(report), indent=2, sort_keys=True) + "\n"


# --- what moves -----------------------------------------------------------------------


def _shown(entry: BuildListEntry | None) -> str:
    """Return what an artifact selects for a module: ``v1.2.0``, ``v1.3.0 => v1.2.0``
    (replaced by the same path), ``v1.2.0 => other/path v1.2.1`` or a directory."""
    if entry is None:
        return "-"
    r = entry.replacement
    if r is None:
        return entry.version
    if r.path == entry.path:
        return f"{entry.version} => {r.version}"
    return f"{entry.version} => {r.path} {r.version}".rstrip()


def _effective(entry: BuildListEntry | None) -> ModuleVersion | None:
    if entry is None:
        return None
    r = entry.replacement
    if r is None:
        return entry.module
    return r


@dataclass(frozen=True)
class Move:
    """One shared module across the artifacts: what each selects before and after.

    ``cells`` holds one text per artifact (host first): ``v1.2.0`` when it stays,
    ``v1.1.0 -> v1.2.0`` when it moves, ``-`` when the artifact does not have it.
    ``direction`` is ``up``, ``down``, ``up/down``, ``replace`` or empty (no move);
    ``risk`` is ``risky`` when an edit of it is risky or a pin breaks a requirement,
    ``safe`` when it moves otherwise, empty when it does not move.
    """

    module: str
    cells: tuple[str, ...]
    direction: str
    risk: str

    @property
    def moved(self) -> bool:
        """Report whether any artifact's selection of the module changes."""
        return bool(self.direction)


def moves(report: Report) -> list[Move]:
    """Return every module shared by two or more artifacts (before or after the edits),
    sorted by path, with each artifact's selection before and after."""
    names = report.artifacts
    s = report.solution
    risky = {e.module for e in s.edits if e.risky} | {v.module for v in s.violations}
    mains = {bl.main.path for bl in (*report.before.values(), *report.after.values())}
    if not report.before and not report.after:
        return [
            Move(m.path, tuple(dict(m.versions).get(n, "-") for n in names), "", "")
            for m in s.shared
        ]
    count: dict[str, set[str]] = {}
    for lists in (report.before, report.after):
        for name, bl in lists.items():
            for e in bl.entries[1:]:
                if e.path not in mains:
                    count.setdefault(e.path, set()).add(name)
    out: list[Move] = []
    for path in sorted(p for p, who in count.items() if len(who) >= 2):
        cells: list[str] = []
        ups = downs = replaced = False
        for name in names:
            b_list = report.before.get(name)
            a_list = report.after.get(name, b_list)
            b = b_list.get(path) if b_list is not None else None
            a = a_list.get(path) if a_list is not None else None
            before, after = _shown(b), _shown(a)
            if before == after:
                cells.append(before)
                continue
            cells.append(f"{before} -> {after}")
            eb, ea = _effective(b), _effective(a)
            if eb is None or ea is None or eb.path != ea.path:
                if eb is None:
                    ups = True
                elif ea is None:
                    downs = True
                else:
                    replaced = True
                continue
            c = semver.compare(eb.version, ea.version)
            ups |= c < 0
            downs |= c > 0
            replaced |= c == 0
        direction = "/".join(
            w for w, on in (("up", ups), ("down", downs), ("replace", replaced)) if on
        )
        risk = ("risky" if path in risky else "safe") if direction else ""
        out.append(Move(path, tuple(cells), direction, risk))
    return out


# --- summary line ---------------------------------------------------------------------


def _n(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else plural or word + 's'}"


def _who(report: Report, edits: Sequence[Edit]) -> str:
    touched = {e.artifact for e in edits}
    plugins = [p for p in report.plugins if p in touched]
    parts = []
    if report.host in touched:
        parts.append("the host")
    if plugins:
        parts.append(_n(len(plugins), "plugin"))
    return " and ".join(parts) or "no artifact"


def summary(report: Report) -> str:
    """Return the one-line summary that heads every rendering (and all --quiet prints)."""
    s = report.solution
    if report.status == "aligned":
        return "aligned: every plugin shares the host's module versions; nothing to change"
    if report.status == "impossible":
        modules = ", ".join(c.module for c in s.conflicts)
        return (
            f"no alignment with --strategy {s.strategy}: "
            f"{_n(len(s.conflicts), 'conflict')} ({modules})"
        )
    edits = s.edits
    risky = sum(e.risky for e in edits)
    what = f"{_n(len(edits), 'edit')} to {_who(report, edits)}"
    if risky:
        what += f" ({risky} risky)"
    files = _n(len(report.changes), "file")
    if report.status == "applied":
        return f"edits written: {what}, {files} changed"
    return f"edits needed: {what}, {files} to change; run with --write to apply them"


# --- text -----------------------------------------------------------------------------


def _diff(change: Change) -> str:
    old = (change.old or b"").decode("utf-8", "replace").splitlines(keepends=True)
    new = change.new.decode("utf-8", "replace").splitlines(keepends=True)
    before = f"a/{change.name}" if change.old is not None else "/dev/null"
    return "".join(difflib.unified_diff(old, new, before, f"b/{change.name}"))


class _Line:
    """A line of text output as styled pieces; made a rich Text only when printed in
    colour."""

    def __init__(self, text: str = "", style: str = "") -> None:
        self.pieces: list[tuple[str, str]] = [(text, style)]

    def append(self, text: str, style: str = "") -> None:
        self.pieces.append((text, style))

    @property
    def plain(self) -> str:
        return "".join(text for text, _ in self.pieces)

    def rich(self) -> Text:
        from rich.text import Text

        (first, base), *rest = self.pieces
        out = Text(first, style=base)  # the first piece's style is the line's
        for text, style in rest:
            out.append(text, style=style)
        return out


def _cell_len(text: str) -> int:
    """Return the terminal columns text takes."""
    if text.isascii() and text.isprintable():
        return len(text)
    from rich.cells import cell_len

    return cell_len(text)


def _console(buffer: io.StringIO, *, color: bool, width: int) -> Console:
    from rich.console import Console

    return Console(
        file=buffer,
        width=width,
        force_terminal=color,
        color_system="standard" if color else None,
        no_color=not color,
        markup=False,
        highlight=False,
        emoji=False,
        soft_wrap=True,
        legacy_windows=False,
    )


def _headers(report: Report) -> list[str]:
    """Return the table's artifact column headers."""
    return [
        f"{name} (host)" if name == report.host and name != "host" else name
        for name in report.artifacts
    ]


def _table_cells(report: Report, rows: Sequence[Move]) -> list[list[str]]:
    """Return the moves table's rows of cells, the header's first."""
    header = ["module", *_headers(report), "direction", "risk"]
    return [header, *([r.module, *r.cells, r.direction, r.risk] for r in rows)]


def _column_widths(cells: list[list[str]]) -> list[int]:
    return [max(_cell_len(c) for c in column) for column in zip(*cells, strict=True)]


def _table_width(report: Report, rows: Sequence[Move]) -> int:
    """Return the width the moves table needs with no cell cut (one space each side
    of a column rule)."""
    widths = _column_widths(_table_cells(report, rows))
    return sum(widths) + 3 * (len(widths) - 1)


def _plain_table(report: Report, rows: Sequence[Move]) -> list[str]:
    """Return the lines of the moves table as rich prints it without colour when it
    fits (every column as wide as its widest cell, three spaces apart, a rule under
    the header), right-stripped; rich is needed only for colour."""
    cells = _table_cells(report, rows)
    widths = _column_widths(cells)

    def row(values: list[str]) -> str:
        padded = (v + " " * (w - _cell_len(v)) for v, w in zip(values, widths, strict=True))
        return "   ".join(padded).rstrip()

    rule = "\u2500" * (sum(widths) + 3 * (len(widths) - 1))
    return [row(cells[0]), rule, *(row(values) for values in cells[1:])]


def _move_line(report: Report, row: Move) -> _Line:
    """Return a move as one line: ``module (direction, risk): artifact before -> after, ...``."""
    line = _Line("  ")
    line.append(row.module, style="bold" if row.moved else "")
    line.append(f" ({row.direction}, {row.risk}):" if row.moved else ":")
    held = [(n, c) for n, c in zip(_headers(report), row.cells, strict=True) if c != "-"]
    for k, (name, cell) in enumerate(held):
        line.append(f"{',' if k else ''} {name} ")
        line.append(cell, style="yellow" if "->" in cell else "")
    return line


def _moves_table(report: Report, rows: Sequence[Move]) -> Table:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False, header_style="bold")
    table.add_column("module", no_wrap=True)
    for header in _headers(report):
        table.add_column(header, no_wrap=True)
    table.add_column("direction", no_wrap=True)
    table.add_column("risk", no_wrap=True)
    for row in rows:
        risk_style = "red" if row.risk == "risky" else ""
        table.add_row(
            Text(row.module, style="bold" if row.moved else ""),
            *(Text(c, style="yellow" if "->" in c else "") for c in row.cells),
            Text(row.direction),
            Text(row.risk, style=risk_style),
        )
    return table


def _stats_line(report: Report) -> str:
    st = report.stats
    return (
        f"stats: {_n(int(st.get('modules', 0)), 'module')}, "
        f"{_n(int(st.get('requests', 0)), 'proxy request')}, "
        f"{_n(int(st.get('cache_hits', 0)), 'cache hit')}, {st.get('seconds', 0)} s"
    )


def to_text(
    report: Report,
    *,
    quiet: bool = False,
    verbose: bool = False,
    color: bool = False,
    width: int = 200,
) -> str:
    """Return the human report: the summary line, a table of the shared modules that
    move, the edits, conflicts with their requirement chains, then a diff per file.

    ``quiet`` gives the summary line alone; ``verbose`` adds every shared module (not
    only those that move), the versions each conflict tried and the request figures.
    ``color`` adds ANSI styles; ``width`` bounds the table (a column never wraps).
    """
    buffer = io.StringIO()
    consoles: list[Console] = []

    def line(text: _Line | None = None) -> None:
        # Without colour a printable line is written as it is: rich would print the
        # same (lines are never wrapped), much slower.
        if text is None:
            buffer.write("\n")
        elif not color and text.plain.isprintable():
            buffer.write(text.plain + "\n")
        else:
            if not consoles:
                consoles.append(_console(buffer, color=color, width=width))
            consoles[0].print(text.rich())

    s = report.solution
    head_style = {"aligned": "green", "impossible": "red"}.get(report.status, "yellow")
    line(_Line(summary(report), style=f"bold {head_style}"))
    if quiet:
        return buffer.getvalue()
    line(_Line(f"host: {report.host}; plugins: {', '.join(report.plugins)}"))
    rows = moves(report)
    shown = rows if verbose else [r for r in rows if r.moved]
    if shown:
        line()
        title = "shared modules" if verbose else "shared modules that move"
        line(_Line(f"{title} ({len(shown)} of {len(rows)}):", style="bold"))
        fits = _table_width(report, shown) <= width
        if fits and not color:
            buffer.writelines(table_line + "\n" for table_line in _plain_table(report, shown))
        elif fits:
            # Rendered apart so the padding rich leaves at the ends of lines can go.
            table_buffer = io.StringIO()
            _console(table_buffer, color=color, width=width).print(_moves_table(report, shown))
            for table_line in table_buffer.getvalue().splitlines():
                buffer.write(table_line.rstrip() + "\n")
        else:
            # Too many artifacts for a table that fits: cut cells would say nothing,
            # so each module gets a line with the artifacts that link it.
            for row in shown:
                line(_move_line(report, row))
    if s.edits:
        line()
        line(_Line("edits:", style="bold"))
    for e in s.edits:
        risk = " (risky)" if e.risky else ""
        reason = f": {e.reason}" if e.reason else ""
        edit_line = _Line(f"  {e.artifact}: {e.op} {e.module} {e.from_} -> {e.to}")
        edit_line.append(risk, style="bold red")
        edit_line.append(reason)
        line(edit_line)
    for v in s.violations:
        line(
            _Line(
                f"  {v.artifact}: violates {v.requirer} requires {v.module}@{v.required}"
                f" (pinned {v.pinned})",
                style="red",
            )
        )
    for c in s.conflicts:
        line()
        line(_Line(f"conflict: {c.module}: {c.explanation}", style="bold red"))
        for d in c.demands:
            line(_Line(f"  {d.format()}"))
        if verbose and c.tried:
            line(_Line(f"  tried: {', '.join(c.tried)}"))
        for option in c.options:
            line(_Line(f"  option: {option}", style="cyan"))
    if verbose:
        line()
        line(_Line(_stats_line(report), style="dim"))
    diffs = "".join(_diff(c) for c in report.changes)
    if diffs:
        line()
        # Written as they are (rich would expand the tabs of go.mod blocks), so the
        # diff stays one that applies.
        for diff_line in diffs.splitlines(keepends=True):
            code = ""
            if color:
                if diff_line.startswith(("+++", "---")):
                    code = "1"
                elif diff_line.startswith("@@"):
                    code = "36"
                elif diff_line.startswith("+"):
                    code = "32"
                elif diff_line.startswith("-"):
                    code = "31"
            if code:
                body = diff_line.rstrip("\n")
                buffer.write(f"\x1b[{code}m{body}\x1b[0m" + diff_line[len(body) :])
            else:
                buffer.write(diff_line)
    return buffer.getvalue()


# --- Mermaid --------------------------------------------------------------------------


def _label(text: str) -> str:
    """Return text as a quoted Mermaid label: entity codes for what the flowchart
    grammar or its HTML labels would read as syntax (``"``, ``#``, ``<``, ``>``, ``&``,
    backquotes), and no line breaks. ``/``, ``.``, ``@`` and ``+`` are safe in quotes."""
    codes = {"#": "#35;", '"': "#quot;", "<": "#lt;", ">": "#gt;", "&": "#amp;", "`": "#96;"}
    escaped = "".join(codes.get(ch, ch) for ch in " ".join(text.split()))
    return f'"{escaped}"'


class _Graph:
    """A Mermaid flowchart built node by node: ids are ``n0``, ``n1``... in the order
    nodes first appear, so the same report always gives the same text."""

    def __init__(self) -> None:
        self.ids: dict[str, str] = {}
        self.lines: list[str] = []
        self.edges: set[tuple[str, str, str]] = set()
        self.classes: dict[str, set[str]] = {}
        self.cut = False

    def node(self, key: str, label: str, *, artifact: bool = False) -> str:
        nid = self.ids.get(key)
        if nid is None:
            nid = f"n{len(self.ids)}"
            self.ids[key] = nid
            shape = f"([{_label(label)}])" if artifact else f"[{_label(label)}]"
            self.lines.append(f"  {nid}{shape}")
            if artifact:
                self.mark(nid, "artifact")
        return nid

    def mark(self, nid: str, cls: str) -> None:
        self.classes.setdefault(cls, set()).add(nid)

    def edge(self, a: str, b: str, label: str = "", arrow: str = "-->") -> None:
        if (a, b, label) in self.edges or a == b:
            return
        if len(self.edges) >= MAX_GRAPH_EDGES:
            self.cut = True
            return
        self.edges.add((a, b, label))
        text = f"|{_label(label)}|" if label else ""
        self.lines.append(f"  {a} {arrow}{text} {b}")

    def chain(self, artifact: str, steps: Iterable[ModuleVersion]) -> str:
        """Draw ``artifact -> step -> ...`` and return the last node's id."""
        prev = self.node(f"artifact:{artifact}", artifact, artifact=True)
        for m in steps:
            nid = self.node(str(m), str(m))
            self.edge(prev, nid)
            prev = nid
        return prev

    def text(self) -> str:
        styles = {
            "artifact": "fill:#eef,stroke:#449",
            "moved": "fill:#efe,stroke:#393",
            "risky": "fill:#fee,stroke:#c33,stroke-width:2px",
            "conflict": "fill:#fee,stroke:#c33,stroke-dasharray:4 2",
        }
        out = ["graph LR", *self.lines]
        # A node takes one class: risky or conflicting wins over moved.
        flagged = self.classes.get("risky", set()) | self.classes.get("conflict", set())
        for cls, style in styles.items():
            members = self.classes.get(cls, set())
            if cls == "moved":
                members = members - flagged
            if members:
                out.append(f"  classDef {cls} {style}")
                out.append(f"  class {','.join(sorted(members, key=_id_order))} {cls}")
        return "\n".join(out) + "\n"


def _id_order(nid: str) -> int:
    return int(nid[1:])


def _path_to(bl: BuildList | None, target: ModuleVersion) -> list[ModuleVersion] | None:
    """Return a shortest requirement chain from bl's main module to target (main
    excluded, target included), or None when the graph does not reach it.

    A chain through a dependency is preferred over the main module's own line for
    target: an ``// indirect`` requirement only records what a dependency requires."""
    if bl is None:
        return None
    graph = bl.graph
    main = graph.main
    parent: dict[ModuleVersion, ModuleVersion | None] = {main: None}
    order = [main]
    queue = deque([main])
    while queue:
        m = queue.popleft()
        for r in graph.required_by(m) or ():
            if r not in parent:
                parent[r] = m
                if r != target:
                    queue.append(r)
                    order.append(r)
    if target not in parent:
        return None
    requirers = [n for n in order if target in (graph.required_by(n) or ())]
    via = next((n for n in requirers if n != main), main)
    out = [target]
    at: ModuleVersion | None = via
    while at is not None and at != main:
        out.append(at)
        at = parent[at]
    return out[::-1]


def _selected(bl: BuildList | None, path: str) -> ModuleVersion | None:
    if bl is None:
        return None
    if path in ("go", "toolchain"):
        v = bl.graph.selected(path)
        return ModuleVersion(path, v) if v and v != "none" else None
    e = bl.get(path)
    return e.module if e is not None else None


def _counterpart(
    report: Report, lists: Mapping[str, BuildList], artifact: str, path: str
) -> tuple[str, ModuleVersion] | None:
    """Return the artifact whose selection of path the others must match (the host
    first, then another plugin), and that selection."""
    for name in (report.host, *report.plugins):
        if name == artifact:
            continue
        m = _selected(lists.get(name), path)
        if m is not None:
            return name, m
    return None


def _draw_edit(g: _Graph, report: Report, e: Edit) -> None:
    before = report.before.get(e.artifact)
    start = ModuleVersion(e.module, e.from_) if e.from_ not in ("", "none") else None
    if e.op == "replace" and before is not None:
        start = _selected(before, e.module)
    if start is not None:
        steps = _path_to(before, start) or [start]
        old = g.chain(e.artifact, steps)
    else:
        old = g.chain(e.artifact, [])
    if e.op == "replace":
        new_label = f"{e.module} => {e.to}"
        verb = "pinned by replace"
    else:
        new_label = f"{e.module}@{e.to}" if e.to != "none" else f"{e.module} dropped"
        verb = "edit"
        if start is not None and e.op in ("require", "go", "toolchain") and e.to != "none":
            c = semver.compare(start.version, e.to) if e.op == "require" else 0
            verb = "raised to" if c < 0 else "lowered to" if c > 0 else "set to"
    new = g.node(new_label, new_label)
    g.mark(new, "risky" if e.risky else "moved")
    g.edge(old, new, verb, arrow="-.->")
    other = _counterpart(report, report.after, e.artifact, e.module)
    if other is not None and e.op == "require" and other[1].version == e.to:
        name, m = other
        steps = _path_to(report.after.get(name), m) or [m]
        g.chain(name, steps[:-1])
        prev = g.ids.get(f"artifact:{name}") if len(steps) == 1 else g.ids.get(str(steps[-2]))
        if prev is not None:
            g.edge(prev, new, f"{name} has it")


def _draw_demand(g: _Graph, report: Report, c: Conflict, d: Demand) -> None:
    chain = list(d.chain[1:])
    want = f"{d.module} >= {d.version}"
    if chain and chain[-1].path == d.module:
        chain = chain[:-1]
    last = g.chain(d.artifact, chain)
    need = g.node(f"need:{d.artifact}:{want}", want)
    g.mark(need, "conflict")
    g.edge(last, need, "requires")
    other = _counterpart(report, report.before, d.artifact, c.module)
    if other is not None:
        name, m = other
        steps = _path_to(report.before.get(name), m) or [m]
        have = g.chain(name, steps)
        g.edge(need, have, "conflicts with", arrow="-.-")


def mermaid(report: Report) -> str:
    """Return a Mermaid flowchart of the requirement chains behind each edit (the
    chain that selected the old version, the artifact whose version it must match)
    and behind each conflict; empty when there is nothing to explain."""
    g = _Graph()
    s = report.solution
    for e in s.edits:
        _draw_edit(g, report, e)
    for c in s.conflicts:
        for d in c.demands:
            _draw_demand(g, report, c, d)
    if not g.lines:
        return ""
    text = g.text()
    if g.cut:
        text += f"  %% graph cut at {MAX_GRAPH_EDGES} edges\n"
    return text


# --- Markdown -------------------------------------------------------------------------


def _cell(text: str) -> str:
    """Return text fit for one Markdown table cell."""
    return " ".join(text.split()).replace("\\", "\\\\").replace("|", "\\|") or " "


def _code(text: str) -> str:
    if not text:
        return " "
    fence = "``" if "`" in text else "`"
    pad = " " if fence == "``" else ""
    return f"{fence}{pad}{_cell(text)}{pad}{fence}"


def _why(e: Edit) -> str:
    return e.reason.removeprefix(f"{e.module} ") if e.reason else ""


def _op_label(e: Edit) -> str:
    if e.op == "require":
        return _code(e.module)
    if e.op in ("go", "toolchain"):
        return f"`{e.op}` line"
    return f"{_code(e.module)} ({e.op.replace('_', ' ')})"


def to_markdown(report: Report) -> str:
    """Return a pull-request body: the summary line, risky moves called out, a table of
    edits per artifact, conflicts explained, a Mermaid graph of the requirement chains,
    the shared modules, and the command that reproduces the report."""
    s = report.solution
    out = [f"### goalign: {summary(report)}", ""]
    host_note = (
        "the host is the baseline and stays as it is"
        if s.host is None
        else "the host is raised too (`--allow-host-upgrade`)"
    )
    out += [
        f"Strategy `{s.strategy}`; host `{report.host}`, "
        f"{_n(len(report.plugins), 'plugin')} ({', '.join(f'`{p}`' for p in report.plugins)}); "
        f"{host_note}.",
        "",
    ]
    risky = [e for e in s.edits if e.risky]
    if risky or s.violations:
        out += ["> [!WARNING]"]
        if risky:
            out.append(
                f"> **{_n(len(risky), 'risky move')}**: "
                "a requirement goes below what the plugin's own go.mod states, or a "
                "`replace` pins a version against what the module graph requires. "
                "Test these plugins before merging."
            )
            out.append(">")
            for e in risky:
                out.append(
                    f"> - `{e.artifact}`: {_op_label(e)} {_code(e.from_)} → {_code(e.to)}"
                    + (f": {_why(e)}" if _why(e) else "")
                )
        for v in s.violations:
            out.append(
                f"> - `{v.artifact}`: `{v.requirer}` requires `{v.module}@{v.required}`,"
                f" pinned to `{v.pinned}`"
            )
        out.append("")
    by_artifact: dict[str, list[Edit]] = {}
    for e in s.edits:
        by_artifact.setdefault(e.artifact, []).append(e)
    for name in report.artifacts:
        edits = by_artifact.get(name)
        if not edits:
            continue
        title = f"#### `{name}`" + (" (host)" if name == report.host else "")
        out += [title, "", "| module | from | to | why |", "| --- | --- | --- | --- |"]
        for e in edits:
            flag = " ⚠️ risky" if e.risky else ""
            out.append(
                f"| {_op_label(e)}{flag} | {_code(e.from_)} | {_code(e.to)} | {_cell(_why(e))} |"
            )
        files = [c.name for c in report.changes if c.name.rsplit("/", 1)[0] == name]
        if files:
            out += ["", "Files: " + ", ".join(f"`{f}`" for f in files)]
        out.append("")
    for c in s.conflicts:
        out += [f"#### Conflict: `{c.module}`", "", _cell(c.explanation), ""]
        out += [f"- {_code(d.format())}" for d in c.demands]
        if c.tried:
            out.append(f"- versions tried: {', '.join(_code(t) for t in c.tried)}")
        if c.options:
            out += ["", "What would change the answer:", ""]
            out += [f"- {_cell(o)}" for o in c.options]
        out.append("")
    graph = mermaid(report)
    if graph:
        out += [
            "#### Why",
            "",
            "The requirement chains behind each change: dotted arrows are the edits, "
            "red nodes risky moves or conflicting demands.",
            "",
            "```mermaid",
            graph.rstrip("\n"),
            "```",
            "",
        ]
    rows = moves(report)
    if rows:
        moved = [r for r in rows if r.moved]
        out += [
            "<details>",
            f"<summary>Shared modules ({len(moved)} of {len(rows)} move)</summary>",
            "",
            "| module | "
            + " | ".join(_cell(a) for a in report.artifacts)
            + " | direction | risk |",
            "| --- | " + " | ".join("---" for _ in report.artifacts) + " | --- | --- |",
        ]
        for r in rows:
            cells = " | ".join(_cell(c) for c in r.cells)
            out.append(f"| {_code(r.module)} | {cells} | {_cell(r.direction)} | {_cell(r.risk)} |")
        out += ["", "</details>", ""]
    if report.command:
        out += [
            "#### Reproduce",
            "",
            "In the folder the artifact paths are relative to:",
            "",
            "```sh",
            report.command,
            "```",
            "",
        ]
        if report.status == "edits":
            out += ["Add `--write` to apply the edits.", ""]
    return "\n".join(out).rstrip("\n") + "\n"
