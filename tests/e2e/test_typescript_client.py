"""clients/ts: the bank's TypeScript integration type-checks against schema.graphql (codegen + tsc),
a schema change that breaks it fails, and its documents are what `onewindow persist` registers."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from tests.support import ROOT, server_env

CLIENT = ROOT / "clients" / "ts"
INSTALLED = shutil.which("npm") is not None and (CLIENT / "node_modules" / ".bin" / "tsc").exists()

# In CI the check must run: a missing install is a failure there, never a skip.
pytestmark = pytest.mark.skipif(
    not INSTALLED and not os.environ.get("CI"), reason="needs node and `npm ci` in clients/ts (make install does it)"
)


def _check(**env) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["npm", "run", "--silent", "check"],
        cwd=CLIENT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **env},
    )


def test_the_bank_client_type_checks_and_its_documents_register_with_onewindow_persist(settings, tmp_path):
    assert INSTALLED, "clients/ts is not installed: run `make install`"
    done = _check()
    assert done.returncode == 0, done.stdout + done.stderr
    documents = CLIENT / "src" / "gql" / "persisted-documents.json"
    expected = json.loads(documents.read_text())
    assert len(expected) == 3
    done = subprocess.run(
        [sys.executable, "-m", "api.cli", "persist", str(documents)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env=server_env(settings, ONEWINDOW_PERSISTED_DOCUMENTS=str(tmp_path / "p.json")),
    )
    assert done.returncode == 0, done.stderr
    assert sorted(done.stdout.split()) == sorted(expected)  # sha256 of each text, as the server computes it


def test_a_schema_change_that_breaks_the_client_fails_the_check(tmp_path):
    assert INSTALLED, "clients/ts is not installed: run `make install`"
    schema = (ROOT / "schema.graphql").read_text()
    assert "  principal: Decimal!\n" in schema
    changed = tmp_path / "schema.graphql"
    changed.write_text(schema.replace("  principal: Decimal!\n", "  principalAmount: Decimal!\n"))
    done = _check(ONEWINDOW_SCHEMA=str(changed))
    assert done.returncode != 0
    assert "principal" in done.stdout + done.stderr
