"""Go's configuration as the go command resolves it: GOPROXY, GOPRIVATE, GOFLAGS and the rest.

Follows cmd/go/internal/cfg (cfg.go: EnvFile, Getenv, the GOPATH and GOMODCACHE
defaults), cmd/go/internal/modfetch (proxy.go: the GOPROXY list), x/mod's
module.MatchPrefixPatterns with path.Match, cmd/go/internal/base (goflags.go) and
cmd/internal/quoted; see https://go.dev/ref/mod#environment-variables and
https://go.dev/ref/mod#goproxy-protocol.

A value is looked up as cfg.Getenv does, first source wins:

1. the OS environment, when the value is non-empty (``GOPROXY=`` falls through);
2. the user's env file (``go env -w`` writes it): ``$GOENV``, else
   ``<user config dir>/go/env``; ``GOENV=off`` disables it;
3. ``$GOROOT/go.env``; with no Go installed, the values Go's go.env ships
   (:data:`GO_ENV_DEFAULTS`);
4. built-in defaults: GONOPROXY and GONOSUMDB default to GOPRIVATE, GOPATH to
   ``$HOME/go``, GOMODCACHE to the first GOPATH entry plus ``/pkg/mod``, GOAUTH to
   ``netrc``.

:func:`resolve` does this on values it is given; :func:`load_go_env` reads the process
environment and the two files, without running ``go``.

Text is ``str`` as Python decodes the environment (invalid UTF-8 kept with
``surrogateescape``); matching and URL escaping work on the underlying bytes, as Go's
string code does. Paths follow POSIX rules (``/`` separators, ``:`` between GOPATH
entries).
"""

from __future__ import annotations

import ipaddress
import os
import posixpath
import sys
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Literal

from goalign.errors import InputError
from goalign.strconv import decode, encode, quote, trim_space

__all__ = [
    "GO_ENV_DEFAULTS",
    "KNOWN_GOFLAGS",
    "GoEnv",
    "GoURL",
    "ProxyEntry",
    "check_gopath",
    "check_mod_cache",
    "goflag",
    "goflag_bool",
    "is_insecure",
    "is_private",
    "load_go_env",
    "match_prefix_patterns",
    "parse_env_file",
    "parse_goflags",
    "path_match",
    "proxy_list",
    "resolve",
    "user_config_dir",
    "uses_proxy",
]

# The settings $GOROOT/go.env has shipped since Go 1.21, used when no GOROOT is known.
GO_ENV_DEFAULTS: Mapping[str, str] = MappingProxyType(
    {
        "GOPROXY": "https://proxy.golang.org,direct",
        "GOSUMDB": "sum.golang.org",
        "GOTOOLCHAIN": "auto",
    }
)


# --- the effective configuration -----------------------------------------------------


@dataclass(frozen=True, slots=True)
class GoEnv:
    """The effective Go settings goalign uses, each as ``go env`` reports it.

    Built by :func:`resolve` or :func:`load_go_env`. Constructed directly, the defaults
    are those of a Go installation with nothing configured (paths left empty).
    """

    goproxy: str = GO_ENV_DEFAULTS["GOPROXY"]
    goprivate: str = ""
    gonoproxy: str = ""
    gonosumdb: str = ""
    goinsecure: str = ""
    goflags: str = ""
    gopath: str = ""
    gomodcache: str = ""
    goauth: str = "netrc"
    netrc: str = ""
    """The netrc file GOAUTH=netrc reads: ``$NETRC``, else ``~/.netrc``; "" for none."""
    gotoolchain: str = GO_ENV_DEFAULTS["GOTOOLCHAIN"]
    goenv_file: str = ""
    """The user env file consulted (``go env GOENV``); "" when disabled or unknown."""
    gosumdb: str = GO_ENV_DEFAULTS["GOSUMDB"]
    goroot: str = ""
    govcs: str = ""
    go111module: str = ""

    def proxies(self) -> list[ProxyEntry]:
        """Return the GOPROXY list in effect, with the implicit GONOPROXY entry."""
        return proxy_list(self.goproxy, self.gonoproxy)


def parse_env_file(text: str) -> dict[str, str]:
    """Return the ``KEY=VALUE`` settings of a go env file, as cmd/go reads them.

    Lines without ``=`` or not starting with ``A``-``Z`` (comments, blank lines) are
    skipped silently; nothing is trimmed or unquoted, so ``GOPROXY = x`` sets the key
    ``"GOPROXY "``. A later line overrides an earlier one.
    """
    values: dict[str, str] = {}
    for line in text.split("\n"):
        key, sep, value = line.partition("=")
        if not sep or not ("A" <= line[0] <= "Z"):
            continue
        values[key] = value
    return values


def user_config_dir(environ: Mapping[str, str], *, platform: str = sys.platform) -> str:
    """Return ``os.UserConfigDir()`` for ``environ`` on ``platform``, or "" when it fails."""
    if platform == "win32":
        return environ.get("AppData", "")
    if platform in ("darwin", "ios"):
        home = environ.get("HOME", "")
        return home + "/Library/Application Support" if home else ""
    xdg = environ.get("XDG_CONFIG_HOME", "")
    if xdg:
        # Go refuses a relative $XDG_CONFIG_HOME, and then reads no env file at all.
        return xdg if xdg.startswith("/") else ""
    home = environ.get("HOME", "")
    return home + "/.config" if home else ""


