"""Module files on disk: Go's module cache, read only, then goalign's own cache.

Go's download cache (``$GOMODCACHE/cache/download``) already holds every module a
build on this machine has used, so it is read first and never written: the go command
owns it, locks it and checks it against go.sum. goalign keeps what it fetches in its
own folder, laid out the same way (``download/<escaped path>/@v/<escaped version>.mod``),
so it also works as a ``file://`` GOPROXY.

A version's ``.mod``, ``.info`` and ``.zip`` never change, so they are kept forever.
``@v/list`` and ``@latest`` change when a version is tagged, so they count as fresh
for ``list_ttl`` seconds only (offline, any age will do).

Every write goes to a temporary file in the target's folder and is renamed over the
target, so two goalign processes writing one entry leave one whole copy and readers
never see half a file. An entry that does not parse (a ``.info`` that is not JSON for
its version, a ``.zip`` without a zip directory, an empty file) counts as missing, so
it is fetched and written again. A cache that cannot be written only costs speed: the
failure is reported once and the fetched bytes are still returned.
"""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import BinaryIO

import platformdirs

from goalign import module
from goalign.proxy.protocol import (
    MAX_META_BYTES,
    FileKind,
    VersionInfo,
    canonical_request,
    parse_info,
    version_file,
)

__all__ = ["DEFAULT_LIST_TTL", "ModuleCache", "default_cache_dir"]

DEFAULT_LIST_TTL = 600.0
"""Seconds an ``@v/list`` or ``@latest`` answer stays fresh (10 minutes)."""


def default_cache_dir(environ: Mapping[str, str] | None = None) -> Path:
    """Return goalign's cache folder: ``$GOALIGN_CACHE`` if set, else the user cache folder.

    ``environ`` defaults to the process environment.
    """
    env = os.environ if environ is None else environ
    override = env.get("GOALIGN_CACHE", "")
    if override:
        return Path(override)
    return Path(platformdirs.user_cache_dir("goalign"))


