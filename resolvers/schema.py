"""The served schema: per-area Query and Mutation types merged into one graph."""

from __future__ import annotations

import strawberry
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types

from resolvers import inputs, payloads
from resolvers.access_log import AccessLogExtension
from resolvers.errors import code_errors, log_faults
from resolvers.extensions import OperationExtension, limits_of
from resolvers.mutations.apply_advance_mortgage_registration import ApplyAdvanceMortgageRegistrationMutation
from resolvers.mutations.apply_cancellation_registration import ApplyCancellationRegistrationMutation
from resolvers.mutations.apply_correction_registration import ApplyCorrectionRegistrationMutation
from resolvers.mutations.apply_first_registration import ApplyFirstRegistrationMutation
from resolvers.mutations.apply_mortgage_registration import ApplyMortgageRegistrationMutation
from resolvers.mutations.apply_transfer_registration import ApplyTransferRegistrationMutation
from resolvers.mutations.approve_mortgage import ApproveMortgageMutation
from resolvers.mutations.assess_deed_tax import AssessDeedTaxMutation
from resolvers.mutations.assess_seller_taxes import AssessSellerTaxesMutation
from resolvers.mutations.cancel_contract import CancelContractMutation
from resolvers.mutations.consent_to_transfer import ConsentToTransferMutation
from resolvers.mutations.decide_registration import DecideRegistrationMutation
from resolvers.mutations.discharge_mortgage import DischargeMortgageMutation
from resolvers.mutations.draft_contract import DraftContractMutation
from resolvers.mutations.file_contract import FileContractMutation
from resolvers.mutations.issue_presale_permit import IssuePresalePermitMutation
from resolvers.mutations.reapply_advance_registration import ReapplyAdvanceRegistrationMutation
from resolvers.mutations.record_completion_acceptance import RecordCompletionAcceptanceMutation
from resolvers.mutations.record_fee_payment import RecordFeePaymentMutation
from resolvers.mutations.record_fund_deposit import RecordFundDepositMutation
from resolvers.mutations.record_fund_refund import RecordFundRefundMutation
from resolvers.mutations.record_objection_lawsuit import RecordObjectionLawsuitMutation
from resolvers.mutations.record_tax_payment import RecordTaxPaymentMutation
from resolvers.mutations.register_objection import RegisterObjectionMutation
from resolvers.mutations.register_organization import RegisterOrganizationMutation
from resolvers.mutations.register_seizure import RegisterSeizureMutation
from resolvers.mutations.release_seizure import ReleaseSeizureMutation
from resolvers.mutations.revise_contract import ReviseContractMutation
from resolvers.mutations.sign_contract import SignContractMutation
from resolvers.mutations.sign_mortgage import SignMortgageMutation
from resolvers.mutations.sign_registration import SignRegistrationMutation
from resolvers.mutations.submit_advance_registration import SubmitAdvanceRegistrationMutation
from resolvers.mutations.withdraw_registration import WithdrawRegistrationMutation
from resolvers.queries.access import AccessLogQuery
from resolvers.queries.contracts import ContractQuery
from resolvers.queries.events import EventQuery
from resolvers.queries.metrics import MetricsQuery
from resolvers.queries.mortgages import MortgageQuery
from resolvers.queries.nodes import NODE_TYPES, NodeQuery
from resolvers.queries.parties import PartyQuery
from resolvers.queries.permits import PermitQuery
from resolvers.queries.registrations import RegistrationQuery
from resolvers.queries.tax import TaxQuery
from resolvers.scalars import SCALAR_MAP
from resolvers.subscriptions import Subscription

Query = merge_types(
    "Query",
    (
        NodeQuery,
        PartyQuery,
        PermitQuery,
        ContractQuery,
        RegistrationQuery,
        TaxQuery,
        MortgageQuery,
        EventQuery,
        AccessLogQuery,
        MetricsQuery,
    ),
)
Mutation = merge_types(
    "Mutation",
    (
        RegisterOrganizationMutation,
        IssuePresalePermitMutation,
        DraftContractMutation,
        ReviseContractMutation,
        SignContractMutation,
        RecordFundDepositMutation,
        FileContractMutation,
        CancelContractMutation,
        SubmitAdvanceRegistrationMutation,
        AssessDeedTaxMutation,
        RecordTaxPaymentMutation,
        ApproveMortgageMutation,
        SignMortgageMutation,
        ApplyAdvanceMortgageRegistrationMutation,
        ApplyMortgageRegistrationMutation,
        DischargeMortgageMutation,
        RecordCompletionAcceptanceMutation,
        ApplyFirstRegistrationMutation,
        RegisterSeizureMutation,
        ReleaseSeizureMutation,
        ApplyCancellationRegistrationMutation,
        SignRegistrationMutation,
        DecideRegistrationMutation,
        WithdrawRegistrationMutation,
        ReapplyAdvanceRegistrationMutation,
        RegisterObjectionMutation,
        RecordObjectionLawsuitMutation,
        RecordFundRefundMutation,
        ApplyCorrectionRegistrationMutation,
        AssessSellerTaxesMutation,
        ApplyTransferRegistrationMutation,
        ConsentToTransferMutation,
        RecordFeePaymentMutation,
    ),
)


def _contract_types() -> list[type]:
    """Inputs and payloads of mutations later issues deliver are served already (contract types)."""
    named = [getattr(inputs, n) for n in dir(inputs) if n.endswith("Input")]
    named += [getattr(payloads, n) for n in dir(payloads) if n.endswith("Payload")]
    return named + [node_type for _, node_type in NODE_TYPES.values()]


class OneWindowSchema(strawberry.Schema):
    def process_errors(self, errors, execution_context=None) -> None:
        """Every error gets its code here, before it is answered (resolvers/errors.py); only
        faults are logged, with their request id: refusals and rule errors are answers."""
        context = execution_context.context if execution_context is not None else None
        log_faults(code_errors(errors, context, limits_of(context).suggestions), context)


schema = OneWindowSchema(
    query=Query,
    mutation=Mutation,
    subscription=Subscription,
    types=_contract_types(),
    config=StrawberryConfig(scalar_map=SCALAR_MAP),
    extensions=[OperationExtension, AccessLogExtension],
)


def export_sdl() -> str:
    return schema.as_str() + "\n"