def _env_file_path(environ: Mapping[str, str], config_dir: str) -> str:
    """Return the user env file cfg.EnvFile picks, or "" for none."""
    goenv = environ.get("GOENV", "")
    if goenv == "off":
        return ""
    if goenv:
        return goenv
    return _join(config_dir, "go/env") if config_dir else ""


def resolve(
    environ: Mapping[str, str],
    *,
    user_env_file: str | None,
    goroot_env_file: str | None,
    home: str,
    config_dir: str,
) -> GoEnv:
    """Return the Go settings that follow from the given inputs, as cfg.Getenv resolves them.

    :param environ: the OS environment.
    :param user_env_file: the text of the user's env file, None when it does not exist.
        It is ignored when ``GOENV=off`` or no file name can be formed.
    :param goroot_env_file: the text of ``$GOROOT/go.env``, None when there is none (no
        Go installed): then :data:`GO_ENV_DEFAULTS` stand in for it.
    :param home: the home folder (``$HOME``), "" when unknown.
    :param config_dir: the user config folder (:func:`user_config_dir`), "" when unknown.
    """
    goenv_file = _env_file_path(environ, config_dir)
    user = parse_env_file(user_env_file) if goenv_file and user_env_file is not None else {}
    shipped = (
        parse_env_file(goroot_env_file) if goroot_env_file is not None else dict(GO_ENV_DEFAULTS)
    )
    # The user file wins over go.env (readEnvFile never lets go.env overwrite it).
    files = {**shipped, **user}

    def getenv(key: str) -> str:
        return environ.get(key, "") or files.get(key, "")

    goroot = environ.get("GOROOT", "") or (_clean(user["GOROOT"]) if user.get("GOROOT") else "")
    # go/build's default comes from the OS environment alone; cfg then lets the env file
    # override it.
    gopath = getenv("GOPATH") or _default_gopath(home, goroot)
    # GOMODCACHE is derived before the go command vets GOPATH, which then drops a
    # relative GOPATH it inferred from $HOME (one set explicitly is an error instead).
    gomodcache = getenv("GOMODCACHE") or _gopath_dir(gopath, "pkg/mod")
    if not getenv("GOPATH") and any(p and not p.startswith("/") for p in gopath.split(":")):
        gopath = ""
    goprivate = getenv("GOPRIVATE")
    return GoEnv(
        goproxy=getenv("GOPROXY"),
        goprivate=goprivate,
        gonoproxy=getenv("GONOPROXY") or goprivate,
        gonosumdb=getenv("GONOSUMDB") or goprivate,
        goinsecure=getenv("GOINSECURE"),
        goflags=getenv("GOFLAGS"),
        gopath=gopath,
        gomodcache=gomodcache,
        goauth=getenv("GOAUTH") or "netrc",
        # NETRC, like GOENV, is read from the OS environment only.
        netrc=environ.get("NETRC", "") or (_join(home, ".netrc") if home else ""),
        gotoolchain=getenv("GOTOOLCHAIN"),
        goenv_file=goenv_file,
        gosumdb=getenv("GOSUMDB"),
        goroot=goroot,
        govcs=getenv("GOVCS"),
        go111module=getenv("GO111MODULE"),
    )


def _default_gopath(home: str, goroot: str) -> str:
    """Return go/build's default GOPATH: ``$HOME/go``, unless that is GOROOT."""
    if not home:
        return ""
    default = _join(home, "go")
    if goroot and default == _clean(goroot):
        return ""
    return default


def _gopath_dir(gopath: str, rel: str) -> str:
    """Return ``rel`` inside the first GOPATH entry, or "" when that entry is empty."""
    first = gopath.split(":")[0] if gopath else ""
    return _join(first, rel) if first else ""


def _clean(path: str) -> str:
    """Return ``path`` cleaned as Go's filepath.Clean does on POSIX."""
    if not path:
        return "."
    cleaned = posixpath.normpath(path)
    # POSIX lets normpath keep a leading "//"; Go never does.
    return "/" + cleaned.lstrip("/") if cleaned.startswith("//") else cleaned


def _join(*elems: str) -> str:
    """Return the non-empty ``elems`` joined and cleaned, as filepath.Join; "" if none."""
    parts = [e for e in elems if e]
    return _clean("/".join(parts)) if parts else ""


def check_gopath(env: GoEnv) -> None:
    """Raise InputError, with Go's message, for a GOPATH every go command refuses.

    Each non-empty entry must be absolute and not start with ``~``; Go skips the check
    when GOPATH is GOROOT (it only warns).
    """
    if env.goroot and _clean(env.gopath) == _clean(env.goroot):
        return
    for entry in env.gopath.split(":") if env.gopath else []:
        if not entry:
            continue
        if entry.startswith("~"):
            raise InputError(
                f"GOPATH entry cannot start with shell metacharacter '~': {quote(entry)}"
            )
        if not entry.startswith("/"):
            raise InputError(
                f"GOPATH entry is relative; must be absolute path: {quote(entry)}",
                hint="see 'go help gopath'",
            )


