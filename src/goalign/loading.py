"""Loading build lists: the pure graph loader driven by the proxy client, concurrently.

:class:`goalign.mvs.GraphLoader` says which go.mod files it needs; this module fetches
each one as soon as it is known (the client bounds how many are in flight) and feeds it
back the moment it arrives, so a module graph of depth ``d`` costs about ``d`` round
trips whatever its width. This is an I/O edge: it reads the main go.mod and directory
replacements from disk and talks to the proxy.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from goalign import modfile, mvs
from goalign.errors import InputError, ModuleError
from goalign.module import ModuleVersion
from goalign.proxy import NotFound, ProxyClient

__all__ = ["BuildListLoad", "load_build_list", "read_go_mod"]

#: Called after each go.mod arrives with (go.mod files read, go.mod files known so far).
Progress = Callable[[int, int], None]


def read_go_mod(path: Path) -> bytes:
    """Return a go.mod file's bytes; a missing or unreadable file is bad input."""
    try:
        return path.read_bytes()
    except OSError as error:
        raise InputError(f"{path}: {error.strerror or error}") from error


class BuildListLoad:
    """One main module's build list, loaded through a shared :class:`ProxyClient`."""

    def __init__(
        self,
        main_dir: Path,
        client: ProxyClient,
        summary: Callable[[ModuleVersion, bytes], mvs.ModSummary | ModuleError] | None = None,
    ) -> None:
        """``summary``, if given, reads a proxy's go.mod as :func:`mvs.read_summary`
        does (a caller that keeps the files it read, so each is parsed once)."""
        self.main_dir = main_dir
        self.client = client
        self._summary = summary
        gomod = main_dir / "go.mod"
        self.main = modfile.parse(read_go_mod(gomod), str(gomod))
        self.loader = mvs.GraphLoader(self.main)
        self.read = 0
        self.known = 0
        # Module versions whose .mod the proxy served: their .info need not be asked.
        self._served: set[ModuleVersion] = set()

    async def run(self, progress: Progress | None = None) -> mvs.BuildList:
        """Load the module graph and return the build list ``go list -m all`` prints.

        Raises what Go would report (``BuildListError``, ``GoModDirtyError``,
        ``ListingError``) and, for a proxy that fails outright, its ProxyError.
        """
        tasks: dict[asyncio.Task[bytes], mvs.GoModSource] = {}

        def start_wanted() -> None:
            # What the caches hold is fed at once (feeding may want more); the rest
            # is fetched concurrently.
            while wanted := self.loader.wanted():
                for source in wanted:
                    self.known += 1
                    data = None
                    if isinstance(source, ModuleVersion):
                        data = self.client.cached_mod(source.path, source.version)
                    if data is None:
                        tasks[asyncio.create_task(self._fetch(source))] = source
                    else:
                        self._feed(source, data)

        try:
            start_wanted()
            while tasks:
                done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
                for task in done:
                    source = tasks.pop(task)
                    try:
                        data = task.result()
                    except NotFound as missing:
                        # Go lists the module anyway and reports it at the end.
                        self.loader.fail(source, _reason(missing, source))
                        self.read += 1
                    else:
                        self._feed(source, data)
                start_wanted()
                if progress is not None:
                    progress(self.read, self.known)
        finally:
            for task in tasks:
                task.cancel()
            if tasks:
                await asyncio.gather(*tasks, return_exceptions=True)
        try:
            build_list = self.loader.build_list()
        except (mvs.BuildListError, mvs.GoModDirtyError) as error:
            if error.build_list is None:
                raise
            await self._check_listed(error.build_list, error)
            raise
        await self._check_listed(build_list, None)
        return build_list

    def _feed(self, source: mvs.GoModSource, data: bytes) -> None:
        if isinstance(source, ModuleVersion):
            self._served.add(source)
        if isinstance(source, ModuleVersion) and self._summary is not None:
            self.loader.feed_summary(source, self._summary(source, data))
        else:
            self.loader.feed(source, data, name=self._name(source))
        self.read += 1

    async def _fetch(self, source: mvs.GoModSource) -> bytes:
        if isinstance(source, mvs.LocalGoMod):
            return read_go_mod(self._local_dir(source) / "go.mod")
        return await self.client.mod(source.path, source.version)

    def _local_dir(self, source: mvs.LocalGoMod) -> Path:
        return self.main_dir / source.dir

    def _name(self, source: mvs.GoModSource) -> str | None:
        if isinstance(source, mvs.LocalGoMod):
            return str(self._local_dir(source) / "go.mod")
        return None

    async def _check_listed(
        self, build_list: mvs.BuildList, error: mvs.BuildListError | mvs.GoModDirtyError | None
    ) -> None:
        """Look up the listed modules as Go does and raise what it would report.

        Go asks the proxy for the ``.info`` of every listed module that is not replaced;
        one whose ``.mod`` the proxy already served exists, so only the others (modules
        pruned out of the graph) cost a request.
        """
        unknown = [m for m in build_list.info_versions() if m not in self._served]
        answers = await asyncio.gather(
            *(self.client.info(m.path, m.version) for m in unknown), return_exceptions=True
        )
        failures: dict[ModuleVersion, str] = {}
        for m, answer in zip(unknown, answers, strict=True):
            if isinstance(answer, NotFound):
                failures[m] = _reason(answer, m)
            elif isinstance(answer, BaseException):
                raise answer
        mvs.check_listing(build_list, failures, error)


def _reason(error: NotFound, subject: mvs.GoModSource) -> str:
    """Return a not-found error's text without its ``path@version:`` subject, which the
    build list's own report puts back."""
    return error.message.removeprefix(f"{subject}: ")


async def load_build_list(
    main_dir: Path, client: ProxyClient, progress: Progress | None = None
) -> mvs.BuildList:
    """Return the build list of the main module in ``main_dir``, as ``go list -m all``."""
    return await BuildListLoad(main_dir, client).run(progress)
