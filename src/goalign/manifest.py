"""Host manifests: a built host's build info as a JSON file (``goalign.manifest/v1``).

A host's maintainers publish ``goalign manifest host-binary > host-manifest.json``;
plugin authors then run ``goalign solve --host host-manifest.json --plugin .`` (or
``check``, ``doctor``) without the host's source or binary. The manifest holds what
the binary's build info holds, documented field by field in docs/manifest.md::

    {
      "schema": "goalign.manifest/v1",
      "go_version": "go1.26.8",
      "path": "example.com/host",
      "main": {"path": "example.com/host", "version": "(devel)", "sum": ""},
      "deps": [
        {"path": "example.com/log", "version": "v1.2.0", "sum": "h1:...",
         "replace": {"path": "example.com/logfork", "version": "v1.2.1", "sum": "h1:..."}}
      ],
      "settings": [{"key": "-trimpath", "value": "true"}]
    }

``replace`` is null when the module is not replaced; a directory replacement has the
folder as ``path`` and ``(devel)`` as ``version``. ``settings`` keep build info's order.
Reading a manifest gives the same :class:`~goalign.buildinfo.BuildInfo` the binary
gives, so a manifest and its binary are interchangeable everywhere.

Pure: bytes in, values out.
"""

from __future__ import annotations

import json
from typing import Any

from goalign.buildinfo import BuildInfo, BuildSetting, Module
from goalign.errors import InputError

__all__ = ["SCHEMA", "dumps", "loads", "to_dict"]

SCHEMA = "goalign.manifest/v1"


def _module(m: Module) -> dict[str, Any]:
    return {
        "path": m.path,
        "version": m.version,
        "sum": m.sum,
        "replace": None if m.replace is None else _module(m.replace),
    }


def to_dict(info: BuildInfo) -> dict[str, Any]:
    """Return the manifest object of ``info``."""
    main = _module(info.main)
    return {
        "schema": SCHEMA,
        "go_version": info.go_version,
        "path": info.path,
        "main": main,
        "deps": [_module(d) for d in info.deps],
        "settings": [{"key": s.key, "value": s.value} for s in info.settings],
    }


def dumps(info: BuildInfo) -> str:
    """Return the manifest of ``info`` as JSON text (sorted keys, ending in a newline)."""
    return json.dumps(to_dict(info), indent=2, sort_keys=True) + "\n"


class _Bad(Exception):
    pass


def _str(obj: dict[str, Any], key: str, where: str, *, required: bool = True) -> str:
    value = obj.get(key, None if required else "")
    if not isinstance(value, str):
        raise _Bad(f"{where}.{key}: must be a string")
    return value


def _read_module(obj: object, where: str, *, nested: bool = False) -> Module:
    if not isinstance(obj, dict):
        raise _Bad(f"{where}: must be an object")
    replace = obj.get("replace")
    rep = None
    if replace is not None:
        if nested:
            raise _Bad(f"{where}.replace: a replacement cannot be replaced")
        rep = _read_module(replace, f"{where}.replace", nested=True)
    path = _str(obj, "path", where)
    if not path:
        raise _Bad(f"{where}.path: must not be empty")
    return Module(path, _str(obj, "version", where), _str(obj, "sum", where, required=False), rep)


def loads(data: bytes, name: str) -> BuildInfo:
    """Return the build info a manifest holds.

    :raises InputError: not JSON, another schema, or a field of the wrong shape,
        naming ``name`` and the field (``deps[3].version: must be a string``).
    """
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        line = f":{error.lineno}" if isinstance(error, json.JSONDecodeError) else ""
        raise InputError(f"{name}{line}: not a goalign manifest (invalid JSON: {error})") from None
    if not isinstance(doc, dict):
        raise InputError(f"{name}: not a goalign manifest (not a JSON object)")
    if doc.get("schema") != SCHEMA:
        raise InputError(
            f"{name}: schema: expected {SCHEMA!r}, found {doc.get('schema')!r}",
            hint="write one with `goalign manifest HOST-BINARY > host-manifest.json`",
        )
    try:
        go_version = _str(doc, "go_version", "")
        if not go_version:
            raise _Bad(".go_version: must not be empty")
        path = _str(doc, "path", "", required=False)
        main = _read_module(doc.get("main"), ".main")
        raw_deps = doc.get("deps", [])
        if not isinstance(raw_deps, list):
            raise _Bad(".deps: must be a list")
        deps = tuple(_read_module(d, f".deps[{i}]") for i, d in enumerate(raw_deps))
        raw_settings = doc.get("settings", [])
        if not isinstance(raw_settings, list):
            raise _Bad(".settings: must be a list")
        settings = []
        for i, s in enumerate(raw_settings):
            if not isinstance(s, dict):
                raise _Bad(f".settings[{i}]: must be an object")
            settings.append(
                BuildSetting(_str(s, "key", f".settings[{i}]"), _str(s, "value", f".settings[{i}]"))
            )
    except _Bad as error:
        raise InputError(f"{name}: {str(error).lstrip('.')}") from None
    return BuildInfo(go_version, path, main, deps, tuple(settings))