def check_mod_cache(env: GoEnv) -> None:
    """Raise InputError, with Go's message, when GOMODCACHE cannot be used."""
    if not env.gomodcache:
        raise InputError("module cache not found: neither GOMODCACHE nor GOPATH is set")
    if not env.gomodcache.startswith("/"):
        raise InputError(
            f"GOMODCACHE entry is relative; must be absolute path: {quote(env.gomodcache)}"
        )


# --- reading the environment ---------------------------------------------------------


def load_go_env(environ: Mapping[str, str] | None = None) -> GoEnv:
    """Return the Go settings of this process: its environment, env file and go.env.

    ``environ`` defaults to ``os.environ``. GOROOT is found without running ``go``: from
    the user env file or ``$GOROOT``, else there is none and Go's shipped go.env values
    apply. A missing file counts as empty; one that exists but cannot be read raises
    :class:`~goalign.errors.InputError` naming it (Go would silently skip it).
    """
    env: Mapping[str, str] = os.environ if environ is None else environ
    home = env.get("USERPROFILE", "") if sys.platform == "win32" else env.get("HOME", "")
    config_dir = user_config_dir(env)
    path = _env_file_path(env, config_dir)
    user_text = _read_optional(path) if path else None
    user = parse_env_file(user_text) if user_text is not None else {}
    # cfg.findGOROOT looks at the user file's GOROOT before the OS one.
    goroot = user.get("GOROOT", "") or env.get("GOROOT", "")
    goroot_text = _read_optional(_join(_clean(goroot), "go.env")) if goroot else None
    return resolve(
        env,
        user_env_file=user_text,
        goroot_env_file=goroot_text,
        home=home,
        config_dir=config_dir,
    )


def _read_optional(path: str) -> str | None:
    """Return the text of ``path``, or None when it does not exist."""
    try:
        with open(path, "rb") as f:
            return decode(f.read())
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as err:
        raise InputError(f"cannot read {path}: {err.strerror or err}") from err


# --- GOPRIVATE-style patterns --------------------------------------------------------


def path_match(pattern: str, name: str) -> bool:
    """Report whether ``name`` matches the shell ``pattern``, as Go's path.Match.

    ``*`` and ``?`` never match ``/``; ``[...]`` classes and ``\\`` escapes work on
    runes, other characters byte by byte. Raises InputError("syntax error in pattern")
    for a malformed pattern, found even when the match has already failed.
    """
    try:
        return _match(encode(pattern), encode(name))
    except _BadPattern:
        raise InputError("syntax error in pattern") from None


class _BadPattern(Exception):
    """A path.Match pattern is malformed."""


def _match(pattern: bytes, name: bytes) -> bool:
    while pattern:
        star, chunk, pattern = _scan_chunk(pattern)
        if star and not chunk:
            # A trailing * matches the rest of the name unless it has a "/".
            return b"/" not in name
        rest = _match_chunk(chunk, name)
        if rest is not None and (not rest or pattern):
            name = rest
            continue
        if star:
            # Try to match the chunk after skipping i+1 bytes; "*" cannot skip "/".
            matched = False
            i = 0
            while i < len(name) and name[i] != 0x2F:
                rest = _match_chunk(chunk, name[i + 1 :])
                i += 1
                if rest is not None:
                    if not pattern and rest:
                        continue
                    name = rest
                    matched = True
                    break
            if matched:
                continue
        # Report a malformed remainder of the pattern even though the match failed.
        while pattern:
            _, chunk, pattern = _scan_chunk(pattern)
            _match_chunk(chunk, b"")
        return False
    return not name


def _scan_chunk(pattern: bytes) -> tuple[bool, bytes, bytes]:
    """Split off the next chunk: optional stars, then a run without a star."""
    star = False
    while pattern[:1] == b"*":
        pattern = pattern[1:]
        star = True
    in_range = False
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == 0x5C:  # backslash: skip the escaped byte
            if i + 1 < len(pattern):
                i += 1
        elif c == 0x5B:
            in_range = True
        elif c == 0x5D:
            in_range = False
        elif c == 0x2A and not in_range:
            return star, pattern[:i], pattern[i:]
        i += 1
    return star, pattern, b""


def _match_chunk(chunk: bytes, s: bytes) -> bytes | None:
    """Return what is left of ``s`` after ``chunk`` matches its start, else None.

    Raises _BadPattern for a malformed chunk, even after the match has failed.
    """
    failed = False
    while chunk:
        failed = failed or not s
        c = chunk[0]
        if c == 0x5B:  # [ character class
            r = 0
            if not failed:
                r, n = _decode_rune(s)
                s = s[n:]
            chunk = chunk[1:]
            negated = chunk[:1] == b"^"
            if negated:
                chunk = chunk[1:]
            match = False
            nrange = 0
            while True:
                if chunk[:1] == b"]" and nrange > 0:
                    chunk = chunk[1:]
                    break
                lo, chunk = _get_esc(chunk)
                hi = lo
                if chunk[0] == 0x2D:  # -
                    hi, chunk = _get_esc(chunk[1:])
                match = match or lo <= r <= hi
                nrange += 1
            failed = failed or match == negated
        elif c == 0x3F:  # ?
            if not failed:
                failed = s[0] == 0x2F
                _, n = _decode_rune(s)
                s = s[n:]
            chunk = chunk[1:]
        else:
            if c == 0x5C:
                chunk = chunk[1:]
                if not chunk:
                    raise _BadPattern
            if not failed:
                failed = chunk[0] != s[0]
                s = s[1:]
            chunk = chunk[1:]
    return None if failed else s


