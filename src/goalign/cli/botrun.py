"""``goalign solve --write --branch``: commit the alignment and say what was done."""

from __future__ import annotations

import sys

from goalign.align import Alignment
from goalign.bot import BotOptions, Commit
from goalign.bot import publish as commit_all
from goalign.report import Report, to_markdown

__all__ = ["publish"]


def publish(result: Alignment, options: BotOptions, report: Report) -> list[Commit]:
    """Commit ``result``'s changes on ``options.branch`` when the report says applied.

    Reports each commit (or why none was made) on stderr; stdout keeps the report.
    """
    if report.status != "applied" or not result.changes:
        why = "no alignment exists" if report.status == "impossible" else "already aligned"
        print(f"goalign: {why}: no branch, no commit", file=sys.stderr)
        return []
    commits = commit_all(
        result.changes, result.solution.edits, result.names, options, to_markdown(report)
    )
    for c in commits:
        print(
            f"goalign: committed {', '.join(c.files)} on branch {c.branch} "
            f"in {c.repo} ({c.sha[:12]})",
            file=sys.stderr,
        )
    if options.pr_body is not None:
        print(f"goalign: wrote the pull-request body to {options.pr_body}", file=sys.stderr)
    return commits
