"""Time rules with an injected clock: nobody waits 90 days."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from api.keys import load_keyring
from domain.clock import FixedClock
from domain.models import Event, Registration
from domain.services.context import system_use_case
from domain.services.time_rules import sweep
from tests.story import Life
from tests.support import ROOT, server_env


@pytest.fixture
async def life(gql):
    return await Life(gql).setup()


def _use_case(settings, moment):
    return system_use_case(FixedClock(moment), settings.policy, load_keyring(settings))


async def test_an_advance_notice_lapses_90_days_after_first_registration_without_transfer(life, settings):
    permit, units = await life.permit_with_units(units=1)
    await life.pre_registered(units[0]["id"])
    await life.accept_completion(permit["id"])
    await life.first_registration(permit["id"])
    registered_at = (await Registration.get(kind="FIRST_OWNERSHIP")).completed_at
    day_89 = await sweep(_use_case(settings, registered_at + timedelta(days=89)))
    assert day_89.advance_notices_lapsed == 0
    day_90 = await sweep(_use_case(settings, registered_at + timedelta(days=90)))
    assert day_90.advance_notices_lapsed == 1
    assert (await Registration.get(kind="ADVANCE_NOTICE")).right_status == "LAPSED"
    assert await Event.filter(type="RIGHT_LAPSED").count() == 1
    again = await sweep(_use_case(settings, registered_at + timedelta(days=91)))
    assert again.advance_notices_lapsed == 0


async def test_a_transferred_home_keeps_its_historic_notice(life, settings):
    permit, units = await life.permit_with_units(units=1)
    contract, _ = await life.pre_registered(units[0]["id"])
    await life.pay_all(contract["id"])
    await life.accept_completion(permit["id"])
    await life.first_registration(permit["id"])
    report = await sweep(_use_case(settings, datetime.now(UTC) + timedelta(days=400)))
    assert report.advance_notices_lapsed == 0
    assert (await Registration.get(kind="ADVANCE_NOTICE")).right_status == "HISTORIC"


async def test_a_seizure_lapses_after_its_date_and_the_waiting_transfer_completes(life, settings):
    permit, units = await life.permit_with_units(units=1)
    contract, _ = await life.pre_registered(units[0]["id"])
    await life.accept_completion(permit["id"])
    await life.first_registration(permit["id"])
    await life.seize(units[0]["id"], until="2099-01-31")
    await life.pay_all(contract["id"])
    assert await Registration.filter(kind="TRANSFER").count() == 0
    report = await sweep(_use_case(settings, datetime(2099, 2, 1, 12, tzinfo=UTC)))
    # The lapse applies for the transfer, which completes once its fee (登记费) is paid.
    assert (report.seizures_lapsed, report.transfers) == (1, 0)
    assert (await Registration.get(kind="SEIZURE")).right_status == "LAPSED"
    assert (await Registration.get(kind="TRANSFER")).status == "SUBMITTED"
    await life.pay_fees()
    assert (await Registration.get(kind="TRANSFER")).right_status == "IN_FORCE"


def test_the_sweep_command_takes_the_moment_to_apply(settings, db):
    result = subprocess.run(
        [sys.executable, "-m", "api.cli", "sweep", "--now", "2099-02-01T12:00:00+08:00"],
        env=server_env(settings),
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert (
        result.stdout.strip()
        == "seizures lapsed: 0, advance notices lapsed: 0, objections lapsed: 0, transfers completed: 0"
    )
