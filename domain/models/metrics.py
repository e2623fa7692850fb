from tortoise import fields
from tortoise.models import Model


class ApplicationFigures(Model):
    """One application as the event log tells it, kept for the supervision figures.

    A projection of the log (`domain.metrics_projection`), written in the transaction of the
    events it reads, so a period's figures read one index range instead of the whole log.
    Instants are Unix milliseconds (UTC): durations are plain subtraction on either engine.
    """

    registration_id = fields.IntField(primary_key=True, generated=False)
    kind = fields.CharField(max_length=32, null=True)
    property_id = fields.IntField(null=True)
    # Contract filed: the advance-notice application was generated.
    filed_ms = fields.BigIntField(null=True)
    # The first applicant's submission.
    submitted_ms = fields.BigIntField(null=True, db_index=True)
    # Start of a registration converted in the developer's combined first application.
    applied_ms = fields.BigIntField(null=True)
    # The permit's completion acceptance, for transfers (交房即交证).
    accepted_ms = fields.BigIntField(null=True)
    # Sent to a person (issue 13's IN_REVIEW).
    review_ms = fields.BigIntField(null=True, db_index=True)
    decided_ms = fields.BigIntField(null=True, db_index=True)
    decided_by = fields.CharField(max_length=16, null=True)
    outcome = fields.CharField(max_length=16, null=True)

    class Meta:
        table = "metrics_application"
        # A conversion reads its property's first registration.
        indexes = (("property_id", "kind"),)


class PermitFigures(Model):
    """A permit's completion acceptance (竣工验收备案) as the log tells it."""

    permit_id = fields.IntField(primary_key=True, generated=False)
    accepted_ms = fields.BigIntField()

    class Meta:
        table = "metrics_permit"
