"""goalign.gover: Go and toolchain version order; tables, properties and Go itself."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from goalign import gover
from goalign.gover import GoVersion

from oracle import Oracle

# Ascending order; the versions in one group compare equal. Every pair is checked.
ASCENDING: list[list[str]] = [
    ["", "bad", "01.2", "1.", "1.02", "1.21.3rc1", "1.21rc01", "1.21RC1", "1.21.", "v1.21"],
    ["go1.21", "1rc1", "1.21rc1.1", "1.2.3.4", "1..2", ".1", "1.21.03", "1.21 "],
    ["1", "1.0", "1.0.0"],
    ["1.0.1"],
    ["1.1", "1.1.0"],
    ["1.5"],
    ["1.6"],
    ["1.6.1"],
    ["1.10"],
    ["1.19alpha3"],
    ["1.19beta2"],
    ["1.19rc1"],
    ["1.19rc2"],
    ["1.19", "1.19.0"],
    ["1.19.1"],
    ["1.20rc1"],
    ["1.20", "1.20.0"],
    ["1.21"],
    ["1.21alpha"],
    ["1.21alpha1"],
    ["1.21beta1"],
    ["1.21rc"],
    ["1.21rc0"],
    ["1.21rc1"],
    ["1.21rc2"],
    ["1.21rc10"],
    ["1.21testmod"],
    ["1.21.0"],
    ["1.21.1"],
    ["1.21.10"],
    ["1.22"],
    ["1.22rc1"],
    ["1.22.0"],
    ["1.99999999999999998"],
    ["1.99999999999999999"],
    ["2", "2.0", "2.0.0"],
    ["2.21"],
    ["2.21.0"],
    ["10.0"],
]
ALL_VERSIONS = [v for group in ASCENDING for v in group]


def _rank(v: str) -> int:
    return next(i for i, group in enumerate(ASCENDING) if v in group)


def test_ascending_table_all_pairs() -> None:
    invalid = set(ASCENDING[0] + ASCENDING[1])
    for a, b in itertools.product(ALL_VERSIONS, repeat=2):
        ra = 0 if a in invalid else _rank(a)
        rb = 0 if b in invalid else _rank(b)
        want = (ra > rb) - (ra < rb)
        assert gover.compare(a, b) == want, (a, b)
        assert (gover.sort_key(a) > gover.sort_key(b)) - (
            gover.sort_key(a) < gover.sort_key(b)
        ) == want
    for v in ALL_VERSIONS:
        assert gover.is_valid(v) == (v not in invalid), v


@pytest.mark.parametrize(
    ("x", "want"),
    [
        ("1", GoVersion("1", "0", "0")),
        ("1.20", GoVersion("1", "20", "0")),
        ("1.21", GoVersion("1", "21", "")),
        ("1.21.3", GoVersion("1", "21", "3")),
        ("1.21rc1", GoVersion("1", "21", "", "rc", "1")),
        ("1.19beta", GoVersion("1", "19", "", "beta", "")),
        ("2.5", GoVersion("2", "5", "0")),
        ("1.21.3-custom", GoVersion()),
        ("1.21rc1.0", GoVersion()),
    ],
)
def test_parse(x: str, want: GoVersion) -> None:
    assert gover.parse(x) == want


@pytest.mark.parametrize(
    ("x", "lang", "is_lang"),
    [
        ("1.21.3", "1.21", False),
        ("1.21rc2", "1.21", False),
        ("1.21", "1.21", True),
        ("1.21.0", "1.21", False),
        ("1.22", "1.22", True),
        ("1.20", "1.20", False),
        ("1.20.5", "1.20", False),
        ("1.0", "1", False),
        ("1.0.5", "1", False),
        ("1", "1", False),
        ("2", "2.0", False),
        ("2.21", "2.21", True),
        ("bad", "", False),
        ("", "", False),
    ],
)
def test_lang(x: str, lang: str, is_lang: bool) -> None:
    assert gover.lang(x) == lang
    assert gover.is_lang(x) == is_lang


@pytest.mark.parametrize(
    ("name", "want"),
    [
        ("go1.21.3", "1.21.3"),
        ("go1.21.3-custom", "1.21.3"),
        ("go1.21.3 X:nocoverageredesign", "1.21.3"),
        ("go1.21\tfoo", "1.21"),
        ("go1.21-", "1.21"),
        ("go1.21rc1", "1.21rc1"),
        ("go1.9", "1.9"),
        ("1.21.3", ""),
        ("go", ""),
        ("gobad", ""),
        ("go1.21/x", ""),
        ("go1.21\\x", ""),
        ("go01.2", ""),
        ("default", ""),
        ("local", ""),
        ("devel go1.22", ""),
        ("Go1.21", ""),
    ],
)
def test_from_toolchain(name: str, want: str) -> None:
    assert gover.from_toolchain(name) == want


def test_toolchain_names_and_defaults() -> None:
    assert gover.to_toolchain("1.21.3") == "go1.21.3"
    assert gover.DEFAULT_GO_VERSION == "1.16"
    assert gover.is_prerelease("1.21rc1")
    assert not gover.is_prerelease("1.21")
    assert gover.is_toolchain("go")
    assert gover.is_toolchain("toolchain")
    assert not gover.is_toolchain("golang.org/x/mod")


@pytest.mark.parametrize(
    ("x", "y", "want"),
    [
        ("1.21", "1.21.0", "1.21.0"),
        ("1.21.0", "1.21", "1.21.0"),
        ("1.20", "1.20.0", "1.20"),
        ("1.20.0", "1.20", "1.20.0"),
        ("bad", "", "bad"),
        ("", "1.2", "1.2"),
    ],
)
def test_max_version(x: str, y: str, want: str) -> None:
    assert gover.max_version(x, y) == want


@pytest.mark.parametrize(
    ("path", "x", "y", "want"),
    [
        ("go", "1.21", "1.21.0", -1),
        ("go", "v1.2", "v1.3", 0),
        ("toolchain", "go1.21.0", "go1.21rc1", 1),
        ("toolchain", "1.21.0", "go1.21.0", 0),
        ("toolchain", "go1.22-custom", "go1.21.9", 1),
        ("example.com/m", "v1.2", "v1.10.0", -1),
        ("example.com/m", "1.2", "1.3", 0),
    ],
)
def test_mod_compare(path: str, x: str, y: str, want: int) -> None:
    assert gover.mod_compare(path, x, y) == want


def test_mod_is_valid() -> None:
    assert gover.mod_is_valid("go", "1.21rc1")
    assert not gover.mod_is_valid("go", "go1.21")
    assert gover.mod_is_valid("toolchain", "go1.21.3-custom")
    assert not gover.mod_is_valid("toolchain", "1.21.3")
    assert gover.mod_is_valid("example.com/m", "v1.2.3")
    assert not gover.mod_is_valid("example.com/m", "1.2.3")


# --- properties ---------------------------------------------------------------------------

NUMS = ["0", "1", "2", "9", "10", "19", "20", "21", "22", "01", "99999999999999999999"]


@st.composite
def go_version_like(draw: st.DrawFn) -> str:
    """Strings near the Go version grammar: mostly valid, some just off."""
    v = draw(st.sampled_from(NUMS))
    for _ in range(draw(st.integers(0, 2))):
        v += "." + draw(st.sampled_from(NUMS))
    if draw(st.booleans()):
        v += draw(st.sampled_from(["alpha", "beta", "rc", "RC", "testmod", ""]))
        v += draw(st.sampled_from(["", "1", "2", "10", "01", ".1"]))
    return v


GO_VERSIONS = st.one_of(
    go_version_like(),
    st.sampled_from(ALL_VERSIONS),
    st.text(alphabet="0123456789.abcr -", max_size=10),
)


@settings(max_examples=300)
@given(GO_VERSIONS, GO_VERSIONS, GO_VERSIONS)
def test_compare_is_a_total_order(a: str, b: str, c: str) -> None:
    ab = gover.compare(a, b)
    assert ab == -gover.compare(b, a)
    assert ab == (gover.sort_key(a) > gover.sort_key(b)) - (gover.sort_key(a) < gover.sort_key(b))
    if ab <= 0 and gover.compare(b, c) <= 0:
        assert gover.compare(a, c) <= 0
    assert gover.max_version(a, b) in (a, b)
    assert gover.compare(gover.max_version(a, b), a) >= 0


@settings(max_examples=300)
@given(GO_VERSIONS)
def test_lang_and_toolchain_round_trip(x: str) -> None:
    if gover.is_valid(x):
        lang = gover.lang(x)
        assert gover.is_valid(lang)
        assert gover.lang(lang) == lang
        assert gover.parse(lang)[:2] == gover.parse(x)[:2]
        assert gover.from_toolchain(gover.to_toolchain(x)) == x
        assert gover.from_toolchain(gover.to_toolchain(x) + "-custom") == x
    else:
        assert gover.lang(x) == ""
        # A toolchain name ends at a space, tab or "-", so "1.21 " names 1.21.
        if not any(c in x for c in " \t-"):
            assert gover.from_toolchain(gover.to_toolchain(x)) == ""


# --- against Go -------------------------------------------------------------------------------
# The oracle asks go/version, which cuts "go"+x at the first "-"; internal/gover itself
# does not, so the inputs here hold no "-".


def _check_against_go(xmod: Oracle, versions: list[str]) -> None:
    versions = [v for v in versions if "-" not in v]
    requests: list[tuple[str, dict[str, Any]]] = []
    expected: list[Any] = []
    for v in versions:
        requests.append(("gover.is_valid", {"v": v}))
        expected.append(gover.is_valid(v))
        requests.append(("gover.lang", {"v": v}))
        expected.append(gover.lang(v))
    for a, b in itertools.product(versions, repeat=2):
        requests.append(("gover.compare", {"a": a, "b": b}))
        expected.append(gover.compare(a, b))
    for (op, args), want, got in zip(requests, expected, xmod.batch(requests), strict=True):
        assert got == {"result": want}, (op, args)


@pytest.mark.go
def test_table_against_go(xmod: Oracle) -> None:
    _check_against_go(xmod, ALL_VERSIONS)


@pytest.mark.go
@settings(max_examples=25, deadline=None)
@given(st.lists(GO_VERSIONS, min_size=20, max_size=30))
def test_generated_against_go(xmod: Oracle, versions: list[str]) -> None:
    _check_against_go(xmod, versions)
