"""What every use case receives: who acts, the clock, the county's policy and signing keys."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from domain.certificates import KeyRing
from domain.clock import Clock
from domain.enums import Role
from domain.errors import DomainError
from domain.policy import CountyPolicy
from domain.timeutil import business_date
from domain.unit_of_work import Database, UnitOfWork, installed
from domain.viewer import Viewer


@dataclass(frozen=True)
class UseCase:
    viewer: Viewer
    clock: Clock
    policy: CountyPolicy
    keyring: KeyRing
    # The database strategy; None: the one api/db.py installed when the ORM started.
    database: Database | None = None

    def unit_of_work(self) -> UnitOfWork:
        """The transaction of this use case; its events occur now."""
        return UnitOfWork(self.database or installed(), self.now())

    def now(self) -> datetime:
        return self.clock.now()

    def today(self) -> date:
        return business_date(self.clock.now(), self.policy)

    def require_role(self, *roles: Role, action: str) -> None:
        if self.viewer.role not in roles:
            allowed = ", ".join(r.value for r in roles)
            raise DomainError("FORBIDDEN", f"only {allowed} may {action}")

    def require_face_signer(self, party_ids: Iterable[int], who: str) -> None:
        """The viewer is one of these people, and proved it by face recognition."""
        if self.viewer.party_id is None or self.viewer.party_id not in set(party_ids):
            raise DomainError("FORBIDDEN", f"only {who} sign it")
        if not self.viewer.authenticated_by("face"):
            raise DomainError("IDENTITY_UNVERIFIED", f"{who} sign after face recognition")

    def require_party(self) -> int:
        if self.viewer.party_id is None:
            raise DomainError("FORBIDDEN", "your token speaks for no party known to the platform")
        return self.viewer.party_id


def system_use_case(clock: Clock, policy: CountyPolicy, keyring: KeyRing, database: Database | None = None) -> UseCase:
    """The platform acting by itself (time rules), with the registration centre's authority."""
    return UseCase(Viewer(subject="system:time-rules", role=Role.REGISTRAR), clock, policy, keyring, database)
