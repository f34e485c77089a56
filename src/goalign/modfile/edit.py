"""Edit a parsed go.mod the way the Go command does, so formatting gives Go's bytes.

Each function here changes a :class:`~goalign.modfile.rule.File` and its syntax tree
exactly as the method of the same name in golang.org/x/mod/modfile does (``add_require``
is ``AddRequire``, ``set_require_separate_indirect`` is ``SetRequireSeparateIndirect``,
and so on), so that ``f.format()`` afterwards prints what ``go mod edit``, ``go get`` or
``go mod tidy`` would write. :func:`apply_edit_flags` runs a ``go mod edit`` command line.

The view is always current: an entry that an edit deletes leaves ``f.require``,
``f.replace`` and the other lists at once, so nobody has to call a clean-up step before
reading them. The syntax tree keeps the deleted line as a dead line (no tokens) until
``f.cleanup()`` (which formatting runs) drops it. That delay is deliberate: where Go
puts a later line depends on blocks that only hold dead lines and on one-line blocks not
yet folded into single lines, so cleaning eagerly would move later additions. Calling
``f.cleanup()`` between edits is allowed and matches Go calling ``Cleanup`` there.
Where x/mod panics (``SetRequire`` after a deletion with no ``Cleanup`` in between),
these functions go on as if the deleted entries were already gone.

Two quirks of x/mod are kept because ``go mod edit`` output depends on them:

- :func:`add_replace` with no old version rewrites a version-specific replacement into
  a wildcard one but leaves that entry's ``old.version`` as it was, so a later
  :func:`drop_replace` of the wildcard does not see it.
- :func:`add_retract` adds the line but no entry to ``f.retract``, so a later
  :func:`drop_retract` in the same session does not remove it.

See https://go.dev/ref/mod#go-mod-edit and https://go.dev/ref/mod#go-mod-file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from goalign import gover, semver
from goalign.errors import InputError, InvalidPath, InvalidVersion
from goalign.modfile.format import auto_quote, must_quote
from goalign.modfile.rule import (
    GO_VERSION_RE,
    TOOLCHAIN_RE,
    Exclude,
    File,
    Go,
    Godebug,
    Ignore,
    Module,
    Replace,
    Require,
    Tool,
    Toolchain,
    VersionInterval,
    is_directory_path,
    is_indirect,
)
from goalign.modfile.syntax import Comment, Comments, Expr, FileSyntax, Line, LineBlock, Position
from goalign.module import (
    ModuleVersion,
    canonical_version,
    check_import_path,
    check_path_major,
    path_major_prefix,
    split_path_version,
)
from goalign.strconv import quote, trim_space

__all__ = [
    "RequireSpec",
    "add_exclude",
    "add_go_stmt",
    "add_godebug",
    "add_ignore",
    "add_line",
    "add_module_stmt",
    "add_new_require",
    "add_replace",
    "add_require",
    "add_retract",
    "add_tool",
    "add_toolchain_stmt",
    "apply_edit_flags",
    "drop_exclude",
    "drop_go_stmt",
    "drop_godebug",
    "drop_ignore",
    "drop_replace",
    "drop_require",
    "drop_retract",
    "drop_tool",
    "drop_toolchain_stmt",
    "remove_line",
    "set_indirect",
    "set_line_indirect",
    "set_require",
    "set_require_at_most_two",
    "set_require_separate_indirect",
    "update_line",
    "update_require",
]

# New nodes have no position, like those x/mod creates.
_NO_POS = Position()


# ---------------------------------------------------------------------------
# Syntax tree primitives


def add_line(syntax: FileSyntax, hint: Expr | None, tokens: Sequence[str]) -> Line:
    """Insert a new line of ``tokens`` (verb first) into the tree and return it.

    Where it goes follows x/mod's ``addLine``:

    - ``hint`` is a line or block with the same verb: the new line goes at the end of
      that block, or right after that line inside its block; a single line is first
      turned into a one-line block.
    - ``hint`` has another verb: the new line goes on its own right after the hint's
      statement.
    - no hint: the last statement with the same verb (live line or block, even a block
      whose lines are all deleted) acts as the hint; with none, the line goes at the end.
    """
    tokens = list(tokens)
    verb = tokens[0]
    stmts = syntax.stmts
    if hint is None:
        for stmt in reversed(stmts):
            if isinstance(stmt, Line | LineBlock) and stmt.tokens and stmt.tokens[0] == verb:
                hint = stmt
                break

    def new_line_after(i: int) -> Line:
        new = Line(tokens=tokens)
        stmts.insert(i + 1, new)
        return new

    if hint is not None:
        for i, stmt in enumerate(stmts):
            if isinstance(stmt, Line):
                if stmt is not hint:
                    continue
                if not stmt.tokens or stmt.tokens[0] != verb:
                    return new_line_after(i)
                block = LineBlock(tokens=stmt.tokens[:1], lines=[stmt])
                stmt.tokens = stmt.tokens[1:]
                stmt.in_block = True
                stmts[i] = block
                new = Line(tokens=tokens[1:], in_block=True)
                block.lines.append(new)
                return new
            if isinstance(stmt, LineBlock):
                same_verb = bool(stmt.tokens) and stmt.tokens[0] == verb
                if stmt is hint:
                    if not same_verb:
                        return new_line_after(i)
                    new = Line(tokens=tokens[1:], in_block=True)
                    stmt.lines.append(new)
                    return new
                for j, line in enumerate(stmt.lines):
                    if line is hint:
                        if not same_verb:
                            return new_line_after(i)
                        new = Line(tokens=tokens[1:], in_block=True)
                        stmt.lines.insert(j + 1, new)
                        return new

    new = Line(tokens=tokens)
    stmts.append(new)
    return new


def _add_line_near(syntax: FileSyntax, hint: Line | None, tokens: Sequence[str]) -> Line:
    """Add a line next to ``hint``, or with no hint as a single line at the end of the file.

    This is where x/mod's AddExclude and AddReplace put a line: they pass their hint as a
    typed nil, so a new path never joins an existing block.
    """
    if hint is not None:
        return add_line(syntax, hint, tokens)
    line = Line(tokens=list(tokens))
    syntax.stmts.append(line)
    return line


def update_line(line: Line, tokens: Sequence[str]) -> None:
    """Replace the tokens of ``line`` by ``tokens`` (verb first; dropped inside a block)."""
    line.tokens = list(tokens[1:] if line.in_block else tokens)


def remove_line(line: Line) -> None:
    """Mark ``line`` deleted: no tokens and no end-of-line comment.

    The line stays in the tree until ``File.cleanup()``; its comments above it go with it
    then. The view is not changed: use the ``drop_*`` functions to delete entries.
    """
    line.tokens = []
    line.comments.suffix = []


def _comment_text(token: str) -> str:
    """Return a comment's text without its leading ``//`` and surrounding space."""
    return trim_space(token.removeprefix("//"))


