"""goalign.goenv: env precedence, env files, GOPROXY lists, patterns, GOFLAGS and URLs.

Tables first; then differential runs against the real go command (``go env -json``,
GOFLAGS and GOPROXY errors) and against Go's own path.Match, MatchPrefixPatterns,
net/url and quoted.Split, compiled into a small helper program (``go_helper``).
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from goalign import goenv
from goalign.errors import InputError
from goalign.goenv import GoEnv, GoURL, ProxyEntry

from gotool import go_env, require_go, run_go
from oracle import Oracle

# --- env files -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("", {}),
        ("GOPROXY=off\n", {"GOPROXY": "off"}),
        ("GOPROXY=off", {"GOPROXY": "off"}),
        ("# comment=x\nGOPRIVATE=a,b\n\n", {"GOPRIVATE": "a,b"}),
        ("goproxy=off\n", {}),  # must start with A-Z
        ("_X=1\n1X=2\n", {}),
        ("GOPROXY\n", {}),  # no "="
        ("GOPROXY=\n", {"GOPROXY": ""}),
        ("GOPROXY = off\n", {"GOPROXY ": " off"}),  # nothing is trimmed
        (" GOPROXY=off\n", {}),
        ("GOPROXY=a=b\n", {"GOPROXY": "a=b"}),
        ("GOPROXY='off'\n", {"GOPROXY": "'off'"}),  # nor unquoted
        ("GOPROXY=off\r\n", {"GOPROXY": "off\r"}),
        ("GOPROXY=a\nGOPROXY=b\n", {"GOPROXY": "b"}),  # the last line wins
        ("Xx=1\n", {"Xx": "1"}),
    ],
)
def test_parse_env_file(text: str, want: dict[str, str]) -> None:
    assert goenv.parse_env_file(text) == want


@pytest.mark.parametrize(
    ("environ", "platform", "want"),
    [
        ({"HOME": "/h"}, "linux", "/h/.config"),
        ({"HOME": "/h", "XDG_CONFIG_HOME": "/x"}, "linux", "/x"),
        ({"HOME": "/h", "XDG_CONFIG_HOME": "rel"}, "linux", ""),
        ({"HOME": "/h", "XDG_CONFIG_HOME": ""}, "linux", "/h/.config"),
        ({}, "linux", ""),
        ({"HOME": "/h", "XDG_CONFIG_HOME": "/x"}, "darwin", "/h/Library/Application Support"),
        ({"AppData": "C:\\Users\\u\\AppData\\Roaming"}, "win32", "C:\\Users\\u\\AppData\\Roaming"),
        ({"HOME": "/h"}, "win32", ""),
    ],
)
def test_user_config_dir(environ: dict[str, str], platform: str, want: str) -> None:
    assert goenv.user_config_dir(environ, platform=platform) == want


# --- resolve ---------------------------------------------------------------------------


def _resolve(
    environ: dict[str, str],
    user: str | None = None,
    goroot_env: str | None = None,
    home: str = "/home/u",
    config_dir: str = "/home/u/.config",
) -> GoEnv:
    return goenv.resolve(
        environ,
        user_env_file=user,
        goroot_env_file=goroot_env,
        home=home,
        config_dir=config_dir,
    )


def test_resolve_with_nothing_set_uses_go_env_defaults() -> None:
    env = _resolve({})
    assert env == GoEnv(
        goproxy="https://proxy.golang.org,direct",
        gosumdb="sum.golang.org",
        gotoolchain="auto",
        goauth="netrc",
        gopath="/home/u/go",
        gomodcache="/home/u/go/pkg/mod",
        netrc="/home/u/.netrc",
        goenv_file="/home/u/.config/go/env",
    )
    # A directly built GoEnv starts from the same Go defaults.
    assert GoEnv().goproxy == env.goproxy
    assert GoEnv().gotoolchain == "auto"


PRECEDENCE_CASES = [
    # (OS value, user file value, go.env value, expected)
    ("os", "user", "root", "os"),
    ("", "user", "root", "user"),  # an empty OS value falls through
    (None, "user", "root", "user"),
    (None, None, "root", "root"),
    ("", "", "root", ""),  # an empty user-file value still counts (go env -w GOPROXY=)
    (None, None, None, ""),
]


@pytest.mark.parametrize(("os_value", "user_value", "root_value", "want"), PRECEDENCE_CASES)
def test_precedence(
    os_value: str | None, user_value: str | None, root_value: str | None, want: str
) -> None:
    environ = {} if os_value is None else {"GOPROXY": os_value}
    user = "" if user_value is None else f"GOPROXY={user_value}\n"
    root = "GOSUMDB=x\n" if root_value is None else f"GOPROXY={root_value}\n"
    assert _resolve(environ, user, root).goproxy == want


def test_goroot_env_file_absent_means_shipped_defaults() -> None:
    assert _resolve({}, goroot_env=None).goproxy == "https://proxy.golang.org,direct"
    # A go.env that exists but sets nothing leaves the built-in empty values.
    env = _resolve({}, goroot_env="# nothing\n")
    assert (env.goproxy, env.gosumdb, env.gotoolchain) == ("", "", "")


def test_user_file_is_ignored_when_goenv_is_off() -> None:
    env = _resolve({"GOENV": "off"}, "GOPROXY=user\n")
    assert env.goproxy == "https://proxy.golang.org,direct"
    assert env.goenv_file == ""


@pytest.mark.parametrize(
    ("environ", "config_dir", "want"),
    [
        ({}, "/c", "/c/go/env"),
        ({"GOENV": "/etc/goenv"}, "/c", "/etc/goenv"),
        ({"GOENV": "rel/env"}, "/c", "rel/env"),
        ({"GOENV": ""}, "/c", "/c/go/env"),
        ({"GOENV": "off"}, "/c", ""),
        ({}, "", ""),
        ({}, "/c/", "/c/go/env"),
    ],
)
def test_goenv_file(environ: dict[str, str], config_dir: str, want: str) -> None:
    assert _resolve(environ, config_dir=config_dir).goenv_file == want


def test_user_file_without_a_name_is_ignored() -> None:
    assert _resolve({}, "GOPROXY=user\n", config_dir="").goproxy.startswith("https://")


def test_goenv_in_the_user_file_means_nothing() -> None:
    env = _resolve({}, "GOENV=off\nGOPROXY=user\n")
    assert (env.goenv_file, env.goproxy) == ("/home/u/.config/go/env", "user")


@pytest.mark.parametrize(
    ("environ", "user", "want"),
    [
        ({"GOPRIVATE": "a.com"}, "", ("a.com", "a.com", "a.com")),
        ({"GOPRIVATE": "a.com", "GONOPROXY": "b.com"}, "", ("a.com", "b.com", "a.com")),
        ({"GOPRIVATE": "a.com", "GONOPROXY": ""}, "", ("a.com", "a.com", "a.com")),
        ({"GOPRIVATE": "a.com"}, "GONOSUMDB=c.com\n", ("a.com", "a.com", "c.com")),
        ({}, "GOPRIVATE=u.com\n", ("u.com", "u.com", "u.com")),
        ({}, "GONOPROXY=n.com\n", ("", "n.com", "")),
    ],
)
def test_private_defaults(environ: dict[str, str], user: str, want: tuple[str, str, str]) -> None:
    env = _resolve(environ, user)
    assert (env.goprivate, env.gonoproxy, env.gonosumdb) == want


@pytest.mark.parametrize(
    ("environ", "user", "home", "gopath", "gomodcache"),
    [
        ({}, "", "/h", "/h/go", "/h/go/pkg/mod"),
        ({}, "", "/h/", "/h/go", "/h/go/pkg/mod"),
        ({}, "", "", "", ""),
        ({"GOPATH": "/a:/b"}, "", "/h", "/a:/b", "/a/pkg/mod"),
        ({"GOPATH": "/a/./b//c/../"}, "", "/h", "/a/./b//c/../", "/a/b/pkg/mod"),
        ({"GOPATH": ":/b"}, "", "/h", ":/b", ""),
        ({"GOPATH": "//srv/go"}, "", "/h", "//srv/go", "/srv/go/pkg/mod"),
        ({"GOMODCACHE": "/m"}, "", "/h", "/h/go", "/m"),
        ({}, "GOPATH=/u\n", "/h", "/u", "/u/pkg/mod"),
        ({"GOPATH": "/o"}, "GOPATH=/u\nGOMODCACHE=/um\n", "/h", "/o", "/um"),
        ({"GOPATH": "rel"}, "", "/h", "rel", "rel/pkg/mod"),
        # A GOPATH inferred from a relative $HOME is dropped, GOMODCACHE keeps it.
        ({}, "", "rel", "", "rel/go/pkg/mod"),
        # $HOME/go is never the default GOPATH when it is GOROOT.
        ({"GOROOT": "/h/go/"}, "", "/h", "", ""),
    ],
)
def test_gopath_and_gomodcache(
    environ: dict[str, str], user: str, home: str, gopath: str, gomodcache: str
) -> None:
    env = _resolve(environ, user, home=home)
    assert (env.gopath, env.gomodcache) == (gopath, gomodcache)


@pytest.mark.parametrize(
    ("environ", "user", "want"),
    [
        ({}, "", ""),
        ({"GOROOT": "/usr/local/go/"}, "", "/usr/local/go/"),  # as given, like Go
        ({}, "GOROOT=/opt/go/\n", "/opt/go"),
        ({"GOROOT": "/a"}, "GOROOT=/b\n", "/a"),
    ],
)
def test_goroot(environ: dict[str, str], user: str, want: str) -> None:
    assert _resolve(environ, user).goroot == want


@pytest.mark.parametrize(
    ("environ", "user", "home", "want"),
    [
        ({}, "", "/h", "/h/.netrc"),
        ({}, "", "", ""),
        ({"NETRC": "/n"}, "", "/h", "/n"),
        ({"NETRC": ""}, "", "/h", "/h/.netrc"),
        ({}, "NETRC=/n\n", "/h", "/h/.netrc"),  # only the OS environment sets NETRC
    ],
)
def test_netrc_path(environ: dict[str, str], user: str, home: str, want: str) -> None:
    assert _resolve(environ, user, home=home).netrc == want


def test_other_values() -> None:
    env = _resolve(
        {"GOAUTH": "off", "GOINSECURE": "i.com", "GOFLAGS": "-mod=mod"},
        "GOVCS=*:off\nGO111MODULE=on\nGOTOOLCHAIN=local\nGOSUMDB=off\n",
    )
    assert (env.goauth, env.goinsecure, env.goflags) == ("off", "i.com", "-mod=mod")
    assert (env.govcs, env.go111module, env.gotoolchain, env.gosumdb) == (
        "*:off",
        "on",
        "local",
        "off",
    )
    assert _resolve({"GOAUTH": ""}).goauth == "netrc"


def test_check_gopath() -> None:
    goenv.check_gopath(GoEnv(gopath="/a::/b"))
    goenv.check_gopath(GoEnv(gopath=""))
    with pytest.raises(
        InputError, match=r"^GOPATH entry is relative; must be absolute path: \"b\""
    ):
        goenv.check_gopath(GoEnv(gopath="/a:b"))
    with pytest.raises(InputError, match="cannot start with shell metacharacter '~': \"~/go\""):
        goenv.check_gopath(GoEnv(gopath="~/go"))
    goenv.check_gopath(GoEnv(gopath="rel/", goroot="rel"))  # Go only warns


def test_check_mod_cache() -> None:
    goenv.check_mod_cache(GoEnv(gomodcache="/m"))
    with pytest.raises(InputError, match="neither GOMODCACHE nor GOPATH is set"):
        goenv.check_mod_cache(GoEnv(gomodcache=""))
    with pytest.raises(InputError, match='relative; must be absolute path: "m"'):
        goenv.check_mod_cache(GoEnv(gomodcache="m"))


# --- load_go_env -----------------------------------------------------------------------


def test_load_go_env_reads_both_files(tmp_path: Path) -> None:
    (tmp_path / "cfg" / "go").mkdir(parents=True)
    (tmp_path / "cfg" / "go" / "env").write_text("GOPRIVATE=corp.com\nGOROOT=/nonexistent\n")
    goroot = tmp_path / "goroot"
    goroot.mkdir()
    (goroot / "go.env").write_text("GOPROXY=https://root.example\nGOTOOLCHAIN=local\n")
    environ = {"HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "cfg")}
    # The user file's GOROOT names a folder with no go.env: Go's shipped values apply.
    env = goenv.load_go_env(environ)
    assert (env.goprivate, env.goproxy, env.goroot) == (
        "corp.com",
        "https://proxy.golang.org,direct",
        "/nonexistent",
    )
    assert env.goenv_file == str(tmp_path / "cfg" / "go" / "env")
    (tmp_path / "cfg" / "go" / "env").write_text("GOPRIVATE=corp.com\n")
    env = goenv.load_go_env({**environ, "GOROOT": str(goroot) + "/"})
    assert (env.goproxy, env.gotoolchain) == ("https://root.example", "local")
    assert env.gopath == str(tmp_path / "go")


def test_load_go_env_without_files(tmp_path: Path) -> None:
    env = goenv.load_go_env({"HOME": str(tmp_path), "GOENV": str(tmp_path / "missing")})
    assert env.goproxy == "https://proxy.golang.org,direct"
    env = goenv.load_go_env({"GOENV": str(tmp_path / "file" / "below")})
    assert env.gopath == ""


def test_load_go_env_unreadable_file(tmp_path: Path) -> None:
    # A folder where the file should be cannot be read, whoever runs the test.
    (tmp_path / "envdir").mkdir()
    with pytest.raises(InputError, match=re.escape(str(tmp_path / "envdir"))):
        goenv.load_go_env({"GOENV": str(tmp_path / "envdir")})
    (tmp_path / "go.env").mkdir()
    with pytest.raises(InputError, match=r"go\.env"):
        goenv.load_go_env({"GOENV": "off", "GOROOT": str(tmp_path)})


def test_load_go_env_defaults_to_os_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOENV", "off")
    monkeypatch.setenv("GOPROXY", "https://from.environ")
    assert goenv.load_go_env().goproxy == "https://from.environ"


# --- patterns --------------------------------------------------------------------------

# (pattern, name, matched); None for a malformed pattern.
MATCHES: list[tuple[str, str, bool | None]] = [
    ("abc", "abc", True),
    ("*", "abc", True),
    ("*c", "abc", True),
    ("a*", "a", True),
    ("a*", "abc", True),
    ("a*", "ab/c", False),
    ("a*/b", "abc/b", True),
    ("a*/b", "a/c/b", False),
    ("a*b*c*d*e*/f", "axbxcxdxe/f", True),
    ("a*b*c*d*e*/f", "axbxcxdxexxx/f", True),
    ("a*b*c*d*e*/f", "axbxcxdxe/xxx/f", False),
    ("a*b*c*d*e*/f", "axbxcxdxexxx/fff", False),
    ("a*b?c*x", "abxbbxdbxebxczzx", True),
    ("a*b?c*x", "abxbbxdbxebxczzy", False),
    ("ab[c]", "abc", True),
    ("ab[b-d]", "abc", True),
    ("ab[e-g]", "abc", False),
    ("ab[^c]", "abc", False),
    ("ab[^b-d]", "abc", False),
    ("ab[^e-g]", "abc", True),
    ("a\\*b", "a*b", True),
    ("a\\*b", "ab", False),
    ("a?b", "a☺b", True),
    ("a[^a]b", "a☺b", True),
    ("a???b", "a☺b", False),
    ("a[^a][^a][^a]b", "a☺b", False),
    ("[a-ζ]*", "\u03b1", True),  # alpha
    ("*[a-ζ]", "A", False),
    ("a?b", "a/b", False),
    ("a*b", "a/b", False),
    ("[\\]a]", "]", True),
    ("[\\-]", "-", True),
    ("[x\\-]", "x", True),
    ("[x\\-]", "-", True),
    ("[x\\-]", "z", False),
    ("[\\-x]", "x", True),
    ("[\\-x]", "a", False),
    ("[]a]", "]", None),
    ("[-]", "-", None),
    ("[x-]", "x", None),
    ("[x-]", "z", None),
    ("[-x]", "a", None),
    ("\\", "a", None),
    ("[a-b-c]", "a", None),
    ("[", "a", None),
    ("[^", "a", None),
    ("[^bc", "a", None),
    ("a[", "a", None),
    ("a[", "ab", None),
    ("a[", "x", None),
    ("a/b[", "x", None),
    ("*x", "xxx", True),
    ("", "", True),
    ("", "a", False),
    ("*", "", True),
    ("?", "", False),
    ("a*[", "abc", None),
    ("x*[", "abc", None),  # malformed even though "x" already failed
]


@pytest.mark.parametrize(("pattern", "name", "want"), MATCHES)
def test_path_match(pattern: str, name: str, want: bool | None) -> None:
    if want is None:
        with pytest.raises(InputError, match=r"^syntax error in pattern$"):
            goenv.path_match(pattern, name)
    else:
        assert goenv.path_match(pattern, name) is want


PREFIX_MATCHES: list[tuple[str, str, bool]] = [
    ("*.corp.example.com", "git.corp.example.com/x/y", True),
    ("*.corp.example.com", "corp.example.com/x", False),
    ("rsc.io/private", "rsc.io/private", True),
    ("rsc.io/private", "rsc.io/private/sub", True),
    ("rsc.io/private", "rsc.io/privatex", False),
    ("rsc.io/private", "rsc.io", False),
    ("rsc.io/private/", "rsc.io/private/sub", True),  # one trailing "/" is dropped
    ("rsc.io/private//", "rsc.io/private/sub", False),
    ("rsc.io/*", "rsc.io/x/y", True),
    ("rsc.io/*", "rsc.io", False),
    ("rsc.io/*/y", "rsc.io/x/y/z", True),
    ("a.com,b.com", "b.com/m", True),
    (",,b.com,", "b.com/m", True),
    ("", "b.com", False),
    ("*", "anything/at/all", True),
    ("[", "a", False),  # a malformed glob matches nothing
    ("[,a.com", "a.com", True),
    ("a.com", "A.COM", False),  # case matters
    ("example.com", "example.com/", True),
    ("example.com/", "example.com/", True),
    ("/", "", False),
    ("/", "/", False),  # "/" trims to an empty glob
]


@pytest.mark.parametrize(("globs", "target", "want"), PREFIX_MATCHES)
def test_match_prefix_patterns(globs: str, target: str, want: bool) -> None:
    assert goenv.match_prefix_patterns(globs, target) is want


def test_private_proxy_insecure_helpers() -> None:
    env = GoEnv(goprivate="*.corp.com", gonoproxy="git.corp.com,x.io/m", goinsecure="x.io")
    assert goenv.is_private(env, "git.corp.com/a")
    assert not goenv.is_private(env, "github.com/a")
    assert not goenv.uses_proxy(env, "x.io/m/v2")
    assert goenv.uses_proxy(env, "api.corp.com/a")  # GONOPROXY set explicitly
    assert goenv.is_insecure(env, "x.io/anything")
    assert not goenv.is_insecure(env, "y.io/anything")


# --- the GOPROXY list ------------------------------------------------------------------


def _p(url: str, any_error: bool = False) -> ProxyEntry:
    return ProxyEntry(url, "proxy", any_error)


OFF = ProxyEntry("off", "off")
DIRECT = ProxyEntry("direct", "direct")
NOPROXY = ProxyEntry("noproxy", "noproxy")

PROXY_LISTS: list[tuple[str, str, list[ProxyEntry]]] = [
    ("https://proxy.golang.org,direct", "", [_p("https://proxy.golang.org"), DIRECT]),
    (
        "https://a.example|https://b.example",
        "",
        [_p("https://a.example", True), _p("https://b.example")],
    ),
    (
        "https://a.example,https://b.example|off",
        "",
        [_p("https://a.example"), _p("https://b.example", True), OFF],
    ),
    ("off", "", [OFF]),
    ("direct", "", [DIRECT]),
    ("off,https://a.example", "", [OFF]),
    ("direct|ftp://not.checked", "", [DIRECT]),
    (" https://a.example , ,| direct ", "", [_p("https://a.example"), DIRECT]),
    ("https://a.example|", "", [_p("https://a.example", True)]),
    ("localhost:8080", "", [_p("https://localhost:8080")]),
    ("proxy.example/sub/", "", [_p("https://proxy.example/sub/")]),
    ("file:///srv/proxy", "", [_p("file:///srv/proxy")]),
    ("FILE:///srv/proxy", "", [_p("FILE:///srv/proxy")]),
    ("file://", "", [_p("file://")]),
    ("http://u:p@h:8/p?q#f", "", [_p("http://u:p@h:8/p?q#f")]),
    ("https://a.example", "corp.com", [NOPROXY, _p("https://a.example")]),
    ("off", "corp.com", [NOPROXY, OFF]),
    ("direct", "corp.com", [DIRECT]),
    ("direct,off", "corp.com", [NOPROXY, DIRECT]),
    ("\thttps://a.example\u00a0", "", [_p("https://a.example")]),  # Go's TrimSpace
]


@pytest.mark.parametrize(("goproxy", "gonoproxy", "want"), PROXY_LISTS)
def test_proxy_list(goproxy: str, gonoproxy: str, want: list[ProxyEntry]) -> None:
    assert goenv.proxy_list(goproxy, gonoproxy) == want


EMPTY = "GOPROXY list is not the empty string, but contains no entries"
SCHEME = "invalid proxy URL scheme (must be https, http, file): "
MISSING = "invalid proxy URL missing scheme: "
FILE = "invalid file:// proxy URL with non-path elements: "

# (GOPROXY, GONOPROXY, Go's message).
PROXY_ERRORS: list[tuple[str, str, str]] = [
    ("", "", EMPTY),
    (",", "", EMPTY),
    (" , | ", "", EMPTY),
    (",", "corp.com", EMPTY),
    ("ftp://x", "", SCHEME + "ftp://x"),
    ("https://ok,ftp://x,off", "", SCHEME + "ftp://x"),
    ("foo", "", MISSING + "foo"),
    ("a|off", "", MISSING + "a"),
    ("/abs/path", "", MISSING + "/abs/path"),
    ("mailto:x", "", 'parse "https://mailto:x": invalid port ":x" after host'),
    ("mailto:/x", "", SCHEME + "mailto:/x"),
    ("git+ssh://h/x", "", SCHEME + "git+ssh://h/x"),
    ("ftp://u:secret@h/", "", SCHEME + "ftp://u:xxxxx@h/"),
    ("file://host/x", "", FILE + "file://host/x"),
    ("file:///x?q", "", FILE + "file:///x?q"),
    ("file:///x?", "", FILE + "file:///x?"),
    ("file:///x#f", "", FILE + "file:///x#f"),
    ("file:/x", "", FILE + "file:/x"),
    ("file://u@/x", "", FILE + "file://u@/x"),
    ("localhost:8080x", "", 'parse "https://localhost:8080x": invalid port ":8080x" after host'),
    ("https://a b", "", 'parse "https://a b": invalid character " " in host name'),
    ("http://u:pw@h:x/", "", 'parse "http://u:pw@h:x/": invalid port ":x" after host'),
    ("1a:b", "", 'parse "https://1a:b": invalid port ":b" after host'),
    ("file:rel", "", 'parse "https://file:rel": invalid port ":rel" after host'),
    ("%zz", "", 'parse "%zz": invalid URL escape "%zz"'),
    ("https://[::1", "", "parse \"https://[::1\": missing ']' in host"),
    ("https://h/%", "", 'parse "https://h/%": invalid URL escape "%"'),
    ("https://a:1:2", "", 'parse "https://a:1:2": invalid port ":1:2" after host'),
    ("https://x/#%zz", "", 'parse "https://x/#%zz": invalid URL escape "%zz"'),
]


@pytest.mark.parametrize(("goproxy", "gonoproxy", "message"), PROXY_ERRORS)
def test_proxy_list_errors(goproxy: str, gonoproxy: str, message: str) -> None:
    with pytest.raises(InputError) as info:
        goenv.proxy_list(goproxy, gonoproxy)
    assert info.value.message == message


def test_goenv_proxies() -> None:
    env = GoEnv(goproxy="https://p.example", gonoproxy="corp.com")
    assert env.proxies() == [NOPROXY, _p("https://p.example")]


# --- URLs ------------------------------------------------------------------------------

# (input, String(), Redacted()); String() is Go's URL.String after url.Parse.
URLS: list[tuple[str, str, str]] = [
    ("https://proxy.golang.org", "https://proxy.golang.org", "https://proxy.golang.org"),
    ("HTTPS://Host.Example/Path", "https://Host.Example/Path", "https://Host.Example/Path"),
    ("https://u:p@h/", "https://u:p@h/", "https://u:xxxxx@h/"),
    ("https://u@h/", "https://u@h/", "https://u@h/"),
    ("https://u:@h/", "https://u:@h/", "https://u:xxxxx@h/"),
    ("https://u%40x:p%3Aq@h/", "https://u%40x:p%3Aq@h/", "https://u%40x:xxxxx@h/"),
    ("https://h/a%2fb", "https://h/a%2fb", "https://h/a%2fb"),
    ("https://h/a%41", "https://h/a%41", "https://h/a%41"),  # RawPath keeps the form
    ("https://h/ä b", "https://h/%C3%A4%20b", "https://h/%C3%A4%20b"),
    ("https://h/p?q=1#frag ment", "https://h/p?q=1#frag%20ment", "https://h/p?q=1#frag%20ment"),
    ("https://h?", "https://h?", "https://h?"),
    ("https://h#", "https://h", "https://h"),
    (
        "https://[fe80::1%25en0]:8080/",
        "https://[fe80::1%25en0]:8080/",
        "https://[fe80::1%25en0]:8080/",
    ),
    ("https://héllo/", "https://h%C3%A9llo/", "https://h%C3%A9llo/"),
    ("file:///tmp/proxy", "file:///tmp/proxy", "file:///tmp/proxy"),
    ("file:/tmp", "file:/tmp", "file:/tmp"),
    ("mailto:a@b", "mailto:a@b", "mailto:a@b"),
    ("/a/b", "/a/b", "/a/b"),
    ("a/b:c", "a/b:c", "a/b:c"),
    ("//h/p", "//h/p", "//h/p"),
    ("///p", "///p", "///p"),
    ("*", "*", "*"),
    ("", "", ""),
    ("https://h/a b?c d", "https://h/a%20b?c d", "https://h/a%20b?c d"),
]


@pytest.mark.parametrize(("raw", "string", "redacted"), URLS)
def test_go_url(raw: str, string: str, redacted: str) -> None:
    u = GoURL.parse(raw)
    assert (str(u), u.redacted()) == (string, redacted)
    assert str(GoURL.parse(str(u))) == string


def test_go_url_fields() -> None:
    u = GoURL.parse("https://u:p%20w@h:80/a%2fb?q#f")
    assert (u.scheme, u.username, u.password, u.host) == ("https", "u", "p w", "h:80")
    assert (u.path, u.raw_path, u.raw_query, u.fragment) == ("/a/b", "/a%2fb", "q", "f")
    assert GoURL.parse("https://h").username is None
    assert GoURL.parse("https://u@h").password is None
    # Bytes that are not UTF-8 survive unescaping and escaping.
    assert str(GoURL.parse("https://h/%ff")) == "https://h/%ff"
    assert str(GoURL(scheme="https", host="h", path="/\udcff")) == "https://h/%FF"


URL_ERRORS: list[tuple[str, str]] = [
    ("http://h/\x7f", 'parse "http://h/\\x7f": net/url: invalid control character in URL'),
    (":x", 'parse ":x": missing protocol scheme'),
    ("a:b/c:d", ""),  # a scheme with an opaque part is fine
    ("1a:b", 'parse "1a:b": first path segment in URL cannot contain colon'),
    ("https://h[::1]", 'parse "https://h[::1]": invalid IP-literal'),
    ("https://[1.2.3.4]/", 'parse "https://[1.2.3.4]/": invalid IP-literal'),
    ("https://[::1]x/", 'parse "https://[::1]x/": invalid port "x" after host'),
    ("https://a b@h/", 'parse "https://a b@h/": net/url: invalid userinfo'),
    ("https://h%41/", 'parse "https://h%41/": invalid URL escape "%41"'),
    ("https://h%C3%A9/", ""),
    ("https://u:%zz@h/", 'parse "https://u:%zz@h/": invalid URL escape "%zz"'),
    ("https://[fe80::1%25%41]/", ""),  # a zone may escape what a host may hold
    ("https://[fe80::1%25%0A]/", 'parse "https://[fe80::1%25%0A]/": invalid URL escape "%0A"'),
    (
        "https://[fe80::1%25]/",
        'parse "https://[fe80::1%25]/": invalid host: '
        'ParseAddr("fe80::1%"): zone must be a non-empty string',
    ),
    ("https://[fe80::1%25en%200]/", ""),
    ("ftp://a:1:2", ""),  # several colons are fine outside http(s)
]


@pytest.mark.parametrize(("raw", "message"), URL_ERRORS)
def test_go_url_errors(raw: str, message: str) -> None:
    if not message:
        GoURL.parse(raw)
        return
    with pytest.raises(InputError) as info:
        GoURL.parse(raw)
    assert info.value.message == message


# --- GOFLAGS ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "want"),
    [
        ("", []),
        ("  \t\n", []),
        ("-mod=mod", ["-mod=mod"]),
        ("-mod=mod   -modcacherw", ["-mod=mod", "-modcacherw"]),
        ("--mod=mod", ["--mod=mod"]),
        ("'-ldflags=-s -w' -x", ["-ldflags=-s -w", "-x"]),
        ('"-ldflags=-s -w"', ["-ldflags=-s -w"]),
        ("'-x''-n'", ["-x", "-n"]),  # a closing quote ends the field
        ('-ldflags="-s', ['-ldflags="-s']),  # quotes inside a field are literal
        ("-tags=a,b\r-v", ["-tags=a,b", "-v"]),
        ("-test.v -test.run=X", ["-test.v", "-test.run=X"]),
        ("-mod=", ["-mod="]),
    ],
)
def test_parse_goflags(value: str, want: list[str]) -> None:
    assert goenv.parse_goflags(value) == want


GOFLAGS_ERRORS: list[tuple[str, str]] = [
    ("'-x", "parsing $GOFLAGS: unterminated ' string"),
    ('-x "-n', 'parsing $GOFLAGS: unterminated " string'),
    ("mod=mod", 'parsing $GOFLAGS: non-flag "mod=mod"'),
    ("-", 'parsing $GOFLAGS: non-flag "-"'),
    ("--", 'parsing $GOFLAGS: non-flag "--"'),
    ("---x", 'parsing $GOFLAGS: non-flag "---x"'),
    ("-=x", 'parsing $GOFLAGS: non-flag "-=x"'),
    ("--=x", 'parsing $GOFLAGS: non-flag "--=x"'),
    ("''", 'parsing $GOFLAGS: non-flag ""'),
    ("-bogus", "parsing $GOFLAGS: unknown flag -bogus"),
    ("--bogus=1", "parsing $GOFLAGS: unknown flag -bogus"),
    ("-ldflags='-s -w'", "parsing $GOFLAGS: unknown flag -w'"),
    ("-x bad -bogus", 'parsing $GOFLAGS: non-flag "bad"'),  # the first problem wins
    ("-bogus bad", "parsing $GOFLAGS: unknown flag -bogus"),
    ("-test.paniconexit0", "parsing $GOFLAGS: unknown flag -test.paniconexit0"),
    ("-mod=mod -é", "parsing $GOFLAGS: unknown flag -é"),
]


@pytest.mark.parametrize(("value", "message"), GOFLAGS_ERRORS)
def test_parse_goflags_errors(value: str, message: str) -> None:
    with pytest.raises(InputError) as info:
        goenv.parse_goflags(value)
    assert info.value.message == message


def test_parse_goflags_known() -> None:
    assert goenv.parse_goflags("-mine", known={"mine"}) == ["-mine"]
    # Only ASCII white space separates fields.
    assert goenv.parse_goflags("-x\u00a0-n", known={"x\u00a0-n"}) == ["-x\u00a0-n"]
    assert {"mod", "modcacherw", "modfile", "x", "test.v"} <= goenv.KNOWN_GOFLAGS


@pytest.mark.parametrize(
    ("flags", "name", "want"),
    [
        ([], "-mod", None),
        (["-mod=mod"], "-mod", "mod"),
        (["-mod=mod"], "mod", "mod"),
        (["--mod=vendor"], "-mod", "vendor"),
        (["-mod=mod", "-mod=readonly"], "-mod", "readonly"),  # the last wins
        (["-mod="], "-mod", ""),
        (["-modcacherw"], "-modcacherw", "true"),
        (["-modcacherw=false"], "-modcacherw", "false"),
        (["-modfile=x.mod"], "-modfile", "x.mod"),
        (["-modfile=a=b"], "-modfile", "a=b"),
        (["-modcacherw"], "-mod", None),
        (["=x", "-x"], "-mod", None),
    ],
)
def test_goflag(flags: list[str], name: str, want: str | None) -> None:
    assert goenv.goflag(flags, name) == want


def test_goflag_needs_a_value() -> None:
    with pytest.raises(InputError, match=r"^flag needs an argument: -mod \(from \$GOFLAGS\)$"):
        goenv.goflag(["--mod"], "-mod")
    with pytest.raises(InputError, match="flag needs an argument: -modfile"):
        goenv.goflag(["-modfile"], "modfile")


@pytest.mark.parametrize(
    ("flags", "want"),
    [
        ([], None),
        (["-modcacherw"], True),
        (["-modcacherw=1"], True),
        (["-modcacherw=T"], True),
        (["-modcacherw=True"], True),
        (["-modcacherw=0"], False),
        (["-modcacherw=FALSE"], False),
        (["-modcacherw", "-modcacherw=f"], False),
    ],
)
def test_goflag_bool(flags: list[str], want: bool | None) -> None:
    assert goenv.goflag_bool(flags, "-modcacherw") is want


def test_goflag_bool_error() -> None:
    with pytest.raises(InputError) as info:
        goenv.goflag_bool(["-modcacherw=yes"], "-modcacherw")
    assert info.value.message == (
        'invalid boolean value "yes" for flag -modcacherw (from $GOFLAGS): parse error'
    )


# --- against the go command ------------------------------------------------------------

ENV_KEYS = {
    "GOPROXY": "goproxy",
    "GOPRIVATE": "goprivate",
    "GONOPROXY": "gonoproxy",
    "GONOSUMDB": "gonosumdb",
    "GOINSECURE": "goinsecure",
    "GOFLAGS": "goflags",
    "GOPATH": "gopath",
    "GOMODCACHE": "gomodcache",
    "GOAUTH": "goauth",
    "GOTOOLCHAIN": "gotoolchain",
    "GOENV": "goenv_file",
    "GOSUMDB": "gosumdb",
    "GOVCS": "govcs",
    "GO111MODULE": "go111module",
}


def _check_go_env(tmp: Path, **extra: str) -> GoEnv:
    """Compare ``go env`` with load_go_env on the same environment; return the latter."""
    cwd = tmp / "cwd"
    cwd.mkdir(exist_ok=True)
    options: dict[str, Any] = dict(extra)
    reported = json.loads(run_go(["env", "-json", *ENV_KEYS, "GOROOT"], cwd, tmp, **options).stdout)
    environ = go_env(tmp, **extra)
    env = goenv.load_go_env(environ)
    ours = {key: getattr(env, name) for key, name in ENV_KEYS.items()}
    assert ours == {key: reported[key] for key in ENV_KEYS}
    if environ.get("GOROOT"):
        assert env.goroot == reported["GOROOT"]
    return env


@pytest.mark.go
def test_go_env_hermetic(tmp_path: Path) -> None:
    env = _check_go_env(tmp_path)
    assert env.goproxy == "off"


@pytest.mark.go
def test_go_env_empty_os_values_fall_through(tmp_path: Path) -> None:
    env = _check_go_env(
        tmp_path, GOPROXY="", GOSUMDB="", GOTOOLCHAIN="", GOFLAGS="", GOPATH="", GOMODCACHE=""
    )
    assert env.goproxy == "https://proxy.golang.org,direct"
    assert env.gomodcache == str(tmp_path / "go" / "pkg" / "mod")


ENV_FILE = """\
# written by hand
GOPROXY=file:///srv/proxy,off
GOSUMDB=sum.example.com
GOPRIVATE=*.corp.example.com,rsc.io/private
GONOSUMDB=nosum.example.com
GOINSECURE=first.example.com
GOINSECURE=second.example.com
GOFLAGS=-mod=mod '-ldflags=-s -w'
goproxy=lower.case.ignored
 GOVCS=leading.space:ignored
