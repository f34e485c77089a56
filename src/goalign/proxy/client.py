"""Fetch module metadata and zips from GOPROXY, concurrently, through the caches.

One :class:`ProxyClient` owns one ``httpx.AsyncClient`` (HTTP/2 where the server
speaks it; made, and httpx imported, only when a request goes over HTTP) and keeps at
most ``max_in_flight`` requests open at once; Go keeps about GOMAXPROCS. It follows
Go's proxy client (cmd/go/internal/modfetch/proxy.go) with
these differences, all in goalign's favour or forced by what it is:

- Transient failures (connection errors, resets, timeouts, truncated bodies, 5xx,
  429) are retried with exponential backoff and jitter; Go does not retry.
- Every request has connect and read timeouts and a total deadline, so a stalled
  server cannot hang a run; Go waits forever.
- Replies have a size cap (16 MiB for metadata, 500 MiB for zips), checked against
  Content-Length before reading and while streaming, so memory stays bounded.
- ``direct`` and GONOPROXY/GOPRIVATE lookups need version control, which goalign does
  not do: it says so once and treats them as not found (after reading the caches,
  which usually hold such modules because ``go`` fetched them).
- Requests for the same file at the same time share one fetch.

Every httpx exception is translated here (see :func:`_translate`) into a
:mod:`goalign.proxy.errors` kind, raised ``from`` the original.
"""

from __future__ import annotations

import asyncio
import base64
import email.utils
import errno
import io
import os
import random
import ssl
import urllib.parse
import zipfile
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import IO, TYPE_CHECKING, Any, Final, Self, TypeVar, cast

from goalign import module, semver
from goalign.errors import CacheError, InputError
from goalign.goenv import GoEnv, GoURL, ProxyEntry, proxy_list, uses_proxy
from goalign.netrc import NetrcEntry, credentials_for, load_netrc, parse_goauth
from goalign.proxy.cache import ModuleCache
from goalign.proxy.errors import (
    BadResponse,
    DirectNotSupported,
    LookupDisabled,
    NotFound,
    OfflineCacheMiss,
    ProxyError,
    ProxyUnavailable,
)
from goalign.proxy.protocol import (
    MAX_META_BYTES,
    MAX_ZIP_BYTES,
    FileKind,
    VersionInfo,
    canonical_request,
    latest_from_list,
    list_versions,
    parse_info,
    url_path,
    version_file,
)

if TYPE_CHECKING:
    import httpx

__all__ = [
    "ClientStats",
    "ProxyClient",
    "ProxyReporter",
    "RetryPolicy",
    "Timeouts",
]

_T = TypeVar("_T")


_MAX_REDIRECTS: Final = 10
_MAX_ERROR_DETAIL_LINES: Final = 8
_MAX_ERROR_DETAIL_BYTES: Final = _MAX_ERROR_DETAIL_LINES * 81
_ERROR_BODY_READ: Final = 8 << 10
_FILE_CHUNK: Final = 1 << 20
_NO_COMMITS: Final = "no commits"