def set_line_indirect(line: Line, indirect: bool) -> None:
    """Add or remove the ``// indirect`` mark on ``line``, keeping any other comment text.

    Marking writes ``// indirect`` as a new comment, fills an empty one, or prefixes an
    existing one (``// indirect; text``). Unmarking removes a bare ``// indirect`` or the
    ``indirect;`` prefix.
    """
    if is_indirect(line) == indirect:
        return
    suffix = line.comments.suffix
    if indirect:
        if not suffix:
            line.comments.suffix = [Comment(start=_NO_POS, token="// indirect", suffix=True)]
            return
        text = _comment_text(suffix[0].token)
        suffix[0].token = "// indirect" if text == "" else "// indirect; " + text
        return
    if _comment_text(suffix[0].token) == "indirect":
        line.comments.suffix = []
        return
    token = suffix[0].token
    cut = token.index("indirect;") + len("indirect;")
    suffix[0].token = "//" + token[cut:]


def set_indirect(r: Require, indirect: bool) -> None:
    """Set whether requirement ``r`` is indirect, in the view and on its line."""
    r.indirect = indirect
    if r.syntax is not None:
        set_line_indirect(r.syntax, indirect)


# ---------------------------------------------------------------------------
# Helpers over view entries


class _HasSyntax(Protocol):
    syntax: Line | None


_E = TypeVar("_E", bound=_HasSyntax)


def _syntax(entry: _HasSyntax) -> Line:
    if entry.syntax is None:
        raise AssertionError("internal error: go.mod entry has no syntax line")
    return entry.syntax


def _drop(entries: list[_E], doomed: Callable[[_E], bool]) -> None:
    """Remove every entry for which ``doomed`` holds, from the list and the tree."""
    kept: list[_E] = []
    for entry in entries:
        if doomed(entry):
            if entry.syntax is not None:
                remove_line(entry.syntax)
        else:
            kept.append(entry)
    entries[:] = kept


def _check_canonical_version(path: str, version: str) -> None:
    """Raise InvalidVersion unless ``version`` is canonical and fits ``path``'s major suffix."""
    _, path_major, path_major_ok = split_path_version(path)
    if version == "" or version != canonical_version(version):
        prefix = path_major_prefix(path_major) if path_major else "v1"
        raise InvalidVersion(version, f"must be of the form {prefix}.2.3")
    if not path_major_ok:
        return
    try:
        check_path_major(version, path_major)
    except InvalidVersion:
        if path_major == "":
            # The author probably meant v2.3.4+incompatible rather than "v0 or v1".
            major = semver.major(version)
            raise InvalidVersion(
                version, f"should be {version}+incompatible (or module {path}/{major})"
            ) from None
        raise