GOVCS =key.with.space
GOAUTH=off
GOPATH=/gp/one:/gp/two
GO111MODULE=on
no equals sign
GOTOOLCHAIN=local
"""


@pytest.mark.go
def test_go_env_user_file(tmp_path: Path) -> None:
    env_file = tmp_path / "goenv"
    env_file.write_text(ENV_FILE)
    env = _check_go_env(
        tmp_path,
        GOENV=str(env_file),
        GOPROXY="",
        GOSUMDB="off",  # a non-empty OS value beats the file
        GOFLAGS="",
        GOPATH="",
        GOMODCACHE="",
        GOTOOLCHAIN="",
    )
    assert (env.goproxy, env.gosumdb, env.goinsecure) == (
        "file:///srv/proxy,off",
        "off",
        "second.example.com",
    )
    assert (env.gonoproxy, env.gomodcache) == (env.goprivate, "/gp/one/pkg/mod")


@pytest.mark.go
def test_go_env_crlf_user_file(tmp_path: Path) -> None:
    env_file = tmp_path / "goenv"
    env_file.write_bytes(b"GOPRIVATE=crlf.example.com\r\nGONOPROXY=\r\n")
    env = _check_go_env(tmp_path, GOENV=str(env_file))
    assert env.goprivate == "crlf.example.com\r"
    assert env.gonoproxy == "\r"


@pytest.mark.go
@pytest.mark.parametrize(
    "extra",
    [
        {"GOPRIVATE": "a.example.com"},
        {"GOPRIVATE": "a.example.com", "GONOPROXY": "b.example.com"},
        {"GOPRIVATE": "a.example.com", "GONOSUMDB": "", "GONOPROXY": ""},
        {"GOPATH": "/a:/b", "GOMODCACHE": ""},
        {"GOPATH": "/a/./b//c/../", "GOMODCACHE": ""},
        {"GOPATH": ":/b", "GOMODCACHE": ""},
        {"GOPATH": "//double/slash", "GOMODCACHE": ""},
        {"GOPATH": "", "GOMODCACHE": "", "HOME": ""},
        {"GOAUTH": "netrc;off"},
        {"GOAUTH": ""},
    ],
    ids=lambda extra: " ".join(f"{k}={v}" for k, v in extra.items()),
)
def test_go_env_os_values(tmp_path: Path, extra: dict[str, str]) -> None:
    _check_go_env(tmp_path, **extra)


@pytest.mark.go
def test_go_env_config_dir(tmp_path: Path) -> None:
    config = tmp_path / "xdg"
    (config / "go").mkdir(parents=True)
    (config / "go" / "env").write_text("GOPROXY=file:///from/xdg\n")
    env = _check_go_env(tmp_path, GOENV="", GOPROXY="", XDG_CONFIG_HOME=str(config))
    assert env.goproxy == "file:///from/xdg"
    # Without XDG_CONFIG_HOME the file is looked for under $HOME/.config.
    (tmp_path / ".config" / "go").mkdir(parents=True)
    (tmp_path / ".config" / "go" / "env").write_text("GOPROXY=file:///from/home\n")
    env = _check_go_env(tmp_path, GOENV="", GOPROXY="", XDG_CONFIG_HOME="")
    assert env.goproxy == "file:///from/home"
    # A relative XDG_CONFIG_HOME means no user file at all.
    env = _check_go_env(tmp_path, GOENV="", GOPROXY="", XDG_CONFIG_HOME="relative")
    assert env.goenv_file == ""
    # GOENV=off ignores an existing file.
    env = _check_go_env(tmp_path, GOENV="off", GOPROXY="", XDG_CONFIG_HOME=str(config))
    assert env.goproxy == "https://proxy.golang.org,direct"


@pytest.mark.go
def test_go_env_goroot_file(tmp_path: Path) -> None:
    goroot = run_go(["env", "GOROOT"], tmp_path, tmp_path).stdout.strip()
    env_file = tmp_path / "goenv"
    # The user file beats $GOROOT/go.env; go.env fills in the rest.
    env_file.write_text("GOSUMDB=user.example.com\n")
    env = _check_go_env(
        tmp_path, GOROOT=goroot, GOENV=str(env_file), GOPROXY="", GOSUMDB="", GOTOOLCHAIN=""
    )
    assert (env.goproxy, env.gosumdb, env.gotoolchain) == (
        "https://proxy.golang.org,direct",
        "user.example.com",
        "auto",
    )


def _go_error(proc: Any) -> str:
    """Return the go command's one-line error without its ``go: `` prefix."""
    lines = proc.stderr.strip().splitlines()
    assert lines, proc.stdout
    return str(lines[0]).removeprefix("go: ")


