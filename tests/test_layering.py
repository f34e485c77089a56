"""The core takes data and returns data: no filesystem, network, environment or CLI.

Each core module's imports are read from its syntax tree (not by importing it), so a
forbidden import anywhere in the file, even inside a function, fails the test.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "goalign"

CORE = sorted(
    [
        SRC / name
        for name in (
            "errors.py",
            "semver.py",
            "gover.py",
            "module.py",
            "gosum.py",
            "goimports.py",
            "mvs.py",
            "solver.py",
            "buildinfo.py",
            "doctor.py",
            "explain.py",
            "graphfmt.py",
            "baseline.py",
            "manifest.py",
            "treedoctor.py",
        )
    ]
    + list((SRC / "modfile").glob("*.py"))
)

# Modules that reach outside the process, or belong to the I/O edges of goalign.
FORBIDDEN = {
    "argparse",
    "asyncio",
    "glob",
    "goalign.cli",
    "goalign.files",
    "goalign.proxy",
    "http",
    "httpx",
    "os",
    "pathlib",
    "rich",
    "shutil",
    "socket",
    "subprocess",
    "sys",
    "tempfile",
    "typer",
    "urllib",
}
FORBIDDEN_CALLS = {"open", "input", "print", "exec", "eval"}


def imported_modules(tree: ast.AST) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def is_forbidden(name: str) -> bool:
    return any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN)


@pytest.mark.parametrize("path", CORE, ids=lambda p: str(p.relative_to(SRC)))
def test_core_module_does_no_io(path: Path) -> None:
    tree = ast.parse(path.read_text(), str(path))
    bad_imports = sorted(n for n in imported_modules(tree) if is_forbidden(n))
    assert bad_imports == [], f"{path.name} imports {bad_imports}"
    bad_calls = sorted(
        node.func.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in FORBIDDEN_CALLS
    )
    assert bad_calls == [], f"{path.name} calls {bad_calls}"


def test_the_check_sees_every_core_module() -> None:
    assert {p.name for p in CORE} >= {"semver.py", "module.py", "rule.py", "read.py"}


def test_the_check_can_fail() -> None:
    tree = ast.parse("def f():\n    import os.path\n    from goalign.cli import app\n")
    assert sorted(n for n in imported_modules(tree) if is_forbidden(n)) == [
        "goalign.cli",
        "goalign.cli.app",
        "os.path",
    ]
