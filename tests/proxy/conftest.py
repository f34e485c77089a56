"""Fixtures for the proxy tests: a module universe, its GOPROXY folder served over HTTP,
a cache in a temporary folder, and clients with short timeouts and backoffs."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

from goalign.goenv import GoEnv
from goalign.proxy import ModuleCache, ProxyClient, ProxyReporter, RetryPolicy, Timeouts

from goproxy import ModuleSpec, write_proxy
from proxyserver import ProxyServer, serve

T = TypeVar("T")

FAST_TIMEOUTS = Timeouts(connect=1.0, read=0.5, request=3.0, zip_request=3.0)
FAST_RETRY = RetryPolicy(attempts=3, backoff=0.01, max_backoff=0.05, max_retry_after=0.2)

PSEUDO = "v0.0.0-20240102030405-abcdefabcdef"

UNIVERSE = [
    ModuleSpec("example.com/a", "v1.0.0", requires={"example.com/b": "v1.1.0"}),
    ModuleSpec("example.com/a", "v1.1.0", requires={"example.com/b": "v1.2.0-pre"}),
    ModuleSpec("example.com/b", "v1.1.0"),
    ModuleSpec("example.com/b", "v1.2.0-pre"),
    ModuleSpec("example.com/b", "v1.10.0"),
    ModuleSpec("example.com/b", PSEUDO),
    ModuleSpec("example.com/Upper/Mod", "v1.0.0-RC1"),
    ModuleSpec("example.com/c/v2", "v2.0.0"),
    ModuleSpec("example.com/d", "v2.0.0+incompatible"),
    ModuleSpec("example.com/nolist", PSEUDO, listed=True),  # only a pseudo-version
    ModuleSpec("example.com/none", "v1.0.0", listed=False),  # an empty list
]


def spec(path: str, version: str) -> ModuleSpec:
    """Return the universe's spec for path@version."""
    for s in UNIVERSE:
        if s.path == path and s.version == version:
            return s
    raise KeyError(f"{path}@{version}")


class Recorder(ProxyReporter):
    """A reporter that keeps what it is told."""

    def __init__(self) -> None:
        self.warnings: list[str] = []
        self.retries: list[tuple[str, int, float, str]] = []
        self.fetches: list[tuple[str, int]] = []

    def warning(self, message: str) -> None:
        self.warnings.append(message)

    def retrying(self, url: str, retry: int, delay: float, reason: str) -> None:
        self.retries.append((url, retry, delay, reason))

    def fetched(self, url: str, size: int) -> None:
        self.fetches.append((url, size))


def run(client: ProxyClient, ask: Callable[[ProxyClient], Awaitable[T]]) -> T:
    """Return ask(client)'s answer, run in a fresh event loop inside ``async with``."""

    async def main() -> T:
        async with client:
            return await ask(client)

    return asyncio.run(main())


def make_client(
    goproxy: str,
    *,
    cache: ModuleCache | None = None,
    gonoproxy: str = "",
    goauth: str = "off",
    netrc_file: str = "",
    **options: Any,
) -> ProxyClient:
    """Return a client for GOPROXY=goproxy with the fast test timeouts and retries."""
    options.setdefault("timeouts", FAST_TIMEOUTS)
    options.setdefault("retry", FAST_RETRY)
    options.setdefault("reporter", Recorder())
    env = GoEnv(goproxy=goproxy, gonoproxy=gonoproxy, goauth=goauth, netrc=netrc_file)
    return ProxyClient(env, cache=cache, **options)


@pytest.fixture
def proxy_root(tmp_path: Path) -> Path:
    """A GOPROXY folder holding the test universe."""
    root = tmp_path / "proxy"
    write_proxy(root, UNIVERSE)
    return root


@pytest.fixture
def server(proxy_root: Path) -> Iterator[ProxyServer]:
    """The test universe served over HTTP on 127.0.0.1."""
    with serve(proxy_root) as s:
        yield s


@pytest.fixture
def empty_server(tmp_path: Path) -> Iterator[ProxyServer]:
    """A proxy that answers 404 for everything."""
    root = tmp_path / "empty"
    root.mkdir()
    with serve(root) as s:
        yield s


@pytest.fixture
def gomodcache(tmp_path: Path) -> Path:
    """An empty GOMODCACHE folder."""
    path = tmp_path / "gomodcache"
    path.mkdir()
    return path


@pytest.fixture
def cache(tmp_path: Path, gomodcache: Path) -> ModuleCache:
    """goalign's cache in a temporary folder, reading Go's cache at ``gomodcache``."""
    return ModuleCache(tmp_path / "cache", gomodcache=gomodcache)
