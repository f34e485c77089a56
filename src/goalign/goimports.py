"""The imports of Go packages, as ``go mod tidy`` sees them.

Tidy loads packages with every build tag but ``ignore`` satisfied both ways
(cmd/go/internal/imports: ``AnyTags``), so a file counts unless its build constraint
needs ``ignore``; file-name GOOS/GOARCH suffixes never exclude a file. A package is a
folder with at least one ``.go`` file (names starting with ``_`` or ``.`` skipped);
its imports come from its non-test files and its test imports from ``*_test.go``.

Pure: file names and bytes in, import paths out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["Package", "file_imports", "is_standard", "packages"]


@dataclass(frozen=True)
class Package:
    """The import paths of one package folder: its files' and its tests'."""

    imports: frozenset[str]
    test_imports: frozenset[str]


_TOKEN = re.compile(
    rb"""
      (?P<space>[ \t\r\n]+)
    | (?P<line>//[^\n]*)
    | (?P<block>/\*.*?\*/)
    | (?P<string>"(?:[^"\\\n]|\\.)*"|`[^`]*`)
    | (?P<ident>[A-Za-z_][A-Za-z0-9_]*|[^\x00-\x7f]+)
    | (?P<punct>[().;])
    """,
    re.VERBOSE | re.DOTALL,
)


def _tokens(data: bytes) -> list[bytes]:
    """Return the leading tokens of Go source, comments dropped, up to the first character
    no import declaration holds (the ``{`` or ``=`` of the first other declaration)."""
    out: list[bytes] = []
    pos = 0
    while pos < len(data):
        m = _TOKEN.match(data, pos)
        if m is None:
            break
        pos = m.end()
        if m.lastgroup in ("space", "line", "block"):
            continue
        out.append(m.group())
    return out


def _unquote(token: bytes) -> str | None:
    if token.startswith(b"`"):
        return token[1:-1].decode("utf-8", "replace")
    if b"\\" in token:
        return None  # escapes in an import path are never valid paths
    return token[1:-1].decode("utf-8", "replace")


def _read_imports(data: bytes) -> list[str]:
    """Return the quoted paths of a file's import declarations (as Go's ReadImports)."""
    toks = _tokens(data)
    i = 0
    if len(toks) < 2 or toks[0] != b"package":
        return []
    i = 2
    if i < len(toks) and toks[i] == b";":
        i += 1
    found: list[str] = []
    while i < len(toks) and toks[i] == b"import":
        i += 1
        if i < len(toks) and toks[i] == b"(":
            i += 1
            while i < len(toks) and toks[i] != b")":
                tok = toks[i]
                if tok.startswith((b'"', b"`")):
                    path = _unquote(tok)
                    if path is not None:
                        found.append(path)
                i += 1
            i += 1
        else:
            while i < len(toks) and not toks[i].startswith((b'"', b"`")):
                i += 1
            if i < len(toks):
                path = _unquote(toks[i])
                if path is not None:
                    found.append(path)
            i += 1
        if i < len(toks) and toks[i] == b";":
            i += 1
    return found


# --- build constraints -----------------------------------------------------------------

_TAG = re.compile(r"[\w.]+")


def _header(data: bytes) -> tuple[list[bytes], bytes | None] | None:
    """Return the ``//`` lines that may hold ``+build`` lines, and the ``//go:build`` line.

    None when the file has two ``//go:build`` lines (Go then skips the file).
    """
    end_lines: list[bytes] = []
    pending: list[bytes] = []
    go_build: bytes | None = None
    in_block = False
    for raw in data.split(b"\n"):
        line = raw.strip()
        if not line and not in_block:
            end_lines += pending
            pending = []
            continue
        if not in_block and _is_go_build(line):
            if go_build is not None:
                return None
            go_build = line
        if in_block:
            if b"*/" not in line:
                continue
            in_block = False
            line = line.split(b"*/", 1)[1].strip()
            if not line:
                continue
        if line.startswith(b"//"):
            pending.append(line)
            continue
        if line.startswith(b"/*"):
            rest = line[2:]
            if b"*/" in rest and not rest.split(b"*/", 1)[1].strip():
                continue
            in_block = b"*/" not in rest
            if in_block:
                continue
        break
    return end_lines, go_build


def _is_go_build(line: bytes) -> bool:
    if not line.startswith(b"//go:build"):
        return False
    rest = line[len(b"//go:build") :]
    return not rest or rest[:1] in (b" ", b"\t")


def _eval(expr: str) -> bool:
    """Evaluate a build expression the way Go's AnyTags does: a valid tag other than
    ``ignore`` is whatever makes the expression true, ``ignore`` is false."""
    tokens = re.findall(r"\(|\)|!|&&|\|\||[^\s()!&|]+", expr)
    pos = 0

    def parse_or(prefer: bool) -> bool:
        nonlocal pos
        value = parse_and(prefer)
        while pos < len(tokens) and tokens[pos] == "||":
            pos += 1
            value = parse_and(prefer) or value
        return value

    def parse_and(prefer: bool) -> bool:
        nonlocal pos
        value = parse_not(prefer)
        while pos < len(tokens) and tokens[pos] == "&&":
            pos += 1
            value = parse_not(prefer) and value
        return value

    def parse_not(prefer: bool) -> bool:
        nonlocal pos
        if pos >= len(tokens):
            raise ValueError("unexpected end")
        tok = tokens[pos]
        pos += 1
        if tok == "!":
            return not parse_not(not prefer)
        if tok == "(":
            value = parse_or(prefer)
            if pos >= len(tokens) or tokens[pos] != ")":
                raise ValueError("missing )")
            pos += 1
            return value
        if tok in (")", "&&", "||"):
            raise ValueError("unexpected " + tok)
        if not _TAG.fullmatch(tok) or tok == "ignore":
            return False
        return prefer

    value = parse_or(True)
    if pos != len(tokens):
        raise ValueError("trailing tokens")
    return value


def _plus_build(line: str) -> bool:
    """Evaluate a ``// +build`` line: space-separated OR of comma-separated AND terms."""

    def term(word: str) -> bool:
        if word.startswith("!"):
            return not term_tag(word[1:], prefer=False)
        return term_tag(word, prefer=True)

    def term_tag(tag: str, *, prefer: bool) -> bool:
        if not _TAG.fullmatch(tag) or tag == "ignore":
            return False
        return prefer

    return any(all(term(w) for w in opt.split(",")) for opt in line.split())


