"""The GOPROXY protocol's file names and formats, without I/O.

See https://go.dev/ref/mod#goproxy-protocol. A module's files live under its escaped
path: ``@v/list``, ``@v/<version>.info``, ``.mod`` and ``.zip``, and ``@latest``. Go's
module cache (``$GOMODCACHE/cache/download``) and goalign's own cache use the same
names, so each works as a ``file://`` proxy too.
"""

from __future__ import annotations

import json
import urllib.parse
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from goalign import module, semver
from goalign.errors import InvalidVersion

__all__ = [
    "MAX_META_BYTES",
    "MAX_ZIP_BYTES",
    "FileKind",
    "VersionInfo",
    "canonical_request",
    "latest_from_list",
    "list_versions",
    "parse_info",
    "url_path",
    "version_file",
]

FileKind = Literal["info", "mod", "zip"]

MAX_ZIP_BYTES = 500 << 20
"""The largest module zip Go accepts (codehost.MaxZipFile)."""

MAX_META_BYTES = 16 << 20
"""The largest ``.mod``, ``.info``, ``list`` or ``@latest`` reply goalign reads."""


@dataclass(frozen=True)
class VersionInfo:
    """A module version and its commit time, as a ``.info`` file or ``@latest`` tells.

    ``time`` is None when the proxy gave no time.
    """

    version: str
    time: datetime | None = None


def parse_info(data: bytes) -> VersionInfo:
    """Return the version and time a ``.info`` (or ``@latest``) reply holds.

    Raise ValueError when it is not a JSON object with a string ``Version`` and, if
    present, an RFC 3339 ``Time`` with a zone offset. Other fields (``Origin``) are
    ignored, as Go ignores them here.
    """
    try:
        obj = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ValueError(f"invalid JSON: {err}") from None
    if not isinstance(obj, dict):
        raise ValueError("invalid JSON: not an object")
    version = obj.get("Version", "")
    if not isinstance(version, str):
        raise ValueError("invalid JSON: Version is not a string")
    raw_time = obj.get("Time")
    if raw_time is None:
        return VersionInfo(version, None)
    if not isinstance(raw_time, str):
        raise ValueError("invalid JSON: Time is not a string")
    try:
        when = datetime.fromisoformat(raw_time)
    except ValueError:
        raise ValueError(f"invalid Time {raw_time!r}: not RFC 3339") from None
    if when.tzinfo is None:
        raise ValueError(f"invalid Time {raw_time!r}: no time zone")
    return VersionInfo(version, when)


def list_versions(data: bytes) -> list[str]:
    """Return the versions an ``@v/list`` reply names, as Go's proxy client lists them.

    Each line's first field counts when it is a valid semantic version that is not a
    pseudo-version; the rest of the line (a time) and every other line are ignored.
    The result is in semver order (ties by string), duplicates kept, as Go keeps them.
    """
    found = []
    for line in data.decode("utf-8", "replace").split("\n"):
        fields = line.split()
        if fields and semver.is_valid(fields[0]) and not semver.is_pseudo(fields[0]):
            found.append(fields[0])
    return semver.sort(found)


def latest_from_list(data: bytes) -> str:
    """Return the newest version an ``@v/list`` reply dates, or "" if it dates none.

    As Go's proxy client does when ``@latest`` is missing: only lines with a time, or
    pseudo-versions (dated by their timestamp), take part; the latest time wins.
    """
    best_version = ""
    best_time: datetime | None = None
    for line in data.decode("utf-8", "replace").split("\n"):
        fields = line.split()
        if not fields or not semver.is_valid(fields[0]):
            continue
        when: datetime | None = None
        if len(fields) >= 2:
            try:
                when = datetime.fromisoformat(fields[1])
            except ValueError:
                when = None
            if when is not None and when.tzinfo is None:
                when = None
        elif semver.is_pseudo(fields[0]):
            when = semver.pseudo_time(fields[0])
        if when is not None and (best_time is None or when > best_time):
            best_time, best_version = when, fields[0]
    return best_version


def canonical_request(path: str, version: str) -> None:
    """Raise unless version is a canonical version that may name a file of path.

    InvalidPath for a bad module path; InvalidVersion for a version that is not
    canonical (``v1.2``, ``v1.0.0+meta``) or does not escape to a file name. The major
    version need not match the path: Go asks proxies for such versions too and lets
    the answer decide.
    """
    module.escape_path(path)
    module.escape_version(version)
    if version != module.canonical_version(version):
        raise InvalidVersion(version, "not a canonical version", path=path)


def version_file(version: str, kind: FileKind) -> str:
    """Return the name ``@v/<escaped version>.<kind>`` of a version's file."""
    return f"@v/{module.escape_version(version)}.{kind}"


def url_path(escaped: str) -> str:
    """Return a slash-separated escaped name percent-escaped for a URL path.

    As Go's url.PathEscape with ``/`` kept: ``!`` goes out as ``%21``, while ``+`` (of
    ``+incompatible``) and ``$&:=@`` stay as they are.
    """
    return urllib.parse.quote(escaped, safe="/-._~$&+:=@")
