"""Aligning a host and its plugins on disk: the I/O edge around :mod:`goalign.solver`.

This module reads the artifacts (``--host``/``--plugin`` folders or ``goalign.toml``),
loads the host's build list through the proxy client, answers the solver's
:class:`~goalign.solver.Needs` (version lists with their retractions, go.mod files,
local directories) concurrently until it returns a :class:`~goalign.solver.Solution`,
and turns each changed plan into new go.mod and go.sum bytes. It writes nothing: the
caller decides whether to write :attr:`Alignment.changes` (with
:func:`goalign.files.write_all`).

go.mod files are edited through :mod:`goalign.modfile`, so the output is what
``go get`` writes (requirement blocks kept apart by ``// indirect`` as the go line
asks). go.sum files are rewritten with the lines ``go mod tidy`` keeps (keepSums in
cmd/go/internal/modload/init.go): ``/go.mod`` lines for the new module graph, and zip
lines for the modules that can provide a package the artifact loads, found by reading
the imports of its own sources and of the module zips (:func:`_package_sums`).
"""

from __future__ import annotations

import asyncio
import glob
import io
import os
import re
import time
import tomllib
import zipfile
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from goalign import goimports, gosum, gover, modfile, semver
from goalign.errors import GoalignError, InputError, ResolutionError
from goalign.loading import BuildListLoad, read_go_mod
from goalign.module import ModuleVersion
from goalign.mvs import (
    BuildList,
    BuildListError,
    GoModDirtyError,
    GraphLoader,
    LocalGoMod,
)
from goalign.proxy import NotFound, ProxyClient
from goalign.solver import (
    NONE,
    STRATEGIES,
    Artifact,
    Edit,
    Knowledge,
    Needs,
    Plan,
    Problem,
    ReplaceSpec,
    Requirement,
    Solution,
    Strategy,
    VersionList,
    solve,
)

if TYPE_CHECKING:
    from goalign.buildinfo import BuildInfo

__all__ = [
    "CONFIG_NAME",
    "Alignment",
    "Config",
    "FileChange",
    "Progress",
    "Stats",
    "align",
    "load_config",
]

#: The configuration file read from the working folder when no artifact is named.
CONFIG_NAME = "goalign.toml"

_T = TypeVar("_T")

#: Told what the alignment is doing, in words, whenever that changes (for a progress line).
Progress = Callable[[str], None]


@dataclass(frozen=True)
class Config:
    """What to align: folders are absolute; ``base`` is the folder names are relative to.

    ``host_info`` is set when ``host`` is a built host (a binary or a host manifest)
    rather than a folder: its build info is then the baseline (see goalign.baseline).
    """

    base: Path
    host: Path
    plugins: tuple[Path, ...]
    strategy: Strategy = "safe"
    proxy: str | None = None
    pins: Mapping[str, str] = field(default_factory=dict)
    host_info: BuildInfo | None = None

    def name(self, folder: Path) -> str:
        """Return ``folder`` as the report names it: relative to ``base`` when inside."""
        rel = os.path.relpath(folder, self.base)
        return folder.as_posix() if rel.startswith("..") else Path(rel).as_posix()


def _config_error(path: Path, key: str, message: str) -> InputError:
    return InputError(f"{path}: {key}: {message}")