def _go_text(err: InputError) -> str:
    """Return the text Go prints for ``err``, quoting its subject as Go does."""
    if isinstance(err, InvalidVersion):
        subject = f"{err.path}: " if err.path else ""
        return f"{subject}version {quote(err.version)} invalid: {err.reason}"
    if isinstance(err, InvalidPath):
        return f"malformed {err.kind} path {quote(err.path)}: {err.reason}"
    return str(err)


# ---------------------------------------------------------------------------
# Directives


def add_module_stmt(f: File, path: str) -> None:
    """Set the module path, adding a ``module`` line at the end if there is none."""
    tokens = ["module", auto_quote(path)]
    if f.module is None:
        f.module = Module(mod=ModuleVersion(path), syntax=add_line(f.syntax, None, tokens))
        return
    f.module.mod = ModuleVersion(path, f.module.mod.version)
    if f.module.syntax is not None:
        update_line(f.module.syntax, tokens)


def add_go_stmt(f: File, version: str) -> None:
    """Set the go version, adding a ``go`` line after the module line if there is none.

    :raises InputError: ``version`` is not a Go language version such as ``1.21.0``.
    """
    if not GO_VERSION_RE.fullmatch(version):
        raise InputError(f"invalid language version {quote(version)}")
    if f.go is None:
        hint = f.module.syntax if f.module is not None else None
        f.go = Go(version=version, syntax=add_line(f.syntax, hint, ["go", version]))
        return
    f.go.version = version
    update_line(_syntax(f.go), ["go", version])


def drop_go_stmt(f: File) -> None:
    """Delete the go line, if any."""
    if f.go is not None:
        if f.go.syntax is not None:
            remove_line(f.go.syntax)
        f.go = None


def add_toolchain_stmt(f: File, name: str) -> None:
    """Set the toolchain, adding a line after the go (else module) line if there is none.

    :raises InputError: ``name`` is not ``default`` or a ``go1...`` toolchain name.
    """
    if not TOOLCHAIN_RE.match(name):
        raise InputError(f"invalid toolchain name {quote(name)}")
    if f.toolchain is None:
        hint: Line | None = None
        if f.go is not None and f.go.syntax is not None:
            hint = f.go.syntax
        elif f.module is not None:
            hint = f.module.syntax
        line = add_line(f.syntax, hint, ["toolchain", name])
        f.toolchain = Toolchain(name=name, syntax=line)
        return
    f.toolchain.name = name
    update_line(_syntax(f.toolchain), ["toolchain", name])


def drop_toolchain_stmt(f: File) -> None:
    """Delete the toolchain line, if any."""
    if f.toolchain is not None:
        if f.toolchain.syntax is not None:
            remove_line(f.toolchain.syntax)
        f.toolchain = None


def add_godebug(f: File, key: str, value: str) -> None:
    """Set ``key=value``: update the first godebug line for key and delete its others,
    or add a line at the end of the last godebug block."""
    tokens = ["godebug", f"{key}={value}"]
    first = next((g for g in f.godebug if g.key == key), None)
    if first is None:
        f.godebug.append(Godebug(key=key, value=value, syntax=add_line(f.syntax, None, tokens)))
        return
    first.value = value
    update_line(_syntax(first), tokens)
    _drop(f.godebug, lambda g: g.key == key and g is not first)


def drop_godebug(f: File, key: str) -> None:
    """Delete every godebug line for ``key``."""
    _drop(f.godebug, lambda g: g.key == key)


def add_require(f: File, path: str, version: str) -> None:
    """Require ``path`` at ``version``: update the first line for path (keeping its
    comments) and delete its others, or add a line at the end of the last require block.

    The version is written as given; ``go mod edit`` accepts branch names and hashes.
    """
    tokens = ["require", auto_quote(path), version]
    first = next((r for r in f.require if r.mod.path == path), None)
    if first is None:
        add_new_require(f, path, version, indirect=False)
        return
    first.mod = ModuleVersion(path, version)
    update_line(_syntax(first), tokens)
    _drop(f.require, lambda r: r.mod.path == path and r is not first)


def add_new_require(f: File, path: str, version: str, indirect: bool) -> None:
    """Add a require line for ``path`` at the end of the last require block, whatever
    lines for path already exist."""
    line = add_line(f.syntax, None, ["require", auto_quote(path), version])
    r = Require(mod=ModuleVersion(path, version), syntax=line)
    set_indirect(r, indirect)
    f.require.append(r)


def drop_require(f: File, path: str) -> None:
    """Delete every require line for ``path``."""
    _drop(f.require, lambda r: r.mod.path == path)


@dataclass(frozen=True, slots=True)
class RequireSpec:
    """One wanted requirement for :func:`set_require` and its variants."""

    path: str
    version: str
    indirect: bool = False


