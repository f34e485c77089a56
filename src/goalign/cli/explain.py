"""``goalign explain MODULE...``: why each artifact has the version of a module it has."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from goalign.cli.exitcodes import ExitCode

__all__ = ["parse_module_arg", "run"]

Format = Literal["text", "json"]


def parse_module_arg(arg: str) -> tuple[str, str | None]:
    """Return (path, version or None) from ``path`` or ``path@version``.

    :raises InputError: a malformed module path or version.
    """
    from goalign import module

    path, at, version = arg.partition("@")
    if at:
        module.check(path, version)
        return path, version
    module.check_path(path)
    return path, None


def run(
    modules: Sequence[str],
    directory: Path,
    *,
    host: Path | None,
    plugins: Sequence[Path],
    fmt: Format,
    proxy: str | None,
    offline: bool,
    max_chains: int,
) -> ExitCode:
    """Print, for each module and artifact, its version and the chains that put it there."""
    from goalign.cli.graphload import load_artifacts
    from goalign.explain import explain
    from goalign.graphfmt import explain_json, explain_text

    wanted = [parse_module_arg(m) for m in modules]
    loaded = load_artifacts(directory, host=host, plugins=plugins, proxy=proxy, offline=offline)
    answers = [explain(loaded.graphs, p, v, limit=max_chains) for p, v in wanted]
    if fmt == "json":
        sys.stdout.write(explain_json(answers, loaded.host, loaded.plugins))
    else:
        sys.stdout.write(explain_text(answers))
    return ExitCode.OK