@pytest.mark.go
@pytest.mark.parametrize(
    "value",
    [value for value, _ in GOFLAGS_ERRORS]
    + ["-mod=mod", "'-ldflags=-s -w' -x", "-test.v", "--modcacherw", "-x\r-n"],
)
def test_goflags_against_go(tmp_path: Path, value: str) -> None:
    proc = run_go(["version"], tmp_path, tmp_path, check=False, GOFLAGS=value)
    ours = _error_of(goenv.parse_goflags, value)
    if ours is None:
        assert proc.returncode == 0, proc.stderr
    else:
        assert proc.returncode != 0
        assert _go_error(proc) == ours


def _error_of(func: Callable[..., object], *args: str) -> str | None:
    """Return the message of the InputError ``func(*args)`` raises, None if it returns."""
    try:
        func(*args)
    except InputError as err:
        return err.message
    return None


@pytest.fixture
def module_dir(tmp_path: Path) -> Path:
    work = tmp_path / "m"
    work.mkdir()
    (work / "go.mod").write_text("module example.com/m\n\ngo 1.21\n")
    return work


@pytest.mark.go
@pytest.mark.parametrize(
    ("goproxy", "gonoproxy"),
    [(g, n) for g, n, _ in PROXY_ERRORS if g]
    + [
        ("off,ftp://x", ""),
        ("file:///nonexistent,off", ""),
        ("file:///nonexistent|ftp://x", ""),
        ("off", "other.example.com"),
        ("file:///a|FILE:///b,off", ""),
    ],
)
def test_proxy_list_against_go(module_dir: Path, goproxy: str, gonoproxy: str) -> None:
    proc = run_go(
        ["list", "-m", "example.com/x@v1.0.0"],
        module_dir,
        module_dir.parent,
        check=False,
        GOPROXY=goproxy,
        GONOPROXY=gonoproxy,
        GOFLAGS="-mod=mod",
        # Any attempt to reach beyond loopback panics instead of using the network.
        TESTGONETWORK="panic",
    )
    assert proc.returncode != 0
    go_message = _go_error(proc).removeprefix("example.com/x@v1.0.0: ")
    ours = _error_of(goenv.proxy_list, goproxy, gonoproxy)
    if ours is not None:
        assert go_message == ours
        return
    # The list was accepted, so Go failed later, at an entry it tried.
    assert "invalid" not in go_message, go_message
    assert "parse" not in go_message, go_message
    kinds = [e.kind for e in goenv.proxy_list(goproxy, gonoproxy) if e.kind != "noproxy"]
    if kinds == ["off"]:
        assert go_message == "module lookup disabled by GOPROXY=off"


