"""The meaning of a go.mod: directives read from the syntax tree, validated as Go does.

Every entry keeps a reference to its :class:`~goalign.modfile.syntax.Line`, so edits
made through this view change the tree and formatting keeps untouched comments.

:func:`parse` reads a main module's go.mod (every directive, strictly); :func:`parse_lax`
reads a dependency's, keeping only ``module go require retract ignore`` so that newer
directives do not break older readers (go.dev/ref/mod#go-mod-file). Both canonicalise
versions as ``go mod edit`` does (``v1.2`` becomes ``v1.2.0`` in the tree too) and
collect one error per bad line before raising.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from goalign import semver
from goalign.errors import InvalidVersion, ModfileError, ModfileErrors
from goalign.modfile.format import auto_quote, format_syntax
from goalign.modfile.read import parse_syntax
from goalign.modfile.syntax import Expr, FileSyntax, Line, LineBlock
from goalign.module import ModuleVersion, canonical_version, check_path_major, split_path_version
from goalign.strconv import encode, fields, quote, trim_space, unquote

__all__ = [
    "GO_VERSION_RE",
    "TOOLCHAIN_RE",
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
    "is_directory_path",
    "is_indirect",
    "parse",
    "parse_lax",
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

    def sort_blocks(self) -> None:
        """Drop duplicate directives, then sort the lines inside each block.

        Duplicates: the first exclude (same path and version), tool or ignore wins; the
        last replace of the same old module@version wins; require and retract lines are
        all kept. Single lines are never moved or merged. Blocks sort their lines by
        tokens as strings, except exclude blocks at go >= 1.21 (path, then semver) and
        retract blocks (newest interval first).
        """
        self._remove_dups()
        semantic_exclude = (
            self.go is not None and semver.compare("v" + self.go.version, "v1.21") >= 0
        )
        for stmt in self.syntax.stmts:
            if not isinstance(stmt, LineBlock):
                continue
            verb = stmt.tokens[0] if stmt.tokens else ""
            cmp = _compare_line
            if verb == "exclude" and semantic_exclude:
                cmp = _compare_line_exclude
            elif verb == "retract":
                cmp = _compare_line_retract
            _stable_sort(stmt.lines, cmp)

    def _remove_dups(self) -> None:
        kill: set[int] = set()

        def dead(entry_line: Line | None) -> bool:
            return entry_line is not None and id(entry_line) in kill

        seen_exclude: set[ModuleVersion] = set()
        for x in self.exclude:
            if x.mod in seen_exclude and x.syntax is not None:
                kill.add(id(x.syntax))
            seen_exclude.add(x.mod)
        self.exclude = [x for x in self.exclude if not dead(x.syntax)]

        seen_replace: set[ModuleVersion] = set()
        for r in reversed(self.replace):
            if r.old in seen_replace and r.syntax is not None:
                kill.add(id(r.syntax))
            seen_replace.add(r.old)
        self.replace = [r for r in self.replace if not dead(r.syntax)]

        seen_tool: set[str] = set()
        for t in self.tool:
            if t.path in seen_tool and t.syntax is not None:
                kill.add(id(t.syntax))
            seen_tool.add(t.path)
        self.tool = [t for t in self.tool if not dead(t.syntax)]

        seen_ignore: set[str] = set()
        for i in self.ignore:
            if i.path in seen_ignore and i.syntax is not None:
                kill.add(id(i.syntax))
            seen_ignore.add(i.path)
        self.ignore = [i for i in self.ignore if not dead(i.syntax)]

        stmts: list[Expr] = []
        for stmt in self.syntax.stmts:
            if isinstance(stmt, Line) and id(stmt) in kill:
                continue
            if isinstance(stmt, LineBlock):
                stmt.lines = [line for line in stmt.lines if id(line) not in kill]
                if not stmt.lines:
                    continue
            stmts.append(stmt)
        self.syntax.stmts = stmts

    def cleanup(self) -> None:
        """Drop the entries and lines that edits deleted (a line left with no tokens),
        and tidy the tree: empty blocks go, a one-line block becomes a single line."""

        def live(line: Line | None) -> bool:
            return line is None or bool(line.tokens)

        if self.module is not None and not live(self.module.syntax):
            self.module = None
        if self.go is not None and not live(self.go.syntax):
            self.go = None
        if self.toolchain is not None and not live(self.toolchain.syntax):
            self.toolchain = None
        # An entry whose key is empty counts as deleted too, as in x/mod.
        self.godebug = [g for g in self.godebug if g.key and live(g.syntax)]
        self.require = [r for r in self.require if r.mod.path and live(r.syntax)]
        self.exclude = [x for x in self.exclude if x.mod.path and live(x.syntax)]
        self.replace = [r for r in self.replace if r.old.path and live(r.syntax)]
        self.retract = [
            r for r in self.retract if (r.interval.low or r.interval.high) and live(r.syntax)
        ]
        self.tool = [t for t in self.tool if live(t.syntax)]
        self.ignore = [i for i in self.ignore if live(i.syntax)]
        self.syntax.cleanup()

    def format(self) -> bytes:
        """Return the file as ``go mod edit -fmt`` writes it.

        This first runs :meth:`sort_blocks` and :meth:`cleanup` on the file itself, as
        the go command does before every write.
        """
        self.sort_blocks()
        self.cleanup()
        return format_syntax(self.syntax)


# The forms Go accepts for the go and toolchain directives (x/mod GoVersionRE and
# ToolchainRE), anchored at both ends for re.match; the toolchain form is loose on
# purpose, so that future toolchain names still read.
GO_VERSION_RE = re.compile(r"([1-9][0-9]*)\.(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))?([a-z]+[0-9]+)?\Z")
TOOLCHAIN_RE = re.compile(r"default\Z|go1(?:\Z|\.)")
# A dependency's go line may use a newer syntax; lax parsing keeps its major.minor.
_LAX_GO_VERSION_RE = re.compile(r"v?(([1-9][0-9]*)\.(0|[1-9][0-9]*))([^0-9].*)\Z")
_DEPRECATED_RE = re.compile(r"(?:^|\n\n)Deprecated: *(.*?)(?:\Z|\n\n)", re.DOTALL)

_BLOCK_VERBS = frozenset(
    {"module", "godebug", "require", "exclude", "replace", "retract", "tool", "ignore"}
)
_LAX_VERBS = frozenset({"go", "module", "retract", "require", "ignore"})

_REPLACE_USAGE = (
    "usage: replace module/path [v1.2.3] => other/module v1.4\n"
    "\t or replace module/path [v1.2.3] => ../local/directory"
)


def parse(data: bytes, path: str = "go.mod") -> File:
    """Return the main-module go.mod ``data`` read with every directive checked.

    ``path`` names the file in error messages only.

    :raises ModfileErrors: every problem found, one per line, as ``go mod edit`` reports
        them (a syntax error stops reading, so it comes alone).
    """
    return _parse_file(data, path, strict=True)


def parse_lax(data: bytes, path: str = "go.mod") -> File:
    """Return a dependency's go.mod ``data``, keeping only ``module``, ``go``,
    ``require``, ``retract`` and ``ignore``; other directives are silently skipped.

    A go version in a newer form is cut to major.minor, and a retract Go cannot read is
    dropped instead of reported.

    :raises ModfileErrors: every problem found in the directives that are kept.
    """
    return _parse_file(data, path, strict=False)


# What read_simple_lax reads: before a comment, identifier characters that need no
# quoting, spaces, and parentheses (standing alone); after, printable ASCII.
_SIMPLE_CODE = re.compile(r"[A-Za-z0-9._~+\-/() \t]*\Z")
_SIMPLE_COMMENT = re.compile(r"[ -~\t]*\Z")


def read_simple_lax(data: bytes) -> tuple[str, str, list[ModuleVersion]] | None:
    """Return the module path, go version and requirements :func:`parse_lax` reads
    from ``data``, when the file is simple enough to read line by line; else None.

    Simple means ASCII without carriage returns, quotes or block comments, only
    ``module``, ``go``, ``toolchain`` and ``require`` (one line, or a ``require (``
    block) directives, canonical versions that fit their paths, and nothing
    parse_lax would report: most go.mod files a proxy serves. The answer is then the
    one parse_lax gives, many times faster; for anything else, None (call parse_lax).
    """
    if not data.isascii() or any(c in data for c in (b"\r", b'"', b"`", b"/*")):
        return None
    module = go = ""
    requires: list[ModuleVersion] = []
    seen: set[str] = set()
    in_block = False
    for line in data.decode("ascii").split("\n"):
        code, slash, comment = line.partition("//")
        if not _SIMPLE_CODE.match(code) or not _SIMPLE_COMMENT.match(comment):
            return None
        tokens = code.split()
        if not tokens:
            continue
        if any(("(" in t or ")" in t) and len(t) > 1 for t in tokens):
            return None  # the lexer splits a parenthesis off
        if in_block:
            if tokens == [")"] and not slash:
                in_block = False
                continue
            verb, args = "require", tokens
        else:
            verb, args = tokens[0], tokens[1:]
            if verb == "require" and args == ["("] and not slash:
                in_block = True
                continue
        if "(" in args or ")" in args or (verb in seen and verb != "require"):
            return None
        seen.add(verb)
        if verb == "module" and len(args) == 1:
            module = args[0]
        elif verb == "go" and len(args) == 1 and GO_VERSION_RE.match(args[0]):
            go = args[0]
        elif verb == "toolchain" and len(args) == 1:
            continue  # parse_lax skips it
        elif verb == "require" and len(args) == 2:
            path, version = args[0], canonical_version(args[1])
            _, path_major, ok = split_path_version(path)
            if not version or not ok:
                return None
            try:
                check_path_major(version, path_major)
            except InvalidVersion:
                return None
            requires.append(ModuleVersion(path, version))
        else:
            return None
    return None if in_block else (module, go, requires)


def is_directory_path(ns: str) -> bool:
    """Report whether a replacement path names a directory rather than a module.

    It does when it is ``.``, ``..``, starts with ``./``, ``../``, ``/`` (or the
    backslash forms), or with a drive letter like ``C:``; both Unix and Windows forms
    count, since go.mod files move between systems.
    """
    return (
        ns in (".", "..")
        or ns.startswith(("./", ".\\", "../", "..\\", "/", "\\"))
        or (len(ns) >= 2 and ns[1] == ":" and ("A" <= ns[0] <= "Z" or "a" <= ns[0] <= "z"))
    )


def is_indirect(line: Line) -> bool:
    """Report whether ``line`` carries an ``// indirect`` comment: its first end-of-line
    comment is exactly ``indirect`` or starts with the word ``indirect;``."""
    if not line.comments.suffix:
        return False
    words = fields(line.comments.suffix[0].token.removeprefix("//"))
    return (len(words) == 1 and words[0] == "indirect") or (
        len(words) > 1 and words[0] == "indirect;"
    )


class _Bad(Exception):
    """One problem with a directive; its line is added where it is reported."""

    def __init__(self, message: str, *, verb: str = "", module_path: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.verb = verb
        self.module_path = module_path


def _parse_file(data: bytes, name: str, *, strict: bool) -> File:
    try:
        fs = parse_syntax(data, name)
    except ModfileErrors:
        raise
    except ModfileError as e:
        raise ModfileErrors([e]) from None
    f = File(syntax=fs)
    errors: list[ModfileError] = []
    for stmt in fs.stmts:
        if isinstance(stmt, Line):
            _add(f, errors, None, stmt, stmt.tokens[0], 1, strict=strict)
        elif isinstance(stmt, LineBlock):
            if len(stmt.tokens) != 1 or stmt.tokens[0] not in _BLOCK_VERBS:
                if strict:
                    errors.append(
                        ModfileError(
                            name,
                            stmt.start.line,
                            f"unknown block type: {' '.join(stmt.tokens)}",
                            col=stmt.start.line_rune,
                        )
                    )
                continue
            for line in stmt.lines:
                _add(f, errors, stmt, line, stmt.tokens[0], 0, strict=strict)
    if errors:
        raise ModfileErrors(errors)
    return f


def _add(
    f: File,
    errors: list[ModfileError],
    block: LineBlock | None,
    line: Line,
    verb: str,
    first: int,
    *,
    strict: bool,
) -> None:
    """Interpret one directive line; its arguments are ``line.tokens[first:]``.

    Interpreted tokens are rewritten in place (unquoted where possible, versions made
    canonical), which is how ``go mod edit -fmt`` normalises them.
    """
    if not strict and verb not in _LAX_VERBS:
        return
    try:
        _apply(f, block, line, verb, first, strict=strict)
    except _Bad as bad:
        errors.append(
            ModfileError(
                f.syntax.name,
                line.start.line,
                bad.message,
                col=line.start.line_rune,
                verb=bad.verb,
                module_path=bad.module_path,
            )
        )


def _apply(
    f: File, block: LineBlock | None, line: Line, verb: str, first: int, *, strict: bool
) -> None:
    tokens = line.tokens
    args = tokens[first:]
    if verb == "go":
        if f.go is not None:
            raise _Bad("repeated go statement")
        if len(args) != 1:
            raise _Bad("go directive expects exactly one argument")
        version = args[0]
        if not GO_VERSION_RE.match(version):
            m = None if strict else _LAX_GO_VERSION_RE.match(version)
            if m is None:
                raise _Bad(f"invalid go version '{version}': must match format 1.23.0")
            version = tokens[first] = m[1]
        f.go = Go(version, line)
    elif verb == "toolchain":
        if f.toolchain is not None:
            raise _Bad("repeated toolchain statement")
        if len(args) != 1:
            raise _Bad("toolchain directive expects exactly one argument")
        if not TOOLCHAIN_RE.match(args[0]):
            raise _Bad(
                f"invalid toolchain version '{args[0]}': must match format go1.23.0 or default"
            )
        f.toolchain = Toolchain(args[0], line)
    elif verb == "module":
        if f.module is not None:
            raise _Bad("repeated module statement")
        f.module = Module(ModuleVersion(""), _deprecation(block, line), line)
        if len(args) != 1:
            raise _Bad("usage: module module/path")
        f.module.mod = ModuleVersion(_string(tokens, first))
    elif verb == "godebug":
        if len(args) != 1 or any(c in args[0] for c in "\"`',"):
            raise _Bad("usage: godebug key=value")
        key, eq, value = args[0].partition("=")
        if not eq:
            raise _Bad("usage: godebug key=value")
        f.godebug.append(Godebug(key, value, line))
    elif verb in ("require", "exclude"):
        if len(args) != 2:
            raise _Bad(f"usage: {verb} module/path v1.2.3")
        path = _string(tokens, first)
        version = _version(verb, path, tokens, first + 1)
        _, path_major, ok = split_path_version(path)
        if not ok:
            raise _Bad("invalid module path")
        _check_path_major(verb, path, version, path_major)
        mod = ModuleVersion(path, version)
        if verb == "require":
            f.require.append(Require(mod, is_indirect(line), line))
        else:
            f.exclude.append(Exclude(mod, line))
    elif verb == "replace":
        f.replace.append(_replace(line, first))
    elif verb == "retract":
        rationale = _directive_comment(block, line)
        try:
            interval, rest = _version_interval(tokens, first)
        except _Bad:
            if strict:
                raise
            return  # a dependency may use interval forms this reader does not know
        if rest < len(tokens) and strict:
            raise _Bad(f"unexpected token after version: {quote(tokens[rest])}")
        f.retract.append(Retract(interval, rationale, line))
    elif verb in ("tool", "ignore"):
        if len(args) != 1:
            raise _Bad(f"{verb} directive expects exactly one argument")
        path = _string(tokens, first)
        if verb == "tool":
            f.tool.append(Tool(path, line))
        else:
            f.ignore.append(Ignore(path, line))
    else:
        raise _Bad(f"unknown directive: {verb}")


def _replace(line: Line, first: int) -> Replace:
    tokens = line.tokens
    args = tokens[first:]
    arrow = 1 if len(args) >= 2 and args[1] == "=>" else 2
    if len(args) < arrow + 2 or len(args) > arrow + 3 or args[arrow] != "=>":
        raise _Bad(_REPLACE_USAGE)
    old_path = _string(tokens, first)
    _, path_major, ok = split_path_version(old_path)
    if not ok:
        raise _Bad("invalid module path", verb="replace", module_path=old_path)
    old_version = ""
    if arrow == 2:
        old_version = _version("replace", old_path, tokens, first + 1)
        _check_path_major("replace", old_path, old_version, path_major)
    new_path = _string(tokens, first + arrow + 1)
    new_version = ""
    if len(args) == arrow + 2:
        if not is_directory_path(new_path):
            if "@" in new_path:
                raise _Bad(
                    "replacement module must match format 'path version', not 'path@version'"
                )
            raise _Bad(
                "replacement module without version must be directory path"
                " (rooted or starting with . or ..)"
            )
        # Read as Go does on Unix, where a backslash is no separator.
        if "\\" in new_path:
            raise _Bad("replacement directory appears to be Windows path (on a non-windows system)")
    else:
        new_version = _version("replace", new_path, tokens, first + arrow + 2)
        if is_directory_path(new_path):
            raise _Bad(f"replacement module directory path {quote(new_path)} cannot have version")
    return Replace(ModuleVersion(old_path, old_version), ModuleVersion(new_path, new_version), line)


def _string(tokens: list[str], i: int) -> str:
    """Return the value of ``tokens[i]`` and rewrite the token in its plainest quoting."""
    value = _unquoted(tokens[i])
    if value is None:
        raise _Bad(f"invalid quoted string: {_string_problem(tokens[i])}")
    tokens[i] = auto_quote(value)
    return value


def _unquoted(token: str) -> str | None:
    if token.startswith('"'):
        return unquote(token)
    if any(c in token for c in "\"'`"):
        return None
    return token


def _string_problem(token: str) -> str:
    # Quotes are reserved inside unquoted tokens, so that 'x' is an error, not x.
    return "invalid syntax" if token.startswith('"') else "unquoted string cannot contain quote"


def _version(verb: str, path: str, tokens: list[str], i: int) -> str:
    """Return the canonical form of the version ``tokens[i]`` and write it back."""
    raw = tokens[i]
    value = _unquoted(raw)
    if value is None:
        raise _Bad(
            f"version {quote(raw)} invalid: {_string_problem(raw)}", verb=verb, module_path=path
        )
    canonical = canonical_version(value)
    if not canonical:
        raise _Bad(
            f"version {quote(value)} invalid: must be of the form v1.2.3",
            verb=verb,
            module_path=path,
        )
    tokens[i] = canonical
    return canonical


def _retract_version(tokens: list[str], i: int) -> str:
    """Return the version ``tokens[i]`` of a retract directive, unquoted but otherwise
    as written: the go command checks these against the proxy, not the parser."""
    raw = tokens[i]
    value = _unquoted(raw)
    if value is None:
        raise _Bad(f"version {quote(raw)} invalid: {_string_problem(raw)}", verb="retract")
    tokens[i] = value
    return value


def _check_path_major(verb: str, path: str, version: str, path_major: str) -> None:
    try:
        check_path_major(version, path_major)
    except InvalidVersion as e:
        raise _Bad(
            f"version {quote(version)} invalid: {e.reason}", verb=verb, module_path=path
        ) from None


def _version_interval(tokens: list[str], i: int) -> tuple[VersionInterval, int]:
    """Return the retracted version or ``[low, high]`` interval at ``tokens[i:]`` and the
    index of the first token after it."""
    n = len(tokens)
    if i >= n or tokens[i] == "(":
        raise _Bad("expected '[' or version")
    if tokens[i] != "[":
        v = _retract_version(tokens, i)
        return VersionInterval(v, v), i + 1
    i += 1
    if i >= n:
        raise _Bad("expected version after '['")
    low = _retract_version(tokens, i)
    i += 1
    if i >= n or tokens[i] != ",":
        raise _Bad("expected ',' after version")
    i += 1
    if i >= n:
        raise _Bad("expected version after ','")
    high = _retract_version(tokens, i)
    i += 1
    if i >= n or tokens[i] != "]":
        raise _Bad("expected ']' after version")
    return VersionInterval(low, high), i + 1


def _directive_comment(block: LineBlock | None, line: Line) -> str:
    """Return the text of the comments on a directive (its block's, if it has none)."""
    comments = line.comments
    if block is not None and not comments.before and not comments.suffix:
        comments = block.comments
    return "\n".join(
        trim_space(c.token[2:])
        for c in (*comments.before, *comments.suffix)
        if c.token.startswith("//")
    )


def _deprecation(block: LineBlock | None, line: Line) -> str:
    """Return the first paragraph starting ``Deprecated:`` in the module's comments."""
    m = _DEPRECATED_RE.search(_directive_comment(block, line))
    return m[1] if m else ""


# Line order inside blocks. Go's stable sort is reproduced step for step below, since
# one comparison (exclude lines of unusual length) is not a consistent order and the
# result then depends on the algorithm.

_Cmp = Callable[[Line, Line], int]


def _compare_tokens(a: list[str], b: list[str]) -> int:
    ka = [encode(t) for t in a]
    kb = [encode(t) for t in b]
    return (ka > kb) - (ka < kb)


def _compare_line(li: Line, lj: Line) -> int:
    return _compare_tokens(li.tokens, lj.tokens)


def _compare_line_exclude(li: Line, lj: Line) -> int:
    if len(li.tokens) != 2 or len(lj.tokens) != 2:
        return _compare_line(li, lj)
    if li.tokens[0] != lj.tokens[0]:
        return _compare_tokens(li.tokens[:1], lj.tokens[:1])
    return semver.compare(li.tokens[1], lj.tokens[1])


def _retract_interval(line: Line) -> tuple[str, str]:
    t = line.tokens
    if len(t) == 1:
        return t[0], t[0]
    if len(t) == 5 and t[0] == "[" and t[2] == "," and t[4] == "]":
        return t[1], t[3]
    return "", ""


def _compare_line_retract(li: Line, lj: Line) -> int:
    low_i, high_i = _retract_interval(li)
    low_j, high_j = _retract_interval(lj)
    c = semver.compare(low_i, low_j)
    if c != 0:
        return -c
    return -semver.compare(high_i, high_j)


def _stable_sort(data: list[Line], cmp: _Cmp) -> None:
    """Sort ``data`` in place exactly as Go's slices.SortStableFunc does."""
    n = len(data)
    block = 20
    a, b = 0, block
    while b <= n:
        _insertion_sort(data, a, b, cmp)
        a, b = b, b + block
    _insertion_sort(data, a, n, cmp)
    while block < n:
        a, b = 0, 2 * block
        while b <= n:
            _sym_merge(data, a, a + block, b, cmp)
            a, b = b, b + 2 * block
        m = a + block
        if m < n:
            _sym_merge(data, a, m, n, cmp)
        block *= 2


def _insertion_sort(data: list[Line], a: int, b: int, cmp: _Cmp) -> None:
    for i in range(a + 1, b):
        j = i
        while j > a and cmp(data[j], data[j - 1]) < 0:
            data[j], data[j - 1] = data[j - 1], data[j]
            j -= 1


def _sym_merge(data: list[Line], a: int, m: int, b: int, cmp: _Cmp) -> None:
    """Merge the sorted runs ``data[a:m]`` and ``data[m:b]`` (SymMerge, in place)."""
    if m - a == 1:
        i, j = m, b
        while i < j:
            h = (i + j) // 2
            if cmp(data[h], data[a]) < 0:
                i = h + 1
            else:
                j = h
        data[a:i] = [*data[a + 1 : i], data[a]]
        return
    if b - m == 1:
        i, j = a, m
        while i < j:
            h = (i + j) // 2
            if not cmp(data[m], data[h]) < 0:
                i = h + 1
            else:
                j = h
        data[i : m + 1] = [data[m], *data[i:m]]
        return
    mid = (a + b) // 2
    n = mid + m
    if m > mid:
        start, r = n - b, mid
    else:
        start, r = a, m
    p = n - 1
    while start < r:
        c = (start + r) // 2
        if not cmp(data[p - c], data[c]) < 0:
            start = c + 1
        else:
            r = c
    end = n - start
    if start < m < end:
        data[start:end] = [*data[m:end], *data[start:m]]
    if a < start < mid:
        _sym_merge(data, a, start, mid, cmp)
    if mid < end < b:
        _sym_merge(data, mid, end, b, cmp)
