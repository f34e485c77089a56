"""``goalign solve`` and ``goalign check``: align a host and its plugins, print or write."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from goalign.cli.exitcodes import ExitCode
from goalign.cli.proxysetup import make_client

__all__ = ["run"]

Format = Literal["text", "json", "markdown"]


def run(
    directory: Path,
    *,
    host: Path | None,
    plugins: Sequence[Path],
    strategy: str | None,
    write: bool,
    fmt: Format,
    proxy: str | None,
    offline: bool,
    allow_host_upgrade: bool,
) -> ExitCode:
    """Align, print the report in ``fmt`` and, with ``write``, write every change at once."""
    from goalign import report
    from goalign.align import Alignment, align, load_config
    from goalign.files import write_all

    config = load_config(
        directory,
        host=host,
        plugins=plugins,
        strategy=strategy,
        proxy=proxy,
    )

    async def go() -> Alignment:
        async with make_client(proxy=config.proxy, offline=offline) as client:
            return await align(config, client, allow_host_upgrade=allow_host_upgrade)

    result = asyncio.run(go())
    for note in result.notes:
        print(f"goalign: note: {note}", file=sys.stderr)
    solution = result.solution
    status: report.Status
    if not solution.ok:
        status, code = "impossible", ExitCode.IMPOSSIBLE
    elif not solution.edits and not result.changes:
        status, code = "aligned", ExitCode.OK
    elif write:
        write_all({c.path: c.new for c in result.changes})
        status, code = "applied", ExitCode.OK
    else:
        status, code = "edits", ExitCode.EDITS_NEEDED
    rep = report.Report(
        status=status,
        solution=solution,
        host=config.name(config.host),
        plugins=[config.name(p) for p in config.plugins],
        changes=[report.Change(c.name, c.old, c.new) for c in result.changes],
        stats={
            "modules": result.stats.modules,
            "requests": result.stats.requests,
            "cache_hits": result.stats.cache_hits,
            "seconds": result.stats.seconds,
        },
    )
    render = {"text": report.to_text, "json": report.to_json, "markdown": report.to_markdown}
    sys.stdout.write(render[fmt](rep))
    return code