def _get_esc(chunk: bytes) -> tuple[int, bytes]:
    """Return the possibly escaped rune at the start of a class and the rest."""
    if not chunk or chunk[0] in (0x2D, 0x5D):
        raise _BadPattern
    if chunk[0] == 0x5C:
        chunk = chunk[1:]
        if not chunk:
            raise _BadPattern
    r, n = _decode_rune(chunk)
    if r == 0xFFFD and n == 1:
        raise _BadPattern
    rest = chunk[n:]
    if not rest:
        raise _BadPattern
    return r, rest


def _decode_rune(b: bytes) -> tuple[int, int]:
    """Return the first rune of ``b`` and its width; (U+FFFD, 1) for invalid UTF-8."""
    lead = b[0]
    if lead < 0x80:
        return lead, 1
    width = 2 if 0xC2 <= lead <= 0xDF else 3 if 0xE0 <= lead <= 0xEF else 4
    if not 0xC2 <= lead <= 0xF4:
        return 0xFFFD, 1
    try:
        # Python's strict decoder refuses overlong forms and surrogates, as Go's does.
        return ord(b[:width].decode("utf-8")), width
    except UnicodeDecodeError:
        return 0xFFFD, 1


def match_prefix_patterns(globs: str, target: str) -> bool:
    """Report whether a leading part of ``target`` matches one of the comma-separated ``globs``.

    As x/mod's module.MatchPrefixPatterns, used for GOPRIVATE, GONOPROXY, GONOSUMDB and
    GOINSECURE: a glob with N slashes is matched with :func:`path_match` against the
    first N+1 path elements, so ``rsc.io/private`` matches ``rsc.io/private/sub`` but not
    ``rsc.io/privatex``. Empty globs and a trailing ``/`` are ignored; a malformed glob
    matches nothing.

    >>> match_prefix_patterns("*.corp.example.com", "git.corp.example.com/x/y")
    True
    """
    for glob in globs.split(","):
        glob = glob.removesuffix("/")
        if not glob:
            continue
        n = glob.count("/")
        parts = target.split("/")
        if len(parts) <= n:
            continue
        prefix = "/".join(parts[: n + 1])
        try:
            if path_match(glob, prefix):
                return True
        except InputError:
            continue
    return False


def is_private(env: GoEnv, path: str) -> bool:
    """Report whether module ``path`` matches GOPRIVATE."""
    return match_prefix_patterns(env.goprivate, path)


def uses_proxy(env: GoEnv, path: str) -> bool:
    """Report whether module ``path`` may be fetched from a proxy (it misses GONOPROXY)."""
    return not match_prefix_patterns(env.gonoproxy, path)


def is_insecure(env: GoEnv, path: str) -> bool:
    """Report whether module ``path`` matches GOINSECURE (direct fetches only)."""
    return match_prefix_patterns(env.goinsecure, path)


# --- the GOPROXY list ----------------------------------------------------------------

ProxyKind = Literal["proxy", "direct", "off", "noproxy"]


@dataclass(frozen=True, slots=True)
class ProxyEntry:
    """One entry of the GOPROXY list.

    ``url`` is the proxy's base URL, or the kind itself for ``direct``, ``off`` and the
    implicit ``noproxy`` (GONOPROXY matches go direct, anything else is not found here).
    ``fall_through_on_any_error`` is True after a ``|``: then every error moves on to
    the next entry, where after ``,`` only not-found (404, 410) does.
    """

    url: str
    kind: ProxyKind = "proxy"
    fall_through_on_any_error: bool = False


def proxy_list(goproxy: str, gonoproxy: str = "") -> list[ProxyEntry]:
    """Return the entries of ``goproxy`` in order, as cmd/go's proxyList reads them.

    Entries are separated by ``,`` or ``|`` and trimmed; empty ones are skipped. ``off``
    and ``direct`` end the list (later entries are not even checked). A bare host such as
    ``localhost:8080`` gets ``https://``. Only http, https and file URLs are accepted.
    A non-empty ``gonoproxy`` (unless GOPROXY is exactly ``direct``) puts a ``noproxy``
    entry first.

    Raises InputError with Go's message for a bad URL or a list with no entries.
    """
    entries: list[ProxyEntry] = []
    if gonoproxy and goproxy != "direct":
        entries.append(ProxyEntry("noproxy", "noproxy"))
    rest = goproxy
    while rest:
        cut = min((i for i in (rest.find(","), rest.find("|")) if i >= 0), default=-1)
        if cut >= 0:
            url, fall_through, rest = rest[:cut], rest[cut] == "|", rest[cut + 1 :]
        else:
            url, fall_through, rest = rest, False, ""
        url = trim_space(url)
        if not url:
            continue
        if url == "off":
            entries.append(ProxyEntry("off", "off"))
            break
        if url == "direct":
            entries.append(ProxyEntry("direct", "direct"))
            break
        # Single words are reserved for built-in behaviours; anything with ":/" or an
        # absolute path must be a complete URL; other hosts get https://.
        if any(c in url for c in ".:/") and ":/" not in url and not url.startswith("/"):
            url = "https://" + url
        _check_proxy_url(url)
        entries.append(ProxyEntry(url, "proxy", fall_through))
    if not entries or (len(entries) == 1 and entries[0].kind == "noproxy"):
        raise InputError("GOPROXY list is not the empty string, but contains no entries")
    return entries