@dataclass(frozen=True)
class Timeouts:
    """Seconds to wait: to connect, between two reads, and for one whole request.

    ``request`` bounds one attempt at a metadata file from its first byte sent to its
    last byte read; ``zip_request`` does the same for a zip, which may be large.
    """

    connect: float = 10.0
    read: float = 30.0
    request: float = 120.0
    zip_request: float = 900.0


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently to retry a transient failure.

    ``attempts`` counts the first try. The n-th retry waits a random time between
    half and all of ``min(max_backoff, backoff * 2**(n-1))``; a 429 or 503 reply's
    Retry-After replaces that wait when it is at most ``max_retry_after`` seconds
    (a longer one is cut to ``max_retry_after``).
    """

    attempts: int = 4
    backoff: float = 0.25
    max_backoff: float = 8.0
    max_retry_after: float = 30.0

    def delay(self, retry: int) -> float:
        """Return the seconds to wait before retry number ``retry`` (from 1)."""
        ceiling = min(self.max_backoff, self.backoff * 2.0 ** (retry - 1))
        return ceiling * (0.5 + random.random() / 2)


@dataclass
class ClientStats:
    """What a client has done so far.

    ``requests`` counts every request sent to a proxy (HTTP or ``file://``, retries
    and redirects included); ``cache_hits`` the answers served from a cache;
    ``bytes_read`` the body bytes received from proxies; ``retries`` the retries.
    """

    requests: int = 0
    cache_hits: int = 0
    bytes_read: int = 0
    retries: int = 0


class ProxyReporter:
    """Hooks a client calls while it works; the default logs warnings, nothing else."""

    def warning(self, message: str) -> None:
        """Report something the user should know (a GOPROXY entry goalign cannot use)."""
        import logging  # only this default needs it: start-up stays light

        logging.getLogger("goalign.proxy").warning("%s", message)

    def retrying(self, url: str, retry: int, delay: float, reason: str) -> None:
        """Report that a request failed with ``reason`` and is retried after ``delay`` s."""

    def fetched(self, url: str, size: int) -> None:
        """Report that a proxy answered ``url`` with ``size`` body bytes."""


@dataclass(frozen=True)
class _Proxy:
    """One usable GOPROXY entry: where it is and how to reach it."""

    base: str  # URL without userinfo or trailing slash
    redacted: str  # for messages: the password replaced by xxxxx, as Go's url.Redacted
    auth: str | None  # Authorization header from the URL's userinfo
    file_root: Path | None  # for file:// proxies
    fall_through_on_any_error: bool

    def url(self, rel: str) -> str:
        return f"{self.base}/{url_path(rel)}"

    def shown(self, rel: str) -> str:
        return f"{self.redacted}/{url_path(rel)}"


class _Retry(Exception):
    """A transient failure: ``error`` is what to raise when the retries run out."""

    def __init__(self, error: ProxyError, retry_after: float | None = None) -> None:
        super().__init__(error.message)
        self.error = error
        self.retry_after = retry_after


class ProxyClient:
    """Answer GOPROXY questions about modules, from the caches or the proxies.

    Use it as ``async with ProxyClient(env, cache=ModuleCache(...)) as client:``.
    ``env`` supplies GOPROXY, GONOPROXY/GOPRIVATE, GOAUTH and NETRC; ``cache`` is
    read before any proxy and holds what is fetched (None: no disk cache, not even
    Go's); ``offline`` serves from the cache only and raises
    :class:`~goalign.proxy.errors.OfflineCacheMiss` on a miss.

    ``netrc`` is a list of entries for :func:`goalign.netrc.credentials_for`; when
    None they are read from ``env.netrc`` if GOAUTH allows it. ``verify`` is passed
    to httpx (an ``ssl.SSLContext`` for a private CA). ``http_client`` replaces the
    client this object would build (it is then not closed here, and its own
    timeouts, limits and TLS settings apply, except the per-request timeouts).

    Every method checks the module path (and version) before either names a URL
    or a file, and raises InvalidPath or InvalidVersion for bad ones; every proxy
    failure is a :class:`~goalign.errors.ProxyError`.
    """

    def __init__(
        self,
        env: GoEnv,
        *,
        cache: ModuleCache | None = None,
        offline: bool = False,
        max_in_flight: int = 32,
        timeouts: Timeouts | None = None,
        retry: RetryPolicy | None = None,
        max_meta_bytes: int = MAX_META_BYTES,
        max_zip_bytes: int = MAX_ZIP_BYTES,
        reporter: ProxyReporter | None = None,
        netrc: Sequence[NetrcEntry] | None = None,
        verify: ssl.SSLContext | bool = True,
        http_client: httpx.AsyncClient | None = None,
    ) -> None:
        if max_in_flight < 1:
            raise ValueError("max_in_flight must be at least 1")
        self.env = env
        self.cache = cache
        self.offline = offline
        self.timeouts = timeouts or Timeouts()
        self.retry = retry or RetryPolicy()
        self.max_meta_bytes = max_meta_bytes
        self.max_zip_bytes = max_zip_bytes
        self.reporter = reporter or ProxyReporter()
        self.stats = ClientStats()
        self._entries: list[ProxyEntry] = proxy_list(env.goproxy, env.gonoproxy)
        self._proxies: dict[str, _Proxy] = {
            e.url: _parse_proxy(e.url, e.fall_through_on_any_error)
            for e in self._entries
            if e.kind == "proxy"
        }
        self._netrc = _load_netrc(env, self.reporter) if netrc is None else list(netrc)
        self._max_in_flight = max_in_flight
        self._verify = verify
        self._own_http = http_client is None
        self._http = http_client
        self._open = False
        self._slots = asyncio.Semaphore(max_in_flight)
        self._inflight: dict[tuple[str, ...], asyncio.Task[Any]] = {}
        self._warned: set[str] = set()
        # Immutable files this client has had, kept in memory: several loads in one
        # run ask for the same go.mod, and the disk need not be read again.
        self._memory: dict[tuple[str, str, str], bytes] = {}

    # --- lifetime ------------------------------------------------------------------

    async def __aenter__(self) -> Self:
        self._open = True
        return self

    def _http_client(self) -> httpx.AsyncClient:
        """Return the HTTP client, made on the first request: a run served from the
        caches or a file:// proxy never imports httpx (a tenth of a second)."""
        assert self._open, "ProxyClient used outside 'async with'"
        if self._http is None:
            import httpx

            self._http = httpx.AsyncClient(
                http2=True,
                verify=self._verify,
                follow_redirects=False,  # followed by hand: no https -> http, auth per host
                timeout=self._httpx_timeout(),
                limits=httpx.Limits(
                    max_connections=self._max_in_flight,
                    max_keepalive_connections=self._max_in_flight,
                ),
                headers={"User-Agent": "goalign", "Accept-Encoding": "identity"},
            )
        return self._http

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Cancel unfinished fetches and close the HTTP client if this object made it."""
        tasks = list(self._inflight.values())
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
        if self._own_http and self._http is not None:
            await self._http.aclose()
            self._http = None
        self._open = False

    # --- the questions -------------------------------------------------------------

    async def mod(self, path: str, version: str) -> bytes:
        """Return the go.mod bytes the proxy serves for path@version.

        The bytes are returned as served: the caller checks that they parse and
        declare ``path`` (Go reports the mismatch only when it reads them).
        """
        canonical_request(path, version)
        return await self._file(path, version, "mod")

    def cached_mod(self, path: str, version: str) -> bytes | None:
        """Return path@version's go.mod if a cache (this client's memory, Go's module
        cache or goalign's) has it, else None; never touches the network.

        What :meth:`mod` would return without awaiting anything: a caller loading a
        graph from warm caches need not start a task per file.
        """
        canonical_request(path, version)
        return self._cached(path, version, "mod")

    async def info(self, path: str, version: str) -> VersionInfo:
        """Return the ``.info`` answer for path@version: its canonical version and time.

        ``version`` may be a query a proxy resolves (``v1.2``, a branch name); only
        answers for canonical versions are cached. For a canonical version that
        suits the path, an answer naming another version is refused, as Go refuses it.
        """
        module.check_path(path)
        module.escape_version(version)
        canonical = version == module.canonical_version(version)
        if canonical:
            data = self._from_cache(path, version, "info")
            if data is not None:
                return parse_info(data)
            self._check_offline(f"{path}@{version}")
        else:
            self._check_offline(f"{path}@{version}", cached=False)

        async def fetch() -> bytes:
            data = await self._try_proxies(
                path, lambda proxy: self._fetch_info(proxy, path, version)
            )
            if canonical and self.cache is not None:
                await asyncio.to_thread(self.cache.write, path, version, "info", data)
            return data

        return parse_info(await self._single(("info", path, version), fetch))

    async def versions(self, path: str) -> list[str]:
        """Return the tagged versions ``@v/list`` names, as Go lists them.

        Pseudo-versions and lines that are not semantic versions are dropped; the
        rest is in semver order. The answer is cached for the cache's ``list_ttl``.
        """
        module.check_path(path)
        if self.cache is not None:
            data = self.cache.read_list(path, any_age=self.offline)
            if data is not None:
                self.stats.cache_hits += 1
                return list_versions(data)
        self._check_offline(path)
        rel = f"{module.escape_path(path)}/@v/list"

        async def fetch() -> bytes:
            data = await self._try_proxies(path, lambda proxy: self._get(proxy, rel, path))
            if self.cache is not None:
                await asyncio.to_thread(self.cache.write_list, path, data)
            return data

        return list_versions(await self._single(("list", path), fetch))

    async def latest(self, path: str) -> VersionInfo:
        """Return the ``@latest`` answer for a module, as Go's proxy client finds it.

        When a proxy has no ``@latest``, the newest dated version of its ``@v/list``
        is looked up instead (Go's fallback for modules with no tagged versions).
        Callers that want the highest tagged version use :meth:`versions` first, as
        Go's queries do. The answer is cached for the cache's ``list_ttl``.
        """
        module.check_path(path)
        if self.cache is not None:
            cached = self.cache.read_latest(path, any_age=self.offline)
            if cached is not None:
                self.stats.cache_hits += 1
                return cached
        self._check_offline(path)

        async def fetch() -> bytes:
            data = await self._try_proxies(path, lambda proxy: self._fetch_latest(proxy, path))
            if self.cache is not None:
                await asyncio.to_thread(self.cache.write_latest, path, data)
            return data

        return parse_info(await self._single(("latest", path), fetch))

    async def zip(self, path: str, version: str) -> bytes:
        """Return the module zip for path@version (at most ``max_zip_bytes``).

        With a cache, the zip is streamed to a cache file first (see
        :meth:`zip_file`); without one it is collected in memory.
        """
        canonical_request(path, version)
        if self.cache is not None:
            file = await self.zip_file(path, version)
            return await asyncio.to_thread(file.read_bytes)
        self._check_offline(f"{path}@{version}", cached=False)

        async def fetch() -> bytes:
            memory = io.BytesIO()
            await self._try_proxies(
                path, lambda proxy: self._fetch_zip(proxy, path, version, memory)
            )
            return memory.getvalue()

        return await self._single(("zip-bytes", path, version), fetch)

    async def zip_file(self, path: str, version: str) -> Path:
        """Return a cache file holding the module zip for path@version.

        Go's cached zip when there is one; else the zip is streamed from the proxy
        into goalign's cache, so memory stays small however large it is. A reply
        that is not a zip file is refused and not kept. Needs a cache.
        """
        canonical_request(path, version)
        if self.cache is None:
            raise ValueError("zip_file needs a ModuleCache")
        cache = self.cache
        found = await asyncio.to_thread(cache.find_zip, path, version)
        if found is not None:
            self.stats.cache_hits += 1
            return found
        self._check_offline(f"{path}@{version}")
        return await self._single(
            ("zip", path, version), lambda: self._download_zip(cache, path, version)
        )

    # --- cache and offline ---------------------------------------------------------

    def _from_cache(self, path: str, version: str, kind: FileKind) -> bytes | None:
        if self.cache is None:
            return None
        data = self.cache.read(path, version, kind)
        if data is not None:
            self.stats.cache_hits += 1
        return data

    def _check_offline(self, subject: str, *, cached: bool = True) -> None:
        if not self.offline:
            return
        where = "the module caches" if cached and self.cache is not None else "any cache"
        raise OfflineCacheMiss(
            f"{subject}: not in {where}, and offline mode forbids the network",
            hint="run once without --offline (or `go mod download`) to fill the cache",
        )

    def _cached(self, path: str, version: str, kind: FileKind) -> bytes | None:
        key = (kind, path, version)
        data = self._memory.get(key)
        if data is not None:
            self.stats.cache_hits += 1
            return data
        data = self._from_cache(path, version, kind)
        if data is not None:
            self._memory[key] = data
        return data

    async def _file(self, path: str, version: str, kind: FileKind) -> bytes:
        data = self._cached(path, version, kind)
        if data is not None:
            return data
        self._check_offline(f"{path}@{version}")
        rel = _rel(path, version, kind)
        key = (kind, path, version)

        async def fetch() -> bytes:
            data = await self._try_proxies(
                path, lambda proxy: self._get(proxy, rel, f"{path}@{version}")
            )
            if self.cache is not None:
                await asyncio.to_thread(self.cache.write, path, version, kind, data)
            self._memory[key] = data
            return data

        return await self._single(key, fetch)

    async def _download_zip(self, cache: ModuleCache, path: str, version: str) -> Path:
        try:
            with cache.zip_writer(path, version) as out:
                await self._try_proxies(
                    path, lambda proxy: self._fetch_zip(proxy, path, version, out)
                )
        except OSError as err:
            raise CacheError(f"{path}@{version}: cannot write the zip to the cache: {err}") from err
        return cache.own_file(path, version, "zip")

    async def _fetch_zip(self, proxy: _Proxy, path: str, version: str, out: IO[bytes]) -> None:
        """Stream one proxy's zip into out; refuse a reply that is not a zip file."""
        rel = _rel(path, version, "zip")
        await self._get(proxy, rel, f"{path}@{version}", kind="zip", sink=out)
        out.flush()
        out.seek(0)
        if not zipfile.is_zipfile(out):
            shown = proxy.shown(rel)
            raise BadResponse(f"{path}@{version}: reading {shown}: not a zip file", url=shown)

    async def _single(self, key: tuple[str, ...], start: Callable[[], Awaitable[_T]]) -> _T:
        """Return the result of ``start()``, shared with callers asking the same now."""
        task = self._inflight.get(key)
        if task is None:
            task = asyncio.ensure_future(start())
            self._inflight[key] = task
            task.add_done_callback(lambda done: self._finished(key, done))
        return cast(_T, await asyncio.shield(task))

    def _finished(self, key: tuple[str, ...], task: asyncio.Task[Any]) -> None:
        self._inflight.pop(key, None)
        if not task.cancelled():
            task.exception()  # retrieved even if every waiter was cancelled

    # --- the GOPROXY list ----------------------------------------------------------

    async def _try_proxies(self, path: str, fetch: Callable[[_Proxy], Awaitable[_T]]) -> _T:
        """Return the first answer along the GOPROXY list, as Go's TryProxies walks it.

        After a ``,`` only not-found moves on; after ``|`` any error does. Of the
        errors met, the one raised is the last proxy error other than not-found, else
        the last not-found, else the note that only version control could answer.
        """
        if not uses_proxy(self.env, path):
            self._warn_once(
                f"private:{path}",
                f"{path} matches GOPRIVATE/GONOPROXY, so only version control may serve "
                "it, which goalign does not do; only the module caches are used for it",
            )
            raise DirectNotSupported(
                f"{path}: matches GOPRIVATE/GONOPROXY ({self.env.gonoproxy}), and goalign "
                "does not fetch modules from version control",
                hint="run `go mod download` in the module that needs it (goalign reads "
                "Go's module cache), or let a proxy serve it",
            )
        best: ProxyError | None = None
        best_rank = -1
        for entry in self._entries:
            if entry.kind == "noproxy":
                continue  # the path does not match GONOPROXY: Go's errUseProxy
            try:
                if entry.kind == "off":
                    raise LookupDisabled(f"{path}: module lookup disabled by GOPROXY=off")
                if entry.kind == "direct":
                    self._warn_once(
                        "direct",
                        "GOPROXY names 'direct' (fetch from version control), which goalign "
                        "does not do; it uses the other GOPROXY entries and the module caches",
                    )
                    raise DirectNotSupported(
                        f"{path}: GOPROXY={self.env.goproxy} leaves this module to 'direct' "
                        "(version control), which goalign does not do",
                        hint="set GOPROXY to a module proxy such as https://proxy.golang.org, "
                        "or run `go mod download` first (goalign reads Go's module cache)",
                    )
                return await fetch(self._proxies[entry.url])
            except ProxyError as err:
                rank = 0 if isinstance(err, DirectNotSupported) else 1
                if not isinstance(err, NotFound):
                    rank = 2
                if rank >= best_rank:  # a later error of the same rank wins, as in Go
                    best, best_rank = err, rank
                if entry.kind == "off":
                    break
                if not isinstance(err, NotFound) and not entry.fall_through_on_any_error:
                    break
        if best is None:
            raise AssertionError("internal error: GOPROXY list has no usable entry")
        raise best

    async def _fetch_info(self, proxy: _Proxy, path: str, version: str) -> bytes:
        rel = f"{module.escape_path(path)}/{version_file(version, 'info')}"
        data = await self._get(proxy, rel, f"{path}@{version}")
        self._check_info(proxy, path, version, data)
        return data

    def _check_info(self, proxy: _Proxy, path: str, version: str, data: bytes) -> VersionInfo:
        subject = f"{path}@{version}" if version else path
        try:
            info = parse_info(data)
        except ValueError as err:
            raise BadResponse(
                f"{subject}: invalid response from proxy {proxy.redacted!r}: {err}",
                url=proxy.redacted,
            ) from None
        if version and info.version != version and version == module.canonical_version(version):
            suits = True
            try:
                module.check(path, version)
            except InputError:
                suits = False
            if suits:
                raise BadResponse(
                    f"{subject}: proxy returned info for version {info.version} "
                    "instead of requested version",
                    url=proxy.redacted,
                )
        if not semver.is_valid(info.version) or info.version != module.canonical_version(
            info.version
        ):
            raise BadResponse(
                f"{subject}: proxy {proxy.redacted!r} returned invalid version {info.version!r}",
                url=proxy.redacted,
            )
        return info

    async def _fetch_latest(self, proxy: _Proxy, path: str) -> bytes:
        escaped = module.escape_path(path)
        try:
            data = await self._get(proxy, f"{escaped}/@latest", path)
        except NotFound:
            listing = await self._get(proxy, f"{escaped}/@v/list", path)
            best = latest_from_list(listing)
            if not best:
                raise NotFound(f"{path}: {_NO_COMMITS}", url=proxy.redacted) from None
            return await self._fetch_info(proxy, path, best)
        self._check_info(proxy, path, "", data)
        return data

    def _warn_once(self, key: str, message: str) -> None:
        if key not in self._warned:
            self._warned.add(key)
            self.reporter.warning(message)

    # --- one file from one proxy ---------------------------------------------------

    async def _get(
        self,
        proxy: _Proxy,
        rel: str,
        subject: str,
        *,
        kind: str = "meta",
        sink: IO[bytes] | None = None,
    ) -> bytes:
        """Return one proxy's file ``rel`` (or stream it into ``sink``), with retries."""
        limit = self.max_zip_bytes if kind == "zip" else self.max_meta_bytes
        deadline = self.timeouts.zip_request if kind == "zip" else self.timeouts.request
        shown = proxy.shown(rel)
        for attempt in range(1, self.retry.attempts + 1):
            if sink is not None:
                sink.seek(0)
                sink.truncate()
            try:
                if proxy.file_root is not None:
                    return await self._read_file(proxy, rel, subject, limit, sink)
                return await self._http_get(proxy, rel, subject, limit, deadline, sink)
            except _Retry as transient:
                if attempt == self.retry.attempts:
                    note = f"gave up after {attempt} attempts" if attempt > 1 else ""
                    wait = transient.retry_after
                    if wait is not None and wait > self.retry.max_retry_after:
                        note += f"; the server asked to wait {wait:.0f}s"
                    raise _noted(transient.error, note.lstrip("; ")) from transient.__cause__
                delay = self.retry.delay(attempt)
                if transient.retry_after is not None:
                    delay = min(max(transient.retry_after, 0.0), self.retry.max_retry_after)
                self.stats.retries += 1
                self.reporter.retrying(shown, attempt, delay, transient.error.message)
                await asyncio.sleep(delay)
        raise AssertionError("internal error: retry loop ended without an answer")

    async def _read_file(
        self, proxy: _Proxy, rel: str, subject: str, limit: int, sink: IO[bytes] | None
    ) -> bytes:
        """Return a ``file://`` proxy's file: missing is 404, unreadable is 403, as in Go."""
        assert proxy.file_root is not None
        file = proxy.file_root.joinpath(*rel.split("/"))
        shown = proxy.shown(rel)
        self.stats.requests += 1
        try:
            data = await asyncio.to_thread(_copy_file, file, limit, sink)
        except _TooLarge:
            raise BadResponse(
                f"{subject}: reading {shown}: larger than {limit} bytes", url=shown
            ) from None
        except (FileNotFoundError, NotADirectoryError) as err:
            raise NotFound(f"{subject}: reading {shown}: {_strerror(err)}", url=shown) from err
        except PermissionError as err:
            raise ProxyUnavailable(
                f"{subject}: reading {shown}: {_strerror(err)}", url=shown, status=403
            ) from err
        except OSError as err:
            raise ProxyUnavailable(
                f"{subject}: reading {shown}: {_strerror(err)}", url=shown
            ) from err
        self.stats.bytes_read += len(data) if sink is None else sink.tell()
        self.reporter.fetched(shown, len(data) if sink is None else sink.tell())
        return data

    async def _http_get(
        self,
        proxy: _Proxy,
        rel: str,
        subject: str,
        limit: int,
        deadline: float,
        sink: IO[bytes] | None,
    ) -> bytes:
        """Return one HTTP attempt's body; raise _Retry for what may pass on a retry."""
        import h2.exceptions
        import httpx

        http = self._http_client()
        url = proxy.url(rel)
        shown = proxy.shown(rel)
        try:
            async with self._slots, asyncio.timeout(deadline):
                for _ in range(_MAX_REDIRECTS + 1):
                    auth = self._authorization(proxy, url)
                    headers = {"Authorization": auth} if auth else {}
                    request = http.build_request("GET", url, headers=headers)
                    self.stats.requests += 1
                    response = await http.send(request, stream=True)
                    try:
                        if response.is_redirect and "location" in response.headers:
                            url, shown = self._redirect(proxy, url, response, subject)
                            continue
                        if response.status_code != 200:
                            raise await self._status_error(response, shown, subject)
                        body = await self._read_body(response, shown, subject, limit, sink)
                        self.reporter.fetched(shown, len(body) if sink is None else sink.tell())
                        return body
                    finally:
                        await response.aclose()
                raise ProxyUnavailable(
                    f"{subject}: reading {shown}: stopped after {_MAX_REDIRECTS} redirects",
                    url=shown,
                )
        except TimeoutError as err:
            raise _Retry(
                ProxyUnavailable(
                    f"{subject}: reading {shown}: no complete answer within {deadline:g}s",
                    url=shown,
                    hint=_NETWORK_HINT,
                )
            ) from err
        except (httpx.HTTPError, httpx.InvalidURL, h2.exceptions.H2Error) as err:
            # h2's own errors can surface unmapped while an HTTP/2 body streams.
            error, transient = _translate(err, subject, shown)
            if transient:
                raise _Retry(error) from err
            raise error from err

    def _redirect(
        self, proxy: _Proxy, url: str, response: httpx.Response, subject: str
    ) -> tuple[str, str]:
        """Return the next URL of a redirect (and its shown form); never https -> http."""
        target = str(response.url.join(response.headers["location"]))
        scheme = urllib.parse.urlsplit(target).scheme
        if scheme not in ("http", "https") or (
            urllib.parse.urlsplit(url).scheme == "https" and scheme != "https"
        ):
            shown = _redact(url)
            raise ProxyUnavailable(
                f"{subject}: reading {shown}: redirected to {_redact(target)}, "
                "which goalign does not follow",
                url=shown,
            )
        return target, _redact(target)

    def _authorization(self, proxy: _Proxy, url: str) -> str | None:
        """Return the Authorization header for url: GOPROXY userinfo, else .netrc (https)."""
        if proxy.auth is not None and _origin(url) == _origin(proxy.base):
            return proxy.auth
        if not self._netrc or urllib.parse.urlsplit(url).scheme != "https":
            return None
        found = credentials_for(self._netrc, url)
        if found is None:
            return None
        login, password = found
        return _basic(login, password)

    async def _read_body(
        self,
        response: httpx.Response,
        shown: str,
        subject: str,
        limit: int,
        sink: IO[bytes] | None,
    ) -> bytes:
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise BadResponse(
                f"{subject}: reading {shown}: response of {declared} bytes is larger "
                f"than the {limit}-byte limit",
                url=shown,
            )
        parts: list[bytes] = []
        total = 0
        async for chunk in response.aiter_bytes():
            total += len(chunk)
            self.stats.bytes_read += len(chunk)
            if total > limit:
                raise BadResponse(
                    f"{subject}: reading {shown}: response is larger than the {limit}-byte limit",
                    url=shown,
                )
            if sink is None:
                parts.append(chunk)
            else:
                sink.write(chunk)
        return b"".join(parts)

    async def _status_error(self, response: httpx.Response, shown: str, subject: str) -> Exception:
        """Return the error for a reply that is not 200, quoting its body as Go does."""
        status = response.status_code
        import httpx

        reason = response.reason_phrase or httpx.codes.get_reason_phrase(status)
        detail = await _error_detail(response)
        text = f"{subject}: reading {shown}: {status} {reason}".rstrip()
        if detail:
            sep = "\n\t" if "\n" in detail else " "
            text += f"\n\tserver response:{sep}{detail}"
        if status in (404, 410):
            return NotFound(text, url=shown)
        hint = None
        if status in (401, 403):
            hint = "check the credentials for this host (.netrc, or user:password in GOPROXY)"
        error = ProxyUnavailable(text, url=shown, status=status, hint=hint)
        if status == 429 or (status >= 500 and status not in (501, 505)):
            return _Retry(error, _retry_after(response.headers.get("retry-after")))
        return error

    def _httpx_timeout(self) -> httpx.Timeout:
        import httpx

        t = self.timeouts
        return httpx.Timeout(connect=t.connect, read=t.read, write=t.read, pool=t.connect)


_NETWORK_HINT: Final = "check the network and GOPROXY, or use --offline to work from the caches"


def _translate(err: Exception, subject: str, shown: str) -> tuple[ProxyError, bool]:
    """Return the ProxyError for an httpx exception, and whether a retry may help."""
    import h2.exceptions
    import httpx

    prefix = f"{subject}: reading {shown}: "
    if isinstance(err, httpx.TimeoutException):
        what = {
            httpx.ConnectTimeout: "timed out connecting",
            httpx.ReadTimeout: "timed out waiting for data",
            httpx.WriteTimeout: "timed out sending the request",
            httpx.PoolTimeout: "timed out waiting for a connection",
        }.get(type(err), "timed out")
        return ProxyUnavailable(prefix + what, url=shown, hint=_NETWORK_HINT), True
    if isinstance(err, httpx.ConnectError) and _cause(err, ssl.SSLCertVerificationError):
        cert = _cause(err, ssl.SSLCertVerificationError)
        reason = getattr(cert, "verify_message", "") or str(cert)
        return ProxyUnavailable(
            prefix + f"TLS certificate not trusted: {reason}",
            url=shown,
            hint="set SSL_CERT_FILE to the CA bundle that signs this proxy's certificate",
        ), False
    if isinstance(err, h2.exceptions.H2Error):
        return ProxyUnavailable(
            prefix + f"HTTP/2 protocol error: {_first_line(err)}", url=shown
        ), True
    if isinstance(err, httpx.RemoteProtocolError):
        return ProxyUnavailable(prefix + f"broken response: {_first_line(err)}", url=shown), True
    if isinstance(err, httpx.ConnectError):
        return ProxyUnavailable(
            prefix + f"cannot connect: {_first_line(err)}", url=shown, hint=_NETWORK_HINT
        ), True
    if isinstance(err, httpx.NetworkError | httpx.ProxyError):
        return ProxyUnavailable(
            prefix + f"connection failed: {_first_line(err)}", url=shown, hint=_NETWORK_HINT
        ), True
    if isinstance(err, httpx.DecodingError):
        return BadResponse(prefix + f"undecodable response: {_first_line(err)}", url=shown), False
    if isinstance(err, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return ProxyUnavailable(prefix + f"invalid URL: {_first_line(err)}", url=shown), False
    # LocalProtocolError, TooManyRedirects and any later kind: not worth retrying.
    return ProxyUnavailable(prefix + _first_line(err), url=shown), False


def _noted(error: ProxyError, note: str) -> ProxyError:
    """Return error with ``(note)`` added to the end of its first line."""
    if note:
        first, sep, rest = error.message.partition("\n")
        error.message = f"{first} ({note}){sep}{rest}"
        error.args = (error.message,)
    return error


def _cause(err: BaseException, kind: type[BaseException]) -> BaseException | None:
    """Return the first exception of ``kind`` in err's chain of causes, or None."""
    seen: set[int] = set()
    current: BaseException | None = err
    while current is not None and id(current) not in seen:
        if isinstance(current, kind):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def _first_line(err: BaseException) -> str:
    """Return the first line of an exception's text, else of its cause's, else a description."""
    text = str(err).strip()
    if not text:
        os_error = _cause(err, OSError)
        if os_error is not None:
            text = (getattr(os_error, "strerror", None) or str(os_error)).strip()
    if not text:
        text = _quiet(type(err))
    return text.splitlines()[0]


def _quiet(kind: type[BaseException]) -> str:
    """Return what an httpx error that carries no text means."""
    import httpx

    said: dict[type[BaseException], str] = {
        httpx.ReadError: "the connection broke while reading the response",
        httpx.WriteError: "the connection broke while sending the request",
        httpx.CloseError: "the connection broke while closing",
        httpx.ConnectError: "the connection failed",
        httpx.RemoteProtocolError: "the server broke the HTTP protocol",
    }
    return said.get(kind, kind.__name__)


def _retry_after(value: str | None) -> float | None:
    """Return the seconds a Retry-After header asks for (delta or HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


async def _error_detail(response: httpx.Response) -> str:
    """Return the start of a text/plain error body, tab-indented, as Go's web package."""
    ctype = response.headers.get("content-type", "")
    media, _, params = ctype.partition(";")
    if media.strip().lower() != "text/plain":
        return ""
    charset = ""
    for param in params.split(";"):
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    if charset not in ("", "us-ascii", "utf-8"):
        return ""
    raw = bytearray()
    async for chunk in response.aiter_bytes():
        raw += chunk
        if len(raw) >= _ERROR_BODY_READ:
            break
    try:
        text = bytes(raw[:_ERROR_BODY_READ]).decode("utf-8")
    except UnicodeDecodeError:
        return ""
    if any(not (c.isprintable() or c.isspace()) for c in text):
        return ""  # no terminal tricks from the server
    lines: list[str] = []
    size = 0
    for i, line in enumerate(text.split("\n")):
        if not line.strip():
            break
        if i >= _MAX_ERROR_DETAIL_LINES:
            lines.append("[Truncated: too many lines.]")
            break
        if size + len(line) > _MAX_ERROR_DETAIL_BYTES:
            lines.append("[Truncated: too long.]")
            break
        lines.append(line)
        size += len(line) + 2
    return "\n\t".join(lines)


class _TooLarge(Exception):
    """A file:// file is over the size cap."""


def _copy_file(file: Path, limit: int, sink: IO[bytes] | None) -> bytes:
    """Return a file's bytes (or copy them into sink), refusing more than limit bytes."""
    with file.open("rb") as f:
        if os.fstat(f.fileno()).st_size > limit:
            raise _TooLarge
        if sink is None:
            data = f.read(limit + 1)
            if len(data) > limit:
                raise _TooLarge
            return data
        total = 0
        while chunk := f.read(_FILE_CHUNK):
            total += len(chunk)
            if total > limit:
                raise _TooLarge
            sink.write(chunk)
        return b""


def _strerror(err: OSError) -> str:
    """Return an OS error's reason as Go words it: lower case, no file name."""
    text = err.strerror or (errno.errorcode.get(err.errno or 0, "") if err.errno else str(err))
    return text[:1].lower() + text[1:]


def _rel(path: str, version: str, kind: FileKind) -> str:
    return f"{module.escape_path(path)}/{version_file(version, kind)}"


def _basic(login: str, password: str) -> str:
    token = base64.b64encode(f"{login}:{password}".encode()).decode("ascii")
    return f"Basic {token}"


def _origin(url: str) -> tuple[str, str]:
    parts = urllib.parse.urlsplit(url)
    return parts.scheme, (parts.hostname or "") + (f":{parts.port}" if parts.port else "")


def _redact(url: str) -> str:
    """Return url with its password replaced by ``xxxxx``, as Go's url.Redacted."""
    try:
        return GoURL.parse(url).redacted()
    except InputError:
        return url


def _parse_proxy(url: str, fall_through_on_any_error: bool) -> _Proxy:
    """Return a GOPROXY URL's parts; raise InputError for a URL Go would refuse."""
    parts = urllib.parse.urlsplit(url)
    shown = _redact(url).rstrip("/")
    if parts.scheme == "file":
        if parts.netloc or parts.query or parts.fragment:
            raise InputError(f"invalid file:// proxy URL with non-path elements: {shown}")
        from urllib.request import url2pathname  # slow to import; for file:// only

        root = Path(url2pathname(parts.path))
        return _Proxy(url.rstrip("/"), shown, None, root, fall_through_on_any_error)
    if parts.scheme not in ("http", "https"):
        if not parts.scheme:
            raise InputError(f"invalid proxy URL missing scheme: {shown}")
        raise InputError(f"invalid proxy URL scheme (must be https, http, file): {shown}")
    if not parts.hostname:
        raise InputError(f"invalid proxy URL missing host: {shown}")
    auth = None
    if parts.username is not None:
        auth = _basic(
            urllib.parse.unquote(parts.username), urllib.parse.unquote(parts.password or "")
        )
    netloc = parts.netloc.rpartition("@")[2]
    base = urllib.parse.urlunsplit((parts.scheme, netloc, parts.path.rstrip("/"), "", ""))
    return _Proxy(base, shown, auth, None, fall_through_on_any_error)


def _load_netrc(env: GoEnv, reporter: ProxyReporter) -> list[NetrcEntry]:
    """Return the .netrc entries GOAUTH allows (none for GOAUTH=off or no file).

    Other GOAUTH commands (``git``, a program to run) are not run: they are reported
    once and skipped.
    """
    commands = parse_goauth(env.goauth)
    others = [" ".join(words) for words in commands if words[0] != "netrc"]
    if others:
        reporter.warning(
            f"GOAUTH={env.goauth}: goalign uses only the netrc method; "
            f"not running {', '.join(others)}"
        )
    if not any(words[0] == "netrc" for words in commands):
        return []
    return load_netrc(env.netrc)
