"""Sign-in is required for every field except the public ones (DESIGN §1)."""

from __future__ import annotations

import functools
from typing import Any, ClassVar

import strawberry
from graphql import GraphQLError
from strawberry.permission import BasePermission

from domain.viewer import Viewer
from resolvers import errors
from resolvers.context import Info
from resolvers.errors import SIGN_IN_FIRST


class IsAuthenticated(BasePermission):
    # One instance serves every request: the reason a request is refused (an expired token,
    # say) is raised with that request's error, never kept here.
    message = SIGN_IN_FIRST
    error_extensions: ClassVar[dict[str, Any]] = {"code": "UNAUTHENTICATED"}

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        if info.context.viewer is None:
            raise not_signed_in(info)
        return True


def not_signed_in(info: Info) -> GraphQLError:
    """The error IsAuthenticated gives, for code that checks sign-in itself."""
    return errors.not_signed_in(info.context)


signed_in_field = functools.partial(strawberry.field, permission_classes=[IsAuthenticated])
# Every mutation checks sign-in where it builds its use case (`mutations.common.use_case`):
# strawberry's permission extension around a field costs more than the check itself.
signed_in_mutation = strawberry.mutation


def viewer_of(info: Info) -> Viewer:
    return info.context.require_viewer()
