"""Source-tree doctor: one test per finding (pure) and the command on real folders."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from goalign import manifest, modfile
from goalign.buildinfo import BuildInfo, Module
from goalign.doctor import Artifact, to_dict, to_text
from goalign.treedoctor import Tree, diagnose_trees, vendored_modules

from cliutil import goalign_env, run_goalign

HOST = """module example.com/host

go 1.22

require (
\texample.com/log v1.2.0
\texample.com/cfg v1.0.0
)

replace example.com/cfg => ../cfg
"""


def tree(name: str, text: str, vendored: tuple[str, ...] | None = None) -> Tree:
    return Tree(name, f"/src/{name}", modfile.parse(text.encode(), f"{name}/go.mod"), vendored)


def plugin(body: str = "", go: str = "1.22", module: str = "example.com/p") -> str:
    return f"module {module}\n\ngo {go}\n{body}"


def causes(
    *plugins: Tree, host: Tree | Artifact | None = None, mod_flag: str | None = None
) -> list[tuple[str, str, str]]:
    d = diagnose_trees(host or tree("host", HOST), list(plugins), mod_flag=mod_flag)
    return [(f.severity, f.kind, f.subject) for v in d.plugins for f in v.findings]


def test_clean_plugin() -> None:
    assert causes(tree("p", plugin("require example.com/log v1.2.0\n"))) == []


def test_go_line_newer_than_the_host() -> None:
    assert causes(tree("p", plugin(go="1.23"))) == [("fail", "go-line", "go")]


def test_go_line_against_the_hosts_toolchain() -> None:
    host = tree("host", HOST + "\ntoolchain go1.24.2\n")
    # The host builds with go1.24.2: a go 1.23 plugin is fine once it has the line.
    assert causes(tree("p", plugin(go="1.23")), host=host) == [("warn", "toolchain", "toolchain")]
    assert causes(tree("p", plugin("toolchain go1.24.2\n", go="1.23")), host=host) == []
    assert causes(tree("p", plugin(go="1.24.2")), host=host) == []


def test_toolchain_the_host_does_not_have() -> None:
    [f] = (
        diagnose_trees(tree("host", HOST), [tree("p", plugin("toolchain go1.22.5\n"))])
        .plugins[0]
        .findings
    )
    assert (f.severity, f.kind, f.value, f.against_value) == ("warn", "toolchain", "go1.22.5", "")
    assert "go mod edit -toolchain=none" in f.fix


def test_vendor_folder_with_a_shared_module() -> None:
    p = tree("p", plugin("require example.com/log v1.2.0\n"), vendored=("example.com/log",))
    assert causes(p) == [("fail", "vendor", "example.com/log")]
    # Vendoring only its own modules, or an old go line without -mod=vendor: nothing.
    own = tree("p", plugin("require example.com/x v1.0.0\n"), vendored=("example.com/x",))
    assert causes(own) == []
    old = tree("p", plugin("require example.com/log v1.2.0\n", go="1.13"), ("example.com/log",))
    assert causes(old) == []
    assert causes(old, mod_flag="vendor") == [
        ("fail", "vendor", "GOFLAGS"),
        ("fail", "vendor", "example.com/log"),
    ]
    assert causes(p, mod_flag="mod") == []


def test_host_vendor_folder() -> None:
    host = tree("host", HOST, vendored=("example.com/cfg", "example.com/log"))
    assert causes(tree("p", plugin("require example.com/log v1.2.0\n")), host=host) == [
        ("fail", "vendor", "example.com/log")
    ]


def test_vendored_modules_txt() -> None:
    text = (
        "# example.com/log v1.2.0\n## explicit; go 1.22\nexample.com/log\n"
        "# example.com/x v1.0.0 => ../x\n"
    )
    assert vendored_modules(text) == ("example.com/log", "example.com/x")


def test_directory_replacements() -> None:
    # The host builds cfg from /src/cfg; the plugin from the module cache: fail.
    cache = tree("p", plugin("require example.com/cfg v1.0.0\n"))
    d = diagnose_trees(tree("host", HOST), [cache])
    [f] = d.plugins[0].findings
    assert (f.severity, f.kind, f.subject) == ("fail", "module-directory", "example.com/cfg")
    assert "go mod edit -replace=example.com/cfg=../cfg" in f.fix
    # The same folder, written relative to each: fine.
    same = tree("p", plugin("require example.com/cfg v1.0.0\nreplace example.com/cfg => ../cfg\n"))
    assert causes(same) == []
    # Another folder, or a folder for a module the host takes from the cache: fail.
    other = tree("p", plugin("require example.com/cfg v1.0.0\nreplace example.com/cfg => ./cfg\n"))
    assert causes(other) == [("fail", "module-directory", "example.com/cfg")]
    log = tree("p", plugin("require example.com/log v1.2.0\nreplace example.com/log => ../log\n"))
    assert causes(log) == [("fail", "module-directory", "example.com/log")]
    # A folder for a module only the plugin has: nothing to compare.
    mine = tree("p", plugin("require example.com/x v1.0.0\nreplace example.com/x => ./x\n"))
    assert causes(mine) == []


def test_plugins_folders_against_each_other() -> None:
    a = tree(
        "a",
        plugin(
            "require example.com/x v1.0.0\nreplace example.com/x => ../x\n", module="example.com/a"
        ),
    )
    b = tree("b", plugin("require example.com/x v1.0.0\n", module="example.com/b"))
    assert causes(a, b) == [("fail", "module-directory", "example.com/x")]


def test_module_paths_that_collide() -> None:
    a = tree("a", plugin(module="example.com/p"))
    b = tree("b", plugin(module="example.com/p"))
    h = tree("h", plugin(module="example.com/host"))
    assert causes(a, b, h) == [
        ("fail", "module-path", "example.com/p"),
        ("fail", "module-path", "example.com/host"),
    ]


BUILT = Artifact(
    "bin/host",
    BuildInfo(
        "go1.26.8",
        "example.com/host",
        Module("example.com/host", "(devel)"),
        (
            Module("example.com/log", "v1.2.0", "h1:A="),
            Module("example.com/cfg", "v1.0.0", "", Module("../cfg", "(devel)")),
        ),
    ),
)


def test_built_host() -> None:
    # A built host fixes the Go: plugins need its toolchain line, and a newer go line fails.
    assert causes(tree("p", plugin()), host=BUILT) == [("warn", "toolchain", "toolchain")]
    assert causes(tree("p", plugin("toolchain go1.26.8\n")), host=BUILT) == []
    assert causes(tree("p", plugin(go="1.27")), host=BUILT) == [("fail", "go-line", "go")]
    # Its folder is relative to a source tree goalign cannot see: only the cache is sure.
    tc = "toolchain go1.26.8\n"
    cache = tree("p", plugin(tc + "require example.com/cfg v1.0.0\n"))
    assert causes(cache, host=BUILT) == [("fail", "module-directory", "example.com/cfg")]
    folder = tree(
        "p", plugin(tc + "require example.com/cfg v1.0.0\nreplace example.com/cfg => ../cfg\n")
    )
    assert causes(folder, host=BUILT) == [("warn", "module-directory", "example.com/cfg")]
    d = diagnose_trees(BUILT, [tree("p", plugin())])
    assert d.build_command.startswith("GOTOOLCHAIN=go1.26.8 ")
    assert to_dict(d)["inputs"] == "source"


def test_folder_host_has_no_build_command() -> None:
    d = diagnose_trees(tree("host", HOST), [tree("p", plugin(go="1.23"))])
    assert d.build_command == ""
    assert "build that matches" not in to_text(d)


FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "gomods"


def test_cli_on_fixture_folders(tmp_path: Path) -> None:
    proc = run_goalign(
        "doctor",
        "--host",
        FIXTURES / "go-newer" / "host",
        "--plugin",
        FIXTURES / "go-newer" / "plugins" / "p",
        "--format",
        "json",
        tmp=tmp_path,
    )
    assert proc.returncode == 1, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["inputs"] == "source"
    assert [f["kind"] for f in doc["plugins"][0]["findings"]] == ["go-line"]
    proc = run_goalign(
        "doctor",
        "--host",
        FIXTURES / "behind" / "host",
        "--plugin",
        FIXTURES / "behind" / "plugins" / "p",
        tmp=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    assert "all 1 plugin(s) will load" in proc.stdout
    proc = run_goalign(
        "doctor",
        "--host",
        FIXTURES / "fork" / "host",
        "--plugin",
        FIXTURES / "fork" / "plugins" / "p",
        "--format",
        "markdown",
        tmp=tmp_path,
    )
    assert proc.returncode == 1
    assert "example.com/fork/config from the module cache" in proc.stdout


def test_cli_vendor_and_goflags(tmp_path: Path) -> None:
    host = FIXTURES / "behind" / "host"
    p = tmp_path / "p"
    p.mkdir()
    (p / "go.mod").write_text(plugin("require example.com/behind/log v1.1.0\n"))
    (p / "vendor").mkdir()
    (p / "vendor" / "modules.txt").write_text("# example.com/behind/log v1.1.0\n## explicit\n")
    proc = run_goalign("doctor", "--host", host, "--plugin", p, "--format", "json", tmp=tmp_path)
    assert proc.returncode == 1
    [f] = json.loads(proc.stdout)["plugins"][0]["findings"]
    assert (f["kind"], f["subject"]) == ("vendor", "example.com/behind/log")
    (p / "vendor" / "modules.txt").unlink()
    (p / "vendor").rmdir()
    env_args = ("doctor", "--host", host, "--plugin", p, "--format", "json")
    proc = run_goalign(*env_args, tmp=tmp_path)
    assert proc.returncode == 0
    # GOFLAGS is read as Go reads it (here from the environment given to goalign).
    env = goalign_env(tmp_path, "off")
    env["GOFLAGS"] = "-mod=vendor"
    out = subprocess.run(
        [sys.executable, "-m", "goalign", *map(str, env_args)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert out.returncode == 1, out.stderr
    kinds = {(f["kind"], f["subject"]) for f in json.loads(out.stdout)["plugins"][0]["findings"]}
    assert kinds == {("vendor", "GOFLAGS")}


def test_cli_mixed_inputs(tmp_path: Path) -> None:
    so = tmp_path / "p.so"
    so.write_bytes(b"\x7fELF" + bytes(60))
    host = FIXTURES / "behind" / "host"
    proc = run_goalign("doctor", "--host", host, "--plugin", so, "--plugin", host, tmp=tmp_path)
    assert proc.returncode == 2
    assert "either built plugins or plugin folders" in proc.stderr
    proc = run_goalign("doctor", "--host", host, "--plugin", so, tmp=tmp_path)
    assert proc.returncode == 2
    assert "with built plugins the host must be built too" in proc.stderr
    m = tmp_path / "m.json"
    m.write_text(manifest.dumps(BUILT.info))
    proc = run_goalign(
        "doctor", "--host", m, "--plugin", FIXTURES / "behind" / "plugins" / "p", tmp=tmp_path
    )
    assert proc.returncode == 0, proc.stderr
    assert "go mod edit -toolchain=go1.26.8" in proc.stdout
    proc = run_goalign("doctor", "--host", host, "--plugin", host, "--emit-build-cmd", tmp=tmp_path)
    assert proc.returncode == 2
    assert "--emit-build-cmd needs a built host" in proc.stderr
