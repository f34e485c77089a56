"""What a ``--host`` (or ``--plugin``) path names: a module folder, a built Go file or a
host manifest, and the build info of the last two.

The kind is read from the path itself: a folder; a file starting with an ELF or
Mach-O magic number (a Go binary or plugin); a file starting with ``{`` (a
``goalign.manifest/v1`` JSON file). Anything else is bad input.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from goalign.buildinfo import MACHO_MAGICS, BuildInfo
from goalign.errors import InputError

__all__ = ["Kind", "kind_of", "read_build_info"]

Kind = Literal["folder", "binary", "manifest"]


def _head(path: Path) -> bytes:
    try:
        with path.open("rb") as f:
            return f.read(64)
    except OSError as error:
        raise InputError(f"{path}: {error.strerror or error}") from None


def kind_of(path: Path) -> Kind:
    """Return what ``path`` is.

    :raises InputError: it does not exist, cannot be read, or is none of the three.
    """
    if path.is_dir():
        return "folder"
    head = _head(path)
    if head[:4] == b"\x7fELF" or head[:4] in MACHO_MAGICS:
        return "binary"
    if head.lstrip()[:1] == b"{":
        return "manifest"
    raise InputError(
        f"{path}: not a Go binary or plugin (ELF or Mach-O), a goalign manifest (JSON) "
        "or a module folder"
    )


def read_build_info(path: Path, name: str | None = None) -> tuple[Kind, BuildInfo | None]:
    """Return the kind of ``path`` and, for a binary or manifest, its build info.

    ``name`` names the file in messages (default: the path as given).
    """
    from goalign import buildinfo, manifest

    kind = kind_of(path)
    if kind == "folder":
        return kind, None
    label = name or str(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(f"{path}: {error.strerror or error}") from None
    if kind == "binary":
        return kind, buildinfo.parse(data, label)
    return kind, manifest.loads(data, label)
