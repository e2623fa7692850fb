"""房屋套数 as DESIGN §3 defines it: who counts, which homes, on what basis."""

from __future__ import annotations

import pytest

from domain.enums import MaritalStatus
from tests.families import ADULT, EX_WIFE, HUSBAND, MINOR, NAMES, WIFE, family, owned_home
from tests.story import Sale
from tests.support import token

QUERY = """query($n: String!, $s: HomesScope) { homesOwned(idNumber: $n, scope: $s) {
  idNumber scope count members { name } homes { basis since holder { name } property { unitCode } } } }"""


@pytest.fixture
async def sale(gql):
    return await Sale(gql).setup()


async def _homes(gql, number, scope="FAMILY"):
    return (await gql.data(QUERY, {"n": number, "s": scope}, bearer=token("TAX")))["homesOwned"]


async def _buy(sale, buyer_number, area="89.50", usage="RESIDENTIAL"):
    from tests.story import property_input

    payload = await sale.issue_permit(
        number=f"P-{buyer_number}-{area}-{usage}", properties=[property_input(area=area, usage=usage)]
    )
    unit = payload["permit"]["properties"]["edges"][0]["node"]
    bearer = token("BUYER", buyer_number, ["face"])
    return await sale.filed_contract(
        unit["id"],
        buyer_tokens={buyer_number: bearer},
        buyers=[{"idNumber": buyer_number, "name": NAMES[buyer_number]}],
    )


async def test_family_counts_spouse_and_minor_child_not_adult_child(sale, gql):
    await family()
    await owned_home(WIFE)
    await owned_home(MINOR)
    await owned_home(ADULT)
    result = await _homes(gql, HUSBAND)
    assert result["count"] == 2
    assert [m["name"] for m in result["members"]] == [NAMES[HUSBAND], NAMES[WIFE], NAMES[MINOR]]
    assert sorted(h["holder"]["name"] for h in result["homes"]) == sorted([NAMES[WIFE], NAMES[MINOR]])
    assert (await _homes(gql, HUSBAND, "INDIVIDUAL"))["count"] == 0


async def test_a_divorced_buyer_counts_no_former_spouse(sale, gql):
    await family(husband_status=MaritalStatus.DIVORCED, children=())
    await owned_home(WIFE)
    assert (await _homes(gql, HUSBAND))["count"] == 0


async def test_a_home_counts_by_filed_contract_and_by_ownership(sale, gql):
    await family()
    await _buy(sale, HUSBAND)
    await owned_home(WIFE)
    result = await _homes(gql, HUSBAND)
    assert sorted(h["basis"] for h in result["homes"]) == ["FILED_CONTRACT", "REGISTERED_OWNERSHIP"]
    assert result["count"] == 2


async def test_cancelled_contracts_and_non_residential_units_do_not_count(sale, gql):
    await family()
    contract, _ = await _buy(sale, HUSBAND)
    await _buy(sale, WIFE, usage="COMMERCIAL")
    await owned_home(WIFE, usage="PARKING")
    assert (await _homes(gql, HUSBAND))["count"] == 1
    await sale.cancel(contract["id"])
    assert (await _homes(gql, HUSBAND))["count"] == 0


async def test_a_person_never_seen_becomes_a_party_from_shared_data(sale, gql):
    await family()
    result = await _homes(gql, WIFE)
    assert result["members"][0]["name"] == NAMES[WIFE] and result["count"] == 0


async def test_a_person_unknown_everywhere_has_no_members_and_no_homes(gql):
    result = await _homes(gql, EX_WIFE)
    assert (result["count"], result["members"], result["scope"]) == (0, [], "FAMILY")
