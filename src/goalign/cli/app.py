"""The typer application, its commands and the one place errors become exit codes.

Commands import the library lazily, inside their bodies, so ``goalign --help`` does
not pay for modules it does not use.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from goalign.cli.exitcodes import ExitCode
from goalign.errors import GoalignError, InputError, ProxyError, ResolutionError

if TYPE_CHECKING:
    from goalign.bot import BotOptions

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


def _one_of(value: str, choices: tuple[str, ...], option: str) -> None:
    """Refuse an option value outside choices (a usage error, exit 2)."""
    if value not in choices:
        allowed = ", ".join(choices[:-1]) + f" or {choices[-1]}"
        raise typer.BadParameter(f"must be {allowed}, not {value!r}", param_hint=option)


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
    quiet: bool,
    verbose: bool,
    bot: BotOptions | None = None,
) -> None:
    from goalign.cli.solve import run

    if quiet and verbose:
        raise typer.BadParameter("--quiet and --verbose exclude each other", param_hint="--quiet")

    _one_of(fmt, ("text", "json", "markdown"), "--format")
    if strategy is not None:
        _one_of(strategy, ("safe", "downgrade", "force"), "--strategy")
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
            quiet=quiet,
            verbose=verbose,
            bot=bot,
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
    str,
    typer.Option(
        "--format",
        metavar="text|json|markdown",
        help="Output format: text (a table, the edits and a diff; colour on a terminal"
        " unless NO_COLOR is set), json (report v1, docs/report-schema.md) or markdown"
        " (a pull-request body with a Mermaid graph).",
    ),
]
QuietOpt = Annotated[
    bool, typer.Option("--quiet", "-q", help="Text: print only the one-line summary.")
]
VerboseOpt = Annotated[
    bool,
    typer.Option(
        "--verbose",
        "-v",
        help="Text: show every shared module, the versions conflicts tried, request figures.",
    ),
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
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
    branch: Annotated[
        str | None,
        typer.Option(
            "--branch",
            metavar="NAME",
            help="With --write: in each git repository holding a changed file, create "
            "branch NAME from HEAD, check it out and commit only the go.mod/go.sum edits. "
            "Refused on uncommitted changes to tracked files or an existing branch.",
        ),
    ] = None,
    commit_message: Annotated[
        str | None,
        typer.Option(
            "--commit-message",
            metavar="TEXT",
            help="With --branch: the commit subject (default: 'Align plugin module "
            "versions with host'); the edits are listed below it.",
        ),
    ] = None,
    pr_body: Annotated[
        Path | None,
        typer.Option(
            "--pr-body",
            metavar="FILE",
            help="With --branch: write the Markdown report to FILE, for "
            "`gh pr create --body-file FILE` (only when a commit is made).",
        ),
    ] = None,
) -> None:
    """Find one module version set the host and every plugin can share.

    Prints the plan: a one-line summary, a table of the shared modules that move, the
    edits and a diff of every go.mod and go.sum change; with --write, writes all
    changed files together atomically; with --write --branch NAME, also commits them
    on a new branch in each git repository (nothing when already aligned). With a
    built host (or its manifest) as --host, the modules linked into it are the fixed
    versions and plugins get its Go as their toolchain line. A progress line goes to
    stderr while the proxy is read, when stderr is a terminal. Exit 0 aligned or
    written, 1 edits needed, 2 bad input (or a repository goalign cannot commit in),
    3 impossible with this strategy, 4 proxy failure.
    """
    bot = None
    if branch is None:
        if commit_message is not None:
            raise typer.BadParameter("needs --branch", param_hint="--commit-message")
        if pr_body is not None:
            raise typer.BadParameter("needs --branch", param_hint="--pr-body")
    else:
        if not write:
            raise typer.BadParameter(
                "needs --write (the branch holds the written edits)", param_hint="--branch"
            )
        from goalign.bot import BotOptions

        bot = BotOptions(branch, commit_message, pr_body.absolute() if pr_body else None)
    _solve(
        directory,
        host,
        plugin,
        strategy,
        write,
        fmt,
        proxy,
        offline,
        allow_host_upgrade,
        quiet,
        verbose,
        bot,
    )


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
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Check that the host and its plugins are aligned; change nothing (for CI).

    The same as `goalign solve` without --write: exit 0 aligned, 1 edits needed,
    2 bad input, 3 impossible, 4 proxy failure.
    """
    _solve(
        directory,
        host,
        plugin,
        strategy,
        False,
        fmt,
        proxy,
        offline,
        allow_host_upgrade,
        quiet,
        verbose,
    )


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

    _one_of(fmt, ("text", "json", "markdown"), "--format")
    if host is None:
        raise typer.BadParameter("the host's built file is required", param_hint="--host")
    raise typer.Exit(
        run(host, plugin or [], fmt=fmt, emit_build_cmd=emit_build_cmd)  # type: ignore[arg-type]
    )


@app.command("explain")
def explain_command(
    modules: Annotated[
        list[str],
        typer.Argument(
            metavar="MODULE...",
            help="Module paths; path@version explains that version, not the selected one.",
        ),
    ],
    directory: DirOpt = Path("."),
    host: HostOpt = None,
    plugin: PluginOpt = None,
    fmt: Annotated[
        str, typer.Option("--format", metavar="text|json", help="Output format.")
    ] = "text",
    max_chains: Annotated[
        int,
        typer.Option(
            "--max-chains", min=1, metavar="N", help="Shortest chains shown per artifact."
        ),
    ] = 5,
    proxy: ProxyOpt = None,
    offline: OfflineOpt = False,
) -> None:
    """Explain why each artifact has the version of MODULE it has.

    Like `go mod why -m`, over the module graph: for the host and every plugin, the
    version selected and the shortest requirement chains from the main module to it,
    then the other versions some go.mod requires that lost to minimal version
    selection, and a conflict line when artifacts disagree. Exit 0, 2 bad input,
    3 a build list that cannot be computed, 4 proxy failure.
    """
    from goalign.cli.explain import run

    _one_of(fmt, ("text", "json"), "--format")
    raise typer.Exit(
        run(
            modules,
            directory,
            host=host,
            plugins=plugin or [],
            fmt=fmt,  # type: ignore[arg-type]
            proxy=proxy,
            offline=offline,
            max_chains=max_chains,
        )
    )


@app.command("graph")
def graph_command(
    directory: DirOpt = Path("."),
    host: HostOpt = None,
    plugin: PluginOpt = None,
    fmt: Annotated[
        str,
        typer.Option("--format", metavar="dot|mermaid|json|modgraph", help="Output format."),
    ] = "dot",
    artifact: Annotated[
        str | None,
        typer.Option(
            "--artifact",
            metavar="NAME",
            help="Only this artifact's graph (its name as reports give it, e.g. plugins/a).",
        ),
    ] = None,
    proxy: ProxyOpt = None,
    offline: OfflineOpt = False,
) -> None:
    """Print the requirement graph of the host and its plugins, conflicts highlighted.

    Nodes are module@version, edges requirements, each artifact's selected versions
    marked; modules that artifacts select at different versions are highlighted.
    `--format modgraph --artifact NAME` prints exactly what `go mod graph` prints
    for that artifact. Exit 0, 2 bad input, 3 a build list that cannot be computed,
    4 proxy failure.
    """
    from goalign.cli.graph import FORMATS, run

    _one_of(fmt, FORMATS, "--format")
    raise typer.Exit(
        run(
            directory,
            host=host,
            plugins=plugin or [],
            fmt=fmt,  # type: ignore[arg-type]
            artifact=artifact,
            proxy=proxy,
            offline=offline,
        )
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
