"""What every mutation resolver does: build the use case, call the service, map errors."""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from domain.errors import DomainError
from domain.services.context import UseCase
from resolvers.context import Info
from resolvers.payloads import user_errors
from resolvers.permissions import not_signed_in

P = TypeVar("P")


def use_case(info: Info) -> UseCase:
    if info.context.viewer is None:
        raise not_signed_in(info)
    services = info.context.services
    return UseCase(info.context.viewer, services.clock, services.policy, services.keyring)


async def respond(payload: type[P], work: Callable[[UseCase], Awaitable[Any]], build: Callable[[Any], P], info: Info) -> P:
    """Run `work`; its DomainError becomes the payload's userErrors and nothing is stored."""
    try:
        result = await work(use_case(info))
    except DomainError as error:
        return payload(user_errors=user_errors(error))
    info.context.services.committed()
    return build(result)