# --- against Go's own code, compiled into a helper ----------------------------------------

HELPER_MAIN = r"""
package main

import (
	"bufio"
	"encoding/json"
	"net/url"
	"os"
	"path"
	"strings"
)

type request struct {
	Op   string            `json:"op"`
	Args map[string]string `json:"args"`
}

var _ = strings.Cut

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<26)
	out := json.NewEncoder(os.Stdout)
	for in.Scan() {
		var req request
		if err := json.Unmarshal(in.Bytes(), &req); err != nil {
			panic(err)
		}
		a := req.Args
		ans := map[string]any{}
		switch req.Op {
		case "path.match":
			ok, err := path.Match(a["pattern"], a["name"])
			ans["result"] = ok
			if err != nil {
				ans["error"] = err.Error()
			}
		case "module.match_prefix_patterns":
			ans["result"] = MatchPrefixPatterns(a["globs"], a["target"])
		case "url.parse":
			u, err := url.Parse(a["raw"])
			if err != nil {
				ans["error"] = err.Error()
				break
			}
			ans["string"] = u.String()
			ans["redacted"] = u.Redacted()
			ans["scheme"] = u.Scheme
			ans["host"] = u.Host
			ans["path"] = u.Path
		case "quoted.split":
			f, err := Split(a["s"])
			if err != nil {
				ans["error"] = err.Error()
			} else {
				ans["result"] = append([]string{}, f...)
			}
		case "netrc.parse":
			lines := [][]string{}
			for _, l := range parseNetrc(a["text"]) {
				lines = append(lines, []string{l.machine, l.login, l.password})
			}
			ans["result"] = lines
		default:
			panic("unknown op " + req.Op)
		}
		if err := out.Encode(ans); err != nil {
			panic(err)
		}
	}
}
"""


