"""``goalign graph``: the requirement graph of the host and its plugins, conflicts marked."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from goalign.cli.exitcodes import ExitCode

__all__ = ["FORMATS", "run"]

Format = Literal["dot", "mermaid", "json", "modgraph"]
FORMATS: tuple[Format, ...] = ("dot", "mermaid", "json", "modgraph")


def run(
    directory: Path,
    *,
    host: Path | None,
    plugins: Sequence[Path],
    fmt: Format,
    artifact: str | None,
    proxy: str | None,
    offline: bool,
) -> ExitCode:
    """Print the merged requirement graph (or one artifact's) in ``fmt``."""
    from goalign.cli.graphload import load_artifacts
    from goalign.errors import InputError
    from goalign.explain import mod_graph, union_graph
    from goalign.graphfmt import graph_dot, graph_json, graph_mermaid

    loaded = load_artifacts(directory, host=host, plugins=plugins, proxy=proxy, offline=offline)
    graphs = loaded.graphs
    if artifact is not None:
        graphs = tuple(g for g in graphs if g.name == artifact)
        if not graphs:
            names = ", ".join(g.name for g in loaded.graphs)
            raise InputError(f"--artifact: no artifact named {artifact!r} (have: {names})")
    if fmt == "modgraph":
        if len(graphs) != 1:
            raise InputError(
                "--format modgraph prints one artifact's graph: name it with --artifact"
            )
        sys.stdout.write(mod_graph(graphs[0].graph))
        return ExitCode.OK
    ug = union_graph(graphs)
    if fmt == "json":
        sys.stdout.write(graph_json(ug, loaded.host, loaded.plugins))
    elif fmt == "mermaid":
        sys.stdout.write(graph_mermaid(ug))
    else:
        sys.stdout.write(graph_dot(ug))
    return ExitCode.OK
