"""``goalign doctor``: predict whether plugin.Open will load each plugin, from built
files (build info) or from the module folders (source-tree checks)."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

from goalign.cli.exitcodes import ExitCode
from goalign.errors import InputError

__all__ = ["read_artifact", "read_tree", "run"]

Format = Literal["text", "json", "markdown"]


def read_artifact(path: Path) -> Any:
    """Return the :class:`goalign.doctor.Artifact` for a built file or a host manifest,
    named as given."""
    from goalign.doctor import Artifact
    from goalign.hostfile import read_build_info

    _, info = read_build_info(path)
    if info is None:
        raise InputError(
            f"{path}: is a folder; with built plugins the host must be built too "
            "(a binary or a host manifest)"
        )
    return Artifact(str(path), info)


def read_tree(path: Path) -> Any:
    """Return the :class:`goalign.treedoctor.Tree` of a module folder, named as given."""
    from goalign import modfile
    from goalign.loading import read_go_mod
    from goalign.treedoctor import Tree, vendored_modules

    folder = path.resolve()
    data = read_go_mod(folder / "go.mod")
    f = modfile.parse(data, str(path / "go.mod"))
    modules_txt = folder / "vendor" / "modules.txt"
    vendored = None
    if modules_txt.is_file():
        vendored = vendored_modules(modules_txt.read_text(encoding="utf-8", errors="replace"))
    return Tree(str(path), folder.as_posix(), f, vendored)


def _mod_flag() -> str | None:
    from goalign.goenv import goflag, load_go_env, parse_goflags

    return goflag(parse_goflags(load_go_env().goflags), "mod")


def run(host: Path, plugins: Sequence[Path], *, fmt: Format, emit_build_cmd: bool) -> ExitCode:
    """Print the prediction (or, with ``emit_build_cmd``, the matching build command).

    Built plugins (.so) are checked against a built host (binary or manifest); plugin
    folders against a host folder, binary or manifest (source-tree checks).
    """
    from goalign.doctor import diagnose, to_dict, to_markdown, to_text
    from goalign.hostfile import kind_of

    kinds = [kind_of(p) for p in plugins]
    if "folder" in kinds and any(k != "folder" for k in kinds):
        raise InputError(
            "--plugin: give either built plugins or plugin folders, not both",
            hint="built files are compared by build info, folders by their go.mod",
        )
    if kinds and all(k == "folder" for k in kinds):
        from goalign.treedoctor import diagnose_trees

        host_kind = kind_of(host)
        host_side = read_tree(host) if host_kind == "folder" else read_artifact(host)
        if emit_build_cmd and host_kind == "folder":
            raise InputError(
                f"{host}: --emit-build-cmd needs a built host (a binary or a host manifest)"
            )
        diagnosis = diagnose_trees(host_side, [read_tree(p) for p in plugins], mod_flag=_mod_flag())
    else:
        diagnosis = diagnose(read_artifact(host), [read_artifact(p) for p in plugins])
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
