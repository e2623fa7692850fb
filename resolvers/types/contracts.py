from __future__ import annotations

import datetime
import decimal
from typing import TYPE_CHECKING, Annotated

import strawberry

from domain import models as m
from domain.documents.texts import contract_terms_of, contract_text, resale_terms_of
from domain.rules import funds
from domain.services.refunds import due_for
from resolvers.context import Info
from resolvers.enums import ContractKind, ContractStatus, FundKind, PaymentMethod
from resolvers.ids import to_global_id
from resolvers.types.node import Node
from resolvers.types.parties import Party, load_parties, load_party
from resolvers.types.permits import Property
from resolvers.types.registry import from_row_of, object_of

if TYPE_CHECKING:
    from resolvers.types.mortgages import Mortgage
    from resolvers.types.registrations import Registration
    from resolvers.types.tax import TaxRecord

RegistrationRef = Annotated["Registration", strawberry.lazy("resolvers.types.registrations")]
TaxRecordRef = Annotated["TaxRecord", strawberry.lazy("resolvers.types.tax")]
MortgageRef = Annotated["Mortgage", strawberry.lazy("resolvers.types.mortgages")]


@strawberry.type
class ContractBuyer:
    party_id: strawberry.Private[int]
    share: decimal.Decimal | None = strawberry.field(
        description='Fraction held under 按份共有, e.g. "0.5"; null under 共同共有 (joint ownership)'
    )

    @strawberry.field
    async def party(self, info: Info) -> Party:
        return await load_party(info, self.party_id)


@strawberry.type
class Signature:
    signer_id: strawberry.Private[int]
    signed_at: datetime.datetime
    method: str = strawberry.field(description="How the signer's identity was verified, e.g. FACE or CA")
    document_hash: str = strawberry.field(description="SHA-256 hex of the document text that was signed")

    @classmethod
    def from_row(cls, row: m.Signature) -> Signature:
        return cls(signer_id=row.signer_id, signed_at=row.signed_at, method=row.method, document_hash=row.document_hash)

    @strawberry.field
    async def signer(self, info: Info) -> Party:
        return await load_party(info, self.signer_id)


@strawberry.type
class FundDeposit(Node):
    contract_id: strawberry.Private[int]
    kind: FundKind
    amount: decimal.Decimal
    bank_reference: str
    deposited_at: datetime.datetime

    @classmethod
    def from_row(cls, row: m.FundDeposit) -> FundDeposit:
        return cls(
            id=to_global_id("FundDeposit", row.id),
            contract_id=row.contract_id,
            kind=row.kind,
            amount=row.amount,
            bank_reference=row.bank_reference,
            deposited_at=row.deposited_at,
        )

    @strawberry.field
    async def contract(self, info: Info) -> Contract:
        row = await info.context.loaders.contract.load(self.contract_id)
        return Contract.from_row(row)


@strawberry.type(description="Money paid back from the supervised account after a withdrawn sale (退房退款)")
class FundRefund:
    id: strawberry.ID
    amount: decimal.Decimal
    bank_reference: str
    refunded_at: datetime.datetime

    @classmethod
    def from_row(cls, row: m.FundRefund) -> FundRefund:
        return cls(
            id=to_global_id("FundRefund", row.id),
            amount=row.amount,
            bank_reference=row.bank_reference,
            refunded_at=row.refunded_at,
        )