def _set_version(r: Require, version: str) -> None:
    """Set the version of requirement ``r`` in the view and on its line."""
    r.mod = ModuleVersion(r.mod.path, version)
    line = r.syntax
    if line is None or not line.tokens:
        return
    if line.in_block:
        # A blank line kept before the line would now separate it from its old
        # neighbours for no reason (golang.org/issue/33779).
        before = line.comments.before
        if len(before) == 1 and before[0].token == "":
            line.comments.before = []
        if len(line.tokens) >= 2:
            line.tokens[1] = version
    elif len(line.tokens) >= 3:
        line.tokens[2] = version


def set_require(f: File, reqs: Iterable[RequireSpec]) -> None:
    """Make the requirements exactly ``reqs``, as the Go command does for go < 1.17.

    The first line for each wanted path keeps its place and comments and gets the new
    version and ``// indirect`` mark; other lines are deleted; new paths go to the last
    require block. Blocks are then sorted.

    :raises ValueError: ``reqs`` names one path at two versions.
    """
    need: dict[str, RequireSpec] = {}
    for spec in reqs:
        prev = need.get(spec.path)
        if prev is not None and prev.version != spec.version:
            raise ValueError(
                f"set_require called with conflicting versions for path {spec.path} "
                f"({prev.version} and {spec.version})"
            )
        need[spec.path] = spec

    kept: list[Require] = []
    for r in f.require:
        wanted = need.pop(r.mod.path, None)
        if wanted is None:
            # Not wanted, or a later duplicate of a path already handled.
            if r.syntax is not None:
                remove_line(r.syntax)
            continue
        _set_version(r, wanted.version)
        set_indirect(r, wanted.indirect)
        kept.append(r)
    f.require[:] = kept

    for spec in need.values():
        add_new_require(f, spec.path, spec.version, spec.indirect)
    f.sort_blocks()


def set_require_separate_indirect(f: File, reqs: Iterable[RequireSpec]) -> None:
    """Make the requirements exactly ``reqs``, keeping direct and indirect ones in
    separate blocks, as the Go command does for 1.17 <= go < 1.27.

    The targets are the last uncommented all-direct and the last uncommented
    all-indirect require block (or line); missing ones are created. New paths go to the
    matching target; a requirement whose mark flips moves between the two targets; one
    uncommented require statement is split in two. Lines in other blocks stay put.
    Duplicate lines are deleted. Blocks are then sorted.
    """
    _set_require_separate_indirect(f, list(reqs), simplify=False)


def set_require_at_most_two(f: File, reqs: Iterable[RequireSpec]) -> None:
    """Make the requirements exactly ``reqs`` in at most one direct and one indirect
    block, as the Go command does for go >= 1.27.

    Every kept requirement moves into the two target blocks of
    :func:`set_require_separate_indirect`; comments above the other require blocks move
    above the target that takes most of their lines (direct wins when any line is).
    """
    _set_require_separate_indirect(f, list(reqs), simplify=True)


def update_require(f: File, reqs: Iterable[RequireSpec], go_version: str) -> None:
    """Make the requirements exactly ``reqs`` as ``go get`` and ``go mod tidy`` write them
    for a module whose go line says ``go_version``.

    That is :func:`set_require` below go 1.17, :func:`set_require_separate_indirect`
    below go 1.27 and :func:`set_require_at_most_two` from then on (cmd/go's
    UpdateGoModFromReqs).
    """
    if gover.compare(go_version, "1.17") < 0:
        set_require(f, reqs)
    elif gover.compare(go_version, "1.27") < 0:
        set_require_separate_indirect(f, reqs)
    else:
        set_require_at_most_two(f, reqs)


def _has_comments(c: Comments) -> bool:
    """Report whether ``c`` holds any comment other than a bare ``// indirect``."""
    if c.before or c.after or len(c.suffix) > 1:
        return True
    return len(c.suffix) == 1 and _comment_text(c.suffix[0].token) != "indirect"


