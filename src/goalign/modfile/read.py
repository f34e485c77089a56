"""Read go.mod bytes into the lossless syntax tree, exactly as golang.org/x/mod/modfile.

The lexer and parser stop at the first problem (Go's parser panics there), so a syntax
error is always a single :class:`~goalign.errors.ModfileError` located where Go locates
it: at the lexer's position, which is already past the token the parser looks ahead at.

Grammar in short (go.dev/ref/mod#go-mod-file-grammar): a statement is the tokens up to
the end of its line; ``verb (`` at the end of a line opens a block of such lines that a
lone ``)`` closes. Whole-line ``//`` comments attach to the statement below them (or
stand alone when a blank line follows), end-of-line comments to the node they end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from goalign.errors import ModfileError
from goalign.modfile.syntax import (
    Comment,
    CommentBlock,
    Expr,
    FileSyntax,
    Line,
    LineBlock,
    LParen,
    Position,
    RParen,
)
from goalign.strconv import decode, encode, is_print, quote_rune, trim_space

__all__ = ["parse_syntax"]

# Token kinds; punctuation ("\n", "(", ")", "[", "]", "{", "}", ",") is its own kind.
_EOF = "EOF"
_EOLCOMMENT = "EOLCOMMENT"
_IDENT = "IDENT"
_STRING = "STRING"
_COMMENT = "COMMENT"

_PUNCT = frozenset("\n()[]{},")
_NOT_IDENT = frozenset(" ()[]{},")
_EOL = frozenset({_EOF, _EOLCOMMENT, "\n"})
# ASCII identifier characters other than "/", which needs a look at what follows it.
_ASCII_IDENT_RUN = re.compile(r"[!-'*+\-.0-Z\\^-z|~]+")


def parse_syntax(data: bytes, name: str = "go.mod") -> FileSyntax:
    """Return the syntax tree of the go.mod text ``data``; ``name`` is used in messages.

    :raises ModfileError: the first lexical or syntax error, as Go reports it.
    """
    reader = _Reader(name, decode(data))
    try:
        reader.read_token()
        reader.parse_file()
    except _Stop as stop:
        raise stop.error from None
    reader.file.name = name
    reader.assign_comments()
    return reader.file


def _is_ident(c: str) -> bool:
    return c not in _NOT_IDENT and is_print(c)


class _Stop(Exception):
    """Carries the one syntax error that ends reading."""

    def __init__(self, error: ModfileError) -> None:
        super().__init__(str(error))
        self.error = error


@dataclass(slots=True)
class _Token:
    kind: str
    pos: Position
    end: Position
    text: str


def _after(p: Position, text: str) -> Position:
    """Return the position just past ``text`` when it starts at ``p`` (no newlines)."""
    return Position(p.line, p.line_rune + len(text), p.byte + len(encode(text)))


class _Reader:
    """Lexer and parser state for one input."""

    def __init__(self, name: str, text: str) -> None:
        self.name = name
        self.text = text
        self.i = 0
        self.line = 1
        self.col = 1
        self.byte = 0
        self.token = _Token(_EOF, Position(), Position(), "")
        self.comments: list[Comment] = []  # end-of-line comments, attached at the end
        self.file = FileSyntax(name)

    # Lexing.

    def pos(self) -> Position:
        return Position(self.line, self.col, self.byte)

    def set_pos(self, p: Position) -> None:
        self.line, self.col, self.byte = p.line, p.line_rune, p.byte

    def error(self, message: str) -> _Stop:
        return _Stop(ModfileError(self.name, self.line, message, col=self.col))

    def advance(self, j: int) -> None:
        """Consume the input up to index ``j``."""
        chunk = self.text[self.i : j]
        newlines = chunk.count("\n")
        if newlines:
            self.line += newlines
            self.col = 1 + len(chunk) - chunk.rfind("\n") - 1
        else:
            self.col += len(chunk)
        self.byte += len(chunk) if chunk.isascii() else len(encode(chunk))
        self.i = j

    def read_token(self) -> None:
        """Lex the next token into ``self.token``."""
        text = self.text
        n = len(text)
        while self.i < n:
            c = text[self.i]
            if c in " \t\r":
                j = self.i + 1
                while j < n and text[j] in " \t\r":
                    j += 1
                self.advance(j)
                continue
            if text.startswith("//", self.i):
                self.read_comment()
                return
            if text.startswith("/*", self.i):
                raise self.error("mod files must use // comments (not /* */ comments)")
            break

        start = self.i
        pos = self.pos()
        if self.i >= n:
            self.token = _Token(_EOF, pos, pos, "")
            return
        c = text[self.i]
        if c in _PUNCT:
            self.advance(self.i + 1)
            self.token = _Token(c, pos, self.pos(), c)
            return
        if c in '"`':
            self.read_string(c, pos)
            return
        if not _is_ident(c):
            raise self.error(f"unexpected input character {quote_rune(c)}")
        j = self.i
        while j < n:
            run = _ASCII_IDENT_RUN.match(text, j)
            if run:
                j = run.end()
                if j >= n:
                    break
            c = text[j]
            if c == "/":
                if text.startswith("//", j):
                    break
                if text.startswith("/*", j):
                    self.advance(j)
                    raise self.error("mod files must use // comments (not /* */ comments)")
                j += 1
            elif c >= "\x80" and _is_ident(c):
                j += 1
            else:
                break
        self.advance(j)
        self.token = _Token(_IDENT, pos, self.pos(), text[start:j])

    def read_comment(self) -> None:
        """Lex a ``//`` comment through its newline; only whole-line ones are tokens the
        grammar sees, end-of-line ones are also kept for attachment."""
        text = self.text
        start = self.i
        pos = self.pos()
        line_start = text.rfind("\n", 0, start) + 1
        suffix = trim_space(text[line_start:start]) != ""
        newline = text.find("\n", start)
        self.advance(len(text) if newline < 0 else newline + 1)
        body = text[start : self.i]
        if body.endswith("\r\n"):
            body = body[:-2]
        elif body.endswith("\n"):
            body = body[:-1]
        if not suffix:
            self.token = _Token(_COMMENT, pos, self.pos(), body)
            return
        self.token = _Token(_EOLCOMMENT, pos, self.pos(), body)
        self.comments.append(Comment(pos, body, suffix=True))

    def read_string(self, quote: str, pos: Position) -> None:
        text = self.text
        n = len(text)
        start = self.i
        self.advance(self.i + 1)
        while True:
            if self.i >= n:
                self.set_pos(pos)
                raise self.error("unexpected EOF in string")
            if text[self.i] == "\n":
                raise self.error("unexpected newline in string")
            c = text[self.i]
            self.advance(self.i + 1)
            if c == quote:
                break
            if c == "\\" and quote != "`":
                if self.i >= n:
                    self.set_pos(pos)
                    raise self.error("unexpected EOF in string")
                self.advance(self.i + 1)  # whatever follows, even a newline
        self.token = _Token(_STRING, pos, self.pos(), text[start : self.i])

    def peek(self) -> str:
        return self.token.kind

    def lex(self) -> _Token:
        """Return the current token and lex the one after it."""
        tok = self.token
        self.read_token()
        return tok

    # Parsing.

    def parse_file(self) -> None:
        stmts = self.file.stmts
        block: CommentBlock | None = None
        while True:
            kind = self.peek()
            if kind == "\n":
                self.lex()
                if block is not None:
                    stmts.append(block)
                    block = None
            elif kind == _COMMENT:
                tok = self.lex()
                if block is None:
                    block = CommentBlock(start=tok.pos)
                block.comments.before.append(Comment(tok.pos, tok.text))
            elif kind == _EOF:
                if block is not None:
                    stmts.append(block)
                return
            else:
                self.parse_stmt()
                if block is not None:
                    stmts[-1].comments.before = block.comments.before
                    block = None

    def parse_stmt(self) -> None:
        tok = self.lex()
        start = tok.pos
        end = tok.end
        tokens = [tok.text]
        while True:
            tok = self.lex()
            if tok.kind in _EOL:
                self.file.stmts.append(Line(start=start, tokens=tokens, end=end))
                return
            if tok.kind == "(":
                following = self.peek()
                if following in _EOL:
                    self.file.stmts.append(self.parse_line_block(start, tokens, tok))
                    return
                if following == ")":
                    rparen = self.lex()
                    if self.peek() in _EOL:
                        self.lex()
                        self.file.stmts.append(
                            LineBlock(
                                start=start,
                                tokens=tokens,
                                lparen=LParen(pos=tok.pos),
                                rparen=RParen(pos=rparen.pos),
                            )
                        )
                        return
                    # "( )" inside a line is two ordinary tokens; Go leaves end alone.
                    tokens += [tok.text, rparen.text]
                else:
                    tokens.append(tok.text)
            else:
                tokens.append(tok.text)
                end = tok.end

    def parse_line_block(self, start: Position, tokens: list[str], lparen: _Token) -> LineBlock:
        block = LineBlock(start=start, tokens=tokens, lparen=LParen(pos=lparen.pos))
        pending: list[Comment] = []
        while True:
            kind = self.peek()
            if kind == _EOLCOMMENT:
                self.lex()  # attached later, by position
            elif kind == "\n":
                self.lex()
                # A run of blank lines becomes one empty marker comment, except at the top.
                if (not pending and block.lines) or (pending and pending[-1].token != ""):
                    pending.append(Comment(Position(), ""))
            elif kind == _COMMENT:
                tok = self.lex()
                pending.append(Comment(tok.pos, tok.text))
            elif kind == _EOF:
                raise self.error(
                    "syntax error (unterminated block started at "
                    f"{self.name}:{block.start.line}:{block.start.line_rune})"
                )
            elif kind == ")":
                rparen = self.lex()
                if len(pending) == 1 and pending[0].token == "":
                    pending = []  # a blank line just before ")" is not kept
                block.rparen.comments.before = pending
                block.rparen.pos = rparen.pos
                if self.peek() not in _EOL:
                    raise self.error("syntax error (expected newline after closing paren)")
                self.lex()
                return block
            else:
                line = self.parse_line()
                line.comments.before = pending
                pending = []
                block.lines.append(line)

    def parse_line(self) -> Line:
        tok = self.lex()
        start = tok.pos
        end = tok.end
        tokens = [tok.text]
        while True:
            tok = self.lex()
            if tok.kind in _EOL:
                return Line(start=start, tokens=tokens, end=end, in_block=True)
            tokens.append(tok.text)
            end = tok.end

    # Comment attachment.

    def assign_comments(self) -> None:
        """Attach each end-of-line comment to the last single-line node ending before it.

        Whole-line comments were placed by the parser already. Nodes are visited in
        reverse postorder, so a block's own span (several lines) never takes a comment:
        its ``)`` does.
        """
        post: list[tuple[Expr | LParen | RParen, Position, Position]] = []
        for stmt in self.file.stmts:
            if isinstance(stmt, LineBlock):
                post.append((stmt.lparen, stmt.lparen.pos, _after(stmt.lparen.pos, "(")))
                post.extend((line, line.start, line.end) for line in stmt.lines)
                post.append((stmt.rparen, stmt.rparen.pos, _after(stmt.rparen.pos, ")")))
                post.append((stmt, stmt.start, _after(stmt.rparen.pos, ")")))
            elif isinstance(stmt, Line):
                post.append((stmt, stmt.start, stmt.end))
            else:
                post.append((stmt, stmt.start, stmt.start))
        suffix = self.comments
        for node, start, end in reversed(post):
            if start.line != end.line:
                continue
            taken: list[Comment] = []
            while suffix and end.byte <= suffix[-1].start.byte:
                taken.append(suffix.pop())
            if taken:
                taken.reverse()
                node.comments.suffix = taken + node.comments.suffix
        self.file.comments.before.extend(suffix)
