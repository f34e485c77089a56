"""Writing several files as one change: all of them or none, never a half-written file."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

__all__ = ["write_all"]


def write_all(contents: Mapping[Path, bytes]) -> None:
    """Replace every file in ``contents`` with its new bytes, atomically as a set.

    Each new file is first written and synced beside its target, so a crash leaves
    either the old or the new file, never a partial one. Only when every temporary
    file is ready are they renamed over their targets; if a rename fails, the files
    already replaced get their old bytes back before the error propagates.
    """
    staged: list[tuple[Path, Path]] = []
    try:
        for target, data in contents.items():
            staged.append((_stage(target, data), target))
        originals: list[tuple[Path, bytes | None]] = []
        try:
            for temp, target in staged:
                originals.append((target, target.read_bytes() if target.exists() else None))
                os.replace(temp, target)
        except BaseException:
            for target, old in reversed(originals):
                if old is None:
                    target.unlink(missing_ok=True)
                else:
                    os.replace(_stage(target, old), target)
            raise
    finally:
        for temp, _ in staged:
            with contextlib.suppress(FileNotFoundError):
                temp.unlink()


def _stage(target: Path, data: bytes) -> Path:
    """Write ``data`` to a synced temporary file in ``target``'s folder, with its mode."""
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    temp = Path(name)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        if target.exists():
            os.chmod(temp, target.stat().st_mode & 0o7777)
        else:
            os.chmod(temp, 0o666 & ~_umask())
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return temp


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