def _should_build(data: bytes) -> bool:
    header = _header(data)
    if header is None:
        return False
    lines, go_build = header
    if go_build is not None:
        try:
            return _eval(go_build.decode("utf-8", "replace")[len("//go:build") :])
        except ValueError:
            return False
    for line in lines:
        text = line.decode("utf-8", "replace")
        rest = text[2:].strip()
        is_plus_build = rest.startswith("+build") and (len(rest) == 6 or rest[6] in " \t")
        if is_plus_build and not _plus_build(rest[6:]):
            return False
    return True


def file_imports(data: bytes) -> list[str] | None:
    """Return the import paths of one ``.go`` file, or None when tidy leaves it out.

    >>> file_imports(b'package p\\n\\nimport (\\n\\t"fmt"\\n\\tx "example.com/x"\\n)\\n')
    ['fmt', 'example.com/x']
    >>> file_imports(b'//go:build ignore\\n\\npackage main\\n\\nimport "example.com/y"\\n')
    """
    if not _should_build(data):
        return None
    return _read_imports(data)


def packages(files: Iterable[tuple[str, bytes]]) -> dict[str, Package]:
    """Return the packages among ``files`` (slash-separated names relative to a module
    root) as folder -> Package; the root folder is ``""``.

    The caller leaves out files of nested modules and of ``testdata``, ``_*`` and ``.*``
    folders.
    """
    imports: dict[str, tuple[set[str], set[str]]] = {}
    for name, data in files:
        folder, _, base = name.rpartition("/")
        if not base.endswith(".go") or base.startswith(("_", ".")):
            continue
        found = imports.setdefault(folder, (set(), set()))
        paths = file_imports(data)
        if paths is None:
            continue
        (found[1] if base.endswith("_test.go") else found[0]).update(paths)
    return {
        folder: Package(frozenset(imp), frozenset(test)) for folder, (imp, test) in imports.items()
    }


def is_standard(path: str) -> bool:
    """Report whether an import path is the standard library's (no dot in its first
    element), as cmd/go's search.IsStandardImportPath."""
    return "." not in path.split("/", 1)[0]
