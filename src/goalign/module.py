"""Module paths and versions: ``ModuleVersion``, path checks, major-version suffixes
and the case-encoding Go uses for proxy URLs and cache file names.

Follows golang.org/x/mod/module (module.go). Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ModuleVersion"]


@dataclass(frozen=True, slots=True, order=True)
class ModuleVersion:
    """A module path and a version; ``version`` is "" for a main module or a directory."""

    path: str
    version: str = ""

    def __str__(self) -> str:
        return f"{self.path}@{self.version}" if self.version else self.path
