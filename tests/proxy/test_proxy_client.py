"""ProxyClient over real HTTP and file:// proxies: answers, escaping, GOPROXY lists."""

from __future__ import annotations

import asyncio
import zipfile
from io import BytesIO
from pathlib import Path

import pytest
from conftest import PSEUDO, Recorder, make_client, run, spec

from goalign.errors import InputError, InvalidPath, InvalidVersion
from goalign.proxy import (
    BadResponse,
    DirectNotSupported,
    LookupDisabled,
    ModuleCache,
    NotFound,
    ProxyClient,
    ProxyError,
    ProxyUnavailable,
)
from goalign.proxy import client as client_module

from proxyserver import Fault, ProxyServer, rel


def test_mod_info_list_zip_over_http(server: ProxyServer) -> None:
    client = make_client(server.url)

    async def ask(c: ProxyClient) -> tuple[bytes, str, list[str], bytes]:
        mod = await c.mod("example.com/a", "v1.0.0")
        info = await c.info("example.com/a", "v1.1.0")
        versions = await c.versions("example.com/b")
        zip_bytes = await c.zip("example.com/c/v2", "v2.0.0")
        return mod, info.version, versions, zip_bytes

    mod, version, versions, zip_bytes = run(client, ask)
    assert mod == spec("example.com/a", "v1.0.0").mod_bytes()
    assert version == "v1.1.0"
    assert versions == ["v1.1.0", "v1.2.0-pre", "v1.10.0"]  # no pseudo-version, semver order
    assert zip_bytes == spec("example.com/c/v2", "v2.0.0").zip_bytes()
    assert client.stats.requests == 4
    assert client.stats.bytes_read == len(mod) + len(zip_bytes) + sum(
        len((server.root / r).read_bytes())
        for r in (rel("example.com/a", "v1.1.0", "info"), rel("example.com/b"))
    )


def test_upper_case_paths_and_versions_are_escaped_on_the_wire(server: ProxyServer) -> None:
    info = run(make_client(server.url), lambda c: c.info("example.com/Upper/Mod", "v1.0.0-RC1"))
    assert info.version == "v1.0.0-RC1"
    assert [r.raw for r in server.requests] == [
        "/example.com/%21upper/%21mod/@v/v1.0.0-%21r%21c1.info"
    ]


def test_incompatible_versions_keep_their_plus(server: ProxyServer) -> None:
    data = run(make_client(server.url), lambda c: c.mod("example.com/d", "v2.0.0+incompatible"))
    assert data == b"module example.com/d\n"
    assert server.requests[0].raw == "/example.com/d/@v/v2.0.0+incompatible.mod"


def test_base_url_with_path_and_trailing_slash(server: ProxyServer) -> None:
    (server.root / "sub").symlink_to(server.root)
    data = run(make_client(server.url + "/sub/"), lambda c: c.mod("example.com/b", "v1.1.0"))
    assert data == spec("example.com/b", "v1.1.0").mod_bytes()
    assert server.requests[0].raw == "/sub/example.com/b/@v/v1.1.0.mod"


@pytest.mark.parametrize(
    ("path", "version", "error"),
    [
        ("example.com/../etc", "v1.0.0", InvalidPath),
        ("/etc/passwd", "v1.0.0", InvalidPath),
        ("example.com/a", "../../../etc/passwd", InvalidVersion),
        ("example.com/a", "v1.0", InvalidVersion),
        ("example.com/a", "v1.0.0+build", InvalidVersion),
        ("example.com/a", "v1!0.0", InvalidVersion),
    ],
)
def test_bad_names_never_reach_the_network(
    server: ProxyServer, path: str, version: str, error: type[Exception]
) -> None:
    with pytest.raises(error):
        run(make_client(server.url), lambda c: c.mod(path, version))
    with pytest.raises(error):
        run(make_client(server.url), lambda c: c.zip(path, version))
    assert server.count() == 0


def test_info_accepts_a_query_the_proxy_resolves(server: ProxyServer) -> None:
    server.fault(
        "example.com/a/@v/v1.info",
        Fault(body=b'{"Version":"v1.1.0","Time":"2024-01-01T00:00:00Z"}'),
    )
    info = run(make_client(server.url), lambda c: c.info("example.com/a", "v1"))
    assert info.version == "v1.1.0"