def load_config(
    base: Path,
    *,
    host: Path | None = None,
    plugins: Sequence[Path] = (),
    strategy: str | None = None,
    proxy: str | None = None,
) -> Config:
    """Return the artifacts and settings to align, from the options or ``goalign.toml``.

    With neither ``host`` nor ``plugins`` the file ``base/goalign.toml`` supplies them:
    ``host`` (a folder), ``plugins`` (folders or glob patterns, relative to ``base``),
    ``strategy``, ``proxy`` (a GOPROXY list; ``./folder`` entries are relative to the
    file) and ``pins`` (a table of module path to version). Options
    given here override the file's values. The host may also be a built host program
    or a host manifest (``goalign manifest``): its build info is then the baseline.

    :raises InputError: a missing or malformed file, a bad key (named with the file),
        or a folder without go.mod.
    """
    base = base.resolve()
    settings: dict[str, object] = {}
    path = base / CONFIG_NAME
    if host is None and not plugins:
        try:
            settings = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as error:
            raise InputError(
                f"{path}: no such file",
                hint="name the artifacts with --host DIR --plugin DIR, or write goalign.toml",
            ) from error
        except (OSError, UnicodeDecodeError) as error:
            raise InputError(f"{path}: {error}") from error
        except tomllib.TOMLDecodeError as error:
            raise InputError(f"{path}: {error}") from error
        unknown = sorted(set(settings) - {"host", "plugins", "strategy", "proxy", "pins"})
        if unknown:
            raise _config_error(path, unknown[0], "unknown key")
        raw_host = settings.get("host")
        if not isinstance(raw_host, str) or not raw_host:
            raise _config_error(path, "host", "must be a folder name (a string)")
        host = base / raw_host
        raw_plugins = settings.get("plugins")
        if not isinstance(raw_plugins, list) or not all(
            isinstance(p, str) and p for p in raw_plugins
        ):
            raise _config_error(path, "plugins", "must be a list of folders or glob patterns")
        found: list[Path] = []
        for pattern in raw_plugins:
            if glob.has_magic(pattern):
                matches = sorted(
                    Path(m).parent
                    for m in glob.glob(str(base / pattern / "go.mod"), recursive=True)
                )
                if not matches:
                    raise _config_error(path, "plugins", f"{pattern!r} matches no go.mod")
                found.extend(matches)
            else:
                found.append(base / pattern)
        plugins = found
    elif host is None:
        raise InputError("--plugin needs --host: the host is the baseline")
    if strategy is None:
        raw = settings.get("strategy", "safe")
        if raw not in STRATEGIES:
            raise _config_error(path, "strategy", f"must be one of {', '.join(STRATEGIES)}")
        strategy = str(raw)
    elif strategy not in STRATEGIES:
        raise InputError(f"--strategy: must be one of {', '.join(STRATEGIES)}, not {strategy!r}")
    if proxy is None and "proxy" in settings:
        raw_proxy = settings["proxy"]
        if not isinstance(raw_proxy, str):
            raise _config_error(path, "proxy", "must be a GOPROXY list (a string)")
        proxy = _relative_proxies(raw_proxy, base)
    raw_pins = settings.get("pins", {})
    if not isinstance(raw_pins, dict):
        raise _config_error(path, "pins", "must be a table of module path = version")
    pins: dict[str, str] = {}
    for module, version in raw_pins.items():
        if not isinstance(version, str) or not semver.is_valid(version):
            raise _config_error(path, f"pins.{module}", "must be a valid version such as v1.2.3")
        pins[module] = version
    folders = [(base / host).resolve(), *((base / p).resolve() for p in plugins)]
    host_info = None
    if folders[0].is_file():
        from goalign.hostfile import read_build_info

        _, host_info = read_build_info(folders[0])
    seen: set[Path] = set()
    for folder in folders:
        if host_info is not None and folder == folders[0]:
            seen.add(folder)
            continue
        if not (folder / "go.mod").is_file():
            raise InputError(f"{folder}: no go.mod in this folder")
        if folder in seen:
            raise InputError(f"{folder}: named twice")
        seen.add(folder)
    if len(folders) < 2:
        raise InputError("no plugins to align", hint="name them with --plugin DIR")
    return Config(
        base=base,
        host=folders[0],
        plugins=tuple(folders[1:]),
        strategy=strategy,  # type: ignore[arg-type]
        proxy=proxy,
        pins=pins,
        host_info=host_info,
    )


def _relative_proxies(goproxy: str, base: Path) -> str:
    """Return a GOPROXY list with folder entries (``./x``, ``../x``) as file:// URLs.

    A goalign.toml may name a GOPROXY folder relative to itself, so a repository can
    carry its own proxy folder; every other entry is kept as written.
    """
    out = []
    for entry in re.split(r"([,|])", goproxy):
        if entry.startswith(("./", "../")) or entry in (".", ".."):
            entry = (base / entry).resolve().as_uri()
        out.append(entry)
    return "".join(out)


@dataclass(frozen=True)
class FileChange:
    """One file the alignment changes: its old bytes (None if new) and new bytes."""

    path: Path
    name: str
    old: bytes | None
    new: bytes


@dataclass(frozen=True)
class Stats:
    """What the alignment cost: modules in the final build lists, proxy requests,
    cache hits and wall-clock seconds."""

    modules: int
    requests: int
    cache_hits: int
    seconds: float


@dataclass(frozen=True)
class Alignment:
    """The solver's answer for the configured artifacts, and the file changes it implies.

    ``names`` maps each artifact name (as in the solution) to its folder; ``changes``
    lists only files whose bytes change, host first, then plugins in order.
    ``before`` maps each artifact name to its build list as its go.mod stands (absent
    when it cannot be computed), ``after`` to its build list once the plan's edits are
    made (the same list for an artifact the plan leaves alone).
    ``notes`` are what the user should know about the baseline (a built host's limits).
    """

    config: Config
    solution: Solution
    names: Mapping[str, Path]
    changes: tuple[FileChange, ...]
    stats: Stats
    before: Mapping[str, BuildList] = field(default_factory=dict)
    after: Mapping[str, BuildList] = field(default_factory=dict)
    notes: tuple[str, ...] = ()


async def _gather(items: Sequence[_T], fetch: Callable[[_T], Awaitable[None]]) -> None:
    await asyncio.gather(*(fetch(item) for item in items))


