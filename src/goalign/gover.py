"""Go and toolchain versions as the go command orders them: ``1.21 < 1.21rc1 < 1.21.0``.

These are the versions of go.mod's ``go`` and ``toolchain`` lines, not module
versions: no ``v``, and prereleases spelt ``1.21rc1``. The rules are those of Go's
internal/gover and cmd/go/internal/gover; see https://go.dev/doc/toolchain#version.

- A version is ``MAJOR[.MINOR[.PATCH]]`` or ``MAJOR.MINOR<kind>[N]`` with kind in
  lower-case letters (``alpha``, ``beta``, ``rc``…). Numbers have no leading zeros.
- ``1.20`` means ``1.20.0``, but from 1.21 on ``1.21`` is the language version, below
  every release and prerelease of 1.21.
- Order: major, minor, patch (missing lowest), kind as a plain string ("" lowest),
  then N. Invalid versions sort lowest and equal each other.

Pure: no I/O, no environment, no clock.
"""

from __future__ import annotations

import functools
import re
from typing import NamedTuple

from goalign import semver

__all__ = [
    "DEFAULT_GO_VERSION",
    "DEFAULT_GO_WORK_VERSION",
    "GoVersion",
    "compare",
    "from_toolchain",
    "is_lang",
    "is_prerelease",
    "is_toolchain",
    "is_valid",
    "lang",
    "max_version",
    "mod_compare",
    "mod_is_valid",
    "parse",
    "sort_key",
    "to_toolchain",
]

DEFAULT_GO_VERSION = "1.16"
"""The go version assumed for a go.mod without a ``go`` line."""

DEFAULT_GO_WORK_VERSION = "1.18"
"""The go version assumed for a go.work without a ``go`` line."""


class GoVersion(NamedTuple):
    """The parts of a Go version as decimal strings, as :func:`parse` returns them.

    All fields are "" for an invalid version. A valid one always has a minor (a bare
    major means ``N.0.0``); ``patch`` is "" for a language version from 1.21 on and
    for prereleases, whose ``kind`` (``rc``) and ``pre`` (``1``) are then set.
    """

    major: str = ""
    minor: str = ""
    patch: str = ""
    kind: str = ""
    pre: str = ""


_INVALID = GoVersion()
_NUM = r"0|[1-9][0-9]*"
_GO_RE = re.compile(
    rf"({_NUM})(?:\.({_NUM})(?:\.({_NUM})|([a-z]+)({_NUM})?)?)?",
    re.ASCII,
)


@functools.lru_cache(maxsize=1024)
def parse(x: str) -> GoVersion:
    """Return the parts of Go version x, or an all-empty GoVersion if x is invalid.

    >>> parse("1.21rc1")
    GoVersion(major='1', minor='21', patch='', kind='rc', pre='1')
    """
    m = _GO_RE.fullmatch(x)
    if m is None:
        return _INVALID
    major, minor, patch, kind, pre = m.groups()
    if minor is None:
        return GoVersion(major, "0", "0")
    if patch is None and kind is None and _num_key(minor) < _num_key("21"):
        # Before Go 1.21, "1.N" named the release 1.N.0.
        return GoVersion(major, minor, "0")
    return GoVersion(major, minor, patch or "", kind or "", pre or "")


def _num_key(n: str) -> tuple[int, str]:
    # Decimal strings without leading zeros order by length, then as text; "" is lowest.
    return (len(n), n)


def sort_key(
    x: str,
) -> tuple[tuple[int, str], tuple[int, str], tuple[int, str], str, tuple[int, str]]:
    """Return a key for sorted() that orders Go versions as :func:`compare` does."""
    v = parse(x)
    return (_num_key(v.major), _num_key(v.minor), _num_key(v.patch), v.kind, _num_key(v.pre))


def compare(x: str, y: str) -> int:
    """Return -1, 0 or 1 as Go version x sorts before, with or after y; never raise.

    >>> compare("1.21", "1.21rc1"), compare("1.21rc1", "1.21.0"), compare("1.20", "1.20.0")
    (-1, -1, 0)
    """
    kx = sort_key(x)
    ky = sort_key(y)
    return (kx > ky) - (kx < ky)


def max_version(x: str, y: str) -> str:
    """Return the larger of Go versions x and y (x when they compare equal)."""
    return y if compare(x, y) < 0 else x


def is_valid(x: str) -> bool:
    """Report whether x is a valid Go version (``1.21``, ``1.21.3``, ``1.22rc1``)."""
    return parse(x) != _INVALID


def is_lang(x: str) -> bool:
    """Report whether x is a language version such as ``1.21`` (not ``1.21.0``).

    Before 1.21 a two-part version names a release: ``is_lang("1.20")`` is False.
    """
    v = parse(x)
    return v != _INVALID and v.patch == "" and v.kind == "" and v.pre == ""


def is_prerelease(x: str) -> bool:
    """Report whether x is a prerelease such as ``1.21rc1`` or ``1.22beta``."""
    return parse(x).kind != ""


def lang(x: str) -> str:
    """Return the language version of x: ``1.21`` for ``1.21.3`` or ``1.21rc2``.

    ``1.0.x`` gives ``1``; an invalid x gives "".
    """
    v = parse(x)
    if v.minor == "" or (v.major == "1" and v.minor == "0"):
        return v.major
    return f"{v.major}.{v.minor}"


def from_toolchain(name: str) -> str:
    """Return the Go version a toolchain name denotes, or "" if it denotes none.

    The name must start with ``go``; anything from the first space, tab or ``-`` on
    is a custom suffix. A name with ``/`` or ``\\`` is refused, since it is used to
    find a binary.

    >>> from_toolchain("go1.21.3"), from_toolchain("go1.21.3-custom"), from_toolchain("1.21")
    ('1.21.3', '1.21.3', '')
    """
    if "/" in name or "\\" in name or not name.startswith("go"):
        return ""
    v = re.split(r"[ \t-]", name[2:], maxsplit=1)[0]
    return v if is_valid(v) else ""


def to_toolchain(v: str) -> str:
    """Return the toolchain name for Go version v (``go1.21.3``)."""
    return "go" + v


def is_toolchain(path: str) -> bool:
    """Report whether a module path is one of the pseudo-modules ``go`` or ``toolchain``."""
    return path in ("go", "toolchain")


def _maybe_toolchain(v: str) -> str:
    return v if is_valid(v) else from_toolchain(v)


def mod_compare(path: str, x: str, y: str) -> int:
    """Return how versions x and y of module path compare, by the rules path uses.

    ``go`` compares Go versions, ``toolchain`` toolchain names (or bare versions),
    and every other path compares semantic versions.
    """
    if path == "go":
        return compare(x, y)
    if path == "toolchain":
        return compare(_maybe_toolchain(x), _maybe_toolchain(y))
    return semver.compare(x, y)


def mod_is_valid(path: str, version: str) -> bool:
    """Report whether version is valid for module path (see :func:`mod_compare`)."""
    if path == "go":
        return is_valid(version)
    if path == "toolchain":
        return is_valid(from_toolchain(version))
    return semver.is_valid(version)
