"""The command line's exit codes and errors: what a county's cron job and its operator see."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from domain.models import Registration, SharedPersonRecord
from tests import ids
from tests.story import Life
from tests.support import ROOT, server_env

ONEWINDOW = [sys.executable, "-m", "api.cli"]


def run(settings, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*ONEWINDOW, *args], env=server_env(settings, COLUMNS="200"), cwd=ROOT, capture_output=True, text=True
    )


@pytest.fixture
def export(tmp_path):
    path = tmp_path / "export.jsonl"
    good = json.dumps(
        {"type": "person", "idNumber": ids.ZHANG_SAN, "name": "张三", "maritalStatus": "SINGLE"}, ensure_ascii=False
    )
    path.write_text(good + "\n{not json\n", encoding="utf-8")
    return path


async def test_import_with_a_rejected_line_exits_1_and_still_loads_the_good_ones(settings, db, export):
    result = run(settings, "import-shared-data", str(export))
    assert result.returncode == 1, result.stderr
    assert "line 2: rejected: bad JSON" in result.stdout
    assert await SharedPersonRecord.filter(id_number=ids.ZHANG_SAN).exists()


async def test_import_with_allow_rejects_exits_0(settings, db, export):
    result = run(settings, "import-shared-data", "--allow-rejects", str(export))
    assert result.returncode == 0, result.stderr
    assert "rejected 1 lines" in result.stdout


async def test_import_of_a_clean_file_exits_0(settings, db, tmp_path):
    path = tmp_path / "clean.jsonl"
    path.write_text(
        json.dumps(
            {"type": "organization", "idNumber": ids.DEVELOPER, "name": "新园置业", "licenceStatus": "ACTIVE"},
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    result = run(settings, "import-shared-data", str(path))
    assert result.returncode == 0, result.stderr
    assert "rejected 0 lines" in result.stdout


async def test_sweep_now_without_an_offset_is_the_county_time(settings, gql):
    life = await Life(gql).setup()
    permit, units = await life.permit_with_units(units=1)
    await life.pre_registered(units[0]["id"])
    await life.accept_completion(permit["id"])
    await life.first_registration(permit["id"])
    assert (await life.seize(units[0]["id"], until="2099-01-31"))["userErrors"] == []
    # 20:00 on the last day in Shanghai is still the seizure's last day (read as UTC it would be
    # 04:00 the next day there, and the seizure would lapse).
    evening = run(settings, "sweep", "--now", "2099-01-31T20:00")
    assert evening.returncode == 0, evening.stderr
    assert evening.stdout.startswith("seizures lapsed: 0,") and evening.stderr == ""
    next_morning = run(settings, "sweep", "--now", "2099-02-01T00:30")
    assert next_morning.returncode == 0 and next_morning.stderr == "", next_morning.stderr
    assert next_morning.stdout.startswith("seizures lapsed: 1,")
    assert (await Registration.get(kind="SEIZURE")).right_status == "LAPSED"


@pytest.mark.parametrize(
    "args, named",
    [
        (["sweep", "--now", "tomorrow"], "'--now'"),
        (["token", "--role", "JANITOR"], "'--role'"),
        (["token", "--role", "TAX", "--ttl", "0"], "'--ttl'"),
        (["import-shared-data", "/nonexistent/export.jsonl"], "'file'"),
        (["serve", "--workers", "0"], "'--workers'"),
    ],
)
def test_a_bad_argument_is_a_usage_error_naming_it(settings, args, named):
    result = run(settings, *args)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert named in result.stderr and "Invalid value" in result.stderr, result.stderr
