"""更正登记: which recorded facts of an ownership right a correction may change, and to what,
and the checks a registrar reads before deciding it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from domain.rules import validation
from domain.rules.advance_notice import Check

BUILDING_AREA, ADDRESS, HOLDER_NAME = "buildingArea", "address", "holderName"
FIELDS = (BUILDING_AREA, ADDRESS, HOLDER_NAME)


@dataclass(frozen=True)
class Recorded:
    building_area: Decimal
    address: str
    # Each holder's party id -> (name on the register, name in the shared population data or None).
    holder_names: Mapping[int, tuple[str, str | None]]


def checked_corrections(corrections: Sequence[tuple[str, str]], recorded: Recorded) -> dict[str, Any]:
    """The corrections as stored: {"buildingArea": "90.12", "address": "…", "holderName": {party id: name}}.
    A holder's name is corrected only to what the shared data has for that holder; a holder who
    has no shared record may be given the name too (the only one whose name differs), and the
    DATA_COMPLETE check (correction_checks) then tells the registrar it could not be checked."""
    validation.at_least_one(corrections, ["input", "corrections"], "correction")
    checked: dict[str, Any] = {}
    for i, (name, value) in enumerate(corrections):
        field = ["input", "corrections", str(i), "field"]
        value_field = ["input", "corrections", str(i), "value"]
        if name not in FIELDS:
            raise validation.InvalidInput(f"a correction changes one of {', '.join(FIELDS)}", field)
        if name in checked and name != HOLDER_NAME:
            raise validation.InvalidInput("this field is corrected twice", field)
        if name == BUILDING_AREA:
            try:
                area = validation.area(Decimal(value.strip()), value_field)
            except InvalidOperation:
                raise validation.InvalidInput("not an area in m²", value_field) from None
            if area == recorded.building_area:
                raise validation.InvalidInput("the register records this area already", value_field)
            checked[name] = area
        elif name == ADDRESS:
            address = validation.required_text(value, value_field, 200)
            if address == recorded.address:
                raise validation.InvalidInput("the register records this address already", value_field)
            checked[name] = address
        else:
            wanted = validation.required_text(value, value_field, 100)
            holders = [
                p for p, (current, shared) in recorded.holder_names.items() if shared == wanted and current != wanted
            ]
            if not holders:
                holders = [
                    p for p, (current, shared) in recorded.holder_names.items() if shared is None and current != wanted
                ]
            if not holders:
                raise validation.InvalidInput(
                    "no holder's name differs from this name in the shared population data", value_field
                )
            if len(holders) > 1:
                raise validation.InvalidInput(
                    "several holders have no shared population record: this name cannot be given to one of them",
                    value_field,
                )
            checked.setdefault(name, {}).update({holders[0]: wanted})
    return checked


def correction_checks(checked: Mapping[str, Any], recorded: Recorded) -> list[Check]:
    """DATA_COMPLETE: each holder's name corrected "as shared data has it" has a shared record to
    have it from. A registrar decides every correction; a failed check says what it must verify."""
    names: Mapping[int, str] = checked.get(HOLDER_NAME, {})
    unrecorded = [recorded.holder_names[p][0] for p in names if recorded.holder_names[p][1] is None]
    if unrecorded:
        return [
            Check(
                "DATA_COMPLETE",
                False,
                f"no shared population record for: {', '.join(unrecorded)}, so the new name cannot be "
                "checked against shared data; the registrar verifies it against the applicant's documents",
            )
        ]
    if names:
        return [Check("DATA_COMPLETE", True, "each corrected name is the one in the shared population data")]
    return [Check("DATA_COMPLETE", True, "no correction depends on shared population data")]