def _retracted(versions: Sequence[str], latest_mod: bytes | None, name: str) -> frozenset[str]:
    if latest_mod is None:
        return frozenset()
    try:
        f = modfile.parse_lax(latest_mod, name)
    except InputError:
        return frozenset()
    out = set()
    for r in f.retract:
        low, high = r.interval.low, r.interval.high
        for v in versions:
            if semver.compare(low, v) <= 0 <= semver.compare(high, v):
                out.add(v)
    return frozenset(out)


def _latest(versions: Sequence[str]) -> str | None:
    releases = [v for v in versions if semver.is_valid(v) and not semver.prerelease(v)]
    pool = releases or [v for v in versions if semver.is_valid(v)]
    return semver.sort(pool)[-1] if pool else None


class _Facts:
    """Answers the solver's Needs from the proxy and the disk, concurrently.

    A go.mod is a fact whatever asks for it, so the solver may know more go.mod files
    than it asked for without changing its answer; version lists are different (the
    solver measures distances over the ones it knows), so they are added only when
    asked. Each go.mod fetched brings the go.mod files of its requirements with it
    while its graph is unpruned (go 1.16 or older), as a graph load would read them:
    one Needs round then costs one round trip per decision, not one per graph level.
    Such a speculative fetch that fails is dropped; if the solver needs that go.mod, it
    asks, and the failure is raised then.
    """

    def __init__(self, client: ProxyClient) -> None:
        self.client = client
        self.knowledge = Knowledge()
        # module version -> its fetch while one runs (None: known, cached or done)
        self._started: dict[ModuleVersion, asyncio.Task[None] | None] = {}

    async def version_list(self, path: str) -> None:
        try:
            versions = await self.client.versions(path)
        except NotFound:
            versions = []
        latest = _latest(versions)
        latest_mod: bytes | None = None
        if latest is not None:
            try:
                latest_mod = await self.client.mod(path, latest)
            except NotFound:
                latest_mod = None
        retracted = _retracted(versions, latest_mod, f"{path}@{latest}/go.mod")
        self.knowledge.versions[path] = VersionList(tuple(versions), retracted)
        # The search tries these versions next: those the caches hold cost nothing now
        # and spare it a round (an extra go.mod known never changes the answer).
        self._start_cached([ModuleVersion(path, v) for v in versions])

    async def gomod(self, m: ModuleVersion) -> None:
        """Fetch m's go.mod (asked for): a failure other than not found is raised."""
        task = self._start(m)
        if task is not None:
            await asyncio.shield(task)
        if m not in self.knowledge.gomods and m not in self.knowledge.failed:
            # The speculative fetch failed: ask again so the error is raised here.
            self.knowledge.gomods[m] = await self.client.mod(m.path, m.version)

    def _start(self, m: ModuleVersion) -> asyncio.Task[None] | None:
        """Start fetching m's go.mod (and its unpruned graph) unless it is known; a
        go.mod the caches hold is taken at once, without a task. Return the task
        still fetching m, if any."""
        self._start_cached([m], fetch=True)
        return self._started[m]

    def _start_cached(self, modules: list[ModuleVersion], *, fetch: bool = False) -> None:
        """Take the go.mod files of modules (and of their unpruned graphs) that the
        caches hold; with ``fetch``, start fetching the others."""
        work = list(modules)
        while work:
            x = work.pop()
            if x in self._started:
                continue
            if x in self.knowledge.gomods or x in self.knowledge.failed:
                self._started[x] = None
                continue
            try:
                data = self.client.cached_mod(x.path, x.version)
            except GoalignError:
                data = None  # the fetch reports it, if anyone asks
            if data is not None:
                self._started[x] = None
                work += self._took(x, data)
            elif fetch:
                self._started[x] = asyncio.create_task(self._fetch_graph(x))

    def _took(self, m: ModuleVersion, data: bytes) -> list[ModuleVersion]:
        """Keep m's go.mod; return the go.mod files to fetch with it (its requirements,
        when its graph is unpruned)."""
        self.knowledge.gomods[m] = data
        summary = self.knowledge.summary(m, data)
        if isinstance(summary, GoalignError) or summary.pruned:
            return []
        return [r for r in summary.requires if r.version and not gover.is_toolchain(r.path)]

    async def _fetch_graph(self, m: ModuleVersion) -> None:
        try:
            data = await self.client.mod(m.path, m.version)
        except NotFound as error:
            self.knowledge.failed[m] = error.message.removeprefix(f"{m}: ")
            return
        except GoalignError:
            return
        self.prefetch(self._took(m, data))

    def prefetch(self, modules: Iterable[ModuleVersion]) -> None:
        """Start fetching these go.mod files (and their unpruned graphs) in the
        background; failures are dropped."""
        for m in modules:
            if m.version and not gover.is_toolchain(m.path):
                self._start(m)

    async def settle(self) -> None:
        """Wait for every fetch started so far (and those they start)."""
        while pending := [t for t in self._started.values() if t is not None and not t.done()]:
            await asyncio.gather(*pending, return_exceptions=True)

    async def cancel(self) -> None:
        tasks = [t for t in self._started.values() if t is not None and not t.done()]
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)

    async def directory(self, d: str) -> None:
        self.knowledge.dirs[d] = await asyncio.to_thread(read_go_mod, Path(d) / "go.mod")

    async def answer(self, needs: Needs) -> None:
        await asyncio.gather(
            _gather(sorted(needs.versions), self.version_list),
            _gather(sorted(needs.gomods, key=str), self.gomod),
            _gather(sorted(needs.dirs), self.directory),
        )
        # What the answered go.mod files require is likely asked next round.
        await self.settle()


