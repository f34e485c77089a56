"""``goalign manifest``: print a built host's build info as a host manifest (JSON)."""

from __future__ import annotations

import sys
from pathlib import Path

from goalign.cli.exitcodes import ExitCode
from goalign.errors import InputError

__all__ = ["run"]


def run(path: Path) -> ExitCode:
    """Print the ``goalign.manifest/v1`` JSON of the built file (or manifest) at ``path``."""
    from goalign import manifest
    from goalign.hostfile import read_build_info

    _, info = read_build_info(path)
    if info is None:
        raise InputError(f"{path}: is a folder; a manifest is made from a built host program")
    sys.stdout.write(manifest.dumps(info))
    return ExitCode.OK