@from_row_of(m.Contract)
@strawberry.type
class Contract(Node):
    db_id: strawberry.Private[int]
    property_id: strawberry.Private[int]
    seller_id: strawberry.Private[int]
    lender_id: strawberry.Private[int | None]
    escrow_bank_id: strawberry.Private[int | None]
    number: str | None = strawberry.field(description="网签备案号, set when filed")
    kind: ContractKind = strawberry.field(
        description="NEW_HOME: a developer's sale; RESALE (存量房买卖): the owners of a registered home sell it"
    )
    escrow_amount: decimal.Decimal | None = strawberry.field(
        description="A resale's escrow (存量房交易资金监管): what the escrow bank must hold before filing"
    )
    price: decimal.Decimal
    down_payment: decimal.Decimal = strawberry.field(
        description="What the buyers pay themselves; it must be in the supervised account before filing"
    )
    payment_method: PaymentMethod
    delivery_with_certificate: bool = strawberry.field(description="交房即交证 agreed")
    status: ContractStatus
    document_hash: str = strawberry.field(description="SHA-256 hex of the canonical contract text the parties sign")
    created_at: datetime.datetime
    filed_at: datetime.datetime | None
    cancelled_at: datetime.datetime | None

    @classmethod
    def from_row(cls, row: m.Contract) -> Contract:
        return cls(
            id=to_global_id("Contract", row.id),
            db_id=row.id,
            property_id=row.property_id,
            seller_id=row.seller_id,
            lender_id=row.lender_id,
            escrow_bank_id=row.escrow_bank_id,
            number=row.number,
            kind=row.kind,
            escrow_amount=row.escrow_amount,
            price=row.price,
            down_payment=row.down_payment,
            payment_method=row.payment_method,
            delivery_with_certificate=row.delivery_with_certificate,
            status=row.status,
            document_hash=row.document_hash,
            created_at=row.created_at,
            filed_at=row.filed_at,
            cancelled_at=row.cancelled_at,
        )

    @strawberry.field
    async def property(self, info: Info) -> Property:
        return Property.from_row(await info.context.loaders.property.load(self.property_id))

    @strawberry.field(description="The canonical contract text the parties sign: its SHA-256 is documentHash")
    async def text(self, info: Info) -> str:
        loaders = info.context.loaders
        row, prop, buyers, lender_ids = (
            await loaders.contract.load(self.db_id),
            await loaders.property.load(self.property_id),
            await loaders.contract_buyers.load(self.db_id),
            await self._lender_ids(info),
        )
        seller, lender, *people = await loaders.party.load_many(
            [self.seller_id, self.lender_id, *(b.party_id for b in buyers)]
        )
        lenders = await loaders.party.load_many(lender_ids)
        return contract_text(
            contract_terms_of(
                row,
                prop.unit_code,
                seller,
                [(p, b.share) for p, b in zip(people, buyers, strict=True)],
                lender,
                lenders,
                **await resale_terms_of(row),
            )
        )

    async def _lender_ids(self, info: Info) -> list[int]:
        ids = [r.party_id for r in await info.context.loaders.contract_lenders.load(self.db_id)]
        if self.lender_id is not None and self.lender_id not in ids:  # a contract drafted without lender rows
            ids.insert(0, self.lender_id)
        return ids

    @strawberry.field(description="The first of the sellers: the developer of a new home")
    async def seller(self, info: Info) -> Party:
        return await load_party(info, self.seller_id)

    @strawberry.field(
        description="Who sells: the developer of a new home; a resale's holders of the ownership in force"
    )
    async def sellers(self, info: Info) -> list[Party]:
        ids = (
            await m.ContractSeller.filter(contract_id=self.db_id)
            .order_by("position")
            .values_list("party_id", flat=True)
        )
        parties = [await load_party(info, int(i)) for i in (ids or [self.seller_id])]
        return [p for p in parties if p is not None]

    @strawberry.field(description="A resale's escrow bank, if the parties chose one; it may read this contract")
    async def escrow_bank(self, info: Info) -> Party | None:
        return await load_party(info, self.escrow_bank_id)

    @strawberry.field
    async def buyers(self, info: Info) -> list[ContractBuyer]:
        rows = await info.context.loaders.contract_buyers.load(self.db_id)
        return [ContractBuyer(party_id=r.party_id, share=r.share) for r in rows]

    @strawberry.field(
        description="The bank or provident fund centre the buyers chose for a loan; it may read this contract"
    )
    async def lender(self, info: Info) -> Party | None:
        return await load_party(info, self.lender_id)

    @strawberry.field(
        description="Every lender the buyers chose, `lender` first: a bank and a provident fund centre for a "
        "COMBINED_LOAN (组合贷); each may read this contract"
    )
    async def lenders(self, info: Info) -> list[Party]:
        return await load_parties(info, await self._lender_ids(info))

    @strawberry.field
    async def signatures(self, info: Info) -> list[Signature]:
        return [Signature.from_row(r) for r in await info.context.loaders.contract_signatures.load(self.db_id)]

    @strawberry.field
    async def deposits(self, info: Info) -> list[FundDeposit]:
        return [FundDeposit.from_row(r) for r in await info.context.loaders.contract_deposits.load(self.db_id)]

    @strawberry.field
    async def required_supervised_amount(self, info: Info) -> decimal.Decimal:
        prop = await info.context.loaders.property.load(self.property_id)
        permit = await info.context.loaders.permit_facts.load(prop.permit_id) if prop.permit_id else None
        return funds.required_supervised_amount(permit.sale_type if permit else None, self.down_payment)

    @strawberry.field
    async def required_maintenance_fund(self, info: Info) -> decimal.Decimal:
        prop = await info.context.loaders.property.load(self.property_id)
        rate = info.context.services.policy.maintenance_rate_per_m2
        return funds.required_maintenance_fund(prop.usage, prop.building_area, rate)

    @strawberry.field(
        description=(
            "Supervised deposits to be paid back to the buyers: what is left unrefunded once the sale is cancelled"
        )
    )
    async def refund_due(self, info: Info) -> decimal.Decimal:
        return await due_for(None, await m.Contract.get(id=self.db_id))

    @strawberry.field(description="Refunds from the supervised account recorded by its bank, oldest first")
    async def refunds(self, info: Info) -> list[FundRefund]:
        return [FundRefund.from_row(r) for r in await m.FundRefund.filter(contract_id=self.db_id).order_by("id")]

    @strawberry.field
    async def advance_registration(self, info: Info) -> RegistrationRef | None:
        rows = await info.context.loaders.contract_advance_registrations.load(self.db_id)
        return object_of(rows[-1]) if rows else None

    @strawberry.field
    async def tax_records(self, info: Info) -> list[TaxRecordRef]:
        return [object_of(r) for r in await info.context.loaders.contract_tax_records.load(self.db_id)]

    @strawberry.field(
        description="The loan of the first lender the viewer may see (for a lender: its own), the latest approved"
    )
    async def mortgage(self, info: Info) -> MortgageRef | None:
        rows = await info.context.loaders.contract_mortgages.load(self.db_id)
        if not rows:
            return None
        order = {lender: i for i, lender in enumerate(await self._lender_ids(info))}
        # The latest of the first lender's: one lender per contract keeps the latest row.
        first = min(order.get(r.lender_id, len(order)) for r in rows)
        return object_of([r for r in rows if order.get(r.lender_id, len(order)) == first][-1])

    @strawberry.field(
        description="Every loan on this contract the viewer may see, oldest first: a combined loan (组合贷) has "
        "the bank's and the provident fund's; a lender sees only its own"
    )
    async def mortgages(self, info: Info) -> list[MortgageRef]:
        return [object_of(r) for r in await info.context.loaders.contract_mortgages.load(self.db_id)]
