"""``goalign fmt``: go.mod files formatted as ``go mod edit -fmt`` formats them."""

from __future__ import annotations

import difflib
import sys
from pathlib import Path

from goalign.cli.exitcodes import ExitCode
from goalign.errors import InputError

__all__ = ["run"]


def run(paths: list[Path], *, check: bool, diff: bool) -> ExitCode:
    """Format ``paths`` (files or folders with a go.mod); return the exit code.

    With ``check`` or ``diff`` nothing is written and the result says whether any
    file would change. Otherwise all changed files are rewritten as one atomic set.
    """
    from goalign import modfile
    from goalign.files import write_all

    changed: dict[Path, bytes] = {}
    for given in paths:
        path = given / "go.mod" if given.is_dir() else given
        try:
            data = path.read_bytes()
        except OSError as error:
            raise InputError(f"{path}: {error.strerror or error}") from error
        formatted = modfile.parse(data, str(path)).format()
        if formatted == data:
            continue
        changed[path] = formatted
        if diff:
            sys.stdout.writelines(_unified_diff(path, data, formatted))
        elif check:
            print(path)
    if check or diff:
        return ExitCode.EDITS_NEEDED if changed else ExitCode.OK
    write_all(changed)
    for path in changed:
        print(f"formatted {path}", file=sys.stderr)
    return ExitCode.OK


def _unified_diff(path: Path, old: bytes, new: bytes) -> list[str]:
    """Return a unified diff of two versions of a file, as ``git diff`` labels it."""
    return list(
        difflib.unified_diff(
            old.decode("utf-8", "replace").splitlines(keepends=True),
            new.decode("utf-8", "replace").splitlines(keepends=True),
            fromfile=f"a/{path}",
            tofile=f"b/{path}",
        )
    )
