"""Every contract query reads real rows and answers only what the viewer may see."""

from __future__ import annotations

import pytest

from domain import models as m
from domain.enums import MaritalStatus
from resolvers.ids import to_global_id
from tests import factories, ids
from tests.support import token

PERMITS = "{ permits { totalCount edges { node { number developer { name } } } } }"
CONTRACTS = "{ contracts { totalCount edges { node { number buyers { party { name idNumber } } } } } }"


@pytest.fixture
async def world(db):
    return await factories.World().build()


def _numbers(data: dict, key: str) -> list[str]:
    return [edge["node"]["number"] for edge in data[key]["edges"]]


async def test_departments_see_every_permit_and_contract(gql, world):
    for role in ("REGISTRAR", "HOUSING", "TAX", "SUPERVISOR"):
        assert _numbers(await gql.data(PERMITS, bearer=token(role)), "permits") == ["XY-2026-001", "HH-2026-001"]
        assert (await gql.data(CONTRACTS, bearer=token(role)))["contracts"]["totalCount"] == 2


async def test_a_developer_sees_only_its_own_permits_and_their_contracts(gql, world):
    bearer = token("DEVELOPER", ids.DEVELOPER, ["ca"])
    assert _numbers(await gql.data(PERMITS, bearer=bearer), "permits") == ["XY-2026-001"]
    assert _numbers(await gql.data(CONTRACTS, bearer=bearer), "contracts") == ["411528-2026-0000001"]
    other = await gql.data('{ permit(number: "HH-2026-001") { number } }', bearer=bearer)
    assert other["permit"] is None


async def test_a_buyer_sees_its_own_contract_and_not_another_buyers(gql, world):
    bearer = token("BUYER", ids.ZHANG_SAN, ["face"])
    data = await gql.data(CONTRACTS, bearer=bearer)
    assert _numbers(data, "contracts") == ["411528-2026-0000001"]
    hidden = await gql.data('{ contract(number: "411528-2026-0000002") { number } }', bearer=bearer)
    assert hidden["contract"] is None
    by_node = await gql.data(
        "query($id: ID!) { node(id: $id) { id } }",
        {"id": to_global_id("Contract", world.other_contract.id)},
        bearer=bearer,
    )
    assert by_node["node"] is None


async def test_a_lender_sees_contracts_that_chose_it_and_events_on_them_only(gql, world):
    bearer = token("BANK", ids.BANK, ["ca"])
    assert _numbers(await gql.data(CONTRACTS, bearer=bearer), "contracts") == ["411528-2026-0000001"]
    events = await gql.data("{ events { edges { node { type contract { number } } } } }", bearer=bearer)
    assert [e["node"]["contract"]["number"] for e in events["events"]["edges"]] == ["411528-2026-0000001"]


async def test_ids_of_other_people_are_masked_unless_party_to_a_visible_contract(gql, world):
    # The developer sees its buyer in full; a stranger's number is masked wherever it appears.
    developer = await gql.data(CONTRACTS, bearer=token("DEVELOPER", ids.DEVELOPER, ["ca"]))
    assert developer["contracts"]["edges"][0]["node"]["buyers"][0]["party"]["idNumber"] == ids.ZHANG_SAN
    stranger_party = to_global_id("Party", world.other_buyer.id)
    query = "query($id: ID!) { node(id: $id) { ... on Party { idNumber } } }"
    assert (await gql.data(query, {"id": stranger_party}, bearer=token("DEVELOPER", ids.DEVELOPER)))["node"] is None
    registrar = await gql.data(query, {"id": stranger_party}, bearer=token("REGISTRAR"))
    assert registrar["node"]["idNumber"] == ids.LI_SI


async def test_masked_id_number_format(gql, world):
    # A lender asking about its buyer's spouse-free record sees the buyer in full; an event payload
    # is not a Party. Masking shows on a Party reached through a record the viewer may see:
    await m.RegistrationParty.create(
        registration=await m.Registration.create(kind="SEIZURE", status="COMPLETED", property=world.properties[0]),
        party=world.other_buyer,
        role="APPLICANT",
    )
    data = await gql.data(
        "{ registrations { edges { node { applicants { idNumber } } } } }", bearer=token("DEVELOPER", ids.DEVELOPER)
    )
    applicant = data["registrations"]["edges"][0]["node"]["applicants"][0]["idNumber"]
    assert applicant == ids.LI_SI[:4] + "*" * 10 + ids.LI_SI[-4:]


