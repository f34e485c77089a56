"""``goalign list`` end to end: a real process against a real HTTP proxy on 127.0.0.1,
compared with ``go list -m all`` over the same proxy."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from goalign.gosum import hash_go_mod
from goalign.module import unescape_path, unescape_version

from cliutil import run_goalign as goalign
from goproxy import ModuleSpec, write_proxy
from gotool import run_go
from proxyserver import ProxyServer, rel, serve

UNIVERSE = [
    # a@v1.2.0 is go 1.16 (unpruned): its whole subtree is read, d@v1.1.0 included.
    ModuleSpec("x.com/a", "v1.0.0", requires={"x.com/b": "v1.1.0"}),
    ModuleSpec("x.com/a", "v1.2.0", requires={"x.com/b": "v1.2.0", "x.com/c": "v1.0.0"}, go="1.16"),
    ModuleSpec("x.com/b", "v1.1.0"),
    ModuleSpec("x.com/b", "v1.2.0", requires={"x.com/d": "v1.0.0"}),
    ModuleSpec("x.com/c", "v1.0.0", requires={"x.com/d": "v1.1.0"}),
    ModuleSpec("x.com/d", "v1.0.0"),
    ModuleSpec("x.com/d", "v1.1.0"),
    # p is pruned (go 1.21): q becomes a node, q's own requirement r is never read.
    ModuleSpec("x.com/p", "v1.0.0", requires={"x.com/q": "v1.0.0"}),
    ModuleSpec("x.com/q", "v1.0.0", requires={"x.com/r": "v1.0.0"}),
    ModuleSpec("x.com/r", "v1.0.0"),
    ModuleSpec("x.com/Upper/v2", "v2.1.0"),
    ModuleSpec("x.com/fork", "v1.5.0", go_mod="module x.com/fork\n\ngo 1.21\n"),
    ModuleSpec("x.com/e", "v1.0.0"),
]

MAIN = """module x.com/main

go 1.21

require (
	x.com/a v1.2.0
	x.com/Upper/v2 v2.1.0
	x.com/e v1.0.0
	x.com/local v0.0.0
	x.com/p v1.0.0
)

require (
	x.com/b v1.2.0 // indirect
	x.com/c v1.0.0 // indirect
	x.com/d v1.1.0 // indirect
)

replace x.com/e => x.com/fork v1.5.0