def _roots(art: Artifact) -> list[ModuleVersion]:
    """Return the requirements of an artifact that its replacements leave alone."""
    replaced = {r.old.path for r in art.file.replace}
    return [r.mod for r in art.file.require if r.mod.path not in replaced]


def _read_artifact(folder: Path, name: str) -> tuple[Artifact, bytes, bytes | None]:
    data = read_go_mod(folder / "go.mod")
    f = modfile.parse(data, f"{name}/go.mod")
    sums_path = folder / "go.sum"
    sums = sums_path.read_bytes() if sums_path.is_file() else None
    return Artifact(name, f, folder.as_posix()), data, sums


async def _original_build_list(
    art: Artifact,
    folder: Path,
    knowledge: Knowledge,
    client: ProxyClient,
    seed: GraphLoader | None,
) -> BuildList | None:
    """Return an artifact's build list as its go.mod stands, from the go.mod files the
    solve already fetched (asking the client for any it did not) and what the host's
    load (seed) holds; None when Go could not list it either."""
    try:
        loader = GraphLoader(art.file, knowledge.known, seed=seed)
    except InputError:
        return None

    async def fetch(m: ModuleVersion) -> tuple[ModuleVersion, bytes | str]:
        try:
            return m, await client.mod(m.path, m.version)
        except NotFound as error:
            return m, error.message.removeprefix(f"{m}: ")

    while wanted := loader.wanted():
        missing = []
        for source in wanted:
            if isinstance(source, LocalGoMod):
                path = folder / source.dir / "go.mod"
                try:
                    loader.feed(source, read_go_mod(path), name=str(path))
                except InputError as error:
                    loader.fail(source, str(error))
            elif source in knowledge.failed:  # what knowledge has, the loader took (known)
                loader.fail(source, knowledge.failed[source])
            else:
                missing.append(source)
        for m, got in await asyncio.gather(*(fetch(m) for m in missing)):
            if isinstance(got, bytes):
                loader.feed(m, got)
            else:
                loader.fail(m, got)
    try:
        return loader.build_list()
    except (BuildListError, GoModDirtyError) as error:
        return error.build_list