def _set_require_separate_indirect(f: File, reqs: list[RequireSpec], *, simplify: bool) -> None:
    stmts = f.syntax.stmts
    need: dict[str, RequireSpec] = {}
    for spec in reqs:
        need[spec.path] = spec
    # Wanted markings of existing lines, keyed by line identity (Lines do not hash).
    wants_indirect: dict[int, bool] = {}
    for r in f.require:
        if r.mod.path in need and r.syntax is not None:
            wants_indirect[id(r.syntax)] = need[r.mod.path].indirect

    last_direct = -1
    last_indirect = -1
    last_require = -1
    require_stmts = 0
    line_block: dict[int, LineBlock] = {}
    direct_comments: list[Comment] = []
    indirect_comments: list[Comment] = []
    for i, stmt in enumerate(stmts):
        if isinstance(stmt, Line):
            if not stmt.tokens or stmt.tokens[0] != "require":
                continue
            last_require = i
            require_stmts += 1
            if not _has_comments(stmt.comments):
                if is_indirect(stmt):
                    last_indirect = i
                else:
                    last_direct = i
        elif isinstance(stmt, LineBlock):
            if not stmt.tokens or stmt.tokens[0] != "require":
                continue
            last_require = i
            require_stmts += 1
            # Dead lines count too: they are gone only after cleanup.
            all_direct = all_indirect = bool(stmt.lines) and not _has_comments(stmt.comments)
            for line in stmt.lines:
                line_block[id(line)] = stmt
                if _has_comments(line.comments):
                    all_direct = all_indirect = False
                elif is_indirect(line):
                    all_direct = False
                else:
                    all_indirect = False
            if all_direct:
                last_direct = i
            if all_indirect:
                last_indirect = i
            if simplify:
                any_direct = any(not wants_indirect.get(id(line), True) for line in stmt.lines)
                target = direct_comments if any_direct or not stmt.lines else indirect_comments
                if target and stmt.comments.before:
                    target.append(Comment(start=_NO_POS, token="//"))
                target.extend(stmt.comments.before)
                stmt.comments.before = []

    one_flat_uncommented = require_stmts == 1 and not _has_comments(stmts[last_require].comments)

    def insert_block(i: int) -> LineBlock:
        block = LineBlock(tokens=["require"])
        stmts.insert(i, block)
        return block

    def ensure_block(i: int) -> LineBlock:
        stmt = stmts[i]
        if isinstance(stmt, LineBlock):
            return stmt
        if not isinstance(stmt, Line):
            raise AssertionError(f"internal error: unexpected statement {stmt!r}")
        block = LineBlock(tokens=["require"], lines=[stmt])
        stmt.tokens = stmt.tokens[1:]
        stmt.in_block = True
        stmts[i] = block
        return block

    if last_direct < 0:
        if last_indirect >= 0:
            last_direct = last_indirect
            last_indirect += 1
        elif last_require >= 0:
            last_direct = last_require + 1
        else:
            last_direct = len(stmts)
        direct_block = insert_block(last_direct)
    else:
        direct_block = ensure_block(last_direct)
    if last_indirect < 0:
        indirect_block = insert_block(last_direct + 1)
    else:
        indirect_block = ensure_block(last_indirect)

    if simplify:
        direct_block.comments.before.extend(direct_comments)
        indirect_block.comments.before.extend(indirect_comments)

    def move(r: Require, block: LineBlock) -> None:
        """Append r's line to ``block``, leaving a dead line where it was."""
        old = r.syntax
        if old is None:
            line = Line(tokens=[auto_quote(r.mod.path), r.mod.version])
            r.syntax = line
            if r.indirect:
                set_line_indirect(line, True)
        else:
            tokens = old.tokens
            if not old.in_block and tokens and tokens[0] == "require":
                tokens = tokens[1:]
            line = Line(
                comments=Comments(
                    before=list(old.comments.before),
                    suffix=list(old.comments.suffix),
                    after=list(old.comments.after),
                ),
                start=old.start,
                tokens=list(tokens),
                end=old.end,
            )
            # Only the tokens go: the dead line keeps its comments, as in x/mod.
            old.tokens = []
            r.syntax = line
        line.in_block = True
        block.lines.append(line)

    have: set[str] = set()
    kept: list[Require] = []
    for r in f.require:
        wanted = need.get(r.mod.path)
        if wanted is None or r.mod.path in have:
            if r.syntax is not None:
                remove_line(r.syntax)
            continue
        have.add(r.mod.path)
        kept.append(r)
        _set_version(r, wanted.version)
        set_indirect(r, wanted.indirect)
        block = line_block.get(id(r.syntax)) if r.syntax is not None else None
        if wanted.indirect and (simplify or one_flat_uncommented or block is direct_block):
            move(r, indirect_block)
        elif not wanted.indirect and (simplify or one_flat_uncommented or block is indirect_block):
            move(r, direct_block)

    for path, spec in need.items():
        if path in have:
            continue
        r = Require(mod=ModuleVersion(path, spec.version), indirect=spec.indirect)
        move(r, indirect_block if spec.indirect else direct_block)
        kept.append(r)
    f.require[:] = kept
    f.sort_blocks()


def add_exclude(f: File, path: str, version: str) -> None:
    """Exclude ``path@version``: next to the last exclude of the same path, else as a
    single line at the end of the file.

    :raises InvalidVersion: ``version`` is not canonical or does not fit the path.
    """
    _check_canonical_version(path, version)
    hint: Line | None = None
    for x in f.exclude:
        if x.mod.path == path:
            if x.mod.version == version:
                return
            hint = x.syntax
    line = _add_line_near(f.syntax, hint, ["exclude", auto_quote(path), version])
    f.exclude.append(Exclude(mod=ModuleVersion(path, version), syntax=line))


