"""The caches: Go's module cache read first and never written, goalign's own cache kept."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import UNIVERSE, Recorder, make_client, run, spec

from goalign.proxy import (
    DirectNotSupported,
    ModuleCache,
    OfflineCacheMiss,
    ProxyClient,
    VersionInfo,
    default_cache_dir,
)

from goproxy import write_proxy
from proxyserver import ProxyServer, rel


def tree(root: Path) -> dict[str, bytes]:
    """Return every file under root with its bytes."""
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def fill_go_cache(gomodcache: Path) -> None:
    """Lay the universe out as Go's download cache (same layout as a proxy folder)."""
    write_proxy(gomodcache / "cache" / "download", UNIVERSE)


def test_go_module_cache_is_read_first_and_never_written(
    server: ProxyServer, cache: ModuleCache, gomodcache: Path
) -> None:
    fill_go_cache(gomodcache)
    client = make_client(server.url, cache=cache)

    async def ask(c: ProxyClient) -> tuple[bytes, VersionInfo, Path]:
        return (
            await c.mod("example.com/Upper/Mod", "v1.0.0-RC1"),
            await c.info("example.com/a", "v1.0.0"),
            await c.zip_file("example.com/b", "v1.1.0"),
        )

    mod, info, zip_file = run(client, ask)
    assert mod == spec("example.com/Upper/Mod", "v1.0.0-RC1").mod_bytes()
    assert info.version == "v1.0.0"
    assert zip_file == gomodcache / "cache/download/example.com/b/@v/v1.1.0.zip"
    assert server.count() == 0
    assert client.stats.cache_hits == 3
    # A fetch that misses Go's cache is written to goalign's cache, not Go's.
    (gomodcache / "cache/download/example.com/a/@v/v1.1.0.mod").unlink()
    before = tree(gomodcache)
    run(make_client(server.url, cache=cache), lambda c: c.mod("example.com/a", "v1.1.0"))
    assert tree(gomodcache) == before
    assert cache.own_file("example.com/a", "v1.1.0", "mod").is_file()


def test_goalign_cache_serves_the_second_run(server: ProxyServer, cache: ModuleCache) -> None:
    async def ask(c: ProxyClient) -> tuple[bytes, VersionInfo, list[str], bytes, VersionInfo]:
        return (
            await c.mod("example.com/a", "v1.0.0"),
            await c.info("example.com/a", "v1.0.0"),
            await c.versions("example.com/b"),
            await c.zip("example.com/b", "v1.1.0"),
            await c.latest("example.com/nolist"),
        )

    first = run(make_client(server.url, cache=cache), ask)
    requests = server.count()
    second_client = make_client(server.url, cache=cache)
    second = run(second_client, ask)
    assert first == second
    assert server.count() == requests
    assert second_client.stats.cache_hits == 5
    assert second_client.stats.requests == 0
    assert first[3] == spec("example.com/b", "v1.1.0").zip_bytes()


def test_cache_layout_is_a_goproxy_folder(server: ProxyServer, cache: ModuleCache) -> None:
    async def ask(c: ProxyClient) -> None:
        await c.mod("example.com/Upper/Mod", "v1.0.0-RC1")
        await c.versions("example.com/b")

    run(make_client(server.url, cache=cache), ask)
    download = cache.root / "download"
    assert (download / "example.com/!upper/!mod/@v/v1.0.0-!r!c1.mod").is_file()
    assert (download / "example.com/b/@v/list").is_file()
    # So goalign's cache itself works as a file:// proxy.
    mod = run(
        make_client(download.as_uri()), lambda c: c.mod("example.com/Upper/Mod", "v1.0.0-RC1")
    )
    assert mod == spec("example.com/Upper/Mod", "v1.0.0-RC1").mod_bytes()


def test_non_canonical_info_queries_are_not_cached(server: ProxyServer, cache: ModuleCache) -> None:
    from proxyserver import Fault

    server.fault("example.com/a/@v/v1.info", Fault(body=b'{"Version":"v1.1.0"}'))
    for _ in range(2):
        run(make_client(server.url, cache=cache), lambda c: c.info("example.com/a", "v1"))
    assert server.count() == 2


