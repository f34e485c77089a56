"""Time ``goalign list`` against ``go list -m all`` on a large module graph.

Builds a layered universe (default 40 paths x 9 levels = 360 modules, two versions
each, go 1.16 so neither tool may prune), serves it over HTTP on 127.0.0.1 with an
added latency per request, and prints cold and warm times and request counts for
both tools side by side, with the critical-path bound (graph depth x latency).

    python3 benchmarks/list_bench.py [--width 40] [--depth 9] [--latency 0.05] [--runs 3]

Needs the test extra (it reuses the tests' proxy writer and server) and a Go
toolchain for the comparison.
"""

from __future__ import annotations

import argparse
import compileall
import importlib.util
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from goalign.gosum import hash_go_mod  # noqa: E402

from cliutil import goalign_env  # noqa: E402
from goproxy import ModuleSpec, write_proxy  # noqa: E402
from gotool import go_env, require_go  # noqa: E402
from proxyserver import ProxyServer, serve  # noqa: E402


def universe(width: int, depth: int, seed: int) -> tuple[list[ModuleSpec], list[str]]:
    """Return a layered module universe and the main module's requirements."""
    rng = random.Random(seed)
    paths = [[f"bench.example/l{level}/m{i}" for i in range(width)] for level in range(depth)]
    specs = []
    for level in range(depth):
        for path in paths[level]:
            for version in ("v1.0.0", "v1.1.0"):
                requires = {}
                if level + 1 < depth:
                    for dep in rng.sample(paths[level + 1], 3):
                        requires[dep] = rng.choice(("v1.0.0", "v1.1.0"))
                specs.append(ModuleSpec(path, version, requires=requires, go="1.16"))
    roots = [f"{p} v1.1.0" for p in paths[0]]
    return specs, roots


def compile_goalign() -> None:
    """Byte-compile goalign, as installing it does: a timed run must not pay for
    compiling its own source (which PYTHONDONTWRITEBYTECODE makes every run do)."""
    package = importlib.util.find_spec("goalign")
    assert package is not None
    for folder in package.submodule_search_locations or ():
        compileall.compile_dir(folder, quiet=1)


def go_sum(specs: list[ModuleSpec], proxy_root: Path) -> str:
    lines = []
    for mod in proxy_root.rglob("*.mod"):
        rel = mod.relative_to(proxy_root).as_posix()
        path, _, name = rel.rpartition("/@v/")
        lines.append(f"{path} {name.removesuffix('.mod')}/go.mod {hash_go_mod(mod.read_bytes())}\n")
    return "".join(sorted(lines))


def timed(cmd: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{done.stderr}")
    return elapsed, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--width", type=int, default=40)
    parser.add_argument("--depth", type=int, default=9)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    go = require_go()

    work = Path(tempfile.mkdtemp(prefix="goalign-bench-"))
    try:
        specs, roots = universe(args.width, args.depth, args.seed)
        proxy_root = work / "proxy"
        write_proxy(proxy_root, specs)
        main_dir = work / "main"
        main_dir.mkdir()
        (main_dir / "go.mod").write_text(
            "module bench.example/main\n\ngo 1.16\n\nrequire (\n"
            + "".join(f"\t{r}\n" for r in roots)
            + ")\n"
        )
        (main_dir / "go.sum").write_text(go_sum(specs, proxy_root))
        modules = len({s.path for s in specs})
        print(
            f"universe: {modules} modules x 2 versions, depth {args.depth}, "
            f"latency {args.latency * 1000:.0f} ms per request, {args.runs} runs each"
        )

        with serve(proxy_root, latency=args.latency) as server:
            rows = [
                ("go list -m all", *measure_go(go, server, main_dir, work, args.runs)),
                ("goalign list", *measure_goalign(server, main_dir, work, args.runs)),
            ]
        print(f"{'':16} {'cold s':>8} {'warm s':>8} {'requests':>9} {'in flight':>9}")
        for name, cold, warm, requests, in_flight, _ in rows:
            print(f"{name:16} {cold:8.2f} {warm:8.2f} {requests:9d} {in_flight:9d}")
        bound = args.depth * args.latency
        go_cold, ga_cold = rows[0][1], rows[1][1]
        print(f"critical path (depth x latency): {bound:.2f} s")
        print(f"goalign cold / go cold: {ga_cold / go_cold:.3f}x")
        print(f"goalign cold / critical path: {ga_cold / bound:.1f}x")
        if rows[0][5] != rows[1][5]:
            print("WARNING: the two build lists differ")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def measure_go(
    go: str, server: ProxyServer, main_dir: Path, work: Path, runs: int
) -> tuple[float, float, int, int, str]:
    colds, warms, out = [], [], ""
    requests = in_flight = 0
    for run in range(runs):
        tmp = work / f"go-{run}"
        tmp.mkdir()
        env = go_env(tmp, GOPROXY=server.url, GOFLAGS="-mod=readonly")
        before = server.count()
        server.max_active = 0
        elapsed, out = timed([go, "list", "-m", "all"], main_dir, env)
        colds.append(elapsed)
        requests, in_flight = server.count() - before, server.max_active
        warms.append(timed([go, "list", "-m", "all"], main_dir, env)[0])
        subprocess.run([go, "clean", "-modcache"], env=env, check=False)
    return statistics.median(colds), statistics.median(warms), requests, in_flight, out


def measure_goalign(
    server: ProxyServer, main_dir: Path, work: Path, runs: int
) -> tuple[float, float, int, int, str]:
    compile_goalign()
    colds, warms, out = [], [], ""
    requests = in_flight = 0
    for run in range(runs):
        tmp = work / f"goalign-{run}"
        tmp.mkdir()
        env = goalign_env(tmp, server.url)
        cmd = [sys.executable, "-m", "goalign", "list", str(main_dir)]
        before = server.count()
        server.max_active = 0
        elapsed, out = timed(cmd, main_dir, env)
        colds.append(elapsed)
        requests, in_flight = server.count() - before, server.max_active
        warms.append(timed(cmd, main_dir, env)[0])
    return statistics.median(colds), statistics.median(warms), requests, in_flight, out


if __name__ == "__main__":
    main()
