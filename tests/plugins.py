"""Build a Go host and its plugins with the real toolchain and load them into one process.

A host folder holds ``main.go`` (a copy of ``testdata/pluginhost/main.go.txt``: it
opens every plugin named on its command line, in order, in one process, and prints one
JSON line per plugin) and ``imports.go`` (blank imports of the packages it shares with
its plugins, so they are linked into the host). A plugin folder holds a ``main``
package that imports the shared packages and exports ``func Versions() []string``.

Builds are hermetic (see ``gotool``) with cgo on, as ``-buildmode=plugin`` needs. Host
and plugins must be built with the same ``tmp`` (hence the same GOMODCACHE): without
``-trimpath`` a package's fingerprint holds the absolute paths of its source files.

``mod`` picks ``-mod=mod`` (Go may complete go.sum and even rewrite go.mod) or
``-mod=readonly`` (go.mod and go.sum must already be complete, as after an alignment).

Run ``python3 tests/plugins.py sums fixtures/gomods/<scenario>`` to rewrite a
scenario's go.sum files from its ``proxy/`` folder.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from gotool import go_env, run_go

__all__ = [
    "HOST_MAIN",
    "LoadResult",
    "build_host",
    "build_plugin",
    "go_build",
    "load_plugins",
    "write_sums",
]

HOST_MAIN = Path(__file__).resolve().parent / "testdata" / "pluginhost" / "main.go.txt"
FATAL_PREFIX = "fatal error: "

Mod = Literal["mod", "readonly"]


@dataclass(frozen=True)
class LoadResult:
    """What ``plugin.Open`` did with one plugin.

    ``fatal`` marks a crash of the whole host (``error`` is then the runtime's fatal
    message, such as ``runtime: no plugin module data``); plugins after it were never
    opened and have no result.
    """

    plugin: str
    ok: bool
    error: str = ""
    versions: tuple[str, ...] = ()
    fatal: bool = False


def go_build(
    module_dir: Path,
    out: Path,
    tmp: Path,
    *,
    goproxy: str,
    plugin: bool,
    mod: Mod = "readonly",
    flags: Sequence[str] = (),
) -> Path:
    """Run ``go build`` in ``module_dir`` writing ``out``; raise with Go's output on failure."""
    args = ["build", f"-mod={mod}", *flags]
    if plugin:
        args.append("-buildmode=plugin")
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    run_go([*args, "-o", str(out), "."], module_dir, tmp, GOPROXY=goproxy, CGO_ENABLED="1")
    return out


def build_host(
    host_dir: Path,
    out: Path,
    tmp: Path,
    *,
    goproxy: str,
    mod: Mod = "readonly",
    flags: Sequence[str] = (),
) -> Path:
    """Build the host program in ``host_dir`` to ``out``; return ``out``."""
    return go_build(host_dir, out, tmp, goproxy=goproxy, plugin=False, mod=mod, flags=flags)


def build_plugin(
    plugin_dir: Path,
    out: Path,
    tmp: Path,
    *,
    goproxy: str,
    mod: Mod = "readonly",
    flags: Sequence[str] = (),
) -> Path:
    """Build the plugin in ``plugin_dir`` with ``-buildmode=plugin`` to ``out``."""
    return go_build(plugin_dir, out, tmp, goproxy=goproxy, plugin=True, mod=mod, flags=flags)


def load_plugins(host_binary: Path, plugin_paths: Sequence[Path], tmp: Path) -> list[LoadResult]:
    """Open every plugin, in order, in one run of ``host_binary``; one result each.

    A fatal runtime error ends the list with a ``fatal`` result for the plugin being
    opened; any other unexpected exit raises.
    """
    paths = [str(Path(p).resolve()) for p in plugin_paths]
    proc = subprocess.run(
        [str(host_binary), *paths],
        cwd=tmp,
        env=go_env(tmp),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    results = []
    for line in proc.stdout.splitlines():
        item = json.loads(line)
        results.append(
            LoadResult(
                plugin=item["plugin"],
                ok=item["ok"],
                error=item.get("error", ""),
                versions=tuple(item.get("versions") or ()),
            )
        )
    if proc.returncode == 0 and len(results) == len(paths):
        return results
    fatal = [line for line in proc.stderr.splitlines() if line.startswith(FATAL_PREFIX)]
    if not fatal or len(results) >= len(paths):
        raise AssertionError(f"host exited {proc.returncode}:\n{proc.stdout}{proc.stderr[-4000:]}")
    message = fatal[0].removeprefix(FATAL_PREFIX)
    results.append(LoadResult(plugin=paths[len(results)], ok=False, error=message, fatal=True))
    return results


def artifacts(scenario_dir: Path) -> list[str]:
    """The artifact folders of a scenario, relative to it: host first, then plugins/*."""
    plugins = sorted(p.parent for p in (scenario_dir / "plugins").glob("*/go.mod"))
    return ["host", *(str(p.relative_to(scenario_dir)) for p in plugins)]


def write_sums(scenario_dir: Path, tmp: Path) -> list[str]:
    """Rewrite each artifact's go.sum with what a ``-mod=mod`` build of a copy writes.

    The go.mod files are left as they are (a build may canonicalise a copy's go.mod);
    artifacts that do not build are skipped and returned.
    """
    goproxy = (scenario_dir / "proxy").resolve().as_uri()
    copy = tmp / "copy"
    shutil.copytree(scenario_dir, copy, ignore=shutil.ignore_patterns("proxy", "go.sum"))
    skipped = []
    for artifact in artifacts(scenario_dir):
        try:
            go_build(
                copy / artifact,
                tmp / "bin" / artifact.replace("/", "_"),
                tmp,
                goproxy=goproxy,
                plugin=artifact != "host",
                mod="mod",
            )
        except AssertionError:
            skipped.append(artifact)
            continue
        shutil.copyfile(copy / artifact / "go.sum", scenario_dir / artifact / "go.sum")
    return skipped


def main(argv: Sequence[str]) -> int:
    """``sums DIR...``: rewrite the go.sum files of the scenarios in DIR...."""
    if len(argv) < 2 or argv[0] != "sums":
        print("usage: python3 tests/plugins.py sums fixtures/gomods/<scenario>...")
        return 2
    for name in argv[1:]:
        with tempfile.TemporaryDirectory() as tmp:
            skipped = write_sums(Path(name), Path(tmp))
        print(name, "skipped: " + ", ".join(skipped) if skipped else "ok")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))


def go_list_m_all(module_dir: Path, tmp: Path, goproxy: str) -> dict[str, str]:
    """Return ``go list -m all`` of a module (readonly) as path -> version or replacement."""
    out = run_go(["list", "-mod=readonly", "-m", "all"], module_dir, tmp, GOPROXY=goproxy)
    lines = (line.split(" ", 1) for line in out.stdout.splitlines()[1:])
    return {parts[0]: parts[1] if len(parts) > 1 else "" for parts in lines}
