"""``goalign list``: a main module's build list, printed as ``go list -m all`` prints it."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from goalign.cli.exitcodes import ExitCode
from goalign.cli.proxysetup import ProgressLine, make_client

__all__ = ["run"]


def run(directory: Path, *, proxy: str | None, offline: bool) -> ExitCode:
    """Print the build list of the main module in ``directory``; return the exit code."""
    from goalign.loading import load_build_list
    from goalign.mvs import BuildList

    progress = ProgressLine("loading the module graph")

    async def load() -> BuildList:
        async with make_client(proxy=proxy, offline=offline) as client:
            return await load_build_list(directory, client, progress)

    try:
        build_list = asyncio.run(load())
    finally:
        progress.close()
    sys.stdout.write(build_list.format())
    return ExitCode.OK
