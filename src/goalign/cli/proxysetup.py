"""Building the proxy client every network command shares, from Go's own configuration."""

from __future__ import annotations

import dataclasses
import sys
from typing import TextIO

from goalign.goenv import GoEnv, load_go_env
from goalign.proxy import ModuleCache, ProxyClient, ProxyReporter

__all__ = ["ProgressLine", "StderrReporter", "make_client"]


class StderrReporter(ProxyReporter):
    """Print the client's warnings on stderr, each once."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self._said: set[str] = set()

    def warning(self, message: str) -> None:
        if message not in self._said:
            self._said.add(message)
            print(f"goalign: warning: {message}", file=self.stream)


def make_client(*, proxy: str | None, offline: bool, env: GoEnv | None = None) -> ProxyClient:
    """Return a client configured as Go would be here, with ``--proxy`` replacing GOPROXY.

    Go's module cache (GOMODCACHE) is read first and never written; goalign's own cache
    lives in the user cache folder (``$GOALIGN_CACHE`` overrides it).
    """
    env = env or load_go_env()
    if proxy is not None:
        env = dataclasses.replace(env, goproxy=proxy)
    reporter = StderrReporter()
    cache = ModuleCache(gomodcache=env.gomodcache or None, on_warning=reporter.warning)
    return ProxyClient(env, cache=cache, offline=offline, reporter=reporter)


class ProgressLine:
    """A one-line progress display on stderr, drawn only when stderr is a terminal."""

    def __init__(self, label: str, stream: TextIO | None = None) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty()
        self._drawn = False

    def __call__(self, done: int, total: int) -> None:
        if self.enabled:
            self.stream.write(f"\r\x1b[Kgoalign: {self.label}: {done}/{total} go.mod files")
            self.stream.flush()
            self._drawn = True

    def close(self) -> None:
        """Erase the line so later output starts clean."""
        if self._drawn:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
