"""The lossless go.mod syntax tree: every token, comment and blank line, with positions.

This mirrors golang.org/x/mod/modfile's FileSyntax: a file is a list of statements,
each a :class:`Line`, a :class:`LineBlock` (``verb ( ... )``) or a :class:`CommentBlock`
(a group of whole-line comments followed by a blank line). Comments hang off the node
they belong to (``before``, ``suffix``, ``after``), so editing one line never loses
another line's comments. Nodes are mutable: the editor changes them in place.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "Comment",
    "CommentBlock",
    "Comments",
    "Expr",
    "FileSyntax",
    "LParen",
    "Line",
    "LineBlock",
    "Position",
    "RParen",
]


@dataclass(frozen=True, slots=True)
class Position:
    """A place in the file: line and rune column counted from 1, byte offset from 0."""

    line: int = 0
    line_rune: int = 0
    byte: int = 0


@dataclass(slots=True)
class Comment:
    """One ``//`` comment; ``token`` keeps the slashes, ``suffix`` marks end-of-line ones."""

    start: Position
    token: str
    suffix: bool = False


@dataclass(slots=True)
class Comments:
    """The comments attached to a node: whole-line ones before it, end-of-line ones
    after it on the same line, and (for the file and blocks) trailing ones."""

    before: list[Comment] = field(default_factory=list)
    suffix: list[Comment] = field(default_factory=list)
    after: list[Comment] = field(default_factory=list)


@dataclass(slots=True, kw_only=True)
class Expr:
    """Base of every statement node."""

    comments: Comments = field(default_factory=Comments)
    start: Position = field(default_factory=Position)


@dataclass(slots=True, kw_only=True)
class CommentBlock(Expr):
    """A group of whole-line comments standing on their own."""


@dataclass(slots=True, kw_only=True)
class Line(Expr):
    """One statement: its tokens (strings keep their quotes) and whether it sits in a block."""

    tokens: list[str] = field(default_factory=list)
    in_block: bool = False
    end: Position = field(default_factory=Position)


@dataclass(slots=True, kw_only=True)
class LParen:
    """The ``(`` of a block."""

    comments: Comments = field(default_factory=Comments)
    pos: Position = field(default_factory=Position)


@dataclass(slots=True, kw_only=True)
class RParen:
    """The ``)`` of a block; comments standing before it attach here as ``before``."""

    comments: Comments = field(default_factory=Comments)
    pos: Position = field(default_factory=Position)


@dataclass(slots=True, kw_only=True)
class LineBlock(Expr):
    """A factored block ``verb ( lines )``; ``tokens`` are the tokens before ``(``."""

    lparen: LParen = field(default_factory=LParen)
    tokens: list[str] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    rparen: RParen = field(default_factory=RParen)


@dataclass(slots=True)
class FileSyntax:
    """A whole go.mod: its display name, file-level comments and its statements."""

    name: str
    comments: Comments = field(default_factory=Comments)
    stmts: list[Expr] = field(default_factory=list)

    def cleanup(self) -> None:
        """Drop deleted lines (those left with no tokens) and blocks left with none.

        A block holding exactly one line becomes that single line, carrying the block's
        comments, unless comments stand before its ``)``. The line object itself is kept
        (only its fields change), so views that point at it stay valid.
        """
        stmts: list[Expr] = []
        for stmt in self.stmts:
            if isinstance(stmt, Line):
                if not stmt.tokens:
                    continue
            elif isinstance(stmt, LineBlock):
                live = [line for line in stmt.lines if line.tokens]
                if not live:
                    continue
                if len(live) == 1 and not stmt.rparen.comments.before:
                    line = live[0]
                    line.comments = Comments(
                        before=stmt.comments.before + line.comments.before,
                        suffix=line.comments.suffix + stmt.comments.suffix,
                        after=line.comments.after + stmt.comments.after,
                    )
                    line.tokens = stmt.tokens + line.tokens
                    line.in_block = False
                    line.start = Position()
                    line.end = Position()
                    stmts.append(line)
                    continue
                stmt.lines = live
            stmts.append(stmt)
        self.stmts = stmts