def drop_exclude(f: File, path: str, version: str) -> None:
    """Delete the exclusion of ``path@version``."""
    _drop(f.exclude, lambda x: x.mod.path == path and x.mod.version == version)


def add_replace(f: File, old_path: str, old_version: str, new_path: str, new_version: str) -> None:
    """Replace ``old_path`` (at ``old_version``, or every version when "") by
    ``new_path`` (a directory when ``new_version`` is "").

    The first matching replacement is rewritten in place and the other matching ones are
    deleted; with no old version, version-specific ones match too. Otherwise a new line
    goes next to the last replacement of the same path, else on its own at the end of the
    file. As in x/mod, a rewritten entry keeps its ``old.version``.
    """
    tokens = ["replace", auto_quote(old_path)]
    if old_version:
        tokens.append(old_version)
    tokens += ["=>", auto_quote(new_path)]
    if new_version:
        tokens.append(new_version)
    new = ModuleVersion(new_path, new_version)

    updated: Replace | None = None
    hint: Line | None = None
    kept: list[Replace] = []
    for r in f.replace:
        if r.old.path == old_path and (old_version == "" or r.old.version == old_version):
            if updated is None:
                updated = r
                r.new = new
                update_line(_syntax(r), tokens)
                kept.append(r)
            elif r.syntax is not None:
                remove_line(r.syntax)
            continue
        if r.old.path == old_path:
            hint = r.syntax
        kept.append(r)
    f.replace[:] = kept
    if updated is None:
        line = _add_line_near(f.syntax, hint, tokens)
        f.replace.append(Replace(old=ModuleVersion(old_path, old_version), new=new, syntax=line))


def drop_replace(f: File, old_path: str, old_version: str) -> None:
    """Delete the replacement of exactly ``old_path`` at ``old_version`` ("" = wildcard)."""
    _drop(f.replace, lambda r: r.old.path == old_path and r.old.version == old_version)


def add_retract(f: File, interval: VersionInterval, rationale: str = "") -> None:
    """Add a retract line for ``interval`` with ``rationale`` as comments above it.

    As in x/mod, the view's ``f.retract`` is not extended, so :func:`drop_retract` sees
    the new line only after the file is formatted and parsed again.

    :raises InvalidVersion: a bound is not canonical or does not fit the module path.
    """
    path = f.module.mod.path if f.module is not None else ""
    _check_canonical_version(path, interval.high)
    _check_canonical_version(path, interval.low)
    if interval.low == interval.high:
        tokens = ["retract", auto_quote(interval.low)]
    else:
        tokens = ["retract", "[", auto_quote(interval.low), ",", auto_quote(interval.high), "]"]
    line = add_line(f.syntax, None, tokens)
    if rationale:
        line.comments.before.extend(
            Comment(start=_NO_POS, token="// " + text) for text in rationale.split("\n")
        )


def drop_retract(f: File, interval: VersionInterval) -> None:
    """Delete every retraction of exactly ``interval`` read from the file."""
    _drop(f.retract, lambda r: r.interval == interval)


def add_tool(f: File, path: str) -> None:
    """Add a tool line for ``path`` unless there is one, then sort the blocks."""
    if any(t.path == path for t in f.tool):
        return
    f.tool.append(Tool(path=path, syntax=add_line(f.syntax, None, ["tool", path])))
    f.sort_blocks()


def drop_tool(f: File, path: str) -> None:
    """Delete every tool line for ``path``."""
    _drop(f.tool, lambda t: t.path == path)


def add_ignore(f: File, path: str) -> None:
    """Add an ignore line for ``path`` unless there is one, then sort the blocks."""
    if any(i.path == path for i in f.ignore):
        return
    f.ignore.append(Ignore(path=path, syntax=add_line(f.syntax, None, ["ignore", path])))
    f.sort_blocks()


def drop_ignore(f: File, path: str) -> None:
    """Delete every ignore line for ``path``."""
    _drop(f.ignore, lambda i: i.path == path)


# ---------------------------------------------------------------------------
# go mod edit

_Edit = Callable[[File], None]


def _cut(s: str, sep: str) -> tuple[str, str, bool]:
    before, found, after = s.partition(sep)
    return before, after, bool(found)


def _allowed_version_arg(arg: str) -> bool:
    """Report whether ``arg`` may stand as a version token (branches and hashes included)."""
    return not must_quote(arg)


def _split_path_version_arg(arg: str) -> tuple[str, str, bool]:
    """Split ``path@version`` as the Go command does, rejecting versions that look like flags."""
    path, version, found = _cut(arg, "@")
    if not found:
        return arg, "", False
    if version[:1] in ("-", "/"):
        raise InputError(f"invalid module version {quote(version)}")
    return path, version, True


def _import_path_error(path: str) -> str | None:
    try:
        check_import_path(path)
    except InputError as err:
        return _go_text(err)
    return None


