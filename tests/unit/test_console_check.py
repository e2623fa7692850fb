"""The console's GraphQL documents are valid against schema.graphql, and its TypeScript checks (CI)."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.support import ROOT

CONSOLE = ROOT / "console"
pytestmark = pytest.mark.skipif(
    not (CONSOLE / "node_modules" / ".bin" / "vue-tsc").exists() or shutil.which("node") is None,
    reason="the console's dependencies are not installed: `make install` (needs node and npm)",
)


def test_documents_and_types_check():
    done = subprocess.run(["npm", "run", "--silent", "check"], cwd=CONSOLE, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "documents valid against schema.graphql" in done.stdout


def test_a_document_asking_for_a_field_the_schema_lacks_is_refused(tmp_path):
    for document in (CONSOLE / "src" / "documents").glob("*.graphql"):
        shutil.copy(document, tmp_path / document.name)
    metrics = tmp_path / "metrics.graphql"
    metrics.write_text(metrics.read_text().replace("asOf", "asOf visitsSaved"))
    done = subprocess.run(
        ["node", "scripts/check-documents.mjs", str(tmp_path)], cwd=CONSOLE, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 1
    assert 'metrics.graphql: Cannot query field "visitsSaved" on type "Metrics".' in done.stderr
