"""The supervision figures (issue 16) as GraphQL types."""

from __future__ import annotations

import datetime
from decimal import Decimal
from enum import Enum

import strawberry

from domain.enums import Decider as DomainDecider
from domain.enums import RegistrationKind as DomainKind
from domain.enums import RegistrationStatus as DomainStatus
from domain.rules import metrics as rules
from domain.services.metrics import OverdueApplication as DomainOverdue
from domain.services.metrics import Report
from resolvers.context import Info
from resolvers.enums import Decider, RegistrationKind, RegistrationStatus
from resolvers.ids import to_global_id
from resolvers.types.registrations import Registration

MetricsStep = strawberry.enum(rules.Step, description="A step of an application whose duration is measured")


def _seconds(ms: int) -> Decimal:
    return Decimal(ms) / 1000


def _enum(enum: type[Enum], value: str | None):
    return enum(value) if value in enum._value2member_map_ else None


@strawberry.type(description="Applications of one kind by the outcome they reached in the period")
class ApplicationCounts:
    kind: RegistrationKind | None = strawberry.field(description="null: a kind the log did not name")
    completed: int
    rejected: int
    in_review: int = strawberry.field(description="Sent to a person in the period")
    withdrawn: int


@strawberry.type(description="Durations of one step, over the steps that ended in the period, in seconds")
class StepDurations:
    step: MetricsStep
    kind: RegistrationKind | None = strawberry.field(description="For APPLICATION_TO_DECISION: the kind")
    decided_by: Decider | None = strawberry.field(
        description="For SUBMISSION_TO_DECISION: SYSTEM (instant) or REGISTRAR (a person)"
    )
    count: int
    p50_seconds: Decimal
    p90_seconds: Decimal
    max_seconds: Decimal


@strawberry.type(description="numerator / denominator; value is null when nothing was counted")
class Rate:
    numerator: int
    denominator: int
    value: Decimal | None


@strawberry.type(description="An application open at the period's end for longer than the statutory limit")
class OverdueApplication:
    registration_pk: strawberry.Private[int]
    registration_id: strawberry.ID
    kind: RegistrationKind | None
    status: RegistrationStatus | None
    unit_code: str | None
    submitted_at: datetime.datetime
    working_days_open: int = strawberry.field(
        description="Working days (Asia/Shanghai, weekends off) after the day of submission"
    )
    open_seconds: int

    @strawberry.field
    async def registration(self, info: Info) -> Registration | None:
        row = await info.context.loaders.registration.load(self.registration_pk)
        return Registration.from_row(row) if row else None

    @classmethod
    def of(cls, item: DomainOverdue) -> OverdueApplication:
        o = item.overdue
        return cls(
            registration_pk=o.registration_id,
            registration_id=strawberry.ID(to_global_id("Registration", o.registration_id)),
            kind=_enum(DomainKind, item.kind),
            status=_enum(DomainStatus, "IN_REVIEW" if o.in_review else item.status),
            unit_code=item.unit_code,
            submitted_at=rules.from_ms(o.submitted_ms),
            working_days_open=o.working_days,
            open_seconds=o.age_ms // 1000,
        )


def _rate(rate: rules.Rate) -> Rate:
    return Rate(numerator=rate.numerator, denominator=rate.denominator, value=rate.value)


@strawberry.type(description="The supervision office's figures for a period [from, to), derived from the event log")
class Metrics:
    period_from: datetime.datetime = strawberry.field(name="from")
    to: datetime.datetime
    as_of: datetime.datetime = strawberry.field(
        description="Where open applications are counted: `to`, or now if earlier"
    )
    applications: list[ApplicationCounts]
    durations: list[StepDurations]
    instant_approval: Rate = strawberry.field(description="Decisions approved by the system at once (秒批)")
    delivery_with_certificate: Rate = strawberry.field(
        description=(
            "First transfers completed within deliveryWithCertificateDays of the completion acceptance (交房即交证)"
        )
    )
    zero_visits: Rate = strawberry.field(
        description=(
            "Concluded applications with no visit to an office: all of them by construction, every step is online"
        )
    )
    overdue: list[OverdueApplication]
    statutory_limit_working_days: int
    delivery_with_certificate_days: int

    @classmethod
    def of(cls, report: Report) -> Metrics:
        f = report.figures
        return cls(
            period_from=report.period_from,
            to=report.period_to,
            as_of=report.as_of,
            applications=[
                ApplicationCounts(
                    kind=_enum(DomainKind, c.kind),
                    completed=c.completed,
                    rejected=c.rejected,
                    in_review=c.in_review,
                    withdrawn=c.withdrawn,
                )
                for c in f.counts
            ],
            durations=[
                StepDurations(
                    step=d.step,
                    kind=_enum(DomainKind, d.kind),
                    decided_by=_enum(DomainDecider, d.decided_by),
                    count=d.count,
                    p50_seconds=_seconds(d.p50_ms),
                    p90_seconds=_seconds(d.p90_ms),
                    max_seconds=_seconds(d.max_ms),
                )
                for d in f.durations
            ],
            instant_approval=_rate(f.instant_approval),
            delivery_with_certificate=_rate(f.delivery_with_certificate),
            zero_visits=_rate(f.zero_visits),
            overdue=[OverdueApplication.of(o) for o in report.overdue],
            statutory_limit_working_days=report.statutory_limit_working_days,
            delivery_with_certificate_days=report.delivery_with_certificate_days,
        )
