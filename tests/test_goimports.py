"""goalign.goimports: which files ``go mod tidy`` reads and what they import."""

from __future__ import annotations

import pytest

from goalign import goimports

SOURCE = (
    b'package p\n\nimport (\n\t"fmt"\n\tx "example.com/x"\n\t_ `example.com/raw`\n)\n\n'
    b'import "example.com/y"\n\nfunc F() { _ = "example.com/not" }\n'
)


def test_reads_every_import_declaration_and_stops_at_the_first_other() -> None:
    assert goimports.file_imports(SOURCE) == [
        "fmt",
        "example.com/x",
        "example.com/raw",
        "example.com/y",
    ]


@pytest.mark.parametrize(
    ("header", "counted"),
    [
        ("//go:build linux\n\n", True),
        ("//go:build !linux\n\n", True),
        ("//go:build linux && !linux\n\n", True),
        ("//go:build ignore\n\n", False),
        ("//go:build !ignore\n\n", True),
        ("//go:build tools || ignore\n\n", True),
        ("// +build ignore\n\n", False),
        ("// +build linux,!ignore darwin\n\n", True),
        ("// Copyright\n\n//go:build ignore\n\n", False),
        ("/* block */\n//go:build ignore\n\n", False),
        ("//go:build a\n//go:build b\n\n", False),
        ("// +build ignore\npackage p\n", True),  # no blank line: not a constraint
    ],
)
def test_build_constraints_as_any_tags(header: str, counted: bool) -> None:
    data = header.encode() + b'package p\n\nimport "example.com/z"\n'
    assert (goimports.file_imports(data) is not None) is counted


def test_packages_split_tests_and_skip_underscore_files() -> None:
    files = [
        ("a.go", b'package p\nimport "example.com/a"\n'),
        ("a_test.go", b'package p_test\nimport "example.com/t"\n'),
        ("_skip.go", b'package p\nimport "example.com/skip"\n'),
        ("sub/ignored.go", b'//go:build ignore\n\npackage main\nimport "example.com/i"\n'),
        ("README.md", b"import"),
    ]
    got = goimports.packages(files)
    assert got == {
        "": goimports.Package(frozenset({"example.com/a"}), frozenset({"example.com/t"})),
        "sub": goimports.Package(frozenset(), frozenset()),
    }


def test_standard_paths() -> None:
    assert goimports.is_standard("net/http")
    assert not goimports.is_standard("example.com/x")
