"""查询留痕 (DESIGN §8): who received a person's unmasked ID number or home count, written
before the response leaves.

Resolvers `note` each delivery on the operation's `AccessLog`; `AccessLogExtension` writes
what one result noted in one batched insert when the result is complete — for a query or
mutation before its response is sent, for a subscription before each event is sent.
"""

from __future__ import annotations

from strawberry.extensions import SchemaExtension

from domain.enums import Role
from domain.services.access_log import record_reads
from domain.viewer import Viewer
from resolvers.request_ids import request_id


class AccessLog:
    """The audited deliveries of one operation (or one subscription event)."""

    def __init__(self, viewer: Viewer | None) -> None:
        self.viewer = viewer
        self.noted: dict[tuple[str, str], None] = {}  # (person, what), in order, once each

    def audits(self, person_id_number: str) -> bool:
        """Everyone's reads but the person's own and the registration centre's are recorded."""
        viewer = self.viewer
        return viewer is not None and viewer.role != Role.REGISTRAR and viewer.party_id_number != person_id_number

    def note(self, person_id_number: str, what: str) -> None:
        if self.audits(person_id_number):
            self.noted[(person_id_number, what)] = None

    async def write(self, now, request_id_: str) -> None:
        if not self.noted or self.viewer is None:
            return
        reads, self.noted = list(self.noted), {}
        await record_reads(self.viewer, now, reads, request_id_)


class AccessLogExtension(SchemaExtension):
    """Writes each result's noted reads; a failed write fails the result (no unrecorded read)."""

    async def get_results(self) -> dict:
        context = self.execution_context.context
        log = getattr(getattr(context, "loaders", None), "access_log", None)
        if log is not None and log.noted:
            request = getattr(context, "request", None)
            await log.write(context.services.clock.now(), request_id(getattr(request, "scope", None)))
        return {}
