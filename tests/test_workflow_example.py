"""The GitHub Actions workflow in docs/examples/goalign.yml works as docs/github-actions.md
says.

The YAML is parsed; every goalign command line in it is parsed by goalign's real command
line parser; then the check step and the align step run for real with bash in a git
repository holding the bundled demo (goalign.toml, host, plugins and proxy folder), with
a bare repository as ``origin``, and the push step's ``git push`` runs too. Only the
GitHub-hosted parts (``uses:`` actions, ``pip install``, ``gh pr create``) do not run.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from goalign.cli.app import parse_args

from cliutil import goalign_env
from plugin_scenarios import GOMODS

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / "docs" / "examples" / "goalign.yml"
SHELL_OPERATORS = {">", ">>", "<", "|", "||", "&&", ";", "&"}


def workflow() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(WORKFLOW.read_text())
    return data


def step(job: str, name: str) -> dict[str, Any]:
    steps: list[dict[str, Any]] = workflow()["jobs"][job]["steps"]
    return next(s for s in steps if s.get("name") == name)


def goalign_lines() -> list[list[str]]:
    """Every goalign command in a ``run:`` script, as its argument list."""
    out = []
    for job in workflow()["jobs"].values():
        for s in job["steps"]:
            for line in s.get("run", "").replace("\\\n", " ").splitlines():
                if not line.strip().startswith("goalign "):
                    continue
                lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
                lexer.whitespace_split = True
                tokens = list(lexer)
                if tokens[:1] != ["goalign"]:
                    continue
                args = []
                for token in tokens[1:]:
                    if token in SHELL_OPERATORS:
                        break
                    args.append(token)
                out.append(args)
    return out


def test_triggers_and_jobs() -> None:
    wf = workflow()
    on = wf.get("on", wf.get(True))  # YAML 1.1 reads a bare `on` key as true
    assert set(on) == {"pull_request", "schedule", "workflow_dispatch"}
    assert on["schedule"][0]["cron"]
    assert set(wf["jobs"]) == {"check", "align"}
    assert "pull_request" in wf["jobs"]["check"]["if"]
    assert wf["jobs"]["align"]["permissions"] == {"contents": "write", "pull-requests": "write"}
    push = step("align", "Push and open the pull request")
    assert "steps.align.outputs.branch" in push["if"]
    assert "--body-file body.md" in push["run"]


def test_every_goalign_command_parses() -> None:
    lines = goalign_lines()
    assert [args[0] for args in lines] == ["check", "solve"]
    for args in lines:
        # Exits (SystemExit 2) on an unknown option, a bad value or a refused combination.
        assert parse_args(args).command == args[0]
    solve = lines[1]
    assert "--write" in solve
    assert solve[solve.index("--pr-body") + 1] == "body.md"


@pytest.fixture
def demo_repo(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """The demo committed in a repository whose ``origin`` is a bare repository, and the
    environment the steps run in (``goalign`` on PATH runs this checkout)."""
    origin = tmp_path / "origin.git"
    work = tmp_path / "work"
    shutil.copytree(GOMODS / "demo", work, ignore=shutil.ignore_patterns("__pycache__"))
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "goalign"
    shim.write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} -m goalign "$@"\n')
    shim.chmod(0o755)
    env = goalign_env(tmp_path, "off")
    env = {k: v for k, v in env.items() if not k.startswith("GIT_")}
    env |= {
        "PATH": f"{bin_dir}:{env['PATH']}",
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
        "GITHUB_OUTPUT": str(tmp_path / "output"),
        "GIT_CONFIG_NOSYSTEM": "1",
    }

    def git(*args: str, cwd: Path = work) -> None:
        subprocess.run(["git", "-C", str(cwd), *args], env=env, check=True, capture_output=True)

    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(origin)], env=env, check=True)
    git("init", "-q", "-b", "main")
    git("-c", "user.name=t", "-c", "user.email=t@example.com", "add", "-A")
    git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "demo")
    git("remote", "add", "origin", str(origin))
    git("push", "-q", "origin", "main")
    return work, env


def bash(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-e", "-c", script],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def test_check_step_fails_with_the_exit_code_explained(
    demo_repo: tuple[Path, dict[str, str]],
) -> None:
    work, env = demo_repo
    proc = bash(step("check", "goalign check")["run"], work, env)
    assert proc.returncode == 1, proc.stderr
    assert "::error::plugins are not aligned with the host" in proc.stdout
    summary = Path(env["GITHUB_STEP_SUMMARY"]).read_text()
    assert summary.startswith("### goalign: edits")
    assert (work / "report.md").read_text() == summary


def test_align_step_commits_and_the_push_step_pushes(
    demo_repo: tuple[Path, dict[str, str]],
) -> None:
    work, env = demo_repo
    script = step("align", "Align and commit on a new branch")["run"]
    proc = bash(script, work, env)
    assert proc.returncode == 0, proc.stderr
    output = Path(env["GITHUB_OUTPUT"]).read_text()
    match = re.fullmatch(r"branch=(goalign/align-\d{8})\n", output)
    assert match, output
    branch = match.group(1)

    def git(*args: str, cwd: Path = work) -> str:
        return subprocess.run(
            ["git", "-C", str(cwd), *args], env=env, check=True, capture_output=True, text=True
        ).stdout

    assert git("symbolic-ref", "--short", "HEAD").strip() == branch
    changed = git("diff-tree", "--no-commit-id", "--name-only", "-r", "HEAD~1", "HEAD").split()
    assert changed == [
        "plugins/audit/go.mod",
        "plugins/audit/go.sum",
        "plugins/ratelimit/go.mod",
        "plugins/ratelimit/go.sum",
    ]
    assert git("log", "-1", "--format=%an").strip() == "github-actions[bot]"
    assert git("status", "--porcelain") == "?? body.md\n"
    assert "example.com/kit/log" in (work / "body.md").read_text()

    # The push step's git command, with the env the workflow gives it.
    push = step("align", "Push and open the pull request")["run"]
    pushes = [line for line in push.splitlines() if line.strip().startswith("git push")]
    assert len(pushes) == 1
    proc = bash(pushes[0], work, env | {"BRANCH": branch})
    assert proc.returncode == 0, proc.stderr
    remote = git("ls-remote", "--heads", "origin", branch)
    assert remote.split() == [git("rev-parse", "HEAD").strip(), f"refs/heads/{branch}"]

    # A second run the same day finds the branch on origin and does nothing.
    Path(env["GITHUB_OUTPUT"]).write_text("")
    proc = bash(script, work, env)
    assert proc.returncode == 0, proc.stderr
    assert "is already on origin; nothing to do" in proc.stdout
    assert Path(env["GITHUB_OUTPUT"]).read_text() == ""
