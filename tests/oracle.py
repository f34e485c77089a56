"""Go's own golang.org/x/mod as a test oracle.

The Go toolchain vendors golang.org/x/mod under ``$GOROOT/src/cmd/vendor``. The
``xmod`` fixture copies that source into a temporary module, builds ``oracle/main.go``
against it (offline: a directory replacement needs no proxy) and keeps the program
running for the whole session. Tests ask it questions with ``xmod.call(op, **args)``
or many at once with ``xmod.batch([(op, args), ...])``; see ``oracle/main.go`` for
the ops. Each answer is a dict; errors come back as ``"error"`` text.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from gotool import go_env, require_go, run_go

HERE = Path(__file__).resolve().parent
XMOD_PACKAGES = ["internal/lazyregexp", "modfile", "module", "semver", "sumdb/dirhash"]


class Oracle:
    """A running oracle process: one JSON request per line in, one answer per line out."""

    def __init__(self, binary: Path, env: dict[str, str]) -> None:
        self._proc = subprocess.Popen(
            [str(binary)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            env=env,
        )
        self._lock = threading.Lock()

    def call(self, op: str, **args: Any) -> dict[str, Any]:
        """Ask one question."""
        return self.batch([(op, args)])[0]

    def batch(self, requests: Sequence[tuple[str, dict[str, Any]]]) -> list[dict[str, Any]]:
        """Ask many questions; answers come back in order."""
        assert self._proc.stdin is not None
        assert self._proc.stdout is not None
        lines = [json.dumps({"op": op, "args": args}) + "\n" for op, args in requests]
        with self._lock:
            stdin = self._proc.stdin

            # Write from another thread so a long batch cannot fill both pipes and deadlock.
            def feed() -> None:
                for line in lines:
                    stdin.write(line)
                stdin.flush()

            writer = threading.Thread(target=feed)
            writer.start()
            answers = []
            for _ in lines:
                reply = self._proc.stdout.readline()
                if not reply:
                    raise RuntimeError("the x/mod oracle exited")
                answers.append(json.loads(reply))
            writer.join()
        return answers

    def close(self) -> None:
        for pipe in (self._proc.stdin, self._proc.stdout):
            if pipe:
                pipe.close()
        self._proc.wait(timeout=10)


def vendored_go_line(modules_txt: Path) -> str:
    """Return the go version cmd/vendor/modules.txt records for golang.org/x/mod."""
    lines = modules_txt.read_text().splitlines()
    for i, line in enumerate(lines):
        if line.startswith("# golang.org/x/mod "):
            for attr in lines[i + 1 : i + 3]:
                if attr.startswith("## explicit; go "):
                    return attr.removeprefix("## explicit; go ")
    return "1.24"


def build_oracle(work: Path) -> Path:
    """Build the oracle program in ``work`` from the test toolchain's vendored x/mod."""
    require_go()
    goroot = Path(run_go(["env", "GOROOT"], work, work).stdout.strip())
    vendored = goroot / "src" / "cmd" / "vendor" / "golang.org" / "x" / "mod"
    if not vendored.is_dir():
        pytest.skip(f"no vendored golang.org/x/mod in {goroot}")
    xmod = work / "xmod"
    for pkg in XMOD_PACKAGES:
        shutil.copytree(vendored / pkg, xmod / pkg)
    go_line = vendored_go_line(goroot / "src" / "cmd" / "vendor" / "modules.txt")
    (xmod / "go.mod").write_text(f"module golang.org/x/mod\n\ngo {go_line}\n")
    prog = work / "oracle"
    prog.mkdir()
    shutil.copy(HERE / "oracle" / "main.go", prog / "main.go")
    (prog / "go.mod").write_text(
        f"module goalign.test/oracle\n\ngo {go_line}\n\n"
        "require golang.org/x/mod v0.0.0\n\n"
        "replace golang.org/x/mod => ../xmod\n"
    )
    run_go(["build", "-o", "oracle", "."], prog, work, GOFLAGS="-mod=mod")
    return prog / "oracle"


@pytest.fixture(scope="session")
def xmod(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Oracle]:
    """Go's x/mod, running, for differential tests (skips when no Go toolchain)."""
    work = tmp_path_factory.mktemp("xmod-oracle")
    oracle = Oracle(build_oracle(work), go_env(work))
    yield oracle
    oracle.close()