def _check_proxy_url(url: str) -> None:
    """Raise InputError, with Go's message, when a GOPROXY entry is not a usable URL."""
    base = GoURL.parse(url)
    redacted = base.redacted()
    if base.scheme in ("http", "https"):
        return
    if base.scheme == "file":
        if base != GoURL(scheme="file", path=base.path, raw_path=base.raw_path):
            raise InputError(f"invalid file:// proxy URL with non-path elements: {redacted}")
        return
    if not base.scheme:
        raise InputError(f"invalid proxy URL missing scheme: {redacted}")
    raise InputError(f"invalid proxy URL scheme (must be https, http, file): {redacted}")


# --- URLs as Go's net/url parses and prints them ---------------------------------------
#
# GOPROXY errors quote URLs as net/url prints them (Redacted), and netrc credentials are
# looked up by that printed form, so both follow net/url rather than urllib. The helpers
# work on "byte strings": str holding one character per byte (latin-1), so that escaping
# and slicing see exactly the bytes Go sees.

_PATH, _PATH_SEGMENT, _HOST, _ZONE, _USER_PASSWORD, _QUERY_COMPONENT, _FRAGMENT = range(7)
_HEX = "0123456789ABCDEF"


class _URLError(Exception):
    """A net/url parse failure, with Go's text."""


def _to_bytestr(text: str) -> str:
    return encode(text).decode("latin-1")


def _from_bytestr(bstr: str) -> str:
    return decode(bstr.encode("latin-1"))


def _quote_b(bstr: str) -> str:
    return quote(_from_bytestr(bstr))


def _should_escape(c: int, mode: int) -> bool:
    """Report whether byte ``c`` is escaped in the given part of a URL (net/url's table)."""
    if 0x61 <= c <= 0x7A or 0x41 <= c <= 0x5A or 0x30 <= c <= 0x39:
        return False
    ch = chr(c)
    if mode in (_HOST, _ZONE) and ch in "!$&'()*+,;=:[]<>\"":
        return False
    if ch in "-_.~":
        return False
    if ch in "$&+,/:;=?@":
        if mode == _PATH:
            return ch == "?"
        if mode == _PATH_SEGMENT:
            return ch in "/;,?"
        if mode == _USER_PASSWORD:
            return ch in "@/?:"
        if mode == _QUERY_COMPONENT:
            return True
        if mode == _FRAGMENT:
            return False
    return not (mode == _FRAGMENT and ch in "!()*")


def _is_hex(ch: str) -> bool:
    return ch in "0123456789abcdefABCDEF"


def _unescape(s: str, mode: int) -> str:
    """Return byte string ``s`` with %XX escapes decoded, or raise _URLError as Go does."""
    n = 0
    has_plus = False
    i = 0
    while i < len(s):
        c = s[i]
        if c == "%":
            n += 1
            if i + 2 >= len(s) or not _is_hex(s[i + 1]) or not _is_hex(s[i + 2]):
                raise _URLError(f"invalid URL escape {_quote_b(s[i : i + 3])}")
            # In a host, %-escapes are only for non-ASCII bytes, plus %25 before a zone.
            if mode == _HOST and int(s[i + 1], 16) < 8 and s[i : i + 3] != "%25":
                raise _URLError(f"invalid URL escape {_quote_b(s[i : i + 3])}")
            if mode == _ZONE:
                v = int(s[i + 1 : i + 3], 16)
                if s[i : i + 3] != "%25" and v != 0x20 and _should_escape(v, _HOST):
                    raise _URLError(f"invalid URL escape {_quote_b(s[i : i + 3])}")
            i += 3
        elif c == "+":
            has_plus = mode == _QUERY_COMPONENT
            i += 1
        else:
            if mode in (_HOST, _ZONE) and ord(c) < 0x80 and _should_escape(ord(c), mode):
                raise _URLError(f"invalid character {_quote_b(c)} in host name")
            i += 1
    if n == 0 and not has_plus:
        return s
    out: list[str] = []
    i = 0
    while i < len(s):
        c = s[i]
        if c == "%":
            out.append(chr(int(s[i + 1 : i + 3], 16)))
            i += 3
            continue
        out.append(" " if c == "+" and mode == _QUERY_COMPONENT else c)
        i += 1
    return "".join(out)


