"""The oracle itself answers as Go does, so the differential tests can trust it."""

from __future__ import annotations

import pytest

from oracle import Oracle

pytestmark = pytest.mark.go


def test_semver_answers(xmod: Oracle) -> None:
    assert xmod.call("semver.compare", a="v1.2.0", b="v1.10.0") == {"result": -1}
    assert xmod.call("semver.canonical", v="v1.2.3+meta")["result"] == "v1.2.3"
    # Shorthand versions cannot carry build metadata.
    assert xmod.call("semver.canonical", v="v1.2+meta")["result"] == ""


def test_modfile_fmt_and_errors(xmod: Oracle) -> None:
    got = xmod.call("modfile.fmt", data='module "x.com/m"\nrequire (\n\ty.com/a v1.2\n)\n')
    assert got["error"] == ""
    assert got["result"] == "module x.com/m\n\nrequire y.com/a v1.2.0\n"
    bad = xmod.call("modfile.fmt", name="bad.mod", data="module x.com/m\nfoo bar\n")
    assert bad["error"] == "bad.mod:2: unknown directive: foo"


def test_batch_keeps_order_over_many_requests(xmod: Oracle) -> None:
    requests = [("semver.compare", {"a": f"v1.{i}.0", "b": "v1.500.0"}) for i in range(2000)]
    answers = xmod.batch(requests)
    assert [a["result"] for a in answers] == [(i > 500) - (i < 500) for i in range(2000)]


def test_edit_ops(xmod: Oracle) -> None:
    got = xmod.call(
        "modfile.edit",
        data="module x.com/m\n\ngo 1.21\n",
        ops=[
            ["AddRequire", "y.com/a", "v1.0.0"],
            ["SetRequireSeparateIndirect", [["z.com/b", "v1.1.0", True]]],
        ],
        sort=True,
    )
    assert got["error"] == ""
    assert "z.com/b v1.1.0 // indirect" in got["result"]
