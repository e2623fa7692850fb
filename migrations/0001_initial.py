import functools
from json import dumps, loads

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

from domain.enums import (
    CertificateKind,
    ContractStatus,
    Decider,
    EventType,
    FundKind,
    LicenceStatus,
    MaritalStatus,
    MortgageStatus,
    PartyKind,
    PaymentMethod,
    PermitStatus,
    PropertyStatus,
    PropertyUsage,
    RegistrationKind,
    RegistrationPartyRole,
    RegistrationStatus,
    RightStatus,
    SaleType,
    TaxKind,
    TaxStatus,
)


class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name="Event",
            fields=[
                ("seq", fields.BigIntField(primary_key=True, generated=False, unique=True, db_index=True)),
                (
                    "type",
                    fields.CharEnumField(
                        db_index=True,
                        description="PERMIT_ISSUED: PERMIT_ISSUED\nFUNDS_DEPOSITED: FUNDS_DEPOSITED\nCONTRACT_DRAFTED: CONTRACT_DRAFTED\nCONTRACT_SIGNED: CONTRACT_SIGNED\nCONTRACT_FILED: CONTRACT_FILED\nCONTRACT_CANCELLED: CONTRACT_CANCELLED\nREGISTRATION_SUBMITTED: REGISTRATION_SUBMITTED\nREGISTRATION_COMPLETED: REGISTRATION_COMPLETED\nREGISTRATION_REJECTED: REGISTRATION_REJECTED\nTAX_ASSESSED: TAX_ASSESSED\nTAX_PAID: TAX_PAID\nMORTGAGE_APPROVED: MORTGAGE_APPROVED\nCOMPLETION_ACCEPTED: COMPLETION_ACCEPTED\nCERTIFICATE_ISSUED: CERTIFICATE_ISSUED\nORGANIZATION_REGISTERED: ORGANIZATION_REGISTERED",
                        enum_type=EventType,
                        max_length=32,
                    ),
                ),
                ("occurred_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("property_id", fields.IntField(null=True, db_index=True)),
                ("contract_id", fields.IntField(null=True)),
                ("registration_id", fields.IntField(null=True)),
                ("tax_record_id", fields.IntField(null=True)),
                ("mortgage_id", fields.IntField(null=True)),
                ("payload", fields.JSONField(encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads)),
                ("previous_hash", fields.CharField(max_length=64)),
                ("hash", fields.CharField(max_length=64)),
            ],
            options={
                "table": "event",
                "app": "onewindow",
                "pk_attr": "seq",
                "table_description": "One entry of the append-only, hash-chained log (the outbox, DESIGN §4).",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="EventAudience",
            fields=[
                ("id", fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "event",
                    fields.ForeignKeyField(
                        "onewindow.Event",
                        source_field="event_id",
                        db_constraint=True,
                        to_field="seq",
                        related_name="audience",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("party_id", fields.IntField()),
            ],
            options={
                "table": "event_audience",
                "app": "onewindow",
                "unique_together": (("party_id", "event"),),
                "pk_attr": "id",
                "table_description": "Parties (besides all-seeing departments) who may see an event, fixed when it is logged.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="EventLogHead",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("last_seq", fields.BigIntField(default=0)),
                ("last_hash", fields.CharField(max_length=64)),
            ],
            options={
                "table": "event_log_head",
                "app": "onewindow",
                "pk_attr": "id",
                "table_description": "The single row every append locks: last sequence number and hash of the chain.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="NumberSequence",
            fields=[
                ("name", fields.CharField(primary_key=True, unique=True, db_index=True, max_length=64)),
                ("value", fields.BigIntField(default=0)),
            ],
            options={
                "table": "number_sequence",
                "app": "onewindow",
                "pk_attr": "name",
                "table_description": "A gapless counter (certificate numbers per kind and year, contract numbers per year).",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Party",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "kind",
                    fields.CharEnumField(
                        description="PERSON: PERSON\nORGANIZATION: ORGANIZATION", enum_type=PartyKind, max_length=16
                    ),
                ),
                ("id_number", fields.CharField(unique=True, max_length=18)),
                ("name", fields.CharField(max_length=200)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "party",
                "app": "onewindow",
                "pk_attr": "id",
                "table_description": "A person or organisation that deals with the platform.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Permit",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("number", fields.CharField(unique=True, max_length=64)),
                (
                    "developer",
                    fields.ForeignKeyField(
                        "onewindow.Party",
                        source_field="developer_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="developer_permits",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("project_name", fields.CharField(max_length=200)),
                (
                    "sale_type",
                    fields.CharEnumField(
                        description="PRESALE: PRESALE\nCURRENT_SALE: CURRENT_SALE", enum_type=SaleType, max_length=16
                    ),
                ),
                ("supervised_account", fields.CharField(max_length=64)),
                (
                    "supervising_bank",
                    fields.ForeignKeyField(
                        "onewindow.Party",
                        source_field="supervising_bank_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="supervised_permits",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "status",
                    fields.CharEnumField(
                        default=PermitStatus.VALID,
                        description="VALID: VALID\nREVOKED: REVOKED",
                        enum_type=PermitStatus,
                        max_length=16,
                    ),
                ),
                ("issued_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("completion_acceptance_number", fields.CharField(null=True, max_length=64)),
                ("completion_accepted_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "permit",
                "app": "onewindow",
                "pk_attr": "id",
                "table_description": "Pre-sale (or current-sale) permit issued by the housing bureau.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Property",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("unit_code", fields.CharField(unique=True, max_length=28)),
                ("address", fields.CharField(max_length=500)),
                ("building", fields.CharField(max_length=64)),
                ("floor", fields.IntField()),
                ("room", fields.CharField(max_length=64)),
                ("building_area", fields.DecimalField(max_digits=10, decimal_places=2)),
                (
                    "usage",
                    fields.CharEnumField(
                        description="RESIDENTIAL: RESIDENTIAL\nCOMMERCIAL: COMMERCIAL\nOFFICE: OFFICE\nPARKING: PARKING\nOTHER: OTHER",
                        enum_type=PropertyUsage,
                        max_length=16,
                    ),
                ),
                (
                    "status",
                    fields.CharEnumField(
                        default=PropertyStatus.AVAILABLE,
                        db_index=True,
                        description="AVAILABLE: AVAILABLE\nSOLD: SOLD\nPRE_REGISTERED: PRE_REGISTERED\nREGISTERED: REGISTERED",
                        enum_type=PropertyStatus,
                        max_length=16,
                    ),
                ),
                (
                    "permit",
                    fields.ForeignKeyField(
                        "onewindow.Permit",
                        source_field="permit_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="properties",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("first_registered_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "property",
                "app": "onewindow",
                "pk_attr": "id",
                "table_description": "One real-estate unit (不动产单元).",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Contract",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("number", fields.CharField(null=True, unique=True, max_length=32)),
                (
                    "property",
                    fields.ForeignKeyField(
                        "onewindow.Property",
                        source_field="property_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="contracts",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "seller",
                    fields.ForeignKeyField(
                        "onewindow.Party",
                        source_field="seller_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="sold_contracts",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "lender",
                    fields.ForeignKeyField(
                        "onewindow.Party",
                        source_field="lender_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="lent_contracts",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("price", fields.DecimalField(max_digits=16, decimal_places=2)),
                ("down_payment", fields.DecimalField(max_digits=16, decimal_places=2)),
                (
                    "payment_method",
                    fields.CharEnumField(
                        description="FULL_PAYMENT: FULL_PAYMENT\nCOMMERCIAL_LOAN: COMMERCIAL_LOAN\nPROVIDENT_FUND_LOAN: PROVIDENT_FUND_LOAN\nCOMBINED_LOAN: COMBINED_LOAN",
                        enum_type=PaymentMethod,
                        max_length=32,
                    ),
                ),
                ("delivery_with_certificate", fields.BooleanField()),
                (
                    "status",
                    fields.CharEnumField(
                        default=ContractStatus.DRAFT,
                        db_index=True,
                        description="DRAFT: DRAFT\nSIGNED: SIGNED\nFILED: FILED\nCANCELLED: CANCELLED",
                        enum_type=ContractStatus,
                        max_length=16,
                    ),
                ),
                ("document_hash", fields.CharField(max_length=64)),
                ("filed_property_id", fields.IntField(null=True, unique=True)),
                ("cancel_reason", fields.TextField(null=True, unique=False)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("filed_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("cancelled_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "contract",
                "app": "onewindow",
                "pk_attr": "id",
                "table_description": "Online sales contract (网签合同) between a developer and its buyers.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="ContractBuyer",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "contract",
                    fields.ForeignKeyField(
                        "onewindow.Contract",
                        source_field="contract_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="buyers",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "party",
                    fields.ForeignKeyField(
                        "onewindow.Party",
                        source_field="party_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="bought_contracts",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("share", fields.DecimalField(null=True, max_digits=7, decimal_places=6)),
                ("position", fields.SmallIntField()),
            ],
            options={
                "table": "contract_buyer",
                "app": "onewindow",
                "unique_together": (("contract", "party"),),
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="FundDeposit",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "contract",
                    fields.ForeignKeyField(
                        "onewindow.Contract",
                        source_field="contract_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="deposits",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "kind",
                    fields.CharEnumField(
                        description="PRESALE_SUPERVISED: PRESALE_SUPERVISED\nMAINTENANCE: MAINTENANCE",
                        enum_type=FundKind,
                        max_length=32,
                    ),
                ),
                ("amount", fields.DecimalField(max_digits=16, decimal_places=2)),
                ("bank_reference", fields.CharField(max_length=64)),
                (
                    "depositor",
                    fields.ForeignKeyField(
                        "onewindow.Party",
                        source_field="depositor_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="recorded_deposits",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("deposited_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "fund_deposit",
                "app": "onewindow",
                "unique_together": (("kind", "bank_reference"),),
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Mortgage",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "property",
                    fields.ForeignKeyField(
                        "onewindow.Property",
                        source_field="property_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="mortgages",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "contract",
                    fields.ForeignKeyField(
                        "onewindow.Contract",
                        source_field="contract_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="mortgages",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "lender",
                    fields.ForeignKeyField(
                        "onewindow.Party",
                        source_field="lender_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="lent_mortgages",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("principal", fields.DecimalField(max_digits=16, decimal_places=2)),
                ("term_months", fields.IntField()),
                (
                    "status",
                    fields.CharEnumField(
                        default=MortgageStatus.APPROVED,
                        description="APPROVED: APPROVED\nADVANCE_REGISTERED: ADVANCE_REGISTERED\nREGISTERED: REGISTERED\nDISCHARGED: DISCHARGED\nCANCELLED: CANCELLED",
                        enum_type=MortgageStatus,
                        max_length=32,
                    ),
                ),
                ("approved_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={"table": "mortgage", "app": "onewindow", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="MortgageBorrower",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "mortgage",
                    fields.ForeignKeyField(
                        "onewindow.Mortgage",
                        source_field="mortgage_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="borrowers",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "party",
                    fields.ForeignKeyField(
                        "onewindow.Party",
                        source_field="party_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="borrowed_mortgages",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("position", fields.SmallIntField()),
            ],
            options={
                "table": "mortgage_borrower",
                "app": "onewindow",
                "unique_together": (("mortgage", "party"),),
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Registration",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("number", fields.CharField(null=True, unique=True, max_length=64)),
                (
                    "kind",
                    fields.CharEnumField(
                        description="ADVANCE_NOTICE: ADVANCE_NOTICE\nADVANCE_MORTGAGE: ADVANCE_MORTGAGE\nFIRST_OWNERSHIP: FIRST_OWNERSHIP\nTRANSFER: TRANSFER\nMORTGAGE: MORTGAGE\nMORTGAGE_DISCHARGE: MORTGAGE_DISCHARGE\nSEIZURE: SEIZURE\nSEIZURE_RELEASE: SEIZURE_RELEASE",
                        enum_type=RegistrationKind,
                        max_length=32,
                    ),
                ),
                (
                    "status",
                    fields.CharEnumField(
                        db_index=True,
                        description="AWAITING_SIGNATURE: AWAITING_SIGNATURE\nSUBMITTED: SUBMITTED\nCOMPLETED: COMPLETED\nREJECTED: REJECTED",
                        enum_type=RegistrationStatus,
                        max_length=32,
                    ),
                ),
                (
                    "right_status",
                    fields.CharEnumField(
                        default=RightStatus.PENDING,
                        db_index=True,
                        description="PENDING: PENDING\nIN_FORCE: IN_FORCE\nHISTORIC: HISTORIC\nLAPSED: LAPSED",
                        enum_type=RightStatus,
                        max_length=16,
                    ),
                ),
                (
                    "property",
                    fields.ForeignKeyField(
                        "onewindow.Property",
                        source_field="property_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="registrations",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "contract",
                    fields.ForeignKeyField(
                        "onewindow.Contract",
                        source_field="contract_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="registrations",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "mortgage",
                    fields.ForeignKeyField(
                        "onewindow.Mortgage",
                        source_field="mortgage_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="registrations",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "application_form",
                    fields.JSONField(
                        default=dict, encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads
                    ),
                ),
                (
                    "converted_from",
                    fields.OneToOneField(
                        "onewindow.Registration",
                        source_field="converted_from_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="converted_to",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("effective_until", fields.DateField(null=True)),
                (
                    "decided_by",
                    fields.CharEnumField(
                        null=True, description="SYSTEM: SYSTEM\nREGISTRAR: REGISTRAR", enum_type=Decider, max_length=16
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("submitted_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("completed_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "registration",
                "app": "onewindow",
                "indexes": [Index(fields=["property_id", "kind", "right_status"])],
                "pk_attr": "id",
                "table_description": "One registration (登记) and the right it creates.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Certificate",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("number", fields.CharField(unique=True, max_length=64)),
                (
                    "kind",
                    fields.CharEnumField(
                        description="OWNERSHIP_CERTIFICATE: OWNERSHIP_CERTIFICATE\nREGISTRATION_PROOF: REGISTRATION_PROOF",
                        enum_type=CertificateKind,
                        max_length=32,
                    ),
                ),
                (
                    "registration",
                    fields.OneToOneField(
                        "onewindow.Registration",
                        source_field="registration_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="certificate",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("issued_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("content", fields.JSONField(encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads)),
                ("content_hash", fields.CharField(max_length=64)),
                ("signature", fields.TextField(unique=False)),
                ("signing_key_id", fields.CharField(max_length=64)),
            ],
            options={
                "table": "certificate",
                "app": "onewindow",
                "pk_attr": "id",
                "table_description": "A signed certificate or proof (不动产权证书 / 不动产登记证明).",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="RegistrationParty",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "registration",
                    fields.ForeignKeyField(
                        "onewindow.Registration",
                        source_field="registration_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="parties",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "party",
                    fields.ForeignKeyField(
                        "onewindow.Party",
                        source_field="party_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="registration_roles",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "role",
                    fields.CharEnumField(
                        description="RIGHT_HOLDER: RIGHT_HOLDER\nAPPLICANT: APPLICANT",
                        enum_type=RegistrationPartyRole,
                        max_length=16,
                    ),
                ),
                ("position", fields.SmallIntField(default=0)),
                (
                    "inquiry_answer",
                    fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads),
                ),
            ],
            options={
                "table": "registration_party",
                "app": "onewindow",
                "unique_together": (("registration", "party", "role"),),
                "pk_attr": "id",
                "table_description": "Right holders and applicants of a registration, with each applicant's inquiry answer.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="RuleCheck",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "registration",
                    fields.ForeignKeyField(
                        "onewindow.Registration",
                        source_field="registration_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="checks",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("rule", fields.CharField(max_length=64)),
                ("passed", fields.BooleanField()),
                ("message", fields.TextField(unique=False)),
                ("position", fields.SmallIntField()),
            ],
            options={"table": "rule_check", "app": "onewindow", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="SharedOrganizationRecord",
            fields=[
                ("id_number", fields.CharField(primary_key=True, unique=True, db_index=True, max_length=18)),
                ("name", fields.CharField(max_length=200)),
                (
                    "licence_status",
                    fields.CharEnumField(
                        description="ACTIVE: ACTIVE\nREVOKED: REVOKED", enum_type=LicenceStatus, max_length=16
                    ),
                ),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={
                "table": "shared_organization",
                "app": "onewindow",
                "pk_attr": "id_number",
                "table_description": "Enterprise record from the big-data platform (DESIGN §6).",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="SharedPersonRecord",
            fields=[
                ("id_number", fields.CharField(primary_key=True, unique=True, db_index=True, max_length=18)),
                ("name", fields.CharField(max_length=200)),
                (
                    "marital_status",
                    fields.CharEnumField(
                        description="SINGLE: SINGLE\nMARRIED: MARRIED\nDIVORCED: DIVORCED\nWIDOWED: WIDOWED",
                        enum_type=MaritalStatus,
                        max_length=16,
                    ),
                ),
                ("spouse_id_number", fields.CharField(null=True, db_index=True, max_length=18)),
                (
                    "children_id_numbers",
                    fields.JSONField(
                        default=list, encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads
                    ),
                ),
                ("household_address", fields.CharField(default="", max_length=500)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={
                "table": "shared_person",
                "app": "onewindow",
                "pk_attr": "id_number",
                "table_description": "Population record from the county's big-data platform (DESIGN §6).",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Signature",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "contract",
                    fields.ForeignKeyField(
                        "onewindow.Contract",
                        source_field="contract_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="signatures",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "registration",
                    fields.ForeignKeyField(
                        "onewindow.Registration",
                        source_field="registration_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="signatures",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "mortgage",
                    fields.ForeignKeyField(
                        "onewindow.Mortgage",
                        source_field="mortgage_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="signatures",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "signer",
                    fields.ForeignKeyField(
                        "onewindow.Party",
                        source_field="signer_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="signatures",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("signed_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("method", fields.CharField(max_length=16)),
                ("document_hash", fields.CharField(max_length=64)),
            ],
            options={
                "table": "signature",
                "app": "onewindow",
                "pk_attr": "id",
                "table_description": "A signature over one document: a contract, a registration application or a mortgage.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="TaxRecord",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "kind",
                    fields.CharEnumField(
                        default=TaxKind.DEED_TAX, description="DEED_TAX: DEED_TAX", enum_type=TaxKind, max_length=16
                    ),
                ),
                (
                    "contract",
                    fields.ForeignKeyField(
                        "onewindow.Contract",
                        source_field="contract_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="tax_records",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "property",
                    fields.ForeignKeyField(
                        "onewindow.Property",
                        source_field="property_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="tax_records",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "taxpayer",
                    fields.ForeignKeyField(
                        "onewindow.Party",
                        source_field="taxpayer_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="tax_records",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("family_homes_before", fields.IntField()),
                ("taxable_amount", fields.DecimalField(max_digits=16, decimal_places=2)),
                ("rate", fields.DecimalField(max_digits=6, decimal_places=4)),
                ("amount", fields.DecimalField(max_digits=16, decimal_places=2)),
                (
                    "status",
                    fields.CharEnumField(
                        default=TaxStatus.ASSESSED,
                        description="ASSESSED: ASSESSED\nPAID: PAID\nCANCELLED: CANCELLED",
                        enum_type=TaxStatus,
                        max_length=16,
                    ),
                ),
                ("assessed_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("paid_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("voucher_number", fields.CharField(null=True, unique=True, max_length=64)),
            ],
            options={"table": "tax_record", "app": "onewindow", "pk_attr": "id"},
            bases=["Model"],
        ),
    ]
