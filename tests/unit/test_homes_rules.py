from datetime import UTC, date, datetime

from domain.enums import HomeBasis, HomesScope, MaritalStatus
from domain.rules.homes import FamilyFacts, HomeClaim, counted_members, distinct_homes
from tests import ids

PERSON = ids.WANG_WU
SPOUSE = ids.ZHAO_LIU
MINOR = ids.MINOR_CHILD
ADULT = ids.ADULT_CHILD
TODAY = date(2026, 11, 27)


def facts(status=MaritalStatus.MARRIED, spouse=SPOUSE, children=(MINOR, ADULT)):
    return FamilyFacts(PERSON, status, spouse, tuple(children))


def test_individual_scope_counts_only_the_person():
    assert counted_members(PERSON, facts(), HomesScope.INDIVIDUAL, TODAY) == [PERSON]


def test_family_counts_spouse_and_minor_children_not_adult_children():
    assert counted_members(PERSON, facts(), HomesScope.FAMILY, TODAY) == [PERSON, SPOUSE, MINOR]


def test_a_divorced_person_counts_no_former_spouse():
    assert counted_members(PERSON, facts(status=MaritalStatus.DIVORCED), HomesScope.FAMILY, TODAY) == [PERSON, MINOR]


def test_without_a_shared_record_only_the_person_counts():
    assert counted_members(PERSON, None, HomesScope.FAMILY, TODAY) == [PERSON]


def test_ownership_wins_over_a_filed_contract_for_the_same_home():
    t1 = datetime(2025, 1, 1, tzinfo=UTC)
    t2 = datetime(2026, 1, 1, tzinfo=UTC)
    homes = distinct_homes(
        [
            HomeClaim(7, PERSON, HomeBasis.FILED_CONTRACT, t1),
            HomeClaim(7, SPOUSE, HomeBasis.REGISTERED_OWNERSHIP, t2),
            HomeClaim(8, PERSON, HomeBasis.FILED_CONTRACT, t2),
        ]
    )
    assert [(h.property_id, h.basis) for h in homes] == [
        (7, HomeBasis.REGISTERED_OWNERSHIP),
        (8, HomeBasis.FILED_CONTRACT),
    ]
