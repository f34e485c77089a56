"""The command line itself, as real processes: help, usage errors, start-up imports,
interrupts."""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from cliutil import goalign_env

MESSY = b'module "x.com/m"\n\ngo 1.21\nrequire (\n    y.com/a v1.2\n)\n'
TIDY = b"module x.com/m\n\ngo 1.21\n\nrequire y.com/a v1.2.0\n"

SOLVE = [
    "-C",
    "--host",
    "--plugin",
    "--strategy",
    "--format",
    "--proxy",
    "--offline",
    "--allow-host-upgrade",
    "--quiet",
    "-q",
    "--verbose",
    "-v",
]
# Every command's options and arguments (as help shows them), the contract to keep.
OPTIONS = {
    "fmt": ["PATH", "--check", "--diff"],
    "list": ["DIRECTORY", "--proxy", "--offline"],
    "solve": [*SOLVE, "--write", "--branch", "--commit-message", "--pr-body"],
    "check": SOLVE,
    "doctor": ["--host", "--plugin", "--format", "--emit-build-cmd"],
    "explain": [
        "MODULE",
        "-C",
        "--host",
        "--plugin",
        "--format",
        "--max-chains",
        "--proxy",
        "--offline",
    ],
    "graph": ["-C", "--host", "--plugin", "--format", "--artifact", "--proxy", "--offline"],
    "manifest": ["PATH"],
}
# Lines of help that must appear verbatim: metavars, choices and defaults.
HELP_LINES = {
    "solve": [
        "--host DIR|BINARY|MANIFEST",
        "--strategy safe|downgrade|force",
        "--format text|json|markdown",
        "--branch NAME",
        "--commit-message TEXT",
        "--pr-body FILE",
        "-C DIR",
    ],
    "doctor": ["--host FILE|MANIFEST|DIR", "--plugin FILE|DIR", "--format text|json|markdown"],
    "explain": ["--format text|json", "--max-chains N", "(default: 5)"],
    "graph": ["--format dot|mermaid|json|modgraph", "--artifact NAME", "(default: dot)"],
}


def goalign(
    *args: str | Path, cwd: Path | None = None, python_flags: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *python_flags, "-m", "goalign", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
        timeout=60,
    )


def test_top_level_help_lists_every_command_with_its_summary() -> None:
    done = goalign("--help")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: goalign ")
    for name in OPTIONS:
        assert f"\n    {name} " in done.stdout, name
    assert "Find one module version set the host and every plugin can share." in done.stdout
    assert "--version" in done.stdout


def test_no_arguments_prints_the_help_and_exits_2() -> None:
    done = goalign()
    assert (done.returncode, done.stderr) == (2, "")
    assert done.stdout == goalign("--help").stdout


def listed_options(help_text: str) -> set[str]:
    """The options and arguments help lists, each at the start of its own entry
    (``  --quiet, -q   Text: ...``, ``  --host DIR|BINARY|MANIFEST``, ``  PATH   ...``)."""
    listed = set()
    for line in help_text.splitlines():
        entry = re.match(r"  (\S.*?)(?:  |$)", line)
        if entry:
            listed.update(part.split(" ")[0] for part in entry.group(1).split(", "))
    return listed


def test_listed_options_reads_entries_not_prose() -> None:
    text = "options:\n  -C DIR   Working folder: relative\n           --host paths\n"
    assert listed_options(text + "  --quiet, -q   Text.\n") == {"-C", "--quiet", "-q"}


@pytest.mark.parametrize("command", sorted(OPTIONS))
def test_command_help_lists_every_option(command: str) -> None:
    done = goalign(command, "--help")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"usage: goalign {command} ")
    assert sorted(set(OPTIONS[command]) - listed_options(done.stdout)) == []
    for line in HELP_LINES.get(command, []):
        assert line in done.stdout, line


def test_descriptions_keep_the_docstrings_line_breaks() -> None:
    done = goalign("solve", "--help")
    assert (
        "Find one module version set the host and every plugin can share.\n\n"
        "Prints the plan: a one-line summary, a table of the shared modules that move, the\n"
        "edits and a diff of every go.mod and go.sum change;"
    ) in done.stdout


