"""Faults over real HTTP: each ends in the right bytes or a clear ProxyError."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import h2.exceptions
import httpx
import pytest
from conftest import FAST_RETRY, Recorder, make_client, run, spec

from goalign.proxy import (
    BadResponse,
    ModuleCache,
    NotFound,
    ProxyClient,
    ProxyError,
    ProxyUnavailable,
    RetryPolicy,
    Timeouts,
)
from goalign.proxy import client as client_module

from proxyserver import Fault, ProxyServer, rel, serve

MOD = rel("example.com/a", "v1.0.0", "mod")
MOD_BYTES = spec("example.com/a", "v1.0.0").mod_bytes()


def fetch_mod(client: ProxyClient) -> bytes:
    return run(client, lambda c: c.mod("example.com/a", "v1.0.0"))


def test_server_errors_then_success(server: ProxyServer) -> None:
    server.fault(MOD, Fault(status=500, body=b"try later", times=2))
    recorder = Recorder()
    client = make_client(server.url, reporter=recorder)
    assert fetch_mod(client) == MOD_BYTES
    assert server.count(MOD) == 3
    assert client.stats.retries == 2
    assert [r[1] for r in recorder.retries] == [1, 2]
    assert "500 Internal Server Error" in recorder.retries[0][3]


def test_server_errors_that_persist(server: ProxyServer) -> None:
    server.fault(MOD, Fault(status=502, body=b"bad gateway\n\nmore\n"))
    with pytest.raises(ProxyUnavailable) as caught:
        fetch_mod(make_client(server.url))
    assert caught.value.status == 502
    assert str(caught.value) == (
        f"example.com/a@v1.0.0: reading {server.url}/{MOD}: 502 Bad Gateway "
        "(gave up after 3 attempts)\n\tserver response: bad gateway"
    )
    assert server.count(MOD) == 3


@pytest.mark.parametrize("status", [400, 401, 403, 404, 410, 501])
def test_final_statuses_are_not_retried(server: ProxyServer, status: int) -> None:
    server.fault(MOD, Fault(status=status))
    with pytest.raises(ProxyError):
        fetch_mod(make_client(server.url))
    assert server.count(MOD) == 1


def test_rate_limit_honours_retry_after_within_bounds(server: ProxyServer) -> None:
    server.fault(MOD, Fault(status=429, headers={"Retry-After": "3600"}, times=1))
    recorder = Recorder()
    client = make_client(server.url, reporter=recorder)
    assert fetch_mod(client) == MOD_BYTES
    assert recorder.retries[0][2] == FAST_RETRY.max_retry_after  # cut to the bound


def test_rate_limit_with_a_date(server: ProxyServer) -> None:
    server.fault(
        MOD, Fault(status=503, headers={"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}, times=1)
    )
    recorder = Recorder()
    assert fetch_mod(make_client(server.url, reporter=recorder)) == MOD_BYTES
    assert recorder.retries[0][2] == 0.0  # a date in the past: retry now


def test_connection_reset_then_success(server: ProxyServer) -> None:
    server.fault(MOD, Fault(reset=True, times=1))
    assert fetch_mod(make_client(server.url)) == MOD_BYTES
    assert server.count(MOD) == 2


def test_connection_reset_every_time(server: ProxyServer) -> None:
    server.fault(MOD, Fault(reset=True))
    with pytest.raises(ProxyUnavailable, match=r"connection failed: .*gave up after 3 attempts"):
        fetch_mod(make_client(server.url))


def test_stall_past_the_read_timeout_then_success(server: ProxyServer) -> None:
    server.fault(MOD, Fault(stall=10, times=1))
    client = make_client(server.url)
    assert fetch_mod(client) == MOD_BYTES
    assert client.stats.retries == 1


def test_stall_every_time_ends(server: ProxyServer) -> None:
    server.fault(MOD, Fault(stall=10))
    with pytest.raises(ProxyUnavailable, match="timed out waiting for data") as caught:
        fetch_mod(make_client(server.url))
    assert caught.value.hint is not None


def test_total_deadline_bounds_a_slow_answer(server: ProxyServer) -> None:
    """The read timeout alone would wait; the per-request deadline does not."""
    server.fault(MOD, Fault(latency=10))
    timeouts = Timeouts(connect=1, read=30, request=0.3)
    client = make_client(server.url, timeouts=timeouts, retry=RetryPolicy(attempts=1))
    with pytest.raises(ProxyUnavailable, match=r"no complete answer within 0\.3s"):
        fetch_mod(client)


def test_connection_refused(tmp_path: Path) -> None:
    with serve(tmp_path) as gone:
        url = gone.url
    with pytest.raises(ProxyUnavailable, match="cannot connect") as caught:
        fetch_mod(make_client(url))
    assert caught.value.status is None


def test_truncated_body_then_success(server: ProxyServer) -> None:
    server.fault(MOD, Fault(truncate=5, times=1))
    assert fetch_mod(make_client(server.url)) == MOD_BYTES
    assert server.count(MOD) == 2


def test_truncated_body_every_time(server: ProxyServer) -> None:
    server.fault(MOD, Fault(truncate=5))
    with pytest.raises(ProxyUnavailable, match="broken response"):
        fetch_mod(make_client(server.url))


def test_truncated_zip_is_never_cached(server: ProxyServer, cache: ModuleCache) -> None:
    target = rel("example.com/b", "v1.1.0", "zip")
    server.fault(target, Fault(truncate=100))
    with pytest.raises(ProxyUnavailable):
        run(make_client(server.url, cache=cache), lambda c: c.zip_file("example.com/b", "v1.1.0"))
    assert list(cache.root.rglob("*.zip*")) == []


def test_declared_oversize_is_refused_before_reading(server: ProxyServer) -> None:
    server.fault(MOD, Fault(oversize=64 << 20, declare_length=True))
    client = make_client(server.url, max_meta_bytes=1 << 20)
    with pytest.raises(BadResponse, match="response of 67108864 bytes is larger than"):
        fetch_mod(client)
    assert client.stats.bytes_read == 0
    assert server.count(MOD) == 1  # not retried


def test_streamed_oversize_stops_at_the_cap(server: ProxyServer) -> None:
    total = 256 << 20
    cap = 256 << 10
    server.fault(MOD, Fault(oversize=total))
    client = make_client(server.url, max_meta_bytes=cap)
    tracemalloc.start()
    try:
        with pytest.raises(BadResponse, match="larger than the 262144-byte limit"):
            fetch_mod(client)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert cap < client.stats.bytes_read <= cap + (1 << 20)
    assert peak < 16 << 20
    assert server.bytes_sent(MOD) < total // 4  # the client hung up early


def test_oversized_zip_streamed_to_the_cache_is_dropped(
    server: ProxyServer, cache: ModuleCache
) -> None:
    target = rel("example.com/b", "v1.1.0", "zip")
    server.fault(target, Fault(oversize=32 << 20))
    client = make_client(server.url, cache=cache, max_zip_bytes=1 << 20)
    with pytest.raises(BadResponse, match="larger than"):
        run(client, lambda c: c.zip_file("example.com/b", "v1.1.0"))
    assert list(cache.root.rglob("*.zip*")) == []
    assert client.stats.bytes_read <= 2 << 20


def test_error_bodies_are_quoted_as_go_quotes_them(server: ProxyServer) -> None:
    many = "".join(f"line {i}\n" for i in range(20)).encode()
    cases = {
        "example.com/a": (
            Fault(status=404, body=many),
            "\n\tline 7\n\t[Truncated: too many lines.]",
        ),
        "example.com/b": (Fault(status=404, body=b"x" * 2000), " [Truncated: too long.]"),
        "example.com/c": (Fault(status=404, body=b"bad\x1b[2Jterm"), ""),
        "example.com/d": (Fault(status=404, body=b"<h1>no</h1>", content_type="text/html"), ""),
        "example.com/e": (Fault(status=404, body=b"latin\xe9"), ""),
        "example.com/f": (
            Fault(status=404, body=b"x", content_type="text/plain; charset=iso-8859-1"),
            "",
        ),
    }
    for path, (fault, _) in cases.items():
        server.fault(rel(path, "v1.0.0", "mod"), fault)
    for path, (_, ending) in cases.items():
        with pytest.raises(NotFound) as caught:
            run(make_client(server.url), lambda c, p=path: c.mod(p, "v1.0.0"))  # type: ignore[misc]
        text = str(caught.value)
        if ending:
            assert "server response:" in text
            assert text.endswith(ending), text
        else:
            assert text.endswith("404 Not Found"), text


def test_https_to_http_redirects_are_refused() -> None:
    response = httpx.Response(
        302,
        headers={"Location": "http://insecure.example/x"},
        request=httpx.Request("GET", "https://proxy.example/a"),
    )
    client = make_client("https://proxy.example")
    proxy = client_module._parse_proxy("https://proxy.example", False)
    with pytest.raises(ProxyUnavailable, match="which goalign does not follow"):
        client._redirect(proxy, "https://proxy.example/a", response, "m@v1.0.0")


def test_redirects_are_followed(server: ProxyServer) -> None:
    server.fault(MOD, Fault(status=307, headers={"Location": "/elsewhere/v1.0.0.mod"}))
    server.fault("elsewhere/v1.0.0.mod", Fault(body=b"module example.com/a\n"))
    assert fetch_mod(make_client(server.url)) == b"module example.com/a\n"


# --- the translation boundary -------------------------------------------------------


def _httpx_exceptions() -> list[type[Exception]]:
    kinds: list[type[Exception]] = []
    for name in httpx.__all__:
        obj = getattr(httpx, name)
        if (
            isinstance(obj, type)
            and issubclass(obj, httpx.HTTPError | httpx.InvalidURL)
            and obj is not httpx.HTTPStatusError  # only raise_for_status raises it
        ):
            kinds.append(obj)
    return [*kinds, h2.exceptions.ProtocolError, h2.exceptions.StreamClosedError]


@pytest.mark.parametrize("kind", _httpx_exceptions(), ids=lambda k: k.__name__)
def test_every_httpx_exception_is_translated(kind: type[Exception]) -> None:
    err = kind(1) if kind is h2.exceptions.StreamClosedError else kind("boom")
    error, _ = client_module._translate(err, "m@v1.0.0", "https://p/m/@v/v1.0.0.mod")
    assert isinstance(error, ProxyError)
    assert str(error).startswith("m@v1.0.0: reading https://p/m/@v/v1.0.0.mod: ")


def test_transient_kinds_are_retried() -> None:
    retried: list[type[Exception]] = [
        httpx.ReadTimeout,
        httpx.ConnectError,
        httpx.ReadError,
        httpx.RemoteProtocolError,
    ]
    final: list[type[Exception]] = [
        httpx.UnsupportedProtocol,
        httpx.DecodingError,
        httpx.LocalProtocolError,
    ]
    for kind in retried + final:
        _, transient = client_module._translate(kind("x"), "m", "u")
        assert transient == (kind in retried), kind
