"""What every mutation resolver does: check the input, call the service, map errors, show the result.

No existence oracle (DESIGN §8): a mutation names its target (the global ID it acts on). When
the service refuses and the viewer may not see the target, the answer is the one an ID that
never existed gets — the service is asked again with such an ID — so code, message and field
cannot tell an unseen object from a missing one. FORBIDDEN stays for what the viewer may see.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from domain import models as m
from domain import visibility
from domain.errors import DomainError
from domain.services.context import UseCase
from resolvers.context import Info
from resolvers.ids import pk_of
from resolvers.inputs import check_input
from resolvers.payloads import user_errors
from resolvers.permissions import not_signed_in

P = TypeVar("P")  # the payload type
R = TypeVar("R")  # what the service returns, which `build` turns into the payload
# A primary key no row has: the service answers it as it answers any missing ID.
ABSENT_PK = -1

TARGET_MODELS: dict[str, type] = {
    "Contract": m.Contract,
    "Mortgage": m.Mortgage,
    "PresalePermit": m.Permit,
    "Property": m.Property,
    "Registration": m.Registration,
    "TaxRecord": m.TaxRecord,
}


@dataclass(frozen=True)
class Target:
    """The object a mutation acts on: its GraphQL type, the global ID given, the input field."""

    type_name: str
    global_id: str
    field: list[str]


def use_case(info: Info) -> UseCase:
    if info.context.viewer is None:
        raise not_signed_in(info)
    services = info.context.services
    return UseCase(info.context.viewer, services.clock, services.policy, services.keyring)


async def respond(
    payload: Callable[..., P],
    work: Callable[..., Awaitable[R]],
    build: Callable[[R], P | Awaitable[P]],
    info: Info,
    *,
    input: Any = None,
    target: Target | None = None,
) -> P:
    """Run `work` (given the use case, and the target's pk when there is a target); its
    DomainError becomes the payload's userErrors and nothing is stored."""
    case = use_case(info)
    try:
        if input is not None:
            check_input(input)
        if target is None:
            result = await work(case)
        else:
            pk = pk_of(target.global_id, target.type_name, target.field)
            try:
                result = await work(case, pk)
            except DomainError:
                if await _visible(case, target, pk):
                    raise
                await work(case, ABSENT_PK)  # raises what a missing ID gets
                raise DomainError("NOT_FOUND", f"no such {target.type_name}", target.field) from None
    except DomainError as error:
        return payload(user_errors=user_errors(error))
    info.context.services.committed()
    built = build(result)
    return await built if inspect.isawaitable(built) else built


async def _visible(case: UseCase, target: Target, pk: int) -> bool:
    return pk in await visibility.visible_pks(case.viewer, TARGET_MODELS[target.type_name], [pk])