async def align(
    config: Config,
    client: ProxyClient,
    *,
    allow_host_upgrade: bool = False,
    progress: Progress | None = None,
) -> Alignment:
    """Return the alignment of ``config``'s plugins with its host, and its file changes.

    ``progress``, when given, is told each phase of the work in words as it starts
    (loading the host's build list, each round of the solver's questions, go.sum
    hashes).

    :raises InputError: a missing or malformed go.mod (named ``file:line``).
    :raises ResolutionError: the host's own build list cannot be computed.
    :raises ProxyError: the proxy failed (after the client's retries).
    """
    started = time.monotonic()

    def say(what: str) -> None:
        if progress is not None:
            progress(what)

    folders = [config.host, *config.plugins]
    names = {config.name(folder): folder for folder in folders}
    facts = _Facts(client)
    built = None
    if config.host_info is not None:
        if allow_host_upgrade:
            raise InputError(
                f"{config.name(config.host)}: --allow-host-upgrade needs the host's folder: "
                "a built host cannot be edited"
            )
        from goalign.baseline import from_build_info

        built = from_build_info(config.host_info, config.name(config.host))
        facts.knowledge.dirs.update(built.dirs)
        read: list[tuple[Artifact, bytes, bytes | None]] = [(built.artifact, b"", None)]
        read += [_read_artifact(folder, name) for name, folder in list(names.items())[1:]]
    else:
        read = [_read_artifact(folder, name) for name, folder in names.items()]
    host_art, *plugin_arts = (a for a, _, _ in read)
    if built is not None:
        _check_host_folders(built.artifact, plugin_arts)
    gomods = {a.name: data for a, data, _ in read}
    sums = {a.name: s for a, _, s in read}

    # Every artifact's module graph is fetched while the host's build list loads, so
    # the solver's first rounds find their go.mod files already known.
    for art in (host_art, *plugin_arts):
        facts.prefetch(_roots(art))
    pinned = [ModuleVersion(path, version) for path, version in sorted(config.pins.items())]
    facts.prefetch(pinned)
    try:
        seed = None
        if built is not None:
            host_list = built.build_list
        else:
            say("loading the host's build list")
            host_load = BuildListLoad(config.host, client, facts.knowledge.summary)
            host_list = await host_load.run(
                lambda done, known: say(
                    f"loading the host's build list: {done}/{known} go.mod files"
                )
            )
            seed = host_load.loader
        say("reading the plugins' module graphs")
        await facts.settle()
    except BaseException:
        await facts.cancel()
        raise
    for m in pinned:
        if m in facts.knowledge.failed:
            raise InputError(
                f"{config.base / 'goalign.toml'}: pins.{m.path}: {m.version} cannot be had "
                f"from the proxy: {facts.knowledge.failed[m]}",
                hint=f"pin a version `go list -m -versions {m.path}` lists",
            )
    problem = Problem(
        host=host_art,
        host_build_list=host_list,
        plugins=tuple(plugin_arts),
        strategy=config.strategy,
        allow_host_upgrade=allow_host_upgrade,
        pins=dict(config.pins),
    )
    rounds = tidied = 0
    packages: _PackageMemo = {}  # the tidy step's package loads, reused for go.sum
    while True:
        result = solve(problem, facts.knowledge)
        if isinstance(result, Solution):
            tidy = await _tidy_requirements(problem, result, names, client, packages)
            if tidy is None or tidied == _TIDY_ROUNDS:
                break
            # Solve again with the requirements go mod tidy would leave: a new root can
            # move versions in a pruned graph.
            problem, tidied = tidy, tidied + 1
            continue
        rounds += 1
        asked = len(result.versions) + len(result.gomods) + len(result.dirs)
        say(f"solving: round {rounds}, fetching {asked} facts")
        await facts.answer(result)
    if tidied:
        result = _with_require_edits(result, {a.name: a.file for a, _, _ in read})
    say("computing go.sum lines")

    plans = [p for p in ((result.host,) if result.host else ()) + result.plans if p.edits]
    known_sums = _known_hashes(sums.values())
    if built is not None:
        for key, h1 in built.sums.items():
            known_sums.setdefault(key, h1)
    changes: list[FileChange] = []
    new_lists: list[BuildList] = []
    for plan in plans:
        name = plan.artifact
        folder = names[name]
        art = next(a for a, _, _ in read if a.name == name)
        new_mod = _render_go_mod(gomods[name], f"{name}/go.mod", plan, art.file)
        if new_mod != gomods[name]:
            changes.append(FileChange(folder / "go.mod", f"{name}/go.mod", gomods[name], new_mod))
        if plan.build_list is None:
            continue
        new_lists.append(plan.build_list)
        go = plan.go or (art.file.go.version if art.file.go else "")
        new_sum = await _render_go_sum(
            plan, folder, go, known_sums, facts.knowledge, client, f"{name}/go.sum", packages
        )
        if new_sum != sums[name]:
            changes.append(FileChange(folder / "go.sum", f"{name}/go.sum", sums[name], new_sum))
    say("listing the build lists before the edits")
    before: dict[str, BuildList] = {host_art.name: host_list}
    for art in plugin_arts:
        original = await _original_build_list(art, names[art.name], facts.knowledge, client, seed)
        if original is not None:
            before[art.name] = original
    after = dict(before)
    for plan in ((result.host,) if result.host else ()) + result.plans:
        if plan.edits and plan.build_list is not None:
            after[plan.artifact] = plan.build_list
    modules = {e.path for bl in [host_list, *new_lists] for e in bl.entries[1:]}
    stats = Stats(
        modules=len(modules),
        requests=client.stats.requests,
        cache_hits=client.stats.cache_hits,
        seconds=round(time.monotonic() - started, 3),
    )
    notes = built.notes if built is not None else ()
    return Alignment(config, result, names, tuple(changes), stats, before, after, notes)


def _check_host_folders(host: Artifact, plugins: Sequence[Artifact]) -> None:
    """Refuse a built host's relative folder replacement that a plugin cannot follow.

    The binary records the folder as the host's go.mod wrote it, relative to a source
    tree it does not locate; carried as written, it must name a module folder from
    each plugin that requires the module too.
    """
    for r in host.file.replace:
        if r.new.version or r.new.path.startswith("/"):
            continue
        for art in plugins:
            if not any(q.mod.path == r.old.path for q in art.file.require):
                continue
            if not (Path(art.dir) / r.new.path / "go.mod").is_file():
                raise ResolutionError(
                    f"{host.name} links {r.old.path} from the folder {r.new.path}, relative "
                    f"to the host's source; {art.name} requires {r.old.path} and has no "
                    "module at that place, so it cannot build the same code",
                    hint="solve against the host's module folder (--host DIR), which "
                    "locates the folder",
                )


#: How often the requirements of pruned plugins are tidied and the set solved again.
_TIDY_ROUNDS = 4


