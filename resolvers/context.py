"""The typed request context every resolver receives, and the `Info` alias for it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

import strawberry

from domain.certificates import KeyRing
from domain.clock import Clock
from domain.policy import CountyPolicy
from domain.viewer import Viewer
from resolvers.limits import QueryLimits
from resolvers.loaders import Loaders


class Notifier(Protocol):
    hub: Any

    def committed(self) -> None: ...


@dataclass(frozen=True)
class Services:
    """What the API process hands the resolvers: policy, keys, the clock, event delivery."""

    policy: CountyPolicy
    keyring: KeyRing
    clock: Clock
    delivery: Notifier | None = None
    limits: QueryLimits = field(default_factory=QueryLimits)

    def committed(self) -> None:
        if self.delivery is not None:
            self.delivery.committed()


class Context:
    def __init__(self, services: Services, viewer: Viewer | None, request: Any = None) -> None:
        self.services = services
        self.viewer = viewer
        self.request = request
        # Set by strawberry on WebSocket connections from the connection_init payload.
        self.connection_params: dict | None = None
        self.auth_error: str | None = None
        # Set by the HTTP layer (api/admission.py); errors and logs name the request by it.
        self.request_id: str | None = None
        self.last_seq: int | None = None
        self.loaders = Loaders(viewer)

    def fresh_loaders(self) -> None:
        """One set of loaders per operation, so a long WebSocket never serves stale rows."""
        self.loaders = Loaders(self.viewer)

    def require_viewer(self) -> Viewer:
        if self.viewer is None:
            raise PermissionError("not signed in")
        return self.viewer


Info = strawberry.Info[Context, None]
