"""Print a go.mod syntax tree in Go's standard layout, byte for byte as golang.org/x/mod.

The layout: one blank line between top-level statements, block lines indented by one
tab, tokens joined by single spaces (none inside brackets or before commas), end-of-line
comments after one space, and exactly one final newline. Tokens are printed as they are
held: the parser has already re-quoted the ones it interpreted (see :func:`auto_quote`).
"""

from __future__ import annotations

import re

from goalign.modfile.syntax import (
    Comment,
    CommentBlock,
    FileSyntax,
    Line,
    LineBlock,
    LParen,
    RParen,
)
from goalign.strconv import encode, is_print, quote, trim_space

__all__ = ["auto_quote", "format_syntax", "must_quote"]

# Printable ASCII that never needs quotes on its own (no space, quote or bracket).
_PLAIN_ASCII = re.compile(r"[!#-&*+\-./0-Z\\^_a-z|~]+")


def must_quote(s: str) -> bool:
    """Report whether ``s`` must be quoted to stand as one token on a go.mod line."""
    if _PLAIN_ASCII.fullmatch(s):
        return "//" in s or "/*" in s
    for c in s:
        if c in " \"'`":
            return True
        if c in "()[]{},":
            if len(s) > 1:
                return True
        elif not is_print(c):
            return True
    return s == "" or "//" in s or "/*" in s


def auto_quote(s: str) -> str:
    """Return ``s``, or its Go-quoted form when :func:`must_quote` says it needs one."""
    return quote(s) if must_quote(s) else s


def format_syntax(f: FileSyntax) -> bytes:
    """Return the go.mod text of ``f`` in standard layout (Go's ``modfile.Format``)."""
    p = _Printer()
    p.file(f)
    out = p.out
    # At most one newline at the end, and none in an empty file.
    while out.endswith(b"\n") and (len(out) == 1 or out[-2:-1] == b"\n"):
        del out[-1]
    return bytes(out)


_Node = CommentBlock | Line | LineBlock | LParen | RParen


class _Printer:
    """The output so far, the end-of-line comments waiting for the line to end, and the
    indent (in tabs)."""

    def __init__(self) -> None:
        self.out = bytearray()
        self.pending: list[Comment] = []
        self.margin = 0

    def write(self, s: str) -> None:
        self.out += encode(s)

    def indent(self) -> int:
        """Return how many bytes the current line holds."""
        return len(self.out) - (self.out.rfind(b"\n") + 1)

    def trim(self) -> None:
        """Remove spaces and tabs from the end of the current line."""
        n = len(self.out)
        while n > 0 and self.out[n - 1] in b" \t":
            n -= 1
        del self.out[n:]

    def newline(self) -> None:
        """End the line, flushing pending end-of-line comments; never a second blank
        line, nor one at the top of the file."""
        if self.pending:
            self.write(" ")
            for i, com in enumerate(self.pending):
                if i > 0:
                    self.trim()
                    self.write("\n" + "\t" * self.margin)
                self.write(trim_space(com.token))
            self.pending = []
        self.trim()
        out = self.out
        if out and not (len(out) >= 2 and out[-2:] == b"\n\n"):
            out += b"\n"
        self.write("\t" * self.margin)

    def file(self, f: FileSyntax) -> None:
        for com in f.comments.before:
            self.write(trim_space(com.token))
            self.newline()
        for i, stmt in enumerate(f.stmts):
            node = _node(stmt)
            self.expr(node)
            if not isinstance(node, CommentBlock):
                self.newline()
            for com in stmt.comments.after:
                self.write(trim_space(com.token))
                self.newline()
            if i + 1 < len(f.stmts):
                self.newline()

    def expr(self, x: _Node) -> None:
        before = x.comments.before
        if before:
            # Whole-line comments start their own line, at the current margin.
            self.trim()
            if self.indent() > 0:
                self.write("\n")
            self.write("\t" * self.margin)
            for com in before:
                self.write(trim_space(com.token))
                self.newline()
        if isinstance(x, LParen):
            self.write("(")
        elif isinstance(x, RParen):
            self.write(")")
        elif isinstance(x, Line):
            self.tokens(x.tokens)
        elif isinstance(x, LineBlock):
            self.tokens(x.tokens)
            self.write(" ")
            self.expr(x.lparen)
            self.margin += 1
            for line in x.lines:
                self.newline()
                self.expr(line)
            self.margin -= 1
            self.newline()
            self.expr(x.rparen)
        self.pending.extend(x.comments.suffix)

    def tokens(self, tokens: list[str]) -> None:
        sep = ""
        for t in tokens:
            if t in (",", ")", "]", "}"):
                sep = ""
            self.write(sep + t)
            sep = "" if t in ("(", "[", "{") else " "


def _node(stmt: object) -> _Node:
    if isinstance(stmt, CommentBlock | Line | LineBlock):
        return stmt
    raise TypeError(f"printer: unexpected statement type {type(stmt).__name__}")