def _as_main(source: str) -> str:
    return re.sub(r"(?m)^package \w+$", "package main", source, count=1)


def build_go_helper(work: Path) -> Path:
    """Build a program that answers with Go's own path.Match, MatchPrefixPatterns,
    url.Parse, quoted.Split and cmd/go's parseNetrc (copied from the toolchain's source).
    """
    require_go()
    goroot = Path(run_go(["env", "GOROOT"], work, work).stdout.strip())
    src = goroot / "src"
    prog = work / "gohelper"
    prog.mkdir()
    module_go = (src / "cmd/vendor/golang.org/x/mod/module/module.go").read_text()
    found = re.search(r"(?ms)^func MatchPrefixPatterns\(.*?^}\n", module_go)
    netrc_go = src / "cmd/go/internal/auth/netrc.go"
    quoted_go = src / "cmd/internal/quoted/quoted.go"
    if found is None or not netrc_go.is_file() or not quoted_go.is_file():
        pytest.skip(f"Go sources needed by the helper are missing from {goroot}")
    (prog / "prefix.go").write_text(
        'package main\n\nimport (\n\t"path"\n\t"strings"\n)\n\n' + found.group(0)
    )
    (prog / "netrc.go").write_text(_as_main(netrc_go.read_text()))
    (prog / "quoted.go").write_text(_as_main(quoted_go.read_text()))
    (prog / "main.go").write_text(HELPER_MAIN)
    # The toolchain's own go line, so that the program gets the GODEBUG defaults the go
    # command has (urlstrictcolons, for one).
    version = run_go(["env", "GOVERSION"], work, work).stdout.strip().removeprefix("go")
    go_line = re.match(r"[0-9.]+", version)
    (prog / "go.mod").write_text(
        f"module goalign.test/gohelper\n\ngo {go_line.group(0) if go_line else '1.26'}\n"
    )
    run_go(["build", "-o", "gohelper", "."], prog, work)
    return prog / "gohelper"


