"""go.mod reading: the syntax tree (positions, comments, blocks) and the view over it
(directives, // indirect, Deprecated:, retract rationale, lax mode), as x/mod gives them."""

from __future__ import annotations

import pytest

from goalign.modfile import (
    File,
    is_directory_path,
    is_indirect,
    parse,
    parse_lax,
    parse_syntax,
)
from goalign.modfile.syntax import Comment, CommentBlock, Line, LineBlock, Position
from goalign.module import ModuleVersion
from goalign.strconv import fields, is_print, quote, quote_rune, trim_space, unquote


def lines_of(f: File) -> list[Line]:
    out: list[Line] = []
    for stmt in f.syntax.stmts:
        if isinstance(stmt, Line):
            out.append(stmt)
        elif isinstance(stmt, LineBlock):
            out.extend(stmt.lines)
    return out


# --- the view ---------------------------------------------------------------------------


def test_every_directive() -> None:
    f = parse(
        b'module "example.com/m"\n'
        b"go 1.23.0\n"
        b"toolchain go1.23.4\n"
        b"godebug (\n\tpanicnil=1\n\tdefault=go1.21\n)\n"
        b"require (\n\tx.com/a v1.2\n\tx.com/b v2.0.0+incompatible // indirect\n)\n"
        b"exclude x.com/c v1.0.0+meta\n"
        b"replace x.com/d v1.0.0 => ../d\n"
        b"replace x.com/e => y.com/e v1.1.0\n"
        b"retract [v0.1.0, v0.2.0]\n"
        b"tool x.com/a/cmd/t\n"
        b"ignore ./testdata\n",
        "go.mod",
    )
    assert f.module is not None
    assert f.module.mod == ModuleVersion("example.com/m")
    assert f.go is not None
    assert f.go.version == "1.23.0"
    assert f.toolchain is not None
    assert f.toolchain.name == "go1.23.4"
    assert [(g.key, g.value) for g in f.godebug] == [("panicnil", "1"), ("default", "go1.21")]
    assert [(r.mod, r.indirect) for r in f.require] == [
        (ModuleVersion("x.com/a", "v1.2.0"), False),
        (ModuleVersion("x.com/b", "v2.0.0+incompatible"), True),
    ]
    assert [x.mod for x in f.exclude] == [ModuleVersion("x.com/c", "v1.0.0")]
    assert [(r.old, r.new) for r in f.replace] == [
        (ModuleVersion("x.com/d", "v1.0.0"), ModuleVersion("../d")),
        (ModuleVersion("x.com/e"), ModuleVersion("y.com/e", "v1.1.0")),
    ]
    assert [(r.interval.low, r.interval.high) for r in f.retract] == [("v0.1.0", "v0.2.0")]
    assert [t.path for t in f.tool] == ["x.com/a/cmd/t"]
    assert [i.path for i in f.ignore] == ["./testdata"]


def test_entries_point_at_their_lines() -> None:
    f = parse(b"module m\nrequire (\n\tx.com/a v1.2\n)\nrequire x.com/b v1.0.0\n")
    a, b = f.require
    assert a.syntax is lines_of(f)[1]
    assert b.syntax is lines_of(f)[2]
    # Canonical versions and plain quoting are written back into the tree.
    assert a.syntax.tokens == ["x.com/a", "v1.2.0"]
    assert a.syntax.in_block
    assert not b.syntax.in_block


def test_quoted_tokens_are_unquoted_when_they_can_be() -> None:
    f = parse(b'module "x.com/\\u00e9"\nrequire "x.com/a b" "v1.0.0"\n')
    assert f.module is not None
    assert f.module.mod.path == "x.com/é"
    assert f.require[0].mod == ModuleVersion("x.com/a b", "v1.0.0")
    assert [line.tokens for line in lines_of(f)] == [
        ["module", "x.com/é"],
        ["require", '"x.com/a b"', "v1.0.0"],
    ]


