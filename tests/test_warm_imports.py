"""A solve served from the caches, or from a file:// proxy, never imports httpx: the
HTTP client is made on the first request over HTTP (start-up is part of every run)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from cliutil import goalign_env
from proxyserver import serve

DEMO = Path(__file__).resolve().parent.parent / "fixtures" / "gomods" / "demo"
ARGS = ["check", "--host", "host", "--plugin", "plugins/ratelimit", "--plugin", "plugins/audit"]
ARGS += ["--strategy", "downgrade", "--format", "json"]


def imported(proxy: str, tmp: Path) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    """Run ``goalign check`` on the demo with ``-X importtime``; return it and the
    top-level packages it imported."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "goalign", *ARGS, "--proxy", proxy],
        cwd=DEMO,
        capture_output=True,
        text=True,
        env=goalign_env(tmp, "off", tmp / "cache"),
        check=False,
        timeout=120,
    )
    names = re.findall(r"^import time:\s+\d+ \|\s+\d+ \|\s*([\w.]+)", proc.stderr, re.M)
    return proc, {n.split(".")[0] for n in names}


def test_file_proxy_run_does_not_import_httpx(tmp_path: Path) -> None:
    proc, packages = imported((DEMO / "proxy").as_uri(), tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert '"status": "edits"' in proc.stdout
    assert not packages & {"httpx", "httpcore", "h2"}


def test_warm_run_over_http_imports_httpx_only_when_it_fetches(tmp_path: Path) -> None:
    with serve(DEMO / "proxy") as server:
        cold, cold_packages = imported(server.url, tmp_path)
        fetched = server.count()
        warm, warm_packages = imported(server.url, tmp_path)
        assert server.count() == fetched  # everything came from goalign's cache
    assert cold.returncode == warm.returncode == 1, cold.stderr + warm.stderr
    assert fetched > 0
    assert "httpx" in cold_packages  # the check can fail: the cold run does import it
    assert not warm_packages & {"httpx", "httpcore", "h2"}
    same = ("status", "plugins", "conflicts", "shared")
    want, got = json.loads(cold.stdout), json.loads(warm.stdout)
    assert {k: got[k] for k in same} == {k: want[k] for k in same}
