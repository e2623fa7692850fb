"""`visibility.seen_by_its_columns`: what a row's own columns show is never more than its rule.

Payloads skip the visibility query when the row proves the viewer may see it; every such
answer must be one the query gives too, and the shortcut must actually apply where it is meant
to (the seller's contract, the lender's contract, the developer's and the supervising bank's
permit), or the sale path pays the query again (bench/README.md, sale_pipeline)."""

from __future__ import annotations

from decimal import Decimal

from domain import visibility
from domain.enums import FundKind, Role
from domain.models import Contract, FundDeposit, Permit, Property
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
