"""Reports: golden text, Markdown and JSON for every fixture scenario x strategy, the
JSON Schema, the Mermaid graphs through Mermaid's own parser, and the text options.

Goldens live in ``tests/golden/<scenario>-<strategy>.{txt,md,json}``. Regenerate them
after a deliberate change with ``GOALIGN_UPDATE_GOLDEN=1 pytest tests/test_reports.py``
and review the diff. Figures that depend on the cache or the clock (requests, cache
hits, seconds) are set to 0, and the scenario's proxy URL to ``file:///SCENARIO/proxy``.
"""

from __future__ import annotations

import dataclasses
import io
import json
import os
import re
from pathlib import Path

import pytest

from goalign import report
from goalign.cli import solve

from cliutil import goalign_env
from cliutil import run_goalign as goalign
from mermaidparse import parse_all, parser
from plugin_scenarios import BY_NAME, SCENARIOS, STRATEGIES, NoAnswer, Scenario
from reportschema import SCHEMA_PATH, validate_report

GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE = os.environ.get("GOALIGN_UPDATE_GOLDEN") == "1"
DOCS = Path(__file__).resolve().parent.parent / "docs" / "report-schema.md"


def reports_something(scenario: Scenario, strategy: str) -> bool:
    """Report whether the case prints a report (bad input exits 2 with none)."""
    outcome = scenario.outcome(strategy)
    return not (isinstance(outcome, NoAnswer) and outcome.exit_code == 2)


CASES = [(s, st) for s in SCENARIOS for st in STRATEGIES if reports_something(s, st)]
IDS = [f"{s.name}-{st}" for s, st in CASES]


def _args(scenario: Scenario) -> tuple[Path, list[Path]]:
    return Path("host"), [Path("plugins") / p for p in scenario.plugins]


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, report.Report]:
    """Every case's report, computed in this process once (one solve each), with the
    environment goalign's subprocess tests use."""
    tmp = tmp_path_factory.mktemp("reports")
    out: dict[str, report.Report] = {}
    with pytest.MonkeyPatch.context() as mp:
        for key in [k for k in os.environ if k.startswith("GO")]:
            mp.delenv(key)
        for key, value in goalign_env(tmp, "off").items():
            mp.setenv(key, value)
        for (scenario, strategy), name in zip(CASES, IDS, strict=True):
            host, plugins = _args(scenario)
            rep, _ = solve.build_report(
                scenario.dir,
                host=host,
                plugins=plugins,
                strategy=strategy,
                write=False,
                proxy=scenario.goproxy,
                offline=False,
                allow_host_upgrade=False,
            )
            out[name] = dataclasses.replace(
                rep,
                stats={**rep.stats, "requests": 0, "cache_hits": 0, "seconds": 0},
                command=rep.command.replace(scenario.goproxy, "file:///SCENARIO/proxy"),
            )
    return out


def check_golden(path: Path, got: str) -> None:
    if UPDATE:
        path.write_text(got, encoding="utf-8")
        return
    assert path.is_file(), f"{path} missing: run with GOALIGN_UPDATE_GOLDEN=1"
    want = path.read_text(encoding="utf-8")
    assert got == want, f"{path.name} differs; if intended, run with GOALIGN_UPDATE_GOLDEN=1"


@pytest.mark.parametrize("name", IDS)
def test_golden_text(name: str, reports: dict[str, report.Report]) -> None:
    got = solve.render(reports[name], "text")
    assert "\x1b[" not in got
    check_golden(GOLDEN / f"{name}.txt", got)


@pytest.mark.parametrize("name", IDS)
def test_golden_markdown(name: str, reports: dict[str, report.Report]) -> None:
    check_golden(GOLDEN / f"{name}.md", solve.render(reports[name], "markdown"))


@pytest.mark.parametrize("name", IDS)
def test_golden_json_and_schema(name: str, reports: dict[str, report.Report]) -> None:
    got = solve.render(reports[name], "json")
    validate_report(json.loads(got))
    check_golden(GOLDEN / f"{name}.json", got)


