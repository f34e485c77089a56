"""The exit codes every goalign command uses (DESIGN.md, "Contracts")."""

from __future__ import annotations

from enum import IntEnum

__all__ = ["ExitCode"]


class ExitCode(IntEnum):
    """What a goalign process tells its caller."""

    OK = 0
    """Aligned, or the requested edits were written."""
    EDITS_NEEDED = 1
    """A dry run found edits to make (or files that are not formatted)."""
    BAD_INPUT = 2
    """Bad usage or bad input; the message names the file and line."""
    IMPOSSIBLE = 3
    """No alignment exists under the chosen strategy."""
    NETWORK = 4
    """The module proxy or network failed after retries, or --offline missed the cache."""
