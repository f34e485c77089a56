"""The command line: argparse commands over the library, and the one place errors become
exit codes.

Each command is a handler whose docstring is its help (the first line its summary in
``goalign --help``) and whose options come from one table shared between commands.
Handlers import the library lazily, inside their bodies, so ``goalign --help`` loads
only the standard library and a few small goalign modules.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NamedTuple, NoReturn

from goalign import __version__
from goalign.cli.exitcodes import ExitCode
from goalign.cli.graph import FORMATS as GRAPH_FORMATS
from goalign.errors import GoalignError, InputError, ProxyError, ResolutionError

__all__ = ["build_parser", "exit_code", "main", "parse_args"]

ABOUT = "Align the module versions of a Go host and its native plugins."

Handler = Callable[[argparse.Namespace], int]


class UsageError(Exception):
    """A combination of options that argparse alone cannot refuse (exit 2)."""

    def __init__(self, option: str, message: str) -> None:
        super().__init__(f"argument {option}: {message}")


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser that keeps docstring line breaks, takes no abbreviated options
    and reports a usage error in one line (plus a hint), exit 2."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", argparse.RawDescriptionHelpFormatter)
        kwargs.setdefault("allow_abbrev", False)
        kwargs["add_help"] = False  # added below, in the same voice as the other options
        super().__init__(*args, **kwargs)
        self.add_argument("-h", "--help", action="help", help="Show this message and exit.")

    def error(self, message: str) -> NoReturn:
        self.exit(
            ExitCode.BAD_INPUT,
            f"{self.prog}: error: {message}\nhint: '{self.prog} --help' lists the options\n",
        )


class _Option(NamedTuple):
    """One ``add_argument`` call: its flags (or positional name) and keywords."""

    flags: tuple[str, ...]
    kwargs: dict[str, Any]


def _opt(*flags: str, **kwargs: Any) -> _Option:
    return _Option(flags, kwargs)


def _format(choices: Sequence[str], help_text: str) -> _Option:
    """A --format option taking one of choices, the first being the default."""
    return _opt(
        "--format",
        dest="fmt",
        choices=choices,
        default=choices[0],
        metavar="|".join(choices),
        help=f"{help_text.removesuffix('.')} (default: %(default)s).",
    )


def _at_least_one(text: str) -> int:
    """Parse a whole number >= 1 (for --max-chains)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, not {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


# The options solve, check, explain and graph (and list, doctor) share, by name.
SHARED: dict[str, _Option] = {
    "directory": _opt(
        "-C",
        dest="directory",
        type=Path,
        default=Path("."),
        metavar="DIR",
        help="Working folder: goalign.toml and relative --host/--plugin paths are read "
        "here (default: %(default)s).",
    ),
    "host": _opt(
        "--host",
        type=Path,
        metavar="DIR|BINARY|MANIFEST",
        help="The host: its module folder, its built program (the modules linked into "
        "it are the fixed versions) or a host manifest from `goalign manifest`.",
    ),
    "plugin": _opt(
        "--plugin",
        type=Path,
        action="append",
        default=[],
        metavar="DIR",
        help="A plugin's module folder (repeatable).",
    ),
    "strategy": _opt(
        "--strategy",
        choices=("safe", "downgrade", "force"),
        metavar="safe|downgrade|force",
        help="How far to go (default: safe).",
    ),
    "format": _format(
        ("text", "json", "markdown"),
        "Output format: text (a table, the edits and a diff; colour on a terminal unless "
        "NO_COLOR is set), json (report v1, docs/report-schema.md) or markdown (a "
        "pull-request body with a Mermaid graph).",
    ),
    "proxy": _opt("--proxy", metavar="URL", help="Use this GOPROXY list instead of Go's."),
    "offline": _opt(
        "--offline",
        action="store_true",
        help="Use only the module caches; a miss is exit 4.",
    ),
    "allow_host_upgrade": _opt(
        "--allow-host-upgrade",
        action="store_true",
        help="Let the host's versions rise when needed.",
    ),
    "quiet": _opt(
        "--quiet", "-q", action="store_true", help="Text: print only the one-line summary."
    ),
    "verbose": _opt(
        "--verbose",
        "-v",
        action="store_true",
        help="Text: show every shared module, the versions conflicts tried, request figures.",
    ),
}


class _Command(NamedTuple):
    name: str
    run: Handler
    options: tuple[_Option, ...]
    check: Callable[[argparse.Namespace], None] | None


_COMMANDS: dict[str, _Command] = {}


def _command(
    name: str,
    *options: str | _Option,
    check: Callable[[argparse.Namespace], None] | None = None,
) -> Callable[[Handler], Handler]:
    """Register a handler as command ``name`` with options (SHARED names or _Option), in
    help order; check refuses option combinations by raising UsageError."""

    def register(run: Handler) -> Handler:
        resolved = tuple(SHARED[o] if isinstance(o, str) else o for o in options)
        _COMMANDS[name] = _Command(name, run, resolved, check)
        return run

    return register


# --- fmt, list ----------------------------------------------------------------------------


@_command(
    "fmt",
    _opt(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="go.mod files, or folders holding one (default: ./go.mod).",
    ),
    _opt("--check", action="store_true", help="Change nothing; exit 1 if a file is not formatted."),
    _opt("--diff", action="store_true", help="Change nothing; print what formatting would change."),
)
def _fmt(args: argparse.Namespace) -> int:
    """Format go.mod files exactly as `go mod edit -fmt` does, without Go.

    Every file is read and checked first; files are rewritten only if all of them
    parse, and then all together, so a bad file leaves every file untouched.
    """
    from goalign.cli.fmt import run

    return run(args.paths or [Path("go.mod")], check=args.check, diff=args.diff)


@_command(
    "list",
    _opt(
        "directory",
        nargs="?",
        type=Path,
        default=Path("."),
        metavar="DIRECTORY",
        # Not %(default)s: parse_intermixed_args hides positionals' defaults while it
        # reads the options, --help included.
        help="The main module's folder (holding go.mod; default: .).",
    ),
    "proxy",
    "offline",
)
def _list(args: argparse.Namespace) -> int:
    """Print a module's build list exactly as `go list -m all` prints it, without Go.

    The module graph comes from GOPROXY (as configured for Go: environment, `go env -w`
    file, GONOPROXY/GOPRIVATE, .netrc), read concurrently; Go's module cache is read
    first and goalign keeps its own cache of what it fetched.
    """
    from goalign.cli.list import run

    return run(args.directory, proxy=args.proxy, offline=args.offline)


# --- solve, check -------------------------------------------------------------------------


def _check_quiet_verbose(args: argparse.Namespace) -> None:
    if args.quiet and args.verbose:
        raise UsageError("--quiet", "--quiet and --verbose exclude each other")


def _check_solve(args: argparse.Namespace) -> None:
    _check_quiet_verbose(args)
    if args.branch is None:
        if args.commit_message is not None:
            raise UsageError("--commit-message", "needs --branch")
        if args.pr_body is not None:
            raise UsageError("--pr-body", "needs --branch")
    elif not args.write:
        raise UsageError("--branch", "needs --write (the branch holds the written edits)")


def _artifacts(args: argparse.Namespace) -> dict[str, Any]:
    """Return the keyword arguments of every command that reads a host and plugins
    through the proxy."""
    return {"host": args.host, "plugins": args.plugin, "proxy": args.proxy, "offline": args.offline}


def _solve_or_check(args: argparse.Namespace, *, write: bool) -> int:
    from goalign.cli.solve import run

    bot = None
    if write and args.branch is not None:
        from goalign.bot import BotOptions

        pr_body = args.pr_body.absolute() if args.pr_body else None
        bot = BotOptions(args.branch, args.commit_message, pr_body)
    return run(
        args.directory,
        strategy=args.strategy,
        write=write,
        fmt=args.fmt,
        allow_host_upgrade=args.allow_host_upgrade,
        quiet=args.quiet,
        verbose=args.verbose,
        bot=bot,
        **_artifacts(args),
    )


# The options solve and check share, in the order --help lists them.
_SOLVING = (
    "directory",
    "host",
    "plugin",
    "strategy",
    "format",
    "proxy",
    "offline",
    "allow_host_upgrade",
    "quiet",
    "verbose",
)


@_command(
    "solve",
    *_SOLVING,
    _opt("--write", action="store_true", help="Write the go.mod and go.sum edits, all at once."),
    _opt(
        "--branch",
        metavar="NAME",
        help="With --write: in each git repository holding a changed file, create branch "
        "NAME from HEAD, check it out and commit only the go.mod/go.sum edits. Refused on "
        "uncommitted changes to tracked files or an existing branch.",
    ),
    _opt(
        "--commit-message",
        metavar="TEXT",
        help="With --branch: the commit subject (default: 'Align plugin module versions "
        "with host'); the edits are listed below it.",
    ),
    _opt(
        "--pr-body",
        type=Path,
        metavar="FILE",
        help="With --branch: write the Markdown report to FILE, for "
        "`gh pr create --body-file FILE` (only when a commit is made).",
    ),
    check=_check_solve,
)
def _solve(args: argparse.Namespace) -> int:
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
    return _solve_or_check(args, write=args.write)


@_command("check", *_SOLVING, check=_check_quiet_verbose)
def _check(args: argparse.Namespace) -> int:
    """Check that the host and its plugins are aligned; change nothing (for CI).

    The same as `goalign solve` without --write: exit 0 aligned, 1 edits needed,
    2 bad input, 3 impossible, 4 proxy failure.
    """
    return _solve_or_check(args, write=False)


# --- doctor, explain, graph, manifest -----------------------------------------------------


@_command(
    "doctor",
    _opt(
        "--host",
        type=Path,
        required=True,
        metavar="FILE|MANIFEST|DIR",
        help="The built host program or its manifest; a module folder with plugin folders.",
    ),
    _opt(
        "--plugin",
        type=Path,
        action="append",
        default=[],
        metavar="FILE|DIR",
        help="A built plugin (.so), or a plugin's module folder; repeatable, in the order "
        "the host opens them.",
    ),
    "format",
    _opt(
        "--emit-build-cmd",
        action="store_true",
        help="Print only the `go build -buildmode=plugin` command that matches the host.",
    ),
)
def _doctor(args: argparse.Namespace) -> int:
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

    return run(args.host, args.plugin, fmt=args.fmt, emit_build_cmd=args.emit_build_cmd)


@_command(
    "explain",
    _opt(
        "modules",
        nargs="+",
        metavar="MODULE",
        help="Module paths; path@version explains that version, not the selected one.",
    ),
    "directory",
    "host",
    "plugin",
    _format(("text", "json"), "Output format."),
    _opt(
        "--max-chains",
        type=_at_least_one,
        default=5,
        metavar="N",
        help="Shortest chains shown per artifact, at least 1 (default: %(default)s).",
    ),
    "proxy",
    "offline",
)
def _explain(args: argparse.Namespace) -> int:
    """Explain why each artifact has the version of MODULE it has.

    Like `go mod why -m`, over the module graph: for the host and every plugin, the
    version selected and the shortest requirement chains from the main module to it,
    then the other versions some go.mod requires that lost to minimal version
    selection, and a conflict line when artifacts disagree. Exit 0, 2 bad input,
    3 a build list that cannot be computed, 4 proxy failure.
    """
    from goalign.cli.explain import run

    return run(
        args.modules, args.directory, fmt=args.fmt, max_chains=args.max_chains, **_artifacts(args)
    )


@_command(
    "graph",
    "directory",
    "host",
    "plugin",
    _format(GRAPH_FORMATS, "Output format."),
    _opt(
        "--artifact",
        metavar="NAME",
        help="Only this artifact's graph (its name as reports give it, e.g. plugins/a).",
    ),
    "proxy",
    "offline",
)
def _graph(args: argparse.Namespace) -> int:
    """Print the requirement graph of the host and its plugins, conflicts highlighted.

    Nodes are module@version, edges requirements, each artifact's selected versions
    marked; modules that artifacts select at different versions are highlighted.
    `--format modgraph --artifact NAME` prints exactly what `go mod graph` prints
    for that artifact. Exit 0, 2 bad input, 3 a build list that cannot be computed,
    4 proxy failure.
    """
    from goalign.cli.graph import run

    return run(args.directory, fmt=args.fmt, artifact=args.artifact, **_artifacts(args))


@_command(
    "manifest",
    _opt("path", type=Path, metavar="PATH", help="The built host program (ELF or Mach-O)."),
)
def _manifest(args: argparse.Namespace) -> int:
    """Print a built host's build info as a host manifest (JSON, goalign.manifest/v1).

    Publish it beside the host so plugin authors can run `goalign solve --host
    host-manifest.json --plugin DIR` (or check, doctor) without the host's source or
    binary. Exit 0, or 2 for a file that is not a Go program.
    """
    from goalign.cli.manifest import run

    return run(args.path)


# --- parsing and running ------------------------------------------------------------------


def _description(doc: str) -> str:
    """A handler's docstring as help text: its first line, then the rest dedented."""
    first, _, rest = doc.strip().partition("\n")
    return f"{first}\n{textwrap.dedent(rest)}" if rest else first


def _build() -> tuple[_Parser, dict[str, _Parser]]:
    parser = _Parser(prog="goalign", description=ABOUT)
    parser.add_argument(
        "--version", action="version", version=f"goalign {__version__}", help="Print the version."
    )
    commands = parser.add_subparsers(title="commands", dest="command", metavar="COMMAND")
    subparsers: dict[str, _Parser] = {}
    for command in _COMMANDS.values():
        doc = _description(command.run.__doc__ or command.name)
        sub = commands.add_parser(command.name, help=doc.partition("\n")[0], description=doc)
        for option in command.options:
            sub.add_argument(*option.flags, **option.kwargs)
        subparsers[command.name] = sub
    return parser, subparsers


def build_parser() -> argparse.ArgumentParser:
    """Return goalign's whole command line parser (every command as a subparser)."""
    return _build()[0]


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """Parse a goalign command line (without the program name) as ``main`` does.

    A command's options and arguments may come in any order. A usage error prints one
    line naming the option and raises SystemExit(2); ``--help`` and ``--version``
    print and raise SystemExit(0).
    """
    parser, subparsers = _build()
    if argv and argv[0] in subparsers:
        sub = subparsers[argv[0]]
        args = sub.parse_intermixed_args(argv[1:])
        args.command = argv[0]
    else:
        # Only --help, --version or a mistake: parse_args would blame a missing command
        # before an unknown option, so the order of the two checks is ours.
        sub = parser
        args, unknown = parser.parse_known_args(argv)
        if unknown:
            parser.error(f"unrecognized arguments: {' '.join(unknown)}")
        if args.command is None:
            parser.error("the following arguments are required: COMMAND")
    check = _COMMANDS[args.command].check
    if check is not None:
        try:
            check(args)
        except UsageError as error:
            sub.error(str(error))
    return args


def exit_code(error: GoalignError) -> ExitCode:
    """Return the exit code DESIGN.md assigns to an error."""
    if isinstance(error, InputError):
        return ExitCode.BAD_INPUT
    if isinstance(error, ResolutionError):
        return ExitCode.IMPOSSIBLE
    if isinstance(error, ProxyError):
        return ExitCode.NETWORK
    return ExitCode.BAD_INPUT


def main(argv: Sequence[str] | None = None) -> NoReturn:
    """Run the command line and exit with the command's status.

    No arguments prints the help (exit 2); usage errors exit 2 with one line naming the
    option; everything goalign raises for bad input, impossible requests or a failing
    proxy arrives here as a :class:`GoalignError` and prints ``goalign: message`` (and
    ``hint: ...``) with its exit code; an interrupt exits 130.
    """
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv:
        build_parser().print_help()
        sys.exit(ExitCode.BAD_INPUT)
    try:
        args = parse_args(argv)
        sys.exit(int(_COMMANDS[args.command].run(args)))
    except GoalignError as error:
        print(f"goalign: {error}", file=sys.stderr)
        if error.hint:
            print(f"hint: {error.hint}", file=sys.stderr)
        sys.exit(exit_code(error))
    except KeyboardInterrupt:
        print("goalign: interrupted", file=sys.stderr)
        sys.exit(130)
