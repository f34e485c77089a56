"""``goalign explain`` and ``goalign graph`` end to end, and against the Go toolchain.

Real goalign processes over the scenarios' ``file://`` proxy folders. With Go (marker
``go``), for every artifact of every scenario Go can load: ``goalign graph --artifact
NAME --format modgraph`` is byte for byte what ``go mod graph`` prints, the merged JSON
graph's edges marked with that artifact are ``go mod graph``'s edges (less the implicit
go and toolchain nodes), and every module ``go mod why -m`` says the artifact needs has
a chain in ``goalign explain`` that ends at the version the artifact selects.
"""

from __future__ import annotations

import json
import shutil
import socket
from pathlib import Path
from typing import Any

import pydot
import pytest

from goalign import gover

from cliutil import run_goalign as goalign
from gotool import run_go
from plugin_scenarios import BY_NAME, GOMODS, SCENARIOS, Scenario

DEMO = GOMODS / "demo"


@pytest.fixture(scope="module")
def gotmp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One GOMODCACHE and goalign cache for the file: scenario module paths are distinct."""
    return tmp_path_factory.mktemp("go")


def scenario_args(scenario: Scenario) -> list[str]:
    args = ["-C", str(scenario.dir), "--host", "host", "--proxy", scenario.goproxy]
    for name in scenario.plugins:
        args += ["--plugin", f"plugins/{name}"]
    return args


def graph_json(args: list[str], tmp: Path, *extra: str) -> dict[str, Any]:
    proc = goalign("graph", *args, "--format", "json", *extra, tmp=tmp)
    assert proc.returncode == 0, proc.stderr
    doc: dict[str, Any] = json.loads(proc.stdout)
    return doc


# --- explain ----------------------------------------------------------------------------


def test_explain_demo_from_goalign_toml(gotmp: Path) -> None:
    proc = goalign("explain", "-C", DEMO, "example.com/kit/log", "example.com/kit/pool", tmp=gotmp)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == (
        "# example.com/kit/log\n"
        "host: v1.4.0\n"
        "\texample.com/gateway -> example.com/kit/log@v1.4.0\n"
        "\tv1.3.0 lost to MVS: example.com/gateway -> example.com/kit/metrics@v1.2.1"
        " -> example.com/kit/log@v1.3.0\n"
        "plugins/audit: v1.5.0\n"
        "\texample.com/gateway-plugins/audit -> example.com/kit/log@v1.5.0\n"
        "\talso required by example.com/kit/trace@v1.1.0\n"
        "plugins/ratelimit: v1.3.0\n"
        "\texample.com/gateway-plugins/ratelimit -> example.com/kit/log@v1.3.0\n"
        "\talso required by example.com/kit/metrics@v1.2.1\n"
        "conflict: host has v1.4.0, plugins/audit has v1.5.0, plugins/ratelimit has v1.3.0\n"
        "\n"
        "# example.com/kit/pool\n"
        "host: v0.3.0\n"
        "\texample.com/gateway -> example.com/kit/pool@v0.3.0\n"
        "\talso required by example.com/kit/metrics@v1.2.1\n"
        "plugins/audit: not in the build list\n"
        "plugins/ratelimit: v0.3.0\n"
        "\texample.com/gateway-plugins/ratelimit -> example.com/kit/pool@v0.3.0\n"
        "\talso required by example.com/kit/metrics@v1.2.1\n"
    )


def test_readme_explain_example(gotmp: Path) -> None:
    readme = (GOMODS.parent.parent / "README.md").read_text()
    command = "$ goalign explain -C fixtures/gomods/demo example.com/kit/log\n"
    shown = readme.split(command, 1)[1].split("```", 1)[0]
    proc = goalign("explain", "-C", DEMO, "example.com/kit/log", tmp=gotmp)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == shown


def test_explain_json_chain_through_intermediate(gotmp: Path) -> None:
    scenario = BY_NAME["needs-downgrade"]
    log = "example.com/needs-downgrade/log"
    args = [*scenario_args(scenario), "--format", "json"]
    proc = goalign("explain", log, f"{log}@v1.2.0", *args, tmp=gotmp)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["schema"] == "goalign.explain/v1"
    assert doc["plugins"] == ["plugins/p"]
    selected, asked = doc["modules"]
    assert selected["conflict"] is True
    host, plugin = selected["artifacts"]
    assert host["selected"] == "v1.2.0"
    assert plugin["selected"] == "v1.3.0"
    assert plugin["chains"] == [["example.com/needs-downgrade/plugins/p", f"{log}@v1.3.0"]]
    assert plugin["required_by"] == [
        "example.com/needs-downgrade/mid@v1.1.0",
        "example.com/needs-downgrade/plugins/p",
    ]
    # No go.mod in the plugin's graph asks for the host's version.
    assert asked["version"] == "v1.2.0"
    assert asked["artifacts"][1]["target"] is None
    assert asked["artifacts"][1]["chains"] == []


def test_explain_bad_input_is_exit_2(gotmp: Path) -> None:
    demo = ["-C", str(DEMO)]
    proc = goalign("explain", "Not A Module", *demo, tmp=gotmp)
    assert proc.returncode == 2
    assert "Not A Module" in proc.stderr
    proc = goalign("explain", "example.com/kit/log@latest", *demo, tmp=gotmp)
    assert proc.returncode == 2
    assert "latest" in proc.stderr
    proc = goalign("explain", "example.com/kit/log", "--format", "xml", *demo, tmp=gotmp)
    assert proc.returncode == 2
    assert "--format" in proc.stderr
    proc = goalign("explain", *demo, tmp=gotmp)
    assert proc.returncode == 2
    scenario = BY_NAME["malformed"]
    proc = goalign("explain", "example.com/malformed/log", *scenario_args(scenario), tmp=gotmp)
    assert proc.returncode == 2
    assert "plugins/broken/go.mod:5: unknown directive: requires" in proc.stderr


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_proxy_down_is_exit_4(tmp_path: Path) -> None:
    scenario = BY_NAME["behind"]
    args = scenario_args(scenario)
    args[args.index("--proxy") + 1] = f"http://127.0.0.1:{closed_port()}"
    for command in (["explain", "example.com/behind/log"], ["graph"]):
        proc = goalign(*command, *args, tmp=tmp_path)
        assert proc.returncode == 4, proc.stderr
        assert "127.0.0.1" in proc.stderr
    proc = goalign("graph", *scenario_args(scenario), "--offline", tmp=tmp_path / "empty")
    assert proc.returncode == 4, proc.stderr


# --- graph ------------------------------------------------------------------------------


def test_graph_json_marks_conflicts(gotmp: Path) -> None:
    doc = graph_json(["-C", str(DEMO)], gotmp)
    assert doc["schema"] == "goalign.graph/v1"
    assert [a["name"] for a in doc["artifacts"]] == ["host", "plugins/audit", "plugins/ratelimit"]
    (conflict,) = doc["conflicts"]
    assert conflict["module"] == "example.com/kit/log"
    assert [(v["artifact"], v["version"]) for v in conflict["versions"]] == [
        ("host", "v1.4.0"),
        ("plugins/audit", "v1.5.0"),
        ("plugins/ratelimit", "v1.3.0"),
    ]
    marked = {n["id"] for n in doc["nodes"] if n["conflict"]}
    assert marked == {f"example.com/kit/log@{v}" for v in ("v1.3.0", "v1.4.0", "v1.5.0")}
    # Every artifact's selected versions are nodes that say so.
    for art in doc["artifacts"]:
        for path, sel in art["selected"].items():
            node = next(n for n in doc["nodes"] if n["id"] == f"{path}@{sel['version']}")
            assert art["name"] in node["selected_by"]


# pydot's grammar still calls pyparsing names that pyparsing deprecates.
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_graph_dot_and_mermaid(gotmp: Path) -> None:
    doc = graph_json(["-C", str(DEMO)], gotmp)
    proc = goalign("graph", "-C", DEMO, "--format", "dot", tmp=gotmp)
    assert proc.returncode == 0, proc.stderr
    (dot,) = pydot.graph_from_dot_data(proc.stdout)
    names = {n.get_name().strip('"') for n in dot.get_nodes()} - {"node"}
    assert names == {n["id"] for n in doc["nodes"]}
    proc = goalign("graph", "-C", DEMO, "--format", "mermaid", tmp=gotmp)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == "flowchart LR"
    assert sum(" --> " in line for line in lines) == len(doc["edges"])
    conflict_line = next(line for line in lines if line.endswith(" conflict"))
    assert len(conflict_line.split()[1].split(",")) == 3


def test_graph_of_an_impossible_set_still_prints(gotmp: Path) -> None:
    # go-newer cannot be aligned (its plugin needs go 1.99), and force-only not without
    # a replace: the graph is drawn anyway.
    for name in ("go-newer", "force-only"):
        doc = graph_json(scenario_args(BY_NAME[name]), gotmp)
        assert doc["artifacts"][1]["name"] == "plugins/p"
    doc = graph_json(scenario_args(BY_NAME["go-newer"]), gotmp)
    assert doc["artifacts"][1]["go"] == "1.99"


def test_graph_bad_usage_is_exit_2(gotmp: Path) -> None:
    demo = ["-C", str(DEMO)]
    proc = goalign("graph", *demo, "--format", "modgraph", tmp=gotmp)
    assert proc.returncode == 2
    assert "--artifact" in proc.stderr
    proc = goalign("graph", *demo, "--artifact", "plugins/nope", tmp=gotmp)
    assert proc.returncode == 2
    assert "plugins/nope" in proc.stderr
    assert "plugins/audit" in proc.stderr
    proc = goalign("graph", *demo, "--format", "svg", tmp=gotmp)
    assert proc.returncode == 2


# --- against Go -------------------------------------------------------------------------

# Go cannot load these artifacts at all: a go line newer than the toolchain (goalign
# draws it, Go is not asked), a go.mod that does not parse (left out; exit 2 above).
GO_CANNOT = {"go-newer": "plugins/p", "malformed": "plugins/broken"}
UNPARSABLE = {("malformed", "plugins/broken")}


@pytest.fixture(scope="module")
def copies(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Copies of the scenarios (without proxies) for Go to run in: Go may write go.sum."""
    root = tmp_path_factory.mktemp("scenarios")
    for s in SCENARIOS:
        shutil.copytree(s.dir, root / s.name, ignore=shutil.ignore_patterns("proxy"))
    return root


