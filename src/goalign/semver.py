"""Module versions as Go orders them: semantic versions and pseudo-versions.

The rules are those of golang.org/x/mod/semver and golang.org/x/mod/module (pseudo.go),
which the go command applies to every module version; see
https://go.dev/ref/mod#versions and https://go.dev/ref/mod#pseudo-versions.

The string functions never raise: an invalid version canonicalises to "" and sorts
below every valid one, so callers can order untrusted input safely. Underneath them,
:class:`Version` is the parsed value with a cached comparison key; ``Version.parse``
raises :class:`~goalign.errors.InvalidVersion`.

Numbers stay decimal strings, compared by length and then digit by digit, as Go does:
versions such as ``v99999999999999999999.0.0`` are valid and must order correctly
without any conversion limit.

Pure: no I/O, no environment, no clock.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from goalign.errors import InvalidVersion

__all__ = [
    "INCOMPATIBLE",
    "SortKey",
    "Version",
    "build",
    "canonical",
    "compare",
    "is_incompatible",
    "is_pseudo",
    "is_valid",
    "is_zero_pseudo",
    "major",
    "major_minor",
    "max_version",
    "prerelease",
    "pseudo_base",
    "pseudo_rev",
    "pseudo_time",
    "pseudo_timestamp",
    "pseudo_version",
    "sort",
    "sort_key",
    "strip_incompatible",
    "zero_pseudo_version",
]

INCOMPATIBLE = "+incompatible"
"""The build suffix that marks a major version >= 2 of a path without a /vN suffix."""

_NUM = r"0|[1-9][0-9]*"
# A prerelease identifier: numeric without a leading zero, or anything with a non-digit.
_PRE_IDENT = r"[0-9]*[A-Za-z-][0-9A-Za-z-]*|0|[1-9][0-9]*"
_PRE = rf"(?:{_PRE_IDENT})(?:\.(?:{_PRE_IDENT}))*"
# Build identifiers may have leading zeros.
_BUILD = r"[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*"

# The shorthands v1 and v1.2 take neither a prerelease nor build metadata.
_SEMVER_RE = re.compile(
    rf"v({_NUM})(?:\.({_NUM})(?:\.({_NUM})(-{_PRE})?(\+{_BUILD})?)?)?",
    re.ASCII,
)

_PSEUDO_RE = re.compile(
    r"v[0-9]+\.(0\.0-|[0-9]+\.[0-9]+-([^+]*\.)?0\.)[0-9]{14}-[A-Za-z0-9]+"
    r"(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?",
    re.ASCII,
)

# One prerelease identifier's key: numeric ones (0, length, digits) sort below
# alphanumeric ones (1, 0, text); digit strings without leading zeros order by length
# first, then as text.
_IdentKey = tuple[int, int, str]
_VersionKey = tuple[int, str, int, str, int, str, int, tuple[_IdentKey, ...]]
SortKey = tuple[int, _VersionKey]
"""What :func:`sort_key` returns: comparable, equal exactly when compare() gives 0."""

_INVALID_KEY: SortKey = (0, (0, "", 0, "", 0, "", 0, ()))


def _ident_key(ident: str) -> _IdentKey:
    if ident.isdigit():
        return (0, len(ident), ident)
    return (1, 0, ident)


@dataclass(frozen=True, slots=True, eq=False)
class Version:
    """A valid semantic version taken apart, as :meth:`parse` returns it.

    ``major``, ``minor`` and ``patch`` are decimal strings without leading zeros;
    ``prerelease`` keeps its leading ``-`` and ``build`` its leading ``+``, as Go's
    Prerelease and Build return them. Equality and order follow :func:`compare`, so
    build metadata is ignored: ``v1.0.0 == v1.0.0+meta``.
    """

    major: str
    minor: str = "0"
    patch: str = "0"
    prerelease: str = ""
    build: str = ""
    key: _VersionKey = field(init=False, repr=False)

    def __post_init__(self) -> None:
        text = f"v{self.major}.{self.minor}.{self.patch}{self.prerelease}{self.build}"
        if not _SEMVER_RE.fullmatch(text):
            raise InvalidVersion(text, "not a semantic version")
        idents = (
            tuple(_ident_key(i) for i in self.prerelease[1:].split(".")) if self.prerelease else ()
        )
        key: _VersionKey = (
            len(self.major),
            self.major,
            len(self.minor),
            self.minor,
            len(self.patch),
            self.patch,
            # A version without a prerelease sorts above all of its prereleases.
            0 if self.prerelease else 1,
            idents,
        )
        object.__setattr__(self, "key", key)

    @classmethod
    def parse(cls, v: str) -> Version:
        """Return v parsed; raise InvalidVersion if v is not a semantic version.

        >>> Version.parse("v1.2").canonical
        'v1.2.0'
        """
        parsed = _parse(v)
        if parsed is None:
            raise InvalidVersion(v, "not a semantic version")
        return parsed

    @property
    def canonical(self) -> str:
        """Return the canonical form: every part filled in, no build metadata."""
        return f"v{self.major}.{self.minor}.{self.patch}{self.prerelease}"

    def __str__(self) -> str:
        return self.canonical + self.build

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Version):
            return NotImplemented
        return self.key == other.key

    def __hash__(self) -> int:
        return hash(self.key)

    def __lt__(self, other: Version) -> bool:
        return self.key < other.key

    def __le__(self, other: Version) -> bool:
        return self.key <= other.key

    def __gt__(self, other: Version) -> bool:
        return self.key > other.key

    def __ge__(self, other: Version) -> bool:
        return self.key >= other.key


# Versions repeat endlessly in a module graph; parsing each string once pays off.
@functools.lru_cache(maxsize=16384)
def _parse(v: str) -> Version | None:
    m = _SEMVER_RE.fullmatch(v)
    if m is None:
        return None
    major_, minor_, patch_, pre, bld = m.groups()
    return Version(major_, minor_ or "0", patch_ or "0", pre or "", bld or "")


def is_valid(v: str) -> bool:
    """Report whether v is a valid semantic version (``v1``, ``v1.2`` shorthands too).

    >>> is_valid("v1.2.3-pre+meta"), is_valid("v1.2-pre"), is_valid("1.2.3")
    (True, False, False)
    """
    return _parse(v) is not None


def canonical(v: str) -> str:
    """Return v with missing parts filled in and build metadata dropped; "" if invalid.

    >>> canonical("v1.2"), canonical("v2.0.0+incompatible"), canonical("v1.02")
    ('v1.2.0', 'v2.0.0', '')
    """
    p = _parse(v)
    return "" if p is None else p.canonical


def major(v: str) -> str:
    """Return v's major version prefix (``v2`` for ``v2.1.0``); "" if v is invalid."""
    p = _parse(v)
    return "" if p is None else "v" + p.major


