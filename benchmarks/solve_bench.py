"""Time ``goalign check`` (the dry-run solve) against ``go list -m all`` on a host and
many plugins.

Builds list_bench's layered universe (default 40 paths x 9 levels = 360 modules, go
1.16 so nothing is pruned) as the host, plus plugins that require a sample of the
host's top-level modules (half of them one version behind) and one plugin-only
intermediate module whose first version needs a shared module above the host's, so
the solve must move it up. Serves everything over HTTP on 127.0.0.1 with an added
latency per request and prints cold and warm times and request counts for both tools:
for Go, the sum of ``go list -m all`` over the host and every plugin, one after the
other with one module cache (each artifact has a complete go.sum).

    python3 benchmarks/solve_bench.py [--width 40] [--depth 9] [--plugins 12]
        [--latency 0.05] [--runs 3]

Needs the test extra (it reuses the tests' proxy writer and server) and a Go
toolchain for the comparison.
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from list_bench import ROOT, compile_goalign, go_sum, timed, universe

sys.path.insert(0, str(ROOT / "tests"))

from cliutil import goalign_env
from goproxy import ModuleSpec, write_proxy
from gotool import go_env, require_go
from proxyserver import ProxyServer, serve

TARGET_COLD = 0.1  # the whole cold solve in at most 0.1x Go's cold listings


def artifacts(
    width: int, depth: int, plugins: int, seed: int
) -> tuple[list[ModuleSpec], dict[str, list[str]]]:
    """Return the universe and each artifact's requirements (``host``, ``p00``, ...)."""
    specs, roots = universe(width, depth, seed)
    rng = random.Random(seed + 1)
    top = [r.split()[0] for r in roots]
    latest = {s.path: s for s in specs if s.version == "v1.1.0"}
    reqs: dict[str, list[str]] = {"host": roots}
    raised: set[str] = set()
    for k in range(plugins):
        shared = rng.sample(top, max(2, width // 4))
        above = shared[0]  # the plugin-only module's first version needs it above the host
        if above not in raised:
            raised.add(above)
            specs.append(dataclasses.replace(latest[above], version="v1.2.0"))
        mid = f"bench.example/plugin{k}/mid"
        specs += [
            ModuleSpec(mid, "v1.0.0", requires={above: "v1.2.0"}, go="1.16"),
            ModuleSpec(mid, "v1.1.0", requires={above: "v1.1.0"}, go="1.16"),
        ]
        lines = [f"{p} {'v1.0.0' if i % 2 else 'v1.1.0'}" for i, p in enumerate(shared[1:])]
        reqs[f"p{k:02d}"] = [*lines, f"{mid} v1.0.0"]
    return specs, reqs


def write_artifact(folder: Path, name: str, requires: list[str], sums: str) -> None:
    folder.mkdir()
    (folder / "go.mod").write_text(
        f"module bench.example/{name}\n\ngo 1.16\n\nrequire (\n"
        + "".join(f"\t{r}\n" for r in requires)
        + ")\n"
    )
    (folder / "go.sum").write_text(sums)


def run_checked(cmd: list[str], cwd: Path, env: dict[str, str], ok: tuple[int, ...]) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode not in ok:
        raise SystemExit(f"{' '.join(cmd)} exited {done.returncode}:\n{done.stderr}")
    return elapsed


def measure_go(
    go: str, server: ProxyServer, folders: list[Path], work: Path, runs: int
) -> tuple[float, float, int]:
    colds, warms = [], []
    requests = 0
    for run in range(runs):
        tmp = work / f"go-{run}"
        tmp.mkdir()
        env = go_env(tmp, GOPROXY=server.url, GOFLAGS="-mod=readonly")
        before = server.count()
        colds.append(sum(timed([go, "list", "-m", "all"], d, env)[0] for d in folders))
        requests = server.count() - before
        warms.append(sum(timed([go, "list", "-m", "all"], d, env)[0] for d in folders))
        subprocess.run([go, "clean", "-modcache"], env=env, check=False)
    return statistics.median(colds), statistics.median(warms), requests


def measure_goalign(
    server: ProxyServer, folders: list[Path], work: Path, runs: int
) -> tuple[float, float, int, int, str]:
    compile_goalign()
    colds, warms = [], []
    requests = warm_requests = 0
    cmd = [sys.executable, "-m", "goalign", "check", "--host", str(folders[0])]
    for plugin in folders[1:]:
        cmd += ["--plugin", str(plugin)]
    for run in range(runs):
        tmp = work / f"goalign-{run}"
        tmp.mkdir()
        env = goalign_env(tmp, server.url)
        before = server.count()
        colds.append(run_checked(cmd, work, env, (0, 1)))
        middle = server.count()
        requests = middle - before
        warms.append(run_checked(cmd, work, env, (0, 1)))
        warm_requests = server.count() - middle
    out = subprocess.run(cmd, cwd=work, env=env, capture_output=True, text=True, check=False)
    return statistics.median(colds), statistics.median(warms), requests, warm_requests, out.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--width", type=int, default=40)
    parser.add_argument("--depth", type=int, default=9)
    parser.add_argument("--plugins", type=int, default=12)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--show", action="store_true", help="print goalign's report")
    parser.add_argument("--skip-go", action="store_true", help="time goalign only")
    args = parser.parse_args()
    go = None if args.skip_go else require_go()

    work = Path(tempfile.mkdtemp(prefix="goalign-solve-bench-"))
    try:
        specs, reqs = artifacts(args.width, args.depth, args.plugins, args.seed)
        proxy_root = work / "proxy"
        write_proxy(proxy_root, specs)
        sums = go_sum(specs, proxy_root)
        folders = []
        for name, requires in reqs.items():
            write_artifact(work / name, name, requires, sums)
            folders.append(work / name)
        print(
            f"universe: host of {args.width * args.depth} modules (depth {args.depth}), "
            f"{args.plugins} plugins, {len({s.path for s in specs})} modules, "
            f"{len(specs)} versions; latency {args.latency * 1000:.0f} ms per request, "
            f"{args.runs} runs each"
        )
        with serve(proxy_root, latency=args.latency) as server:
            ga_cold, ga_warm, ga_req, ga_warm_req, report = measure_goalign(
                server, folders, work, args.runs
            )
            if go is not None:
                go_cold, go_warm, go_req = measure_go(go, server, folders, work, args.runs)
        if args.show:
            print(report)
        print(f"{'':34} {'cold s':>8} {'warm s':>8} {'requests':>9}")
        if go is not None:
            name = f"go list -m all x {len(folders)} artifacts"
            print(f"{name:34} {go_cold:8.2f} {go_warm:8.2f} {go_req:9d}")
        name = "goalign check (solve, dry run)"
        print(f"{name:34} {ga_cold:8.2f} {ga_warm:8.2f} {ga_req:9d}")
        print(f"goalign warm requests: {ga_warm_req}")
        if go is not None:
            print(
                f"goalign cold / go cold: {ga_cold / go_cold:.3f}x (target <= {TARGET_COLD}x); "
                f"goalign warm / go warm: {ga_warm / go_warm:.2f}x (target <= 1x)"
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
