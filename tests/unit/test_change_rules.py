"""The pure rules of issue 13: instant or by a person, certificate status, objection lapse, refunds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from domain.enums import CertificateStatus, ContractStatus, RightStatus
from domain.rules.advance_notice import AdvanceNoticeFacts, Check, advance_notice_checks
from domain.rules.certificate_status import certificate_status
from domain.rules.objection import objection_lapsed
from domain.rules.refunds import refund_due
from domain.rules.review import Outcome, outcome


def _facts(**changes) -> AdvanceNoticeFacts:
    base = dict(
        contract_filed=True,
        unsigned_applicants=(),
        seizure_in_force=False,
        competing_notice_in_force=False,
        identity_mismatches=(),
        inquiry_refusals=(),
    )
    return AdvanceNoticeFacts(**{**base, **changes})


@pytest.mark.parametrize(
    "changes, expected",
    [
        ({}, Outcome.APPROVE),
        ({"identity_mismatches": ("李四",)}, Outcome.REVIEW),
        ({"inquiry_refusals": ("张三",)}, Outcome.REVIEW),
        ({"identity_mismatches": ("李四",), "inquiry_refusals": ("张三",)}, Outcome.REVIEW),
        ({"contract_filed": False}, Outcome.REJECT),
        ({"seizure_in_force": True, "inquiry_refusals": ("张三",)}, Outcome.REJECT),
        ({"competing_notice_in_force": True}, Outcome.REJECT),
        ({"unsigned_applicants": ("李四",), "identity_mismatches": ("李四",)}, Outcome.REJECT),
        ({"missing_shared_records": ("李四",)}, Outcome.APPROVE),  # the policy does not require a record
        ({"missing_shared_records": ("李四",), "shared_record_required": True}, Outcome.REVIEW),
        (
            {"missing_shared_records": ("李四",), "shared_record_required": True, "seizure_in_force": True},
            Outcome.REJECT,
        ),
    ],
)
def test_hard_rules_reject_and_rules_a_person_can_judge_go_to_review(changes, expected):
    assert outcome(advance_notice_checks(_facts(**changes))) == expected


def test_missing_data_is_a_rule_a_person_judges():
    assert outcome([Check("CONTRACT_FILED", True, ""), Check("DATA_COMPLETE", False, "no record")]) == Outcome.REVIEW


@pytest.mark.parametrize(
    "right, replaced, expected",
    [
        (RightStatus.IN_FORCE, False, CertificateStatus.CURRENT),
        (RightStatus.HISTORIC, True, CertificateStatus.SUPERSEDED),
        (RightStatus.HISTORIC, False, CertificateStatus.CANCELLED),
        (RightStatus.LAPSED, False, CertificateStatus.CANCELLED),
    ],
)
def test_certificate_status(right, replaced, expected):
    assert certificate_status(right, replaced) == expected


def test_an_objection_lapses_on_day_15_unless_suit_is_filed():
    at = datetime(2026, 12, 1, 2, tzinfo=UTC)
    assert not objection_lapsed(at, at + timedelta(days=15) - timedelta(seconds=1), lawsuit_recorded=False)
    assert objection_lapsed(at, at + timedelta(days=15), lawsuit_recorded=False)
    assert not objection_lapsed(at, at + timedelta(days=400), lawsuit_recorded=True)


def test_refund_due_only_after_cancellation_and_never_negative():
    deposits = [Decimal("200000.00"), Decimal("100000.00")]
    assert refund_due(ContractStatus.FILED, deposits, []) == Decimal("0.00")
    assert refund_due(ContractStatus.CANCELLED, deposits, [Decimal("50000.00")]) == Decimal("250000.00")
    assert refund_due(ContractStatus.CANCELLED, deposits, [Decimal("300000.00")]) == Decimal("0.00")


from domain.errors import DomainError  # noqa: E402
from domain.rules.correction import Recorded, checked_corrections, correction_checks  # noqa: E402

RECORDED = Recorded(Decimal("89.50"), "息县新园路1号", {7: ("张三", "张叁"), 8: ("李四", None)})


def test_corrections_are_checked_against_the_register_and_shared_data():
    assert checked_corrections([("buildingArea", "90.1"), ("holderName", "张叁")], RECORDED) == {
        "buildingArea": Decimal("90.10"),
        "holderName": {7: "张叁"},
    }


@pytest.mark.parametrize(
    "corrections, field",
    [
        ([("buildingArea", "89.50")], ["input", "corrections", "0", "value"]),
        ([("address", "息县新园路1号")], ["input", "corrections", "0", "value"]),
        ([("holderName", "李四")], ["input", "corrections", "0", "value"]),
        ([("address", "a"), ("address", "b")], ["input", "corrections", "1", "field"]),
        ([("usage", "OFFICE")], ["input", "corrections", "0", "field"]),
        ([], ["input", "corrections"]),
    ],
)
def test_bad_corrections_name_their_field(corrections, field):
    with pytest.raises(DomainError) as refused:
        checked_corrections(corrections, RECORDED)
    assert (refused.value.code, refused.value.field) == ("INVALID_INPUT", field)


def test_a_holders_name_without_a_shared_record_goes_to_the_registrar_with_data_complete_failed():
    checked = checked_corrections([("holderName", "李斯")], RECORDED)
    assert checked == {"holderName": {8: "李斯"}}
    [check] = correction_checks(checked, RECORDED)
    assert (check.rule, check.passed) == ("DATA_COMPLETE", False)
    assert "no shared population record for: 李四" in check.message and "documents" in check.message
    assert outcome([check]) == Outcome.REVIEW


@pytest.mark.parametrize(
    "corrections, message",
    [
        ([("holderName", "张叁")], "each corrected name is the one in the shared population data"),
        ([("buildingArea", "90.1")], "no correction depends on shared population data"),
    ],
)
def test_data_complete_passes_when_nothing_is_missing(corrections, message):
    assert correction_checks(checked_corrections(corrections, RECORDED), RECORDED) == [
        Check("DATA_COMPLETE", True, message)
    ]


def test_a_name_is_not_given_to_one_of_several_holders_without_records():
    both = Recorded(Decimal("89.50"), "息县新园路1号", {7: ("张三", None), 8: ("李四", None)})
    with pytest.raises(DomainError) as refused:
        checked_corrections([("holderName", "李斯")], both)
    assert refused.value.code == "INVALID_INPUT" and "several holders" in refused.value.message


def test_a_name_that_no_record_has_is_refused_when_every_holder_has_a_record():
    recorded = Recorded(Decimal("89.50"), "息县新园路1号", {7: ("张三", "张叁")})
    with pytest.raises(DomainError) as refused:
        checked_corrections([("holderName", "李斯")], recorded)
    assert refused.value.field == ["input", "corrections", "0", "value"]
