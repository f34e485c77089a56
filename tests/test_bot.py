"""Bot mode end to end: ``goalign solve --write --branch`` on real git repositories.

Each test copies a fixture scenario into temporary git repositories (one holding every
artifact, or one per artifact), runs the real ``goalign`` process over the scenario's
``file://`` proxy and reads the result back with git: the branch, the commit's files,
their bytes (compared with what a plain ``--write`` produces) and the message; and for
every refusal, that nothing changed at all.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cliutil import goalign_env
from cliutil import run_goalign as goalign
from plugin_scenarios import GOMODS

DEMO = GOMODS / "demo"
DEMO_PROXY = (DEMO / "proxy").as_uri()
DEMO_ARGS = ["--host", "host", "--plugin", "plugins/audit", "--plugin", "plugins/ratelimit"]
DEMO_ARGS += ["--strategy", "downgrade", "--proxy", DEMO_PROXY]
BRANCH = "goalign/align-20250101"
DEMO_FILES = [
    "plugins/audit/go.mod",
    "plugins/audit/go.sum",
    "plugins/ratelimit/go.mod",
    "plugins/ratelimit/go.sum",
]
DEMO_MESSAGE = """\
Align plugin module versions with host

- plugins/audit: example.com/kit/log v1.5.0 -> v1.4.0 (risky)
- plugins/audit: example.com/kit/trace v1.1.0 -> v1.0.0 (risky)
- plugins/ratelimit: example.com/kit/log v1.3.0 -> v1.4.0
- plugins/audit/go.sum: checksums for the new build list
- plugins/ratelimit/go.sum: checksums for the new build list

(risky): a requirement below what its go.mod states, or a force pin.
"""


def git_env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(HOME=str(tmp), GIT_CONFIG_NOSYSTEM="1")
    return env


def git(repo: Path, *args: str, check: bool = True) -> str:
    proc = subprocess.run(
        ["git", "-C", str(repo), *args],
        capture_output=True,
        text=True,
        env=git_env(repo.parent),
        check=False,
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} in {repo}: {proc.stderr}")
    return proc.stdout


def init_repo(repo: Path, *, identity: bool = True) -> None:
    """Make ``repo`` a git repository on ``main`` with everything in it committed."""
    git(repo, "init", "-q", "-b", "main")
    if identity:
        git(repo, "config", "user.name", "Release Bot")
        git(repo, "config", "user.email", "bot@example.com")
    git(repo, "add", "-A")
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com"}
    env |= {"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    subprocess.run(
        ["git", "-C", str(repo), "commit", "-q", "-m", "initial"],
        env=git_env(repo.parent) | env,
        check=True,
    )


def copy_demo(where: Path) -> Path:
    where.mkdir(parents=True, exist_ok=True)
    shutil.copytree(DEMO / "host", where / "host")
    shutil.copytree(DEMO / "plugins", where / "plugins")
    return where


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` outside .git, by relative path."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(root).parts
    }


def refs(repo: Path) -> str:
    return git(repo, "for-each-ref", "--format=%(refname) %(objectname)") + git(
        repo, "symbolic-ref", "HEAD"
    )


def commit_files(repo: Path, rev: str = "HEAD") -> list[str]:
    return git(repo, "diff-tree", "--no-commit-id", "--name-only", "-r", f"{rev}~1", rev).split()


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The demo's files after a plain ``solve --write`` (no git)."""
    where = copy_demo(tmp_path_factory.mktemp("plain") / "demo")
    proc = goalign("solve", "-C", where, *DEMO_ARGS, "--write", tmp=where.parent)
    assert proc.returncode == 0, proc.stderr
    return snapshot(where)


