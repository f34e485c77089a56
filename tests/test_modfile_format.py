"""go.mod formatting: goalign's parse + format against goldens made by `go mod edit -fmt`.

Each ``testdata/modfile/NAME.in`` has a ``NAME.golden`` that the real Go toolchain wrote
from it. Without Go the goldens still check goalign; with Go, a go-marked test checks
that Go still writes every golden, so they cannot rot. To make a golden for a new
input, run ``go mod edit -fmt`` on a copy of it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from goalign.modfile import (
    auto_quote,
    format_syntax,
    must_quote,
    parse,
    parse_lax,
)
from goalign.modfile.syntax import (
    Comment,
    CommentBlock,
    Comments,
    FileSyntax,
    Line,
    LineBlock,
    Position,
    RParen,
)

from gotool import run_go

TESTDATA = Path(__file__).parent / "testdata" / "modfile"
INPUTS = sorted(TESTDATA.glob("*.in"))


def go_fmt_many(files: list[tuple[str, bytes]], tmp: Path) -> dict[str, str | bytes]:
    """Return what ``go mod edit -fmt`` makes of each (name, data): bytes, or its stderr."""
    work = tmp / "fmt"
    work.mkdir()
    out: dict[str, str | bytes] = {}
    for name, data in files:
        target = work / "go.mod"
        target.write_bytes(data)
        proc = run_go(["mod", "edit", "-fmt", "go.mod"], work, tmp, check=False)
        out[name] = target.read_bytes() if proc.returncode == 0 else proc.stderr
    shutil.rmtree(work)
    return out


def test_testdata_is_big_enough() -> None:
    assert len(INPUTS) >= 30
    for path in INPUTS:
        assert path.with_suffix(".golden").is_file(), f"{path.name} has no golden"


@pytest.mark.parametrize("path", INPUTS, ids=lambda p: p.stem)
def test_golden(path: Path) -> None:
    golden = path.with_suffix(".golden").read_bytes()
    assert parse(path.read_bytes(), path.name).format() == golden


@pytest.mark.parametrize("path", INPUTS, ids=lambda p: p.stem)
def test_golden_is_fixed_point(path: Path) -> None:
    golden = path.with_suffix(".golden").read_bytes()
    assert parse(golden, path.name).format() == golden


@pytest.mark.go
def test_go_writes_the_goldens(tmp_path: Path) -> None:
    got = go_fmt_many([(p.stem, p.read_bytes()) for p in INPUTS], tmp_path)
    for path in INPUTS:
        assert got[path.stem] == path.with_suffix(".golden").read_bytes(), path.name


def corpus_files(corpus: Path) -> list[Path]:
    files = sorted(corpus.rglob("go.mod"))
    assert files, f"no go.mod under {corpus}"
    return files


def test_corpus_round_trips(corpus_dir: Path) -> None:
    for path in corpus_files(corpus_dir):
        once = parse(path.read_bytes(), str(path)).format()
        assert parse(once).format() == once, path
        assert parse_lax(once).format() == once, path


@pytest.mark.go
def test_corpus_matches_go(corpus_dir: Path, tmp_path: Path) -> None:
    files = corpus_files(corpus_dir)
    got = go_fmt_many([(str(p), p.read_bytes()) for p in files], tmp_path)
    for path in files:
        assert parse(path.read_bytes(), "go.mod").format() == got[str(path)], path


# --- the printer on its own ------------------------------------------------------------


def test_empty_file_prints_nothing() -> None:
    assert format_syntax(FileSyntax("go.mod")) == b""
    assert parse(b"").format() == b""
    assert parse(b"\n\n\n").format() == b""


def test_comment_only_file() -> None:
    assert parse(b"// just this").format() == b"// just this\n"
    assert parse(b"\n\n// a\n\n\n// b\n").format() == b"// a\n\n// b\n"


def test_token_spacing() -> None:
    tree = FileSyntax(
        "go.mod",
        stmts=[
            Line(tokens=["retract", "[", "v1.0.0", ",", "v1.1.0", "]"]),
            Line(tokens=["x", "(", "a", ")", "{", "b", "}", "c"]),
        ],
    )
    assert format_syntax(tree) == b"retract [v1.0.0, v1.1.0]\n\nx (a) {b} c\n"


def test_block_layout_and_comments() -> None:
    line = Line(
        tokens=["example.com/a", "v1.0.0"],
        in_block=True,
        comments=Comments(
            before=[Comment(Position(), "// above"), Comment(Position(), "")],
            suffix=[Comment(Position(), "// one", True), Comment(Position(), "// two", True)],
        ),
    )
    block = LineBlock(
        tokens=["require"],
        lines=[line],
        rparen=RParen(comments=Comments(before=[Comment(Position(), "// closing")])),
    )
    tree = FileSyntax("go.mod", stmts=[CommentBlock(comments=Comments(before=[])), block])
    assert format_syntax(tree) == (
        b"require (\n"
        b"\t// above\n"
        b"\n"
        b"\texample.com/a v1.0.0 // one\n"
        b"// two\n"  # Go flushes it after the block's margin is already popped
        b"// closing\n"
        b")\n"
    )


def test_comment_text_is_trimmed_with_go_spaces() -> None:
    # Go trims Unicode spaces (U+3000) but not \x1c, which Python's str.strip would.
    data = "module m // x\x1c\u3000\n".encode()
    assert parse(data).format() == b"module m // x\x1c\n"


def test_invalid_utf8_is_kept_byte_for_byte() -> None:
    data = b"module example.com/\xff\xfe\n\n// \xc3\n"
    assert parse(data).format() == data


def test_single_line_blocks_collapse() -> None:
    data = b"require (\n\tx.com/a v1.0.0 // c\n)\n"
    assert parse(data).format() == b"require x.com/a v1.0.0 // c\n"


def test_deleted_lines_vanish() -> None:
    f = parse(b"module m\n\nrequire (\n\tx.com/a v1.0.0\n\tx.com/b v1.0.0\n)\n\ngo 1.21\n")
    assert f.go is not None
    assert f.go.syntax is not None
    f.go.syntax.tokens = []
    first = f.require[0].syntax
    assert first is not None
    first.tokens = []
    out = f.format()
    assert out == b"module m\n\nrequire x.com/b v1.0.0\n"
    assert f.go is None
    assert [r.mod.path for r in f.require] == ["x.com/b"]
    # The surviving entry still points at the printed line.
    second = f.require[0].syntax
    assert second is not None
    assert second.tokens == ["require", "x.com/b", "v1.0.0"]


@pytest.mark.parametrize(
    ("s", "quoted"),
    [
        ("example.com/a", "example.com/a"),
        ("", '""'),
        ("a b", '"a b"'),
        ("a//b", '"a//b"'),
        ("a/*b", '"a/*b"'),
        ("(", "("),
        ("(a", '"(a"'),
        ("a,", '"a,"'),
        ("it's", '"it\'s"'),
        ('a"b', '"a\\"b"'),
        ("a`b", '"a`b"'),
        ("é", "é"),
        ("a\tb", '"a\\tb"'),
        ("a\x7fb", '"a\\x7fb"'),
        ("a\u00a0b", '"a\\u00a0b"'),
        ("a\U000e0001", '"a\\U000e0001"'),
        ("a\udcffb", "a\udcffb"),  # a byte of invalid UTF-8 prints as itself
        ("a\udcff b", '"a\\xff b"'),
        # Unicode 15 letters are printable for Go whatever Python's own tables say.
        ("\U0001e4d0", "\U0001e4d0"),
    ],
)
def test_auto_quote(s: str, quoted: str) -> None:
    assert auto_quote(s) == quoted
    assert must_quote(s) == (quoted != s)