@pytest.mark.parametrize(
    ("comment", "indirect"),
    [
        ("// indirect", True),
        ("//indirect", True),
        ("//   indirect   ", True),
        ("// indirect; needed by x", True),
        ("// indirect;", False),  # one field only, and it is not "indirect"
        ("// indirect ; x", False),
        ("// indirectly", False),
        ("// not indirect", False),
        ("// indirect // more", False),
        ("//\u3000indirect", True),  # Go's Fields splits on Unicode spaces
        ("//\x1cindirect", False),  # but not on \x1c
    ],
)
def test_indirect(comment: str, indirect: bool) -> None:
    f = parse(f"module m\nrequire x.com/a v1.0.0 {comment}\n".encode())
    assert f.require[0].indirect is indirect
    assert f.require[0].syntax is not None
    assert is_indirect(f.require[0].syntax) is indirect


def test_only_the_first_suffix_comment_counts_for_indirect() -> None:
    line = Line(
        tokens=["x", "v1"],
        comments=parse(b"").syntax.comments,
    )
    line.comments.suffix = [Comment(Position(), "// a", True), Comment(Position(), "// indirect")]
    assert not is_indirect(line)


DEPRECATED = [
    (b"// Deprecated: use y.\nmodule m\n", "use y."),
    (b"module m // Deprecated: in the suffix\n", "in the suffix"),
    (b"// Deprecated:no space\nmodule m\n", "no space"),
    (b"// deprecated: lower case\nmodule m\n", ""),
    (b"// Intro.\n// Deprecated: not its own paragraph\nmodule m\n", ""),
    (
        b"// Intro.\n//\n// Deprecated: second paragraph\n// continues\nmodule m\n",
        "second paragraph\ncontinues",
    ),
    (
        b"// Intro.\n//\n//\n// Deprecated: after a blank comment line\n//\n// Tail.\nmodule m\n",
        "after a blank comment line",
    ),
    (b"// Deprecated: first\n//\n// Deprecated: second\nmodule m\n", "first"),
    (b"// Deprecated: ends with an empty comment\n//\nmodule m\n", "ends with an empty comment\n"),
    (b"// Deprecated: a\n// b\nmodule m // c\n", "a\nb\nc"),
    (b"// Deprecated: kept apart\n\nmodule m\n", ""),  # a blank line detaches the comment
    (b"module (\n\t// Deprecated: in a block\n\tm\n)\n", "in a block"),
    (b"// Deprecated: on the block\nmodule (\n\tm\n)\n", "on the block"),
    (b"// Deprecated: on the block\nmodule (\n\tm // own\n)\n", ""),
]


@pytest.mark.parametrize(("text", "deprecated"), DEPRECATED)
def test_deprecated(text: bytes, deprecated: str) -> None:
    f = parse(text)
    assert f.module is not None
    assert f.module.deprecated == deprecated


def test_retract_rationale_and_unchecked_versions() -> None:
    f = parse(
        b"module m\n"
        b"// Too early.\n// Really.\nretract v0.1.0\n"
        b"retract [v0.2.0, v0.3.0] // broken\n"
        b"// Block reason.\nretract (\n\tv0.4.0\n\t// Own reason.\n\tv0.5.0\n)\n"
        b"retract not-a-version\n"
    )
    got = [(r.interval.low, r.interval.high, r.rationale) for r in f.retract]
    assert got == [
        ("v0.1.0", "v0.1.0", "Too early.\nReally."),
        ("v0.2.0", "v0.3.0", "broken"),
        ("v0.4.0", "v0.4.0", "Block reason."),
        ("v0.5.0", "v0.5.0", "Own reason."),
        # go mod edit does not check retracted versions; the go command does, later.
        ("not-a-version", "not-a-version", ""),
    ]


def test_retract_quoted_versions_are_unquoted_raw() -> None:
    # x/mod writes the unquoted text back without re-quoting it, even when it then
    # reads as two tokens; goalign does the same.
    f = parse(b'module m\nretract "v1 0"\n')
    assert f.retract[0].interval.low == "v1 0"
    assert f.format() == b"module m\n\nretract v1 0\n"


