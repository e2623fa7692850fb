"""Strawberry's ASGI app with OneWindow's context: the viewer from the bearer token."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import orjson
from graphql import GraphQLError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.types import ExecutionResult
from strawberry.types.unset import UNSET

from api import graphiql, logs
from api.auth import AuthenticationError, PartyIdCache, TokenVerifier, bearer_token, viewer_from_claims
from api.persisted import PersistedQueries, PersistedQueryError
from api.settings import Settings
from api.ws_handler import BoundedWebSocketAdapter, SharedStreamsWSHandler
from resolvers.context import Context, Services
from resolvers.request_ids import request_id
from resolvers.schema import schema
from resolvers.shared_streams import SharedStreams

GRAPHQL_RESPONSE = "application/graphql-response+json; charset=utf-8"


def wants_graphql_response(accept: str | None) -> bool:
    """Whether the Accept header prefers application/graphql-response+json to application/json."""
    best: dict[str, float] = {}
    for position, item in enumerate((accept or "").split(",")):
        media, *params = [part.strip() for part in item.split(";")]
        quality = next(
            (float(p[2:]) for p in params if p.startswith("q=") and p[2:].replace(".", "", 1).isdigit()), 1.0
        )
        best.setdefault(media.lower(), quality - position * 1e-6)  # equal q: the first listed wins
    ours = best.get("application/graphql-response+json", 0.0)
    return ours > 0 and ours > best.get("application/json", 0.0)


class OneWindowGraphQL(GraphQL):
    graphql_transport_ws_handler_class = SharedStreamsWSHandler
    websocket_adapter_class = BoundedWebSocketAdapter

    def __init__(
        self,
        services: Services,
        verifier: TokenVerifier,
        settings: Settings | None = None,
        persisted: PersistedQueries | None = None,
    ) -> None:
        settings = settings or Settings()
        super().__init__(
            schema,
            graphql_ide="graphiql" if settings.graphiql_on else None,
            # graphql-transport-ws: no connection_init in time closes with 4408.
            connection_init_wait_timeout=timedelta(seconds=settings.ws_init_timeout_seconds),
        )
        self.graphiql_on = settings.graphiql_on
        self.persisted = persisted
        self.deadline = settings.request_deadline_seconds
        self.ws_max_message_bytes = settings.ws_max_message_bytes
        self.shared_streams = SharedStreams(settings.subscriber_queue)
        self.services = services
        self.verifier = verifier
        # A party's row id never changes once it exists: spare every request that lookup.
        self.party_ids = PartyIdCache()

    def should_render_graphql_ide(self, request) -> bool:
        # A GET with only a persisted query's hash is an operation, not a browser.
        return super().should_render_graphql_ide(request) and request.query_params.get("extensions") is None

    async def render_graphql_ide(self, request: Request) -> Response:
        if not self.graphiql_on:
            raise HTTPException(404)  # Starlette answers it, as for any unknown page
        return graphiql.page()

    async def execute_single(self, request, request_adapter, sub_response, context, root_value, request_data):
        result = None
        if self.persisted is not None:
            try:
                request_data.query = self.persisted.resolve(request_data.query, request_data.extensions)
            except PersistedQueryError as error:
                result = ExecutionResult(data=None, errors=[error.graphql_error()])
        if result is None:
            result = await super().execute_single(
                request, request_adapter, sub_response, context, root_value, request_data
            )
        logs.note_result(request_data.query, request_data.operation_name, result)  # the request's log line and metrics
        return result

    # GraphQL over HTTP: a client that asks for application/graphql-response+json gets it, and a
    # request that never executed (not parsed, not valid, variables not coerced) is a 400
    # without `data`; with application/json every GraphQL answer stays a 200, as before.
    async def process_result(self, request: Request, result: ExecutionResult) -> dict:
        response = await super().process_result(request, result)
        if wants_graphql_response(request.headers.get("accept")):
            request.state.graphql_response = True
            if result.data is None and result.errors and all(error.path is None for error in result.errors):
                response.pop("data", None)
                request.state.request_error = True
        return response

    async def run(self, request, context=UNSET, root_value=UNSET):
        response = await super().run(request, context, root_value)
        if isinstance(request, Request) and getattr(request.state, "graphql_response", False):
            response.headers["content-type"] = GRAPHQL_RESPONSE
            if getattr(request.state, "request_error", False):
                response.status_code = 400
        return response

    # orjson: a fifth of the time of the standard library on every request and response.
    def decode_json(self, data: str | bytes) -> object:
        return orjson.loads(data)

    def encode_json(self, data: object) -> str:
        return orjson.dumps(data).decode()  # text: WebSocket clients expect text frames

    async def execute_operation(self, request, request_adapter, request_data, context, root_value, sub_response):
        """Within the request deadline (ONEWINDOW_REQUEST_DEADLINE_SECONDS), or TIMEOUT."""
        if not self.deadline:
            return await super().execute_operation(
                request, request_adapter, request_data, context, root_value, sub_response
            )
        try:
            async with asyncio.timeout(self.deadline):
                return await super().execute_operation(
                    request, request_adapter, request_data, context, root_value, sub_response
                )
        except TimeoutError:
            return ExecutionResult(
                data=None,
                errors=[
                    GraphQLError(
                        f"the request took longer than {self.deadline:g} s and was stopped",
                        extensions={"code": "TIMEOUT"},
                    )
                ],
            )

    async def get_context(self, request: Request | WebSocket, response: Any = None) -> Context:
        context = Context(self.services, None, request)
        if isinstance(request, WebSocket):
            return context  # authenticated in on_ws_connect, from connection_init
        context.request_id = request_id(request.scope)  # the one of the log line and the read audit
        try:
            token = bearer_token(request.headers.get("authorization"))
            if token:
                context.viewer = await viewer_from_claims(self.verifier.claims(token), self.party_ids)
        except AuthenticationError as error:
            context.auth_error = str(error)
        logs.note_viewer(context.viewer)
        return context

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