def test_no_stale_goldens() -> None:
    names = {p.name.rsplit(".", 1)[0] for p in GOLDEN.iterdir()}
    assert names == set(IDS)


# --- the summary line and the text options -------------------------------------------


def test_summary_lines(reports: dict[str, report.Report]) -> None:
    assert report.summary(reports["behind-safe"]) == (
        "edits needed: 1 edit to 1 plugin, 2 files to change; run with --write to apply them"
    )
    assert report.summary(reports["needs-downgrade-downgrade"]).startswith(
        "edits needed: 2 edits to 1 plugin (1 risky),"
    )
    assert report.summary(reports["force-only-safe"]) == (
        "no alignment with --strategy safe: 1 conflict (example.com/force-only/log)"
    )
    assert report.summary(reports["aligned-safe"]).startswith("aligned: ")
    applied = dataclasses.replace(reports["three-plugins-safe"], status="applied")
    assert report.summary(applied) == "edits written: 3 edits to 2 plugins, 4 files changed"


def test_quiet_verbose_and_colour(reports: dict[str, report.Report]) -> None:
    rep = reports["force-only-safe"]
    quiet = report.to_text(rep, quiet=True)
    assert quiet == report.summary(rep) + "\n"
    plain = report.to_text(rep)
    verbose = report.to_text(rep, verbose=True)
    assert "tried: v1.3.0" in verbose
    assert "tried:" not in plain
    assert "stats: 1 module, 0 proxy requests, 0 cache hits, 0 s" in verbose
    # Verbose lists every shared module; plain only those that move (none here).
    assert "shared modules (1 of 1):" in verbose
    assert "shared modules" not in plain
    coloured = report.to_text(reports["needs-downgrade-downgrade"], color=True)
    assert "\x1b[" in coloured
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured).split("\n")[0] == report.summary(
        reports["needs-downgrade-downgrade"]
    )


def test_moves_table(reports: dict[str, report.Report]) -> None:
    rows = {m.module: m for m in report.moves(reports["needs-downgrade-downgrade"])}
    log = rows["example.com/needs-downgrade/log"]
    assert (log.cells, log.direction, log.risk) == (("v1.2.0", "v1.3.0 -> v1.2.0"), "down", "safe")
    rows = {m.module: m for m in report.moves(reports["force-only-force"])}
    pinned = rows["example.com/force-only/log"]
    assert (pinned.cells, pinned.direction, pinned.risk) == (
        ("v1.2.0", "v1.3.0 -> v1.3.0 => v1.2.0"),
        "down",
        "risky",
    )
    three = {m.module: m for m in report.moves(reports["three-plugins-safe"])}
    cache = three["example.com/three-plugins/cache"]
    assert cache.cells == ("-", "-", "v1.0.0 -> v1.1.0", "v1.1.0")
    assert cache.direction == "up"


def test_plain_table_is_what_rich_prints(reports: dict[str, report.Report]) -> None:
    """Without colour the moves table is written without rich: line for line what
    rich prints, every shared module of every case (moving or not)."""
    tables = 0
    for rep in reports.values():
        rows = report.moves(rep)
        if not rows:
            continue
        buffer = io.StringIO()
        report._console(buffer, color=False, width=200).print(report._moves_table(rep, rows))
        assert [x.rstrip() for x in buffer.getvalue().splitlines()] == report._plain_table(
            rep, rows
        )
        tables += 1
    assert tables > 20


def test_moves_too_wide_for_a_table_are_listed(reports: dict[str, report.Report]) -> None:
    rep = reports["three-plugins-safe"]
    table = report.to_text(rep)
    # The table needs exactly 111 columns: at 111 it is printed whole, at 110 each
    # module gets a line instead of a table with cut cells.
    assert report.to_text(rep, width=111) == table
    assert max(len(x) for x in table.split("\n\nedits:")[0].splitlines()) == 111
    listed = report.to_text(rep, width=110)
    assert "direction" not in listed
    assert (
        "  example.com/three-plugins/cache (up, safe): plugins/b v1.0.0 -> v1.1.0, "
        "plugins/c v1.1.0\n"
    ) in listed
    assert (
        "  example.com/three-plugins/log (up, safe): host v1.2.0, "
        "plugins/a v1.1.0 -> v1.2.0, plugins/b v1.2.0, plugins/c v1.2.0\n"
    ) in listed
    assert listed.split("edits:")[1] == table.split("edits:")[1]
    coloured = report.to_text(rep, width=110, color=True)
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == listed