async def _tidy_requirements(
    problem: Problem,
    result: Solution,
    names: Mapping[str, Path],
    client: ProxyClient,
    memo: _PackageMemo,
) -> Problem | None:
    """Return problem with the requirements of each go >= 1.17 plugin the plan moves
    as ``go mod tidy`` leaves them (every module providing an imported package
    required, ``// indirect`` lines for no such module dropped), or None when they
    already are.

    The plan keeps a plugin's own lines, but a moved module's new version may import
    other modules; without their lines Go refuses to build with -mod=readonly. A
    plugin the plan leaves alone keeps its go.mod as it is, tidy or not.
    """
    if not result.ok:
        return None
    plugins = list(problem.plugins)
    changed = False
    for k, art in enumerate(plugins):
        plan = next((p for p in result.plans if p.artifact == art.name), None)
        if plan is None or plan.build_list is None:
            continue
        if gover.compare(plan.go or gover.DEFAULT_GO_VERSION, "1.17") < 0:
            continue
        if not any(e.op == "require" for e in plan.edits):
            continue
        _, _, imported = await _package_sums(plan, names[art.name], plan.go, client, memo)
        selected = {e.path: e.version for e in plan.build_list.entries[1:]}
        stated = {r.path for r in plan.requires}
        add = sorted(p for p in imported if p not in stated and p in selected)
        drop = sorted(r.path for r in plan.requires if r.indirect and r.path not in imported)
        if not add and not drop:
            continue
        f = modfile.parse(art.file.format(), f"{art.name}/go.mod")
        for path in drop:
            modfile.drop_require(f, path)
        for path in add:
            modfile.add_new_require(f, path, selected[path], True)
        plugins[k] = Artifact(art.name, f, art.dir)
        changed = True
    return replace(problem, plugins=tuple(plugins)) if changed else None


def _with_require_edits(result: Solution, originals: Mapping[str, modfile.File]) -> Solution:
    """Return result with each plugin's require edits taken against its own go.mod
    (the solve ran on go.mod files with tidied requirements)."""
    plans = []
    for plan in result.plans:
        f = originals[plan.artifact]
        before: dict[str, str] = {}
        for r in f.require:
            prev = before.get(r.mod.path)
            if prev is None or semver.compare(r.mod.version, prev) > 0:
                before[r.mod.path] = r.mod.version
        after = {r.path: r.version for r in plan.requires}
        solved = {e.module: e for e in plan.edits if e.op == "require"}
        edits = [e for e in plan.edits if e.op != "require"]
        for path in sorted(before.keys() | after.keys()):
            old, new = before.get(path, NONE), after.get(path, NONE)
            if old == new:
                continue
            e = solved.get(path)
            if e is not None:
                reason = e.reason
            elif new != NONE:
                reason = "a package it imports comes from it"
            else:
                reason = "no package it imports comes from it"
            risky = e is not None and e.risky
            edits.append(Edit(plan.artifact, "require", path, old, new, risky, reason))
        plans.append(replace(plan, edits=tuple(sorted(edits, key=_edit_order))))
    return replace(result, plans=tuple(plans))


def _edit_order(e: Edit) -> tuple[int, str]:
    # As the solver lists them: requirements by path, then the other operations.
    return (0 if e.op == "require" else 1, e.module if e.op == "require" else "")


def _render_go_mod(data: bytes, name: str, plan: Plan, original: modfile.File) -> bytes:
    """Return the go.mod bytes of ``plan``, edited from ``data`` as the go command would."""
    f = modfile.parse(data, name)
    go = plan.go or (original.go.version if original.go else "")
    if go and (f.go is None or f.go.version != go):
        modfile.add_go_stmt(f, go)
    reqs = [modfile.RequireSpec(r.path, r.version, r.indirect) for r in plan.requires]
    modfile.update_require(f, reqs, go or "1.16")
    wanted = {(r.old_path, r.old_version): r for r in plan.replaces}
    for r in list(f.replace):
        if (r.old.path, r.old.version) not in wanted:
            modfile.drop_replace(f, r.old.path, r.old.version)
    have = {(r.old.path, r.old.version): (r.new.path, r.new.version) for r in f.replace}
    for spec in plan.replaces:
        key = (spec.old_path, spec.old_version)
        if have.get(key) != (spec.new_path, spec.new_version):
            modfile.add_replace(f, *key, spec.new_path, spec.new_version)
    if plan.toolchain:
        if f.toolchain is None or f.toolchain.name != plan.toolchain:
            modfile.add_toolchain_stmt(f, plan.toolchain)
    elif f.toolchain is not None:
        modfile.drop_toolchain_stmt(f)
    return f.format()


def _known_hashes(files: Iterable[bytes | None]) -> dict[tuple[str, str], str]:
    out: dict[tuple[str, str], str] = {}
    for data in files:
        if data is None:
            continue
        for key, h1 in gosum.parse(data, lax=True).first_hashes().items():
            out.setdefault(key, h1)
    return out