def test_info_for_another_version_is_refused(server: ProxyServer) -> None:
    server.fault(rel("example.com/a", "v1.0.0", "info"), Fault(body=b'{"Version":"v1.1.0"}'))
    with pytest.raises(BadResponse) as caught:
        run(make_client(server.url), lambda c: c.info("example.com/a", "v1.0.0"))
    assert str(caught.value) == (
        "example.com/a@v1.0.0: proxy returned info for version v1.1.0 instead of requested version"
    )


@pytest.mark.parametrize(
    "body", [b'{"Version":"v1.0.0","Time":"2024-0', b"\x00\x01binary", b'{"Version":"junk"}']
)
def test_bad_info_is_refused(server: ProxyServer, body: bytes) -> None:
    server.fault(rel("example.com/a", "v1.0.0", "info"), Fault(body=body))
    with pytest.raises(BadResponse, match=r"^example\.com/a@v1\.0\.0: "):
        run(make_client(server.url), lambda c: c.info("example.com/a", "v1.0.0"))


def test_latest_prefers_the_latest_endpoint(server: ProxyServer) -> None:
    server.fault("example.com/b/@latest", Fault(body=b'{"Version":"v1.10.0"}'))
    info = run(make_client(server.url), lambda c: c.latest("example.com/b"))
    assert info.version == "v1.10.0"
    assert info.time is None


def test_latest_falls_back_to_the_dated_list(server: ProxyServer) -> None:
    info = run(make_client(server.url), lambda c: c.latest("example.com/nolist"))
    assert info.version == PSEUDO
    assert [r.path for r in server.requests] == [
        "example.com/nolist/@latest",
        "example.com/nolist/@v/list",
        rel("example.com/nolist", PSEUDO, "info"),
    ]


def test_latest_without_dated_versions_is_not_found(server: ProxyServer) -> None:
    with pytest.raises(NotFound, match=r"example\.com/none: no commits"):
        run(make_client(server.url), lambda c: c.latest("example.com/none"))
    assert run(make_client(server.url), lambda c: c.versions("example.com/none")) == []


def test_missing_module_is_not_found_with_gos_words(server: ProxyServer) -> None:
    with pytest.raises(NotFound) as caught:
        run(make_client(server.url), lambda c: c.mod("example.com/missing", "v1.0.0"))
    url = f"{server.url}/example.com/missing/@v/v1.0.0.mod"
    assert str(caught.value) == (
        f"example.com/missing@v1.0.0: reading {url}: 404 Not Found\n"
        "\tserver response: not found: example.com/missing/@v/v1.0.0.mod"
    )
    assert caught.value.url == url


def test_mod_bytes_are_returned_as_served(server: ProxyServer) -> None:
    """The caller checks the module line; junk must simply come back as bytes."""
    other = b"module example.com/somebody-else\n"
    junk = bytes(range(256)) * 4
    server.fault(rel("example.com/a", "v1.0.0", "mod"), Fault(body=other))
    server.fault(rel("example.com/a", "v1.1.0", "mod"), Fault(body=junk))

    async def ask(c: ProxyClient) -> list[bytes]:
        return [await c.mod("example.com/a", v) for v in ("v1.0.0", "v1.1.0")]

    assert run(make_client(server.url), ask) == [other, junk]


def test_a_zip_that_is_not_a_zip_is_refused(server: ProxyServer, cache: ModuleCache) -> None:
    server.fault(rel("example.com/b", "v1.1.0", "zip"), Fault(body=b"<html>oops</html>"))
    with pytest.raises(BadResponse, match="not a zip file"):
        run(make_client(server.url), lambda c: c.zip("example.com/b", "v1.1.0"))
    with pytest.raises(BadResponse, match="not a zip file"):
        run(make_client(server.url, cache=cache), lambda c: c.zip_file("example.com/b", "v1.1.0"))
    assert list((cache.root / "download").rglob("*.zip*")) == []


def test_zip_file_streams_into_the_cache(server: ProxyServer, cache: ModuleCache) -> None:
    client = make_client(server.url, cache=cache)
    file = run(client, lambda c: c.zip_file("example.com/b", "v1.1.0"))
    assert file == cache.own_file("example.com/b", "v1.1.0", "zip")
    assert file.read_bytes() == spec("example.com/b", "v1.1.0").zip_bytes()
    with zipfile.ZipFile(BytesIO(file.read_bytes())) as z:
        assert "example.com/b@v1.1.0/go.mod" in z.namelist()
    assert [p.name for p in file.parent.iterdir()] == ["v1.1.0.zip"]  # no temporary left