def test_list_and_latest_expire(server: ProxyServer, tmp_path: Path) -> None:
    cache = ModuleCache(tmp_path / "ttl", list_ttl=60)

    async def ask(c: ProxyClient) -> tuple[list[str], VersionInfo]:
        return await c.versions("example.com/b"), await c.latest("example.com/nolist")

    run(make_client(server.url, cache=cache), ask)
    run(make_client(server.url, cache=cache), ask)
    list_requests = server.count(rel("example.com/b"))
    assert list_requests == 1
    old = time.time() - 120
    for file in (
        cache.root / "download/example.com/b/@v/list",
        cache.root / "download/example.com/nolist/@latest",
    ):
        os.utime(file, (old, old))
    run(make_client(server.url, cache=cache), ask)
    assert server.count(rel("example.com/b")) == 2
    assert server.count("example.com/nolist/@latest") == 2
    # A list from the future (the clock moved back) counts as stale too.
    future = time.time() + 3600
    os.utime(cache.root / "download/example.com/b/@v/list", (future, future))
    run(make_client(server.url, cache=cache), ask)
    assert server.count(rel("example.com/b")) == 3


def test_immutable_files_never_expire(server: ProxyServer, tmp_path: Path) -> None:
    cache = ModuleCache(tmp_path / "ttl", list_ttl=0)
    run(make_client(server.url, cache=cache), lambda c: c.mod("example.com/a", "v1.0.0"))
    file = cache.own_file("example.com/a", "v1.0.0", "mod")
    os.utime(file, (0, 0))
    run(make_client(server.url, cache=cache), lambda c: c.mod("example.com/a", "v1.0.0"))
    assert server.count() == 1


@pytest.mark.parametrize(
    ("kind", "damage"),
    [
        ("info", b'{"Version":"v1.0.0","Ti'),
        ("info", b'{"Version":"v9.9.9"}'),
        ("info", b""),
        ("mod", b""),
        ("zip", b"PK\x03\x04 truncated"),
    ],
)
def test_corrupted_entries_are_refetched(
    server: ProxyServer, cache: ModuleCache, kind: str, damage: bytes
) -> None:
    path, version = "example.com/a", "v1.0.0"

    async def ask(c: ProxyClient) -> bytes:
        if kind == "info":
            return (await c.info(path, version)).version.encode()
        if kind == "mod":
            return await c.mod(path, version)
        return await c.zip(path, version)

    good = run(make_client(server.url, cache=cache), ask)
    file = cache.own_file(path, version, kind)  # type: ignore[arg-type]
    file.write_bytes(damage)
    assert run(make_client(server.url, cache=cache), ask) == good
    assert server.count() == 2
    assert file.read_bytes() != damage  # rewritten whole
    assert run(make_client(server.url, cache=cache), ask) == good
    assert server.count() == 2


def test_damaged_go_cache_entry_falls_back(
    server: ProxyServer, cache: ModuleCache, gomodcache: Path
) -> None:
    fill_go_cache(gomodcache)
    (gomodcache / "cache/download/example.com/a/@v/v1.0.0.info").write_bytes(b"{")
    info = run(make_client(server.url, cache=cache), lambda c: c.info("example.com/a", "v1.0.0"))
    assert info.version == "v1.0.0"
    assert server.count() == 1
    assert (gomodcache / "cache/download/example.com/a/@v/v1.0.0.info").read_bytes() == b"{"


def test_offline_serves_the_caches_only(
    server: ProxyServer, cache: ModuleCache, gomodcache: Path
) -> None:
    run(make_client(server.url, cache=cache), lambda c: c.versions("example.com/b"))
    os.utime(cache.root / "download/example.com/b/@v/list", (0, 0))  # stale is fine offline
    fill_go_cache(gomodcache)
    before = server.count()
    client = make_client(server.url, cache=cache, offline=True)

    async def ask(c: ProxyClient) -> tuple[list[str], bytes]:
        return await c.versions("example.com/b"), await c.mod("example.com/c/v2", "v2.0.0")

    versions, mod = run(client, ask)
    assert versions == ["v1.1.0", "v1.2.0-pre", "v1.10.0"]
    assert mod == spec("example.com/c/v2", "v2.0.0").mod_bytes()
    # Offline, Go's own list (the versions it downloaded) is the last resort.
    offline = make_client(server.url, cache=cache, offline=True)
    assert run(offline, lambda c: c.versions("example.com/a")) == ["v1.0.0", "v1.1.0"]
    assert server.count() == before


@pytest.mark.parametrize(
    "ask",
    [
        lambda c: c.mod("example.com/a", "v1.0.0"),
        lambda c: c.info("example.com/a", "v1.0.0"),
        lambda c: c.info("example.com/a", "v1"),
        lambda c: c.versions("example.com/a"),
        lambda c: c.latest("example.com/a"),
        lambda c: c.zip("example.com/a", "v1.0.0"),
        lambda c: c.zip_file("example.com/a", "v1.0.0"),
    ],
)
def test_offline_miss_is_a_proxy_error_without_requests(
    server: ProxyServer, cache: ModuleCache, ask: object
) -> None:
    with pytest.raises(OfflineCacheMiss) as caught:
        run(make_client(server.url, cache=cache, offline=True), ask)  # type: ignore[arg-type]
    assert "offline" in str(caught.value)
    assert str(caught.value).startswith("example.com/a")
    assert server.count() == 0


