"""doctor's rules on build info written by hand (the e2e matrix measures the rest)."""

from __future__ import annotations

import shlex

from goalign.buildinfo import BuildInfo, BuildSetting, Module
from goalign.doctor import Artifact, diagnose, to_dict, to_markdown, to_text

BASE = (
    BuildSetting("-buildmode", "exe"),
    BuildSetting("-compiler", "gc"),
    BuildSetting("CGO_ENABLED", "1"),
    BuildSetting("GOARCH", "amd64"),
    BuildSetting("GOOS", "linux"),
    BuildSetting("GOAMD64", "v1"),
)


def info(
    path: str, *deps: Module, settings: tuple[BuildSetting, ...] = (), go: str = "go1.27.3"
) -> BuildInfo:
    return BuildInfo(go, path, Module(path, "(devel)"), tuple(deps), BASE + settings)


HOST = Artifact("host", info("example.com/host", Module("example.com/log", "v1.2.0", "h1:A=")))


def causes(plugin: BuildInfo, host: Artifact = HOST) -> set[tuple[str, str, str]]:
    [verdict] = diagnose(host, [Artifact("p", plugin)]).plugins
    return {(f.severity, f.kind, f.subject) for f in verdict.findings}


def test_same_version_different_sum_is_different_code() -> None:
    p = info("example.com/p", Module("example.com/log", "v1.2.0", "h1:B="))
    assert causes(p) == {("fail", "module-sum", "example.com/log")}


def test_folder_on_both_sides_is_a_warning() -> None:
    host = Artifact(
        "host",
        info(
            "example.com/host", Module("example.com/log", "v1.2.0", "", Module("../log", "(devel)"))
        ),
    )
    p = info(
        "example.com/p", Module("example.com/log", "v1.2.0", "", Module("../../log", "(devel)"))
    )
    assert causes(p, host) == {("warn", "module-directory", "example.com/log")}


def test_plugin_linking_the_hosts_own_module_from_the_cache_fails() -> None:
    p = info("example.com/p", Module("example.com/host", "v1.0.0", "h1:H="))
    assert causes(p) == {("fail", "module-directory", "example.com/host")}


def test_gcflags_patterns() -> None:
    own = info("example.com/p", settings=(BuildSetting("-gcflags", "example.com/p/...=-N"),))
    assert causes(own) == set()
    std = info("example.com/p", settings=(BuildSetting("-gcflags", "fmt=-N"),))
    assert causes(std) == {("fail", "gcflags", "-gcflags")}
    shared = info(
        "example.com/p",
        Module("example.com/log", "v1.2.0", "h1:A="),
        settings=(BuildSetting("-gcflags", "example.com/log=-l"),),
    )
    assert causes(shared) == {("fail", "gcflags", "-gcflags")}


def test_settings_that_do_not_matter() -> None:
    p = info(
        "example.com/p",
        settings=(
            BuildSetting("-buildmode", "plugin"),
            BuildSetting("-ldflags", "-s -w"),
            BuildSetting("DefaultGODEBUG", "x=1"),
            BuildSetting("vcs.revision", "abc"),
        ),
    )
    assert causes(p) == set()


def test_instrumentation_and_cgo() -> None:
    p = info("example.com/p", settings=(BuildSetting("-asan", "true"),))
    assert causes(p) == {("fail", "setting", "-asan")}
    host = Artifact("host", info("example.com/host", settings=(BuildSetting("CGO_ENABLED", "0"),)))
    assert ("fail", "cgo", "CGO_ENABLED") in causes(info("example.com/p"), host)


def test_reports_and_build_command() -> None:
    host = Artifact(
        "host",
        info(
            "example.com/host",
            settings=(
                BuildSetting("-gcflags", "all=-N -l"),
                BuildSetting("-tags", "b,a"),
                BuildSetting("-trimpath", "true"),
            ),
        ),
    )
    d = diagnose(host, [Artifact("p", info("example.com/p"))])
    assert not d.will_load
    words = shlex.split(d.build_command)
    assert words[:2] == ["GOTOOLCHAIN=go1.27.3", "CGO_ENABLED=1"]
    assert words[words.index("go") :] == [
        "go", "build", "-buildmode=plugin", "-trimpath", "-tags=a,b",
        "-gcflags=all=-N -l", "-o", "plugin.so", ".",
    ]  # fmt: skip
    report = to_dict(d)
    assert report["schema"] == "goalign.doctor/v1"
    assert report["plugins"][0]["will_load"] is False
    kinds = [f["subject"] for f in report["plugins"][0]["findings"]]
    assert kinds == ["-trimpath", "-gcflags", "-tags"]
    assert "will NOT load" in to_text(d)
    assert "| fail |" in to_markdown(d)
