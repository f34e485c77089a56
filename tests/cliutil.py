"""Running goalign as a real process, isolated from the machine's Go configuration.

Every report a ``solve``/``check`` run prints with ``--format json`` is validated
against docs/report-schema.json on the way out, so each test that asks for one checks
the schema too.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from reportschema import validate_output


def goalign_env(tmp: Path, goproxy: str, cache: Path | None = None) -> dict[str, str]:
    """Return this process's environment for goalign with HOME, GOMODCACHE and goalign's
    cache under ``tmp`` (or ``cache``), no go env file, no other GO* variables, and
    GOPROXY=goproxy."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GO")}
    env.update(
        HOME=str(tmp),
        GOENV="off",
        GOPROXY=goproxy,
        GOMODCACHE=str(tmp / "gomodcache"),
        GOALIGN_CACHE=str(cache or tmp / "goalign-cache"),
    )
    return env


def run_goalign(
    *args: str | Path,
    tmp: Path,
    goproxy: str = "off",
    cache: Path | None = None,
    timeout: float = 300,
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m goalign args...`` in the environment :func:`goalign_env` gives;
    a JSON report it prints must match the report schema."""
    argv = [str(a) for a in args]
    proc = subprocess.run(
        [sys.executable, "-m", "goalign", *argv],
        capture_output=True,
        text=True,
        env=goalign_env(tmp, goproxy, cache),
        check=False,
        timeout=timeout,
    )
    validate_output(argv, proc.returncode, proc.stdout)
    return proc