def go_needs(why: str) -> dict[str, list[str]]:
    """Return the modules ``go mod why -m`` output says are needed, with their package
    import chains."""
    needed = {}
    for block in why.strip().split("\n\n"):
        head, *chain = block.splitlines()
        if chain and not chain[0].startswith("(main module does not need"):
            needed[head.removeprefix("# ")] = chain
    return needed


@pytest.mark.go
@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
def test_graphs_and_chains_equal_go(scenario: Scenario, copies: Path, gotmp: Path) -> None:
    plugins = [f"plugins/{p}" for p in scenario.plugins]
    plugins = [p for p in plugins if (scenario.name, p) not in UNPARSABLE]
    args = ["-C", str(scenario.dir), "--host", "host", "--proxy", scenario.goproxy]
    for plugin in plugins:
        args += ["--plugin", plugin]
    doc = graph_json(args, gotmp)
    every = sorted({p for art in doc["artifacts"] for p in art["selected"]})
    proc = goalign("explain", *every, *args, "--format", "json", tmp=gotmp)
    assert proc.returncode == 0, proc.stderr
    answers = {m["module"]: m for m in json.loads(proc.stdout)["modules"]}
    compared = 0
    for art in doc["artifacts"]:
        name = art["name"]
        if GO_CANNOT.get(scenario.name) == name:
            continue
        where = copies / scenario.name / name
        go_graph = run_go(["mod", "graph"], where, gotmp, GOPROXY=scenario.goproxy).stdout
        # Byte for byte what go mod graph prints.
        proc = goalign("graph", *args, "--artifact", name, "--format", "modgraph", tmp=gotmp)
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout == go_graph, name

        # The merged graph holds exactly this artifact's edges under its name (the
        # implicit go and toolchain nodes left out).
        implicit = ("go@", "toolchain@")
        go_edges = {
            (a, b)
            for a, b in (line.split() for line in go_graph.splitlines())
            if not a.startswith(implicit) and not b.startswith(implicit)
        }
        mine = {(e["from"], e["to"]) for e in doc["edges"] if name in e["artifacts"]}
        assert mine == go_edges, name

        # go mod why -m is package-based: a module it says is needed is in the build
        # list, and explain's first chain ends at the version selected; with go >= 1.17
        # the main go.mod lists it, so that chain is one requirement long (below 1.17,
        # as in new-imports, it may come through a dependency). Every package on Go's
        # import chain belongs to a module of the build list.
        selected = {p: s["version"] for p, s in art["selected"].items()}
        paths = sorted(selected)
        if not paths:
            continue
        why = run_go(["mod", "why", "-m", *paths], where, gotmp, GOPROXY=scenario.goproxy)
        main = art["module"]
        for module, chain in go_needs(why.stdout).items():
            (answer,) = [a for a in answers[module]["artifacts"] if a["artifact"] == name]
            first = answer["chains"][0]
            if gover.compare(art["go"] or "1.16", "1.17") >= 0:
                assert first == [main, f"{module}@{selected[module]}"], module
            else:
                assert first[0] == main, module
                assert first[-1] == f"{module}@{selected[module]}", module
            for package in chain:
                owners = [p for p in [main, *paths] if package == p or package.startswith(p + "/")]
                assert owners, f"{package} (go mod why -m {module}) is in no listed module"
            compared += 1
    assert compared, "go mod why -m found no needed module: nothing was compared"