def test_zip_file_needs_a_cache(server: ProxyServer) -> None:
    with pytest.raises(ValueError, match="needs a ModuleCache"):
        run(make_client(server.url), lambda c: c.zip_file("example.com/b", "v1.1.0"))


def test_requests_run_concurrently_within_the_bound(tmp_path: Path, proxy_root: Path) -> None:
    from proxyserver import serve

    with serve(proxy_root, latency=0.05) as slow:
        client = make_client(slow.url, max_in_flight=4)

        async def ask(c: ProxyClient) -> list[list[str]]:
            paths = [f"example.com/m{i}" for i in range(12)]
            results = await asyncio.gather(*(c.versions(p) for p in paths), return_exceptions=True)
            assert all(isinstance(r, NotFound) for r in results)
            return []

        run(client, ask)
        assert slow.count() == 12
        assert 2 <= slow.max_active <= 4


def test_the_same_file_asked_at_once_is_fetched_once(tmp_path: Path, proxy_root: Path) -> None:
    from proxyserver import serve

    with serve(proxy_root, latency=0.05) as slow:

        async def ask(c: ProxyClient) -> list[bytes]:
            return list(
                await asyncio.gather(*(c.mod("example.com/a", "v1.0.0") for _ in range(10)))
            )

        answers = run(make_client(slow.url), ask)
        assert len(set(answers)) == 1
        assert slow.count() == 1


# --- the GOPROXY list ---------------------------------------------------------------


@pytest.mark.parametrize("status", [404, 410])
def test_not_found_falls_through_a_comma(
    server: ProxyServer, empty_server: ProxyServer, status: int
) -> None:
    target = rel("example.com/a", "v1.0.0", "mod")
    empty_server.fault(target, Fault(status=status, body=b"gone"))
    data = run(
        make_client(f"{empty_server.url},{server.url}"), lambda c: c.mod("example.com/a", "v1.0.0")
    )
    assert data == spec("example.com/a", "v1.0.0").mod_bytes()
    assert empty_server.count(target) == 1  # not-found is not retried
    assert server.count(target) == 1


def test_forbidden_stops_a_comma_list(server: ProxyServer, empty_server: ProxyServer) -> None:
    target = rel("example.com/a", "v1.0.0", "mod")
    empty_server.fault(target, Fault(status=403, body=b"forbidden: private module\n"))
    with pytest.raises(ProxyUnavailable) as caught:
        run(
            make_client(f"{empty_server.url},{server.url}"),
            lambda c: c.mod("example.com/a", "v1.0.0"),
        )
    assert caught.value.status == 403
    assert str(caught.value) == (
        f"example.com/a@v1.0.0: reading {empty_server.url}/{target}: 403 Forbidden\n"
        "\tserver response: forbidden: private module"
    )
    assert caught.value.hint is not None
    assert empty_server.count(target) == 1  # 403 is not retried
    assert server.count() == 0


def test_forbidden_falls_through_a_pipe(server: ProxyServer, empty_server: ProxyServer) -> None:
    target = rel("example.com/a", "v1.0.0", "mod")
    empty_server.fault(target, Fault(status=403))
    data = run(
        make_client(f"{empty_server.url}|{server.url}"), lambda c: c.mod("example.com/a", "v1.0.0")
    )
    assert data == spec("example.com/a", "v1.0.0").mod_bytes()


def test_server_error_falls_through_a_pipe_after_retries(
    server: ProxyServer, empty_server: ProxyServer
) -> None:
    target = rel("example.com/a", "v1.0.0", "mod")
    empty_server.fault(target, Fault(status=503))
    client = make_client(f"{empty_server.url}|{server.url}")
    data = run(client, lambda c: c.mod("example.com/a", "v1.0.0"))
    assert data == spec("example.com/a", "v1.0.0").mod_bytes()
    assert empty_server.count(target) == 3
    assert client.stats.retries == 2


