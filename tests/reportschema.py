"""The JSON Schema of report v1 (docs/report-schema.json), and a validator for tests."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "docs" / "report-schema.json"


@cache
def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def validate_report(report: Any) -> None:
    """Fail with every schema error at once unless report is a valid report v1."""
    errors = sorted(validator().iter_errors(report), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(
        f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}" for e in errors
    )


def validate_output(args: list[str], returncode: int, stdout: str) -> None:
    """Validate the stdout of a goalign command run with ``--format json`` that printed
    a report (exit 0, 1 or 3); other runs are left alone."""
    if "--format" not in args or returncode not in (0, 1, 3) or not stdout:
        return
    at = args.index("--format")
    if at + 1 < len(args) and args[at + 1] == "json" and args[0] in ("solve", "check"):
        validate_report(json.loads(stdout))