def test_cli_quiet_verbose_exclusive_and_no_colour_on_a_pipe(tmp_path: Path) -> None:
    scenario = BY_NAME["behind"]
    host, plugins = _args(scenario)
    base = ["-C", scenario.dir, "--host", host, "--proxy", scenario.goproxy]
    for p in plugins:
        base += ["--plugin", p]
    both = goalign("check", *base, "--quiet", "--verbose", tmp=tmp_path)
    assert both.returncode == 2
    assert "--quiet and --verbose exclude each other" in both.stderr
    quiet = goalign("check", *base, "-q", tmp=tmp_path)
    assert (quiet.returncode, quiet.stderr) == (1, "")
    assert quiet.stdout.count("\n") == 1
    assert quiet.stdout.startswith("edits needed: 1 edit to 1 plugin")
    verbose = goalign("check", *base, "-v", tmp=tmp_path)
    assert verbose.returncode == 1
    assert "\x1b[" not in verbose.stdout + verbose.stderr
    assert re.search(r"^stats: \d+ modules?, \d+ proxy requests?, ", verbose.stdout, re.M)


# --- Markdown and Mermaid -------------------------------------------------------------


def mermaid_blocks(markdown: str) -> list[str]:
    return re.findall(r"^```mermaid\n(.*?)^```$", markdown, re.S | re.M)


def test_markdown_names_what_a_reviewer_needs(reports: dict[str, report.Report]) -> None:
    md = report.to_markdown(reports["needs-downgrade-downgrade"])
    assert md.startswith("### goalign: edits needed: 2 edits to 1 plugin (1 risky)")
    assert "> [!WARNING]" in md
    assert "#### `plugins/p`" in md
    row = (
        "| `example.com/needs-downgrade/log` | `v1.3.0` | `v1.2.0` "
        "| must be v1.2.0 (host has v1.2.0) |"
    )
    assert row in md
    assert "goalign solve --host host --plugin plugins/p --strategy downgrade" in md
    (graph,) = mermaid_blocks(md)
    # The chain that forced the downgrade: the plugin -> mid@v1.1.0 -> log@v1.3.0.
    assert '["example.com/needs-downgrade/mid@v1.1.0"]' in graph
    ids = dict(re.findall(r'^  (n\d+)\[\"([^"]+)\"\]$', graph, re.M))
    by_label = {v: k for k, v in ids.items()}
    mid = by_label["example.com/needs-downgrade/mid@v1.1.0"]
    log = by_label["example.com/needs-downgrade/log@v1.3.0"]
    assert f"  {mid} --> {log}" in graph
    impossible = report.to_markdown(reports["force-only-safe"])
    assert "#### Conflict: `example.com/force-only/log`" in impossible
    assert "What would change the answer:" in impossible
    assert "example.com/force-only/log #gt;= v1.3.0" in impossible


@pytest.fixture(scope="module")
def mermaid_parser() -> None:
    found, why = parser()
    if found is None:
        pytest.skip(f"Mermaid's parser is not available: {why}")


def test_every_golden_graph_parses_with_mermaid(
    reports: dict[str, report.Report], mermaid_parser: None
) -> None:
    graphs = []
    for name in IDS:
        blocks = mermaid_blocks(report.to_markdown(reports[name]))
        assert len(blocks) <= 1
        graphs += [(name, b) for b in blocks]
    assert len(graphs) >= 20
    results = parse_all([g for _, g in graphs])
    bad = [(n, r.error) for (n, _), r in zip(graphs, results, strict=True) if not r.ok]
    assert not bad
    assert {r.type for r in results} == {"flowchart-v2"}


