"""goalign.semver: version order, parts, pseudo-versions; tables, properties and Go itself."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from goalign import semver
from goalign.errors import InvalidVersion
from goalign.semver import Version

from oracle import Oracle

# Ascending order; the versions in one group compare equal. Every pair is checked.
ASCENDING: list[list[str]] = [
    ["", "bad", "1.2.3", "v", "v1.2-pre", "v1+meta", "v01.2.3", "v1.2.3-01", "v1.2.3-", "V1"],
    ["v0.0.0-20060102150405-abcdefabcdef"],
    ["v0.0.0"],
    ["v0.0.1-0.20060102150405-abcdefabcdef"],
    ["v0.0.1"],
    ["v1.0.0-0.20060102150405-abcdefabcdef"],
    ["v1.0.0-9"],
    ["v1.0.0-10"],
    ["v1.0.0-RC1"],
    ["v1.0.0-alpha"],
    ["v1.0.0-alpha.1"],
    ["v1.0.0-alpha.beta"],
    ["v1.0.0-beta"],
    ["v1.0.0-beta.2"],
    ["v1.0.0-beta.11"],
    ["v1.0.0-rc.1"],
    ["v1.0.0-rc1"],
    ["v1.0.0-x"],
    ["v1.0.0-x.0"],
    ["v1.0.0-x-10"],
    ["v1.0.0-x-9"],
    ["v1", "v1.0", "v1.0.0", "v1.0.0+meta", "v1.0.0+incompatible"],
    ["v1.2", "v1.2.0"],
    ["v1.2.3-456"],
    ["v1.2.3-456.789"],
    ["v1.2.3-0a"],
    ["v1.2.3-456-789"],
    ["v1.2.3-456a"],
    ["v1.2.3-pre", "v1.2.3-pre+meta"],
    ["v1.2.3-pre.0.20060102150405-abcdefabcdef"],
    ["v1.2.3-pre.0.20070102150405-000000000000"],
    ["v1.2.3-pre.1"],
    ["v1.2.3-zzz"],
    ["v1.2.3", "v1.2.3+meta", "v1.2.3+0.0-x"],
    ["v1.2.4-0.20060102150405-abcdefabcdef"],
    ["v1.2.4-0.20060102150405-bbbbbbbbbbbb"],
    ["v1.2.4-pre"],
    ["v1.2.4"],
    ["v1.9.0"],
    ["v1.10.0"],
    ["v2.0.0-20060102150405-abcdefabcdef"],
    ["v2.0.0", "v2.0.0+incompatible"],
    ["v2.0.1-0.20060102150405-abcdefabcdef+incompatible"],
    ["v2.0.1-pre.0.20060102150405-abcdefabcdef+incompatible"],
    ["v2.0.1"],
    ["v9.0.0"],
    ["v10.0.0"],
    ["v99999999999999999999.0.0"],
    ["v100000000000000000000.0.0"],
]
ALL_VERSIONS = [v for group in ASCENDING for v in group]


def _rank(v: str) -> int:
    return next(i for i, group in enumerate(ASCENDING) if v in group)


def test_ascending_table_all_pairs() -> None:
    for a, b in itertools.product(ALL_VERSIONS, repeat=2):
        want = (_rank(a) > _rank(b)) - (_rank(a) < _rank(b))
        assert semver.compare(a, b) == want, (a, b)
        assert (semver.sort_key(a) > semver.sort_key(b)) - (
            semver.sort_key(a) < semver.sort_key(b)
        ) == want, (a, b)


def test_validity_of_table() -> None:
    for v in ALL_VERSIONS:
        assert semver.is_valid(v) == (_rank(v) > 0), v


@pytest.mark.parametrize(
    ("v", "canonical", "major", "major_minor", "prerelease", "build"),
    [
        ("v1", "v1.0.0", "v1", "v1.0", "", ""),
        ("v1.2", "v1.2.0", "v1", "v1.2", "", ""),
        ("v1.2.3", "v1.2.3", "v1", "v1.2", "", ""),
        ("v1.2.3-pre.1+b.2", "v1.2.3-pre.1", "v1", "v1.2", "-pre.1", "+b.2"),
        ("v2.0.0+incompatible", "v2.0.0", "v2", "v2.0", "", "+incompatible"),
        (
            "v0.0.0-20060102150405-abc",
            "v0.0.0-20060102150405-abc",
            "v0",
            "v0.0",
            "-20060102150405-abc",
            "",
        ),
        ("v1.2.3+001", "v1.2.3", "v1", "v1.2", "", "+001"),
        ("v1.2.3-0", "v1.2.3-0", "v1", "v1.2", "-0", ""),
        ("v1.2.3--", "v1.2.3--", "v1", "v1.2", "--", ""),
        ("v1.2.3-a..b", "", "", "", "", ""),
        ("v1.2.3+a..b", "", "", "", "", ""),
        ("v1.2.3-00", "", "", "", "", ""),
        ("v1.2.3-a+", "", "", "", "", ""),
        ("v1.2.3+a+b", "", "", "", "", ""),
        ("v1.2+meta", "", "", "", "", ""),
        ("v1-pre", "", "", "", "", ""),
        ("v1.2.3.4", "", "", "", "", ""),
        ("v1.2.3\n", "", "", "", "", ""),
        ("v1.2.\u0663", "", "", "", "", ""),
        ("v1.2.3-é", "", "", "", "", ""),
        (" v1.2.3", "", "", "", "", ""),
        ("v-1", "", "", "", "", ""),
    ],
)
def test_parts(
    v: str, canonical: str, major: str, major_minor: str, prerelease: str, build: str
) -> None:
    assert semver.canonical(v) == canonical
    assert semver.major(v) == major
    assert semver.major_minor(v) == major_minor
    assert semver.prerelease(v) == prerelease
    assert semver.build(v) == build
    assert semver.is_valid(v) == (canonical != "")


def test_sort_breaks_ties_by_string() -> None:
    got = semver.sort(["v1.0.0+b", "v1.10.0", "v1", "zz", "v1.0.0", "a", "v1.0.0+a", "v1.2.0-pre"])
    assert got == ["a", "zz", "v1", "v1.0.0", "v1.0.0+a", "v1.0.0+b", "v1.2.0-pre", "v1.10.0"]


@pytest.mark.parametrize(
    ("a", "b", "want"),
    [
        ("v1.2", "v1.10.0", "v1.10.0"),
        ("v1.10.0+meta", "v1.2", "v1.10.0"),
        ("v1.2.0", "v1.2.0+meta", "v1.2.0"),
        ("bad", "v0.0.1", "v0.0.1"),
        ("v0.0.1", "bad", "v0.0.1"),
        ("bad", "worse", ""),
    ],
)
def test_max_version(a: str, b: str, want: str) -> None:
    assert semver.max_version(a, b) == want


def test_incompatible_helpers() -> None:
    assert semver.is_incompatible("v2.0.0+incompatible")
    assert not semver.is_incompatible("v2.0.0")
    assert not semver.is_incompatible("v2.0+incompatible")  # not a valid version
    assert semver.strip_incompatible("v2.0.0+incompatible") == "v2.0.0"
    assert semver.strip_incompatible("v2.0.0") == "v2.0.0"


# --- Version --------------------------------------------------------------------------


def test_version_parse_and_order() -> None:
    v = Version.parse("v1.2")
    assert (v.major, v.minor, v.patch, v.prerelease, v.build) == ("1", "2", "0", "", "")
    assert str(Version.parse("v1.2.3-pre+meta")) == "v1.2.3-pre+meta"
    assert Version.parse("v1.2.3-pre+meta").canonical == "v1.2.3-pre"
    assert Version.parse("v1.0.0") == Version.parse("v1")
    assert Version.parse("v1.0.0+a") == Version.parse("v1.0.0+b")
    assert hash(Version.parse("v1.0.0+a")) == hash(Version.parse("v1"))
    assert Version.parse("v1.0.0-rc.1") < Version.parse("v1.0.0")
    assert Version.parse("v1.10.0") >= Version.parse("v1.9.0")
    assert sorted(Version.parse(v) for v in ["v1.10.0", "v1.9.0", "v1.9.0-pre"]) == [
        Version.parse("v1.9.0-pre"),
        Version.parse("v1.9.0"),
        Version.parse("v1.10.0"),
    ]
    assert Version.parse("v1.0.0") != "v1.0.0"


@pytest.mark.parametrize("bad", ["", "1.2.3", "v1.2-pre", "v1.02.0", "v1.0.0-01"])
def test_version_parse_raises(bad: str) -> None:
    with pytest.raises(InvalidVersion) as info:
        Version.parse(bad)
    assert info.value.version == bad
    assert info.value.reason == "not a semantic version"
    assert isinstance(info.value, ValueError)


def test_version_fields_are_checked() -> None:
    assert Version("1", "2", "3", "-pre", "+b").canonical == "v1.2.3-pre"
    for args in [("01",), ("1", "x"), ("1", "0", "0", "pre"), ("1", "0", "0", "", "+")]:
        with pytest.raises(InvalidVersion):
            Version(*args)


# --- pseudo-versions --------------------------------------------------------------------

T = datetime(2006, 1, 2, 15, 4, 5, tzinfo=UTC)
REV = "abcdefabcdef"


@pytest.mark.parametrize(
    ("major", "older", "want"),
    [
        ("", "", "v0.0.0-20060102150405-abcdefabcdef"),
        ("v2", "", "v2.0.0-20060102150405-abcdefabcdef"),
        ("v1", "bad", "v1.0.0-20060102150405-abcdefabcdef"),
        ("v1", "v1.2.3", "v1.2.4-0.20060102150405-abcdefabcdef"),
        ("v1", "v1.2", "v1.2.1-0.20060102150405-abcdefabcdef"),
        ("v1", "v1.2.9", "v1.2.10-0.20060102150405-abcdefabcdef"),
        ("v1", "v1.2.99", "v1.2.100-0.20060102150405-abcdefabcdef"),
        ("v1", "v1.2.3-pre", "v1.2.3-pre.0.20060102150405-abcdefabcdef"),
        ("v1", "v1.2.3-pre+meta", "v1.2.3-pre.0.20060102150405-abcdefabcdef+meta"),
        ("v2", "v2.0.0+incompatible", "v2.0.1-0.20060102150405-abcdefabcdef+incompatible"),
        (
            "v2",
            "v2.1.0-rc.1+incompatible",
            "v2.1.0-rc.1.0.20060102150405-abcdefabcdef+incompatible",
        ),
    ],
)
def test_pseudo_version_forms(major: str, older: str, want: str) -> None:
    got = semver.pseudo_version(major, older, T, REV)
    assert got == want
    assert semver.is_pseudo(got)
    assert semver.pseudo_rev(got) == REV
    assert semver.pseudo_time(got) == T
    assert semver.pseudo_timestamp(got) == "20060102150405"
    if semver.is_valid(older):
        base = semver.pseudo_base(got)
        assert semver.canonical(base) == semver.canonical(older)
        assert semver.build(base) == semver.build(older)
        assert semver.compare(older, got) < 0
    else:
        assert semver.pseudo_base(got) == ""


def test_pseudo_version_time_zones() -> None:
    east = timezone(timedelta(hours=5))
    local = datetime(2006, 1, 2, 20, 4, 5, tzinfo=east)
    assert semver.pseudo_version("v1", "", local, "r") == "v1.0.0-20060102150405-r"
    naive = datetime(2006, 1, 2, 15, 4, 5, 999999)
    assert semver.pseudo_version("v1", "", naive, "r") == "v1.0.0-20060102150405-r"
    assert semver.pseudo_version("v1", "", datetime(5, 1, 1), "r") == "v1.0.0-00050101000000-r"


@pytest.mark.parametrize(
    ("v", "base"),
    [
        ("v0.0.0-20060102150405-abcdefabcdef", ""),
        ("v1.2.4-0.20060102150405-abcdefabcdef", "v1.2.3"),
        ("v1.2.10-0.20060102150405-abcdefabcdef", "v1.2.9"),
        ("v1.2.100-0.20060102150405-abcdefabcdef", "v1.2.99"),
        ("v1.2.1-0.20060102150405-abcdefabcdef", "v1.2.0"),
        ("v1.2.3-pre.0.20060102150405-abcdefabcdef", "v1.2.3-pre"),
        ("v1.2.3-pre.4.0.20060102150405-abcdefabcdef", "v1.2.3-pre.4"),
        ("v1.2.3-0.0.20060102150405-abcdefabcdef", "v1.2.3-0"),
        ("v2.0.1-0.20060102150405-abcdefabcdef+incompatible", "v2.0.0+incompatible"),
        ("v2.0.0-pre.0.20060102150405-abcdefabcdef+incompatible", "v2.0.0-pre+incompatible"),
    ],
)
def test_pseudo_base(v: str, base: str) -> None:
    assert semver.is_pseudo(v)
    assert semver.pseudo_base(v) == base


@pytest.mark.parametrize(
    ("v", "reason"),
    [
        ("v1.2.3", "syntax error"),
        ("v1.2.3-pre", "syntax error"),
        ("v1.2.3-0.20060102150405", "syntax error"),
        ("v1.2.3-0.2006010215040-abc", "syntax error"),  # 13 digits
        ("v1.2.3-1.20060102150405-abc", "syntax error"),
        ("v1.2.3-0.20060102150405-abc-def", "syntax error"),
        ("v1.2-0.20060102150405-abc", "syntax error"),
        (
            "v0.0.0-20060102150405-abc+incompatible",
            'lacks base version, but has build metadata "+incompatible"',
        ),
        ("v1.2.0-0.20060102150405-abc", "version before v1.2.0 would have negative patch number"),
    ],
)
def test_pseudo_base_errors(v: str, reason: str) -> None:
    with pytest.raises(InvalidVersion) as info:
        semver.pseudo_base(v)
    assert info.value.reason == reason
    assert info.value.version == v


@pytest.mark.parametrize(
    "v",
    [
        "v1.2.4-0.20061302150405-abc",  # month 13
        "v1.2.4-0.20060230150405-abc",  # 30 February
        "v1.2.4-0.20060102240405-abc",  # hour 24
        "v1.2.4-0.20060102156005-abc",  # minute 60
        "v1.2.4-0.20060102150460-abc",  # second 60
        "v1.2.4-0.20060002150405-abc",  # month 0
        "v1.2.4-0.20060100150405-abc",  # day 0
    ],
)
def test_pseudo_time_rejects_impossible_times(v: str) -> None:
    assert semver.is_pseudo(v)
    with pytest.raises(InvalidVersion) as info:
        semver.pseudo_time(v)
    assert info.value.reason == f'malformed time "{semver.pseudo_timestamp(v)}"'


def test_pseudo_time_leap_day() -> None:
    assert semver.pseudo_time("v0.0.0-20240229000000-a") == datetime(2024, 2, 29, tzinfo=UTC)
    with pytest.raises(InvalidVersion):
        semver.pseudo_time("v0.0.0-20230229000000-a")


@pytest.mark.parametrize(
    ("v", "want"),
    [
        ("v0.0.0-20060102150405-abcdefabcdef", True),
        ("v0.0.0-20060102150405-abcdefabcdef+incompatible", True),
        ("v1.2.4-0.20060102150405-abcdefabcdef+incompatible", True),
        ("v1.2.3-pre.0.20060102150405-abcdefabcdef+incompatible", True),
        ("v1.2.3-pre.0.20060102150405-x", True),
        ("v0.0.0-20060102150405-abcdefabcdef\n", False),
        ("v0.0.0-20060102150405-", False),
        ("v0.0.0-20060102150405-abc_def", False),
        ("v0.0.0-2006010215040\u0665-abcdef", False),
        ("v1.0.0-20060102150405-abcdefabcdef", True),
        ("v1.1.0-20060102150405-abcdefabcdef", False),
        ("v1.2.3-pre.1.20060102150405-abcdefabcdef", False),
        ("v1.2.3", False),
        ("v1.2.3-pre", False),
        ("bad", False),
    ],
)
def test_is_pseudo(v: str, want: bool) -> None:
    assert semver.is_pseudo(v) == want


def test_zero_pseudo_version() -> None:
    assert semver.zero_pseudo_version("") == "v0.0.0-00010101000000-000000000000"
    assert semver.zero_pseudo_version("v2") == "v2.0.0-00010101000000-000000000000"
    assert semver.is_zero_pseudo("v0.0.0-00010101000000-000000000000")
    assert semver.is_zero_pseudo("v3.0.0-00010101000000-000000000000")
    assert not semver.is_zero_pseudo("v0.0.0-00010101000000-000000000001")
    assert not semver.is_zero_pseudo("v0.0.1-0.00010101000000-000000000000")


# --- properties ---------------------------------------------------------------------------

NUMS = ["0", "1", "2", "9", "10", "11", "01", "00", "123456789012345678901234567890"]
IDENTS = [
    "0",
    "1",
    "9",
    "10",
    "01",
    "alpha",
    "beta",
    "rc",
    "RC1",
    "rc1",
    "x-10",
    "x-9",
    "-",
    "0a",
    "",
    "Z",
]


@st.composite
def version_like(draw: st.DrawFn) -> str:
    """Strings near the semver grammar: mostly valid, some just off."""
    v = draw(st.sampled_from(["v", "v", "v", "V", ""])) + draw(st.sampled_from(NUMS))
    for _ in range(draw(st.integers(0, 3))):
        v += "." + draw(st.sampled_from(NUMS))
    if draw(st.booleans()):
        v += "-" + ".".join(draw(st.lists(st.sampled_from(IDENTS), min_size=1, max_size=3)))
    if draw(st.integers(0, 3)) == 0:
        v += "+" + ".".join(draw(st.lists(st.sampled_from(IDENTS), min_size=1, max_size=2)))
    return v


GOOD_NUMS = [n for n in NUMS if n == "0" or not n.startswith("0")]
GOOD_IDENTS = [i for i in IDENTS if i and (i == "0" or not (i.isdigit() and i.startswith("0")))]


@st.composite
def valid_version(draw: st.DrawFn) -> str:
    """Valid semantic versions, shorthands included."""
    parts = draw(st.lists(st.sampled_from(GOOD_NUMS), min_size=1, max_size=3))
    v = "v" + ".".join(parts)
    if len(parts) == 3:
        if draw(st.booleans()):
            v += "-" + ".".join(
                draw(st.lists(st.sampled_from(GOOD_IDENTS), min_size=1, max_size=3))
            )
        if draw(st.integers(0, 3)) == 0:
            v += draw(st.sampled_from(["+incompatible", "+meta", "+0.01"]))
    return v


VERSIONS = st.one_of(
    version_like(),
    valid_version(),
    st.sampled_from(ALL_VERSIONS),
    st.text(alphabet="v0123456789.-+aZ", max_size=14),
)


@settings(max_examples=300)
@given(VERSIONS, VERSIONS, VERSIONS)
def test_compare_is_a_total_order(a: str, b: str, c: str) -> None:
    ab = semver.compare(a, b)
    assert ab == -semver.compare(b, a)
    assert ab == (semver.sort_key(a) > semver.sort_key(b)) - (
        semver.sort_key(a) < semver.sort_key(b)
    )
    assert semver.compare(a, a) == 0
    if ab <= 0 and semver.compare(b, c) <= 0:
        assert semver.compare(a, c) <= 0
    assert semver.sort([a, b, c]) == sorted([a, b, c], key=lambda v: (semver.sort_key(v), v))


@settings(max_examples=300)
@given(VERSIONS)
def test_canonical_is_idempotent_and_equal(v: str) -> None:
    c = semver.canonical(v)
    assert semver.canonical(c) == c
    if c:
        assert semver.compare(v, c) == 0
        assert str(Version.parse(v)) == c + semver.build(v)
        assert semver.major(c) == semver.major(v)
        assert semver.prerelease(c) == semver.prerelease(v)
        assert semver.build(c) == ""
    else:
        assert not semver.is_valid(v)


def _stamp(t: datetime) -> str:
    return f"{t.year:04d}{t.month:02d}{t.day:02d}{t.hour:02d}{t.minute:02d}{t.second:02d}"


def _rfc3339(t: datetime) -> str:
    return f"{t.year:04d}-{t.month:02d}-{t.day:02d}T{t.hour:02d}:{t.minute:02d}:{t.second:02d}Z"


PSEUDO_TIMES = st.datetimes(
    min_value=datetime(1, 1, 1),
    max_value=datetime(9999, 12, 31, 23, 59, 59),
    timezones=st.just(UTC),
)
REVS = st.text(alphabet="0123456789abcdefABCDEFxyz", min_size=1, max_size=14)
OLDER = st.one_of(st.just(""), valid_version())


@settings(max_examples=300)
@given(st.sampled_from(["", "v0", "v1", "v2", "v17"]), OLDER, PSEUDO_TIMES, REVS)
def test_pseudo_version_round_trip(major: str, older: str, t: datetime, rev: str) -> None:
    p = semver.pseudo_version(major, older, t, rev)
    assert semver.is_pseudo(p)
    assert semver.pseudo_rev(p) == rev
    assert semver.pseudo_time(p) == t.replace(microsecond=0)
    assert semver.pseudo_timestamp(p) == _stamp(t)
    assert semver.build(p) == semver.build(older)
    if older:
        base = semver.pseudo_base(p)
        assert semver.canonical(base) == semver.canonical(older)
        assert semver.build(base) == semver.build(older)
        # Above its base, below anything that could be tagged next.
        assert semver.compare(older, p) < 0
        if semver.prerelease(older):
            assert semver.compare(p, semver.canonical(older) + ".1") < 0
        else:
            next_patch = f"{semver.major_minor(p)}.{Version.parse(p).patch}"
            assert semver.compare(p, next_patch) < 0
    else:
        assert semver.pseudo_base(p) == ""
        assert semver.compare(p, semver.major(p) + ".0.0") < 0


# --- against Go's own x/mod -----------------------------------------------------------------

OPS = ["is_valid", "canonical", "major", "major_minor", "prerelease", "build"]


def _check_against_go(xmod: Oracle, versions: list[str]) -> None:
    requests: list[tuple[str, dict[str, Any]]] = []
    expected: list[Any] = []
    for v in versions:
        for op in OPS:
            requests.append((f"semver.{op}", {"v": v}))
            expected.append(getattr(semver, op)(v))
        requests.append(("module.is_pseudo_version", {"v": v}))
        expected.append(semver.is_pseudo(v))
        requests.append(("module.is_zero_pseudo_version", {"v": v}))
        expected.append(semver.is_zero_pseudo(v))
    for a, b in itertools.product(versions, repeat=2):
        requests.append(("semver.compare", {"a": a, "b": b}))
        expected.append(semver.compare(a, b))
        requests.append(("semver.max", {"a": a, "b": b}))
        expected.append(semver.max_version(a, b))
    answers = xmod.batch(requests)
    for (op, args), want, got in zip(requests, expected, answers, strict=True):
        assert got == {"result": want}, (op, args)


def _pseudo_errors(fn: Any, v: str) -> tuple[Any, str]:
    try:
        return fn(v), ""
    except InvalidVersion as err:
        # Go names these errors "pseudo-version ..."; an unmarked one shows up as a mismatch.
        return "", str(err) if err.pseudo else f"not marked as a pseudo-version error: {err}"


def _check_pseudo_against_go(xmod: Oracle, versions: list[str]) -> None:
    requests: list[tuple[str, dict[str, Any]]] = []
    expected: list[dict[str, Any]] = []
    for v in versions:
        for op, fn in [
            ("module.pseudo_version_base", semver.pseudo_base),
            ("module.pseudo_version_rev", semver.pseudo_rev),
        ]:
            result, error = _pseudo_errors(fn, v)
            requests.append((op, {"v": v}))
            expected.append({"result": result, "error": error})
        t, error = _pseudo_errors(semver.pseudo_time, v)
        requests.append(("module.pseudo_version_time", {"v": v}))
        expected.append({"result": _rfc3339(t) if t else "", "error": error})
    for (op, args), want, got in zip(requests, expected, xmod.batch(requests), strict=True):
        assert got == want, (op, args)


@pytest.mark.go
def test_table_against_go(xmod: Oracle) -> None:
    _check_against_go(xmod, ALL_VERSIONS)
    pseudo_like = [
        *ALL_VERSIONS,
        "v1.2.0-0.20060102150405-abc",
        "v0.0.0-20060102150405-abc+incompatible",
        "v1.2.4-0.20061302150405-abc",
        "v1.2.4-0.20060230150405-abc",
        "v1.2.4-0.20060102150460-abc",
        "v0.0.0-00010101000000-000000000000",
    ]
    _check_pseudo_against_go(xmod, pseudo_like)


@pytest.mark.go
@settings(max_examples=25, deadline=None)
@given(st.lists(VERSIONS, min_size=20, max_size=30))
def test_generated_against_go(xmod: Oracle, versions: list[str]) -> None:
    _check_against_go(xmod, versions)


@pytest.mark.go
@settings(max_examples=20, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["", "v0", "v1", "v2", "v17"]), OLDER, PSEUDO_TIMES, REVS),
        min_size=20,
        max_size=20,
    )
)
def test_pseudo_versions_against_go(
    xmod: Oracle, cases: list[tuple[str, str, datetime, str]]
) -> None:
    requests = [
        (
            "module.pseudo_version",
            {"major": major, "older": older, "time": _rfc3339(t), "rev": rev},
        )
        for major, older, t, rev in cases
    ]
    made = [semver.pseudo_version(*case) for case in cases]
    assert [a["result"] for a in xmod.batch(requests)] == made
    # Go parses them back as we do; mangle some to reach the error paths too.
    mangled = [p.replace("-0.", "-1.", 1) for p in made[:5]] + [
        p + "+incompatible" for p in made[5:10]
    ]
    _check_pseudo_against_go(xmod, made + mangled)
    _check_against_go(xmod, made[:8])
