"""The domain's enums, exposed to GraphQL under the contract's names."""

import strawberry

from domain import enums, errors

Role = strawberry.enum(enums.Role)
PartyKind = strawberry.enum(enums.PartyKind)
SaleType = strawberry.enum(enums.SaleType)
PermitStatus = strawberry.enum(enums.PermitStatus)
PropertyUsage = strawberry.enum(enums.PropertyUsage)
PropertyStatus = strawberry.enum(enums.PropertyStatus)
PaymentMethod = strawberry.enum(enums.PaymentMethod)
ContractStatus = strawberry.enum(enums.ContractStatus)
ContractKind = strawberry.enum(enums.ContractKind)
FundKind = strawberry.enum(enums.FundKind)
RegistrationKind = strawberry.enum(enums.RegistrationKind)
RegistrationStatus = strawberry.enum(enums.RegistrationStatus)
RightStatus = strawberry.enum(enums.RightStatus)
Decider = strawberry.enum(enums.Decider)
CertificateKind = strawberry.enum(enums.CertificateKind)
CertificateStatus = strawberry.enum(enums.CertificateStatus)
TaxKind = strawberry.enum(enums.TaxKind)
TaxStatus = strawberry.enum(enums.TaxStatus)
HomesScope = strawberry.enum(enums.HomesScope)
HomeBasis = strawberry.enum(enums.HomeBasis)
MortgageStatus = strawberry.enum(enums.MortgageStatus)
EventType = strawberry.enum(enums.EventType)


ErrorCode = strawberry.enum(errors.ErrorCode)