def _path_version(flag: str, arg: str) -> tuple[str, str]:
    try:
        path, version, found = _split_path_version_arg(arg)
    except InputError as err:
        raise InputError(f"-{flag}={arg}: {err}") from None
    if not found:
        raise InputError(f"-{flag}={arg}: need path@version")
    path, version = trim_space(path), trim_space(version)
    if (problem := _import_path_error(path)) is not None:
        raise InputError(f"-{flag}={arg}: invalid path: {problem}")
    if not _allowed_version_arg(version):
        raise InputError(f"-{flag}={arg}: invalid version {quote(version)}")
    return path, version


def _path(flag: str, arg: str) -> str:
    if "@" in arg:
        raise InputError(f"-{flag}={arg}: need just path, not path@version")
    if (problem := _import_path_error(arg)) is not None:
        raise InputError(f"-{flag}={arg}: invalid path: {problem}")
    return arg


def _path_version_optional(adj: str, arg: str, allow_dir: bool) -> tuple[str, str]:
    """Parse ``path[@version]`` (or a directory when ``allow_dir``); raise with Go's text."""
    if allow_dir and is_directory_path(arg):
        return arg, ""
    path, version, found = _split_path_version_arg(arg)
    if found:
        path, version = trim_space(path), trim_space(version)
    if (problem := _import_path_error(path)) is not None:
        raise InputError(f"invalid {adj} path: {problem}")
    if path != arg and not _allowed_version_arg(version):
        raise InputError(f"invalid {adj} version: {quote(version)}")
    return path, version


def _version_interval(arg: str) -> VersionInterval:
    if not arg.startswith("["):
        if not _allowed_version_arg(arg):
            raise InputError(f"invalid version: {quote(arg)}")
        return VersionInterval(arg, arg)
    low, high, found = _cut(arg[1:-1] if arg.endswith("]") else "", ",")
    low, high = trim_space(low), trim_space(high)
    if (
        not arg.endswith("]")
        or not found
        or not _allowed_version_arg(low)
        or not _allowed_version_arg(high)
    ):
        raise InputError(f"invalid version interval: {quote(arg)}")
    return VersionInterval(low, high)


def _reraising(flag: str, arg: str, edit: _Edit) -> _Edit:
    """Wrap ``edit`` so its errors read ``-flag=arg: reason``, as the Go command prints them."""

    def run(f: File) -> None:
        try:
            edit(f)
        except InputError as err:
            raise InputError(f"-{flag}={arg}: {_go_text(err)}") from err

    return run


def _godebug_flag(arg: str) -> _Edit:
    key, value, ok = _cut(arg, "=")
    if not ok or any(c in arg for c in "\"`',"):
        raise InputError(f"-godebug={arg}: need key=value")
    return lambda f: add_godebug(f, key, value)


def _require_flag(arg: str) -> _Edit:
    path, version = _path_version("require", arg)
    return lambda f: add_require(f, path, version)


def _exclude_flag(arg: str) -> _Edit:
    path, version = _path_version("exclude", arg)
    return _reraising("exclude", arg, lambda f: add_exclude(f, path, version))


def _drop_exclude_flag(arg: str) -> _Edit:
    path, version = _path_version("dropexclude", arg)
    return lambda f: drop_exclude(f, path, version)


def _replace_flag(arg: str) -> _Edit:
    before, after, found = _cut(arg, "=")
    if not found:
        raise InputError(f"-replace={arg}: need old[@v]=new[@w] (missing =)")
    old, new = trim_space(before), trim_space(after)
    if new.startswith(">"):
        raise InputError(f"-replace={arg}: separator between old and new is =, not =>")
    try:
        old_path, old_version = _path_version_optional("old", old, allow_dir=False)
        new_path, new_version = _path_version_optional("new", new, allow_dir=True)
    except InputError as err:
        raise InputError(f"-replace={arg}: {err}") from None
    if new_path == new and not is_directory_path(new):
        raise InputError(f"-replace={arg}: unversioned new path must be local directory")
    return lambda f: add_replace(f, old_path, old_version, new_path, new_version)


def _drop_replace_flag(arg: str) -> _Edit:
    try:
        path, version = _path_version_optional("old", arg, allow_dir=True)
    except InputError as err:
        raise InputError(f"-dropreplace={arg}: {err}") from None
    return lambda f: drop_replace(f, path, version)


def _interval_flag(flag: str, arg: str) -> VersionInterval:
    try:
        return _version_interval(arg)
    except InputError as err:
        raise InputError(f"-{flag}={arg}: {err}") from None


def _retract_flag(arg: str) -> _Edit:
    interval = _interval_flag("retract", arg)
    return _reraising("retract", arg, lambda f: add_retract(f, interval))


def _drop_retract_flag(arg: str) -> _Edit:
    interval = _interval_flag("dropretract", arg)
    return lambda f: drop_retract(f, interval)


