"""`visibility.seen_by_its_columns`: what a row's own columns show is never more than its rule.

Payloads skip the visibility query when the row proves the viewer may see it; every such
answer must be one the query gives too, and the shortcut must actually apply where it is meant
to (the seller's contract, the lender's contract, the developer's and the supervising bank's
permit), or the sale path pays the query again (bench/README.md, sale_pipeline)."""

from __future__ import annotations

from decimal import Decimal

from domain import visibility
from domain.enums import FundKind, RegistrationKind, RegistrationPartyRole, RegistrationStatus, Role
from domain.models import (
    Contract,
    ContractBuyer,
    ContractSeller,
    FundDeposit,
    Permit,
    Property,
    Registration,
    RegistrationParty,
)
from domain.viewer import Viewer
from tests import factories


def _viewers(world) -> list[Viewer]:
    parties = [world.developer, world.other_developer, world.bank, world.other_bank, world.buyer, world.other_buyer]
    roles = (Role.DEVELOPER, Role.BANK, Role.BUYER, Role.PROVIDENT_FUND, Role.TAX)
    return [Viewer(f"t:{p.id}", role, p.id_number, p.id) for p in parties for role in roles] + [
        Viewer("nobody", Role.BUYER)
    ]


async def test_a_row_seen_by_its_columns_is_one_its_rule_shows(db):
    world = await factories.World().build()
    rows = [*await Contract.all(), *await Permit.all(), *await Property.all()]
    shortcuts = 0
    for viewer in _viewers(world):
        for row in rows:
            by_columns = visibility.seen_by_its_columns(viewer, row)
            by_query = row.pk in await visibility.visible_pks(viewer, type(row), [row.pk])
            assert not by_columns or by_query, (viewer, row)
            shortcuts += by_columns and visibility.rule_for(type(row)) is not None and not viewer.sees_everything
            assert [r.pk for r in await visibility.visible_rows(viewer, [row])] == ([row.pk] if by_query else [])
    # The seller's contract and the developer's permit (DEVELOPER), the lender's contract and
    # the supervising bank's permit (BANK, PROVIDENT_FUND: lenders), in each of the two worlds.
    assert shortcuts == 12
    assert visibility.seen_by_its_columns(None, world.contract) is False


async def test_a_deposit_is_visible_exactly_when_its_contract_is(db):
    world = await factories.World().build()
    deposit = await FundDeposit.create(
        contract=world.contract,
        kind=FundKind.MAINTENANCE,
        amount=Decimal("7160.00"),
        bank_reference="M1",
        depositor=world.other_bank,
        deposited_at=factories.NOW,
    )
    assert visibility.BELONGS_TO[FundDeposit] == ("contract_id", Contract)
    for viewer in _viewers(world):
        deposit_seen = bool(await visibility.visible_pks(viewer, FundDeposit, [deposit.pk]))
        contract_seen = bool(await visibility.visible_rows(viewer, [world.contract]))
        assert deposit_seen == contract_seen, viewer


async def _facts_from_the_database(row) -> visibility.Vouched:
    """What a use case would vouch for about `row`, read here the slow way."""
    prop = await Property.get(id=row.property_id).prefetch_related("permit")
    permit = prop.permit
    if isinstance(row, Contract):
        persons = {b.party_id for b in await ContractBuyer.filter(contract_id=row.id)}
        persons |= {s.party_id for s in await ContractSeller.filter(contract_id=row.id)}
    else:
        persons = {p.party_id for p in await RegistrationParty.filter(registration_id=row.id)}
    return visibility.Vouched(
        persons=frozenset(persons),
        developer_id=permit.developer_id if permit else None,
        supervising_bank_id=permit.supervising_bank_id if permit else None,
    )


async def test_vouched_facts_never_show_more_than_the_rule(db):
    world = await factories.World().build()
    registration = await Registration.create(
        kind=RegistrationKind.ADVANCE_NOTICE,
        status=RegistrationStatus.SUBMITTED,
        property_id=world.contract.property_id,
        contract=world.contract,
        created_at=factories.NOW,
    )
    for role in (RegistrationPartyRole.RIGHT_HOLDER, RegistrationPartyRole.APPLICANT):
        await RegistrationParty.create(registration=registration, party=world.buyer, role=role, position=0)
    # Paid in full: its supervising bank is no lender of it, so only the vouched permit tells.
    await factories.contract(world.properties[1], world.developer, [world.other_buyer])
    rows = [*await Contract.all(), registration]
    shortcuts = 0
    for row in rows:
        by_columns = {viewer: visibility.seen_by_its_columns(viewer, row) for viewer in _viewers(world)}
        visibility.vouch(row, await _facts_from_the_database(row))
        for viewer in _viewers(world):
            by_facts = visibility.seen_by_its_columns(viewer, row)
            by_query = row.pk in await visibility.visible_pks(viewer, type(row), [row.pk])
            assert not by_facts or by_query, (viewer, row)
            shortcuts += by_facts and not by_columns[viewer]
    # Beyond what the columns show (the seller's and the lender's contract): each contract's
    # buyer (BUYER); the paid-in-full contract's supervising bank as BANK and as PROVIDENT_FUND
    # (lenders both); the registration's buyer under each role but TAX (a department, which
    # sees everything anyway) and its developer.
    assert shortcuts == 3 + 2 + 4 + 1