@pytest.fixture(scope="module")
def go_helper(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Oracle]:
    """Go's own code for patterns, URLs, GOFLAGS and netrc, running (skips without Go)."""
    work = tmp_path_factory.mktemp("gohelper")
    helper = Oracle(build_go_helper(work), go_env(work))
    yield helper
    helper.close()
    shutil.rmtree(work, ignore_errors=True)


def _our_match(pattern: str, name: str) -> dict[str, Any]:
    try:
        return {"result": goenv.path_match(pattern, name)}
    except InputError as err:
        return {"result": False, "error": err.message}


@pytest.mark.go
def test_path_match_against_go(go_helper: Oracle) -> None:
    cases = [(p, n) for p, n, _ in MATCHES]
    answers = go_helper.batch([("path.match", {"pattern": p, "name": n}) for p, n in cases])
    for (p, n), got in zip(cases, answers, strict=True):
        assert _our_match(p, n) == got, (p, n)


@pytest.mark.go
def test_match_prefix_patterns_against_go(go_helper: Oracle) -> None:
    cases = [(g, t) for g, t, _ in PREFIX_MATCHES]
    answers = go_helper.batch(
        [("module.match_prefix_patterns", {"globs": g, "target": t}) for g, t in cases]
    )
    for (g, t), got in zip(cases, answers, strict=True):
        assert goenv.match_prefix_patterns(g, t) == got["result"], (g, t)


