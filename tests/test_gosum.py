"""go.sum reading and writing and the h1 hashes, checked by hand and against real Go."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import io
import json
import random
import zipfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from goalign import gosum, module
from goalign.errors import GoSumError, InputError
from goalign.gosum import GoSum, hash_files, hash_go_mod, hash_zip
from goalign.module import ModuleVersion

from goproxy import ModuleSpec, write_proxy
from gotool import run_go

# The worked example of go-modules.md section 5: Go wrote exactly these two lines.
HELLO_GO_MOD = b"module example.com/hello\n\ngo 1.21\n"
HELLO_GO = b'package hello\n\nfunc Hello() string { return "hi" }\n'
HELLO_SUM = (
    b"example.com/hello v1.0.0 h1:RRYMUoTH0NuCZ6Uzn82AqTXx61N0Cv5l8QsjGVwQduo=\n"
    b"example.com/hello v1.0.0/go.mod h1:NnGvEkTHyKKlgPcQSue0skqyqiS1EfBSAh+0WaWZYmE=\n"
)
HELLO = ModuleSpec(
    "example.com/hello",
    "v1.0.0",
    go_mod=HELLO_GO_MOD.decode(),
    files={"hello.go": HELLO_GO.decode()},
)


# --- hashes ---------------------------------------------------------------------------


def test_worked_example() -> None:
    zip_hash = hash_files(
        [
            ("example.com/hello@v1.0.0/hello.go", HELLO_GO),
            ("example.com/hello@v1.0.0/go.mod", HELLO_GO_MOD),
        ]
    )
    go_mod_hash = hash_go_mod(HELLO_GO_MOD)
    assert zip_hash == "h1:RRYMUoTH0NuCZ6Uzn82AqTXx61N0Cv5l8QsjGVwQduo="
    assert go_mod_hash == "h1:NnGvEkTHyKKlgPcQSue0skqyqiS1EfBSAh+0WaWZYmE="
    assert hash_zip(HELLO.zip_bytes()) == zip_hash
    sums = GoSum()
    sums.add_go_mod("example.com/hello", "v1.0.0", go_mod_hash)
    sums.add("example.com/hello", "v1.0.0", zip_hash)
    assert sums.format() == HELLO_SUM


def _zip(entries: list[tuple[str, bytes]], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        for name, data in entries:
            archive.writestr(name, data, method)
    return buf.getvalue()


def test_hash_zip_ignores_order_compression_and_times() -> None:
    entries = [("m@v1.0.0/b.go", b"package m\n"), ("m@v1.0.0/a/go.mod", b"x")]
    stored = _zip(entries, zipfile.ZIP_STORED)
    deflated = _zip(entries[::-1])
    assert hash_zip(stored) == hash_zip(io.BytesIO(deflated)) == hash_files(entries)


def test_hash_zip_counts_directories_and_last_duplicate() -> None:
    # dirhash.HashZip lists every entry; a duplicated name hashes the last content twice.
    with pytest.warns(UserWarning, match="Duplicate name"):
        data = _zip([("m@v1/d/", b""), ("m@v1/f", b"old"), ("m@v1/f", b"new")])
    assert hash_zip(data) == hash_files([("m@v1/d/", b""), ("m@v1/f", b"new"), ("m@v1/f", b"new")])


def test_hash_zip_uses_raw_names() -> None:
    # Without the UTF-8 flag Go hashes the stored bytes, where Python decodes CP437.
    data = _zip([("m@v1/XX.go", b"x")]).replace(b"XX", b"\xe9\xe9")
    lines = hashlib.sha256(b"x").hexdigest().encode() + b"  m@v1/\xe9\xe9.go\n"
    digest = base64.b64encode(hashlib.sha256(lines).digest()).decode()
    assert hash_zip(data) == "h1:" + digest


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"not a zip", "mod.zip: not a valid zip file"),
        (b"", "mod.zip: not a valid zip file"),
    ],
)
def test_hash_zip_bad_data(data: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message):
        hash_zip(data, name="mod.zip")


def test_hash_zip_bad_crc() -> None:
    data = _zip([("m@v1/f", b"hello hello hello")], zipfile.ZIP_STORED)
    corrupt = data.replace(b"hello hello hello", b"hellO hello hello")
    with pytest.raises(InputError, match="not a valid zip file: Bad CRC-32"):
        hash_zip(corrupt)


def test_hash_zip_unsupported_method() -> None:
    data = _zip([("m@v1/f", b"x" * 100)], zipfile.ZIP_BZIP2)
    with pytest.raises(InputError, match="unsupported compression algorithm 12") as err:
        hash_zip(data)
    assert err.value.hint


@given(st.data())
def test_hash_zip_damaged_raises_input_error_only(data: st.DataObject) -> None:
    damaged = bytearray(HELLO.zip_bytes())
    if data.draw(st.booleans()):
        del damaged[data.draw(st.integers(0, len(damaged) - 1)) :]
    else:
        for _ in range(data.draw(st.integers(1, 3))):
            damaged[data.draw(st.integers(0, len(damaged) - 1))] = data.draw(st.integers(0, 255))
    with contextlib.suppress(InputError):
        hash_zip(bytes(damaged))


def test_hash_files_refuses_newlines() -> None:
    with pytest.raises(InputError, match="newlines"):
        hash_files([("a\nb", b"")])


# --- go.sum text ----------------------------------------------------------------------


def test_parse_skips_blank_lines_and_the_empty_go_mod_hash() -> None:
    data = (
        b"\n  \n"
        b"b.com/x v1.0.0/go.mod h1:B=\r\n"
        b"a.com/x\tv1.0.0 \t h1:A=\n"
        b"c.com/x v1.0.0/go.mod " + gosum.EMPTY_GO_MOD_HASH.encode() + b"\n"
        b"a.com/x v1.0.0 h1:A="  # no final newline
    )
    sums = gosum.parse(data)
    assert sums.hashes("a.com/x", "v1.0.0") == ("h1:A=",)
    assert sums.has("b.com/x", "v1.0.0/go.mod", "h1:B=")
    assert not sums.has("b.com/x", "v1.0.0")
    assert not sums.has("c.com/x", "v1.0.0/go.mod")
    assert len(sums) == 2
    assert sums.format() == b"a.com/x v1.0.0 h1:A=\nb.com/x v1.0.0/go.mod h1:B=\n"


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        (b"a.com/x v1.0.0\n", ["go.sum:1: wrong number of fields 2"]),
        (b"\n\na.com/x v1.0.0 h1:A= extra\n", ["go.sum:3: wrong number of fields 4"]),
        (b"a.com/x v1.0.0 h1:A=\nlonely", ["go.sum:2: wrong number of fields 1"]),
        # U+001C is a space to Python's str.split but not to Go's strings.Fields.
        (b"a.com/x\x1cv1.0.0 h1:A=\n", ["go.sum:1: wrong number of fields 2"]),
        (
            b"a b\nok v1 h1:x\na b c d e\n",
            ["go.sum:1: wrong number of fields 2", "go.sum:3: wrong number of fields 5"],
        ),
    ],
)
def test_parse_wrong_number_of_fields(data: bytes, errors: list[str]) -> None:
    with pytest.raises(GoSumError) as err:
        gosum.parse(data)
    assert str(err.value) == "malformed go.sum:\n" + "\n".join(errors)


def test_parse_names_the_file() -> None:
    with pytest.raises(GoSumError, match=r"^malformed go.sum:\n/src/m/go.sum:2: wrong"):
        gosum.parse(b"a v1 h1:x\nb\n", "/src/m/go.sum")


def test_parse_lax_skips_malformed_lines() -> None:
    # go mod tidy reads past malformed lines so that it can repair the file.
    sums = gosum.parse(b"a v1\nb v1 h1:x\n", lax=True)
    assert sums.format() == b"b v1 h1:x\n"


def test_parse_keeps_bytes_that_are_not_utf8() -> None:
    data = b"a.com/\xff v1.0.0 h1:A=\na.com/\xc3\xa9 v1.0.0 h1:A=\n"
    # Go sorts bytewise: 0xC3 (the start of U+00E9) before 0xFF.
    expected = b"a.com/\xc3\xa9 v1.0.0 h1:A=\na.com/\xff v1.0.0 h1:A=\n"
    assert gosum.parse(data).format() == expected


def test_add_refuses_fields_that_would_not_read_back() -> None:
    sums = GoSum()
    for path, version, h in [("a b", "v1", "h1:x"), ("a", "", "h1:x"), ("a", "v1", "h1:x\n")]:
        with pytest.raises(GoSumError, match=r"invalid go\.sum entry"):
            sums.add(path, version, h)


def test_format_order() -> None:
    # Paths bytewise (upper case first), versions by semver (v1.9.0 < v1.10.0,
    # prerelease first), the zip line just before its /go.mod line, hashes sorted.
    lines = [
        "example.com/multi v1.10.0 h1:b=",
        "example.com/multi v1.10.0/go.mod h1:c=",
        "example.com/multi v1.9.0/go.mod h1:a=",
        "example.com/multi v1.9.0 h1:z=",
        "example.com/multi v1.9.0 h1:y=",
        "example.com/multi v1.10.0-rc.1/go.mod h1:d=",
        "example.com/Upper v1.0.0 h1:e=",
        "example.com/multi/v2 v2.0.0 h1:f=",
        "example.com/multi bad h1:g=",
        "example.com/multi v1.10.0 h1:b=",
    ]
    sums = gosum.parse("\n".join(lines).encode())
    assert sums.format().decode().splitlines() == [
        "example.com/Upper v1.0.0 h1:e=",
        "example.com/multi bad h1:g=",
        "example.com/multi v1.9.0 h1:y=",
        "example.com/multi v1.9.0 h1:z=",
        "example.com/multi v1.9.0/go.mod h1:a=",
        "example.com/multi v1.10.0-rc.1/go.mod h1:d=",
        "example.com/multi v1.10.0 h1:b=",
        "example.com/multi v1.10.0/go.mod h1:c=",
        "example.com/multi/v2 v2.0.0 h1:f=",
    ]
    assert sums.modules() == module.sort(sums.modules())


def test_empty() -> None:
    assert GoSum().format() == b""
    assert gosum.parse(b"\n\n") == GoSum()


def test_module_helpers() -> None:
    required = ModuleVersion("example.com/cross", "v1.0.0")
    fork = ModuleVersion("example.com/fork", "v1.0.1")
    local = ModuleVersion("../fork")
    assert gosum.recorded_version(required) == required
    assert gosum.recorded_version(required, fork) == fork
    assert gosum.recorded_version(required, local) is None
    assert gosum.recorded_version(ModuleVersion("example.com/main")) is None
    assert list(gosum.sum_lines(fork, zip_hash="h1:z=", go_mod_hash="h1:g=")) == [
        "example.com/fork v1.0.1 h1:z=",
        "example.com/fork v1.0.1/go.mod h1:g=",
    ]
    assert list(gosum.sum_lines(local, zip_hash="h1:z=")) == []
    sums = GoSum()
    sums.add_module(fork, go_mod_hash="h1:g=")
    sums.add_module(local, zip_hash="h1:z=")
    assert sums.format() == b"example.com/fork v1.0.1/go.mod h1:g=\n"
    copy = sums.copy()
    copy.remove("example.com/fork", "v1.0.1/go.mod")
    assert copy == GoSum()
    assert sums != copy


# --- properties -----------------------------------------------------------------------

_paths = st.sampled_from(
    ["a.com/x", "a.com/X", "a.com/x/v2", "b.org/y", "gopkg.in/yaml.v3", "a.com/x-y", "é.com/z"]
)
_versions = st.sampled_from(
    [
        "v0.0.0-20240102030405-abcdef123456",
        "v1.0.0",
        "v1.0.0-rc.1",
        "v1.0.0-RC.1",
        "v1.9.0",
        "v1.10.0",
        "v2.0.0+incompatible",
        "v2.0.0",
        "bad",
        "v1.0",
    ]
)
_entries = st.lists(
    st.tuples(
        _paths,
        st.builds(lambda v, m: v + m, _versions, st.sampled_from(["", "/go.mod"])),
        st.from_regex(r"h1:[A-Za-z0-9+/]{1,6}=", fullmatch=True),
    ),
    max_size=30,
)


@given(_entries, st.randoms())
def test_format_round_trips_and_ignores_order(
    entries: list[tuple[str, str, str]], rnd: random.Random
) -> None:
    sums = GoSum(entries)
    data = sums.format()
    again = gosum.parse(data)
    assert again == sums
    assert again.format() == data
    shuffled = entries * 2
    rnd.shuffle(shuffled)
    assert GoSum(shuffled).format() == data
    assert len(data.splitlines()) == len(set(entries)) == len(sums)


# --- against the Go toolchain ---------------------------------------------------------

TREE_FILES = {
    "tree.go": (
        "package tree\n\n"
        "import (\n"
        '\t_ "example.com/Upper"\n'
        '\t_ "example.com/multi"\n'
        '\t_ "example.com/tree/a/b"\n'
        '\t_ "example.com/tree/internal/x"\n'
        ")\n"
    ),
    "a/": "",  # a directory entry: dirhash counts it as an empty file
    "a/b/b.go": "package b\n\nconst B = 1\n",
    "a/b/b_test.go": 'package b\n\nimport "testing"\n\nfunc TestB(t *testing.T) {}\n',
    "internal/x/x.go": "package x\n",
    "sub-pkg/file_with.dots.go": "package subpkg\n",
    "Docs/Guide.md": "# Guide\n",
    "README.md": "tree\n",
    "LICENSE": "BSD\n",
    "testdata/data.txt": "data\n",
    "z_last.go": "package tree\n\nvar Z = 26\n",
}

UNIVERSE = [
    HELLO,
    ModuleSpec("example.com/hello", "v1.1.0"),
    ModuleSpec("example.com/fork", "v1.0.1", go_mod="module example.com/cross\n\ngo 1.21\n"),
    ModuleSpec("github.com/BurntSushi/Toml", "v1.2.0"),
    ModuleSpec("example.com/Upper", "v1.0.0-RC.1"),
    ModuleSpec("example.com/Upper", "v1.0.0"),
    ModuleSpec("example.com/lib/v2", "v2.1.0"),
    ModuleSpec("example.com/pseudo", "v0.0.0-20240102030405-abcdef123456"),
    ModuleSpec("example.com/old", "v2.0.0+incompatible"),
    ModuleSpec(
        "example.com/tree",
        "v1.4.0",
        files=TREE_FILES,
        go="1.16",  # no graph pruning: go.sum then records its requirements' go.mod
        requires={"example.com/multi": "v1.9.0", "example.com/Upper": "v1.0.0-RC.1"},
    ),
    ModuleSpec("example.com/multi", "v1.9.0"),
    ModuleSpec("example.com/multi", "v1.10.0"),
]
SPECS = {(s.path, s.version): s for s in UNIVERSE}

MAIN_REQUIRES = {
    "example.com/hello": "v1.0.0",
    "example.com/cross": "v1.0.0",
    "github.com/BurntSushi/Toml": "v1.2.0",
    "example.com/Upper": "v1.0.0",
    "example.com/lib/v2": "v2.1.0",
    "example.com/pseudo": "v0.0.0-20240102030405-abcdef123456",
    "example.com/old": "v2.0.0+incompatible",
    "example.com/tree": "v1.4.0",
    "example.com/multi": "v1.10.0",
}
MAIN_REPLACES = {
    "example.com/hello v1.0.0": ModuleVersion("example.com/hello", "v1.1.0"),
    "example.com/cross": ModuleVersion("example.com/fork", "v1.0.1"),
}


@pytest.fixture(scope="session")
def go_tmp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One GOPATH (and module cache) for every Go run of this file."""
    return tmp_path_factory.mktemp("gosum-go")


