"""Serve a GOPROXY folder over real HTTP on 127.0.0.1, with faults injected per path.

Build the folder with :func:`goproxy.write_proxy`, then::

    with serve(root) as server:
        server.fault(rel("example.com/a", "v1.0.0", "mod"), Fault(status=500, times=2))
        ... GOPROXY=server.url ...
        assert server.count(rel(...)) == 3

A :class:`Fault` replaces the normal answer for one request path (the path after the
base URL, decoded, without the leading slash): an error status with a body, a reset
connection, a stall, a truncated or oversized body, or other bytes. ``times`` limits it
to the first N requests; later ones get the file. The server records every request
(path and headers) and the body bytes it sent per path, and ``stop`` (or leaving the
``with``) wakes stalled handlers and ends every thread, so no test hangs on it.

Optional TLS: pass an ``ssl.SSLContext`` for the server side (see :func:`make_cert`).
"""

from __future__ import annotations

import shutil
import socket
import ssl
import struct
import subprocess
import threading
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Literal

from goalign.module import escape_path, escape_version

__all__ = ["Fault", "ProxyServer", "Request", "make_cert", "rel", "serve"]

_CHUNK = 64 << 10


def rel(path: str, version: str = "", kind: Literal["info", "mod", "zip", "list"] = "list") -> str:
    """Return the request path (below the base URL) of a module's file, decoded."""
    if kind == "list":
        return f"{escape_path(path)}/@v/list"
    return f"{escape_path(path)}/@v/{escape_version(version)}.{kind}"


@dataclass
class Fault:
    """How to answer one request path instead of serving the file.

    At most one of ``status``, ``reset``, ``truncate``, ``oversize`` and ``body`` is
    set; ``stall`` and ``latency`` wait first (``stall`` then drops the connection
    unless another kind is set). ``times`` is how many requests get the fault (None:
    every one).
    """

    status: int | None = None
    body: bytes | None = None
    content_type: str = "text/plain; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    reset: bool = False
    stall: float = 0.0
    latency: float = 0.0
    truncate: int | None = None
    oversize: int | None = None
    declare_length: bool = False
    times: int | None = None


@dataclass(frozen=True)
class Request:
    """One request the server received: its decoded path, the path as sent, headers."""

    path: str
    raw: str
    headers: dict[str, str]


