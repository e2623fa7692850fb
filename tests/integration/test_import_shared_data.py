"""import-shared-data: JSON Lines from the big-data platform, idempotent, bad lines named."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from domain.models import SharedOrganizationRecord, SharedPersonRecord
from domain.services.shared_data import JsonLinesFile, import_shared_data
from tests import ids
from tests.support import ROOT, server_env


def person(id_number, name, status="SINGLE", **extra):
    return json.dumps(
        {"type": "person", "idNumber": id_number, "name": name, "maritalStatus": status, **extra}, ensure_ascii=False
    )


def organization(id_number, name, status="ACTIVE"):
    return json.dumps(
        {"type": "organization", "idNumber": id_number, "name": name, "licenceStatus": status}, ensure_ascii=False
    )


@pytest.fixture
def export(tmp_path):
    def write(*lines: str):
        path = tmp_path / "export.jsonl"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return JsonLinesFile(path)

    return write


async def _state():
    people = (
        await SharedPersonRecord.all()
        .order_by("id_number")
        .values_list(
            "id_number", "name", "marital_status", "spouse_id_number", "children_id_numbers", "household_address"
        )
    )
    orgs = await SharedOrganizationRecord.all().order_by("id_number").values_list("id_number", "name", "licence_status")
    return people, orgs


async def test_good_lines_load_and_each_bad_line_is_reported_by_number(db, export):
    source = export(
        person(
            ids.ZHANG_SAN,
            "张三",
            "MARRIED",
            spouseIdNumber=ids.LI_SI,
            childrenIdNumbers=[ids.MINOR_CHILD],
            householdAddress="息县城关镇",
        ),
        "{not json",
        person(ids.ZHANG_SAN[:-1] + "0", "坏号"),
        person(ids.LI_SI, "李四", "ENGAGED"),
        organization(ids.DEVELOPER, "新园置业"),
        json.dumps({"type": "robot", "idNumber": "1"}),
        person(ids.WANG_WU, "王五", childrenIdNumbers=["123"]),
    )
    report = await import_shared_data(source)
    assert (report.people, report.organizations) == (1, 1)
    assert [line for line, _ in report.rejected] == [2, 3, 4, 6, 7]
    reasons = dict(report.rejected)
    assert reasons[2].startswith("bad JSON")
    assert reasons[3].startswith("invalid ID number in idNumber")
    assert reasons[4] == "unknown marital status 'ENGAGED'"
    assert reasons[7].startswith("invalid ID number in childrenIdNumbers")
    stored = await SharedPersonRecord.get(id_number=ids.ZHANG_SAN)
    assert (stored.spouse_id_number, stored.children_id_numbers, stored.household_address) == (
        ids.LI_SI,
        [ids.MINOR_CHILD],
        "息县城关镇",
    )


async def test_the_same_file_twice_gives_the_same_state(db, export):
    source = export(person(ids.ZHANG_SAN, "张三"), person(ids.LI_SI, "李四"), organization(ids.BANK, "银行"))
    await import_shared_data(source)
    first = await _state()
    await import_shared_data(source)
    assert await _state() == first


async def test_a_newer_record_replaces_the_older(db, export):
    await import_shared_data(export(person(ids.ZHANG_SAN, "张三", "SINGLE"), organization(ids.BANK, "银行", "ACTIVE")))
    await import_shared_data(
        export(
            person(ids.ZHANG_SAN, "张三", "MARRIED", spouseIdNumber=ids.LI_SI),
            organization(ids.BANK, "银行", "REVOKED"),
        )
    )
    people, orgs = await _state()
    assert people == [(ids.ZHANG_SAN, "张三", "MARRIED", ids.LI_SI, [], "")]
    assert orgs == [(ids.BANK, "银行", "REVOKED")]


async def test_within_one_file_the_later_line_wins(db, export):
    await import_shared_data(
        export(person(ids.ZHANG_SAN, "张三", "SINGLE"), person(ids.ZHANG_SAN, "张三", "DIVORCED")), batch_size=1
    )
    assert (await SharedPersonRecord.get(id_number=ids.ZHANG_SAN)).marital_status == "DIVORCED"
    await import_shared_data(export(person(ids.ZHANG_SAN, "张三", "SINGLE"), person(ids.ZHANG_SAN, "张三", "WIDOWED")))
    assert (await SharedPersonRecord.get(id_number=ids.ZHANG_SAN)).marital_status == "WIDOWED"


async def test_loading_in_batches_reports_progress(db, export):
    seen = []
    lines = [
        person(ids.resident_id("411528", f"2001{1 + n // 28:02d}{1 + n % 28:02d}", "100"), f"人{n}") for n in range(50)
    ]
    report = await import_shared_data(export(*lines), progress=seen.append, batch_size=20)
    assert report.people == 50 and seen == [20, 40, 50]


def test_the_command_reports_rejected_lines(settings, tmp_path, db):
    path = tmp_path / "export.jsonl"
    path.write_text(person(ids.ZHANG_SAN, "张三") + "\n" + "oops\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "api.cli", "import-shared-data", str(path)],
        env=server_env(settings),
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1, result.stderr  # a rejected line fails the command (tests/integration/test_cli.py)
    assert "line 2: rejected: bad JSON" in result.stdout
    assert "loaded 1 person and 0 organization records, rejected 1 lines" in result.stdout
