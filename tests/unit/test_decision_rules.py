"""The instant advance-notice decision, the order of the transfer blockers and the official
numbers (issues 2, 4 and 5), without a database."""

from __future__ import annotations

from dataclasses import replace

import pytest

from domain.enums import CertificateKind
from domain.policy import CountyPolicy
from domain.rules.advance_notice import AdvanceNoticeFacts, advance_notice_checks, approved
from domain.rules.numbering import (
    certificate_number,
    certificate_sequence_name,
    contract_number,
    contract_sequence_name,
)
from domain.rules.ownership import TransferFacts, transfer_blocker

CLEAN = AdvanceNoticeFacts(
    contract_filed=True,
    unsigned_applicants=(),
    seizure_in_force=False,
    competing_notice_in_force=False,
    identity_mismatches=(),
)
RULES = [
    "CONTRACT_FILED",
    "SIGNATURES_COMPLETE",
    "NO_SEIZURE",
    "NO_COMPETING_ADVANCE_NOTICE",
    "IDENTITIES_MATCH_SHARED_DATA",
    "INQUIRY_ACCEPTED",
    "DATA_COMPLETE",
]


def test_a_clean_application_passes_every_rule_and_is_approved():
    checks = advance_notice_checks(CLEAN)
    assert [c.rule for c in checks] == RULES
    assert all(c.passed for c in checks) and approved(checks)


@pytest.mark.parametrize(
    ("change", "failed", "in_message"),
    [
        ({"contract_filed": False}, "CONTRACT_FILED", "not filed"),
        ({"unsigned_applicants": ("李四",)}, "SIGNATURES_COMPLETE", "李四"),
        ({"seizure_in_force": True}, "NO_SEIZURE", "查封"),
        ({"competing_notice_in_force": True}, "NO_COMPETING_ADVANCE_NOTICE", "another advance notice"),
        ({"identity_mismatches": ("张三", "王五")}, "IDENTITIES_MATCH_SHARED_DATA", "张三, 王五"),
        ({"inquiry_refusals": ("王五",)}, "INQUIRY_ACCEPTED", "王五"),
        ({"missing_shared_records": ("赵六",), "shared_record_required": True}, "DATA_COMPLETE", "赵六"),
    ],
)
def test_one_broken_rule_fails_that_rule_alone_and_rejects(change, failed, in_message):
    checks = advance_notice_checks(replace(CLEAN, **change))
    assert [c.rule for c in checks] == RULES  # every rule is reported, in order, passed or not
    assert [c.rule for c in checks if not c.passed] == [failed]
    assert in_message in next(c.message for c in checks if not c.passed)
    assert not approved(checks)


def test_every_broken_rule_is_reported_at_once():
    broken = AdvanceNoticeFacts(False, ("李四",), True, True, ("张三",), ("王五",), ("赵六",), True)
    assert [c.rule for c in advance_notice_checks(broken) if not c.passed] == RULES


@pytest.mark.parametrize(
    ("required", "missing", "passed", "in_message"),
    [
        (False, (), True, "where a record exists"),
        (False, ("赵六",), True, "where a record exists"),
        (True, (), True, "every applicant who is a person has a shared population record"),
        (True, ("赵六", "钱七"), False, "no shared population record for: 赵六, 钱七"),
    ],
)
def test_a_missing_shared_record_fails_data_complete_only_where_the_policy_requires_one(
    required, missing, passed, in_message
):
    facts = replace(CLEAN, missing_shared_records=missing, shared_record_required=required)
    [check] = [c for c in advance_notice_checks(facts) if c.rule == "DATA_COMPLETE"]
    assert check.passed is passed and in_message in check.message
    assert approved(advance_notice_checks(facts)) is passed


READY = TransferFacts(
    contract_filed=True, tax_settled=True, seizure_in_force=False, first_registered=True, already_transferred=False
)
# Each row adds one more obstacle: the reason given is the earliest in the rule's order.
OBSTACLES_IN_ORDER = [
    ({"objection_in_force": True}, "an objection (异议登记) is in force"),
    ({"seizure_in_force": True}, "the property is seized"),
    ({"tax_settled": False}, "deed tax is not paid in full"),
    ({"first_registered": False}, "the building's first registration is not done"),
    ({"contract_filed": False}, "no filed contract"),
    ({"already_transferred": True}, "already transferred"),
]


@pytest.mark.parametrize("upto", range(1, len(OBSTACLES_IN_ORDER) + 1))
def test_the_first_obstacle_in_order_is_the_one_named(upto):
    facts, reason = READY, None
    for change, expected in OBSTACLES_IN_ORDER[:upto]:
        facts, reason = replace(facts, **change), expected
    assert transfer_blocker(facts) == reason


def test_official_numbers_carry_the_county_the_year_and_seven_digits():
    policy = CountyPolicy()
    assert contract_number(policy, 2026, 42) == f"{policy.county_code}-2026-0000042"
    assert certificate_number(policy, CertificateKind.REGISTRATION_PROOF, 2026, 1) == (
        f"{policy.province_abbreviation}(2026){policy.county_name}不动产证明第0000001号"
    )
    assert certificate_number(policy, CertificateKind.OWNERSHIP_CERTIFICATE, 2027, 1234567).endswith(
        "不动产权第1234567号"
    )


def test_each_year_and_kind_has_a_counter_of_its_own():
    names = {contract_sequence_name(2026), contract_sequence_name(2027)}
    names |= {certificate_sequence_name(kind, 2026) for kind in CertificateKind}
    assert len(names) == 2 + len(CertificateKind)


def test_the_shared_record_requirement_comes_from_settings(monkeypatch):
    from api.settings import Settings, SettingsError

    monkeypatch.delenv("ONEWINDOW_SHARED_RECORD_REQUIRED", raising=False)
    assert Settings.from_env().policy.shared_record_required is False
    monkeypatch.setenv("ONEWINDOW_SHARED_RECORD_REQUIRED", "true")
    assert Settings.from_env().policy.shared_record_required is True
    monkeypatch.setenv("ONEWINDOW_SHARED_RECORD_REQUIRED", "sometimes")
    with pytest.raises(SettingsError, match="ONEWINDOW_SHARED_RECORD_REQUIRED"):
        Settings.from_env()
