"""Who is asking: the verified claims of a request, free of any web framework."""

from __future__ import annotations

from dataclasses import dataclass, field

from domain.enums import LENDER_ROLES, ROLES_SEEING_EVERYTHING, Role


@dataclass(frozen=True)
class Viewer:
    subject: str
    role: Role
    # The party the token speaks for: its ID number from the `party` claim, and its row
    # id once the party exists on the platform (a new buyer may not exist yet).
    party_id_number: str | None = None
    party_id: int | None = None
    amr: frozenset[str] = field(default_factory=frozenset)

    @property
    def sees_everything(self) -> bool:
        return self.role in ROLES_SEEING_EVERYTHING

    @property
    def is_lender(self) -> bool:
        return self.role in LENDER_ROLES

    def authenticated_by(self, method: str) -> bool:
        return method in self.amr
