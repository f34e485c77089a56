"""Properties of go.mod reading and formatting on mutated and random input, and the same
inputs through Go's own x/mod (the ``xmod`` oracle) for byte-exact agreement.

Go's formatter is not always a fixed point, and goalign must not be "better" than Go:
sorting a block can move a line that had a blank line above it to the top of the block
(the next round drops that blank line), and a quoted retract version is written back
unquoted (``retract "v1 0"`` becomes ``retract v1 0``). The properties allow exactly
these; the oracle tests pin everything else to Go.
"""

from __future__ import annotations

import base64
import random
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_modfile_errors import CASES, LAX
from test_modfile_parse import DEPRECATED

from goalign.errors import ModfileError, ModfileErrors
from goalign.modfile import File, parse, parse_lax
from goalign.modfile.format import format_syntax

from oracle import Oracle

TESTDATA = Path(__file__).parent / "testdata" / "modfile"
SEEDS: list[bytes] = sorted(p.read_bytes() for p in TESTDATA.glob("*.in")) + [
    data.encode() for _, data, _ in CASES
]

# Pieces worth splicing in: directive words, punctuation the lexer treats specially,
# comment markers, versions of every shape, bytes that are not UTF-8, odd spaces.
PIECES: list[bytes] = [
    *(
        s.encode()
        for s in [
            "module",
            "go",
            "toolchain",
            "godebug",
            "require",
            "exclude",
            "replace",
            "retract",
            "tool",
            "ignore",
            "=>",
            "(",
            ")",
            "[",
            "]",
            ",",
            "{",
            '"',
            "`",
            "'",
            "\\",
            "//",
            "/*",
            "// indirect",
            "// Deprecated: x",
            "\n",
            "\n\n",
            "\r\n",
            "\t",
            " ",
            "v1.2.3",
            "v1.2",
            "v2.0.0+incompatible",
            "v1.0.0+meta",
            "v0.0.0-20200101000000-abcdefabcdef",
            "1.21",
            "1.21rc1",
            "go1.22.0",
            "default",
            "a=b",
            "example.com/a/v2",
            "gopkg.in/yaml.v2",
            "./dir",
            "C:\\x",
            "é",
            "\u00a0",
            "\u3000",
            "\ufeff",
            "\\x41",
            "\\u00e9",
        ]
    ),
    b"\xff",
    b"\xe2\x82",
    b"\x00",
]

Edit = tuple[str, int, bytes]