def test_the_reported_error_prefers_a_real_failure_to_not_found(
    server: ProxyServer, empty_server: ProxyServer
) -> None:
    empty_server.fault(rel("example.com/missing", "v1.0.0", "mod"), Fault(status=500, body=b"boom"))
    with pytest.raises(ProxyUnavailable, match="500 Internal Server Error") as caught:
        run(
            make_client(f"{empty_server.url}|{server.url}"),
            lambda c: c.mod("example.com/missing", "v1.0.0"),
        )
    assert "server response: boom" in str(caught.value)
    assert "gave up after 3 attempts" in str(caught.value)


def test_off_disables_lookups(server: ProxyServer) -> None:
    with pytest.raises(LookupDisabled, match="module lookup disabled by GOPROXY=off"):
        run(make_client("off"), lambda c: c.mod("example.com/a", "v1.0.0"))
    with pytest.raises(LookupDisabled):
        run(make_client(f"{server.url}|off"), lambda c: c.mod("example.com/missing", "v1.0.0"))
    assert server.count() == 1


def test_direct_is_reported_once_and_treated_as_not_found(server: ProxyServer) -> None:
    recorder = Recorder()
    client = make_client(f"{server.url},direct", reporter=recorder)

    async def ask(c: ProxyClient) -> bytes:
        for path in ("example.com/x", "example.com/y"):
            with pytest.raises(NotFound) as caught:
                await c.mod(path, "v1.0.0")
            # The proxy's 404 says more than "goalign cannot go direct".
            assert "404 Not Found" in str(caught.value)
        return await c.mod("example.com/a", "v1.0.0")

    assert run(client, ask) == spec("example.com/a", "v1.0.0").mod_bytes()
    assert len(recorder.warnings) == 1
    assert "'direct'" in recorder.warnings[0]


def test_direct_alone_says_what_to_do() -> None:
    with pytest.raises(DirectNotSupported) as caught:
        run(make_client("direct"), lambda c: c.versions("example.com/a"))
    assert "version control" in str(caught.value)
    assert caught.value.hint is not None
    assert "go mod download" in caught.value.hint


def test_gonoproxy_paths_never_reach_a_proxy(server: ProxyServer) -> None:
    recorder = Recorder()
    client = make_client(server.url, gonoproxy="example.com/a,*.corp.example", reporter=recorder)

    async def ask(c: ProxyClient) -> list[str]:
        with pytest.raises(DirectNotSupported, match="GOPRIVATE/GONOPROXY"):
            await c.mod("example.com/a", "v1.0.0")
        with pytest.raises(DirectNotSupported):
            await c.versions("example.com/a")
        return await c.versions("example.com/b")

    assert run(client, ask) == ["v1.1.0", "v1.2.0-pre", "v1.10.0"]
    assert [r.path for r in server.requests] == ["example.com/b/@v/list"]
    assert len(recorder.warnings) == 1


def test_bad_goproxy_is_bad_input() -> None:
    with pytest.raises(InputError, match="contains no entries"):
        make_client(" , ")
    with pytest.raises(InputError, match="must be https, http, file"):
        make_client("ftp://example.com")
    with pytest.raises(InputError, match="non-path elements"):
        make_client("file://host/dir")


# --- file:// proxies ----------------------------------------------------------------


def test_file_proxy(proxy_root: Path) -> None:
    client = make_client(proxy_root.as_uri())

    async def ask(c: ProxyClient) -> tuple[bytes, list[str], bytes]:
        return (
            await c.mod("example.com/Upper/Mod", "v1.0.0-RC1"),
            await c.versions("example.com/b"),
            await c.zip("example.com/b", "v1.1.0"),
        )

    mod, versions, zip_bytes = run(client, ask)
    assert mod == spec("example.com/Upper/Mod", "v1.0.0-RC1").mod_bytes()
    assert versions == ["v1.1.0", "v1.2.0-pre", "v1.10.0"]
    assert zip_bytes == spec("example.com/b", "v1.1.0").zip_bytes()
    assert client.stats.requests == 3


def test_file_proxy_missing_file_is_not_found_and_falls_through(
    tmp_path: Path, server: ProxyServer
) -> None:
    empty = tmp_path / "empty-file-proxy"
    empty.mkdir()
    client = make_client(f"{empty.as_uri()},{server.url}")
    assert run(client, lambda c: c.versions("example.com/b")) == ["v1.1.0", "v1.2.0-pre", "v1.10.0"]
    with pytest.raises(NotFound) as caught:
        run(make_client(empty.as_uri()), lambda c: c.versions("example.com/b"))
    assert str(caught.value) == (
        f"example.com/b: reading {empty.as_uri()}/example.com/b/@v/list: no such file or directory"
    )


