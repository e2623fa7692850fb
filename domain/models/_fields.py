"""Field shapes used across models, so money and area are declared once."""
from tortoise import fields


def money(**kwargs):
    """CNY with two decimals; Decimal end to end, never float."""
    return fields.DecimalField(max_digits=16, decimal_places=2, **kwargs)


def area(**kwargs):
    """Square metres with two decimals."""
    return fields.DecimalField(max_digits=10, decimal_places=2, **kwargs)