def mutate(seed: bytes, edits: list[Edit]) -> bytes:
    """Return ``seed`` with each edit applied in turn (positions wrap around)."""
    b = bytearray(seed)
    for kind, where, piece in edits:
        i = where % (len(b) + 1)
        if kind == "insert":
            b[i:i] = piece
        elif kind == "delete":
            del b[i : i + 1 + where % 7]
        elif kind in ("dup_line", "drop_line"):
            lines = bytes(b).split(b"\n")
            k = where % len(lines)
            if kind == "dup_line":
                lines.insert((where // 7) % len(lines), lines[k])
            else:
                del lines[k]
            b = bytearray(b"\n".join(lines))
    return bytes(b)


edits = st.tuples(
    st.sampled_from(["insert", "insert", "delete", "dup_line", "drop_line"]),
    st.integers(min_value=0, max_value=1 << 20),
    st.one_of(st.sampled_from(PIECES), st.binary(min_size=1, max_size=3)),
)
mutated = st.builds(mutate, st.sampled_from(SEEDS), st.lists(edits, min_size=1, max_size=5))
gomod_alphabet = st.sampled_from(list(" \t\r\n\n()[]{},\"`'\\/*=>.vgo1mrq2é\x00\ufeff"))
random_text = st.text(gomod_alphabet, max_size=80).map(str.encode)
anything = st.one_of(mutated, mutated, random_text, st.binary(max_size=120))

Reader = Callable[[bytes, str], File]


def read_or_none(read: Reader, data: bytes) -> File | None:
    """Return the parsed file, or None when the input is rejected with a ModfileError."""
    problem: ModfileError | None = None
    try:
        return read(data, "go.mod")
    except ModfileError as e:
        problem = e
    # Every rejection is one collected list, each entry located in the file.
    assert isinstance(problem, ModfileErrors)
    assert all(err.filename == "go.mod" and err.line >= 1 for err in problem.errors)
    return None


def without_blank_after_open(text: bytes) -> bytes:
    return re.sub(rb"(\((?: //[^\n]*)?\n)\n+", rb"\1", text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(anything)
def test_only_modfile_errors(data: bytes) -> None:
    for read in (parse, parse_lax):
        f = read_or_none(read, data)
        if f is not None:
            out = f.format()
            assert out == b"" or (out.endswith(b"\n") and not out.endswith(b"\n\n"))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated)
def test_formatting_settles(data: bytes) -> None:
    for read in (parse, parse_lax):
        first = read_or_none(read, data)
        if first is None:
            continue
        once = first.format()
        again = read_or_none(read, once)
        if again is None:
            # Only Go's raw write-back of quoted retract versions can do this (strict),
            # or a lax read keeping a block it does not know as one line.
            assert b"retract" in once or read is parse_lax
            continue
        twice = again.format()
        if read is parse and b"retract" not in once:
            assert twice == without_blank_after_open(once)
        third = read_or_none(read, twice)
        assert third is not None
        assert third.format() == twice


# --- against Go's x/mod ---------------------------------------------------------------------


def view(f: File) -> dict[str, Any]:
    """Return the parsed meaning in the oracle's JSON shape."""
    out: dict[str, Any] = {}
    if f.module is not None:
        out["module"] = f.module.mod.path
        out["deprecated"] = f.module.deprecated
    if f.go is not None:
        out["go"] = f.go.version
    if f.toolchain is not None:
        out["toolchain"] = f.toolchain.name
    out["godebug"] = [[g.key, g.value] for g in f.godebug]
    out["require"] = [[r.mod.path, r.mod.version, r.indirect] for r in f.require]
    out["exclude"] = [[x.mod.path, x.mod.version] for x in f.exclude]
    out["replace"] = [[r.old.path, r.old.version, r.new.path, r.new.version] for r in f.replace]
    out["retract"] = [[r.interval.low, r.interval.high, r.rationale] for r in f.retract]
    out["tool"] = [t.path for t in f.tool]
    out["ignore"] = [i.path for i in f.ignore]
    return out


def as_json_text(x: Any) -> Any:
    """Return x as Go's JSON carries it: each byte of invalid UTF-8 becomes U+FFFD."""
    if isinstance(x, str):
        return re.sub("[\udc80-\udcff]", "\ufffd", x)
    if isinstance(x, list):
        return [as_json_text(y) for y in x]
    if isinstance(x, dict):
        return {k: as_json_text(v) for k, v in x.items()}
    return x


def ours(op: str, data: bytes, lax: bool) -> dict[str, Any]:
    try:
        f = (parse_lax if lax else parse)(data, "go.mod")
    except ModfileError as e:
        return {"error": as_json_text(str(e))}
    if op == "modfile.parse":
        return {"error": "", "file": as_json_text(view(f))}
    f.sort_blocks()
    f.cleanup()
    return {"error": "", "result_b64": base64.b64encode(format_syntax(f.syntax)).decode()}


def theirs(answer: dict[str, Any]) -> dict[str, Any]:
    if answer["error"]:
        return {"error": answer["error"]}
    if "file" in answer:
        return {"error": "", "file": answer["file"]}
    return {"error": "", "result_b64": answer["result_b64"]}


def compare_with_go(xmod: Oracle, inputs: list[bytes]) -> None:
    cases = [
        (op, data, lax)
        for data in inputs
        for op in ("modfile.fmt", "modfile.parse")
        for lax in (False, True)
    ]
    answers = xmod.batch(
        [(op, {"data_b64": base64.b64encode(data).decode(), "lax": lax}) for op, data, lax in cases]
    )
    failures = []
    for (op, data, lax), answer in zip(cases, answers, strict=True):
        want = theirs(answer)
        got = ours(op, data, lax)
        if got != want:
            failures.append(f"{op} lax={lax} {data!r}\n  go: {want}\n  us: {got}")
    assert not failures, f"{len(failures)} differences, first:\n" + "\n".join(failures[:3])


def hand_written_inputs() -> list[bytes]:
    goldens = sorted(p.read_bytes() for p in TESTDATA.glob("*.golden"))
    lax = [data.encode() for data, _ in LAX]
    deprecated = [text for text, _ in DEPRECATED]
    return SEEDS + goldens + lax + deprecated


@pytest.mark.go
def test_hand_written_inputs_match_go(xmod: Oracle) -> None:
    compare_with_go(xmod, hand_written_inputs())


@pytest.mark.go
def test_mutated_inputs_match_go(xmod: Oracle) -> None:
    # A fixed, larger sample than hypothesis draws by default: cheap in one batch.
    rng = random.Random(20240613)
    inputs = []
    for _ in range(2000):
        edits_ = [
            (
                rng.choice(["insert", "insert", "delete", "dup_line", "drop_line"]),
                rng.randrange(1 << 20),
                rng.choice(PIECES) if rng.random() < 0.8 else rng.randbytes(rng.randint(1, 3)),
            )
            for _ in range(rng.randint(1, 5))
        ]
        inputs.append(mutate(rng.choice(SEEDS), edits_))
    compare_with_go(xmod, inputs)


@pytest.mark.go
def test_large_shuffled_blocks_match_go(xmod: Oracle) -> None:
    # Blocks past Go's insertion-sort run (20 lines) exercise its merge steps, and
    # exclude lines of odd length its inconsistent comparison.
    rng = random.Random(7)
    words = ["x.com/a", "x.com/b", "x.com/a/v2", "v1.0.0", "v1.10.0", "v1.9.0", "v2.0.0"]
    words += ["v1.2.0-pre", "[", "]", ",", "bad", "=>", "./d", '"q"', "é"]
    inputs = []
    for _ in range(300):
        verb = rng.choice(["require", "exclude", "retract", "replace", "tool", "godebug"])
        lines = [
            "\t" + " ".join(rng.choice(words) for _ in range(rng.choice([0, 1, 2, 2, 3, 5])))
            for _ in range(rng.choice([19, 20, 21, 41, 64, 100]))
        ]
        go = rng.choice(["go 1.20\n", "go 1.21\n", ""])
        inputs.append(f"module m\n{go}{verb} (\n" + "\n".join(lines) + "\n)\n")
    compare_with_go(xmod, [text.encode() for text in inputs])


@pytest.mark.go
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(anything, min_size=1, max_size=10))
def test_hypothesis_inputs_match_go(xmod: Oracle, inputs: list[bytes]) -> None:
    compare_with_go(xmod, inputs)
