"""Write a module universe as a GOPROXY folder that Go's ``file://`` proxy reads.

Layout (https://go.dev/ref/mod#goproxy-protocol), with paths and versions case-escaped
(``!`` + lower case) as Go escapes them::

    <escaped path>/@v/list           listed versions, one a line
    <escaped path>/@v/<v>.info       {"Version": ..., "Time": ...}
    <escaped path>/@v/<v>.mod        the go.mod bytes go.sum's /go.mod line hashes
    <escaped path>/@v/<v>.zip        entries "path@version/...": go.mod and Go sources

Every module's default source is one package at the module root that compiles and
imports the root package of each module it requires, so ``go mod tidy`` keeps the
requirements and a build links them. The same folder can be served over HTTP.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from goalign import semver
from goalign.module import escape_path, escape_version, split_path_version

__all__ = ["ModuleSpec", "write_proxy"]

DEFAULT_TIME = "2024-01-01T00:00:00Z"
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # fixed, so the same spec always gives the same zip
_GO_KEYWORDS = {
    "break", "case", "chan", "const", "continue", "default", "defer", "else",
    "fallthrough", "for", "func", "go", "goto", "if", "import", "interface", "map",
    "package", "range", "return", "select", "struct", "switch", "type", "var",
}  # fmt: skip


@dataclass(frozen=True)
class ModuleSpec:
    """One module version of a test universe.

    ``go_mod`` is the go.mod text; None generates ``module``, ``go`` and ``requires``
    lines (and, for a ``+incompatible`` version, the one-line go.mod Go synthesises).
    ``files`` maps names relative to the module root to contents (a name ending in
    ``/`` is a directory entry); None gives one package at the root (see
    :meth:`source`). ``time`` defaults to the timestamp of a pseudo-version, else
    :data:`DEFAULT_TIME`. ``zip_go_mod`` says whether the zip holds the go.mod
    (default: not for ``+incompatible``). ``listed`` says whether ``@v/list`` names
    the version (default: not for pseudo-versions).
    """

    path: str
    version: str
    go_mod: str | None = None
    files: Mapping[str, str | bytes] | None = None
    time: str | None = None
    requires: Mapping[str, str] = field(default_factory=dict)
    go: str = "1.21"
    imports: Sequence[str] | None = None
    zip_go_mod: bool | None = None
    listed: bool | None = None

    @property
    def incompatible(self) -> bool:
        """Report whether the version is a ``+incompatible`` one."""
        return self.version.endswith("+incompatible")

    @property
    def package(self) -> str:
        """Return the Go package name of the module's root package."""
        prefix, _, _ = split_path_version(self.path)  # without /v2 or gopkg.in's .v3
        last = prefix.rsplit("/", 1)[-1]
        name = re.sub(r"\W", "_", last, flags=re.ASCII).lower()
        if not name or name[0].isdigit():
            name = "p" + name
        return name + "_" if name in _GO_KEYWORDS else name

    def mod_text(self) -> str:
        """Return the go.mod text the proxy serves for this version."""
        if self.go_mod is not None:
            return self.go_mod
        if self.incompatible and not self.requires:
            return f"module {self.path}\n"
        text = f"module {self.path}\n\ngo {self.go}\n"
        if self.requires:
            lines = "".join(f"\t{p} {v}\n" for p, v in sorted(self.requires.items()))
            text += f"\nrequire (\n{lines})\n"
        return text

    def mod_bytes(self) -> bytes:
        """Return the ``.mod`` file's bytes."""
        return self.mod_text().encode()

    def source(self) -> str:
        """Return the default Go source: the root package, importing its requirements."""
        imports = sorted(self.requires) if self.imports is None else list(self.imports)
        block = "".join(f'\t_ "{imp}"\n' for imp in imports)
        import_text = f"import (\n{block})\n\n" if imports else ""
        return (
            f"// Package {self.package} is a test module.\n"
            f"package {self.package}\n\n"
            f"{import_text}"
            "// Version returns the module version this package comes from.\n"
            f'func Version() string {{ return "{self.path}@{self.version}" }}\n'
        )

    def zip_files(self) -> dict[str, bytes]:
        """Return the zip's entries: names with the ``path@version/`` prefix, contents."""
        files: dict[str, str | bytes] = (
            {f"{self.package}.go": self.source()} if self.files is None else dict(self.files)
        )
        has_go_mod = not self.incompatible if self.zip_go_mod is None else self.zip_go_mod
        if has_go_mod:
            files.setdefault("go.mod", self.mod_text())
        prefix = f"{self.path}@{self.version}/"
        return {
            prefix + name: data.encode() if isinstance(data, str) else data
            for name, data in sorted(files.items())
        }

    def zip_bytes(self) -> bytes:
        """Return the ``.zip`` file's bytes (deterministic for a given spec)."""
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in self.zip_files().items():
                archive.writestr(zipfile.ZipInfo(name, _ZIP_TIME), data, zipfile.ZIP_DEFLATED)
        return buf.getvalue()

    def info_bytes(self) -> bytes:
        """Return the ``.info`` file's bytes."""
        time = self.time
        if time is None:
            if semver.is_pseudo(self.version):
                time = semver.pseudo_time(self.version).strftime("%Y-%m-%dT%H:%M:%SZ")
            else:
                time = DEFAULT_TIME
        return json.dumps({"Version": self.version, "Time": time}).encode()

    def is_listed(self) -> bool:
        """Report whether ``@v/list`` names this version."""
        if self.listed is not None:
            return self.listed
        return not semver.is_pseudo(self.version)


def write_proxy(root: Path, modules: Iterable[ModuleSpec]) -> str:
    """Write the modules as a GOPROXY folder under ``root``; return its ``file://`` URL.

    Writing more modules into the same root later adds to the lists.
    """
    by_path: dict[str, list[ModuleSpec]] = {}
    for spec in modules:
        by_path.setdefault(spec.path, []).append(spec)
    for path, specs in by_path.items():
        vdir = root / escape_path(path) / "@v"
        vdir.mkdir(parents=True, exist_ok=True)
        listed: set[str] = set()
        list_file = vdir / "list"
        if list_file.exists():
            listed = {line for line in list_file.read_text().split("\n") if line}
        for spec in specs:
            base = escape_version(spec.version)
            (vdir / f"{base}.info").write_bytes(spec.info_bytes())
            (vdir / f"{base}.mod").write_bytes(spec.mod_bytes())
            (vdir / f"{base}.zip").write_bytes(spec.zip_bytes())
            if spec.is_listed():
                listed.add(spec.version)
        list_file.write_text("".join(v + "\n" for v in semver.sort(listed)))
    return root.resolve().as_uri()
