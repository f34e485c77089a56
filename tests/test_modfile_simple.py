"""read_simple_lax, the fast reader of simple dependency go.mod files, against
parse_lax: whenever it answers, parse_lax reads the same module, go line and
requirements (and reports nothing); on typical proxy files it does answer."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_modfile_property import SEEDS

from goalign.errors import ModfileError
from goalign.modfile import parse_lax, read_simple_lax
from goalign.module import ModuleVersion

ROOT = Path(__file__).resolve().parent.parent
Read = tuple[str, str, list[ModuleVersion]] | str


def lax(data: bytes) -> Read:
    """Return what parse_lax reads, or its error's text."""
    try:
        f = parse_lax(data, "go.mod")
    except ModfileError as error:
        return str(error)
    return (
        f.module.mod.path if f.module else "",
        f.go.version if f.go else "",
        [r.mod for r in f.require],
    )


def agrees(data: bytes) -> bool:
    """Check read_simple_lax on data against parse_lax; return whether it answered."""
    simple = read_simple_lax(data)
    if simple is not None:
        assert lax(data) == simple, data
    return simple is not None


def test_fixture_and_corpus_files() -> None:
    proxied = sorted((ROOT / "fixtures").rglob("*.mod"))  # what the fixture proxies serve
    corpus = sorted((ROOT.parent / "shared" / "corpus").rglob("go.mod"))
    answered = [p for p in proxied + corpus if agrees(p.read_bytes())]
    # Proxy files are mostly simple; the corpus's hosts often are not (replace).
    assert len(set(answered) & set(proxied)) >= 0.9 * len(proxied)


def test_seed_files() -> None:
    for data in SEEDS:
        agrees(data)


@pytest.mark.parametrize(
    "data",
    [
        b"module a.com/m\n\ngo 1.16\n\nrequire (\n\tb.com/x v1.0.0 // indirect\n"
        b"\tc.com/y/v2 v2.1.0\n)\n",
        b"// Deprecated: use d.com/m\nmodule a.com/m\ngo 1.21rc1\ntoolchain go1.22.0\n"
        b"require b.com/x v1.0.0\n",
        b"module a.com/m\nrequire b.com/x v1.0.0//indirect\nrequire (\n)\n",
        b"require b.com/x v2.0.0+incompatible\nrequire gopkg.in/yaml.v3 v3.0.1\n",
        b"require b.com/x v1.0\n",  # made canonical, as parse_lax does
        b"",
    ],
)
def test_simple_files_are_read_fast(data: bytes) -> None:
    assert agrees(data)


@pytest.mark.parametrize(
    "data",
    [
        b"module a.com/m\r\nrequire b.com/x v1.0.0\r\n",  # carriage returns
        b'require "b.com/x" v1.0.0\n',  # quotes
        b"require b.com/x/v2 v1.0.0\n",  # wrong major version
        b"require b.com/x/v1 v1.0.0\n",  # bad major suffix
        b"go 1.21.0.1\n",  # a go line in a newer form
        b"module a.com/m\nmodule a.com/n\n",
        b"go 1.16\ngo 1.17\n",
        b"require (\n\tb.com/x v1.0.0\n",  # an unclosed block
        b"require ( // c\n\tb.com/x v1.0.0\n)\n",
        b"require b.com/x v1.0.0 extra\n",
        b"replace b.com/x => ../x\n",
        b"exclude b.com/x v1.0.0\n",
        b"retract v1.0.0\n",
        b"module a.com/m /* c */\n",
        b"require b.com/x v1.0.0 \x0c\n",
        b"module a.com/\xc3\xa9\n",
        b"require b.com/x(v1.0.0)\n",
    ],
)
def test_other_files_are_left_to_the_lexer(data: bytes) -> None:
    assert not agrees(data)


PATHS = ["a.com/m", "b.com/x", "c.com/y/v2", "gopkg.in/yaml.v3", "d.com/z/v1", "e//f", "(", "g(h"]
VERSIONS = ["v1.0.0", "v2.1.0", "v3.0.1", "v1.0", "v2.0.0+incompatible", "v1.0.0-pre", "x", "v0"]
SPACE = st.sampled_from([" ", "\t", "  ", " \t"])


@st.composite
def lines(draw: st.DrawFn) -> str:
    sp = draw(SPACE)
    comment = draw(st.sampled_from(["", " // indirect", "//x", " // a // b", " //\x7f"]))
    path, version = draw(st.sampled_from(PATHS)), draw(st.sampled_from(VERSIONS))
    return draw(
        st.sampled_from(
            [
                f"module{sp}{path}{comment}",
                f"go{sp}{draw(st.sampled_from(['1.16', '1.21', '1.21rc1', '1.2.3.4', 'v1.21']))}",
                f"toolchain{sp}go1.22.0",
                f"require{sp}{path}{sp}{version}{comment}",
                f"require{sp}({comment}",
                f"{sp}{path}{sp}{version}{comment}",
                f"){comment}",
                f"exclude {path} {version}",
                comment.strip(),
                "",
            ]
        )
    )


@settings(max_examples=1500, deadline=None)
@given(st.lists(lines(), max_size=12))
def test_generated_files(body: list[str]) -> None:
    agrees(("\n".join(body) + "\n").encode())
