"""goalign.module: path checks, major suffixes, escaping, sorting; tables, properties, Go."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from goalign import module
from goalign.errors import InvalidPath, InvalidVersion
from goalign.module import ModuleVersion
from goalign.strconv import quote as go_quote
from goalign.strconv import quote_rune as go_quote_rune

from oracle import Oracle


def test_module_version() -> None:
    assert str(ModuleVersion("x.com/m", "v1.0.0")) == "x.com/m@v1.0.0"
    assert str(ModuleVersion("x.com/m")) == "x.com/m"
    assert ModuleVersion("x.com/a", "v1") < ModuleVersion("x.com/b", "v0")


# --- path checks ------------------------------------------------------------------------

WINDOWS = "disallowed as path element component on Windows"
TILDE = "trailing tilde and digits in path element"


def _all(path: str, reason: str) -> tuple[str, str, str, str]:
    return (path, reason, reason, reason)


# path, then Go's reason for a module, an import and a file path ("" when valid).
PATHS: list[tuple[str, str, str, str]] = [
    ("x.y/z", "", "", ""),
    ("x.y", "", "", ""),
    ("x..y/z", "", "", ""),
    ("github.com/Azure/azure-sdk-for-go", "", "", ""),
    ("x.y/z_~-.+", "invalid char '+'", "", ""),
    _all("", "empty string"),
    _all("/x.y/z", "empty path element"),
    _all("x.y//z", "double slash"),
    _all("x.y/z/", "trailing slash"),
    _all("x.y/z/../w", 'invalid path element ".."'),
    _all("x.y/./w", 'invalid path element "."'),
    _all("x./z", "trailing dot in path element"),
    (".x/z", "leading dot in path element", "", ""),
    ("x.y/.git", "leading dot in path element", "", ""),
    ("-x.y/z", "leading dash", "leading dash", ""),
    ("x.y/-z", "", "", ""),
    ("xy/z", "missing dot in first path element", "", ""),
    ("localhost", "missing dot in first path element", "", ""),
    ("X.y/z", "invalid char 'X' in first path element", "", ""),
    ("x_y.z/w", "invalid char '_' in first path element", "", ""),
    ("x.y~/z", "invalid char '~' in first path element", "", ""),
    _all("x.y:80/z", "invalid char ':'"),
    ("x.y/z!", "invalid char '!'", "invalid char '!'", ""),
    ("x.y/a b", "invalid char ' '", "invalid char ' '", ""),
    ("x.y/a#$%&()=@[]^{},", "invalid char '#'", "invalid char '#'", ""),
    ("x.y/é", "invalid char 'é'", "invalid char 'é'", ""),
    ("x.y/испытание", "invalid char 'и'", "invalid char 'и'", ""),
    _all("x.y/☺", "invalid char '☺'"),
    _all("x.y/a\x00", "invalid char '\\x00'"),
    _all("x.y/a\t", "invalid char '\\t'"),
    _all('x.y/a"', "invalid char '\"'"),
    _all("x.y/a'", "invalid char '\\''"),
    _all("x.y/a\\b", "invalid char '\\\\'"),
    _all("x.y/a*", "invalid char '*'"),
    _all("x.y/a\u200b", "invalid char '\\u200b'"),
    _all("x.y/a\u00a0", "invalid char '\\u00a0'"),
    _all("x.y/\udcff", "invalid UTF-8"),
    # Windows device names, in any case and with any extension.
    _all("x.y/aux.foo", f'"aux" {WINDOWS}'),
    _all("x.y/COM1", f'"COM1" {WINDOWS}'),
    _all("x.y/Lpt9.txt.go", f'"Lpt9" {WINDOWS}'),
    _all("x.y/nul", f'"nul" {WINDOWS}'),
    _all("con.y/z", f'"con" {WINDOWS}'),
    ("x.y/com", "", "", ""),
    ("x.y/com0", "", "", ""),
    ("x.y/prn2", "", "", ""),
    ("x.y/auxiliary", "", "", ""),
    # Windows short names: a tilde and then only digits, before the first dot.
    ("x.y/PROGRA~1", TILDE, TILDE, ""),
    ("x.y/a~1.txt", TILDE, TILDE, ""),
    ("x.y/~1", TILDE, TILDE, ""),
    ("x.y/nul~1", TILDE, TILDE, ""),
    ("x.y/a~x1", "", "", ""),
    ("x.y/a~", "", "", ""),
    ("x.y/a~1b", "", "", ""),
    ("x.y/a.b~1", "", "", ""),
    # Major-version suffixes.
    ("x.y/z/v2", "", "", ""),
    ("x.y/z/v10", "", "", ""),
    ("x.y/v2", "", "", ""),
    ("x.y/z/v", "", "", ""),
    ("x.y/zv1", "", "", ""),
    ("x.y/z/v2-unstable", "", "", ""),
    ("x.y/z/v0", "invalid version", "", ""),
    ("x.y/z/v1", "invalid version", "", ""),
    ("x.y/z/v02", "invalid version", "", ""),
    ("x.y/z/v2.0", "invalid version", "", ""),
    ("x.y/z/v1.2.3", "invalid version", "", ""),
    ("gopkg.in/yaml.v2", "", "", ""),
    ("gopkg.in/yaml.v0", "", "", ""),
    ("gopkg.in/user/pkg.v3", "", "", ""),
    ("gopkg.in/yaml.v2-unstable", "", "", ""),
    ("gopkg.in/yaml.v1-unstable", "", "", ""),
    ("gopkg.in/yaml", "invalid version", "", ""),
    ("gopkg.in/yaml.v01", "invalid version", "", ""),
    ("gopkg.in/yaml/v2", "invalid version", "", ""),
    ("gopkg.in/v2", "invalid version", "", ""),
]

CHECKS: list[tuple[str, Callable[[str], None]]] = [
    ("module", module.check_path),
    ("import", module.check_import_path),
    ("file", module.check_file_path),
]


def _reason(check: Callable[[str], None], path: str) -> str:
    try:
        check(path)
    except InvalidPath as err:
        return err.reason if err.path == path else "wrong path in the error"
    return ""


@pytest.mark.parametrize(("path", "as_module", "as_import", "as_file"), PATHS)
def test_path_checks(path: str, as_module: str, as_import: str, as_file: str) -> None:
    for (kind, check), want in zip(CHECKS, [as_module, as_import, as_file], strict=True):
        assert _reason(check, path) == want, kind
        if want:
            with pytest.raises(InvalidPath) as info:
                check(path)
            assert info.value.kind == kind


# Go's %q, checked against strconv.Quote by hand.
@pytest.mark.parametrize(
    ("s", "quoted"),
    [
        ("abc", '"abc"'),
        ('a"b', '"a\\"b"'),
        ("a'b", '"a\'b"'),
        ("a\\b", '"a\\\\b"'),
        ("\a\b\f\n\r\t\v", '"\\a\\b\\f\\n\\r\\t\\v"'),
        ("\x00\x1f\x7f", '"\\x00\\x1f\\x7f"'),
        ("\x80\u00a0\u00ad", '"\\u0080\\u00a0\\u00ad"'),
        ("é☺😀", '"é☺😀"'),
        ("\u200b\U000e0001", '"\\u200b\\U000e0001"'),
        ("\udcff", '"\\xff"'),
        ("\ud800", '"\\xed\\xa0\\x80"'),
    ],
)
def test_go_quote(s: str, quoted: str) -> None:
    assert go_quote(s) == quoted


def test_go_quote_rune() -> None:
    assert go_quote_rune("'") == "'\\''"
    assert go_quote_rune('"') == "'\"'"
    assert go_quote_rune("é") == "'é'"


# --- major versions ------------------------------------------------------------------------


SPLITS: list[tuple[str, str, str, bool]] = [
    ("x.y/z", "x.y/z", "", True),
    ("x.y/z/v2", "x.y/z", "/v2", True),
    ("x.y/z/v3", "x.y/z", "/v3", True),
    ("x.y/z/v123", "x.y/z", "/v123", True),
    ("x.y/v", "x.y/v", "", True),
    ("x.y/z/v", "x.y/z/v", "", True),
    ("v2", "v2", "", True),
    ("/v2", "", "/v2", True),
    ("x.y/z/v1", "x.y/z/v1", "", False),
    ("x.y/z/v0", "x.y/z/v0", "", False),
    ("x.y/z/v02", "x.y/z/v02", "", False),
    ("x.y/z/v2.0", "x.y/z/v2.0", "", False),
    ("x.y/z/v.2", "x.y/z/v.2", "", False),
    ("x.y/z2", "x.y/z2", "", True),
    ("gopkg.in/yaml.v0", "gopkg.in/yaml", ".v0", True),
    ("gopkg.in/yaml.v1", "gopkg.in/yaml", ".v1", True),
    ("gopkg.in/yaml.v2", "gopkg.in/yaml", ".v2", True),
    ("gopkg.in/yaml.v3-unstable", "gopkg.in/yaml", ".v3-unstable", True),
    ("gopkg.in/yaml.v03", "gopkg.in/yaml.v03", "", False),
    ("gopkg.in/yaml", "gopkg.in/yaml", "", False),
    ("gopkg.in/yaml/v2", "gopkg.in/yaml/v2", "", False),
    ("gopkg.in/yaml.v", "gopkg.in/yaml.v", "", False),
]


@pytest.mark.parametrize(("path", "prefix", "path_major", "ok"), SPLITS)
def test_split_path_version(path: str, prefix: str, path_major: str, ok: bool) -> None:
    assert module.split_path_version(path) == (prefix, path_major, ok)


@pytest.mark.parametrize(
    ("v", "path_major", "reason"),
    [
        ("v0.0.0", "", ""),
        ("v1.9.0", "", ""),
        ("v2.0.0", "", "should be v0 or v1, not v2"),
        ("v2.0.0+incompatible", "", ""),
        ("v2.0.0+meta", "", "should be v0 or v1, not v2"),
        ("v2.0.0", "/v2", ""),
        ("v2.0.0+incompatible", "/v2", ""),
        ("v1.0.0", "/v2", "should be v2, not v1"),
        ("v3.1.0", "/v2", "should be v2, not v3"),
        ("v0.0.0", "/v2", "should be v2, not v0"),
        ("bad", "/v2", "should be v2, not "),
        ("v0.0.0", ".v0", ""),
        ("v1.0.0", ".v1", ""),
        ("v1.0.0", ".v1-unstable", ""),
        ("v0.8.0", ".v1", "should be v1, not v0"),
        # Early go commands wrote v0 pseudo-versions for gopkg.in .v1 paths.
        ("v0.0.0-20160102150405-abcdef123456", ".v1", ""),
        ("v0.0.0-anything", ".v1", ""),
        ("v0.0.0-20160102150405-abcdef123456", ".v2", "should be v2, not v0"),
        ("v2.0.0", ".v2", ""),
        ("v3.0.0", ".v2-unstable", "should be v2, not v3"),
        ("v2.0.0", "v2", "should be v2, not v2"),
    ],
)
def test_check_path_major(v: str, path_major: str, reason: str) -> None:
    assert module.match_path_major(v, path_major) == (reason == "")
    if reason:
        with pytest.raises(InvalidVersion) as info:
            module.check_path_major(v, path_major)
        assert info.value.reason == reason
        assert info.value.version == v
    else:
        module.check_path_major(v, path_major)


@pytest.mark.parametrize(
    ("path_major", "prefix"),
    [("", ""), ("/v2", "v2"), (".v0", "v0"), (".v1", "v1"), (".v3-unstable", "v3")],
)
def test_path_major_prefix(path_major: str, prefix: str) -> None:
    assert module.path_major_prefix(path_major) == prefix


@pytest.mark.parametrize("bad", ["v2", "/v02", "/vx", "/v2-unstable"])
def test_path_major_prefix_rejects_non_suffixes(bad: str) -> None:
    with pytest.raises(ValueError, match="path major suffix"):
        module.path_major_prefix(bad)


@pytest.mark.parametrize(
    ("path", "version", "error", "reason"),
    [
        ("github.com/go-yaml/yaml", "v1.0.0", None, ""),
        ("github.com/go-yaml/yaml", "v2.0.0", InvalidVersion, "should be v0 or v1, not v2"),
        ("github.com/go-yaml/yaml/v2", "v2.1.5", None, ""),
        ("github.com/go-yaml/yaml/v2", "v3.0.0", InvalidVersion, "should be v2, not v3"),
        ("gopkg.in/yaml.v1", "v0.8.0", InvalidVersion, "should be v1, not v0"),
        ("gopkg.in/check.v1", "v0.0.0-20160102150405-abcdef123456", None, ""),
        ("rsc.io/quote", "v17.0.0+incompatible", None, ""),
        ("rsc.io/quote", "0.1.0", InvalidVersion, "not a semantic version"),
        ("rsc io/quote", "v1.0.0", InvalidPath, "invalid char ' '"),
        ("rscio/quote", "v1.0.0", InvalidPath, "missing dot in first path element"),
    ],
)
def test_check(path: str, version: str, error: type[Exception] | None, reason: str) -> None:
    if error is None:
        module.check(path, version)
        return
    with pytest.raises(error) as info:
        module.check(path, version)
    assert getattr(info.value, "reason", None) == reason
    if isinstance(info.value, InvalidVersion):
        assert info.value.path == path


@pytest.mark.parametrize(
    ("v", "want"),
    [
        ("v1", "v1.0.0"),
        ("v1.2.3+meta", "v1.2.3"),
        ("v2.0.0+incompatible", "v2.0.0+incompatible"),
        ("v2.0+incompatible", ""),
        ("v2.0.0-pre+incompatible", "v2.0.0-pre+incompatible"),
        ("bad", ""),
    ],
)
def test_canonical_version(v: str, want: str) -> None:
    assert module.canonical_version(v) == want


def test_sort() -> None:
    mods = [
        ModuleVersion("x.com/a", "v1.10.0/go.mod"),
        ModuleVersion("x.com/a", "v1.10.0"),
        ModuleVersion("x.com/a", "v1.9.0"),
        ModuleVersion("x.com/A", "v1.0.0"),
        ModuleVersion("x.com/a", "v1.9.0-pre/go.mod"),
        ModuleVersion("x.com/a", "bad"),
        ModuleVersion("x.com/a", ""),
        ModuleVersion("x.com/a/b", "v0.1.0"),
        ModuleVersion("x.com/a-b", "v0.1.0"),
    ]
    assert module.sort(mods) == [
        ModuleVersion("x.com/A", "v1.0.0"),
        ModuleVersion("x.com/a", ""),
        ModuleVersion("x.com/a", "bad"),
        ModuleVersion("x.com/a", "v1.9.0-pre/go.mod"),
        ModuleVersion("x.com/a", "v1.9.0"),
        ModuleVersion("x.com/a", "v1.10.0"),
        ModuleVersion("x.com/a", "v1.10.0/go.mod"),
        ModuleVersion("x.com/a-b", "v0.1.0"),
        ModuleVersion("x.com/a/b", "v0.1.0"),
    ]


# --- escaping --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "escaped"),
    [
        ("ascii.com/abcdefghijklmnopqrstuvwxyz.-/~_0123456789", None),
        ("github.com/GoogleCloudPlatform/omega", "github.com/!google!cloud!platform/omega"),
        ("github.com/Azure/azure-sdk-for-go", "github.com/!azure/azure-sdk-for-go"),
        ("github.com/Sirupsen/logrus", "github.com/!sirupsen/logrus"),
        ("x.com/ABC", "x.com/!a!b!c"),
    ],
)
def test_escape_path(path: str, escaped: str | None) -> None:
    want = escaped or path
    assert module.escape_path(path) == want
    assert module.unescape_path(want) == path


@pytest.mark.parametrize("path", [p for p, as_module, _, _ in PATHS if as_module])
def test_escape_path_rejects_invalid_paths(path: str) -> None:
    with pytest.raises(InvalidPath):
        module.escape_path(path)


@pytest.mark.parametrize(
    ("escaped", "reason"),
    [
        ("github.com/GoogleCloudPlatform/omega", 'invalid escaped module path "{e}"'),
        ("github.com/!google!cloud!platform!/omega", 'invalid escaped module path "{e}"'),
        ("github.com/!0google/omega", 'invalid escaped module path "{e}"'),
        ("github.com/!_google/omega", 'invalid escaped module path "{e}"'),
        ("github.com/!!google/omega", 'invalid escaped module path "{e}"'),
        ("github.com/omega!", 'invalid escaped module path "{e}"'),
        ("github.com/é", 'invalid escaped module path "{e}"'),
        (
            "",
            'invalid escaped module path "": malformed module path "": empty string',
        ),
        (
            "!x.com/a",
            'invalid escaped module path "{e}": malformed module path "X.com/a": '
            "invalid char 'X' in first path element",
        ),
        (
            "x.com/a/v1",
            'invalid escaped module path "{e}": malformed module path "{e}": invalid version',
        ),
    ],
)
def test_unescape_path_errors(escaped: str, reason: str) -> None:
    with pytest.raises(InvalidPath) as info:
        module.unescape_path(escaped)
    assert info.value.reason == reason.format(e=escaped)
    assert info.value.path == escaped
    assert info.value.kind == "escaped module"


@pytest.mark.parametrize(
    ("v", "escaped"),
    [
        ("v1.2.3", "v1.2.3"),
        ("v1.2.3-RC1+Build", "v1.2.3-!r!c1+!build"),
        ("master", "master"),
        ("Release 1 (final)", "!release 1 (final)"),
    ],
)
def test_escape_version(v: str, escaped: str) -> None:
    assert module.escape_version(v) == escaped
    assert module.unescape_version(escaped) == v


@pytest.mark.parametrize(
    ("v", "reason"),
    [
        ("", "disallowed version string"),
        ("v1!", "disallowed version string"),
        ("a/b", "disallowed version string"),
        ("..", "disallowed version string"),
        ("v1.", "disallowed version string"),
        ("con", "disallowed version string"),
        ("v1:2", "disallowed version string"),
        ("é", "internal error: inconsistency in EscapePath"),
    ],
)
def test_escape_version_errors(v: str, reason: str) -> None:
    with pytest.raises(InvalidVersion) as info:
        module.escape_version(v)
    assert info.value.reason == reason
    assert info.value.version == v


@pytest.mark.parametrize(
    ("escaped", "reason"),
    [
        ("v1.2.3-RC1", 'invalid escaped version "v1.2.3-RC1"'),
        ("v1!", 'invalid escaped version "v1!"'),
        ("!1", 'invalid escaped version "!1"'),
        ("é", 'invalid escaped version "é"'),
        ("", 'invalid escaped version "": empty path element'),
        ("!aux", f'invalid escaped version "Aux": "Aux" {WINDOWS}'),
        ("v1.", 'invalid escaped version "v1.": trailing dot in path element'),
    ],
)
def test_unescape_version_errors(escaped: str, reason: str) -> None:
    with pytest.raises(InvalidVersion) as info:
        module.unescape_version(escaped)
    assert info.value.reason == reason


# --- properties ---------------------------------------------------------------------------------

ELEM = st.text(alphabet="abcXYZ019-._~", min_size=1, max_size=8)
DOMAIN = st.from_regex(r"[a-z0-9][a-z0-9-]{0,5}\.[a-z]{2,4}", fullmatch=True)


@st.composite
def module_paths(draw: st.DrawFn) -> str:
    """Module path candidates: a domain, some elements, maybe a major suffix."""
    path = draw(DOMAIN) + "".join("/" + e for e in draw(st.lists(ELEM, max_size=3)))
    return path + draw(st.sampled_from(["", "", "/v2", "/v17", "/v1", ".v2"]))


@settings(max_examples=300)
@given(module_paths())
def test_escape_path_round_trip(path: str) -> None:
    try:
        module.check_path(path)
    except InvalidPath:
        with pytest.raises(InvalidPath):
            module.escape_path(path)
        return
    escaped = module.escape_path(path)
    assert not any("A" <= c <= "Z" for c in escaped)
    assert module.unescape_path(escaped) == path
    prefix, path_major, ok = module.split_path_version(path)
    assert ok
    assert prefix + path_major == path


@settings(max_examples=300)
@given(st.text(alphabet="abcXYZ019-._~+ ()é!/", min_size=1, max_size=12))
def test_escape_version_round_trip(v: str) -> None:
    try:
        escaped = module.escape_version(v)
    except InvalidVersion:
        return
    assert "!" not in v
    assert not any("A" <= c <= "Z" for c in escaped)
    assert module.unescape_version(escaped) == v


@settings(max_examples=300)
@given(st.text(max_size=12))
def test_split_path_version_adds_up(path: str) -> None:
    prefix, path_major, ok = module.split_path_version(path)
    assert prefix + path_major == path
    if not ok:
        assert path_major == ""


# --- against Go's own x/mod -----------------------------------------------------------------------


def _path_error(check: Callable[[str], None], path: str) -> str:
    try:
        check(path)
    except InvalidPath as err:
        return f"malformed {err.kind} path {go_quote(path)}: {err.reason}"
    return ""


def _result_error(fn: Callable[[str], str], arg: str) -> dict[str, str]:
    try:
        return {"result": fn(arg), "error": ""}
    except InvalidPath as err:
        if err.kind == "escaped module":
            return {"result": "", "error": err.reason}
        return {
            "result": "",
            "error": f"malformed {err.kind} path {go_quote(err.path)}: {err.reason}",
        }
    except InvalidVersion as err:
        if err.reason.startswith(("invalid escaped version", "internal error")):
            return {"result": "", "error": err.reason}
        return {"result": "", "error": f"version {go_quote(err.version)} invalid: {err.reason}"}


def _check_paths_against_go(xmod: Oracle, paths: list[str]) -> None:
    requests: list[tuple[str, dict[str, Any]]] = []
    expected: list[dict[str, Any]] = []
    for p in paths:
        for kind, check in CHECKS:
            op = "module.check_path" if kind == "module" else f"module.check_{kind}_path"
            requests.append((op, {"path": p}))
            expected.append({"error": _path_error(check, p)})
        prefix, path_major, ok = module.split_path_version(p)
        requests.append(("module.split_path_version", {"path": p}))
        expected.append({"prefix": prefix, "path_major": path_major, "ok": ok})
        for op, fn in [
            ("module.escape_path", module.escape_path),
            ("module.unescape_path", module.unescape_path),
        ]:
            requests.append((op, {"path": p}))
            expected.append(_result_error(fn, p))
        for op, fn in [
            ("module.escape_version", module.escape_version),
            ("module.unescape_version", module.unescape_version),
        ]:
            requests.append((op, {"v": p}))
            expected.append(_result_error(fn, p))
    for (op, args), want, got in zip(requests, expected, xmod.batch(requests), strict=True):
        assert got == want, (op, args)


def _sendable(s: str) -> bool:
    # JSON cannot carry lone surrogates, and characters Python's Unicode tables do not
    # know may be letters in Go's newer ones.
    return all(unicodedata.category(c) not in ("Cs", "Cn") for c in s)


@pytest.mark.go
def test_paths_against_go(xmod: Oracle) -> None:
    paths = [p for p, *_ in PATHS if _sendable(p)] + [p for p, *_ in SPLITS]
    escaped = [module.escape_path(p) for p, as_module, *_ in PATHS if not as_module]
    extra = ["github.com/!google", "x.com/!", "!", "a!b", "v1.2.3-!r!c1", "\x00", "é", "x.com/\x7f"]
    _check_paths_against_go(xmod, paths + escaped + extra)


def _path_major_error(v: str, path_major: str) -> str:
    try:
        module.check_path_major(v, path_major)
    except InvalidVersion as err:
        return f"version {go_quote(v)} invalid: {err.reason}"
    return ""


@pytest.mark.go
def test_path_major_against_go(xmod: Oracle) -> None:
    versions = ["v0.0.0", "v1.2.3", "v2.0.0", "v2.0.0+incompatible", "v3.0.0-pre", "bad", ""]
    versions += ["v0.0.0-20160102150405-abcdef123456", "v0.0.0-x", "v1.0.0+incompatible"]
    majors = ["", "/v2", "/v3", ".v0", ".v1", ".v2", ".v1-unstable", "/v2-unstable", "v2", "x"]
    requests: list[tuple[str, dict[str, Any]]] = []
    expected: list[dict[str, Any]] = []
    for v in versions:
        requests.append(("module.canonical_version", {"v": v}))
        expected.append({"result": module.canonical_version(v)})
        for pm in majors:
            requests.append(("module.check_path_major", {"v": v, "path_major": pm}))
            expected.append({"error": _path_major_error(v, pm)})
            requests.append(("module.match_path_major", {"v": v, "path_major": pm}))
            expected.append({"result": module.match_path_major(v, pm)})
    for pm in ["", "/v2", ".v0", ".v1-unstable", ".v17"]:
        requests.append(("module.path_major_prefix", {"path_major": pm}))
        expected.append({"result": module.path_major_prefix(pm)})
    for (op, args), want, got in zip(requests, expected, xmod.batch(requests), strict=True):
        assert got == want, (op, args)


PATH_TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from("abcxyzXY019.-_~+!/ :'\"\\@é☺\t"),
        st.characters(codec="utf-8", exclude_categories=["Cs", "Cn"]),
    ),
    max_size=16,
)
GOPKG_TEXT = PATH_TEXT.map(lambda s: "gopkg.in/" + s)


@pytest.mark.go
@settings(max_examples=25, deadline=None)
@given(st.lists(st.one_of(module_paths(), PATH_TEXT, GOPKG_TEXT), min_size=30))
def test_generated_paths_against_go(xmod: Oracle, paths: list[str]) -> None:
    _check_paths_against_go(xmod, [p for p in paths if _sendable(p)])
