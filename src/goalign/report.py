"""Rendering an alignment: the JSON report v1, text with unified diffs, and markdown.

Pure: takes the answer and returns strings. ``docs/report-schema.md`` documents the
JSON object field by field.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from goalign.solver import Conflict, Edit, Solution

__all__ = ["SCHEMA", "Change", "Report", "Status", "to_json", "to_markdown", "to_text"]

SCHEMA = "goalign.report/v1"

Status = Literal["aligned", "edits", "applied", "impossible"]


@dataclass(frozen=True)
class Change:
    """A file an alignment changes, named as the report names it."""

    name: str
    old: bytes | None
    new: bytes


@dataclass(frozen=True)
class Report:
    """Everything a rendering needs: the answer, the artifacts, the files and the costs."""

    status: Status
    solution: Solution
    host: str
    plugins: Sequence[str]
    changes: Sequence[Change]
    stats: Mapping[str, float | int]


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
        "edits": [_edit(e) for e in s.edits]
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


def _diff(change: Change) -> str:
    old = (change.old or b"").decode("utf-8", "replace").splitlines(keepends=True)
    new = change.new.decode("utf-8", "replace").splitlines(keepends=True)
    before = f"a/{change.name}" if change.old is not None else "/dev/null"
    return "".join(difflib.unified_diff(old, new, before, f"b/{change.name}"))


_HEADLINE: dict[str, str] = {
    "aligned": "aligned: every plugin shares the host's module versions; nothing to change",
    "edits": "edits needed: run with --write to apply them",
    "applied": "edits written",
    "impossible": "no alignment with --strategy {strategy}",
}


def to_text(report: Report) -> str:
    """Return the human summary: status, edits, conflicts, then a diff per changed file."""
    s = report.solution
    out = [_HEADLINE[report.status].format(strategy=s.strategy)]
    out.append(f"host: {report.host}; plugins: {', '.join(report.plugins)}")
    for e in s.edits:
        risk = " (risky)" if e.risky else ""
        reason = f": {e.reason}" if e.reason else ""
        out.append(f"  {e.artifact}: {e.op} {e.module} {e.from_} -> {e.to}{risk}{reason}")
    for v in s.violations:
        out.append(
            f"  {v.artifact}: violates {v.requirer} requires {v.module}@{v.required}"
            f" (pinned {v.pinned})"
        )
    for c in s.conflicts:
        out.append(f"conflict: {c.module}: {c.explanation}")
        for d in c.demands:
            out.append(f"  {d.format()}")
        if c.tried:
            out.append(f"  tried: {', '.join(c.tried)}")
        for option in c.options:
            out.append(f"  option: {option}")
    text = "\n".join(out) + "\n"
    diffs = "".join(_diff(c) for c in report.changes)
    return text + ("\n" + diffs if diffs else "")


def to_markdown(report: Report) -> str:
    """Return a short markdown summary: the status, a table of edits and the conflicts."""
    s = report.solution
    out = [f"### goalign: {report.status} (strategy `{s.strategy}`)", ""]
    if s.edits:
        out += [
            "| artifact | op | module | from | to | risk |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        for e in s.edits:
            risk = "risky" if e.risky else ""
            out.append(f"| {e.artifact} | {e.op} | `{e.module}` | {e.from_} | {e.to} | {risk} |")
        out.append("")
    for c in s.conflicts:
        out.append(f"- **{c.module}**: {c.explanation}")
        out += [f"  - `{d.format()}`" for d in c.demands]
        out += [f"  - option: {o}" for o in c.options]
    return "\n".join(out).rstrip("\n") + "\n"