def test_mermaid_parser_rejects_bad_graphs_and_labels_are_escaped(mermaid_parser: None) -> None:
    """The parser can fail (so the check above means something), and every character
    a module path, version or reason may hold is escaped into a label that parses."""
    nasty = [
        'example.com/a+b/c.d@v1.2.3+incompatible "quoted" #1 <tag> a&b `tick` [x] (y) {z} |p|',
        "gopkg.in/yaml.v3@v3.0.0-20210107192922-496545a6307b",
        "end",
        "graph",
        "x --> y ; z",
    ]
    good = "graph LR\n" + "".join(
        f"  n{i}[{report._label(t)}] -->|{report._label(t)}| n{i + 1}([{report._label(t)}])\n"
        for i, t in enumerate(nasty)
    )
    unescaped = "graph LR\n" + "".join(f'  n{i}["{t}"]\n' for i, t in enumerate(nasty[:1]))
    bad_inputs = [
        "graph LR\n  n0 -->\n",
        'graph LR\n  n0["a"b"] --> n1\n',
        "graph LR\n  n0[example.com/a@v1] --> n1\n",
        "graph LR\n  n0 -->|unterminated n1\n",
        "grph LR\n  a --> b\n",
        unescaped,
    ]
    results = parse_all([good, *bad_inputs])
    assert results[0].ok, results[0].error
    assert [r.ok for r in results[1:]] == [False] * len(bad_inputs)


# --- the schema and its documentation -------------------------------------------------


def schema_fields(node: object) -> set[str]:
    out: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "properties" and isinstance(value, dict):
                out.update(value)
            out |= schema_fields(value)
    elif isinstance(node, list):
        for item in node:
            out |= schema_fields(item)
    return out


def test_every_schema_field_is_documented() -> None:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    docs = DOCS.read_text(encoding="utf-8")
    missing = sorted(f for f in schema_fields(schema) if f"`{f}`" not in docs)
    assert not missing


def test_schema_rejects_what_v1_forbids(reports: dict[str, report.Report]) -> None:
    good = report.to_dict(reports["force-only-force"])
    validate_report(good)
    broken = [
        {**good, "status": "done"},
        {**good, "schema": "goalign.report/v2"},
        {**good, "edits": [{**good["edits"][0], "risk": "maybe"}]},
        {**good, "edits": [{**good["edits"][0], "op": "sum"}]},
        {**good, "conflicts": report.to_dict(reports["force-only-safe"])["conflicts"]},
        {**good, "stats": {**good["stats"], "requests": -1}},
        {k: v for k, v in good.items() if k != "violations"},
        {**good, "surprise": 1},
    ]
    for doc in broken:
        with pytest.raises(AssertionError):
            validate_report(doc)


def run_on_a_terminal(args: list[str], env: dict[str, str]) -> tuple[int, str]:
    """Run goalign with stdout and stderr on one pseudo-terminal; return its exit code
    and everything it drew."""
    import pty
    import subprocess
    import sys

    main, child = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "goalign", *args],
        stdin=child,
        stdout=child,
        stderr=child,
        env=env,
    )
    os.close(child)
    drawn = b""
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:
            break
        if not chunk:
            break
        drawn += chunk
    os.close(main)
    return proc.wait(timeout=120), drawn.decode("utf-8", "replace")


def test_progress_and_colour_only_on_a_terminal(tmp_path: Path) -> None:
    scenario = BY_NAME["needs-downgrade"]
    args = ["check", "-C", str(scenario.dir), "--host", "host", "--plugin", "plugins/p"]
    args += ["--strategy", "downgrade", "--proxy", scenario.goproxy]
    env = goalign_env(tmp_path, "off")
    code, drawn = run_on_a_terminal(args, env)
    assert code == 1
    assert "goalign: " in drawn  # the progress line, erased once the report is printed
    assert "\x1b[1;33medits needed: 2 edits" in drawn
    code, drawn = run_on_a_terminal(args, {**env, "NO_COLOR": "1"})
    assert code == 1
    assert "edits needed: 2 edits" in drawn
    assert "\x1b[1;33m" not in drawn
    assert "\x1b[32m+" not in drawn
    piped = goalign(*args, tmp=tmp_path)
    assert piped.returncode == 1
    assert piped.stderr == ""
    assert "\x1b[" not in piped.stdout