def test_file_proxy_unreadable_file_is_forbidden(
    tmp_path: Path, server: ProxyServer, proxy_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def denied(file: Path, limit: int, sink: object) -> bytes:
        raise PermissionError(13, "Permission denied", str(file))

    monkeypatch.setattr(client_module, "_copy_file", denied)  # root reads any file
    with pytest.raises(ProxyUnavailable, match=r"permission denied$") as caught:
        run(
            make_client(f"{proxy_root.as_uri()},{server.url}"),
            lambda c: c.versions("example.com/b"),
        )
    assert caught.value.status == 403
    assert server.count() == 0
    versions = run(
        make_client(f"{proxy_root.as_uri()}|{server.url}"), lambda c: c.versions("example.com/b")
    )
    assert versions == ["v1.1.0", "v1.2.0-pre", "v1.10.0"]


def test_file_proxy_over_the_cap_is_refused(proxy_root: Path) -> None:
    client = make_client(proxy_root.as_uri(), max_meta_bytes=10)
    with pytest.raises(BadResponse, match="larger than 10 bytes"):
        run(client, lambda c: c.mod("example.com/a", "v1.0.0"))


def test_every_failure_is_a_proxy_error(server: ProxyServer) -> None:
    """Each kind of fault ends in a ProxyError, never another exception."""
    faults = {
        "a": Fault(status=500),
        "b": Fault(reset=True),
        "c": Fault(stall=5),
        "d": Fault(truncate=3),
        "e": Fault(oversize=1 << 20),
        "f": Fault(status=403),
        "g": Fault(status=400, body=b"\x1b[31mred\x1b[0m"),
        "h": Fault(status=302, headers={"Location": "ftp://elsewhere/x"}),
        "i": Fault(status=301, headers={"Location": "/loop"}),
    }
    for name, fault in faults.items():
        server.fault(rel(f"example.com/{name}", "v1.0.0", "mod"), fault)
    server.fault("loop", Fault(status=301, headers={"Location": "/loop"}))
    client = make_client(server.url, max_meta_bytes=1 << 16)

    async def ask(c: ProxyClient) -> list[BaseException | bytes]:
        return list(
            await asyncio.gather(
                *(c.mod(f"example.com/{name}", "v1.0.0") for name in faults),
                return_exceptions=True,
            )
        )

    for name, result in zip(faults, run(client, ask), strict=True):
        assert isinstance(result, ProxyError), (name, result)
        assert str(result).startswith(f"example.com/{name}@v1.0.0: "), str(result)
        assert "\x1b" not in str(result)


def test_concurrent_callers_share_one_fetch_and_one_answer(
    tmp_path: Path, proxy_root: Path, cache: ModuleCache
) -> None:
    from proxyserver import serve

    expected = spec("example.com/b", "v1.1.0").zip_bytes()
    with serve(proxy_root, latency=0.05) as slow:

        async def ask(c: ProxyClient) -> list[object]:
            return list(
                await asyncio.gather(
                    *(c.zip("example.com/b", "v1.1.0") for _ in range(5)),
                    *(c.versions("example.com/b") for _ in range(5)),
                    *(c.info("example.com/b", "v1.1.0") for _ in range(5)),
                )
            )

        answers = run(make_client(slow.url), ask)
        assert answers[:5] == [expected] * 5
        assert len({repr(a) for a in answers[5:10]}) == 1
        assert len({repr(a) for a in answers[10:]}) == 1
        assert slow.count() == 3
        run(make_client(slow.url, cache=cache), ask)
        assert slow.count() == 6
        assert cache.find_zip("example.com/b", "v1.1.0") is not None


def test_an_injected_http_client_is_used_and_left_open(server: ProxyServer) -> None:
    import httpx

    async def main() -> bytes:
        async with httpx.AsyncClient(headers={"X-Test": "1"}) as http:
            async with make_client(server.url, http_client=http) as client:
                data = await client.mod("example.com/a", "v1.0.0")
            assert not http.is_closed
            return data

    assert asyncio.run(main()) == spec("example.com/a", "v1.0.0").mod_bytes()
    assert server.requests[0].headers["x-test"] == "1"
