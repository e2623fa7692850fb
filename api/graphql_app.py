"""Strawberry's ASGI app with OneWindow's context: the viewer from the bearer token."""
from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import orjson
from graphql import GraphQLError
from starlette.requests import Request
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.types import ExecutionResult

from api import logs
from api.auth import AuthenticationError, PartyIdCache, TokenVerifier, bearer_token, viewer_from_claims
from api.settings import Settings
from api.ws_handler import BoundedWebSocketAdapter, SharedStreamsWSHandler
from resolvers.context import Context, Services
from resolvers.schema import schema
from subscriptions.shared import SharedStreams


class OneWindowGraphQL(GraphQL):
    graphql_transport_ws_handler_class = SharedStreamsWSHandler
    websocket_adapter_class = BoundedWebSocketAdapter

    def __init__(self, services: Services, verifier: TokenVerifier, settings: Settings | None = None) -> None:
        settings = settings or Settings()
        super().__init__(schema, graphql_ide="graphiql" if settings.graphiql_on else None,
                         # graphql-transport-ws: no connection_init in time closes with 4408.
                         connection_init_wait_timeout=timedelta(seconds=settings.ws_init_timeout_seconds))
        self.deadline = settings.request_deadline_seconds
        self.ws_max_message_bytes = settings.ws_max_message_bytes
        self.shared_streams = SharedStreams(settings.subscriber_queue)
        self.services = services
        self.verifier = verifier
        # A party's row id never changes once it exists: spare every request that lookup.
        self.party_ids = PartyIdCache()

    # orjson: a fifth of the time of the standard library on every request and response.
    def decode_json(self, data: str | bytes) -> object:
        return orjson.loads(data)

    def encode_json(self, data: object) -> str:
        return orjson.dumps(data).decode()  # text: WebSocket clients expect text frames

    async def execute_operation(self, request, request_adapter, request_data, context, root_value, sub_response):
        """Within the request deadline (ONEWINDOW_REQUEST_DEADLINE_SECONDS), or TIMEOUT."""
        if not self.deadline:
            return await super().execute_operation(request, request_adapter, request_data, context, root_value, sub_response)
        try:
            async with asyncio.timeout(self.deadline):
                return await super().execute_operation(request, request_adapter, request_data, context, root_value,
                                                       sub_response)
        except TimeoutError:
            return ExecutionResult(data=None, errors=[GraphQLError(
                f"the request took longer than {self.deadline:g} s and was stopped",
                extensions={"code": "TIMEOUT"})])

    async def get_context(self, request: Request | WebSocket, response: Any = None) -> Context:
        context = Context(self.services, None, request)
        if isinstance(request, WebSocket):
            return context  # authenticated in on_ws_connect, from connection_init
        context.request_id = request.scope.get("state", {}).get("request_id")
        try:
            token = bearer_token(request.headers.get("authorization"))
            if token:
                context.viewer = await viewer_from_claims(self.verifier.claims(token), self.party_ids)
        except AuthenticationError as error:
            context.auth_error = str(error)
        logs.note_viewer(context.viewer)
        return context

    async def execute_single(self, request, request_adapter, sub_response, context, root_value, request_data):
        result = await super().execute_single(request, request_adapter, sub_response, context, root_value, request_data)
        logs.note_result(request_data.query, request_data.operation_name, result)  # the request's log line and metrics
        return result

    async def on_ws_connect(self, context: Context) -> Any:
        params = context.connection_params or {}
        header = params.get("Authorization") or params.get("authorization")
        try:
            token = bearer_token(header) if isinstance(header, str) else None
            if token:
                context.viewer = await viewer_from_claims(self.verifier.claims(token), self.party_ids)
                context.fresh_loaders()
                logs.note_viewer(context.viewer)
        except AuthenticationError as error:
            raise ConnectionRejectionError({"code": "UNAUTHENTICATED", "message": str(error)}) from error
        return {"role": context.viewer.role.value} if context.viewer else None