def test_lax_keeps_only_dependency_directives() -> None:
    data = (
        b"module m\n"
        b"go 1.22.1rc1-extra\n"
        b"toolchain junk\n"
        b"godebug nonsense\n"
        b"require x.com/a v1.0.0\n"
        b"exclude x.com/a junk\n"
        b"replace junk\n"
        b"retract [v1.0.0 v1.1.0]\n"
        b"retract v0.1.0 and more\n"
        b"tool a b c\n"
        b"ignore ./x\n"
        b"future directive\n"
        b"future (\n\tblock\n)\n"
        b"require x (\n)\n"
    )
    f = parse_lax(data)
    assert f.go is not None
    assert f.go.version == "1.22"
    assert f.toolchain is None
    assert f.godebug == []
    assert [r.mod.path for r in f.require] == ["x.com/a"]
    assert f.exclude == []
    assert f.replace == []
    assert [r.interval.low for r in f.retract] == ["v0.1.0"]
    assert f.tool == []
    assert [i.path for i in f.ignore] == ["./x"]
    # The go line in the tree is cut too.
    assert f.go.syntax is not None
    assert f.go.syntax.tokens == ["go", "1.22"]


@pytest.mark.parametrize(
    ("version", "lax"),
    [
        ("1.21", "1.21"),
        ("1.21.0", "1.21.0"),
        ("1.21rc1", "1.21rc1"),
        ("1.21.0.1", "1.21"),
        ("v1.21.x", "1.21"),
        ("1.21-pre", "1.21"),
        ("v1.21", None),  # nothing after major.minor to cut
        ("1.021.0", None),
        ("2", None),
    ],
)
def test_lax_go_versions(version: str, lax: str | None) -> None:
    data = f"go {version}\n".encode()
    if lax is None:
        with pytest.raises(Exception, match="invalid go version"):
            parse_lax(data)
        return
    f = parse_lax(data)
    assert f.go is not None
    assert f.go.version == lax


@pytest.mark.parametrize(
    ("path", "is_dir"),
    [
        (".", True),
        ("..", True),
        ("./x", True),
        ("../x", True),
        (".\\x", True),
        ("..\\x", True),
        ("/abs", True),
        ("\\abs", True),
        ("C:/x", True),
        ("c:", True),
        ("1:", False),
        ("é:", False),
        ("x.com/m", False),
        (".x", False),
        ("...", False),
        ("", False),
    ],
)
def test_is_directory_path(path: str, is_dir: bool) -> None:
    assert is_directory_path(path) is is_dir


# --- the syntax tree --------------------------------------------------------------------


def test_positions_count_runes_and_bytes() -> None:
    fs = parse_syntax("module é/ü\nrequire (\n\tx v1 // c\n)\n".encode())
    module, block = fs.stmts
    assert isinstance(module, Line)
    assert module.start == Position(1, 1, 0)
    assert module.end == Position(1, 11, 12)  # two 2-byte runes
    assert isinstance(block, LineBlock)
    assert block.start == Position(2, 1, 13)
    assert block.lparen.pos == Position(2, 9, 21)
    line = block.lines[0]
    assert line.start == Position(3, 2, 24)
    assert line.end == Position(3, 6, 28)
    assert line.comments.suffix == [Comment(Position(3, 7, 29), "// c", True)]
    assert block.rparen.pos == Position(4, 1, 34)


def test_comment_placement() -> None:
    fs = parse_syntax(
        b"// file header\n"
        b"\n"
        b"// on module\n"
        b"module m\n"
        b"require ( // after lparen\n"
        b"\n"
        b"\t// on a\n"
        b"\ta v1\n"
        b"\n"
        b"\n"
        b"\tb v1\n"
        b"\t// before rparen\n"
        b") // after rparen\n"
        b"x ( ) // empty block\n"
        b"// trailing\n"
    )
    header, module, block, empty, trailing = fs.stmts
    assert isinstance(header, CommentBlock)
    assert [c.token for c in header.comments.before] == ["// file header"]
    assert [c.token for c in module.comments.before] == ["// on module"]
    assert isinstance(block, LineBlock)
    assert [c.token for c in block.lparen.comments.suffix] == ["// after lparen"]
    a, b = block.lines
    assert [c.token for c in a.comments.before] == ["// on a"]  # leading blank dropped
    assert [c.token for c in b.comments.before] == [""]  # two blank lines, one marker
    assert [c.token for c in block.rparen.comments.before] == ["// before rparen"]
    assert [c.token for c in block.rparen.comments.suffix] == ["// after rparen"]
    assert block.comments.suffix == []
    assert isinstance(empty, LineBlock)
    assert empty.lines == []
    assert [c.token for c in empty.comments.suffix] == ["// empty block"]
    assert isinstance(trailing, CommentBlock)
    assert [c.token for c in trailing.comments.before] == ["// trailing"]
    assert fs.comments.before == []