def _replacement(replaces: Sequence[ReplaceSpec], m: ModuleVersion) -> ModuleVersion | None:
    for spec in replaces:
        if spec.old_path == m.path and spec.old_version == m.version:
            return ModuleVersion(spec.new_path, spec.new_version)
    for spec in replaces:
        if spec.old_path == m.path and not spec.old_version:
            return ModuleVersion(spec.new_path, spec.new_version)
    return None


_SKIPPED_DIR = re.compile(r"(^|/)(testdata|[_.][^/]*)(/|$)")


def _module_files(root: Path) -> list[tuple[str, bytes]]:
    """Return the ``.go`` files of the module in folder ``root`` (nested modules,
    ``testdata``, ``vendor`` and ``_*``/``.*`` folders left out), named relative to it."""
    out: list[tuple[str, bytes]] = []
    for here, dirs, files in os.walk(root):
        rel = Path(here).relative_to(root).as_posix()
        rel = "" if rel == "." else rel
        keep = []
        for d in sorted(dirs):
            sub = f"{rel}/{d}" if rel else d
            if _SKIPPED_DIR.search(sub) or (not rel and d == "vendor"):
                continue
            if (Path(here) / d / "go.mod").exists():
                continue
            keep.append(d)
        dirs[:] = keep
        for f in sorted(files):
            if f.endswith(".go"):
                out.append((f"{rel}/{f}" if rel else f, (Path(here) / f).read_bytes()))
    return out


def _zip_files(data: bytes, m: ModuleVersion) -> list[tuple[str, bytes]]:
    """Return the ``.go`` files of module zip ``data`` of ``m``, named relative to its root."""
    prefix = f"{m.path}@{m.version}/"
    out: list[tuple[str, bytes]] = []
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in archive.infolist():
                name = info.filename
                if not name.startswith(prefix) or not name.endswith(".go") or info.is_dir():
                    continue
                rel = name[len(prefix) :]
                if _SKIPPED_DIR.search(rel.rpartition("/")[0]):
                    continue
                out.append((rel, archive.read(info)))
    except (zipfile.BadZipFile, OSError) as error:
        raise InputError(f"{m}: module zip: {error}") from error
    return out


def _prefixes(path: str) -> list[str]:
    parts = path.split("/")
    return ["/".join(parts[:n]) for n in range(len(parts), 0, -1)]


_PackageSums = tuple[set[ModuleVersion], set[ModuleVersion], set[str]]
#: _package_sums answers already found, keyed by everything they depend on.
_PackageMemo = dict[
    tuple[str, BuildList, tuple[Requirement, ...], tuple[ReplaceSpec, ...], str], _PackageSums
]


async def _package_sums(
    plan: Plan, folder: Path, go: str, client: ProxyClient, memo: _PackageMemo
) -> _PackageSums:
    """Return the modules whose zip sums, and those whose go.mod sums, ``go mod tidy``
    keeps for the packages of ``plan``'s main module (keepSums in
    cmd/go/internal/modload/init.go), and the paths of the modules that provide a
    package the main module's packages or tests import (directly or not): those a
    go >= 1.17 go.mod must require.

    The packages are those of the main module, everything they and their tests
    import, and everything the tests of those import (tidy loads tests of every
    package in "all"), read with every build tag but ``ignore``. A loaded package
    keeps the zip sums of every module whose path is a prefix of its import path:
    only root modules when the graph is pruned (go >= 1.17) and the package comes
    from a root, every selected module otherwise.
    """
    bl = plan.build_list
    assert bl is not None
    key = (folder.as_posix(), bl, plan.requires, plan.replaces, go)
    found = memo.get(key)
    if found is None:
        found = memo[key] = await _find_package_sums(plan, bl, folder, go, client)
    return found


