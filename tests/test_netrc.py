"""goalign.netrc: Go's netrc reader, credential matching and GOAUTH; tables and Go's parser."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_goenv import build_go_helper

from goalign.errors import InputError
from goalign.netrc import (
    NetrcEntry,
    credentials_for,
    goauth_uses_netrc,
    load_netrc,
    parse_goauth,
    parse_netrc,
)

from gotool import go_env
from oracle import Oracle

E = NetrcEntry

NETRC = """
machine incomplete
password none

machine api.example.com
  login user
  password pwd

machine login.only
  login justlogin

machine split.lines
login user2
password pwd2

machine oneline login user3 password pwd3

machine skipped.macro macdef init
  login nobody
  password nothing

machine macro.after.entry login user4 password pwd4 macdef init
  login nobody
  password nothing

machine after.macro login user5 password pwd5
default
login anonymous
password guest

machine after.default login late password too-late
"""


def test_parse_netrc() -> None:
    assert parse_netrc(NETRC) == [
        E("api.example.com", "user", "pwd"),
        E("split.lines", "user2", "pwd2"),
        E("oneline", "user3", "pwd3"),
        E("macro.after.entry", "user4", "pwd4"),
        E("after.macro", "user5", "pwd5"),
    ]


NETRC_RULES: list[tuple[str, list[NetrcEntry]]] = [
    ("", []),
    ("machine m login l password p", [E("m", "l", "p")]),
    ("machine m password p login l", [E("m", "l", "p")]),
    # Values carry over lines and across a new machine's fields until complete.
    ("login l\nmachine m\npassword p", []),
    ("machine m\nlogin l\npassword p\n", [E("m", "l", "p")]),
    ("machine m login l\nmachine n password p\n", []),
    ("machine m login l password p login x password y", [E("m", "l", "p")]),
    # Tokens pair up per line; an odd last token is dropped.
    ("machine\nm login l password p", []),
    ("machine m login\nl password p", []),
    ("machine m extra login l password p", []),  # pairs: (machine m) (extra login) ...
    ("machine m account a login l password p", [E("m", "l", "p")]),
    # "default" ends the file only as a line's odd last token.
    ("default\nmachine m login l password p", []),
    ("machine a login b password c default\nmachine m login l password p", [E("a", "b", "c")]),
    ("default login x\nmachine m login l password p", [E("m", "l", "p")]),
    # Pairs: (machine m) (default login) (l password); the odd "p" is dropped.
    ("machine m default login l password p\nmachine n login l password p", [E("n", "l", "p")]),
    # macdef skips the following lines up to an empty one, but not its own line.
    ("macdef x login l\n  machine q login a password b\n\nmachine m password p", []),
    (
        "machine m login l macdef x password p\nmachine q login a password b\n\n"
        "machine n login l password p",
        [E("m", "l", "p"), E("n", "l", "p")],
    ),
    ("macdef x\n   \nmachine m login l password p", []),  # white space is not empty
    ("macdef x\r\n\r\nmachine m login l password p\r\n", []),  # nor is "\r"
    # Go's white space: tabs, CR, NBSP and other Unicode spaces separate tokens.
    ("machine\tm\rlogin l\u00a0password\u2003p", [E("m", "l", "p")]),
    ("machine m\x1clogin l password p", []),  # not U+001C, unlike str.split
    ("machine 'm' login \"l\" password p#x", [E("'m'", '"l"', "p#x")]),  # no quoting
    (
        "machine m login l password p\nmachine m login l2 password p2",
        [E("m", "l", "p"), E("m", "l2", "p2")],
    ),
    ("machine m\u0085login l\u2028password p\u3000", [E("m", "l", "p")]),
    ("machine m\u200blogin l password p", []),  # ZERO WIDTH SPACE is not white space
]


@pytest.mark.parametrize(("text", "want"), NETRC_RULES)
def test_parse_netrc_rules(text: str, want: list[NetrcEntry]) -> None:
    assert parse_netrc(text) == want


def test_load_netrc(tmp_path: Path) -> None:
    assert load_netrc("") == []
    assert load_netrc(str(tmp_path / "missing")) == []
    assert load_netrc(str(tmp_path / "missing" / "below")) == []
    path = tmp_path / "netrc"
    path.write_bytes(b"machine m login l\xff password p\n")
    assert load_netrc(str(path)) == [E("m", "l\udcff", "p")]
    with pytest.raises(InputError, match=str(tmp_path)):
        load_netrc(str(tmp_path))


ENTRIES = [
    E("example.com", "user", "pwd"),
    E("example.com", "second", "ignored"),  # the first entry for a machine wins
    E("ports.example.com:8443", "port", "p1"),
    E("paths.example.com/team", "team", "p2"),
    E("https://scheme.example.com/", "scheme", "p3"),
    E("slash.example.com/", "slash", "p4"),
    E("paths.example.com", "root", "p5"),
]


@pytest.mark.parametrize(
    ("url", "want"),
    [
        ("https://example.com", ("user", "pwd")),
        ("https://example.com/", ("user", "pwd")),
        ("https://example.com/mod/@v/list", ("user", "pwd")),
        ("HTTPS://example.com/mod", ("user", "pwd")),
        ("http://example.com/mod", None),  # never over plain http
        ("file:///example.com", None),
        ("https://EXAMPLE.com/mod", None),  # machine names are compared exactly
        ("https://example.com:443/mod", None),  # a port must be in the machine name
        ("https://ports.example.com/x", None),
        ("https://ports.example.com:8443/x", ("port", "p1")),
        ("https://paths.example.com/team/mod", ("team", "p2")),
        ("https://paths.example.com/teamx/mod", ("root", "p5")),
        ("https://paths.example.com/other", ("root", "p5")),
        ("https://scheme.example.com/a", ("scheme", "p3")),
        ("https://slash.example.com/a", ("slash", "p4")),
        ("https://sub.example.com/a", None),
        ("https://u:p@example.com/mod", None),  # userinfo is part of what is looked up
        ("https://example.com.evil/x", None),
        ("https://evil.test/example.com", None),
        ("https://evil.test/?/../example.com", None),
        ("https://example.com/a%2Fb", ("user", "pwd")),
        ("https://a b", None),  # not a URL at all
    ],
)
def test_credentials_for(url: str, want: tuple[str, str] | None) -> None:
    assert credentials_for(ENTRIES, url) == want


def test_credentials_for_path_prefixes() -> None:
    entries = [E("h.example/a/b", "ab", "1"), E("h.example/a", "a", "2")]
    assert credentials_for(entries, "https://h.example/a/b/c/") == ("ab", "1")
    assert credentials_for(entries, "https://h.example/a/bc") == ("a", "2")
    assert credentials_for(entries, "https://h.example/") is None
    assert credentials_for(iter(entries), "https://h.example/a") == ("a", "2")


@pytest.mark.parametrize(
    ("goauth", "want"),
    [
        ("netrc", [["netrc"]]),
        (" netrc ", [["netrc"]]),
        ("off", []),
        ("off extra", []),
        ("netrc; git /src/dir", [["netrc"], ["git", "/src/dir"]]),
        ("my-helper  --flag\tx;netrc", [["my-helper", "--flag", "x"], ["netrc"]]),
    ],
)
def test_parse_goauth(goauth: str, want: list[list[str]]) -> None:
    assert parse_goauth(goauth) == want


@pytest.mark.parametrize(
    ("goauth", "message"),
    [
        ("", "GOAUTH encountered an empty command (GOAUTH=)"),
        ("netrc;", "GOAUTH encountered an empty command (GOAUTH=netrc;)"),
        (
            "netrc;off",
            "GOAUTH=off cannot be combined with other authentication commands (GOAUTH=netrc;off)",
        ),
        # Commands run last first, so the empty one is met before "off".
        ("off; ", "GOAUTH encountered an empty command (GOAUTH=off; )"),
        (
            " ;off",
            "GOAUTH=off cannot be combined with other authentication commands (GOAUTH= ;off)",
        ),
    ],
)
def test_parse_goauth_errors(goauth: str, message: str) -> None:
    with pytest.raises(InputError) as info:
        parse_goauth(goauth)
    assert info.value.message == message


def test_goauth_uses_netrc() -> None:
    assert goauth_uses_netrc("netrc")
    assert goauth_uses_netrc("git /x; netrc")
    assert not goauth_uses_netrc("off")
    assert not goauth_uses_netrc("git /x")
    assert not goauth_uses_netrc("netrcx")


# --- against cmd/go's own parser ----------------------------------------------------------


@pytest.fixture(scope="module")
def go_helper(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Oracle]:
    """cmd/go's parseNetrc, compiled with the other helper ops (skips without Go)."""
    work = tmp_path_factory.mktemp("gohelper-netrc")
    helper = Oracle(build_go_helper(work), go_env(work))
    yield helper
    helper.close()
    shutil.rmtree(work, ignore_errors=True)