class ProxyServer:
    """A threaded HTTP server for a GOPROXY folder; see the module docs."""

    def __init__(
        self, root: Path, *, latency: float = 0.0, tls: ssl.SSLContext | None = None
    ) -> None:
        self.root = root
        self.latency = latency
        self.faults: dict[str, Fault] = {}
        self.requests: list[Request] = []
        self.sent: dict[str, int] = {}
        self.active = 0
        self.max_active = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._httpd = _Server(("127.0.0.1", 0), _Handler)
        self._httpd.proxy = self
        if tls is not None:
            self._httpd.socket = tls.wrap_socket(self._httpd.socket, server_side=True)
        self.port = self._httpd.server_address[1]
        scheme = "https" if tls is not None else "http"
        self.url = f"{scheme}://127.0.0.1:{self.port}"
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def start(self) -> None:
        """Start serving in a background thread."""
        self._thread.start()

    def stop(self) -> None:
        """Wake stalled handlers, stop serving and close the socket."""
        self._stop.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def fault(self, path: str, fault: Fault) -> None:
        """Answer requests for ``path`` (see :func:`rel`) with ``fault``."""
        with self._lock:
            self.faults[path] = fault

    def count(self, path: str | None = None) -> int:
        """Return how many requests came for ``path`` (for any path if None)."""
        with self._lock:
            return sum(1 for r in self.requests if path is None or r.path == path)

    def bytes_sent(self, path: str) -> int:
        """Return the body bytes the server managed to send for ``path``."""
        with self._lock:
            return self.sent.get(path, 0)

    # --- used by the handler ------------------------------------------------------

    def _take(self, path: str, raw: str, headers: dict[str, str]) -> Fault | None:
        with self._lock:
            self.requests.append(Request(path, raw, headers))
            fault = self.faults.get(path)
            if fault is None or fault.times == 0:
                return None
            if fault.times is not None:
                fault.times -= 1
            return fault

    def _enter(self, delta: int) -> None:
        with self._lock:
            self.active += delta
            self.max_active = max(self.max_active, self.active)

    def _count_sent(self, path: str, n: int) -> None:
        with self._lock:
            self.sent[path] = self.sent.get(path, 0) + n

    def _wait(self, seconds: float) -> bool:
        """Sleep up to ``seconds``; report whether the server is stopping."""
        return self._stop.wait(seconds) if seconds > 0 else self._stop.is_set()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # socketserver's default listen backlog of 5 drops bursts of concurrent connects,
    # and a dropped SYN is retried only after a second: far too slow for a proxy.
    request_queue_size = 256
    proxy: ProxyServer

    def handle_error(self, request: object, client_address: object) -> None:
        """Stay quiet: clients that hang up are what the fault tests are about."""


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    timeout = 5  # idle keep-alive connections end on their own

    def log_message(self, format: str, *args: object) -> None:
        """Stay quiet."""

    def do_GET(self) -> None:
        self.server.proxy._enter(1)
        try:
            self._get()
        finally:
            self.server.proxy._enter(-1)

    def _get(self) -> None:
        proxy = self.server.proxy
        raw = urllib.parse.urlsplit(self.path).path
        path = urllib.parse.unquote(raw).lstrip("/")
        fault = proxy._take(path, raw, {k.lower(): v for k, v in self.headers.items()})
        delay = proxy.latency + (fault.latency if fault else 0.0)
        if proxy._wait(delay):
            self._drop()
            return
        if fault is not None and fault.stall:
            proxy._wait(fault.stall)
            if not (fault.status or fault.body is not None or fault.truncate is not None):
                self._drop()
                return
        if fault is not None and fault.reset:
            self._reset()
        elif fault is not None and fault.status is not None:
            self._answer(fault.status, fault.body or b"", fault.content_type, fault.headers)
        elif fault is not None and fault.oversize is not None:
            self._oversize(path, fault)
        else:
            data = fault.body if fault is not None and fault.body is not None else None
            if data is None:
                data = self._file(path)
                if data is None:
                    self._answer(404, f"not found: {path}\n".encode(), "text/plain", {})
                    return
            if fault is not None and fault.truncate is not None:
                self._truncated(path, data, fault.truncate)
            else:
                extra = fault.headers if fault is not None else {}
                self._answer(200, data, "application/octet-stream", extra, path=path)

    def _file(self, path: str) -> bytes | None:
        root = self.server.proxy.root.resolve()
        file = (root / path).resolve()
        if not file.is_relative_to(root) or not file.is_file():
            return None
        return file.read_bytes()

    def _answer(
        self,
        status: int,
        body: bytes,
        content_type: str,
        headers: dict[str, str],
        *,
        path: str = "",
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        try:
            self.wfile.write(body)
            self.wfile.flush()
        except OSError:
            return
        if path:
            self.server.proxy._count_sent(path, len(body))

    def _truncated(self, path: str, data: bytes, keep: int) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        try:
            self.wfile.write(data[:keep])
            self.wfile.flush()
        except OSError:
            pass
        self.server.proxy._count_sent(path, keep)
        self._drop()

    def _oversize(self, path: str, fault: Fault) -> None:
        assert fault.oversize is not None
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        if fault.declare_length:
            self.send_header("Content-Length", str(fault.oversize))
        self.send_header("Connection", "close")
        self.end_headers()
        chunk = b"x" * _CHUNK
        left = fault.oversize
        try:
            while left > 0 and not self.server.proxy._stop.is_set():
                piece = chunk[: min(left, _CHUNK)]
                self.wfile.write(piece)
                self.server.proxy._count_sent(path, len(piece))
                left -= len(piece)
            self.wfile.flush()
        except OSError:
            pass
        self.close_connection = True

    def _drop(self) -> None:
        """Close the connection without answering."""
        self.close_connection = True
        with suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def _reset(self) -> None:
        """Close the connection with a TCP reset (SO_LINGER 0)."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        except OSError:
            pass


@contextmanager
def serve(
    root: Path, *, latency: float = 0.0, tls: ssl.SSLContext | None = None
) -> Iterator[ProxyServer]:
    """Yield a started :class:`ProxyServer` for ``root``; stop it on exit."""
    server = ProxyServer(root, latency=latency, tls=tls)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def make_cert(folder: Path) -> tuple[Path, Path] | None:
    """Write a self-signed certificate for 127.0.0.1 and localhost; None without openssl.

    Return (certificate, key) files; the certificate is also the CA to trust.
    """
    openssl = shutil.which("openssl")
    if openssl is None:
        return None
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-keyout", str(key), "-out", str(cert), "-subj", "/CN=localhost",
            "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
            "-addext", "basicConstraints=critical,CA:TRUE",
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key
