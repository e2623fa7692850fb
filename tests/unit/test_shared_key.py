"""Which live subscriptions may share one execution per event."""

import pytest

from domain.enums import Role
from domain.viewer import Viewer
from resolvers.shared_streams import shared_key

TAX = Viewer("tax", Role.TAX)
OTHER_DEPARTMENT = Viewer("registrar", Role.REGISTRAR)
BANK = Viewer("bank", Role.BANK, party_id_number="91411500MA00000035", party_id=3)
OTHER_BANK = Viewer("bank2", Role.BANK, party_id_number="91411500MA00000048", party_id=4)
QUERY = "subscription { contractFiled { cursor } }"


def test_departments_asking_the_same_share():
    assert shared_key(QUERY, None, None, TAX) == shared_key(QUERY, {}, None, OTHER_DEPARTMENT)


def test_banks_share_only_with_themselves():
    assert shared_key(QUERY, None, None, BANK) != shared_key(QUERY, None, None, OTHER_BANK)
    assert shared_key(QUERY, None, None, BANK) == shared_key(
        QUERY, None, None, Viewer("bank-b", Role.BANK, party_id_number=BANK.party_id_number)
    )


def test_different_variables_do_not_share():
    query = "subscription($t: [EventType!]) { events(types: $t) { cursor } }"
    assert shared_key(query, {"t": ["TAX_PAID"]}, None, TAX) != shared_key(query, {"t": ["CONTRACT_FILED"]}, None, TAX)


@pytest.mark.parametrize(
    "query, viewer",
    [
        ('subscription { events(after: "0000000000000001") { cursor } }', TAX),  # a replay is its own
        ("subscription($a: String) { events(after: $a) { cursor } }", TAX),
        ("{ viewer { role } }", TAX),  # not a subscription
        ("subscription {", TAX),  # not even GraphQL
        (QUERY, None),  # not signed in
    ],
)
def test_replays_queries_and_anonymous_requests_run_alone(query, viewer):
    assert shared_key(query, None, None, viewer) is None