@pytest.fixture(scope="session")
def proxy(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The file:// URL of a GOPROXY folder serving UNIVERSE."""
    return write_proxy(tmp_path_factory.mktemp("gosum-proxy"), UNIVERSE)


def _go(args: list[str], cwd: Path, go_tmp: Path, proxy: str, check: bool = True) -> str:
    proc = run_go(args, cwd, go_tmp, check=check, GOPROXY=proxy, GOFLAGS="-modcacherw -mod=mod")
    return proc.stdout + proc.stderr


@pytest.mark.go
def test_hashes_match_go_mod_download(go_tmp: Path, proxy: str, tmp_path: Path) -> None:
    args = [f"{s.path}@{s.version}" for s in UNIVERSE]
    out = run_go(["mod", "download", "-json", *args], tmp_path, go_tmp, GOPROXY=proxy).stdout
    decoder = json.JSONDecoder()
    results, pos = [], 0
    while pos < len(out.rstrip()):
        obj, end = decoder.raw_decode(out, pos)
        results.append(obj)
        pos = end + 1
    assert len(results) == len(UNIVERSE)
    for found in results:
        spec = SPECS[(found["Path"], found["Version"])]
        assert "Error" not in found, found
        assert found["Sum"] == hash_zip(spec.zip_bytes()), spec
        assert found["Sum"] == hash_zip(Path(found["Zip"]).read_bytes())
        assert found["GoModSum"] == hash_go_mod(spec.mod_bytes()), spec
    hello = next(
        r for r in results if r["Path"] == "example.com/hello" and r["Version"] == "v1.0.0"
    )
    lines = [f"{hello['Path']} {hello['Version']} {hello['Sum']}\n"]
    lines.append(f"{hello['Path']} {hello['Version']}/go.mod {hello['GoModSum']}\n")
    assert "".join(lines).encode() == HELLO_SUM


def _main_module(root: Path) -> Path:
    root.mkdir()
    requires = "".join(f"\t{p} {v}\n" for p, v in MAIN_REQUIRES.items())
    replaces = "".join(
        f"replace {old} => {new.path} {new.version}\n" for old, new in MAIN_REPLACES.items()
    )
    (root / "go.mod").write_text(
        f"module example.com/main\n\ngo 1.21\n\nrequire (\n{requires})\n\n{replaces}"
    )
    imports = "".join(f'\t_ "{p}"\n' for p in MAIN_REQUIRES)
    (root / "main.go").write_text(f"package main\n\nimport (\n{imports})\n\nfunc main() {{}}\n")
    return root


@pytest.fixture(scope="session")
def tidy_main(go_tmp: Path, proxy: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The main module of this file after ``go mod tidy``."""
    main = _main_module(tmp_path_factory.mktemp("gosum-main") / "main")
    _go(["mod", "tidy"], main, go_tmp, proxy)
    return main


@pytest.fixture(scope="session")
def tidy_sum(tidy_main: Path) -> bytes:
    """The go.sum Go writes for the main module of this file."""
    return (tidy_main / "go.sum").read_bytes()


@pytest.mark.go
def test_proxy_modules_compile(tidy_main: Path, go_tmp: Path, proxy: str) -> None:
    # Only the dependencies: they import nothing from std, so nothing big is compiled.
    _go(["build", *MAIN_REQUIRES, "example.com/tree/..."], tidy_main, go_tmp, proxy)


@pytest.mark.go
def test_format_matches_go_mod_tidy(tidy_sum: bytes) -> None:
    # Take only the keys from Go's file; every hash is computed here.
    sums = GoSum()
    for key in gosum.parse(tidy_sum).modules():
        plain = key.version.removesuffix(gosum.GO_MOD_SUFFIX)
        spec = SPECS[(key.path, plain)]
        if key.version.endswith(gosum.GO_MOD_SUFFIX):
            sums.add_go_mod(key.path, plain, hash_go_mod(spec.mod_bytes()))
        else:
            sums.add(key.path, plain, hash_zip(spec.zip_bytes()))
    assert sums.format() == tidy_sum
    # The cases that make the order interesting are really in Go's file.
    text = tidy_sum.decode()
    for before, after in [
        ("example.com/Upper v1.0.0-RC.1/go.mod", "example.com/Upper v1.0.0 "),
        ("example.com/multi v1.9.0/go.mod", "example.com/multi v1.10.0 "),
        ("example.com/multi v1.10.0 ", "example.com/multi v1.10.0/go.mod"),
        ("example.com/Upper", "example.com/fork"),
    ]:
        assert 0 <= text.index(before) < text.index(after), (before, after)


@pytest.mark.go
def test_records_what_the_build_needs_under_replacements(tidy_sum: bytes) -> None:
    # Every required module providing a package has both lines, under its replacement.
    sums = gosum.parse(tidy_sum)
    for path, version in MAIN_REQUIRES.items():
        replaced = next((new for old, new in MAIN_REPLACES.items() if old.split()[0] == path), None)
        target = gosum.recorded_version(ModuleVersion(path, version), replaced)
        assert target is not None
        spec = SPECS[(target.path, target.version)]
        assert sums.has(target.path, target.version, hash_zip(spec.zip_bytes()))
        assert sums.has(target.path, target.version + "/go.mod", hash_go_mod(spec.mod_bytes()))
    assert not sums.has("example.com/hello", "v1.0.0")
    assert not sums.has("example.com/cross", "v1.0.0/go.mod")


@pytest.mark.go
def test_reformat_of_go_sum_is_identity(tidy_sum: bytes) -> None:
    lines = tidy_sum.splitlines(keepends=True)
    shuffled = lines * 2 + [b"\n", b"   \n"]
    random.Random(7).shuffle(shuffled)
    assert gosum.parse(b"".join(shuffled)).format() == tidy_sum


@pytest.mark.go
def test_malformed_message_matches_go(go_tmp: Path, proxy: str, tmp_path: Path) -> None:
    main = tmp_path / "m"
    main.mkdir()
    (main / "go.mod").write_text(
        "module example.com/m\n\ngo 1.21\n\nrequire example.com/hello v1.0.0\n"
    )
    (main / "go.sum").write_bytes(HELLO_SUM + b"\nexample.com/x v1.0.0\n")
    out = _go(["list", "-m", "all"], main, go_tmp, proxy, check=False)
    with pytest.raises(GoSumError) as err:
        gosum.parse((main / "go.sum").read_bytes(), str(main / "go.sum"))
    assert out == f"{err.value}\n"


# --- the proxy helper, as Go reads it -------------------------------------------------


@pytest.mark.go
def test_proxy_lists_and_retracts_as_go_reads(tmp_path: Path, go_tmp: Path) -> None:
    pseudo = "v1.1.1-0.20240305060708-0123456789ab"
    url = write_proxy(
        tmp_path / "proxy",
        [
            ModuleSpec("example.com/R", "v1.0.0"),
            ModuleSpec(
                "example.com/R",
                "v1.1.0",
                go_mod="module example.com/R\n\ngo 1.21\n\nretract v1.0.0 // broken\n",
            ),
            ModuleSpec("example.com/R", pseudo),
        ],
    )
    list_file = tmp_path / "proxy" / "example.com" / "!r" / "@v" / "list"
    assert list_file.read_text() == "v1.0.0\nv1.1.0\n"

    def listing(query: str) -> dict[str, object]:
        out = run_go(
            ["list", "-m", "-json", "-retracted", *query.split()], tmp_path, go_tmp, GOPROXY=url
        )
        result: dict[str, object] = json.loads(out.stdout)
        return result

    assert listing("-versions example.com/R")["Versions"] == ["v1.0.0", "v1.1.0"]
    assert listing("example.com/R@v1.0.0")["Retracted"] == ["broken"]
    assert listing(f"example.com/R@{pseudo}")["Time"] == "2024-03-05T06:07:08Z"