PATTERN_TEXT = st.text(alphabet=st.sampled_from("ab/*?[]^-\\é☺,."), max_size=8)
NAME_TEXT = st.text(alphabet=st.sampled_from("ab/-]\\é☺.*"), max_size=8)


@pytest.mark.go
@settings(max_examples=20, deadline=None)
@given(st.lists(st.tuples(PATTERN_TEXT, NAME_TEXT), min_size=50, max_size=50))
def test_generated_patterns_against_go(go_helper: Oracle, cases: list[tuple[str, str]]) -> None:
    requests: list[tuple[str, dict[str, Any]]] = []
    for p, n in cases:
        requests.append(("path.match", {"pattern": p, "name": n}))
        requests.append(("module.match_prefix_patterns", {"globs": p, "target": n}))
    answers = iter(go_helper.batch(requests))
    for p, n in cases:
        assert _our_match(p, n) == next(answers), (p, n)
        assert goenv.match_prefix_patterns(p, n) == next(answers)["result"], (p, n)


def _our_url(raw: str) -> dict[str, Any]:
    try:
        u = GoURL.parse(raw)
    except InputError as err:
        return {"error": err.message}
    return {
        "string": str(u),
        "redacted": u.redacted(),
        "scheme": u.scheme,
        "host": _as_json(u.host),
        "path": _as_json(u.path),
    }