replace x.com/local => ./local
"""


def go_sum_for(root: Path) -> str:
    """Return go.sum lines for every go.mod in a proxy folder, so Go's default
    -mod=readonly mode (which goalign list matches) can check what it reads."""
    lines = []
    for mod in root.rglob("*.mod"):
        escaped_path, _, name = str(mod.relative_to(root)).rpartition("/@v/")
        path = unescape_path(escaped_path)
        version = unescape_version(name.removesuffix(".mod"))
        lines.append(f"{path} {version}/go.mod {hash_go_mod(mod.read_bytes())}\n")
    return "".join(sorted(lines))


@pytest.fixture(scope="module")
def proxy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProxyServer]:
    root = tmp_path_factory.mktemp("proxy")
    write_proxy(root, UNIVERSE)
    with serve(root) as server:
        server.go_sum = go_sum_for(root)  # type: ignore[attr-defined]
        yield server


def make_main(where: Path, gomod: str = MAIN) -> Path:
    main = where / "main"
    (main / "local").mkdir(parents=True)
    (main / "go.mod").write_text(gomod)
    (main / "local" / "go.mod").write_text("module x.com/local\n\ngo 1.21\n")
    return main


@pytest.mark.go
def test_list_equals_go_list_m_all(proxy: ProxyServer, tmp_path: Path) -> None:
    main = make_main(tmp_path)
    (main / "go.sum").write_text(proxy.go_sum)  # type: ignore[attr-defined]
    want = run_go(["list", "-m", "all"], main, tmp_path, GOPROXY=proxy.url)
    got = goalign("list", main, tmp=tmp_path, goproxy=proxy.url)
    assert got.returncode == 0, got.stderr
    assert got.stdout == want.stdout
    assert "x.com/r" not in got.stdout  # pruned out, as Go prunes it
    assert "x.com/e v1.0.0 => x.com/fork v1.5.0\n" in got.stdout
    assert "x.com/local v0.0.0 => ./local\n" in got.stdout


def test_warm_run_asks_the_proxy_nothing_and_offline_works(
    proxy: ProxyServer, tmp_path: Path
) -> None:
    main = make_main(tmp_path)
    cold = goalign("list", main, tmp=tmp_path, goproxy=proxy.url)
    assert cold.returncode == 0, cold.stderr
    before = proxy.count()
    warm = goalign("list", main, tmp=tmp_path, goproxy=proxy.url)
    assert (warm.returncode, warm.stdout) == (0, cold.stdout)
    # Only the .info of the pruned-out module r is not cached as a .mod; nothing else.
    assert proxy.count() - before <= 1
    offline = goalign("list", "--offline", main, tmp=tmp_path, goproxy="off")
    assert (offline.returncode, offline.stdout) == (0, cold.stdout), offline.stderr


def test_offline_cache_miss_exits_4(tmp_path: Path) -> None:
    main = make_main(tmp_path)
    done = goalign("list", "--offline", main, tmp=tmp_path, goproxy="off")
    assert done.returncode == 4
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("goalign: ")


def test_proxy_down_exits_4_with_a_clear_message(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # Nothing listens on the port now: every connection is refused.
    main = make_main(tmp_path)
    done = goalign("list", main, tmp=tmp_path, goproxy=f"http://127.0.0.1:{port}")
    assert done.returncode == 4
    assert f"127.0.0.1:{port}" in done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout == ""


def test_server_error_then_success_still_lists(proxy: ProxyServer, tmp_path: Path) -> None:
    from proxyserver import Fault

    proxy.fault(rel("x.com/c", "v1.0.0", "mod"), Fault(status=502, times=2))
    main = make_main(tmp_path)
    done = goalign("list", main, tmp=tmp_path, goproxy=proxy.url)
    assert done.returncode == 0, done.stderr
    assert "x.com/c v1.0.0\n" in done.stdout


def test_bad_main_go_mod_exits_2_naming_the_line(proxy: ProxyServer, tmp_path: Path) -> None:
    main = make_main(tmp_path, "module x.com/main\n\ngo 1.21\n\nrequire x.com/a 1.2.0\n")
    done = goalign("list", main, tmp=tmp_path, goproxy=proxy.url)
    assert done.returncode == 2
    assert f'{main / "go.mod"}:5: require x.com/a: version "1.2.0" invalid' in done.stderr


def test_missing_go_mod_exits_2(tmp_path: Path) -> None:
    done = goalign("list", tmp_path, tmp=tmp_path, goproxy="off")
    assert done.returncode == 2
    assert "go.mod" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.go
def test_missing_module_fails_like_go(proxy: ProxyServer, tmp_path: Path) -> None:
    gomod = MAIN.replace("x.com/p v1.0.0", "x.com/p v1.0.0\n\tx.com/nowhere v1.0.0")
    main = make_main(tmp_path, gomod)
    (main / "go.sum").write_text(proxy.go_sum)  # type: ignore[attr-defined]
    want = run_go(["list", "-m", "all"], main, tmp_path, check=False, GOPROXY=proxy.url)
    got = goalign("list", main, tmp=tmp_path, goproxy=proxy.url)
    assert want.returncode != 0
    assert got.returncode == 3, got.stderr
    # Go's first line names the module and the URL it could not read.
    go_first = want.stderr.splitlines()[0].removeprefix("go: ")
    assert got.stderr.splitlines()[0].removeprefix("goalign: ") == go_first
