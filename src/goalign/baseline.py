"""A built host as the alignment baseline: build info in, the solver's host out.

``goalign solve --host path/to/host-binary`` (or a host manifest) aligns plugins with
the modules actually linked into the host, without the host's source. The solver
takes a host :class:`~goalign.solver.Artifact` (a go.mod) and its build list; here
both are made from :class:`~goalign.buildinfo.BuildInfo`, so the solver itself does
not know the difference:

- the go.mod is synthetic: ``module`` the binary's main module, ``go`` the language
  version of the Go that built it, ``toolchain`` that exact Go (so plugins get the
  toolchain line that builds a loadable plugin), one ``require`` per linked module at
  its linked version, and its ``replace`` as build info records it (unversioned: build
  info does not say which versions the host's go.mod replaced);
- the build list is exactly the linked modules, with their replacements. These are
  the fixed versions (the solver's targets).

What this does not know, and why it rarely matters: build info lists only modules
that provide packages linked into the file. The host's own go.mod may require
modules it does not link (test-only or other commands' dependencies); ``solve --host
DIR`` holds plugins to the host's versions of those too (module-level precision),
while here the solver sees only what the linked modules' go.mod files bring into the
graph, at the versions they require. For plugin.Open only linked packages count, so
either answer loads; the plans differ only on such modules.

A directory replacement in the binary (``=> ../log (devel)``) is carried into the
plugins as written, relative to the host's source, which the binary does not locate;
its folder's go.mod is not recorded either, so the host's graph gives it no
requirements. :attr:`HostBaseline.notes` says so.

Pure: build info in, values out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from goalign import gover
from goalign.buildinfo import BuildInfo
from goalign.errors import GoalignError, InputError
from goalign.modfile import auto_quote, parse
from goalign.mvs import BuildList, GoModDirtyError, GraphLoader, LocalGoMod, ModSummary
from goalign.solver import Artifact

__all__ = ["HostBaseline", "from_build_info", "go_release"]


@dataclass(frozen=True)
class HostBaseline:
    """The solver's view of a built host.

    ``artifact`` has the synthetic go.mod (its ``dir`` is empty: the host's folder is
    unknown); ``build_list`` the linked modules; ``dirs`` a stand-in go.mod for each
    folder a linked module is replaced by (keyed as the solver resolves it);
    ``sums`` the h1 of each linked module zip, as go.sum keys it; ``notes`` what the
    user should know about this baseline.
    """

    artifact: Artifact
    build_list: BuildList
    dirs: Mapping[str, bytes] = field(default_factory=dict)
    sums: Mapping[tuple[str, str], str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()


def go_release(info: BuildInfo, name: str) -> str:
    """Return the Go release that built ``info`` (``1.26.8``), without ``go`` or suffixes.

    :raises InputError: a development or otherwise unreleased Go (``devel go1.27-abc``):
        no toolchain line can name it.
    """
    word = info.go_version.split(" ")[0] if info.go_version else ""
    version = gover.from_toolchain(word.split("-")[0]) if word.startswith("go") else ""
    if not version or not gover.is_valid(version) or "-" in word:
        raise InputError(
            f"{name}: built by {info.go_version or 'an unknown Go'}, not a Go release",
            hint="plugins must be built by the host's exact Go; align against a host "
            "built by a released Go",
        )
    return version


def _version_text(version: str) -> str:
    return "" if version in ("", "(devel)") else f" {version}"


def from_build_info(info: BuildInfo, name: str) -> HostBaseline:
    """Return the host artifact and fixed build list of a built host named ``name``.

    :raises InputError: no main module recorded (a binary built outside module mode),
        an unreleased Go, or a module line Go would not accept.
    """
    main = info.main.path
    if not main:
        raise InputError(
            f"{name}: build info records no main module (built outside module mode?)",
            hint="align against the host's module folder instead",
        )
    release = go_release(info, name)
    lang = gover.lang(release)
    lines = [f"module {auto_quote(main)}", f"go {lang}"]
    if lang != release:
        lines.append(f"toolchain go{release}")
    replaces: list[str] = []
    dirs: dict[str, bytes] = {}
    sums: dict[tuple[str, str], str] = {}
    notes: list[str] = []
    for dep in info.deps:
        if dep.path == main:
            continue
        lines.append(f"require {auto_quote(dep.path)} {dep.version}")
        eff = dep.effective
        if dep.replace is not None:
            replaces.append(
                f"replace {auto_quote(dep.path)} => "
                f"{auto_quote(eff.path)}{_version_text(eff.version)}"
            )
        if dep.is_directory:
            # The solver resolves a folder against the host's dir, which is "" here.
            dirs[eff.path] = f"module {auto_quote(dep.path)}\n".encode()
            notes.append(
                f"{name} links {dep.path} from the folder {eff.path} (as the host's go.mod "
                "wrote it, relative to the host's source, which the binary does not "
                "locate); it is carried into the plugins as written and its own "
                "requirements are unknown. A plugin loads only if it builds "
                f"{dep.path} from that very folder"
            )
        elif eff.sum:
            sums[(eff.path, eff.version)] = eff.sum
    text = "\n".join(lines + replaces) + "\n"
    try:
        f = parse(text.encode(), f"{name} (build info)")
        loader = GraphLoader(f)
    except GoalignError as error:
        raise InputError(f"{name}: build info does not make a valid go.mod: {error}") from None
    # The linked modules are the whole baseline: give each go.mod no requirements, so
    # the build list is exactly what the binary links.
    while batch := loader.wanted():
        for source in batch:
            if isinstance(source, LocalGoMod):
                declared = next((d.path for d in info.deps if d.effective.path == source.dir), "")
                summary = ModSummary(module=declared, version="", pruned=True)
            else:
                summary = ModSummary(module=source.path, version=source.version, pruned=True)
            loader.feed_summary(source, summary)
    try:
        build_list = loader.build_list()
    except GoModDirtyError as dirty:
        if dirty.build_list is None:
            raise InputError(f"{name}: build info does not make a valid go.mod: {dirty}") from None
        build_list = dirty.build_list
    linked = len(info.deps)
    notes.insert(
        0,
        f"host {name}: built by go{release}; the fixed versions are the {linked} "
        "module(s) linked into it (modules its go.mod requires but it does not link "
        "are not recorded, and are held only where linked modules require them)",
    )
    art = Artifact(name, f, "")
    return HostBaseline(art, build_list, dirs, sums, tuple(notes))
