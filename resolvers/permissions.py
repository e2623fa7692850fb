"""Sign-in is required for every field except the public ones (DESIGN §1)."""
from __future__ import annotations

import functools
from typing import Any

import strawberry
from strawberry.permission import BasePermission

from domain.viewer import Viewer
from resolvers.context import Info


class IsAuthenticated(BasePermission):
    message = "sign in first: send 'Authorization: Bearer <token>'"
    error_extensions = {"code": "UNAUTHENTICATED"}

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        if info.context.auth_error:
            self.message = info.context.auth_error
        return info.context.viewer is not None


signed_in_field = functools.partial(strawberry.field, permission_classes=[IsAuthenticated])
signed_in_mutation = functools.partial(strawberry.mutation, permission_classes=[IsAuthenticated])


def viewer_of(info: Info) -> Viewer:
    return info.context.require_viewer()
