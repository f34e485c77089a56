"""``goalign doctor``: predict from built files whether plugin.Open will load each plugin."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

from goalign.cli.exitcodes import ExitCode
from goalign.errors import InputError

__all__ = ["read_artifact", "run"]

Format = Literal["text", "json", "markdown"]


def read_artifact(path: Path) -> Any:
    """Return the :class:`goalign.doctor.Artifact` for a built file, named as given."""
    from goalign.buildinfo import parse
    from goalign.doctor import Artifact

    if path.is_dir():
        raise InputError(
            f"{path}: is a folder; doctor reads built files (a host binary and plugin .so files)"
        )
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(f"{path}: {error.strerror or error}") from None
    return Artifact(str(path), parse(data, str(path)))


def run(host: Path, plugins: Sequence[Path], *, fmt: Format, emit_build_cmd: bool) -> ExitCode:
    """Print the prediction (or, with ``emit_build_cmd``, the matching build command)."""
    from goalign.doctor import diagnose, to_dict, to_markdown, to_text

    host_artifact = read_artifact(host)
    artifacts = [read_artifact(p) for p in plugins]
    diagnosis = diagnose(host_artifact, artifacts)
    if emit_build_cmd:
        sys.stdout.write(diagnosis.build_command + "\n")
        return ExitCode.OK
    if fmt == "json":
        sys.stdout.write(json.dumps(to_dict(diagnosis), indent=2, sort_keys=True) + "\n")
    elif fmt == "markdown":
        sys.stdout.write(to_markdown(diagnosis))
    else:
        sys.stdout.write(to_text(diagnosis))
    return ExitCode.OK if diagnosis.will_load else ExitCode.EDITS_NEEDED
