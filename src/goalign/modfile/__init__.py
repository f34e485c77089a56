"""Read, edit and format go.mod files exactly as the Go command does.

``parse(data, path)`` gives a :class:`File`: the directives (``file.require``, ...)
over a lossless syntax tree, so ``file.format()`` writes the bytes ``go mod edit -fmt``
would. Bad input raises :class:`ModfileError` (``path:line:col: message``).
"""

from goalign.errors import ModfileError, ModfileErrors
from goalign.modfile.format import auto_quote, format_syntax, must_quote
from goalign.modfile.read import parse_syntax
from goalign.modfile.rule import (
    Exclude,
    File,
    Go,
    Godebug,
    Ignore,
    Module,
    Replace,
    Require,
    Retract,
    Tool,
    Toolchain,
    VersionInterval,
    is_directory_path,
    is_indirect,
    parse,
    parse_lax,
)
from goalign.modfile.syntax import FileSyntax

__all__ = [
    "Exclude",
    "File",
    "FileSyntax",
    "Go",
    "Godebug",
    "Ignore",
    "ModfileError",
    "ModfileErrors",
    "Module",
    "Replace",
    "Require",
    "Retract",
    "Tool",
    "Toolchain",
    "VersionInterval",
    "auto_quote",
    "format_syntax",
    "is_directory_path",
    "is_indirect",
    "must_quote",
    "parse",
    "parse_lax",
    "parse_syntax",
]