def _as_json(text: str) -> str:
    """Return ``text`` as Go's JSON shows it: each byte of invalid UTF-8 as U+FFFD."""
    return "".join("\ufffd" if "\udc80" <= c <= "\udcff" else c for c in text)


URL_CORPUS = (
    [raw for raw, _, _ in URLS]
    + [raw for raw, _ in URL_ERRORS]
    + ["https://" + g for g, _, _ in PROXY_ERRORS]
    + [g for g, _, _ in PROXY_ERRORS]
    + [
        "https://h:8080:9090/",
        "http://[::1]:80:90/",
        "https://u:p@[::1]:443/x?y#z",
        "https://a@b@c/",
        "https://h/%2F%2f%20+",
        "file:///C:/x",
        "file://./rel",
        "ftp://h:/x",
        "https://h:/x",
        "x:/y",
        "./a:b",
        "https://h/a#b#c",
        "https://h/?a?b",
        "https://H%C3%A9/",
        "https://[fe80::1%25en0%25]/",
    ]
)


@pytest.mark.go
def test_urls_against_go(go_helper: Oracle) -> None:
    answers = go_helper.batch([("url.parse", {"raw": raw}) for raw in URL_CORPUS])
    for raw, got in zip(URL_CORPUS, answers, strict=True):
        assert _our_url(raw) == got, raw


URL_TEXT = st.text(alphabet=st.sampled_from("hx:/@[]%2501fFzZ?#+ é.-!"), max_size=14)


@pytest.mark.go
@settings(max_examples=20, deadline=None)
@given(st.lists(st.one_of(URL_TEXT, URL_TEXT.map(lambda s: "https://" + s)), min_size=50))
def test_generated_urls_against_go(go_helper: Oracle, raws: list[str]) -> None:
    answers = go_helper.batch([("url.parse", {"raw": raw}) for raw in raws])
    for raw, got in zip(raws, answers, strict=True):
        ours = _our_url(raw)
        if "error" in got and "ParseAddr" in got["error"]:
            # netip's reasons vary; the part before them is Go's and must agree.
            assert ours["error"].split("ParseAddr")[0] == got["error"].split("ParseAddr")[0]
            continue
        assert ours == got, raw


GOFLAGS_TEXT = st.text(alphabet=st.sampled_from("-ab='\" \t\r\n\u00a0"), max_size=12)


@pytest.mark.go
@settings(max_examples=20, deadline=None)
@given(st.lists(GOFLAGS_TEXT, min_size=50))
def test_generated_goflags_split_against_go(go_helper: Oracle, values: list[str]) -> None:
    answers = go_helper.batch([("quoted.split", {"s": v}) for v in values])
    for value, got in zip(values, answers, strict=True):
        try:
            ours: dict[str, Any] = {"result": goenv.parse_goflags(value, known=_AnyName())}
        except InputError as err:
            if "non-flag" in err.message:
                continue  # Split accepted it; the flag check is tested against go itself
            ours = {"error": err.message.removeprefix("parsing $GOFLAGS: ")}
        assert ours == got, value


class _AnyName(frozenset[str]):
    """A ``known`` set that holds every name, to test splitting alone."""

    def __contains__(self, name: object) -> bool:
        return True
