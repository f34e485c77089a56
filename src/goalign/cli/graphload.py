"""Loading every artifact's module graph for ``goalign explain`` and ``goalign graph``.

The artifacts come from the same place as for ``goalign solve`` (``--host``/``--plugin``
or ``goalign.toml``, through :func:`goalign.align.load_config`); each build list is
loaded by :class:`goalign.loading.BuildListLoad`, all of them concurrently over one
proxy client. Imported only inside command bodies, so its imports cost ``--help``
nothing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from goalign.align import load_config
from goalign.cli.proxysetup import ProgressLine, StderrReporter, make_client
from goalign.explain import ArtifactGraph
from goalign.loading import BuildListLoad
from goalign.mvs import BuildList, GoModDirtyError

__all__ = ["Loaded", "load_artifacts"]


@dataclass(frozen=True)
class Loaded:
    """The artifacts' names as reports give them and their graphs, host first."""

    host: str
    plugins: tuple[str, ...]
    graphs: tuple[ArtifactGraph, ...]


async def _load(
    name: str,
    load: BuildListLoad,
    warn: StderrReporter,
    progress: ProgressLine,
    loads: list[BuildListLoad],
) -> ArtifactGraph:
    def step(_read: int, _known: int) -> None:
        progress(sum(x.read for x in loads), sum(x.known for x in loads))

    try:
        build_list: BuildList = await load.run(step)
    except GoModDirtyError as error:
        if error.build_list is None:
            raise
        why = f" ({error.hint})" if error.hint else ""
        warn.warning(f"{name}/go.mod: {error.message.splitlines()[0]}{why}")
        build_list = error.build_list
    return ArtifactGraph(name, build_list)


def load_artifacts(
    directory: Path,
    *,
    host: Path | None,
    plugins: Sequence[Path],
    proxy: str | None,
    offline: bool,
) -> Loaded:
    """Return the module graph of the host and of every plugin.

    A main go.mod that Go would want tidied (``updates to go.mod needed``) is still
    shown, as loaded, with a warning on stderr: explaining an untidy go.mod is part of
    what these commands are for. Any other failure to load a graph is raised.

    :raises InputError: bad configuration or a malformed go.mod (exit 2).
    :raises ResolutionError: a build list that cannot be computed (exit 3).
    :raises ProxyError: the proxy failed (exit 4).
    """
    config = load_config(directory, host=host, plugins=plugins, proxy=proxy)
    folders = [config.host, *config.plugins]
    names = [config.name(f) for f in folders]
    warn = StderrReporter()
    progress = ProgressLine("loading module graphs")

    async def go() -> list[ArtifactGraph]:
        async with make_client(proxy=config.proxy, offline=offline) as client:
            loads = [BuildListLoad(folder, client) for folder in folders]
            return list(
                await asyncio.gather(
                    *(
                        _load(name, load, warn, progress, loads)
                        for name, load in zip(names, loads, strict=True)
                    )
                )
            )

    try:
        graphs = asyncio.run(go())
    finally:
        progress.close()
    return Loaded(names[0], tuple(names[1:]), tuple(graphs))
