"""The GOPROXY file formats and names, without I/O."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from goalign.errors import InvalidPath, InvalidVersion
from goalign.proxy.protocol import (
    canonical_request,
    latest_from_list,
    list_versions,
    parse_info,
    url_path,
    version_file,
)

PSEUDO = "v0.0.0-20240102030405-abcdefabcdef"


def test_list_drops_pseudo_and_invalid_versions_and_sorts_as_go() -> None:
    data = (
        b"v1.10.0\nv1.2.0 2024-01-01T00:00:00Z\nnot-a-version\n\n"
        + PSEUDO.encode()
        + b"\nv1.2.0-pre\r\nv2\n  v1.0.0  \nv1.0.0\n"
    )
    assert list_versions(data) == ["v1.0.0", "v1.0.0", "v1.2.0-pre", "v1.2.0", "v1.10.0", "v2"]


def test_list_of_junk_is_empty() -> None:
    assert list_versions(b"\x00\xff\xfe binary \x01") == []
    assert list_versions(b"") == []


def test_latest_from_list_takes_the_newest_dated_line() -> None:
    data = (
        b"v1.0.0\n"  # undated tags do not count
        b"v1.1.0 2023-05-01T00:00:00Z\n"
        b"v0.0.0-20240102030405-abcdefabcdef\n"
        b"v1.2.0 not-a-time\n"
    )
    assert latest_from_list(data) == PSEUDO
    assert latest_from_list(b"v1.0.0\nv1.1.0\n") == ""


def test_parse_info() -> None:
    info = parse_info(b'{"Version":"v1.0.0","Time":"2024-01-02T03:04:05Z","Origin":{}}')
    assert info.version == "v1.0.0"
    assert info.time == datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    nanos = parse_info(b'{"Version":"v1.0.0","Time":"2024-01-02T03:04:05.123456789Z"}')
    assert nanos.time is not None
    assert nanos.time.microsecond == 123456
    assert parse_info(b'{"Version":"v1.0.0"}').time is None


@pytest.mark.parametrize(
    "data",
    [
        b'{"Version":"v1.0.0","Time":"2024-01',
        b"[]",
        b'{"Version":1}',
        b'{"Version":"v1.0.0","Time":5}',
        b'{"Version":"v1.0.0","Time":"yesterday"}',
        b'{"Version":"v1.0.0","Time":"2024-01-02T03:04:05"}',
        b"\xff\xfe",
    ],
)
def test_parse_info_refuses_bad_json(data: bytes) -> None:
    with pytest.raises(ValueError, match="invalid"):
        parse_info(data)


def test_url_path_escapes_as_go_path_escape() -> None:
    assert url_path("example.com/!upper/@v/v1.0.0-!r!c1.info") == (
        "example.com/%21upper/@v/v1.0.0-%21r%21c1.info"
    )
    assert url_path("x.com/@v/v2.0.0+incompatible.mod") == "x.com/@v/v2.0.0+incompatible.mod"
    assert url_path("a;b,c?d e") == "a%3Bb%2Cc%3Fd%20e"


def test_version_file() -> None:
    assert version_file("v1.0.0-RC1", "zip") == "@v/v1.0.0-!r!c1.zip"


@pytest.mark.parametrize(
    ("path", "version", "error"),
    [
        ("example.com/a", "v1.2", InvalidVersion),
        ("example.com/a", "v1.0.0+meta", InvalidVersion),
        ("example.com/a", "../../etc/passwd", InvalidVersion),
        ("example.com/a", "v1.0.0/../x", InvalidVersion),
        ("example.com/a", "v1!0", InvalidVersion),
        ("example.com/../a", "v1.0.0", InvalidPath),
        ("/etc/passwd", "v1.0.0", InvalidPath),
        ("Example.com/a", "v1.0.0", InvalidPath),
    ],
)
def test_canonical_request_refuses_bad_names(
    path: str, version: str, error: type[Exception]
) -> None:
    with pytest.raises(error):
        canonical_request(path, version)


def test_canonical_request_accepts_incompatible_and_any_major() -> None:
    canonical_request("example.com/d", "v2.0.0+incompatible")
    canonical_request("example.com/a", "v3.0.0")  # the proxy decides; Go asks too