def test_parens_inside_a_line_are_tokens() -> None:
    fs = parse_syntax(b"a ( b\nc ( ) d\n( (\n)\n) x\n")
    assert [type(s).__name__ for s in fs.stmts] == ["Line", "Line", "LineBlock", "Line"]
    first, second, block, last = fs.stmts
    assert isinstance(first, Line)
    assert first.tokens == ["a", "(", "b"]
    assert isinstance(second, Line)
    assert second.tokens == ["c", "(", ")", "d"]
    assert isinstance(block, LineBlock)
    assert block.tokens == ["("]
    assert isinstance(last, Line)
    assert last.tokens == [")", "x"]


def test_crlf_and_strings() -> None:
    fs = parse_syntax(b'module "a\\"b" // c\r\nx `raw \\` y\r\n// end\r')
    module, x, end = fs.stmts
    assert isinstance(module, Line)
    assert module.tokens == ["module", '"a\\"b"']
    assert [c.token for c in module.comments.suffix] == ["// c"]
    assert isinstance(x, Line)
    assert x.tokens == ["x", "`raw \\`", "y"]
    assert [c.token for c in end.comments.before] == ["// end\r"]


def test_quote_in_identifier_passes_the_lexer() -> None:
    fs = parse_syntax(b"go1.x\"y'z\n")
    assert isinstance(fs.stmts[0], Line)
    assert fs.stmts[0].tokens == ["go1.x\"y'z"]


def test_backslash_newline_continues_a_string() -> None:
    fs = parse_syntax(b'x "a\\\nb" // c\n')
    line = fs.stmts[0]
    assert isinstance(line, Line)
    assert line.tokens == ["x", '"a\\\nb"']
    # The line spans two lines, so the comment goes to the file, as in x/mod.
    assert line.comments.suffix == []
    assert [c.token for c in fs.comments.before] == ["// c"]


# --- sorting and cleanup ------------------------------------------------------------------


def test_sort_blocks_orders_inside_blocks_only() -> None:
    f = parse(
        b"module m\ngo 1.21\n"
        b"require z.com/a v1.0.0\n"
        b"require (\n\tz.com/b v1.0.0\n\ta.com/b v1.0.0\n\ta.com/b v0.9.0\n)\n"
        b"require a.com/c v1.0.0\n"
    )
    f.sort_blocks()
    assert [r.syntax.tokens[-2:] for r in f.require if r.syntax] == [
        ["z.com/a", "v1.0.0"],
        ["z.com/b", "v1.0.0"],
        ["a.com/b", "v1.0.0"],
        ["a.com/b", "v0.9.0"],
        ["a.com/c", "v1.0.0"],
    ]
    block = f.syntax.stmts[3]
    assert isinstance(block, LineBlock)
    assert [line.tokens for line in block.lines] == [
        ["a.com/b", "v0.9.0"],
        ["a.com/b", "v1.0.0"],
        ["z.com/b", "v1.0.0"],
    ]


def test_sort_is_byte_order_and_stable_for_large_blocks() -> None:
    paths = [f"x.com/p{(i * 37) % 101:03d}" for i in range(101)]
    body = "".join(f"\t{p} v1.0.{i % 3}\n" for i, p in enumerate(paths + paths))
    f = parse(f"module m\nrequire (\n{body})\n".encode())
    f.sort_blocks()
    block = f.syntax.stmts[1]
    assert isinstance(block, LineBlock)
    tokens = [line.tokens for line in block.lines]
    assert tokens == sorted(tokens)


