"""schema.graphql is the served schema, and it honours the public contract."""

from __future__ import annotations

import subprocess
import sys

from resolvers.schema import export_sdl
from tests.support import ROOT

CONTRACT_CHECK = ROOT.parent / "shared" / "tools" / "contract-check"


def test_committed_schema_matches_the_code():
    committed = (ROOT / "schema.graphql").read_text(encoding="utf-8")
    assert committed == export_sdl(), "schema.graphql is stale: run `make schema` and commit it"


def test_schema_honours_the_contract_except_pending_members():
    result = subprocess.run(
        [
            sys.executable,
            str(CONTRACT_CHECK),
            "--sdl",
            str(ROOT / "schema.graphql"),
            "--pending",
            str(ROOT / "contract-pending.txt"),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_pending_line_names_its_issue():
    for line in (ROOT / "contract-pending.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            assert "# issue " in line, line