def _escape(s: str, mode: int) -> str:
    """Return byte string ``s`` %-escaped for the given part of a URL."""
    out: list[str] = []
    for ch in s:
        c = ord(ch)
        if ch == " " and mode == _QUERY_COMPONENT:
            out.append("+")
        elif _should_escape(c, mode):
            out.append("%" + _HEX[c >> 4] + _HEX[c & 15])
        else:
            out.append(ch)
    return "".join(out)


def _valid_encoded(s: str, mode: int) -> bool:
    """Report whether ``s`` needs no escaping to stand as a path or fragment."""
    return all(ch in "!$&'()*+,;=:@[]%" or not _should_escape(ord(ch), mode) for ch in s)


def _valid_optional_port(port: str) -> bool:
    return port == "" or (port[0] == ":" and all("0" <= c <= "9" for c in port[1:]))


def _valid_userinfo(s: str) -> bool:
    return all(c.isascii() and (c.isalnum() or c in "-._:~!$&'()*+,;=%@") for c in s)


@dataclass(frozen=True, slots=True)
class GoURL:
    """A URL as Go's net/url parses it; ``str()`` prints it as ``URL.String`` does.

    Fields hold text as Go's URL fields do: ``path`` and ``fragment`` unescaped, with
    ``raw_path`` and ``raw_fragment`` as hints of their original escaping.
    """

    scheme: str = ""
    opaque: str = ""
    username: str | None = None
    """None when the URL has no userinfo."""
    password: str | None = None
    """None when the userinfo has no ``:password`` part."""
    host: str = ""
    path: str = ""
    raw_path: str = ""
    raw_query: str = ""
    fragment: str = ""
    raw_fragment: str = ""
    force_query: bool = False
    omit_host: bool = False

    @classmethod
    def parse(cls, raw: str) -> GoURL:
        """Return ``raw`` parsed as url.Parse does; InputError with Go's message if bad."""
        braw = _to_bytestr(raw)
        before, hash_sign, frag = braw.partition("#")
        try:
            parsed = _parse(before)
        except _URLError as err:
            raise InputError(f"parse {_quote_b(before)}: {err}") from None
        if hash_sign and frag:
            try:
                fragment = _unescape(frag, _FRAGMENT)
            except _URLError as err:
                raise InputError(f"parse {_quote_b(braw)}: {err}") from None
            raw_fragment = "" if _escape(fragment, _FRAGMENT) == frag else frag
            parsed = replace(parsed, fragment=fragment, raw_fragment=raw_fragment)
        return _convert(parsed, _from_bytestr)

    def __str__(self) -> str:
        return _from_bytestr(_url_string(_convert(self, _to_bytestr)))

    def redacted(self) -> str:
        """Return the URL as ``str()`` would, with any password shown as ``xxxxx``."""
        if self.password is None:
            return str(self)
        return str(replace(self, password="xxxxx"))


def _convert(u: GoURL, fn: Callable[[str], str]) -> GoURL:
    """Return ``u`` with ``fn`` applied to every text field."""
    return replace(
        u,
        opaque=fn(u.opaque),
        username=None if u.username is None else fn(u.username),
        password=None if u.password is None else fn(u.password),
        host=fn(u.host),
        path=fn(u.path),
        raw_path=fn(u.raw_path),
        raw_query=fn(u.raw_query),
        fragment=fn(u.fragment),
        raw_fragment=fn(u.raw_fragment),
    )


def _parse(raw: str) -> GoURL:
    """Parse byte string ``raw`` (no fragment) as net/url's parse, byte-string fields."""
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in raw):
        raise _URLError("net/url: invalid control character in URL")
    if raw == "*":
        return GoURL(path="*")
    scheme, rest = _get_scheme(raw)
    scheme = scheme.lower()
    force_query = False
    raw_query = ""
    if rest.endswith("?") and rest.count("?") == 1:
        force_query = True
        rest = rest[:-1]
    else:
        rest, _, raw_query = rest.partition("?")
    if not rest.startswith("/"):
        if scheme:
            # A rootless path after a scheme is opaque (RFC 3986).
            return GoURL(scheme=scheme, opaque=rest, raw_query=raw_query, force_query=force_query)
        if ":" in rest.partition("/")[0]:
            raise _URLError("first path segment in URL cannot contain colon")
    username: str | None = None
    password: str | None = None
    host = ""
    omit_host = False
    if (scheme or not rest.startswith("///")) and rest.startswith("//"):
        authority, slash, path = rest[2:].partition("/")
        rest = slash + path
        username, password, host = _parse_authority(scheme, authority)
    elif scheme and rest.startswith("/"):
        omit_host = True
    path = _unescape(rest, _PATH)
    raw_path = "" if _escape(path, _PATH) == rest else rest
    return GoURL(
        scheme=scheme,
        username=username,
        password=password,
        host=host,
        path=path,
        raw_path=raw_path,
        raw_query=raw_query,
        force_query=force_query,
        omit_host=omit_host,
    )


def _get_scheme(raw: str) -> tuple[str, str]:
    """Split off a leading ``scheme:``; ("", raw) when there is none."""
    for i, c in enumerate(raw):
        if c.isascii() and c.isalpha():
            continue
        if c.isascii() and (c.isdigit() or c in "+-."):
            if i == 0:
                return "", raw
            continue
        if c == ":":
            if i == 0:
                raise _URLError("missing protocol scheme")
            return raw[:i], raw[i + 1 :]
        return "", raw
    return "", raw