def test_remove_dups_and_cleanup() -> None:
    f = parse(
        b"module m\n"
        b"exclude x.com/a v1.0.0\nexclude x.com/a v1.0.0\n"
        b"replace x.com/b => ./one\nreplace (\n\tx.com/b => ./two\n)\n"
        b"tool x.com/t\ntool x.com/t\n"
        b"ignore ./i\nignore ./i\n"
        b"require x.com/c v1.0.0\nrequire x.com/c v1.0.0\n"
    )
    first_exclude = f.exclude[0]
    f.sort_blocks()
    f.cleanup()
    assert f.exclude == [first_exclude]
    assert [r.new.path for r in f.replace] == ["./two"]
    assert len(f.tool) == 1
    assert len(f.ignore) == 1
    assert len(f.require) == 2
    assert f.format() == (
        b"module m\n\n"
        b"exclude x.com/a v1.0.0\n\n"
        b"replace x.com/b => ./two\n\n"
        b"tool x.com/t\n\n"
        b"ignore ./i\n\n"
        b"require x.com/c v1.0.0\n\n"
        b"require x.com/c v1.0.0\n"
    )


def test_cleanup_collapses_a_block_and_keeps_the_line_object() -> None:
    f = parse(b"// on block\nrequire ( // lost, as in x/mod\n\tx.com/a v1.0.0 // kept\n)\n")
    line = f.require[0].syntax
    f.cleanup()
    assert f.syntax.stmts == [line]
    assert line is not None
    assert line.tokens == ["require", "x.com/a", "v1.0.0"]
    assert not line.in_block
    assert [c.token for c in line.comments.before] == ["// on block"]
    assert [c.token for c in line.comments.suffix] == ["// kept"]


def test_cleanup_keeps_a_block_with_comments_before_its_close() -> None:
    f = parse(b"require (\n\tx.com/a v1.0.0\n\t// stays a block\n)\n")
    f.cleanup()
    assert isinstance(f.syntax.stmts[0], LineBlock)


def test_deleted_entries_leave_the_view() -> None:
    f = parse(b"module m\ngodebug a=1\nrequire x.com/a v1.0.0\nretract v1.0.0\ntool x.com/t\n")
    for line in lines_of(f)[1:]:
        line.tokens = []
    f.cleanup()
    assert (f.godebug, f.require, f.retract, f.tool) == ([], [], [], [])
    assert f.format() == b"module m\n"


# --- Go's string rules ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("literal", "value"),
    [
        ('"plain"', "plain"),
        ('"a\\"b"', 'a"b'),
        ('"\\a\\b\\f\\n\\r\\t\\v\\\\"', "\a\b\f\n\r\t\v\\"),
        ('"\\x41\\101\\u00e9\\U0001F600"', "AAé\U0001f600"),
        ('"\\xff"', "\udcff"),  # a raw byte, not U+00FF
        ('"\\377"', "\udcff"),
        ('"\\400"', None),
        ('"\\ud800"', None),
        ('"\\U00110000"', None),
        ('"\\\'"', None),
        ('"\\q"', None),
        ('"\\x4"', None),
        ('"a\nb"', None),
        ('"a\\\nb"', None),
        ('"a" ', None),
        ('"a"b"', None),
        ('"', None),
        ("plain", None),
        ('"\udcff"', "\ufffd"),  # Go reads a bad byte inside quotes as U+FFFD...
        ('"é\udcff\\n"', "é\ufffd\n"),
        ('"\udcffabc"', "\ufffdabc"),
    ],
)
def test_unquote(literal: str, value: str | None) -> None:
    assert unquote(literal) == value


def test_quote() -> None:
    assert (
        quote('a"\\\n\x00\u200b\U000e0001é\udcfe') == '"a\\"\\\\\\n\\x00\\u200b\\U000e0001é\\xfe"'
    )
    assert quote_rune("\x01") == "'\\x01'"
    assert quote_rune("\ufeff") == "'\\ufeff'"
    assert quote_rune("'") == "'\\''"


def test_go_unicode_rules() -> None:
    assert is_print(" ")
    assert not is_print("\u00a0")
    assert is_print("\udc80")  # a bad byte reads as RuneError, which is printable
    assert is_print("\U00031350")  # Unicode 15.0, whatever Python's tables say
    assert not is_print("\U000e0001")
    assert trim_space("\u3000\t x \x85") == "x"
    assert trim_space("\x1cx\x1c") == "\x1cx\x1c"
    assert fields(" a\u2003b\x1cc ") == ["a", "b\x1cc"]
