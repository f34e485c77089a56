"""Against the live Go module proxy (skipped unless GOALIGN_LIVE=1)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import make_client, run

from goalign.proxy import ModuleCache, NotFound, ProxyClient, VersionInfo


@pytest.mark.live
def test_proxy_golang_org(tmp_path: Path) -> None:
    client = make_client("https://proxy.golang.org", cache=ModuleCache(tmp_path))

    async def ask(c: ProxyClient) -> tuple[list[str], bytes, VersionInfo]:
        with pytest.raises(NotFound):
            await c.versions("example.com/goalign-does-not-exist")
        return (
            await c.versions("rsc.io/quote"),
            await c.mod("github.com/BurntSushi/toml", "v1.3.2"),
            await c.info("rsc.io/quote", "v1.5.2"),
        )

    versions, mod, info = run(client, ask)
    assert "v1.5.2" in versions
    assert mod.startswith(b"module github.com/BurntSushi/toml")
    assert info.version == "v1.5.2"
