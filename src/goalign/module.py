"""Module paths and versions: ``ModuleVersion``, path checks, major-version suffixes
and the case-encoding Go uses for proxy URLs and cache file names.

Follows golang.org/x/mod/module (module.go); see https://go.dev/ref/mod#module-path
and https://go.dev/ref/mod#goproxy-protocol for the escaping.

Every error's ``.reason`` is Go's own text for the problem, so a caller can compose the
message the go command prints (``malformed module path "x": missing dot in first path
element``, ``version "v1.0.0" invalid: should be v2, not v1``); :func:`goalign.strconv.quote` gives
Go's quoting for the subject.

Why the escaping exists: module paths become file names in caches and URL paths on
proxies, which may live on case-insensitive file systems. So every upper-case letter
is written as ``!`` and the lower-case letter (``github.com/!azure/...``), and paths
never contain ``!`` themselves.

Pure: no I/O.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from enum import Enum
from typing import NamedTuple

from goalign import semver
from goalign.errors import InvalidPath, InvalidVersion
from goalign.strconv import quote, quote_rune

__all__ = [
    "ModuleVersion",
    "canonical_version",
    "check",
    "check_file_path",
    "check_import_path",
    "check_path",
    "check_path_major",
    "escape_path",
    "escape_version",
    "match_path_major",
    "path_major_prefix",
    "sort",
    "split_path_version",
    "unescape_path",
    "unescape_version",
]


class ModuleVersion(NamedTuple):
    """A module path and a version; ``version`` is "" for a main module or a directory.

    A named tuple rather than a dataclass: module graphs hash and compare these
    millions of times, and a tuple does both in C.
    """

    path: str
    version: str = ""

    def __str__(self) -> str:
        return f"{self.path}@{self.version}" if self.version else self.path


# --- path checks ----------------------------------------------------------------------


class _Kind(Enum):
    MODULE = "module"
    IMPORT = "import"
    FILE = "file"


# Reserved device names on Windows, refused whatever the case and extension.
_BAD_WINDOWS_NAMES = frozenset(
    ["CON", "PRN", "AUX", "NUL"]
    + [f"COM{i}" for i in range(1, 10)]
    + [f"LPT{i}" for i in range(1, 10)]
)
_ALNUM = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
# Module paths avoid anything that changes meaning in a URL ('%20', '+').
_MODULE_CHARS = _ALNUM | frozenset("-._~")
# Import paths also allow '+', used by a few tool names such as 'c++'.
_IMPORT_CHARS = _MODULE_CHARS | frozenset("+")
# File names allow most ASCII punctuation, but not shell specials (" ' * < > ? ` |)
# nor separators (/ \ :); and any Unicode letter.
_FILE_CHARS = _ALNUM | frozenset("!#$%&()+,-.=@[]^_{}~ ")
# The first element of a module path is a lower-case domain name.
_FIRST_ELEM_CHARS = frozenset("-.0123456789abcdefghijklmnopqrstuvwxyz")
_DIGITS = frozenset("0123456789")


def _char_ok(c: str, kind: _Kind) -> bool:
    if kind is _Kind.MODULE:
        return c in _MODULE_CHARS
    if kind is _Kind.IMPORT:
        return c in _IMPORT_CHARS
    return c in _FILE_CHARS or (c >= "\x80" and c.isalpha())


def _is_utf8(s: str) -> bool:
    # A Python string fails only when it holds surrogates, which is how undecodable
    # bytes arrive (surrogateescape).
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@functools.lru_cache(maxsize=1 << 16)
def _elem_problem(elem: str, kind: _Kind) -> str:
    """Return why elem is not a valid path element of this kind, or "" if it is.

    The checks are pure and paths repeat (every go.mod read names its requirements,
    every cache lookup its module), so their answers are kept.
    """
    if elem == "":
        return "empty path element"
    if elem.count(".") == len(elem):
        return f"invalid path element {quote(elem)}"
    if elem[0] == "." and kind is _Kind.MODULE:
        return "leading dot in path element"
    if elem[-1] == ".":
        return "trailing dot in path element"
    for c in elem:
        if not _char_ok(c, kind):
            return f"invalid char {quote_rune(c)}"
    short = elem.partition(".")[0]
    if short.isascii() and short.upper() in _BAD_WINDOWS_NAMES:
        return f"{quote(short)} disallowed as path element component on Windows"
    if kind is _Kind.FILE:
        # Short names matter only for import paths, never for file names.
        return ""
    # Windows short names look like "PROGRA~1": a tilde and then only digits.
    _, tilde, suffix = short.rpartition("~")
    if tilde and suffix and all(c in _DIGITS for c in suffix):
        return "trailing tilde and digits in path element"
    return ""


@functools.lru_cache(maxsize=1 << 16)
def _path_problem(path: str, kind: _Kind) -> str:
    """Return why path is not a valid path of this kind, or "" if it is."""
    if not _is_utf8(path):
        return "invalid UTF-8"
    if path == "":
        return "empty string"
    if path[0] == "-" and kind is not _Kind.FILE:
        return "leading dash"
    if "//" in path:
        return "double slash"
    if path[-1] == "/":
        return "trailing slash"
    for elem in path.split("/"):
        problem = _elem_problem(elem, kind)
        if problem:
            return problem
    return ""


@functools.lru_cache(maxsize=1 << 16)
def _module_path_problem(path: str) -> str:
    problem = _path_problem(path, _Kind.MODULE)
    if problem:
        return problem
    first = path.partition("/")[0]
    if first == "":
        return "leading slash"
    if "." not in first:
        return "missing dot in first path element"
    if path[0] == "-":
        return "leading dash in first path element"
    for c in first:
        if c not in _FIRST_ELEM_CHARS:
            return f"invalid char {quote_rune(c)} in first path element"
    if not split_path_version(path)[2]:
        return "invalid version"
    return ""


def check_path(path: str) -> None:
    """Raise InvalidPath (kind "module") unless path is a valid module path.

    A module path is an import path whose first element is a lower-case domain name
    with a dot and no leading dash, whose elements do not start with a dot, and whose
    major-version suffix (``/vN``, or ``.vN`` for gopkg.in) is well formed.

    >>> check_path("example.com/m/v1")
    Traceback (most recent call last):
    ...
    goalign.errors.InvalidPath: malformed module path 'example.com/m/v1': invalid version
    """
    problem = _module_path_problem(path)
    if problem:
        raise InvalidPath(path, problem, kind="module")


def check_import_path(path: str) -> None:
    """Raise InvalidPath (kind "import") unless path is a valid package import path.

    Elements are non-empty, of ASCII letters, digits and ``-._~+``, do not end in a
    dot, are not Windows device names (``con``, ``com1.go``…) and do not end in a
    tilde and digits (Windows short names).
    """
    problem = _path_problem(path, _Kind.IMPORT)
    if problem:
        raise InvalidPath(path, problem, kind="import")


def check_file_path(path: str) -> None:
    """Raise InvalidPath (kind "file") unless path is a valid slash-separated file path.

    As for import paths, but any Unicode letter, the space and ``!#$%&()+,-.=@[]^_{}~``
    are allowed, a leading dash or dot is fine, and tildes are not checked.
    """
    problem = _path_problem(path, _Kind.FILE)
    if problem:
        raise InvalidPath(path, problem, kind="file")


def check(path: str, version: str) -> None:
    """Raise unless path is a valid module path and version a semantic version for it.

    InvalidPath for the path; InvalidVersion (with ``path`` set) when the version is
    not semver or its major version does not match the path's suffix.
    """
    check_path(path)
    if not semver.is_valid(version):
        raise InvalidVersion(version, "not a semantic version", path=path)
    try:
        check_path_major(version, split_path_version(path)[1])
    except InvalidVersion as err:
        raise InvalidVersion(version, err.reason, path=path) from None


# --- major-version suffixes -------------------------------------------------------------


def split_path_version(path: str) -> tuple[str, str, bool]:
    """Return (prefix, path_major, ok) with prefix + path_major == path.

    path_major is "" or ``/vN`` with N >= 2; for ``gopkg.in/`` paths it is ``.vN`` or
    ``.vN-unstable`` for any N, and required. ok is False when the final element looks
    like a major-version suffix but is not a valid one (``/v1``, ``/v0``, ``/v2.0``,
    ``/v02``); the path is then returned whole.

    >>> split_path_version("example.com/m/v2"), split_path_version("gopkg.in/yaml.v3")
    (('example.com/m', '/v2', True), ('gopkg.in/yaml', '.v3', True))
    """
    if path.startswith("gopkg.in/"):
        return _split_gopkg_in(path)
    i = len(path)
    dot = False
    while i > 0 and (path[i - 1] in _DIGITS or path[i - 1] == "."):
        dot = dot or path[i - 1] == "."
        i -= 1
    if i <= 1 or i == len(path) or path[i - 1] != "v" or path[i - 2] != "/":
        return path, "", True
    prefix, path_major = path[: i - 2], path[i - 2 :]
    if dot or len(path_major) <= 2 or path_major[2] == "0" or path_major == "/v1":
        return path, "", False
    return prefix, path_major, True


def _split_gopkg_in(path: str) -> tuple[str, str, bool]:
    i = len(path)
    if path.endswith("-unstable"):
        i -= len("-unstable")
    while i > 0 and path[i - 1] in _DIGITS:
        i -= 1
    if i <= 1 or path[i - 1] != "v" or path[i - 2] != ".":
        # Every gopkg.in path ends in .vN.
        return path, "", False
    prefix, path_major = path[: i - 2], path[i - 2 :]
    if len(path_major) <= 2 or (path_major[2] == "0" and path_major != ".v0"):
        return path, "", False
    return prefix, path_major, True


def check_path_major(v: str, path_major: str) -> None:
    """Raise InvalidVersion unless version v fits the path's major suffix path_major.

    No suffix takes v0, v1 and ``+incompatible`` versions; ``/vN`` and ``.vN`` take
    vN. ``.v1`` (gopkg.in) also takes the ``v0.0.0-`` pseudo-versions early go
    commands wrote for it. The reason reads like ``should be v2, not v1``.
    """
    if path_major.startswith(".v") and path_major.endswith("-unstable"):
        path_major = path_major.removesuffix("-unstable")
    if v.startswith("v0.0.0-") and path_major == ".v1":
        return
    m = semver.major(v)
    if path_major == "":
        if m in ("v0", "v1") or semver.build(v) == semver.INCOMPATIBLE:
            return
        want = "v0 or v1"
    elif path_major[0] in "/.":
        if m == path_major[1:]:
            return
        want = path_major[1:]
    else:
        want = path_major
    raise InvalidVersion(v, f"should be {want}, not {m}")


def match_path_major(v: str, path_major: str) -> bool:
    """Report whether version v fits the major suffix path_major (see check_path_major)."""
    try:
        check_path_major(v, path_major)
    except InvalidVersion:
        return False
    return True


def path_major_prefix(path_major: str) -> str:
    """Return the major version that a path suffix implies: ``v2`` for ``/v2``.

    "" for no suffix (v0 or v1 allowed). Raise ValueError when path_major is not a
    suffix that :func:`split_path_version` returns, which is a caller's mistake.
    """
    if path_major == "":
        return ""
    if path_major[0] not in "/.":
        raise ValueError(f"path major suffix {path_major!r} lacks a separator")
    if path_major.startswith(".v") and path_major.endswith("-unstable"):
        path_major = path_major.removesuffix("-unstable")
    m = path_major[1:]
    if m != semver.major(m):
        raise ValueError(f"path major suffix {path_major!r} is not a valid major version")
    return m


def canonical_version(v: str) -> str:
    """Return semver.canonical(v), but keep a ``+incompatible`` suffix.

    >>> canonical_version("v2.0+incompatible"), canonical_version("v2.0.0+meta")
    ('', 'v2.0.0')
    >>> canonical_version("v2.0.0+incompatible")
    'v2.0.0+incompatible'
    """
    cv = semver.canonical(v)
    if semver.build(v) == semver.INCOMPATIBLE:
        cv += semver.INCOMPATIBLE
    return cv


def sort(mods: Iterable[ModuleVersion]) -> list[ModuleVersion]:
    """Return mods ordered as Go's module.Sort does (and go.sum lists them).

    By path, then by version; a version may carry a suffix after ``/``
    (``v1.0.0/go.mod``): the part before compares as semver, the suffix as a string.
    Versions that semver calls equal but that differ as strings end up in string
    order, where Go leaves them in no set order.
    """

    def key(m: ModuleVersion) -> tuple[str, semver.SortKey, str, str]:
        version, slash, file = m.version.partition("/")
        return (m.path, semver.sort_key(version), slash + file, version)

    return sorted(mods, key=key)


# --- escaping ---------------------------------------------------------------------------


def _escape(s: str) -> str:
    return "".join("!" + c.lower() if "A" <= c <= "Z" else c for c in s)


def _unescape(escaped: str) -> str | None:
    out: list[str] = []
    bang = False
    for c in escaped:
        if c >= "\x80":
            return None
        if bang:
            bang = False
            if not "a" <= c <= "z":
                return None
            out.append(c.upper())
        elif c == "!":
            bang = True
        elif "A" <= c <= "Z":
            return None
        else:
            out.append(c)
    return None if bang else "".join(out)


def escape_path(path: str) -> str:
    """Return module path in its case-escaped form; raise InvalidPath if it is invalid.

    >>> escape_path("github.com/GoogleCloudPlatform/omega")
    'github.com/!google!cloud!platform/omega'
    """
    check_path(path)
    return _escape(path)


def escape_version(v: str) -> str:
    """Return version v in its case-escaped form.

    Versions need not be semver, but must be valid file names without ``!``; raise
    InvalidVersion otherwise. A version with non-ASCII letters is refused too (as Go
    does, with its "internal error" text), since escaping covers ASCII only.
    """
    if _elem_problem(v, _Kind.FILE) or "!" in v:
        raise InvalidVersion(v, "disallowed version string")
    if not v.isascii():
        raise InvalidVersion(v, "internal error: inconsistency in EscapePath")
    return _escape(v)


def unescape_path(escaped: str) -> str:
    """Return the module path whose escaped form is escaped.

    Raise InvalidPath (kind "escaped module") when escaped is not a valid escaping or
    names an invalid path. Go's error has no separate reason, so ``.reason`` is Go's
    whole text: ``invalid escaped module path "..."[: malformed module path ...]``.
    """
    path = _unescape(escaped)
    if path is None:
        raise InvalidPath(
            escaped, f"invalid escaped module path {quote(escaped)}", kind="escaped module"
        )
    problem = _module_path_problem(path)
    if problem:
        raise InvalidPath(
            escaped,
            f"invalid escaped module path {quote(escaped)}: "
            f"malformed module path {quote(path)}: {problem}",
            kind="escaped module",
        )
    return path


def unescape_version(escaped: str) -> str:
    """Return the version whose escaped form is escaped.

    Raise InvalidVersion when escaped is not a valid escaping or the version is not
    a valid file name; ``.reason`` is Go's whole text (``invalid escaped version ...``).
    """
    v = _unescape(escaped)
    if v is None:
        raise InvalidVersion(escaped, f"invalid escaped version {quote(escaped)}")
    problem = _elem_problem(v, _Kind.FILE)
    if problem:
        raise InvalidVersion(escaped, f"invalid escaped version {quote(v)}: {problem}")
    return v
