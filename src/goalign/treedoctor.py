"""Source-tree checks: what in the host's and plugins' module folders will break loading.

``goalign doctor --host DIR --plugin DIR...`` runs these before anything is built; the
host may also be a built host or a host manifest (its build info then stands for the
host's go.mod, see goalign.baseline). Each cause is a
:class:`~goalign.doctor.Finding`, rendered like the built-file doctor's:

- ``go-line`` (fail): a plugin's ``go`` line is newer than the Go the host builds
  with (its ``toolchain``, else its ``go`` line; a built host's own Go): the plugin
  cannot be built by the host's toolchain.
- ``toolchain`` (warn): a plugin's ``toolchain`` line is not the one
  ``goalign solve`` gives it (the host's; none when the host has none or the
  plugin's ``go`` line names the same Go). With another Go the host dies opening it.
- ``vendor`` (fail): an artifact builds from a ``vendor/`` folder (present with a
  ``go`` line of 1.14 or later, or ``-mod=vendor`` in GOFLAGS) and vendors a module
  another artifact also requires: the two compile that module from different files
  (and the vendored copy may be edited), so plugin.Open reports a different version
  of its package. ``-mod=vendor`` with no vendor folder fails the build itself.
- ``module-directory`` (fail): a module is replaced by a local folder in one
  artifact and required by another that takes it from elsewhere (the module cache
  or another folder): the compiled packages' file paths differ. The same folder on
  both sides is fine. When the host is built and both sides use folders, it is a
  warning: the binary records its folder relative to a source tree goalign cannot see.
- ``module-path`` (fail): a plugin's module path is the host's or an earlier
  plugin's: ``plugin already loaded``, or packages that collide with the host's.

Module versions are not compared here: that is ``goalign check`` (which needs the
module graph from the proxy). Pure: parsed go.mod files and folder facts in.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from goalign import gover
from goalign.buildinfo import BuildInfo, Module
from goalign.doctor import Artifact, Diagnosis, Finding, PluginVerdict, build_command
from goalign.modfile import File

__all__ = ["Tree", "diagnose_trees", "vendored_modules"]


@dataclass(frozen=True)
class Tree:
    """A module folder: ``name`` as given, ``dir`` absolute (POSIX), its parsed go.mod,
    and the modules its ``vendor/modules.txt`` lists (None: no vendor folder)."""

    name: str
    dir: str
    file: File
    vendored: tuple[str, ...] | None = None


def vendored_modules(modules_txt: str) -> tuple[str, ...]:
    """Return the module paths a ``vendor/modules.txt`` lists (its ``# path version`` lines)."""
    out = []
    for line in modules_txt.splitlines():
        if line.startswith("# ") and not line.startswith("## "):
            out.append(line[2:].split(" ")[0])
    return tuple(out)


@dataclass(frozen=True)
class _Side:
    """One artifact as the checks see it."""

    name: str
    module: str
    go: str  # its go line
    toolchain: str  # its toolchain line ("" for none)
    builds_with: str  # the Go version it builds with (host: the plugins' limit)
    modules: frozenset[str]  # what it requires (or, built, links)
    folders: Mapping[str, str]  # module -> folder it is replaced by (resolved if known)
    vendored: tuple[str, ...] | None
    dir: str  # its folder ("" when built)
    built: bool

    @property
    def vendor_dir(self) -> str:
        return posixpath.join(self.dir, "vendor")


def _tree_side(t: Tree) -> _Side:
    f = t.file
    module = f.module.mod.path if f.module else ""
    go = f.go.version if f.go else gover.DEFAULT_GO_VERSION
    tc = f.toolchain.name if f.toolchain else ""
    builds_with = (gover.from_toolchain(tc) or tc) if tc else go
    folders = {
        r.old.path: posixpath.normpath(posixpath.join(t.dir, r.new.path))
        for r in f.replace
        if r.new.version == ""
    }
    modules = frozenset(r.mod.path for r in f.require) | frozenset(folders)
    return _Side(
        t.name,
        module,
        go,
        tc,
        builds_with,
        modules,
        folders,
        t.vendored,
        t.dir,
        False,
    )


def _built_side(name: str, info: BuildInfo) -> _Side:
    from goalign.baseline import from_build_info, go_release

    release = go_release(info, name)
    f = from_build_info(info, name).artifact.file
    folders = {d.path: d.effective.path for d in info.deps if d.is_directory}
    return _Side(
        name,
        info.main.path,
        f.go.version if f.go else release,
        f.toolchain.name if f.toolchain else "",
        release,
        frozenset(d.path for d in info.deps),
        folders,
        None,
        "",
        True,
    )


def _uses_vendor(side: _Side, mod_flag: str | None) -> bool:
    if side.vendored is None or side.built:
        return False
    if mod_flag is not None:
        return mod_flag == "vendor"
    return gover.compare(side.go, "1.14") >= 0


def _vendor_findings(p: _Side, other: _Side, mod_flag: str | None) -> list[Finding]:
    found = []
    for a, b in ((p, other), (other, p)):
        if not _uses_vendor(a, mod_flag) or a.vendored is None:
            continue
        shared = sorted(set(a.vendored) & b.modules)
        if not shared:
            continue
        how = "-mod=vendor in GOFLAGS" if mod_flag == "vendor" else f"its go line ({a.go})"
        found.append(
            Finding(
                "fail",
                "vendor",
                shared[0],
                other.name,
                f"vendor: {a.name}",
                "",
                f"{a.name} builds {', '.join(shared)} from its vendor folder (because of "
                f"{how}) and {b.name} from elsewhere: the packages are compiled from "
                "other files (and a vendored copy may be edited), so plugin.Open reports "
                "a different version of package",
                f"build {a.name} from the module cache: delete {a.vendor_dir} or build "
                "with -mod=mod",
            )
        )
    return found


def _directory_findings(p: _Side, other: _Side) -> list[Finding]:
    found = []
    for path in sorted((set(p.folders) | set(other.folders)) & p.modules & other.modules):
        mine, theirs = p.folders.get(path), other.folders.get(path)
        if mine == theirs:
            continue
        if other.built and mine and theirs and not theirs.startswith("/"):
            found.append(
                Finding(
                    "warn",
                    "module-directory",
                    path,
                    other.name,
                    f"folder {mine}",
                    f"folder {theirs}",
                    f"{other.name} was built with {path} from the folder {theirs}, relative "
                    f"to its source, which goalign cannot see, and {p.name} from {mine}: "
                    "the plugin loads only if both are the same absolute folder",
                    f"build {p.name} with {path} from the folder the host was built with",
                )
            )
            continue

        def where(side: _Side, folder: str | None) -> str:
            return f"the folder {folder}" if folder else "the module cache"

        fix = (
            f"drop the replacement in {p.name} (go mod edit -dropreplace={path}) and "
            "require the version the other side has"
            if mine and not theirs
            else f"replace {path} in {p.name} by the same folder "
            f"(go mod edit -replace={path}={posixpath.relpath(theirs, p.dir)})"
            if theirs and p.dir and theirs.startswith("/")
            else f"build {path} from the same place in {p.name} and {other.name}"
        )
        found.append(
            Finding(
                "fail",
                "module-directory",
                path,
                other.name,
                f"folder {mine}" if mine else "module cache",
                f"folder {theirs}" if theirs else "module cache",
                f"{p.name} compiles {path} from {where(p, mine)} and {other.name} from "
                f"{where(other, theirs)}: the file paths are part of a compiled package, "
                "so plugin.Open reports a different version of package",
                fix,
            )
        )
    return found


def diagnose_trees(
    host: Tree | Artifact,
    plugins: Sequence[Tree],
    *,
    mod_flag: str | None = None,
) -> Diagnosis:
    """Return the source-tree findings for ``plugins`` opened, in order, by ``host``.

    ``mod_flag`` is the ``-mod`` value GOFLAGS sets (None when it sets none).
    :raises InputError: a built host whose build info cannot be a baseline.
    """
    if isinstance(host, Tree):
        h = _tree_side(host)
        host_art = Artifact(host.name, _stand_in(h))
        command = ""
    else:
        h = _built_side(host.name, host.info)
        host_art = host
        command = build_command(host.info)
    sides = [_tree_side(p) for p in plugins]
    verdicts = []
    for i, p in enumerate(sides):
        findings: list[Finding] = []
        if gover.compare(p.go, h.builds_with) > 0:
            findings.append(
                Finding(
                    "fail",
                    "go-line",
                    "go",
                    h.name,
                    p.go,
                    h.builds_with,
                    f"{p.name} declares go {p.go}, newer than the Go {h.name} builds with "
                    f"({h.builds_with}): a plugin must be built by the host's toolchain",
                    f"lower {p.name}'s go line to {h.builds_with} or below "
                    f"(go mod edit -go={h.builds_with}), or build the host with go {p.go}",
                )
            )
        want = "" if h.toolchain == "go" + p.go else h.toolchain
        if p.toolchain != want and not findings:
            if want:
                message = (
                    f"{p.name} has {_tc(p.toolchain)} and {h.name} builds with {want}: "
                    "a plugin built by another Go kills the host when it is opened "
                    "('runtime: no plugin module data')"
                )
                fix = f"go mod edit -toolchain={want} in {p.name} (goalign solve writes it)"
            else:
                message = (
                    f"{p.name} asks for {p.toolchain} and {h.name} has no toolchain line: "
                    "make sure both are built by the same Go"
                )
                fix = f"go mod edit -toolchain=none in {p.name}, or give the host the same line"
            findings.append(
                Finding("warn", "toolchain", "toolchain", h.name, p.toolchain, want, message, fix)
            )
        if mod_flag == "vendor":
            for side in (h, p):
                if side.vendored is None and not side.built:
                    findings.append(
                        Finding(
                            "fail",
                            "vendor",
                            "GOFLAGS",
                            h.name,
                            "-mod=vendor",
                            "",
                            f"GOFLAGS has -mod=vendor and {side.name} has no vendor folder: "
                            "go build fails (inconsistent vendoring)",
                            "remove -mod=vendor from GOFLAGS (go env -u GOFLAGS, or unset it)",
                        )
                    )
        others = [h, *sides[:i]]
        for other in others:
            findings += _vendor_findings(p, other, mod_flag)
            findings += _directory_findings(p, other)
            if p.module and p.module == other.module:
                findings.append(
                    Finding(
                        "fail",
                        "module-path",
                        p.module,
                        other.name,
                        p.module,
                        other.module,
                        f"{p.name} has the same module path ({p.module}) as {other.name}: "
                        + (
                            "its packages collide with the host's"
                            if other is h
                            else "plugin.Open fails with 'plugin already loaded'"
                        ),
                        f"give {p.name} its own module path (go mod edit -module=...)",
                    )
                )
        verdicts.append(PluginVerdict(Artifact(p.name, _stand_in(p)), tuple(findings)))
    return Diagnosis(host_art, tuple(verdicts), command, inputs="source")


def _tc(toolchain: str) -> str:
    return f"toolchain {toolchain}" if toolchain else "no toolchain line"


def _stand_in(side: _Side) -> BuildInfo:
    """Return the build info fields reports show for a folder: module path and Go."""
    return BuildInfo("go" + side.builds_with, side.module, Module(side.module, "(devel)"))
