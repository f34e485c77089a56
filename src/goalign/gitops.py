"""The ``git`` command line, run for goalign's bot mode in a controlled environment.

Every call runs ``git -C REPO ...`` with:

- no inherited ``GIT_*`` variable except the author and committer identity and dates
  (``GIT_AUTHOR_NAME`` ... ``GIT_COMMITTER_DATE``), so a stray ``GIT_DIR``,
  ``GIT_WORK_TREE`` or ``GIT_INDEX_FILE`` cannot send the commands elsewhere;
- ``GIT_TERMINAL_PROMPT=0`` (never wait for a password) and ``GIT_OPTIONAL_LOCKS=0``;
- ``core.hooksPath`` pointed at the null device, so no hook runs (pre-commit,
  commit-msg, post-checkout, ...): goalign commits only files it has just written
  itself, and a hook must not rewrite or veto them half-way. The user's and system's git
  configuration (identity, signing) still applies.

Failures raise :class:`~goalign.errors.GitError` naming the repository and quoting
git's own message.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from pathlib import Path

from goalign.errors import GitError

__all__ = ["Repo", "find_repo", "git_env"]

#: Inherited variables git may still see: who commits, and when.
_KEPT = frozenset(
    {
        "GIT_AUTHOR_NAME",
        "GIT_AUTHOR_EMAIL",
        "GIT_AUTHOR_DATE",
        "GIT_COMMITTER_NAME",
        "GIT_COMMITTER_EMAIL",
        "GIT_COMMITTER_DATE",
    }
)


def git_env(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """Return ``environ`` (default: this process's) as git gets it from goalign."""
    source = os.environ if environ is None else environ
    env = {k: v for k, v in source.items() if not k.startswith("GIT_") or k in _KEPT}
    env["GIT_TERMINAL_PROMPT"] = "0"
    env["GIT_OPTIONAL_LOCKS"] = "0"
    return env


def _git(cwd: Path, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(
            ["git", "-C", str(cwd), "-c", f"core.hooksPath={os.devnull}", *args],
            input=stdin,
            capture_output=True,
            env=git_env(),
            check=False,
        )
    except FileNotFoundError as error:
        raise GitError(
            "git is not installed (no `git` on PATH)", repo=str(cwd), hint="install git"
        ) from error


def _message(proc: subprocess.CompletedProcess[bytes]) -> str:
    text = (proc.stderr or proc.stdout).decode("utf-8", "replace").strip()
    return text or f"exit status {proc.returncode}"


def find_repo(path: Path) -> Path:
    """Return the top folder of the git work tree holding ``path`` (a file or folder).

    :raises GitError: ``path`` is not inside a git work tree.
    """
    folder = path if path.is_dir() else path.parent
    proc = _git(folder, "rev-parse", "--show-toplevel")
    if proc.returncode != 0:
        raise GitError(
            f"{path}: not inside a git repository ({_message(proc)})",
            repo=str(folder),
            hint="--branch commits in the repository holding each changed file; "
            "run `git init` there or drop --branch",
        )
    return Path(os.fsdecode(proc.stdout.rstrip(b"\n"))).resolve()


class Repo:
    """One git work tree, named by its top folder."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def __repr__(self) -> str:
        return f"Repo({str(self.root)!r})"

    def run(self, *args: str, stdin: bytes | None = None) -> bytes:
        """Run ``git args...`` here and return its standard output.

        :raises GitError: git exits non-zero; the message names the repository, the
            command and git's own words.
        """
        proc = _git(self.root, *args, stdin=stdin)
        if proc.returncode != 0:
            raise GitError(
                f"{self.root}: git {args[0]} failed: {_message(proc)}", repo=str(self.root)
            )
        return proc.stdout

    def ok(self, *args: str) -> bool:
        """Report whether ``git args...`` succeeds here (its output is dropped)."""
        return _git(self.root, *args).returncode == 0

    def head(self) -> tuple[str, str | None]:
        """Return HEAD's commit and the branch checked out (None when detached).

        :raises GitError: the repository has no commit yet.
        """
        proc = _git(self.root, "rev-parse", "--verify", "--quiet", "HEAD^{commit}")
        if proc.returncode != 0:
            raise GitError(
                f"{self.root}: the repository has no commit yet; "
                "goalign branches from the current commit",
                repo=str(self.root),
            )
        sha = proc.stdout.decode().strip()
        ref = _git(self.root, "symbolic-ref", "--quiet", "HEAD")
        branch = ref.stdout.decode().strip() if ref.returncode == 0 else None
        if branch is not None:
            branch = branch.removeprefix("refs/heads/")
        return sha, branch

    def branch_exists(self, name: str) -> bool:
        """Report whether the local branch ``name`` exists."""
        return self.ok("rev-parse", "--verify", "--quiet", f"refs/heads/{name}")

    def changed_tracked(self) -> list[str]:
        """Return the tracked paths with staged or unstaged changes (``git status``)."""
        out = self.run("status", "--porcelain=v1", "-z", "--untracked-files=no")
        paths: list[str] = []
        fields = out.split(b"\0")
        i = 0
        while i < len(fields):
            entry = fields[i]
            i += 1
            if not entry:
                continue
            paths.append(os.fsdecode(entry[3:]))
            if entry[:1] in (b"R", b"C"):
                i += 1  # a rename's or copy's source path follows
        return paths

    def is_tracked(self, rel: str) -> bool:
        """Report whether ``rel`` (relative to the top folder) is in the index."""
        return bool(self.run("ls-files", "-z", "--", f":(literal){rel}").strip(b"\0"))

    def is_ignored(self, rel: str) -> bool:
        """Report whether ``rel`` would be ignored by ``git add``."""
        return self.ok("check-ignore", "--quiet", "--no-index", "--", rel)
