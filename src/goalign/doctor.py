"""Predict whether ``plugin.Open`` will load each plugin into a host, from build info.

:func:`diagnose` takes the build info of a host binary and of its plugins (in the
order the host opens them) and returns one :class:`Finding` per cause, each in plain
words with its fix. A ``fail`` finding means ``plugin.Open`` will refuse the plugin
(or, for a different Go version, the host will die); a ``warn`` finding is a
difference build info alone cannot settle.

What must match, measured with real builds (tests/test_doctor_e2e.py) and Go's
source (runtime/plugin.go, cmd/go/internal/load):

- The Go version: otherwise the host dies with ``fatal error: runtime: no plugin
  module data``.
- Settings that change how shared packages, the standard library included, are
  compiled: ``-gcflags``/``-asmflags`` with a package pattern such as ``all=``,
  ``-trimpath``, ``-race``, ``-asan``, ``-msan``, ``GOOS``, ``GOARCH``,
  ``GOEXPERIMENT``, ``-compiler``. Every package plugin.Open checks
  then differs and it names one (``internal/abi``, ...).
- ``CGO_ENABLED=1`` on both: a host without cgo cannot open plugins at all.
- Every module linked into both: the same version, the same code (h1 sum) and the
  same place (a module replaced by a folder is compiled from another path).
- Plugins loaded into one host must have distinct plugin paths (the main package
  path), and agree with each other on the modules they link and the host does not.

The architecture level (``GOAMD64``...) is a warning: a plugin at another level loads
(measured), but needs a CPU at its own level. Not compared: ``-ldflags``,
``-buildmode``, ``-gcflags`` without a pattern (they apply to the main package
only), ``DefaultGODEBUG`` and ``vcs.*``. Differing ``-tags`` are a warning: they
break loading only if a tag changes a package both link, which build info does not
record.

Pure: build info in, findings out.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from goalign.buildinfo import BuildInfo, Module

__all__ = [
    "Artifact",
    "Diagnosis",
    "Finding",
    "PluginVerdict",
    "build_command",
    "diagnose",
    "to_dict",
    "to_markdown",
    "to_text",
]

Severity = Literal["fail", "warn"]

# Settings that change the compiled standard library and shared packages.
_MUST_MATCH = (
    "-compiler",
    "GOOS",
    "GOARCH",
    "GOEXPERIMENT",
    "GOFIPS140",
)
# The architecture level: it changes generated code but not the package fingerprints
# plugin.Open compares (measured: a GOAMD64=v3 plugin loads into a v1 host). The
# plugin then needs a CPU at its level.
_LEVEL = (
    "GO386",
    "GOAMD64",
    "GOARM",
    "GOARM64",
    "GOMIPS",
    "GOMIPS64",
    "GOPPC64",
    "GORISCV64",
    "GOWASM",
)
_INSTRUMENT = ("-race", "-asan", "-msan", "-trimpath")
# Differences that may or may not matter: they change compiled code only in packages
# that use them, or were not measured.
_MAYBE = ("-cover", "-pgo", "CGO_CFLAGS", "CGO_CPPFLAGS", "CGO_CXXFLAGS")


@dataclass(frozen=True)
class Artifact:
    """A built file and its build info; ``name`` is how reports call it."""

    name: str
    info: BuildInfo


@dataclass(frozen=True)
class Finding:
    """One reason a plugin will not load (``fail``) or might not (``warn``).

    ``kind`` is one of ``go-version``, ``cgo``, ``setting``, ``gcflags``, ``tags``,
    ``module-version``, ``module-sum``, ``module-directory``, ``plugin-path`` and, for
    module folders (goalign.treedoctor), ``go-line``, ``toolchain``, ``vendor``,
    ``module-path``.
    ``subject`` is the setting or module path; ``against`` names the host or the
    plugin compared with; the two values are what each side has.
    """

    severity: Severity
    kind: str
    subject: str
    against: str
    value: str
    against_value: str
    message: str
    fix: str


@dataclass(frozen=True)
class PluginVerdict:
    """The prediction for one plugin: it loads unless a finding is a failure."""

    plugin: Artifact
    findings: tuple[Finding, ...]

    @property
    def will_load(self) -> bool:
        """Report whether plugin.Open is predicted to succeed."""
        return not any(f.severity == "fail" for f in self.findings)

    @property
    def fatal(self) -> bool:
        """Report whether opening the plugin kills the host process."""
        return any(f.kind == "go-version" for f in self.findings)


@dataclass(frozen=True)
class Diagnosis:
    """The prediction for a host and its plugins, in the order the host opens them.

    ``inputs`` says what was read: ``built`` files (build info) or ``source`` folders
    (goalign.treedoctor); ``build_command`` is "" when the host is a folder.
    """

    host: Artifact
    plugins: tuple[PluginVerdict, ...]
    build_command: str
    inputs: Literal["built", "source"] = "built"

    @property
    def will_load(self) -> bool:
        """Report whether every plugin is predicted to load."""
        return all(v.will_load for v in self.plugins)


def _is_main_only(value: str) -> bool:
    """Report whether a -gcflags/-asmflags value applies to command-line packages only."""
    v = value.strip()
    return v == "" or v.startswith("-")


def _pattern(value: str) -> tuple[str, str]:
    """Split ``pattern=flags`` as cmd/go does (the pattern may be quoted)."""
    v = value.strip()
    if v[:1] in ("'", '"'):
        q = v[0]
        end = v.find(q, 1)
        if end > 0 and v[end + 1 : end + 2] == "=":
            return v[1:end], v[end + 2 :]
    pattern, _, flags = v.partition("=")
    return pattern, flags


def _matches_shared(pattern: str, shared: set[str]) -> bool:
    """Report whether a cmd/go package pattern can match a package both sides link."""
    if pattern in ("all", "std"):
        return True
    if pattern == "cmd":
        return False
    stem = pattern.split("...", 1)[0].rstrip("/")
    first = pattern.split("/", 1)[0]
    if "." not in first and not pattern.startswith("."):
        return True  # a standard-library pattern
    wild = "..." in pattern
    return any(
        m == stem or stem.startswith(m + "/") or (wild and m.startswith(stem)) for m in shared
    )


def _effective_flags(info: BuildInfo, key: str, shared: set[str]) -> str:
    """Return the -gcflags/-asmflags value that reaches shared packages, or ""."""
    value = info.setting(key)
    if _is_main_only(value):
        return ""
    pattern, _ = _pattern(value)
    return value.strip() if _matches_shared(pattern, shared) else ""


def _tags(info: BuildInfo) -> frozenset[str]:
    return frozenset(t for t in info.setting("-tags").split(",") if t)


def _where(m: Module) -> str:
    eff = m.effective
    if m.is_directory:
        return f"folder {eff.path}"
    if m.replace is not None:
        return f"{eff.path} {eff.version}"
    return m.version


def _compare_module(
    path: str, mine: Module, theirs: Module, plugin: str, against: str, theirs_is_main: bool
) -> Finding | None:
    """Compare one module linked into ``plugin`` (mine) and ``against`` (theirs)."""
    a, b = mine.effective, theirs.effective
    mine_dir = mine.is_directory
    theirs_dir = theirs.is_directory or theirs_is_main
    theirs_text = "its own source folder" if theirs_is_main else _where(theirs)
    if mine_dir and theirs_dir:
        if a.path == b.path and a.path.startswith("/") and not theirs_is_main:
            return None
        return Finding(
            "warn",
            "module-directory",
            path,
            against,
            _where(mine),
            theirs_text,
            f"{plugin} and {against} both build {path} from a folder ({a.path} and "
            f"{theirs_text}); it loads only if that is the same folder with the same files",
            f"make sure both builds use the very same folder for {path}",
        )
    if mine_dir != theirs_dir:
        dir_side, mod_side = (plugin, against) if mine_dir else (against, plugin)
        return Finding(
            "fail",
            "module-directory",
            path,
            against,
            _where(mine),
            theirs_text,
            f"{path} is built from a folder in {dir_side} but from the module "
            f"({_where(theirs) if mine_dir else _where(mine)}) in {mod_side}: "
            "the packages' file paths differ, so plugin.Open reports a different "
            f"version of a package of {path}",
            f"use the same {path} in both: drop the directory replace in {dir_side}, "
            f"or replace {path} with the same folder in {mod_side}",
        )
    if a.path != b.path or a.version != b.version:
        return Finding(
            "fail",
            "module-version",
            path,
            against,
            _where(mine),
            theirs_text,
            f"{plugin} links {path} {_where(mine)} but {against} links {theirs_text}",
            f"build {plugin} with {path} {theirs_text} (`goalign solve` writes the go.mod edits)",
        )
    if a.sum and b.sum and a.sum != b.sum:
        return Finding(
            "fail",
            "module-sum",
            path,
            against,
            a.sum,
            b.sum,
            f"{plugin} and {against} both link {path} {_where(mine)}, but its code differs "
            f"(sum {a.sum} against {b.sum}): an edited vendor folder, module cache or "
            "another proxy",
            f"build both from the same {path} {_where(mine)} (check go.sum and vendor/)",
        )
    return None


def _module_findings(
    plugin: Artifact, against: Artifact, skip: set[str], is_host: bool
) -> list[Finding]:
    found = []
    theirs = against.info.build_list()
    for dep in plugin.info.deps:
        if dep.path in skip:
            continue
        other = theirs.get(dep.path)
        main = False
        if other is None and is_host and against.info.main.path == dep.path:
            other, main = against.info.main, True
        if other is None:
            continue
        f = _compare_module(dep.path, dep, other, plugin.name, against.name, main)
        if f is not None:
            found.append(f)
    return found


def _setting_findings(plugin: Artifact, host: Artifact) -> list[Finding]:
    p, h = plugin.info, host.info
    pn, hn = plugin.name, host.name
    found: list[Finding] = []
    if p.go_version != h.go_version:
        found.append(
            Finding(
                "fail",
                "go-version",
                "go",
                hn,
                p.go_version,
                h.go_version,
                f"{pn} was built with {p.go_version} and {hn} with {h.go_version}: the host "
                "dies with 'fatal error: runtime: no plugin module data' when it opens it",
                f"rebuild {pn} with {h.go_version} ({_toolchain_env(h)})",
            )
        )
    if h.setting("CGO_ENABLED") != "1":
        found.append(
            Finding(
                "fail",
                "cgo",
                "CGO_ENABLED",
                hn,
                p.setting("CGO_ENABLED"),
                h.setting("CGO_ENABLED"),
                f"{hn} was built with CGO_ENABLED={h.setting('CGO_ENABLED') or '0'}: "
                "without cgo plugin.Open always fails ('plugin: not implemented')",
                f"rebuild {hn} with CGO_ENABLED=1",
            )
        )
    elif p.setting("CGO_ENABLED") != "1":
        found.append(
            Finding(
                "fail",
                "cgo",
                "CGO_ENABLED",
                hn,
                p.setting("CGO_ENABLED"),
                "1",
                f"{pn} was built with CGO_ENABLED={p.setting('CGO_ENABLED') or '0'}",
                f"rebuild {pn} with CGO_ENABLED=1",
            )
        )
    for key in _MUST_MATCH:
        pv, hv = p.setting(key), h.setting(key)
        if pv != hv:
            found.append(
                Finding(
                    "fail",
                    "setting",
                    key,
                    hn,
                    pv,
                    hv,
                    f"{pn} was built with {_show(key, pv)} and {hn} with {_show(key, hv)}: "
                    "the standard library is compiled differently, so plugin.Open reports "
                    "a different version of a package such as internal/abi",
                    f"rebuild {pn} with {_show(key, hv)}",
                )
            )
    for key in _LEVEL:
        pv, hv = p.setting(key), h.setting(key)
        if pv != hv:
            found.append(
                Finding(
                    "warn",
                    "setting",
                    key,
                    hn,
                    pv,
                    hv,
                    f"{pn} was built with {_show(key, pv)} and {hn} with {_show(key, hv)}: "
                    "it loads (the level is not part of what plugin.Open compares), but "
                    f"{pn}'s own code runs only on a CPU at {_show(key, pv)} or above",
                    f"build {pn} with {_show(key, hv)} to run wherever the host runs",
                )
            )
    for key in _INSTRUMENT:
        pv, hv = p.setting(key, "false"), h.setting(key, "false")
        if pv != hv:
            with_, without = (pn, hn) if pv == "true" else (hn, pn)
            fix = f"build {pn} with {key}" if hv == "true" else f"build {pn} without {key}"
            found.append(
                Finding(
                    "fail",
                    "setting",
                    key,
                    hn,
                    pv,
                    hv,
                    f"{with_} was built with {key} and {without} without it: every package, "
                    "the standard library included, is compiled differently, so "
                    "plugin.Open reports a different version of a package such as "
                    "internal/abi",
                    fix,
                )
            )
    shared = {d.path for d in p.deps} & ({d.path for d in h.deps} | {h.main.path})
    for key in ("-gcflags", "-asmflags"):
        pv, hv = _effective_flags(p, key, shared), _effective_flags(h, key, shared)
        if pv != hv:
            found.append(
                Finding(
                    "fail",
                    "gcflags",
                    key,
                    hn,
                    pv,
                    hv,
                    f"{pn} compiles shared packages with {_flag_text(key, pv)} and {hn} with "
                    f"{_flag_text(key, hv)} (an IDE debug build uses -gcflags=all=-N -l): "
                    "plugin.Open reports a different version of a package such as "
                    "internal/abi",
                    f"rebuild {pn} with {_flag_text(key, hv)}"
                    if hv
                    else f"rebuild {pn} without {key} on shared packages (no pattern, or "
                    "a pattern that matches only its own packages, is fine)",
                )
            )
    pt, ht = _tags(p), _tags(h)
    if pt != ht:
        found.append(
            Finding(
                "warn",
                "tags",
                "-tags",
                hn,
                ",".join(sorted(pt)),
                ",".join(sorted(ht)),
                f"{pn} was built with tags [{','.join(sorted(pt))}] and {hn} with "
                f"[{','.join(sorted(ht))}]: this breaks loading only if a tag changes a "
                "package both link, which build info does not record",
                f"build {pn} with -tags={','.join(sorted(ht))} to be sure"
                if ht
                else f"build {pn} without -tags to be sure",
            )
        )
    for key in _MAYBE:
        if not (p.has_setting(key) and h.has_setting(key)) and key.startswith("CGO"):
            continue  # not recorded under -trimpath
        pv, hv = p.setting(key), h.setting(key)
        if pv != hv:
            found.append(
                Finding(
                    "warn",
                    "setting",
                    key,
                    hn,
                    pv,
                    hv,
                    f"{pn} was built with {_show(key, pv)} and {hn} with {_show(key, hv)}: "
                    "this changes the code of the packages it applies to",
                    f"build {pn} with {_show(key, hv)} to be sure",
                )
            )
    return found


def _show(key: str, value: str) -> str:
    if not value:
        return f"no {key}" if key.startswith("-") else f"{key} unset"
    if key.startswith("-") and value == "true":
        return key
    return f"{key}={value}"


def _flag_text(key: str, value: str) -> str:
    return f"{key}={shlex.quote(value)}" if value else f"no {key}"


def _toolchain_env(h: BuildInfo) -> str:
    version = h.go_version.split()[0] if h.go_version else ""
    return f"GOTOOLCHAIN={version} go build ..." if version.startswith("go1") else "go build ..."


def diagnose(host: Artifact, plugins: Sequence[Artifact]) -> Diagnosis:
    """Return the prediction for ``plugins`` opened, in this order, by ``host``."""
    verdicts = []
    for i, plugin in enumerate(plugins):
        findings = _setting_findings(plugin, host)
        findings += _module_findings(plugin, host, set(), is_host=True)
        host_paths = {d.path for d in host.info.deps} | {host.info.main.path}
        for earlier in plugins[:i]:
            if earlier.info.path and earlier.info.path == plugin.info.path:
                findings.append(
                    Finding(
                        "fail",
                        "plugin-path",
                        plugin.info.path,
                        earlier.name,
                        plugin.info.path,
                        earlier.info.path,
                        f"{plugin.name} has the same plugin path ({plugin.info.path}) as "
                        f"{earlier.name}, opened before it: plugin.Open fails with "
                        "'plugin already loaded'",
                        f"give {plugin.name} its own module path (a plugin's path is its "
                        "main package's import path)",
                    )
                )
            findings += _module_findings(plugin, earlier, host_paths, is_host=False)
        verdicts.append(PluginVerdict(plugin, tuple(findings)))
    return Diagnosis(host, tuple(verdicts), build_command(host.info))


def build_command(host: BuildInfo, output: str = "plugin.so") -> str:
    """Return the ``go build -buildmode=plugin`` command line that matches ``host``.

    Environment first (toolchain, cgo, target, architecture level, experiments), then
    every flag that must match. Run it in the plugin's main package folder.
    """
    env = []
    version = host.go_version.split()[0] if host.go_version else ""
    if version.startswith("go1"):
        env.append(f"GOTOOLCHAIN={version}")
    env.append("CGO_ENABLED=1")
    for key in _MUST_MATCH + _LEVEL:
        if key.startswith("GO") and host.setting(key):
            env.append(f"{key}={host.setting(key)}")
    args = ["go", "build", "-buildmode=plugin"]
    for key in _INSTRUMENT:
        if host.setting(key) == "true":
            args.append(key)
    if _tags(host):
        args.append("-tags=" + ",".join(sorted(_tags(host))))
    words = [shlex.quote(a) for a in env + args]
    for key in ("-gcflags", "-asmflags"):
        value = host.setting(key)
        if not _is_main_only(value):
            words.append(f"{key}={shlex.quote(value.strip())}")
    words += ["-o", shlex.quote(output), "."]
    return " ".join(words)


# --- Rendering ------------------------------------------------------------------------

SCHEMA = "goalign.doctor/v1"


def _finding_dict(f: Finding) -> dict[str, str]:
    return {
        "severity": f.severity,
        "kind": f.kind,
        "subject": f.subject,
        "against": f.against,
        "value": f.value,
        "against_value": f.against_value,
        "message": f.message,
        "fix": f.fix,
    }


def to_dict(d: Diagnosis) -> dict[str, Any]:
    """Return the JSON report (docs/doctor.md) of a diagnosis."""

    def artifact(a: Artifact) -> dict[str, Any]:
        return {"file": a.name, "path": a.info.path, "go_version": a.info.go_version}

    return {
        "schema": SCHEMA,
        "will_load": d.will_load,
        "host": artifact(d.host),
        "plugins": [
            {
                **artifact(v.plugin),
                "will_load": v.will_load,
                "fatal": v.fatal,
                "findings": [_finding_dict(f) for f in v.findings],
            }
            for v in d.plugins
        ],
        "build_command": d.build_command,
        "inputs": d.inputs,
    }


def _summary(d: Diagnosis) -> str:
    bad = sum(not v.will_load for v in d.plugins)
    if not d.plugins:
        return "no plugins given"
    if not bad:
        return f"all {len(d.plugins)} plugin(s) will load"
    return f"{bad} of {len(d.plugins)} plugin(s) will not load"


def to_text(d: Diagnosis) -> str:
    """Return the diagnosis as plain text for a terminal."""
    h = d.host.info
    lines = [f"host {d.host.name}: {h.go_version}, {h.path}"]
    for v in d.plugins:
        state = "will load" if v.will_load else "will NOT load"
        if v.fatal:
            state += " (the host process dies)"
        lines.append(f"plugin {v.plugin.name}: {state}")
        for f in v.findings:
            lines.append(f"  {f.severity.upper()}  {f.message}")
            lines.append(f"        fix: {f.fix}")
    lines.append(f"{_summary(d)}")
    if not d.will_load and d.build_command:
        lines.append(f"a plugin build that matches the host: {d.build_command}")
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def to_markdown(d: Diagnosis) -> str:
    """Return the diagnosis as Markdown (a table per plugin with findings)."""
    h = d.host.info
    out = [
        f"### goalign doctor: {_summary(d)}",
        "",
        f"Host `{d.host.name}` ({h.go_version}, `{h.path}`).",
        "",
    ]
    for v in d.plugins:
        mark = "loads" if v.will_load else "**will not load**"
        out.append(f"- `{v.plugin.name}`: {mark}")
    for v in d.plugins:
        if not v.findings:
            continue
        out += ["", f"#### `{v.plugin.name}`", "", "| | cause | fix |", "|---|---|---|"]
        out += [f"| {f.severity} | {_md(f.message)} | {_md(f.fix)} |" for f in v.findings]
    if d.build_command:
        out += ["", "Build command that matches the host:", "", "```sh", d.build_command, "```"]
    return "\n".join(out) + "\n"
