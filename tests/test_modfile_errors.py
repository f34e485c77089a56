"""go.mod errors: each bad input gives the message `go mod edit -fmt` prints, file:line:col
and all, and nothing but a ModfileError ever comes out.

CASES holds Go's own words (stderr minus its ``go: errors parsing go.mod:`` header); the
go-marked test re-runs Go on every case so the table stays true.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest

from goalign.errors import InputError, ModfileError, ModfileErrors
from goalign.modfile import parse, parse_lax

from gotool import run_go

GO_PREFIX = "go: errors parsing go.mod:\n"

CASES = [
    (
        "lex_newline_in_string",
        'module example.com/m\n\nrequire "example.com/a v1.0.0\n',
        "go.mod:3:30: unexpected newline in string",
    ),
    (
        "lex_eof_in_string",
        'module example.com/m\n\nrequire "example.com/a',
        "go.mod:3:9: unexpected EOF in string",
    ),
    (
        "lex_eof_after_backslash",
        'module "x\\',
        "go.mod:1:8: unexpected EOF in string",
    ),
    (
        "lex_block_comment",
        "module example.com/m\n/* no */\n",
        "go.mod:2: mod files must use // comments (not /* */ comments)",
    ),
    (
        "lex_block_comment_in_ident",
        "module example.com/m\ngo 1.21/*x*/\n",
        "go.mod:2:8: mod files must use // comments (not /* */ comments)",
    ),
    (
        "lex_bad_char",
        "module example.com/m\ngo 1.21 \x01\n",
        "go.mod:2:9: unexpected input character '\\x01'",
    ),
    (
        "lex_bom",
        "\ufeffmodule example.com/m\n",
        "go.mod:1: unexpected input character '\\ufeff'",
    ),
    (
        "lex_nbsp",
        "module\xa0example.com/m\n",
        "go.mod:1:7: unexpected input character '\\u00a0'",
    ),
    (
        "lex_vtab",
        "module example.com/m\n\x0bgo 1.21\n",
        "go.mod:2: unexpected input character '\\v'",
    ),
    (
        "lex_nul_col",
        "module example.com/m\nrequire (\n\texample.com/a v1.0.0 \x00\n)\n",
        "go.mod:3:23: unexpected input character '\\x00'",
    ),
    (
        "unterminated_block",
        "module example.com/m\n\nrequire (\n\texample.com/a v1.0.0\n",
        "go.mod:5: syntax error (unterminated block started at go.mod:3:1)",
    ),
    (
        "unterminated_block_no_newline",
        "module example.com/m\n\nrequire (\n\texample.com/a v1.0.0",
        "go.mod:4:22: syntax error (unterminated block started at go.mod:3:1)",
    ),
    (
        "rparen_not_alone",
        "module example.com/m\n\nrequire (\n\texample.com/a v1.0.0\n) x\n",
        "go.mod:5:4: syntax error (expected newline after closing paren)",
    ),
    (
        "unknown_directive",
        "module example.com/m\nfoo bar\n",
        "go.mod:2: unknown directive: foo",
    ),
    (
        "unknown_block",
        "module example.com/m\nfoo (\n\tbar\n)\n",
        "go.mod:2: unknown block type: foo",
    ),
    (
        "unknown_block_two_tokens",
        "module example.com/m\nrequire x (\n\tbar\n)\n",
        "go.mod:2: unknown block type: require x",
    ),
    (
        "go_block",
        "module example.com/m\ngo (\n\t1.21\n)\n",
        "go.mod:2: unknown block type: go",
    ),
    (
        "toolchain_block",
        "module example.com/m\ntoolchain (\n\tgo1.21.0\n)\n",
        "go.mod:2: unknown block type: toolchain",
    ),
    (
        "repeated_module",
        "module example.com/m\nmodule example.com/n\n",
        "go.mod:2: repeated module statement",
    ),
    (
        "repeated_go",
        "module example.com/m\ngo 1.21\ngo 1.22\n",
        "go.mod:3: repeated go statement",
    ),
    (
        "repeated_toolchain",
        "module example.com/m\ntoolchain go1.21.0\ntoolchain go1.22.0\n",
        "go.mod:3: repeated toolchain statement",
    ),
    (
        "module_usage",
        "module\n",
        "go.mod:1: usage: module module/path",
    ),
    (
        "module_usage_two",
        "module a b\n",
        "go.mod:1: usage: module module/path",
    ),
    (
        "module_bad_quote",
        "module 'x'\n",
        "go.mod:1: invalid quoted string: unquoted string cannot contain quote",
    ),
    (
        "module_bad_unquote",
        'module "a\\q"\n',
        "go.mod:1: invalid quoted string: invalid syntax",
    ),
    (
        "go_no_arg",
        "module example.com/m\ngo\n",
        "go.mod:2: go directive expects exactly one argument",
    ),
    (
        "go_bad_version",
        "module example.com/m\ngo 1.21.0.1\n",
        "go.mod:2: invalid go version '1.21.0.1': must match format 1.23.0",
    ),
    (
        "go_v_prefix",
        "module example.com/m\ngo v1.21\n",
        "go.mod:2: invalid go version 'v1.21': must match format 1.23.0",
    ),
    (
        "toolchain_bad",
        "module example.com/m\ntoolchain 1.21\n",
        "go.mod:2: invalid toolchain version '1.21': must match format go1.23.0 or default",
    ),
    (
        "toolchain_args",
        "module example.com/m\ntoolchain\n",
        "go.mod:2: toolchain directive expects exactly one argument",
    ),
    (
        "godebug_no_eq",
        "module example.com/m\ngodebug foo\n",
        "go.mod:2: usage: godebug key=value",
    ),
    (
        "godebug_quote",
        'module example.com/m\ngodebug "a=b"\n',
        "go.mod:2: usage: godebug key=value",
    ),
    (
        "godebug_comma",
        "module example.com/m\ngodebug a=b,c\n",
        "go.mod:2: usage: godebug key=value",
    ),
    (
        "require_usage",
        "module example.com/m\nrequire example.com/a\n",
        "go.mod:2: usage: require module/path v1.2.3",
    ),
    (
        "require_usage_block",
        "module example.com/m\nrequire (\n\texample.com/a v1.0.0 extra\n)\n",
        "go.mod:3:2: usage: require module/path v1.2.3",
    ),
    (
        "require_bad_version",
        "module example.com/m\nrequire example.com/a 1.0.0\n",
        'go.mod:2: require example.com/a: version "1.0.0" invalid: must be of the form v1.2.3',
    ),
    (
        "require_branch",
        "module example.com/m\nrequire example.com/a master\n",
        'go.mod:2: require example.com/a: version "master" invalid: must be of the form v1.2.3',
    ),
    (
        "require_major_mismatch",
        "module example.com/m\nrequire example.com/a/v2 v1.0.0\n",
        'go.mod:2: require example.com/a/v2: version "v1.0.0" invalid: should be v2, not v1',
    ),
    (
        "require_v2_no_suffix",
        "module example.com/m\nrequire example.com/a v2.0.0\n",
        'go.mod:2: require example.com/a: version "v2.0.0" invalid: should be v0 or v1, not v2',
    ),
    (
        "require_gopkg_mismatch",
        "module example.com/m\nrequire gopkg.in/yaml.v2 v3.0.0\n",
        'go.mod:2: require gopkg.in/yaml.v2: version "v3.0.0" invalid: should be v2, not v3',
    ),
    (
        "require_bad_path",
        "module example.com/m\nrequire example.com/a/v1 v1.0.0\n",
        "go.mod:2: invalid module path",
    ),
    (
        "require_quoted_version_bad",
        'module example.com/m\nrequire example.com/a "v1\\x"\n',
        'go.mod:2: require example.com/a: version "\\"v1\\\\x\\"" invalid: invalid syntax',
    ),
    (
        "require_unquoted_quote",
        'module example.com/m\nrequire example.com/a v1"0\n',
        'go.mod:2: require example.com/a: version "v1\\"0" invalid: un'
        "quoted string cannot contain quote",
    ),
    (
        "exclude_bad_version",
        "module example.com/m\nexclude example.com/b 1.0.0\n",
        'go.mod:2: exclude example.com/b: version "1.0.0" invalid: must be of the form v1.2.3',
    ),
    (
        "exclude_usage",
        "module example.com/m\nexclude example.com/b\n",
        "go.mod:2: usage: exclude module/path v1.2.3",
    ),
    (
        "replace_usage",
        "module example.com/m\nreplace example.com/a\n",
        "go.mod:2: usage: replace module/path [v1.2.3] => other/module v1.4\n"
        "\t or replace module/path [v1.2.3] => ../local/directory",
    ),
    (
        "replace_no_arrow",
        "module example.com/m\nreplace example.com/a v1.0.0 example.com/b v1.0.0\n",
        "go.mod:2: usage: replace module/path [v1.2.3] => other/module v1.4\n"
        "\t or replace module/path [v1.2.3] => ../local/directory",
    ),
    (
        "replace_not_dir",
        "module example.com/m\nreplace example.com/a => example.com/b\n",
        "go.mod:2: replacement module without version must be directo"
        "ry path (rooted or starting with . or ..)",
    ),
    (
        "replace_at",
        "module example.com/m\nreplace example.com/a => example.com/b@v1.0.0\n",
        "go.mod:2: replacement module must match format 'path version', not 'path@version'",
    ),
    (
        "replace_dir_version",
        "module example.com/m\nreplace example.com/a => ./b v1.0.0\n",
        'go.mod:2: replacement module directory path "./b" cannot have version',
    ),
    (
        "replace_windows",
        "module example.com/m\nreplace example.com/a => .\\b\n",
        "go.mod:2: replacement directory appears to be Windows path (on a non-windows system)",
    ),
    (
        "replace_bad_old_version",
        "module example.com/m\nreplace example.com/a 1.0 => ./b\n",
        'go.mod:2: replace example.com/a: version "1.0" invalid: must be of the form v1.2.3',
    ),
    (
        "replace_bad_new_version",
        "module example.com/m\nreplace example.com/a => example.com/b 1.0\n",
        'go.mod:2: replace example.com/b: version "1.0" invalid: must be of the form v1.2.3',
    ),
    (
        "replace_old_major",
        "module example.com/m\nreplace example.com/a/v2 v1.0.0 => ./b\n",
        'go.mod:2: replace example.com/a/v2: version "v1.0.0" invalid: should be v2, not v1',
    ),
    (
        "replace_bad_old_path",
        "module example.com/m\nreplace example.com/a/v1 => ./b\n",
        "go.mod:2: replace example.com/a/v1: invalid module path",
    ),
    (
        "replace_too_many",
        "module example.com/m\nreplace a v1.0.0 => b v1.0.0 extra\n",
        "go.mod:2: usage: replace module/path [v1.2.3] => other/module v1.4\n"
        "\t or replace module/path [v1.2.3] => ../local/directory",
    ),
    (
        "retract_empty",
        "module example.com/m\nretract\n",
        "go.mod:2: expected '[' or version",
    ),
    (
        "retract_paren_token",
        "module example.com/m\nretract ( x\n",
        "go.mod:2: expected '[' or version",
    ),
    (
        "retract_no_comma",
        "module example.com/m\nretract [v1.0.0 v1.1.0]\n",
        "go.mod:2: expected ',' after version",
    ),
    (
        "retract_no_close",
        "module example.com/m\nretract [v1.0.0, v1.1.0\n",
        "go.mod:2: expected ']' after version",
    ),
    (
        "retract_after_open",
        "module example.com/m\nretract [\n",
        "go.mod:2: expected version after '['",
    ),
    (
        "retract_after_comma",
        "module example.com/m\nretract [v1.0.0,\n",
        "go.mod:2: expected version after ','",
    ),
    (
        "retract_trailing",
        "module example.com/m\nretract v1.0.0 v1.1.0\n",
        'go.mod:2: unexpected token after version: "v1.1.0"',
    ),
    (
        "retract_bad_string",
        'module example.com/m\nretract "v1\\q"\n',
        'go.mod:2: retract: version "\\"v1\\\\q\\"" invalid: invalid syntax',
    ),
    (
        "tool_usage",
        "module example.com/m\ntool\n",
        "go.mod:2: tool directive expects exactly one argument",
    ),
    (
        "ignore_usage",
        "module example.com/m\nignore a b\n",
        "go.mod:2: ignore directive expects exactly one argument",
    ),
    (
        "several_errors",
        "module example.com/m\n"
        "foo\n"
        "require (\n"
        "\texample.com/a 1.0\n"
        "\texample.com/b v1.0.0\n"
        "\texample.com/c/v2 v1.0.0\n"
        ")\n"
        "go 1.21 x\n"
        "bar (\n"
        ")\n",
        "go.mod:2: unknown directive: foo\n"
        'go.mod:4:2: require example.com/a: version "1.0" invalid: mu'
        "st be of the form v1.2.3\n"
        'go.mod:6:2: require example.com/c/v2: version "v1.0.0" inval'
        "id: should be v2, not v1\n"
        "go.mod:8: go directive expects exactly one argument\n"
        "go.mod:9: unknown block type: bar",
    ),
    (
        "indented_error",
        "  require example.com/a 1.0\n",
        'go.mod:1:3: require example.com/a: version "1.0" invalid: must be of the form v1.2.3',
    ),
    (
        "block_error_col",
        "require (\n\texample.com/a 1.0\n)\n",
        'go.mod:2:2: require example.com/a: version "1.0" invalid: must be of the form v1.2.3',
    ),
    (
        "lex_after_good_line",
        'module example.com/m\nrequire (\n\texample.com/a v1.0.0\n) "unterminated\n',
        "go.mod:4:16: unexpected newline in string",
    ),
    (
        "rparen_then_eof_tokens",
        "require (\n) )",
        "go.mod:2:4: syntax error (expected newline after closing paren)",
    ),
]


def message(data: bytes, *, lax: bool = False) -> str:
    with pytest.raises(ModfileError) as info:
        (parse_lax if lax else parse)(data, "go.mod")
    return str(info.value)


@pytest.mark.parametrize(("name", "data", "want"), CASES, ids=[c[0] for c in CASES])
def test_error_text(name: str, data: str, want: str) -> None:
    assert message(data.encode()) == want


def test_table_is_big_enough() -> None:
    assert len(CASES) >= 25


@pytest.mark.go
def test_go_prints_the_table(tmp_path: Path) -> None:
    work = tmp_path / "m"
    work.mkdir()
    for name, data, want in CASES:
        (work / "go.mod").write_bytes(data.encode())
        proc = run_go(["mod", "edit", "-fmt", "go.mod"], work, tmp_path, check=False)
        assert proc.returncode == 1, name
        assert proc.stderr == GO_PREFIX + want + "\n", name


def test_errors_carry_their_parts() -> None:
    data = b"module m\nfoo\nrequire (\n\tx.com/a/v2 v1.0.0\n)\n"
    with pytest.raises(ModfileErrors) as info:
        parse(data, "dir/go.mod")
    first, second = info.value.errors
    assert (first.filename, first.line, first.col, first.verb) == ("dir/go.mod", 2, 1, "")
    assert first.reason == "unknown directive: foo"
    assert (second.line, second.col, second.verb, second.module_path) == (
        4,
        2,
        "require",
        "x.com/a/v2",
    )
    assert second.reason == 'version "v1.0.0" invalid: should be v2, not v1'
    assert isinstance(info.value, InputError)
    # The collected error reads like the first one for callers that catch one kind.
    assert info.value.line == 2


def test_syntax_error_comes_alone() -> None:
    data = b"foo\nbar\nrequire (\n"
    with pytest.raises(ModfileErrors) as info:
        parse(data)
    assert [str(e) for e in info.value.errors] == [
        "go.mod:4: syntax error (unterminated block started at go.mod:3:1)"
    ]


def test_name_is_used_as_given() -> None:
    assert message(b"bar\n") == "go.mod:1: unknown directive: bar"
    with pytest.raises(ModfileError, match=r"^/abs/x\.mod:1: unknown directive: bar$"):
        parse(b"bar\n", "/abs/x.mod")


# Lax parsing (dependencies) skips what it does not keep, but still checks what it keeps.
LAX = [
    ("module m\nfoo bar\nreplace x => y\nexclude x 1\ntoolchain 1\ngodebug x\ntool\n", None),
    ("module m\nfoo (\n\tx\n)\ngo (\n)\n", None),
    ("module m\nretract [v1.0.0 v1.1.0]\nretract v1.0.0 extra\n", None),
    ("module m\ngo 1.21.0.1\n", None),  # cut to 1.21
    ("module m\ngo v1.21\n", "go.mod:2: invalid go version 'v1.21': must match format 1.23.0"),
    (
        "module m\nrequire x.com/a 1.0\n",
        'go.mod:2: require x.com/a: version "1.0" invalid: must be of the form v1.2.3',
    ),
    ("module m\nignore a b\n", "go.mod:2: ignore directive expects exactly one argument"),
    ("module m\nmodule n\n", "go.mod:2: repeated module statement"),
    (
        "module m\nrequire x (\n",
        "go.mod:3: syntax error (unterminated block started at go.mod:2:1)",
    ),
]


@pytest.mark.parametrize(("data", "want"), LAX)
def test_lax_errors(data: str, want: str | None) -> None:
    if want is None:
        parse_lax(data.encode())
    else:
        assert message(data.encode(), lax=True) == want


@pytest.mark.parametrize(
    "data",
    [
        b"\xff\xfe\x00",
        b"module \xed\xa0\x80\n",
        b"\xef\xbb\xbfmodule m\n",
        b'module "\\xff"\nrequire "\\377" v1\n',
        b"require (\n\t\x80 v1.0.0\n)\n",
        b"\r\r\r\n(\n)",
        b")(\n",
        b"( (\n)\n",
    ],
)
def test_odd_bytes_give_only_modfile_errors(data: bytes) -> None:
    for read in (parse, parse_lax):
        with contextlib.suppress(ModfileError):
            read(data, "go.mod").format()