def _drop_require_flag(arg: str) -> _Edit:
    path = _path("droprequire", arg)
    return lambda f: drop_require(f, path)


def _tool_flag(arg: str) -> _Edit:
    path = _path("tool", arg)
    return lambda f: add_tool(f, path)


def _drop_tool_flag(arg: str) -> _Edit:
    path = _path("droptool", arg)
    return lambda f: drop_tool(f, path)


_EDIT_FLAGS: dict[str, Callable[[str], _Edit]] = {
    "godebug": _godebug_flag,
    "dropgodebug": lambda arg: lambda f: drop_godebug(f, arg),
    "require": _require_flag,
    "droprequire": _drop_require_flag,
    "exclude": _exclude_flag,
    "dropexclude": _drop_exclude_flag,
    "replace": _replace_flag,
    "dropreplace": _drop_replace_flag,
    "retract": _retract_flag,
    "dropretract": _drop_retract_flag,
    "tool": _tool_flag,
    "droptool": _drop_tool_flag,
    "ignore": lambda arg: lambda f: add_ignore(f, arg),
    "dropignore": lambda arg: lambda f: drop_ignore(f, arg),
}
_STRING_FLAGS = frozenset({"module", "go", "toolchain"})
_BOOL_FLAGS = frozenset({"fmt", "print", "json"})
_TRUE = frozenset({"1", "t", "T", "TRUE", "true", "True"})
_FALSE = frozenset({"0", "f", "F", "FALSE", "false", "False"})


def apply_edit_flags(f: File, args: Sequence[str]) -> None:
    """Apply the flags of a ``go mod edit`` command line to ``f`` as that command does.

    ``args`` holds only flags (``-require=path@v``, ``-go 1.21``, ``-fmt``...), no file
    name. Every flag is checked first, in order, as Go's flag parser does; then
    ``-module``, ``-go`` and ``-toolchain`` apply (``none`` drops the last two), then the
    other edits in command-line order; last, the blocks are sorted and the file cleaned.
    Formatting ``f`` then gives the bytes ``go mod edit`` would write.

    :raises InputError: a flag is unknown or malformed, or an edit fails; the message is
        the Go command's, without its ``go:`` prefix. ``f`` may then be partly edited.
    """
    strings: dict[str, str] = {}
    bools: set[str] = set()
    edits: list[_Edit] = []
    rest = list(args)
    while rest:
        arg = rest.pop(0)
        if arg == "--":
            break
        if len(arg) < 2 or not arg.startswith("-"):
            raise InputError(f"unexpected argument {quote(arg)}: only flags are accepted")
        name = arg[2:] if arg.startswith("--") else arg[1:]
        if not name or name[0] in "-=":
            raise InputError(f"bad flag syntax: {arg}")
        name, value, has_value = _cut(name, "=")
        if name in _BOOL_FLAGS:
            if has_value and value not in _TRUE | _FALSE:
                raise InputError(f"invalid boolean value {quote(value)} for -{name}: parse error")
            if not has_value or value in _TRUE:
                bools.add(name)
            else:
                bools.discard(name)
            continue
        if name not in _STRING_FLAGS and name not in _EDIT_FLAGS:
            raise InputError(f"flag provided but not defined: -{name}")
        if not has_value:
            if not rest:
                raise InputError(f"flag needs an argument: -{name}")
            value = rest.pop(0)
        if name in _STRING_FLAGS:
            strings[name] = value
        else:
            edits.append(_EDIT_FLAGS[name](value))
    if rest:
        raise InputError(f"unexpected argument {quote(rest[0])}: only flags are accepted")
    if {"json", "print"} <= bools:
        raise InputError("cannot use both -json and -print")

    module_path = strings.get("module", "")
    go = strings.get("go", "")
    toolchain = strings.get("toolchain", "")
    if module_path:
        problem = _import_path_error(module_path)
        if problem is None and module_path in ("go", "toolchain"):
            problem = "module path is reserved"
        if problem is not None:
            raise InputError(f"invalid -module: {problem}")
    if go not in ("", "none") and not GO_VERSION_RE.fullmatch(go):
        raise InputError('invalid -go option; expecting a version like "-go 1.21.0"')
    if toolchain not in ("", "none") and not TOOLCHAIN_RE.match(toolchain):
        raise InputError('invalid -toolchain option; expecting a name like "-toolchain go1.21.0"')

    if module_path:
        add_module_stmt(f, module_path)
    if go == "none":
        drop_go_stmt(f)
    elif go:
        add_go_stmt(f, go)
    if toolchain == "none":
        drop_toolchain_stmt(f)
    elif toolchain:
        add_toolchain_stmt(f, toolchain)
    for edit in edits:
        edit(f)
    f.sort_blocks()
    f.cleanup()