def major_minor(v: str) -> str:
    """Return v's major.minor prefix (``v2.1`` for ``v2.1.0``, ``v2.0`` for ``v2``)."""
    p = _parse(v)
    return "" if p is None else f"v{p.major}.{p.minor}"


def prerelease(v: str) -> str:
    """Return v's prerelease suffix with its ``-`` (``-pre`` for ``v1.0.0-pre+b``)."""
    p = _parse(v)
    return "" if p is None else p.prerelease


def build(v: str) -> str:
    """Return v's build suffix with its ``+`` (``+incompatible``); "" if none or invalid."""
    p = _parse(v)
    return "" if p is None else p.build


def sort_key(v: str) -> SortKey:
    """Return a key for sorted() that orders strings as :func:`compare` does.

    Invalid versions share the lowest key; build metadata does not change the key.
    """
    p = _parse(v)
    return _INVALID_KEY if p is None else (1, p.key)


def compare(a: str, b: str) -> int:
    """Return -1, 0 or 1 as a sorts before, with or after b; never raise.

    Invalid versions sort below every valid one and equal each other.

    >>> compare("v1.9.0", "v1.10.0"), compare("v1", "v1.0.0+meta"), compare("bad", "v0.0.0")
    (-1, 0, -1)
    """
    if a == b:
        return 0
    ka = sort_key(a)
    kb = sort_key(b)
    return (ka > kb) - (ka < kb)


def max_version(a: str, b: str) -> str:
    """Return the larger of a and b in canonical form (b's when they compare equal).

    An invalid argument becomes "", so the larger of two invalid versions is "".
    """
    ca = canonical(a)
    cb = canonical(b)
    return ca if compare(ca, cb) > 0 else cb


def sort(versions: Iterable[str]) -> list[str]:
    """Return the versions in ascending order, ties between equal versions by string.

    >>> sort(["v1.10.0", "v1.2.0+b", "bad", "v1.2.0", "v1.9.0"])
    ['bad', 'v1.2.0', 'v1.2.0+b', 'v1.9.0', 'v1.10.0']
    """
    return sorted(versions, key=lambda v: (sort_key(v), v))


def is_incompatible(v: str) -> bool:
    """Report whether v is a valid version whose build metadata is ``+incompatible``."""
    return build(v) == INCOMPATIBLE


def strip_incompatible(v: str) -> str:
    """Return v without a trailing ``+incompatible``."""
    return v.removesuffix(INCOMPATIBLE)


# --- pseudo-versions --------------------------------------------------------------


def _inc_decimal(decimal: str) -> str:
    # Digit by digit, so a patch number of any length works.
    digits = list(decimal)
    i = len(digits) - 1
    while i >= 0 and digits[i] == "9":
        digits[i] = "0"
        i -= 1
    if i < 0:
        return "1" + "".join(digits)
    digits[i] = chr(ord(digits[i]) + 1)
    return "".join(digits)


def _dec_decimal(decimal: str) -> str:
    # "" for "0": there is no version before patch 0.
    digits = list(decimal)
    i = len(digits) - 1
    while i >= 0 and digits[i] == "0":
        digits[i] = "9"
        i -= 1
    if i < 0:
        return ""
    if i == 0 and digits[0] == "1" and len(digits) > 1:
        return "".join(digits[1:])
    digits[i] = chr(ord(digits[i]) - 1)
    return "".join(digits)


