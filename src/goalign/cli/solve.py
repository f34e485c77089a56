"""``goalign solve`` and ``goalign check``: align a host and its plugins, print or write."""

from __future__ import annotations

import asyncio
import os
import shlex
import shutil
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from goalign.cli.exitcodes import ExitCode
from goalign.cli.proxysetup import make_client

if TYPE_CHECKING:
    from goalign.bot import BotOptions
    from goalign.proxy import ProxyClient
    from goalign.report import Report

__all__ = ["build_report", "command_line", "render", "run"]

Format = Literal["text", "json", "markdown"]


def command_line(
    *,
    host: str | None,
    plugins: Sequence[str],
    strategy: str,
    proxy: str | None,
    offline: bool,
    allow_host_upgrade: bool,
) -> str:
    """Return the ``goalign solve`` command that reproduces a report, run in the folder
    the artifact names are relative to (goalign.toml's folder when no host is named)."""
    args = ["goalign", "solve"]
    if host is not None:
        args += ["--host", host]
        for p in plugins:
            args += ["--plugin", p]
    args += ["--strategy", strategy]
    if allow_host_upgrade:
        args.append("--allow-host-upgrade")
    if proxy is not None:
        args += ["--proxy", proxy]
    if offline:
        args.append("--offline")
    return shlex.join(args)


def build_report(
    directory: Path,
    *,
    host: Path | None,
    plugins: Sequence[Path],
    strategy: str | None,
    write: bool,
    proxy: str | None,
    offline: bool,
    allow_host_upgrade: bool,
    progress: Callable[[ProxyClient], Callable[[str], None]] | None = None,
    bot: BotOptions | None = None,
) -> tuple[Report, ExitCode]:
    """Align, write every change at once with ``write``, and return the report and the
    exit code. ``progress``, given the client, returns the callback told each phase.

    With ``bot`` (``--branch``), the changes are committed on a new branch instead
    (:func:`goalign.bot.publish`), after the report is built for the PR body.
    """
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
            return await align(
                config,
                client,
                allow_host_upgrade=allow_host_upgrade,
                progress=progress(client) if progress is not None else None,
            )

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
        if bot is None:
            write_all({c.path: c.new for c in result.changes})
        status, code = "applied", ExitCode.OK
    else:
        status, code = "edits", ExitCode.EDITS_NEEDED
    named = host is not None or bool(plugins)
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
        before=result.before,
        after=result.after,
        command=command_line(
            host=config.name(config.host) if named else None,
            plugins=[config.name(p) for p in config.plugins],
            strategy=config.strategy,
            proxy=proxy,
            offline=offline,
            allow_host_upgrade=allow_host_upgrade,
        ),
    )
    if bot is not None:
        from goalign.cli.botrun import publish

        publish(result, bot, rep)
    return rep, code


def render(
    rep: Report,
    fmt: Format,
    *,
    quiet: bool = False,
    verbose: bool = False,
    color: bool = False,
    width: int = 200,
) -> str:
    """Return the report in ``fmt``; ``quiet``, ``verbose``, ``color`` and ``width``
    shape the text format only (JSON and Markdown are documents for programs)."""
    from goalign import report

    if fmt == "json":
        return report.to_json(rep)
    if fmt == "markdown":
        return report.to_markdown(rep)
    return report.to_text(rep, quiet=quiet, verbose=verbose, color=color, width=width)


def _color_wanted() -> bool:
    """Colour only on a terminal, and never with NO_COLOR set (https://no-color.org)."""
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


@contextmanager
def _progress_display(enabled: bool) -> Iterator[Callable[[ProxyClient], Callable[[str], None]]]:
    """Yield a progress factory drawing a spinner line on stderr (phase and request
    counts, refreshed live) when ``enabled``; otherwise one that draws nothing."""
    if not enabled:
        yield lambda client: lambda what: None
        return
    from rich.console import Console
    from rich.live import Live
    from rich.spinner import Spinner
    from rich.text import Text

    console = Console(stderr=True, no_color=bool(os.environ.get("NO_COLOR")))
    spinner = Spinner("dots", text="goalign: starting")

    class _Line:
        """Re-read at every refresh, so the request counts move while a phase runs."""

        what = "starting"
        client: ProxyClient | None = None

        def __rich__(self) -> Spinner:
            counts = ""
            if self.client is not None:
                st = self.client.stats
                counts = f" ({st.requests} requests, {st.cache_hits} cache hits)"
            spinner.update(text=Text(f"goalign: {self.what}{counts}"))
            return spinner

    line = _Line()

    def factory(client: ProxyClient) -> Callable[[str], None]:
        line.client = client

        def say(what: str) -> None:
            line.what = what

        return say

    with Live(line, console=console, transient=True, refresh_per_second=10):
        yield factory


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
    quiet: bool = False,
    verbose: bool = False,
    bot: BotOptions | None = None,
) -> ExitCode:
    """Align, print the report in ``fmt`` and, with ``write``, write every change at once
    (or, with ``bot``, commit them on a new branch).

    A progress line is drawn on stderr while the proxy is read, only when stderr is a
    terminal and not ``quiet``.
    """
    with _progress_display(sys.stderr.isatty() and not quiet) as progress:
        rep, code = build_report(
            directory,
            host=host,
            plugins=plugins,
            strategy=strategy,
            write=write,
            proxy=proxy,
            offline=offline,
            allow_host_upgrade=allow_host_upgrade,
            progress=progress,
            bot=bot,
        )
    color = _color_wanted()
    width = shutil.get_terminal_size().columns if sys.stdout.isatty() else 200
    sys.stdout.write(render(rep, fmt, quiet=quiet, verbose=verbose, color=color, width=width))
    return code
