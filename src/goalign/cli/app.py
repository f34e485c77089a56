"""The typer application, its commands and the one place errors become exit codes.

Commands import the library lazily, inside their bodies, so ``goalign --help`` does
not pay for modules it does not use.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from goalign.cli.exitcodes import ExitCode
from goalign.errors import GoalignError, InputError, ProxyError, ResolutionError

app = typer.Typer(
    name="goalign",
    help="Align the module versions of a Go host and its native plugins.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
)


def _version(value: bool) -> None:
    if value:
        from goalign import __version__

        typer.echo(f"goalign {__version__}")
        raise typer.Exit(ExitCode.OK)


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """Align the module versions of a Go host and its native plugins."""


@app.command("fmt")
def fmt_command(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="go.mod files, or folders holding one (default: ./go.mod)."),
    ] = None,
    check: Annotated[
        bool, typer.Option("--check", help="Change nothing; exit 1 if a file is not formatted.")
    ] = False,
    diff: Annotated[
        bool, typer.Option("--diff", help="Change nothing; print what formatting would change.")
    ] = False,
) -> None:
    """Format go.mod files exactly as `go mod edit -fmt` does, without Go.

    Every file is read and checked first; files are rewritten only if all of them
    parse, and then all together, so a bad file leaves every file untouched.
    """
    from goalign.cli.fmt import run

    raise typer.Exit(run(paths or [Path("go.mod")], check=check, diff=diff))


@app.command("list")
def list_command(
    directory: Annotated[
        Path, typer.Argument(help="The main module's folder (holding go.mod).")
    ] = Path("."),
    proxy: Annotated[
        str | None,
        typer.Option("--proxy", metavar="URL", help="Use this GOPROXY list instead of Go's."),
    ] = None,
    offline: Annotated[
        bool,
        typer.Option("--offline", help="Use only the module caches; a miss is exit 4."),
    ] = False,
) -> None:
    """Print a module's build list exactly as `go list -m all` prints it, without Go.

    The module graph comes from GOPROXY (as configured for Go: environment, `go env -w`
    file, GONOPROXY/GOPRIVATE, .netrc), read concurrently; Go's module cache is read
    first and goalign keeps its own cache of what it fetched.
    """
    from goalign.cli.list import run

    raise typer.Exit(run(directory, proxy=proxy, offline=offline))


_DIR_HELP = "Working folder: goalign.toml and relative --host/--plugin paths are read here."


def _solve(
    directory: Path,
    host: Path | None,
    plugin: list[Path] | None,
    strategy: str | None,
    write: bool,
    fmt: str,
    proxy: str | None,
    offline: bool,
    allow_host_upgrade: bool,
) -> None:
    from goalign.cli.solve import run

    if fmt not in ("text", "json", "markdown"):
        raise typer.BadParameter(
            f"must be text, json or markdown, not {fmt!r}", param_hint="--format"
        )
    if strategy is not None and strategy not in ("safe", "downgrade", "force"):
        raise typer.BadParameter(
            f"must be safe, downgrade or force, not {strategy!r}", param_hint="--strategy"
        )
    raise typer.Exit(
        run(
            directory,
            host=host,
            plugins=plugin or [],
            strategy=strategy,
            write=write,
            fmt=fmt,  # type: ignore[arg-type]
            proxy=proxy,
            offline=offline,
            allow_host_upgrade=allow_host_upgrade,
        )
    )


DirOpt = Annotated[Path, typer.Option("-C", help=_DIR_HELP, metavar="DIR")]
HostOpt = Annotated[
    Path | None,
    typer.Option(
        "--host",
        metavar="DIR|BINARY|MANIFEST",
        help="The host: its module folder, its built program (the modules linked into "
        "it are the fixed versions) or a host manifest from `goalign manifest`.",
    ),
]
PluginOpt = Annotated[
    list[Path] | None,
    typer.Option("--plugin", metavar="DIR", help="A plugin's module folder (repeatable)."),
]
StrategyOpt = Annotated[
    str | None,
    typer.Option(
        "--strategy", metavar="safe|downgrade|force", help="How far to go (default: safe)."
    ),
]
FormatOpt = Annotated[
    str, typer.Option("--format", metavar="text|json|markdown", help="Output format.")
]
ProxyOpt = Annotated[
    str | None,
    typer.Option("--proxy", metavar="URL", help="Use this GOPROXY list instead of Go's."),
]
OfflineOpt = Annotated[
    bool, typer.Option("--offline", help="Use only the module caches; a miss is exit 4.")
]
HostUpgradeOpt = Annotated[
    bool,
    typer.Option("--allow-host-upgrade", help="Let the host's versions rise when needed."),
]


@app.command("solve")
def solve_command(
    directory: DirOpt = Path("."),
    host: HostOpt = None,
    plugin: PluginOpt = None,
    strategy: StrategyOpt = None,
    write: Annotated[
        bool, typer.Option("--write", help="Write the go.mod and go.sum edits, all at once.")
    ] = False,
    fmt: FormatOpt = "text",
    proxy: ProxyOpt = None,
    offline: OfflineOpt = False,
    allow_host_upgrade: HostUpgradeOpt = False,
) -> None:
    """Find one module version set the host and every plugin can share.

    Prints the plan (a diff of every go.mod and go.sum change); with --write, writes
    all changed files together atomically. With a built host (or its manifest) as
    --host, the modules linked into it are the fixed versions and plugins get its Go
    as their toolchain line. Exit 0 aligned or written, 1 edits needed,
    2 bad input, 3 impossible with this strategy, 4 proxy failure.
    """
    _solve(directory, host, plugin, strategy, write, fmt, proxy, offline, allow_host_upgrade)


@app.command("check")
def check_command(
    directory: DirOpt = Path("."),
    host: HostOpt = None,
    plugin: PluginOpt = None,
    strategy: StrategyOpt = None,
    fmt: FormatOpt = "text",
    proxy: ProxyOpt = None,
    offline: OfflineOpt = False,
    allow_host_upgrade: HostUpgradeOpt = False,
) -> None:
    """Check that the host and its plugins are aligned; change nothing (for CI).

    The same as `goalign solve` without --write: exit 0 aligned, 1 edits needed,
    2 bad input, 3 impossible, 4 proxy failure.
    """
    _solve(directory, host, plugin, strategy, False, fmt, proxy, offline, allow_host_upgrade)


@app.command("doctor")
def doctor_command(
    host: Annotated[
        Path | None,
        typer.Option(
            "--host",
            metavar="FILE|MANIFEST|DIR",
            help="The built host program or its manifest; a module folder with plugin folders.",
        ),
    ] = None,
    plugin: Annotated[
        list[Path] | None,
        typer.Option(
            "--plugin",
            metavar="FILE|DIR",
            help="A built plugin (.so), or a plugin's module folder; repeatable, in the "
            "order the host opens them.",
        ),
    ] = None,
    fmt: FormatOpt = "text",
    emit_build_cmd: Annotated[
        bool,
        typer.Option(
            "--emit-build-cmd",
            help="Print only the `go build -buildmode=plugin` command that matches the host.",
        ),
    ] = False,
) -> None:
    """Predict whether plugin.Open will load each plugin into the host, and why not.

    Reads the Go build info of the built files (no Go toolchain needed) and names each
    cause with its fix: Go version, build settings (-gcflags all=, -trimpath, -race,
    GOAMD64, ...), modules linked by both at different versions or code, folder
    replacements, plugin paths that collide. Exit 0 will load, 1 will not load,
    2 bad input.

    With plugin folders it checks the sources instead (the host a folder, a binary or
    a manifest): plugin go lines newer than the host's Go, toolchain lines, vendor
    folders and -mod=vendor, local folder replacements, colliding module paths.
    """
    from goalign.cli.doctor import run

    if fmt not in ("text", "json", "markdown"):
        raise typer.BadParameter(
            f"must be text, json or markdown, not {fmt!r}", param_hint="--format"
        )
    if host is None:
        raise typer.BadParameter("the host's built file is required", param_hint="--host")
    raise typer.Exit(
        run(host, plugin or [], fmt=fmt, emit_build_cmd=emit_build_cmd)  # type: ignore[arg-type]
    )


@app.command("manifest")
def manifest_command(
    path: Annotated[Path, typer.Argument(help="The built host program (ELF or Mach-O).")],
) -> None:
    """Print a built host's build info as a host manifest (JSON, goalign.manifest/v1).

    Publish it beside the host so plugin authors can run `goalign solve --host
    host-manifest.json --plugin DIR` (or check, doctor) without the host's source or
    binary. Exit 0, or 2 for a file that is not a Go program.
    """
    from goalign.cli.manifest import run

    raise typer.Exit(run(path))


def exit_code(error: GoalignError) -> ExitCode:
    """Return the exit code DESIGN.md assigns to an error."""
    if isinstance(error, InputError):
        return ExitCode.BAD_INPUT
    if isinstance(error, ResolutionError):
        return ExitCode.IMPOSSIBLE
    if isinstance(error, ProxyError):
        return ExitCode.NETWORK
    return ExitCode.BAD_INPUT


def main() -> None:
    """Run the command line; user errors print ``goalign: message`` and exit with their code.

    Click handles usage errors itself (exit 2) and turns ``typer.Exit`` into the exit
    status; everything goalign raises for bad input, impossible requests or a failing
    proxy arrives here as a :class:`GoalignError`.
    """
    try:
        app()
    except GoalignError as error:
        print(f"goalign: {error}", file=sys.stderr)
        if error.hint:
            print(f"hint: {error.hint}", file=sys.stderr)
        sys.exit(exit_code(error))
    except KeyboardInterrupt:
        print("goalign: interrupted", file=sys.stderr)
        sys.exit(130)