def test_private_modules_come_from_the_caches(
    server: ProxyServer, cache: ModuleCache, gomodcache: Path
) -> None:
    fill_go_cache(gomodcache)
    client = make_client(server.url, cache=cache, gonoproxy="example.com/a")

    async def ask(c: ProxyClient) -> bytes:
        with pytest.raises(DirectNotSupported):
            await c.versions("example.com/a")  # Go's list is partial: only offline
        return await c.mod("example.com/a", "v1.0.0")

    assert run(client, ask) == spec("example.com/a", "v1.0.0").mod_bytes()
    assert server.count() == 0


def test_unwritable_cache_warns_once_and_still_answers(server: ProxyServer, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    recorder = Recorder()
    cache = ModuleCache(blocker, on_warning=recorder.warning)
    client = make_client(server.url, cache=cache, reporter=recorder)

    async def ask(c: ProxyClient) -> list[bytes]:
        return [await c.mod("example.com/a", v) for v in ("v1.0.0", "v1.1.0")]

    assert run(client, ask) == [
        spec("example.com/a", "v1.0.0").mod_bytes(),
        spec("example.com/a", "v1.1.0").mod_bytes(),
    ]
    assert len(recorder.warnings) == 1
    assert "cannot write goalign's cache" in recorder.warnings[0]


def test_default_cache_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert default_cache_dir({"GOALIGN_CACHE": str(tmp_path)}) == tmp_path
    assert default_cache_dir({}).name == "goalign"
    monkeypatch.setenv("GOALIGN_CACHE", str(tmp_path / "x"))
    assert ModuleCache().root == tmp_path / "x"


def test_cache_checks_names_before_they_touch_a_file(cache: ModuleCache) -> None:
    from goalign.errors import InvalidPath, InvalidVersion

    with pytest.raises(InvalidVersion):
        cache.write("example.com/a", "../../x", "mod", b"x")
    with pytest.raises(InvalidVersion):
        cache.read("example.com/a", "v1.0", "mod")
    with pytest.raises(InvalidPath):
        cache.read_list("../../etc")
    assert not cache.root.exists()


# --- concurrent writers ---------------------------------------------------------------

BIG_A = b"A" * (1 << 20)
BIG_B = b"B" * (1 << 20)

# Run in a separate Python process, so nothing of the test session is shared.
WRITER = """
import sys
from goalign.proxy import ModuleCache
cache = ModuleCache(sys.argv[1])
data = sys.argv[2].encode() * (1 << 20)
for _ in range(60):
    assert cache.write("example.com/a", "v1.0.0", "mod", data) is not None
    assert cache.write_list("example.com/a", data) is not None
"""


def test_two_processes_writing_one_entry(tmp_path: Path) -> None:
    root = tmp_path / "shared"
    workers = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(root), letter]) for letter in "AB"
    ]
    reader = ModuleCache(root)
    reads = 0
    while any(w.poll() is None for w in workers):
        data = reader.read("example.com/a", "v1.0.0", "mod")
        if data is not None:
            assert data in (BIG_A, BIG_B)  # never half of one, never a mix
            reads += 1
    for worker in workers:
        assert worker.wait(timeout=30) == 0
    assert reads > 0
    assert reader.read("example.com/a", "v1.0.0", "mod") in (BIG_A, BIG_B)
    assert reader.read_list("example.com/a") in (BIG_A, BIG_B)
    leftovers = [p.name for p in (root / "download/example.com/a/@v").iterdir()]
    assert sorted(leftovers) == ["list", "v1.0.0.mod"]  # no temporary files left


def test_two_clients_in_threads_share_a_cache(server: ProxyServer, cache: ModuleCache) -> None:
    paths = [(s.path, s.version) for s in UNIVERSE]
    results: list[list[bytes]] = []

    def worker() -> None:
        async def ask(c: ProxyClient) -> list[bytes]:
            return [await c.mod(p, v) for p, v in paths]

        results.append(run(make_client(server.url, cache=cache), ask))

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    expected = [spec(p, v).mod_bytes() for p, v in paths]
    assert results == [expected, expected]
    assert all(cache.read(p, v, "mod") == spec(p, v).mod_bytes() for p, v in paths)
