from tortoise import fields
from tortoise.models import Model


class NumberSequence(Model):
    """A gapless counter (certificate numbers per kind and year, contract numbers per year).

    Taken with a row lock inside the transaction that uses the number, so a rolled-back
    transaction gives its number back.
    """

    name = fields.CharField(max_length=64, primary_key=True)
    value = fields.BigIntField(default=0)

    class Meta:
        table = "number_sequence"
