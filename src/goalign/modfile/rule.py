"""The meaning of a go.mod: directives read from the syntax tree, validated as Go does.

Every entry keeps a reference to its :class:`~goalign.modfile.syntax.Line`, so edits
made through this view change the tree and formatting keeps untouched comments.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from goalign.modfile.syntax import FileSyntax, Line
from goalign.module import ModuleVersion

__all__ = [
    "Exclude",
    "File",
    "Go",
    "Godebug",
    "Ignore",
    "Module",
    "Replace",
    "Require",
    "Retract",
    "Tool",
    "Toolchain",
    "VersionInterval",
]


@dataclass(slots=True)
class Module:
    """The ``module`` directive; ``deprecated`` is the Deprecated: message, if any."""

    mod: ModuleVersion
    deprecated: str = ""
    syntax: Line | None = None


@dataclass(slots=True)
class Go:
    """The ``go`` directive."""

    version: str
    syntax: Line | None = None


@dataclass(slots=True)
class Toolchain:
    """The ``toolchain`` directive."""

    name: str
    syntax: Line | None = None


@dataclass(slots=True)
class Godebug:
    """One ``godebug key=value`` setting."""

    key: str
    value: str
    syntax: Line | None = None


@dataclass(slots=True)
class Require:
    """One requirement; ``indirect`` mirrors the line's ``// indirect`` comment."""

    mod: ModuleVersion
    indirect: bool = False
    syntax: Line | None = None


@dataclass(slots=True)
class Exclude:
    """One ``exclude path version``."""

    mod: ModuleVersion
    syntax: Line | None = None


@dataclass(slots=True)
class Replace:
    """One replacement; ``old.version`` is "" for all versions, ``new.version`` is ""
    when ``new.path`` is a directory."""

    old: ModuleVersion
    new: ModuleVersion
    syntax: Line | None = None


@dataclass(frozen=True, slots=True)
class VersionInterval:
    """A closed interval of versions ``[low, high]``; a single version has low == high."""

    low: str
    high: str


@dataclass(slots=True)
class Retract:
    """One retracted version or interval and the author's rationale."""

    interval: VersionInterval
    rationale: str = ""
    syntax: Line | None = None


@dataclass(slots=True)
class Tool:
    """One ``tool path``."""

    path: str
    syntax: Line | None = None


@dataclass(slots=True)
class Ignore:
    """One ``ignore path``."""

    path: str
    syntax: Line | None = None


@dataclass(slots=True)
class File:
    """A parsed go.mod: the directives in file order, and the syntax tree they live in."""

    syntax: FileSyntax
    module: Module | None = None
    go: Go | None = None
    toolchain: Toolchain | None = None
    godebug: list[Godebug] = field(default_factory=list)
    require: list[Require] = field(default_factory=list)
    exclude: list[Exclude] = field(default_factory=list)
    replace: list[Replace] = field(default_factory=list)
    retract: list[Retract] = field(default_factory=list)
    tool: list[Tool] = field(default_factory=list)
    ignore: list[Ignore] = field(default_factory=list)
