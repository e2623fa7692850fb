from datetime import UTC, date, datetime, timedelta

import pytest

from domain.enums import TaxStatus
from domain.rules.ownership import (
    TransferFacts,
    advance_notice_lapsed,
    deed_tax_settled,
    seizure_expired,
    transfer_blocker,
)

T0 = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    "records, settled",
    [
        ([(1, TaxStatus.PAID), (2, TaxStatus.PAID)], True),
        ([(1, TaxStatus.PAID)], False),
        ([(1, TaxStatus.PAID), (2, TaxStatus.ASSESSED)], False),
        ([(1, TaxStatus.CANCELLED), (1, TaxStatus.PAID), (2, TaxStatus.PAID)], True),
        ([], False),
    ],
)
def test_deed_tax_is_settled_when_every_buyer_paid(records, settled):
    assert deed_tax_settled([1, 2], records) is settled


def _facts(**overrides):
    facts = dict(
        contract_filed=True, tax_settled=True, seizure_in_force=False, first_registered=True, already_transferred=False
    )
    facts.update(overrides)
    return TransferFacts(**facts)


def test_a_ready_transfer_has_no_blocker():
    assert transfer_blocker(_facts()) is None


@pytest.mark.parametrize(
    "override, reason",
    [
        ({"tax_settled": False}, "deed tax is not paid in full"),
        ({"seizure_in_force": True}, "the property is seized"),
        ({"first_registered": False}, "the building's first registration is not done"),
        ({"contract_filed": False}, "no filed contract"),
        ({"already_transferred": True}, "already transferred"),
    ],
)
def test_each_blocker_is_named(override, reason):
    assert transfer_blocker(_facts(**override)) == reason


def test_an_advance_notice_lapses_on_the_90th_day_after_first_registration():
    assert not advance_notice_lapsed(T0, T0 + timedelta(days=89, hours=23), 90)
    assert advance_notice_lapsed(T0, T0 + timedelta(days=90), 90)
    assert not advance_notice_lapsed(None, T0 + timedelta(days=900), 90)


def test_a_seizure_expires_the_day_after_its_until_date():
    assert not seizure_expired(date(2026, 6, 30), date(2026, 6, 30))
    assert seizure_expired(date(2026, 6, 30), date(2026, 7, 1))
