"""Records of the county's big-data platform (DESIGN §6), parsed and checked line by line."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from domain.enums import LicenceStatus, MaritalStatus
from domain.errors import DomainError
from domain.rules import identity


class RecordRejected(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class PersonRecord:
    id_number: str
    name: str
    marital_status: MaritalStatus
    spouse_id_number: str | None
    children_id_numbers: tuple[str, ...]
    household_address: str


@dataclass(frozen=True)
class OrganizationRecord:
    id_number: str
    name: str
    licence_status: LicenceStatus


def parse(text: str) -> PersonRecord | OrganizationRecord:
    """One JSON Lines record, or RecordRejected saying what is wrong with it."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RecordRejected(f"bad JSON: {exc.msg} at column {exc.colno}") from exc
    if not isinstance(data, dict):
        raise RecordRejected("bad JSON: a record must be an object")
    kind = data.get("type")
    if kind == "person":
        return _person(data)
    if kind == "organization":
        return _organization(data)
    raise RecordRejected(f"unknown record type {kind!r} (expected 'person' or 'organization')")


def _name(data: dict[str, Any]) -> str:
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise RecordRejected("name is missing")
    return name.strip()


def _resident_id(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise RecordRejected(f"invalid ID number in {what}: missing")
    try:
        return identity.resident_id(value)
    except DomainError as exc:
        raise RecordRejected(f"invalid ID number in {what}: {exc.message}") from exc


def _person(data: dict[str, Any]) -> PersonRecord:
    id_number = _resident_id(data.get("idNumber"), "idNumber")
    try:
        status = MaritalStatus(data.get("maritalStatus"))
    except ValueError as exc:
        raise RecordRejected(f"unknown marital status {data.get('maritalStatus')!r}") from exc
    spouse = data.get("spouseIdNumber") or None
    if spouse is not None:
        spouse = _resident_id(spouse, "spouseIdNumber")
    children = data.get("childrenIdNumbers") or []
    if not isinstance(children, list):
        raise RecordRejected("childrenIdNumbers must be a list")
    address = data.get("householdAddress") or ""
    if not isinstance(address, str):
        raise RecordRejected("householdAddress must be text")
    return PersonRecord(
        id_number=id_number,
        name=_name(data),
        marital_status=status,
        spouse_id_number=spouse,
        children_id_numbers=tuple(_resident_id(c, "childrenIdNumbers") for c in children),
        household_address=address.strip(),
    )


def _organization(data: dict[str, Any]) -> OrganizationRecord:
    value = data.get("idNumber")
    try:
        code = identity.credit_code(value if isinstance(value, str) else "")
    except DomainError as exc:
        raise RecordRejected(f"invalid ID number in idNumber: {exc.message}") from exc
    try:
        status = LicenceStatus(data.get("licenceStatus"))
    except ValueError as exc:
        raise RecordRejected(f"unknown licence status {data.get('licenceStatus')!r}") from exc
    return OrganizationRecord(id_number=code, name=_name(data), licence_status=status)