def _go_entries(answer: dict[str, list[list[str]]]) -> list[NetrcEntry]:
    return [E(*line) for line in answer["result"]]


@pytest.mark.go
def test_netrc_against_go(go_helper: Oracle) -> None:
    texts = [NETRC] + [text for text, _ in NETRC_RULES]
    answers = go_helper.batch([("netrc.parse", {"text": t}) for t in texts])
    for text, got in zip(texts, answers, strict=True):
        assert parse_netrc(text) == _go_entries(got), text


NETRC_TOKENS = st.sampled_from(
    ["machine", "login", "password", "macdef", "default", "account", "m", "n", "l", "p", "x"]
)
NETRC_SEPARATORS = st.sampled_from([" ", "\t", "\n", "\n\n", "\r\n", "\u00a0", "\x1c", "  \n"])


@st.composite
def netrc_texts(draw: st.DrawFn) -> str:
    tokens = draw(st.lists(st.tuples(NETRC_TOKENS, NETRC_SEPARATORS), max_size=24))
    return "".join(token + sep for token, sep in tokens)


@pytest.mark.go
@settings(max_examples=20, deadline=None)
@given(st.lists(netrc_texts(), min_size=50, max_size=50))
def test_generated_netrc_against_go(go_helper: Oracle, texts: list[str]) -> None:
    answers = go_helper.batch([("netrc.parse", {"text": t}) for t in texts])
    for text, got in zip(texts, answers, strict=True):
        assert parse_netrc(text) == _go_entries(got), text
