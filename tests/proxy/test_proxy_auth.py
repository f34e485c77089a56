"""Credentials: .netrc entries go only to their own host, over https; GOPROXY userinfo."""

from __future__ import annotations

import base64
import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import Recorder, make_client, run, spec

from goalign.netrc import NetrcEntry
from goalign.proxy import ProxyUnavailable

from proxyserver import ProxyServer, make_cert, rel, serve

MOD = rel("example.com/a", "v1.0.0", "mod")


def basic(login: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{login}:{password}".encode()).decode()


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """A server context with a self-signed certificate, and a client context trusting it."""
    made = make_cert(tmp_path_factory.mktemp("tls"))
    if made is None:
        pytest.skip("openssl not found")
    cert, key = made
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(cert, key)
    client = ssl.create_default_context(cafile=str(cert))
    return server, client


@pytest.fixture
def tls_server(
    proxy_root: Path, tls: tuple[ssl.SSLContext, ssl.SSLContext]
) -> Iterator[ProxyServer]:
    with serve(proxy_root, tls=tls[0]) as s:
        yield s


@pytest.fixture
def other_tls_server(
    proxy_root: Path, tls: tuple[ssl.SSLContext, ssl.SSLContext]
) -> Iterator[ProxyServer]:
    with serve(proxy_root, tls=tls[0]) as s:
        yield s


def test_netrc_credentials_go_to_their_own_host_only(
    tls_server: ProxyServer,
    other_tls_server: ProxyServer,
    tls: tuple[ssl.SSLContext, ssl.SSLContext],
) -> None:
    host = f"127.0.0.1:{tls_server.port}"
    entries = [NetrcEntry(host, "me", "s3cret")]
    for server in (tls_server, other_tls_server):
        client = make_client(server.url, netrc=entries, verify=tls[1])
        assert run(client, lambda c: c.mod("example.com/a", "v1.0.0")) == (
            spec("example.com/a", "v1.0.0").mod_bytes()
        )
    assert tls_server.requests[0].headers.get("authorization") == basic("me", "s3cret")
    assert "authorization" not in other_tls_server.requests[0].headers


def test_netrc_file_from_goenv(
    tls_server: ProxyServer, tls: tuple[ssl.SSLContext, ssl.SSLContext], tmp_path: Path
) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text(f"machine 127.0.0.1:{tls_server.port} login me password pw\n")
    client = make_client(tls_server.url, goauth="netrc", netrc_file=str(netrc), verify=tls[1])
    run(client, lambda c: c.versions("example.com/b"))
    assert tls_server.requests[0].headers.get("authorization") == basic("me", "pw")
    off = make_client(tls_server.url, goauth="off", netrc_file=str(netrc), verify=tls[1])
    run(off, lambda c: c.versions("example.com/a"))
    assert "authorization" not in tls_server.requests[1].headers


def test_netrc_credentials_never_go_over_http(server: ProxyServer) -> None:
    entries = [NetrcEntry(f"127.0.0.1:{server.port}", "me", "s3cret")]
    run(make_client(server.url, netrc=entries), lambda c: c.mod("example.com/a", "v1.0.0"))
    assert "authorization" not in server.requests[0].headers


def test_goproxy_userinfo_is_sent_and_redacted(server: ProxyServer) -> None:
    from proxyserver import Fault

    url = f"http://bot:p%40ss@127.0.0.1:{server.port}"
    run(make_client(url), lambda c: c.mod("example.com/a", "v1.0.0"))
    assert server.requests[0].headers.get("authorization") == basic("bot", "p@ss")
    server.fault(MOD.replace("v1.0.0", "v1.1.0"), Fault(status=401))
    with pytest.raises(ProxyUnavailable) as caught:
        run(make_client(url), lambda c: c.mod("example.com/a", "v1.1.0"))
    assert "p%40ss" not in str(caught.value)
    assert f"http://bot:xxxxx@127.0.0.1:{server.port}/" in str(caught.value)
    assert caught.value.status == 401


def test_untrusted_certificate_is_not_retried(tls_server: ProxyServer) -> None:
    client = make_client(tls_server.url)  # the system's CAs do not know the test cert
    with pytest.raises(ProxyUnavailable, match="TLS certificate not trusted") as caught:
        run(client, lambda c: c.mod("example.com/a", "v1.0.0"))
    assert caught.value.hint is not None
    assert client.stats.retries == 0


def test_other_goauth_commands_are_reported_and_skipped() -> None:
    recorder = Recorder()
    make_client("off", goauth="git /tmp;netrc", reporter=recorder)
    assert len(recorder.warnings) == 1
    assert "git /tmp" in recorder.warnings[0]