class ModuleCache:
    """Read module files from Go's module cache and goalign's; write only goalign's.

    ``root`` is goalign's cache folder (default :func:`default_cache_dir`);
    ``gomodcache`` is ``$GOMODCACHE`` (Go's files are read from its
    ``cache/download``), or None to leave Go's cache alone. ``on_warning`` receives
    the message when goalign's cache cannot be written (once per cache).

    Every method checks the module path and version before they name a file, and
    raises InvalidPath or InvalidVersion for bad ones.
    """

    def __init__(
        self,
        root: Path | str | None = None,
        *,
        gomodcache: Path | str | None = None,
        list_ttl: float = DEFAULT_LIST_TTL,
        on_warning: Callable[[str], None] | None = None,
    ) -> None:
        self.root = Path(root) if root is not None else default_cache_dir()
        self.go_download = Path(gomodcache) / "cache" / "download" if gomodcache else None
        self.list_ttl = list_ttl
        self._on_warning = on_warning
        self._warned = False

    # --- where files are -----------------------------------------------------------

    def own_file(self, path: str, version: str, kind: FileKind) -> Path:
        """Return where goalign's cache keeps a version's ``.mod``, ``.info`` or ``.zip``."""
        canonical_request(path, version)
        return self._module_dir(path) / version_file(version, kind)

    def go_file(self, path: str, version: str, kind: FileKind) -> Path | None:
        """Return where Go's module cache keeps the file, or None without a GOMODCACHE."""
        canonical_request(path, version)
        if self.go_download is None:
            return None
        return self.go_download / module.escape_path(path) / version_file(version, kind)

    def _module_dir(self, path: str) -> Path:
        return self.root / "download" / module.escape_path(path)

    # --- immutable files -----------------------------------------------------------

    def read(self, path: str, version: str, kind: FileKind) -> bytes | None:
        """Return a version's file from Go's cache, else goalign's; None if neither has it.

        A file that fails its check (see the module docs) is passed over.
        """
        for file in self._candidates(path, version, kind):
            data = _read(file, limit=None if kind == "zip" else MAX_META_BYTES)
            if data is not None and _intact(data, version, kind):
                return data
        return None

    def find_zip(self, path: str, version: str) -> Path | None:
        """Return the file of a cached module zip that opens as a zip, or None."""
        for file in self._candidates(path, version, "zip"):
            try:
                if file.is_file() and zipfile.is_zipfile(file):
                    return file
            except OSError:
                continue
        return None

    def read_info(self, path: str, version: str) -> VersionInfo | None:
        """Return the cached ``.info`` of a version, parsed; None if not cached."""
        data = self.read(path, version, "info")
        return None if data is None else parse_info(data)

    def write(self, path: str, version: str, kind: FileKind, data: bytes) -> Path | None:
        """Store a version's file in goalign's cache; return its file, None if that failed."""
        return self._write(self.own_file(path, version, kind), data)

    @contextlib.contextmanager
    def zip_writer(self, path: str, version: str) -> Iterator[BinaryIO]:
        """Yield a temporary file that becomes the cached zip when the block succeeds.

        The caller writes the zip's bytes (and may truncate and rewrite them); if the
        block raises, the temporary file is removed and the cache is unchanged.
        """
        target = self.own_file(path, version, "zip")
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        temp = Path(name)
        try:
            with os.fdopen(fd, "w+b") as out:
                yield out
            os.chmod(temp, 0o644)
            os.replace(temp, target)
        finally:
            temp.unlink(missing_ok=True)

    def _candidates(self, path: str, version: str, kind: FileKind) -> list[Path]:
        go = self.go_file(path, version, kind)
        own = self.own_file(path, version, kind)
        return [own] if go is None else [go, own]

    # --- lists that change ---------------------------------------------------------

    def read_list(self, path: str, *, any_age: bool = False) -> bytes | None:
        """Return a module's cached ``@v/list`` if fresh (or of any age); None if not.

        With ``any_age`` (offline), Go's cached list is the last resort; it names only
        the versions whose ``.mod`` Go has downloaded.
        """
        data = self._read_fresh(self._module_dir(path) / "@v" / "list", any_age)
        if data is None and any_age and self.go_download is not None:
            data = _read(self.go_download / module.escape_path(path) / "@v" / "list")
        return data

    def write_list(self, path: str, data: bytes) -> Path | None:
        """Store a module's ``@v/list`` answer; return its file, None if that failed."""
        return self._write(self._module_dir(path) / "@v" / "list", data)

    def read_latest(self, path: str, *, any_age: bool = False) -> VersionInfo | None:
        """Return a module's cached ``@latest`` answer if fresh (or of any age)."""
        data = self._read_fresh(self._module_dir(path) / "@latest", any_age)
        if data is None:
            return None
        try:
            info = parse_info(data)
        except ValueError:
            return None
        return info if info.version else None

    def write_latest(self, path: str, data: bytes) -> Path | None:
        """Store a module's ``@latest`` answer; return its file, None if that failed."""
        return self._write(self._module_dir(path) / "@latest", data)

    def _read_fresh(self, file: Path, any_age: bool) -> bytes | None:
        try:
            age = time.time() - file.stat().st_mtime
        except OSError:
            return None
        # A file from the future (the clock moved back) is as stale as an old one.
        if not any_age and abs(age) > self.list_ttl:
            return None
        return _read(file)

    # --- writing -------------------------------------------------------------------

    def _write(self, target: Path, data: bytes) -> Path | None:
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        except OSError as err:
            self._warn(target, err)
            return None
        temp = Path(name)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.chmod(temp, 0o644)
            os.replace(temp, target)
        except OSError as err:
            temp.unlink(missing_ok=True)
            self._warn(target, err)
            return None
        return target

    def _warn(self, target: Path, err: OSError) -> None:
        if self._warned or self._on_warning is None:
            return
        self._warned = True
        reason = err.strerror or str(err)
        self._on_warning(f"cannot write goalign's cache at {target}: {reason}; not caching")


def _read(file: Path, limit: int | None = MAX_META_BYTES) -> bytes | None:
    """Return a file's bytes, or None if it is missing, unreadable or over limit."""
    try:
        with file.open("rb") as f:
            if limit is not None and os.fstat(f.fileno()).st_size > limit:
                return None
            return f.read()
    except OSError:
        return None


def _intact(data: bytes, version: str, kind: FileKind) -> bool:
    """Report whether a cached file looks whole: never empty, a parsing .info, a zip."""
    if not data:
        return False
    if kind == "info":
        try:
            return parse_info(data).version == version
        except ValueError:
            return False
    if kind == "zip":
        return zipfile.is_zipfile(io.BytesIO(data))
    return True