async def _find_package_sums(
    plan: Plan, bl: BuildList, folder: Path, go: str, client: ProxyClient
) -> _PackageSums:
    main = bl.main.path
    selected = {e.path: e for e in bl.entries[1:]}
    roots = {r.path: r.version for r in plan.requires}
    pruned = gover.compare(go or "1.16", "1.17") >= 0
    pkg_go_mods = gover.compare(go or "1.16", "1.21") >= 0
    tables: dict[str, dict[str, goimports.Package]] = {
        main: goimports.packages(_module_files(folder))
    }

    async def load(path: str) -> None:
        entry = selected[path]
        target = entry.replacement or entry.module
        if entry.replacement is not None and not entry.replacement.version:
            where = Path(entry.replacement.path)
            files = _module_files(where if where.is_absolute() else folder / where)
        else:
            files = _zip_files(await client.zip(target.path, target.version), target)
        tables[path] = goimports.packages(files)

    def candidates(pkg: str) -> list[str]:
        return [p for p in _prefixes(pkg) if p == main or p in selected]

    providers: dict[str, str | None] = {}

    async def resolve(pkgs: Iterable[str]) -> None:
        wanted = {p for pkg in pkgs for p in candidates(pkg) if p not in tables}
        await asyncio.gather(*(load(p) for p in sorted(wanted)))
        for pkg in pkgs:
            found = [p for p in candidates(pkg) if pkg[len(p) :].lstrip("/") in tables[p]]
            providers[pkg] = found[0] if found else None

    def package(pkg: str) -> goimports.Package | None:
        mod = providers.get(pkg)
        if mod is None:
            return None
        return tables[mod].get(pkg[len(mod) :].lstrip("/"))

    def wanted(path: str) -> bool:
        return path != "C" and not goimports.is_standard(path)

    async def close(start: set[str], in_all: bool) -> set[str]:
        done: set[str] = set()
        todo = {p for p in start if wanted(p)}
        while todo:
            await resolve(sorted(todo - providers.keys()))
            done |= todo
            nxt: set[str] = set()
            for pkg in todo:
                found = package(pkg)
                if found is None:
                    continue
                nxt |= found.imports
                if in_all and providers[pkg] == main:
                    nxt |= found.test_imports
            todo = {p for p in nxt if wanted(p)} - done
        return done

    main_pkgs = {f"{main}/{d}" if d else main for d in tables[main]}
    all_pkgs = await close(main_pkgs, True)
    tests = {p for pkg in all_pkgs if (found := package(pkg)) for p in found.test_imports}
    loaded = all_pkgs | await close(tests - all_pkgs, False)

    def recorded(path: str, version: str) -> ModuleVersion | None:
        m = ModuleVersion(path, version)
        return gosum.recorded_version(m, _replacement(plan.replaces, m))

    zips: set[ModuleVersion | None] = set()
    mods: set[ModuleVersion | None] = set()
    for pkg in loaded:
        mod = providers.get(pkg)
        from_root = mod == main or (mod is not None and roots.get(mod) == selected[mod].version)
        if mod is not None and mod != main and pkg_go_mods:
            mods.add(recorded(mod, selected[mod].version))
        for prefix in _prefixes(pkg):
            if pruned and from_root:
                if prefix in roots and prefix != main:
                    zips.add(recorded(prefix, roots[prefix]))
            elif prefix in selected:
                zips.add(recorded(prefix, selected[prefix].version))
    imported = {mod for pkg in all_pkgs if (mod := providers.get(pkg)) not in (None, main)}
    return {m for m in zips if m}, {m for m in mods if m}, {m for m in imported if m}


async def _render_go_sum(
    plan: Plan,
    folder: Path,
    go: str,
    known: dict[tuple[str, str], str],
    knowledge: Knowledge,
    client: ProxyClient,
    name: str,
    memo: _PackageMemo,
) -> bytes:
    """Return the go.sum ``go mod tidy`` would leave for ``plan``'s build list: a
    ``/go.mod`` line for every module whose requirements the module graph loads, and
    the lines :func:`_package_sums` finds for the packages the main module loads."""
    bl = plan.build_list
    assert bl is not None
    graph = bl.graph
    main = graph.main
    mod_lines: set[ModuleVersion] = set()
    for m in graph.read():
        if m == main or m.path in ("go", "toolchain"):
            continue
        recorded = gosum.recorded_version(m, _replacement(plan.replaces, m))
        if recorded is not None:
            mod_lines.add(recorded)
    zip_lines, pkg_mods, _ = await _package_sums(plan, folder, go, client, memo)
    mod_lines |= pkg_mods

    # Most hashes are in some go.sum already; only the others are computed, concurrently.
    entries: list[tuple[str, str, str]] = []
    unknown: dict[str, list[ModuleVersion]] = {"/go.mod": [], "": []}
    for lines, suffix in ((mod_lines, "/go.mod"), (zip_lines, "")):
        for m in lines:
            h1 = known.get((m.path, m.version + suffix))
            if h1 is None:
                unknown[suffix].append(m)
            else:
                entries.append((m.path, m.version + suffix, h1))

    async def mod_hash(m: ModuleVersion) -> tuple[str, str, str]:
        data = knowledge.gomods.get(m)
        if data is None:
            data = await client.mod(m.path, m.version)
        return m.path, m.version + "/go.mod", gosum.hash_go_mod(data)

    async def zip_hash(m: ModuleVersion) -> tuple[str, str, str]:
        zipped = await client.zip(m.path, m.version)
        return m.path, m.version, gosum.hash_zip(zipped, name=f"{m} zip")

    entries += await asyncio.gather(
        *(mod_hash(m) for m in sorted(unknown["/go.mod"], key=str)),
        *(zip_hash(m) for m in sorted(unknown[""], key=str)),
    )
    return gosum.GoSum(entries).format()
