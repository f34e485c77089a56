"""The module proxy: GOPROXY over HTTP(S) and ``file://``, and the module caches.

- :mod:`goalign.proxy.client`: :class:`ProxyClient`, async, one HTTP/2 client.
- :mod:`goalign.proxy.cache`: :class:`ModuleCache`, Go's module cache read first,
  goalign's own cache written.
- :mod:`goalign.proxy.protocol`: file names and formats, no I/O.
- :mod:`goalign.proxy.errors`: the ProxyError kinds.

This package is the only part of goalign that imports httpx; no httpx exception
leaves it.
"""

from __future__ import annotations

from goalign.proxy.cache import DEFAULT_LIST_TTL, ModuleCache, default_cache_dir
from goalign.proxy.client import ClientStats, ProxyClient, ProxyReporter, RetryPolicy, Timeouts
from goalign.proxy.errors import (
    BadResponse,
    DirectNotSupported,
    LookupDisabled,
    NotFound,
    OfflineCacheMiss,
    ProxyError,
    ProxyUnavailable,
)
from goalign.proxy.protocol import MAX_META_BYTES, MAX_ZIP_BYTES, VersionInfo

__all__ = [
    "DEFAULT_LIST_TTL",
    "MAX_META_BYTES",
    "MAX_ZIP_BYTES",
    "BadResponse",
    "ClientStats",
    "DirectNotSupported",
    "LookupDisabled",
    "ModuleCache",
    "NotFound",
    "OfflineCacheMiss",
    "ProxyClient",
    "ProxyError",
    "ProxyReporter",
    "ProxyUnavailable",
    "RetryPolicy",
    "Timeouts",
    "VersionInfo",
    "default_cache_dir",
]
