"""Bot mode: ``goalign solve --write --branch NAME`` commits the edits on a new branch.

For every git repository holding a changed go.mod or go.sum (each plugin's own
repository, or one repository holding them all), goalign:

1. checks first, before changing anything, that the file is inside a git work tree,
   that the repository has a commit, that no tracked file has staged or unstaged
   changes (untracked files are fine: build outputs, the PR body file), that every file
   goalign writes is tracked or new (not an untracked or ignored copy), and that the
   local branch NAME does not exist;
2. creates NAME from the current HEAD and checks it out (so ``git push origin NAME``
   and ``gh pr create`` work from there);
3. writes every changed file of every repository at once (``files.write_all``);
4. commits exactly those files (``git commit --only``), with a short subject and a body
   listing every edit;
5. writes the pull-request body (Markdown) to ``--pr-body FILE`` when asked.

If any step fails, every repository goes back to its original branch and files, and
the new branches are deleted, before the error is raised. No git hook runs (see
:mod:`goalign.gitops`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from goalign.align import FileChange
from goalign.errors import GitError, GoalignError, InputError
from goalign.files import write_all
from goalign.gitops import Repo, find_repo
from goalign.solver import Edit

__all__ = ["DEFAULT_SUBJECT", "BotOptions", "Commit", "commit_message", "publish"]

#: The commit subject when ``--commit-message`` is not given.
DEFAULT_SUBJECT = "Align plugin module versions with host"


@dataclass(frozen=True)
class BotOptions:
    """What ``--branch``, ``--commit-message`` and ``--pr-body`` asked for."""

    branch: str
    message: str | None = None
    pr_body: Path | None = None


@dataclass(frozen=True)
class Commit:
    """A commit goalign made: where, on which branch, and the files it holds."""

    repo: Path
    branch: str
    sha: str
    files: tuple[str, ...]


def _edit_line(edit: Edit) -> str:
    if edit.op in ("go", "toolchain"):
        what = f"{edit.op} {edit.from_} -> {edit.to}"
    elif edit.op == "require":
        what = f"{edit.module} {edit.from_} -> {edit.to}"
    else:
        what = f"{edit.op} {edit.module} {edit.from_} -> {edit.to}"
    return f"- {edit.artifact}: {what}{' (risky)' if edit.risky else ''}"


def commit_message(subject: str | None, edits: Sequence[Edit], sums: Sequence[str]) -> str:
    """Return the commit message: the subject, then one line per edit and go.sum file.

    ``subject`` (``--commit-message``) defaults to :data:`DEFAULT_SUBJECT`; text after its
    first line is kept as a paragraph before the list. ``sums`` names the go.sum files
    the commit rewrites.

    >>> print(commit_message(None, [Edit("p", "require", "x.com/m", "v1.0.0", "v1.1.0")], []))
    Align plugin module versions with host
    <BLANKLINE>
    - p: x.com/m v1.0.0 -> v1.1.0
    <BLANKLINE>
    """
    text = (subject if subject is not None else DEFAULT_SUBJECT).strip()
    lines = [_edit_line(e) for e in edits]
    lines += [f"- {name}: checksums for the new build list" for name in sums]
    if any(e.risky for e in edits):
        lines += ["", "(risky): a requirement below what its go.mod states, or a force pin."]
    return f"{text}\n\n" + "\n".join(lines) + "\n"


@dataclass
class _Target:
    """One repository to commit in, and its state before goalign touched it."""

    repo: Repo
    changes: list[FileChange]
    sha: str = ""
    branch: str | None = None

    def rel(self, change: FileChange) -> str:
        return Path(os.path.relpath(change.path, self.repo.root)).as_posix()


def _targets(changes: Sequence[FileChange]) -> list[_Target]:
    by_root: dict[Path, _Target] = {}
    for change in changes:
        root = find_repo(change.path)
        by_root.setdefault(root, _Target(Repo(root), [])).changes.append(change)
    return list(by_root.values())


def _problems(target: _Target, branch: str) -> list[str]:
    """Return why goalign may not commit in ``target`` (empty when it may)."""
    repo = target.repo
    target.sha, target.branch = repo.head()
    out: list[str] = []
    if repo.branch_exists(branch):
        out.append(f"{repo.root}: branch {branch!r} already exists")
    dirty = repo.changed_tracked()
    if dirty:
        shown = ", ".join(dirty[:5]) + (f" and {len(dirty) - 5} more" if len(dirty) > 5 else "")
        out.append(f"{repo.root}: the work tree has uncommitted changes ({shown})")
    for change in target.changes:
        rel = target.rel(change)
        if repo.is_tracked(rel):
            continue
        if repo.is_ignored(rel):
            out.append(f"{repo.root}: {rel} is ignored by git, so goalign cannot commit it")
        elif change.path.exists():
            out.append(f"{repo.root}: {rel} is not tracked by git, but goalign would commit it")
    return out


def _preflight(targets: Sequence[_Target], options: BotOptions) -> None:
    if not options.branch.strip():
        raise InputError("--branch: the branch name is empty")
    if options.message is not None and not options.message.strip():
        raise InputError("--commit-message: the message is empty")
    if options.pr_body is not None and not options.pr_body.parent.is_dir():
        raise InputError(f"--pr-body: {options.pr_body.parent}: no such folder")
    if targets and not targets[0].repo.ok("check-ref-format", "--branch", options.branch):
        raise GitError(
            f"--branch: {options.branch!r} is not a valid git branch name",
            repo=str(targets[0].repo.root),
        )
    problems: list[str] = []
    for target in targets:
        problems += _problems(target, options.branch)
    if problems:
        raise GitError(
            "\n".join(problems),
            repo=str(targets[0].repo.root),
            hint="goalign commits only on a clean work tree and a new branch: commit or "
            "stash the changes (`git status` lists them), or pick another --branch",
        )


def publish(
    changes: Sequence[FileChange],
    edits: Sequence[Edit],
    folders: Mapping[str, Path],
    options: BotOptions,
    body: str,
) -> list[Commit]:
    """Commit ``changes`` on a new branch in each repository holding them.

    ``edits`` are the solution's edits and ``folders`` maps each artifact name to its
    folder, so each commit message lists the edits of the artifacts it holds. ``body``
    is the pull-request body written to ``options.pr_body`` once every commit is made.
    Returns the commits in the order of ``changes``.

    :raises GitError: a file outside any git work tree, a dirty work tree, an existing
        branch, or a git command that fails (then every repository is restored).
    :raises InputError: an empty branch name or message, or a missing --pr-body folder.
    """
    targets = _targets(changes)
    _preflight(targets, options)
    branched: list[_Target] = []
    written = False
    try:
        for target in targets:
            target.repo.run("checkout", "-q", "-b", options.branch)
            branched.append(target)
        written = True
        write_all({c.path: c.new for c in changes})
        commits = [_commit(t, edits, folders, options) for t in targets]
        if options.pr_body is not None:
            write_all({options.pr_body: body.encode("utf-8")})
    except BaseException as error:
        failures = _rollback(branched, changes if written else (), options.branch)
        if failures and isinstance(error, GoalignError):
            error.message += "\nrestoring failed too: " + "; ".join(failures)
        raise
    return commits


def _commit(
    target: _Target, edits: Sequence[Edit], folders: Mapping[str, Path], options: BotOptions
) -> Commit:
    parents = {c.path.parent for c in target.changes}
    artifacts = {name for name, folder in folders.items() if folder in parents}
    mine = [e for e in edits if e.artifact in artifacts]
    sums = [c.name for c in target.changes if c.path.name == "go.sum"]
    message = commit_message(options.message, mine, sums)
    specs = [f":(literal){target.rel(c)}" for c in target.changes]
    target.repo.run("add", "--", *specs)
    target.repo.run(
        "commit",
        "-q",
        "--only",
        "--cleanup=whitespace",
        "--file=-",
        "--",
        *specs,
        stdin=message.encode(),
    )
    sha = target.repo.run("rev-parse", "HEAD").decode().strip()
    return Commit(
        target.repo.root, options.branch, sha, tuple(target.rel(c) for c in target.changes)
    )


def _rollback(branched: Sequence[_Target], changes: Sequence[FileChange], branch: str) -> list[str]:
    """Put every repository back on its branch with its files; return what failed."""
    failures: list[str] = []

    def attempt(step: Callable[..., object], *args: object) -> None:
        try:
            step(*args)
        except (GoalignError, OSError) as error:
            failures.append(str(error))

    for target in reversed(branched):
        attempt(target.repo.run, "reset", "-q", "--mixed", target.sha)
    old = {c.path: c.old for c in changes if c.old is not None}
    if old:
        attempt(write_all, old)
    for c in changes:
        if c.old is None:
            attempt(Path.unlink, c.path, True)
    for target in reversed(branched):
        back = [target.branch] if target.branch else ["--detach", target.sha]
        attempt(target.repo.run, "checkout", "-q", *back)
        attempt(target.repo.run, "branch", "-q", "-D", branch)
    return failures
