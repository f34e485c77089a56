"""Credentials from a netrc file, read and matched as the go command does for GOAUTH=netrc.

Follows cmd/go/internal/auth (netrc.go: parseNetrc; auth.go: runGoAuth, storeCredential,
loadCredential); see https://go.dev/ref/mod#private-module-proxy-auth. Go's reader is
simpler than Python's :mod:`netrc` module, and goalign must send what Go would send:

- tokens are read in pairs on each line (``machine x login y password z``); a line's
  odd last token is dropped, and an entry is complete once it has all three values;
- ``macdef`` skips the following lines up to an empty one; ``default`` alone at the end
  of a line's pairs stops the file; quotes and ``account`` mean nothing;
- credentials are sent over https only, to the first URL prefix, trimmed at each ``/``,
  that names a machine: ``example.com:8443`` needs an entry for ``example.com:8443``;
- when a machine appears twice, the first entry wins.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from goalign.errors import InputError
from goalign.goenv import GoURL
from goalign.strconv import decode, fields, trim_space

__all__ = [
    "NetrcEntry",
    "credentials_for",
    "goauth_uses_netrc",
    "load_netrc",
    "parse_goauth",
    "parse_netrc",
]


@dataclass(frozen=True, slots=True)
class NetrcEntry:
    """One complete netrc entry: a machine with its login and password."""

    machine: str
    login: str
    password: str


def parse_netrc(text: str) -> list[NetrcEntry]:
    """Return the complete entries of netrc ``text`` in file order, as cmd/go parses it."""
    entries: list[NetrcEntry] = []
    machine = login = password = ""
    in_macro = False
    for line in text.split("\n"):
        if in_macro:
            # Only a truly empty line ends a macro ("\r" from CRLF files does not).
            if line == "":
                in_macro = False
            continue
        f = fields(line)
        i = 0
        while i < len(f) - 1:
            token, value = f[i], f[i + 1]
            if token == "machine":
                machine, login, password = value, "", ""
            elif token == "login":
                login = value
            elif token == "password":
                password = value
            elif token == "macdef":
                in_macro = True
            if machine and login and password:
                entries.append(NetrcEntry(machine, login, password))
                machine = login = password = ""
            i += 2
        if i < len(f) and f[i] == "default":
            # There can be only one default token, and it must come after every machine.
            break
    return entries


def load_netrc(path: str) -> list[NetrcEntry]:
    """Return the entries of the netrc file at ``path``; none when it is missing or "".

    Raises InputError naming the file when it exists but cannot be read.
    """
    if not path:
        return []
    try:
        with open(path, "rb") as f:
            data = f.read()
    except (FileNotFoundError, NotADirectoryError):
        return []
    except OSError as err:
        raise InputError(f"cannot read {path}: {err.strerror or err}") from err
    return parse_netrc(decode(data))


def _prefix_key(prefix: str) -> str:
    """Return a credential key as storeCredential and loadCredential form it."""
    return prefix.removeprefix("https://").removesuffix("/")


def credentials_for(entries: Iterable[NetrcEntry], url: str) -> tuple[str, str] | None:
    """Return the (login, password) Go would send with a request for ``url``, or None.

    Only https URLs get credentials. ``url`` is printed as Go's URL.String does, stripped
    of ``https://`` and one trailing ``/``, then looked up whole and trimmed back at
    each ``/`` in turn: ``https://example.com/a/b`` tries ``example.com/a/b``,
    ``example.com/a``, ``example.com``. Machine names are compared exactly, so a port
    in the URL must be in the machine name too.

    >>> creds = [NetrcEntry("example.com", "me", "secret")]
    >>> credentials_for(creds, "https://example.com/mod/@v/list")
    ('me', 'secret')
    >>> credentials_for(creds, "https://example.com:8443/mod") is None
    True
    """
    try:
        parsed = GoURL.parse(url)
    except InputError:
        return None
    if parsed.scheme != "https":
        return None
    table: dict[str, tuple[str, str]] = {}
    # Stored in reverse so that the first entry for a machine is the one kept.
    for entry in reversed(list(entries)):
        table[_prefix_key(entry.machine)] = (entry.login, entry.password)
    current = _prefix_key(str(parsed))
    while True:
        found = table.get(current)
        if found is not None:
            return found
        slash = current.rfind("/")
        if slash < 0:
            return None
        current = current[:slash]


def parse_goauth(goauth: str) -> list[list[str]]:
    """Return the commands of a GOAUTH value, each split into words, in written order.

    ``off`` gives no commands. Raises InputError with Go's message for an empty command
    or ``off`` combined with others, checking in the order the go command runs them
    (last written first).
    """
    commands = goauth.split(";")
    parsed: list[list[str]] = []
    for command in reversed(commands):
        words = fields(trim_space(command))
        if not words:
            raise InputError(f"GOAUTH encountered an empty command (GOAUTH={goauth})")
        if words[0] == "off":
            if len(commands) != 1:
                raise InputError(
                    "GOAUTH=off cannot be combined with other authentication commands "
                    f"(GOAUTH={goauth})"
                )
            return []
        parsed.append(words)
    parsed.reverse()
    return parsed


def goauth_uses_netrc(goauth: str) -> bool:
    """Report whether GOAUTH runs the ``netrc`` method (checked as :func:`parse_goauth`)."""
    return any(words[0] == "netrc" for words in parse_goauth(goauth))