def pseudo_version(major: str, older: str, t: datetime, rev: str) -> str:
    """Return the pseudo-version for revision rev committed at time t.

    ``older`` is the highest tag reachable from rev, or "" for none; then the result
    is ``{major}.0.0-TS-REV`` (major defaults to ``v0``). After a release tag
    vX.Y.Z it is ``vX.Y.(Z+1)-0.TS-REV``; after a prerelease tag vX.Y.Z-PRE it is
    ``vX.Y.Z-PRE.0.TS-REV``. The tag's build metadata (``+incompatible``) is kept.
    A naive t is taken to be UTC.

    >>> from datetime import UTC, datetime
    >>> t = datetime(2006, 1, 2, 15, 4, 5, tzinfo=UTC)
    >>> pseudo_version("v2", "v2.3.4+incompatible", t, "abcdefabcdef")
    'v2.3.5-0.20060102150405-abcdefabcdef+incompatible'
    """
    if major == "":
        major = "v0"
    if t.tzinfo is not None:
        t = t.astimezone(UTC)
    stamp = f"{t.year:04d}{t.month:02d}{t.day:02d}{t.hour:02d}{t.minute:02d}{t.second:02d}"
    segment = f"{stamp}-{rev}"
    bld = build(older)
    base = canonical(older)
    if base == "":
        return f"{major}.0.0-{segment}"
    if prerelease(base) != "":
        return f"{base}.0.{segment}{bld}"
    head, _, patch = base.rpartition(".")
    return f"{head}.{_inc_decimal(patch)}-0.{segment}{bld}"


def zero_pseudo_version(major: str) -> str:
    """Return the pseudo-version with zero time and revision for a major version."""
    return pseudo_version(major, "", datetime(1, 1, 1, tzinfo=UTC), "000000000000")


def is_pseudo(v: str) -> bool:
    """Report whether v has the form of a pseudo-version.

    >>> is_pseudo("v1.2.4-0.20060102150405-abcdefabcdef"), is_pseudo("v1.2.4-pre")
    (True, False)
    """
    return v.count("-") >= 2 and is_valid(v) and _PSEUDO_RE.fullmatch(v) is not None


def is_zero_pseudo(v: str) -> bool:
    """Report whether v is the zero pseudo-version of its major version."""
    return v == zero_pseudo_version(major(v))


def _split_pseudo(v: str) -> tuple[str, str, str, str]:
    """Return (base, timestamp, rev, build) of pseudo-version v, else raise."""
    if not is_pseudo(v):
        raise InvalidVersion(v, "syntax error", pseudo=True)
    bld = build(v)
    rest = v[: len(v) - len(bld)]
    rest, _, rev = rest.rpartition("-")
    dash = rest.rfind("-")
    dot = rest.rfind(".")
    if dot > dash:
        # vX.Y.Z-PRE.0.TS or vX.Y.(Z+1)-0.TS
        return rest[:dot], rest[dot + 1 :], rev, bld
    # vX.0.0-TS
    return rest[:dash], rest[dash + 1 :], rev, bld


def pseudo_timestamp(v: str) -> str:
    """Return the 14-digit timestamp of pseudo-version v; raise InvalidVersion if not one."""
    return _split_pseudo(v)[1]


def pseudo_rev(v: str) -> str:
    """Return the revision identifier of pseudo-version v; raise InvalidVersion if not one."""
    return _split_pseudo(v)[2]


def pseudo_time(v: str) -> datetime:
    """Return the commit time (UTC) of pseudo-version v.

    Raise InvalidVersion if v is not a pseudo-version or its timestamp is not a
    real time. Year 0000, which Go accepts, has no ``datetime`` and is refused too.
    """
    ts = _split_pseudo(v)[1]
    try:
        return datetime(
            int(ts[0:4]),
            int(ts[4:6]),
            int(ts[6:8]),
            int(ts[8:10]),
            int(ts[10:12]),
            int(ts[12:14]),
            tzinfo=UTC,
        )
    except ValueError:
        raise InvalidVersion(v, f'malformed time "{ts}"', pseudo=True) from None


def pseudo_base(v: str) -> str:
    """Return the tag that pseudo-version v builds on, or "" if it has none.

    Raise InvalidVersion if v is not a pseudo-version, if it has no base but carries
    build metadata, or if its base would need a negative patch number.

    >>> pseudo_base("v1.2.4-0.20060102150405-abcdefabcdef+incompatible")
    'v1.2.3+incompatible'
    >>> pseudo_base("v1.2.3-pre.0.20060102150405-abcdefabcdef")
    'v1.2.3-pre'
    """
    base, _, _, bld = _split_pseudo(v)
    pre = prerelease(base)
    if pre == "":
        if bld:
            raise InvalidVersion(
                v, f'lacks base version, but has build metadata "{bld}"', pseudo=True
            )
        return ""
    if pre == "-0":
        release = base.removesuffix(pre)
        head, _, patch = release.rpartition(".")
        before = _dec_decimal(patch)
        if before == "":
            raise InvalidVersion(
                v, f"version before {release} would have negative patch number", pseudo=True
            )
        return f"{head}.{before}{bld}"
    return base.removesuffix(".0") + bld
