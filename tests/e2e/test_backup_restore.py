"""The restore drill of docs/operations.md: pg_dump a database with a sale in it, restore it
into a new database, and check it with `onewindow verify-log` and a certificate signed before
the backup (which needs the signing key that was backed up beside the dump)."""

from __future__ import annotations

import subprocess
import sys
import uuid

import asyncpg
import httpx
import pytest

from tests.story import Sale
from tests.support import POSTGRES_URL, ROOT, GraphQLClient, ServerProcess, server_env

pytestmark = pytest.mark.postgres

ONEWINDOW = [sys.executable, "-m", "api.cli"]
VERIFY = "query($n: String!, $h: String!) { verifyCertificate(number: $n, contentHash: $h) { valid reason } }"


def libpq(url: str) -> str:
    return url.split("?", 1)[0]


@pytest.fixture
async def restored_database():
    name = f"onewindow_restore_{uuid.uuid4().hex[:8]}"
    url = POSTGRES_URL.rpartition("/")[0] + "/" + name
    admin = await asyncpg.connect(libpq(POSTGRES_URL).replace("postgres://", "postgresql://", 1))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        yield url
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


def verify_log(settings, database_url: str) -> subprocess.CompletedProcess:
    env = server_env(settings, ONEWINDOW_DATABASE_URL=database_url)
    return subprocess.run([*ONEWINDOW, "verify-log"], env=env, cwd=ROOT, capture_output=True, text=True)


async def test_dump_restore_and_verify_the_log(server, settings, restored_database, tmp_path):
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
        sale = await Sale(GraphQLClient(http)).setup()
        _, units = await sale.permit_with_units(units=1)
        _, registration = await sale.filed_contract(units[0]["id"])
        approved = (await sale.submit(registration["id"], sale.actors.zhang))["registration"]
    certificate = approved["certificate"]
    original = verify_log(settings, settings.database_url)
    assert original.returncode == 0 and original.stdout.startswith("OK "), original.stdout

    dump = tmp_path / "onewindow.dump"
    subprocess.run(["pg_dump", "--format=custom", f"--file={dump}", libpq(settings.database_url)], check=True)
    subprocess.run(["pg_restore", "--no-owner", f"--dbname={restored_database}", str(dump)], check=True)

    restored = verify_log(settings, restored_database)
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert restored.stdout == original.stdout  # "OK n events": the same chain, every event

    # The backed-up signing key verifies what was signed before the backup, on the restored copy.
    copy = ServerProcess(
        server_env(
            settings, ONEWINDOW_DATABASE_URL=restored_database, ONEWINDOW_TEST_LOG=str(tmp_path / "restored.log")
        )
    ).start()
    try:
        async with httpx.AsyncClient(base_url=copy.url) as http:
            checked = await GraphQLClient(http).data(
                VERIFY, {"n": certificate["number"], "h": certificate["contentHash"]}
            )
        assert checked["verifyCertificate"] == {"valid": True, "reason": None}
        # And a new sale continues the restored chain.
        async with httpx.AsyncClient(base_url=copy.url, timeout=30) as http:
            sale = Sale(GraphQLClient(http))
            _, units = await sale.permit_with_units(units=1)
    finally:
        copy.stop()
    assert verify_log(settings, restored_database).returncode == 0

    # The drill would notice a damaged copy: one altered event breaks the chain there.
    conn = await asyncpg.connect(restored_database.replace("postgres://", "postgresql://", 1))
    try:
        await conn.execute("""UPDATE event SET payload = payload || '{"tampered": true}' WHERE seq = 3""")
    finally:
        await conn.close()
    damaged = verify_log(settings, restored_database)
    assert damaged.returncode == 1 and damaged.stdout.startswith("BROKEN at event 3"), damaged.stdout