def _parse_authority(scheme: str, authority: str) -> tuple[str | None, str | None, str]:
    """Return the username, password and host of ``userinfo@host:port``."""
    at = authority.rfind("@")
    host = _parse_host(scheme, authority[at + 1 :] if at >= 0 else authority)
    if at < 0:
        return None, None, host
    userinfo = authority[:at]
    if not _valid_userinfo(userinfo):
        raise _URLError("net/url: invalid userinfo")
    if ":" not in userinfo:
        return _unescape(userinfo, _USER_PASSWORD), None, host
    username, _, password = userinfo.partition(":")
    return _unescape(username, _USER_PASSWORD), _unescape(password, _USER_PASSWORD), host


def _parse_host(scheme: str, host: str) -> str:
    """Return ``host[:port]`` unescaped, or raise _URLError with Go's message."""
    open_bracket = host.rfind("[")
    if open_bracket > 0:
        raise _URLError("invalid IP-literal")
    if open_bracket == 0:
        close_bracket = host.rfind("]")
        if close_bracket < 0:
            raise _URLError("missing ']' in host")
        colon_port = host[close_bracket + 1 :]
        if not _valid_optional_port(colon_port):
            raise _URLError(f"invalid port {_quote_b(colon_port)} after host")
        colon_port = _unescape(colon_port, _HOST)
        hostname = host[1:close_bracket]
        zone = hostname.find("%25")
        if zone >= 0:
            hostname = _unescape(hostname[:zone], _HOST) + _unescape(hostname[zone:], _ZONE)
        else:
            hostname = _unescape(hostname, _HOST)
        _check_ip_literal(hostname)
        return "[" + hostname + "]" + colon_port
    first = host.find(":")
    if first >= 0:
        last = host.rfind(":")
        # Go 1.26 allows several colons in a host only for schemes other than http(s).
        i = first if scheme in ("http", "https") else last
        colon_port = host[i:]
        if not _valid_optional_port(colon_port):
            raise _URLError(f"invalid port {_quote_b(colon_port)} after host")
    return _unescape(host, _HOST)


def _check_ip_literal(hostname: str) -> None:
    """Raise _URLError unless ``hostname`` is an IPv6 address, as netip.ParseAddr decides.

    An IPv4 address is refused too: brackets are for IPv6 only. The reasons netip gives
    for a malformed address are approximated; the text before them is Go's.
    """
    kind = next((c for c in hostname if c in ".:%"), "")
    address, _, zone = hostname.partition("%")
    if kind == ".":
        try:
            ipaddress.IPv4Address(hostname)
        except ValueError:
            reason = "unable to parse IP"
        else:
            raise _URLError("invalid IP-literal")
    elif kind == ":":
        if "%" in hostname and not zone:
            reason = "zone must be a non-empty string"
        else:
            try:
                ipaddress.IPv6Address(address)
            except ValueError:
                reason = "unable to parse IP"
            else:
                return
    else:
        reason = "missing IPv6 address" if kind == "%" else "unable to parse IP"
    raise _URLError(f"invalid host: ParseAddr({_quote_b(hostname)}): {reason}")


def _url_string(u: GoURL) -> str:
    """Return byte-string URL ``u`` reassembled as URL.String does."""
    out: list[str] = []
    if u.scheme:
        out.append(u.scheme + ":")
    if u.opaque:
        out.append(u.opaque)
    else:
        has_user = u.username is not None
        if (u.scheme or u.host or has_user) and not (u.omit_host and not u.host and not has_user):
            if u.host or u.path or has_user:
                out.append("//")
            if u.username is not None:
                out.append(_escape(u.username, _USER_PASSWORD))
                if u.password is not None:
                    out.append(":" + _escape(u.password, _USER_PASSWORD))
                out.append("@")
            if u.host:
                out.append(_escape(u.host, _HOST))
        path = _escaped_path(u)
        if path and path[0] != "/" and u.host:
            out.append("/")
        if not out and ":" in path.partition("/")[0]:
            # A first segment with a colon would read as a scheme.
            out.append("./")
        out.append(path)
    if u.force_query or u.raw_query:
        out.append("?" + u.raw_query)
    if u.fragment:
        out.append("#" + _escaped_fragment(u))
    return "".join(out)


def _escaped_path(u: GoURL) -> str:
    if u.raw_path and _valid_encoded(u.raw_path, _PATH):
        try:
            if _unescape(u.raw_path, _PATH) == u.path:
                return u.raw_path
        except _URLError:
            pass
    if u.path == "*":
        return "*"
    return _escape(u.path, _PATH)


def _escaped_fragment(u: GoURL) -> str:
    if u.raw_fragment and _valid_encoded(u.raw_fragment, _FRAGMENT):
        try:
            if _unescape(u.raw_fragment, _FRAGMENT) == u.fragment:
                return u.raw_fragment
        except _URLError:
            pass
    return _escape(u.fragment, _FRAGMENT)


# --- GOFLAGS -------------------------------------------------------------------------

