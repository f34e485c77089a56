"""The errors goalign raises on bad input, impossible requests and failing proxies.

Every error a user can cause is a :class:`GoalignError`; the command line maps each
branch to one exit code (see DESIGN.md). Anything else escaping goalign is a bug and
keeps its traceback.

::

    GoalignError                 .message, optional .hint
    ├─ InputError                bad input: exit 2
    │  ├─ InvalidVersion         a version that is not valid (also a ValueError)
    │  ├─ InvalidPath            a module, import or file path that is not valid
    │  ├─ ModfileError           one go.mod problem, "path:line:col: message"
    │  │  └─ ModfileErrors       every problem found in one go.mod
    │  ├─ GoSumError             a malformed go.sum line
    │  ├─ BuildInfoError         a file that is not a Go binary, or bad build info
    │  └─ GitError               a repository bot mode cannot commit in
    ├─ ModuleError               path@version: cause
    ├─ ResolutionError           no build list or alignment: exit 3
    ├─ ProxyError                the module proxy failed: exit 4
    └─ CacheError
"""

from __future__ import annotations

from collections.abc import Sequence

from goalign.strconv import quote

__all__ = [
    "BuildInfoError",
    "CacheError",
    "GitError",
    "GoSumError",
    "GoalignError",
    "InputError",
    "InvalidPath",
    "InvalidVersion",
    "ModfileError",
    "ModfileErrors",
    "ModuleError",
    "ProxyError",
    "ResolutionError",
]


class GoalignError(Exception):
    """Base of every error a user can cause; carries a message and an optional hint."""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message


class InputError(GoalignError):
    """Input that goalign cannot accept: a bad file, flag or value."""


class InvalidVersion(InputError, ValueError):
    """A version string that is not valid where it is used.

    Prints as x/mod's errors do: ``version "v1.0.0" invalid: should be v2, not v1``,
    or with a module path ``x.com/m/v2@v1.0.0: invalid version: should be v2, not v1``.
    """

    def __init__(self, version: str, reason: str, *, path: str = "", pseudo: bool = False) -> None:
        noun = "pseudo-version" if pseudo else "version"
        if path:
            text = f"{path}@{version}: invalid {noun}: {reason}"
        else:
            text = f"{noun} {quote(version)} invalid: {reason}"
        super().__init__(text)
        self.version = version
        self.reason = reason
        self.path = path
        self.pseudo = pseudo


class InvalidPath(InputError, ValueError):
    """A module, import or file path that is not valid."""

    def __init__(self, path: str, reason: str, *, kind: str = "module") -> None:
        super().__init__(f"malformed {kind} path {quote(path)}: {reason}")
        self.path = path
        self.reason = reason
        self.kind = kind


class ModfileError(InputError):
    """One problem in a go.mod file, located as Go locates it.

    Prints as ``file:line:col: message`` when the column is known and greater than 1
    (lexer errors), else ``file:line: message``; a directive problem reads
    ``file:line: verb path: message``, as golang.org/x/mod/modfile's Error does.
    """

    def __init__(
        self,
        filename: str,
        line: int,
        message: str,
        *,
        col: int = 0,
        verb: str = "",
        module_path: str = "",
    ) -> None:
        self.filename = filename
        self.line = line
        self.col = col
        self.verb = verb
        self.module_path = module_path
        self.reason = message
        where = f"{filename}:{line}:{col}" if col > 1 else f"{filename}:{line}"
        if verb and module_path:
            text = f"{where}: {verb} {module_path}: {message}"
        elif verb:
            text = f"{where}: {verb}: {message}"
        else:
            text = f"{where}: {message}"
        super().__init__(text)


class ModfileErrors(ModfileError):
    """Every problem found in one go.mod, one per line, in file order.

    It is itself a :class:`ModfileError` (the first problem's location) so callers
    that catch one kind catch both.
    """

    def __init__(self, errors: Sequence[ModfileError]) -> None:
        if not errors:
            raise AssertionError("internal error: ModfileErrors needs at least one error")
        first = errors[0]
        super().__init__(
            first.filename,
            first.line,
            first.reason,
            col=first.col,
            verb=first.verb,
            module_path=first.module_path,
        )
        self.errors = list(errors)
        self.message = "\n".join(e.message for e in self.errors)

    def __str__(self) -> str:
        return self.message


class GoSumError(InputError):
    """A go.sum line that Go would refuse."""


class BuildInfoError(InputError):
    """A file that is not a Go binary or plugin, or whose Go build info is malformed."""


class ModuleError(GoalignError):
    """A problem with one module version: ``path@version: cause``."""

    def __init__(self, path: str, version: str, cause: str) -> None:
        subject = f"{path}@{version}" if version else path
        super().__init__(f"{subject}: {cause}")
        self.path = path
        self.version = version
        self.cause = cause


class ResolutionError(GoalignError):
    """No build list or no alignment exists for the input."""


class ProxyError(GoalignError):
    """The module proxy could not answer after retries."""

    def __init__(self, message: str, *, url: str = "", hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.url = url


class CacheError(GoalignError):
    """goalign's cache could not be read or written."""


class GitError(InputError):
    """A git repository that cannot take goalign's branch and commit (exit 2).

    The message names the repository and quotes git's own words.
    """

    def __init__(self, message: str, *, repo: str, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.repo = repo