async def test_any_signed_in_viewer_reads_public_property_facts_but_not_its_contracts(gql, world):
    query = (
        '{ property(unitCode: "%s") { unitCode buildingArea usage status activeContract { '
        "number } contracts { totalCount } } }"
    )
    data = await gql.data(query % world.properties[0].unit_code, bearer=token("BUYER", ids.LI_SI, ["face"]))
    prop = data["property"]
    assert prop["unitCode"] == world.properties[0].unit_code
    assert prop["buildingArea"] == "89.50"
    assert (prop["usage"], prop["status"]) == ("RESIDENTIAL", "AVAILABLE")
    assert prop["activeContract"] is None and prop["contracts"]["totalCount"] == 0


async def test_pages_follow_relay_cursors_and_first_is_capped(gql, world):
    for n in range(3):
        await factories.permit(f"EXTRA-{n}", world.developer, world.bank, units=0)
    bearer = token("HOUSING")
    first = await gql.data(
        (
            "{ permits(first: 2) { totalCount pageInfo { hasNextPage hasPreviousPage endCursor } "
            "edges { node { number } } } }"
        ),
        bearer=bearer,
    )
    page = first["permits"]
    assert page["totalCount"] == 5 and page["pageInfo"]["hasNextPage"] and not page["pageInfo"]["hasPreviousPage"]
    second = await gql.data(
        (
            "query($after: String) { permits(first: 10, after: $after) { pageInfo { hasNextPage "
            "hasPreviousPage } edges { node { number } } } }"
        ),
        {"after": page["pageInfo"]["endCursor"]},
        bearer=bearer,
    )
    assert _numbers(second, "permits") == ["EXTRA-0", "EXTRA-1", "EXTRA-2"]
    assert second["permits"]["pageInfo"] == {"hasNextPage": False, "hasPreviousPage": True}
    for n in range(105):
        await m.Property.create(
            unit_code=factories.unit_code(1000 + n),
            address="a",
            building="2",
            floor=1,
            room=str(n),
            building_area="50.00",
            usage="RESIDENTIAL",
        )
    capped = await gql.data("{ properties(first: 500) { edges { cursor } } }", bearer=bearer)
    assert len(capped["properties"]["edges"]) == 100


async def test_a_bad_cursor_is_an_invalid_input_error(gql, world):
    body = await gql.execute('{ permits(after: "not-a-cursor") { totalCount } }', bearer=token("HOUSING"))
    assert body["errors"][0]["extensions"]["code"] == "INVALID_INPUT"


async def test_property_filters(gql, world):
    bearer = token("REGISTRAR")
    data = await gql.data(
        "query($p: ID) { properties(filter: {permitId: $p}) { totalCount } }",
        {"p": to_global_id("PresalePermit", world.permit.id)},
        bearer=bearer,
    )
    assert data["properties"]["totalCount"] == 2
    by_status = await gql.data("{ properties(filter: {status: SOLD}) { totalCount } }", bearer=bearer)
    assert by_status["properties"]["totalCount"] == 0


