"""The ways a module proxy lookup fails, as :class:`~goalign.errors.ProxyError` kinds.

::

    ProxyError                   goalign.errors; .url, .message, .hint: exit 4
    ├─ NotFound                  404/410, a missing file:// file: try the next proxy
    │  ├─ LookupDisabled         GOPROXY=off
    │  └─ DirectNotSupported     "direct" or GONOPROXY: needs version control
    ├─ ProxyUnavailable          any other status, or the network failed after retries
    ├─ BadResponse               an answer goalign refuses: too large, bad JSON, wrong version
    └─ OfflineCacheMiss          --offline and the caches do not hold the file

Only :class:`NotFound` (and its kinds) lets a ``,``-separated GOPROXY list move on to
its next entry, as Go's ``errors.Is(err, fs.ErrNotExist)`` does; after ``|`` every
kind moves on.
"""

from __future__ import annotations

from goalign.errors import ProxyError

__all__ = [
    "BadResponse",
    "DirectNotSupported",
    "LookupDisabled",
    "NotFound",
    "OfflineCacheMiss",
    "ProxyError",
    "ProxyUnavailable",
]


class NotFound(ProxyError):
    """The proxy does not have the file (404, 410 or a missing file:// file)."""


class LookupDisabled(NotFound):
    """GOPROXY=off forbids the lookup."""


class DirectNotSupported(NotFound):
    """The lookup needs a version-control fetch, which goalign does not do."""


class ProxyUnavailable(ProxyError):
    """The proxy answered with an error status or could not be reached after retries.

    ``status`` is the HTTP status (403 for an unreadable file:// file), or None when
    no response came (connection refused or reset, timeout, protocol error).
    """

    def __init__(
        self, message: str, *, url: str = "", status: int | None = None, hint: str | None = None
    ) -> None:
        super().__init__(message, url=url, hint=hint)
        self.status = status


class BadResponse(ProxyError):
    """The proxy's answer is one goalign refuses: too large, malformed or inconsistent."""


class OfflineCacheMiss(ProxyError):
    """Offline mode, and neither Go's module cache nor goalign's holds the file."""