# (arguments, the first line of stderr)
USAGE_ERRORS = [
    (["fmt", "--no-such-flag"], "goalign fmt: error: unrecognized arguments: --no-such-flag"),
    (
        ["check", "--format", "xml"],
        "goalign check: error: argument --format: invalid choice: 'xml' "
        "(choose from 'text', 'json', 'markdown')",
    ),
    (
        ["solve", "--strategy", "up"],
        "goalign solve: error: argument --strategy: invalid choice: 'up' "
        "(choose from 'safe', 'downgrade', 'force')",
    ),
    (
        ["check", "-q", "--verbose"],
        "goalign check: error: argument --quiet: --quiet and --verbose exclude each other",
    ),
    (
        ["solve", "--branch", "b"],
        "goalign solve: error: argument --branch: needs --write (the branch holds the "
        "written edits)",
    ),
    (
        ["solve", "--commit-message", "m"],
        "goalign solve: error: argument --commit-message: needs --branch",
    ),
    (["solve", "--pr-body", "b.md"], "goalign solve: error: argument --pr-body: needs --branch"),
    (["doctor"], "goalign doctor: error: the following arguments are required: --host"),
    (
        ["explain", "x.com/m", "--max-chains", "0"],
        "goalign explain: error: argument --max-chains: must be at least 1, not 0",
    ),
    (["explain"], "goalign explain: error: the following arguments are required: MODULE"),
    (
        ["graph", "--format", "svg"],
        "goalign graph: error: argument --format: invalid choice: 'svg' "
        "(choose from 'dot', 'mermaid', 'json', 'modgraph')",
    ),
    (["check", "--form", "json"], "goalign check: error: unrecognized arguments: --form json"),
    (["--bogus"], "goalign: error: unrecognized arguments: --bogus"),
    (
        ["nope"],
        "goalign: error: argument COMMAND: invalid choice: 'nope' (choose from 'fmt', "
        "'list', 'solve', 'check', 'doctor', 'explain', 'graph', 'manifest')",
    ),
]


@pytest.mark.parametrize(
    ("args", "first_line"), USAGE_ERRORS, ids=[" ".join(args) for args, _ in USAGE_ERRORS]
)
def test_usage_error_is_one_line_naming_the_option_exit_2(
    args: list[str], first_line: str, tmp_path: Path
) -> None:
    done = goalign(*args, cwd=tmp_path)
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert lines[0] == first_line
    assert lines[1:] == [f"hint: '{first_line.split(': error:')[0]} --help' lists the options"]


def test_the_same_options_are_accepted(tmp_path: Path) -> None:
    """The usage errors above are about the values and combinations, not the options."""
    (tmp_path / "go.mod").write_bytes(TIDY)
    assert goalign("fmt", "--check", cwd=tmp_path).returncode == 0
    done = goalign("solve", "--branch", "b", "--write", "--quiet", "--strategy", "up")
    assert done.stderr.startswith("goalign solve: error: argument --strategy: invalid choice")


def test_options_and_arguments_intermix(tmp_path: Path) -> None:
    tidy, messy = tmp_path / "tidy.mod", tmp_path / "messy.mod"
    tidy.write_bytes(TIDY)
    messy.write_bytes(MESSY)
    done = goalign("fmt", tidy, "--check", messy)
    assert (done.returncode, done.stdout) == (1, f"{messy}\n"), done.stderr


def test_version() -> None:
    from goalign import __version__

    done = goalign("--version")
    assert (done.returncode, done.stdout) == (0, f"goalign {__version__}\n")


def imported_modules(importtime_stderr: str) -> set[str]:
    """The modules ``python -X importtime`` reports, by their full names."""
    names = set()
    for line in importtime_stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            name = line.rsplit("|", 1)[1].strip()
            if name != "package":  # the header line
                names.add(name)
    return names


@pytest.mark.parametrize("args", [["--help"], ["check", "--help"]], ids=" ".join)
def test_help_imports_no_heavy_library(args: list[str]) -> None:
    done = goalign(*args, python_flags=("-X", "importtime"))
    assert done.returncode == 0, done.stderr
    modules = imported_modules(done.stderr)
    assert {"goalign.cli.app", "argparse"} <= modules  # the parsing sees real imports
    heavy = {"typer", "click", "pydantic", "httpx", "rich"}
    assert sorted(m for m in modules if m.split(".")[0] in heavy) == []
    # Beyond what Python's own start-up imports (site may load .pth hooks), only the
    # standard library and goalign.
    bare = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "pass"],
        capture_output=True,
        text=True,
        check=True,
    )
    added = {m.split(".")[0] for m in modules - imported_modules(bare.stderr)}
    assert sorted(added - sys.stdlib_module_names - {"goalign"}) == []


def test_imported_modules_sees_a_heavy_import() -> None:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import json.decoder"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert {"json", "json.decoder"} <= imported_modules(done.stderr)


def test_interrupt_exits_130(tmp_path: Path) -> None:
    """Ctrl-C while a command waits on the proxy: one line, exit 130, no traceback."""
    (tmp_path / "go.mod").write_text("module x.com/m\n\ngo 1.21\n\nrequire y.com/a v1.2.0\n")
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
        server.settimeout(60)
        proc = subprocess.Popen(
            [sys.executable, "-m", "goalign", "list", "--proxy", f"http://127.0.0.1:{port}"],
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=goalign_env(tmp_path, "off"),
        )
        try:
            conn, _ = server.accept()  # goalign is now inside the command, waiting on us
            with conn:
                proc.send_signal(signal.SIGINT)
                out, err = proc.communicate(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    assert proc.returncode == 130, err
    assert err.splitlines()[-1] == "goalign: interrupted"
    assert "Traceback" not in err
    assert out == ""