async def test_homes_owned_counts_filed_contracts_and_is_only_for_allowed_viewers(gql, world):
    await m.SharedPersonRecord.create(
        id_number=ids.ZHANG_SAN,
        name="张三",
        marital_status=MaritalStatus.MARRIED,
        spouse_id_number=ids.LI_SI,
        children_id_numbers=[],
        household_address="息县城关镇",
    )
    query = (
        '{ homesOwned(idNumber: "%s") { count scope members { name } homes { basis property { '
        "unitCode } holder { name } } } }"
    )
    data = await gql.data(query % ids.ZHANG_SAN, bearer=token("TAX"))
    result = data["homesOwned"]
    assert result["scope"] == "FAMILY" and result["count"] == 2
    assert [mbr["name"] for mbr in result["members"]] == ["张三", "李四"]
    assert {h["basis"] for h in result["homes"]} == {"FILED_CONTRACT"}
    own = await gql.data(query % ids.ZHANG_SAN, bearer=token("BUYER", ids.ZHANG_SAN, ["face"]))
    assert own["homesOwned"]["count"] == 2
    lender = await gql.data(query % ids.ZHANG_SAN, bearer=token("BANK", ids.BANK))
    assert lender["homesOwned"]["count"] == 2
    refused = await gql.execute(query % ids.ZHANG_SAN, bearer=token("BANK", ids.OTHER_BANK))
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    other_buyer = await gql.execute(query % ids.ZHANG_SAN, bearer=token("BUYER", ids.LI_SI, ["face"]))
    assert other_buyer["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    bad = await gql.execute(query % "123", bearer=token("TAX"))
    assert bad["errors"][0]["extensions"] == {"code": "INVALID_INPUT", "field": ["idNumber"]}


async def test_verify_certificate_checks_hash_and_signature(gql, world, settings):
    from api.keys import load_keyring

    registration = await m.Registration.create(kind="ADVANCE_NOTICE", status="COMPLETED", property=world.properties[0])
    content = {
        "number": "豫(2026)息县不动产证明第0000001号",
        "unitCode": world.properties[0].unit_code,
        "holders": ["张三"],
    }
    signed = load_keyring(settings).sign(content)
    await m.Certificate.create(
        number=content["number"],
        kind="REGISTRATION_PROOF",
        registration=registration,
        issued_at=factories.NOW,
        content=content,
        content_hash=signed.content_hash,
        signature=signed.signature,
        signing_key_id=signed.signing_key_id,
    )
    query = (
        "query($n: String!, $h: String!) { verifyCertificate(number: $n, contentHash: $h) { "
        "valid reason certificate { kind content } } }"
    )
    ok = await gql.data(query, {"n": content["number"], "h": signed.content_hash})
    assert ok["verifyCertificate"]["valid"] is True
    assert ok["verifyCertificate"]["certificate"]["content"] == content
    wrong_hash = await gql.data(query, {"n": content["number"], "h": "f" * 64})
    assert wrong_hash["verifyCertificate"]["valid"] is False
    await m.Certificate.filter(number=content["number"]).update(content={**content, "holders": ["李四"]})
    forged = await gql.data(query, {"n": content["number"], "h": signed.content_hash})
    assert forged["verifyCertificate"] == {
        "valid": False,
        "reason": "the content does not match its hash",
        "certificate": {"kind": "REGISTRATION_PROOF", "content": {**content, "holders": ["李四"]}},
    }


async def test_events_query_pages_the_log_with_cursors(gql, world):
    data = await gql.data(
        "{ events(first: 1) { totalCount edges { cursor node { cursor type hash previousHash } } } }",
        bearer=token("SUPERVISOR"),
    )
    edge = data["events"]["edges"][0]
    assert data["events"]["totalCount"] == 2
    assert edge["cursor"] == edge["node"]["cursor"]
    rest = await gql.data(
        "query($a: String) { events(after: $a) { edges { node { previousHash } } } }",
        {"a": edge["cursor"]},
        bearer=token("SUPERVISOR"),
    )
    assert rest["events"]["edges"][0]["node"]["previousHash"] == edge["node"]["hash"]


async def test_property_history_is_its_events_oldest_first(gql, world):
    query = (
        '{ property(unitCode: "%s") { history { edges { node { type payload } } } } }' % world.properties[0].unit_code
    )
    data = await gql.data(query, bearer=token("DEVELOPER", ids.DEVELOPER))
    assert [e["node"]["payload"] for e in data["property"]["history"]["edges"]] == [{"number": "411528-2026-0000001"}]
    stranger = await gql.data(query, bearer=token("DEVELOPER", ids.OTHER_DEVELOPER))
    assert stranger["property"]["history"]["edges"] == []


async def test_nodes_answers_each_id_or_null(gql, world):
    data = await gql.data(
        "query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }",
        {
            "ids": [
                to_global_id("PresalePermit", world.permit.id),
                to_global_id("PresalePermit", world.other_permit.id),
                "garbage",
            ]
        },
        bearer=token("DEVELOPER", ids.DEVELOPER),
    )
    assert data["nodes"] == [
        {"__typename": "PresalePermit", "id": to_global_id("PresalePermit", world.permit.id)},
        None,
        None,
    ]


async def test_a_buyer_unknown_to_the_platform_sees_nothing_but_public_facts(gql, world):
    stranger = token("BUYER", ids.resident_id("411528", "20010101", "999"), ["face"])
    data = await gql.data(
        "{ contracts { totalCount } permits { totalCount } registrations { totalCount } events { totalCount } "
        "taxRecords { totalCount } mortgages { totalCount } properties { totalCount } }",
        bearer=stranger,
    )
    assert data == {
        "contracts": {"totalCount": 0},
        "permits": {"totalCount": 0},
        "registrations": {"totalCount": 0},
        "events": {"totalCount": 0},
        "taxRecords": {"totalCount": 0},
        "mortgages": {"totalCount": 0},
        "properties": {"totalCount": 4},
    }
