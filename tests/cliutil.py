"""Running goalign as a real process, isolated from the machine's Go configuration."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def run_goalign(
    *args: str | Path,
    tmp: Path,
    goproxy: str = "off",
    cache: Path | None = None,
    timeout: float = 300,
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m goalign args...`` with HOME, GOMODCACHE and goalign's cache under
    ``tmp`` (or ``cache``), no go env file, no other GO* variables, and GOPROXY=goproxy."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GO")}
    env.update(
        HOME=str(tmp),
        GOENV="off",
        GOPROXY=goproxy,
        GOMODCACHE=str(tmp / "gomodcache"),
        GOALIGN_CACHE=str(cache or tmp / "goalign-cache"),
    )
    return subprocess.run(
        [sys.executable, "-m", "goalign", *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=timeout,
    )