# Every flag name some go subcommand accepts (Go 1.26 and 1.27 agree): GOFLAGS may only
# hold these, and an unknown one stops every go command.
_KNOWN_GOFLAGS_TEXT = """
    C a artifacts asan asmflags bench benchmem benchtime blockprofile blockprofilerate
    buildmode buildvcs c cache changed compat compiled compiler count cover covermode
    coverpkg coverprofile cpu cpuprofile d debug-actiongraph debug-runtime-trace
    debug-trace deps diff dropexclude dropgodebug dropignore dropreplace droprequire
    dropretract droptool dropuse e exclude exec export f failfast find fix fmt fullpath
    fuzz fuzzcache fuzzminimizetime fuzztime gccgoflags gcflags go godebug i ignore
    insecure installsuffix json ldflags linkshared list m memprofile memprofilerate mod
    modcache modcacherw modfile module msan mutexprofile mutexprofilefraction n o
    outputdir overlay p parallel pgo pkgdir print r race replace require retract retracted
    reuse run short shuffle skip t tags test testcache timeout tool toolchain toolexec
    trace trimpath u use v vendor versions vet w work x
    test.artifacts test.bench test.benchmem test.benchtime test.blockprofile
    test.blockprofilerate test.count test.coverprofile test.cpu test.cpuprofile
    test.failfast test.fullpath test.fuzz test.fuzzminimizetime test.fuzztime test.list
    test.memprofile test.memprofilerate test.mutexprofile test.mutexprofilefraction
    test.outputdir test.parallel test.run test.short test.shuffle test.skip test.timeout
    test.trace test.v
"""
KNOWN_GOFLAGS: frozenset[str] = frozenset(_KNOWN_GOFLAGS_TEXT.split())

# Flags among those goalign reads that need a value: a bare "-mod" is an error.
_VALUE_GOFLAGS = frozenset({"mod", "modfile"})


def _split_quoted(s: str) -> list[str]:
    """Return ``s`` split as cmd/internal/quoted.Split: quotes only around whole fields."""
    fields: list[str] = []
    spaces = " \t\n\r"
    i = 0
    while i < len(s):
        while i < len(s) and s[i] in spaces:
            i += 1
        if i == len(s):
            break
        if s[i] in "'\"":
            q = s[i]
            end = s.find(q, i + 1)
            if end < 0:
                raise InputError(f"parsing $GOFLAGS: unterminated {q} string")
            fields.append(s[i + 1 : end])
            i = end + 1
            continue
        start = i
        while i < len(s) and s[i] not in spaces:
            i += 1
        fields.append(s[start:i])
    return fields


def parse_goflags(value: str, *, known: Collection[str] = KNOWN_GOFLAGS) -> list[str]:
    """Return the flags in a GOFLAGS value, checked as the go command checks them.

    The value splits at spaces, tabs and newlines; a field may be wrapped whole in
    single or double quotes (``'-ldflags=-s -w'``), but quotes inside a field are
    literal, so ``-ldflags='-s -w'`` is two fields. Every field must look like ``-x``,
    ``--x``, ``-x=v`` or ``--x=v`` and name a flag in ``known``.

    Raises InputError with Go's message (``parsing $GOFLAGS: non-flag "x"``) for the
    first field that fails, as the go command stops at it.
    """
    flags = _split_quoted(value)
    for f in flags:
        if not f.startswith("-") or f in ("-", "--") or f.startswith(("---", "-=", "--=")):
            raise InputError(f"parsing $GOFLAGS: non-flag {quote(f)}")
        name = f[1:]
        if name.startswith("-"):
            name = name[1:]
        name = name.partition("=")[0]
        if name not in known:
            raise InputError(f"parsing $GOFLAGS: unknown flag -{name}")
    return flags


def goflag(flags: Sequence[str], name: str) -> str | None:
    """Return the value GOFLAGS gives flag ``name`` (``-mod``, ``modfile``...), or None.

    The last setting wins, as when the go command applies them in order. A bare boolean
    flag (``-modcacherw``) gives "true"; a bare ``-mod`` or ``-modfile`` raises
    InputError, as Go's ``flag needs an argument``.
    """
    want = name.lstrip("-")
    found: str | None = None
    for f in flags:
        flag, eq, value = f.partition("=")
        if eq and not flag:
            continue
        if flag.startswith("--"):
            flag = flag[1:]
        if flag[1:] != want:
            continue
        if not eq:
            if want in _VALUE_GOFLAGS:
                raise InputError(f"flag needs an argument: {flag} (from $GOFLAGS)")
            value = "true"
        found = value
    return found


def goflag_bool(flags: Sequence[str], name: str) -> bool | None:
    """Return the boolean GOFLAGS gives flag ``name``, None when unset.

    Values are read as Go's strconv.ParseBool; any other raises InputError.
    """
    value = goflag(flags, name)
    if value is None:
        return None
    if value in ("1", "t", "T", "TRUE", "true", "True"):
        return True
    if value in ("0", "f", "F", "FALSE", "false", "False"):
        return False
    raise InputError(
        f"invalid boolean value {quote(value)} for flag -{name.lstrip('-')} "
        "(from $GOFLAGS): parse error"
    )