def test_one_repository_gets_a_branch_with_exactly_the_edits(
    tmp_path: Path, plain: dict[str, bytes]
) -> None:
    repo = copy_demo(tmp_path / "repo")
    init_repo(repo)
    before = snapshot(repo)
    main = git(repo, "rev-parse", "main").strip()
    body = repo / "body.md"
    proc = goalign(
        "solve", "-C", repo, *DEMO_ARGS, "--write", "--branch", BRANCH, "--pr-body", body,
        tmp=tmp_path,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("edits written")
    assert f"on branch {BRANCH} in {repo}" in proc.stderr

    # The branch is new, checked out, one commit above main; main did not move.
    assert git(repo, "symbolic-ref", "--short", "HEAD").strip() == BRANCH
    assert git(repo, "rev-parse", "main").strip() == main
    assert git(repo, "rev-parse", "HEAD~1").strip() == main
    # The commit holds exactly the changed go.mod/go.sum files, with the bytes a plain
    # --write gives, and the work tree equals the commit (only body.md is untracked).
    changed = sorted(name for name in plain if plain[name] != before.get(name))
    assert changed == DEMO_FILES
    assert commit_files(repo) == DEMO_FILES
    for name in DEMO_FILES:
        committed = subprocess.run(
            ["git", "-C", str(repo), "show", f"HEAD:{name}"], capture_output=True, check=True
        ).stdout
        assert committed == plain[name], name
    assert snapshot(repo) == plain | {"body.md": body.read_bytes()}
    assert git(repo, "status", "--porcelain") == "?? body.md\n"
    assert git(repo, "log", "-1", "--format=%B", "HEAD") == DEMO_MESSAGE + "\n"
    assert git(repo, "log", "-1", "--format=%an <%ae>", "HEAD") == "Release Bot <bot@example.com>\n"

    # The PR body is the Markdown report of the applied edits.
    text = body.read_text()
    assert text.startswith("### goalign: edits written: 3 edits to 2 plugins (2 risky)")
    for module in ("example.com/kit/log", "example.com/kit/trace"):
        assert module in text
    assert "risky" in text


def test_commit_message_subject(tmp_path: Path) -> None:
    repo = copy_demo(tmp_path / "repo")
    init_repo(repo)
    git(repo, "config", "commit.cleanup", "strip")  # would drop a line starting with #
    proc = goalign(
        "solve", "-C", repo, *DEMO_ARGS, "--write", "--branch", BRANCH,
        "--commit-message", "#12 align with gateway v3", tmp=tmp_path,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    message = git(repo, "log", "-1", "--format=%B")
    subject = "#12 align with gateway v3"  # kept: not a comment line
    expected = DEMO_MESSAGE.replace("Align plugin module versions with host", subject)
    assert message == expected + "\n"


def test_nothing_to_change_makes_no_branch_and_no_body(tmp_path: Path) -> None:
    scenario = GOMODS / "aligned"
    repo = tmp_path / "repo"
    shutil.copytree(scenario / "host", repo / "host")
    shutil.copytree(scenario / "plugins", repo / "plugins")
    init_repo(repo)
    before, refs_before = snapshot(repo), refs(repo)
    proc = goalign(
        "solve", "-C", repo, "--host", "host", "--plugin", "plugins/a", "--plugin", "plugins/b",
        "--proxy", (scenario / "proxy").as_uri(), "--write", "--branch", BRANCH,
        "--pr-body", repo / "body.md", tmp=tmp_path,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("aligned")
    assert "already aligned: no branch, no commit" in proc.stderr
    assert refs(repo) == refs_before
    assert snapshot(repo) == before  # no body.md either
    assert git(repo, "status", "--porcelain") == ""


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ("unstaged", "host/main.go"),
        ("staged", "host/main.go"),
        ("edited go.mod", "plugins/audit/go.mod"),
    ],
)
def test_dirty_work_tree_is_refused_and_nothing_changes(
    tmp_path: Path, change: str, named: str
) -> None:
    repo = copy_demo(tmp_path / "repo")
    init_repo(repo)
    with (repo / named).open("a") as f:
        f.write("// local work in progress\n")
    if change == "staged":
        git(repo, "add", named)
    before, refs_before = snapshot(repo), refs(repo)
    status = git(repo, "status", "--porcelain")
    proc = goalign(
        "solve", "-C", repo, *DEMO_ARGS, "--write", "--branch", BRANCH,
        "--pr-body", repo / "body.md", tmp=tmp_path,
    )  # fmt: skip
    assert proc.returncode == 2, proc.stderr
    assert f"goalign: {repo}: the work tree has uncommitted changes ({named})" in proc.stderr
    assert "commit or stash" in proc.stderr
    assert snapshot(repo) == before
    assert refs(repo) == refs_before
    assert git(repo, "status", "--porcelain") == status


def test_untracked_files_are_allowed_and_not_committed(tmp_path: Path) -> None:
    repo = copy_demo(tmp_path / "repo")
    init_repo(repo)
    (repo / "notes.txt").write_text("scratch\n")
    proc = goalign("solve", "-C", repo, *DEMO_ARGS, "--write", "--branch", BRANCH, tmp=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert commit_files(repo) == DEMO_FILES
    assert git(repo, "status", "--porcelain") == "?? notes.txt\n"


def test_existing_branch_is_refused(tmp_path: Path) -> None:
    repo = copy_demo(tmp_path / "repo")
    init_repo(repo)
    git(repo, "branch", BRANCH)
    before, refs_before = snapshot(repo), refs(repo)
    proc = goalign("solve", "-C", repo, *DEMO_ARGS, "--write", "--branch", BRANCH, tmp=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert f"goalign: {repo}: branch '{BRANCH}' already exists" in proc.stderr
    assert snapshot(repo) == before
    assert refs(repo) == refs_before


def test_invalid_branch_name_is_refused(tmp_path: Path) -> None:
    repo = copy_demo(tmp_path / "repo")
    init_repo(repo)
    before, refs_before = snapshot(repo), refs(repo)
    proc = goalign("solve", "-C", repo, *DEMO_ARGS, "--write", "--branch", "a..b", tmp=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert "'a..b' is not a valid git branch name" in proc.stderr
    assert snapshot(repo) == before
    assert refs(repo) == refs_before


def test_file_outside_git_is_refused(tmp_path: Path) -> None:
    where = copy_demo(tmp_path / "nogit")
    before = snapshot(where)
    proc = goalign("solve", "-C", where, *DEMO_ARGS, "--write", "--branch", BRANCH, tmp=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert f"goalign: {where / 'plugins/audit/go.mod'}: not inside a git repository" in proc.stderr
    assert snapshot(where) == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--branch", BRANCH], "--branch: needs --write"),
        (["--write", "--pr-body", "body.md"], "--pr-body: needs --branch"),
        (["--write", "--commit-message", "x"], "--commit-message: needs --branch"),
    ],
)
def test_option_misuse_is_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    repo = copy_demo(tmp_path / "repo")
    init_repo(repo)
    before, refs_before = snapshot(repo), refs(repo)
    proc = goalign("solve", "-C", repo, *DEMO_ARGS, *args, tmp=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert message in " ".join(proc.stderr.replace("│", " ").split())
    assert snapshot(repo) == before
    assert refs(repo) == refs_before


def separate_repos(tmp_path: Path, *, ratelimit_identity: bool = True) -> dict[str, Path]:
    """The demo with its host and each plugin in a repository of its own."""
    where = copy_demo(tmp_path / "ws")
    repos = {"host": where / "host"}
    repos |= {name: where / "plugins" / name for name in ("audit", "ratelimit")}
    for name, repo in repos.items():
        init_repo(repo, identity=ratelimit_identity or name != "ratelimit")
    return repos


def test_one_branch_and_commit_per_repository(tmp_path: Path, plain: dict[str, bytes]) -> None:
    repos = separate_repos(tmp_path)
    host_refs = refs(repos["host"])
    proc = goalign(
        "solve", "-C", tmp_path / "ws", *DEMO_ARGS, "--write", "--branch", BRANCH,
        "--pr-body", tmp_path / "body.md", tmp=tmp_path,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert refs(repos["host"]) == host_refs  # nothing to change there: no branch
    for name in ("audit", "ratelimit"):
        repo = repos[name]
        assert git(repo, "symbolic-ref", "--short", "HEAD").strip() == BRANCH
        assert commit_files(repo) == ["go.mod", "go.sum"]
        for file in ("go.mod", "go.sum"):
            committed = subprocess.run(
                ["git", "-C", str(repo), "show", f"HEAD:{file}"], capture_output=True, check=True
            ).stdout
            assert committed == plain[f"plugins/{name}/{file}"]
        assert git(repo, "status", "--porcelain") == ""
    audit = git(repos["audit"], "log", "-1", "--format=%B")
    assert "plugins/audit: example.com/kit/trace v1.1.0 -> v1.0.0 (risky)" in audit
    assert "ratelimit" not in audit
    ratelimit = git(repos["ratelimit"], "log", "-1", "--format=%B")
    assert ratelimit == (
        "Align plugin module versions with host\n\n"
        "- plugins/ratelimit: example.com/kit/log v1.3.0 -> v1.4.0\n"
        "- plugins/ratelimit/go.sum: checksums for the new build list\n\n"
    )
    assert (tmp_path / "body.md").is_file()


def test_failed_commit_restores_every_repository(tmp_path: Path) -> None:
    # ratelimit's repository has no committer identity and refuses to guess one, so its
    # commit fails after audit's succeeded: both must end as they began.
    repos = separate_repos(tmp_path, ratelimit_identity=False)
    git(repos["ratelimit"], "config", "user.useConfigOnly", "true")
    before = snapshot(tmp_path / "ws")
    refs_before = {name: refs(repo) for name, repo in repos.items()}
    proc = goalign(
        "solve", "-C", tmp_path / "ws", *DEMO_ARGS, "--write", "--branch", BRANCH,
        "--pr-body", tmp_path / "body.md", tmp=tmp_path,
    )  # fmt: skip
    assert proc.returncode == 2, proc.stderr
    assert f"goalign: {repos['ratelimit']}: git commit failed: " in proc.stderr
    assert "user.email" in proc.stderr  # git's own words
    assert "restoring failed" not in proc.stderr
    assert snapshot(tmp_path / "ws") == before
    assert {name: refs(repo) for name, repo in repos.items()} == refs_before
    for repo in repos.values():
        assert git(repo, "status", "--porcelain") == ""
    assert not (tmp_path / "body.md").exists()


def test_hooks_do_not_run_and_git_variables_are_ignored(tmp_path: Path) -> None:
    repo = copy_demo(tmp_path / "repo")
    init_repo(repo)
    marker = tmp_path / "hook-ran"
    for hook in ("pre-commit", "commit-msg", "post-checkout"):
        path = repo / ".git" / "hooks" / hook
        path.write_text(f"#!/bin/sh\ntouch {marker}\nexit 1\n")
        path.chmod(0o755)
    decoy = tmp_path / "decoy"
    decoy.mkdir()
    env = goalign_env(tmp_path, "off") | {
        "GIT_DIR": str(decoy),
        "GIT_WORK_TREE": str(decoy),
        "GIT_INDEX_FILE": str(decoy / "index"),
    }
    proc = subprocess.run(
        [
            *(sys.executable, "-m", "goalign", "solve", "-C", str(repo), *DEMO_ARGS),
            *("--write", "--branch", BRANCH),
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert not marker.exists()
    assert commit_files(repo) == DEMO_FILES
    assert list(decoy.iterdir()) == []


def test_detached_head_is_restored_on_failure(tmp_path: Path) -> None:
    repo = copy_demo(tmp_path / "repo")
    init_repo(repo)
    git(repo, "checkout", "-q", "--detach")
    git(repo, "config", "--unset", "user.email")
    git(repo, "config", "user.useConfigOnly", "true")
    before, refs_before = snapshot(repo), refs_detached(repo)
    proc = goalign("solve", "-C", repo, *DEMO_ARGS, "--write", "--branch", BRANCH, tmp=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert "git commit failed" in proc.stderr
    assert snapshot(repo) == before
    assert refs_detached(repo) == refs_before
    assert git(repo, "symbolic-ref", "HEAD", check=False) == ""


def refs_detached(repo: Path) -> str:
    return git(repo, "for-each-ref", "--format=%(refname) %(objectname)") + git(
        repo, "rev-parse", "HEAD"
    )


def test_new_go_sum_is_added_and_removed_again_on_failure(tmp_path: Path) -> None:
    repo = copy_demo(tmp_path / "repo")
    (repo / "plugins/ratelimit/go.sum").unlink()
    init_repo(repo)
    proc = goalign("solve", "-C", repo, *DEMO_ARGS, "--write", "--branch", BRANCH, tmp=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "plugins/ratelimit/go.sum" in commit_files(repo)
    assert git(repo, "status", "--porcelain") == ""

    again = copy_demo(tmp_path / "again")
    (again / "plugins/ratelimit/go.sum").unlink()
    init_repo(again)
    git(again, "config", "--unset", "user.email")
    git(again, "config", "user.useConfigOnly", "true")
    before, refs_before = snapshot(again), refs(again)
    proc = goalign("solve", "-C", again, *DEMO_ARGS, "--write", "--branch", BRANCH, tmp=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert snapshot(again) == before  # the new go.sum is gone again
    assert refs(again) == refs_before
    assert git(again, "status", "--porcelain", "--untracked-files=all") == ""


@pytest.mark.parametrize("kind", ["untracked", "ignored"])
def test_go_sum_outside_git_is_refused(tmp_path: Path, kind: str) -> None:
    repo = copy_demo(tmp_path / "repo")
    go_sum = repo / "plugins/ratelimit/go.sum"
    data = go_sum.read_bytes()
    go_sum.unlink()
    if kind == "ignored":
        (repo / ".gitignore").write_text("/plugins/ratelimit/go.sum\n")
    init_repo(repo)
    if kind == "untracked":
        go_sum.write_bytes(data)
    before, refs_before = snapshot(repo), refs(repo)
    proc = goalign("solve", "-C", repo, *DEMO_ARGS, "--write", "--branch", BRANCH, tmp=tmp_path)
    assert proc.returncode == 2, proc.stderr
    if kind == "untracked":
        expected = "plugins/ratelimit/go.sum is not tracked by git, but goalign would commit it"
    else:
        expected = "plugins/ratelimit/go.sum is ignored by git, so goalign cannot commit it"
    assert f"goalign: {repo}: {expected}" in proc.stderr
    assert snapshot(repo) == before
    assert refs(repo) == refs_before
