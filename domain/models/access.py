from tortoise import fields
from tortoise.models import Model

from domain.enums import Role


class AccessRecord(Model):
    """查询留痕: one delivery of a person's unmasked ID number or home count to someone other
    than the person and the registration centre (DESIGN §8). Append-only: nothing updates or
    deletes a record (on PostgreSQL a trigger refuses both, migration 0007)."""

    id = fields.BigIntField(primary_key=True)
    at = fields.DatetimeField()
    viewer_role = fields.CharEnumField(Role, max_length=16)
    viewer_subject = fields.CharField(max_length=200)
    # The ID number or credit code the viewer's token speaks for; null for department staff.
    viewer_party = fields.CharField(max_length=18, null=True)
    person_id_number = fields.CharField(max_length=18)
    # What was delivered: a field ("Party.idNumber", "Event.payload") or a query ("homesOwned").
    what = fields.CharField(max_length=64)
    request_id = fields.CharField(max_length=64)

    class Meta:
        table = "access_record"
        indexes = (("person_id_number", "at"), ("viewer_party", "at"))
