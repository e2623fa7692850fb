"""Strawberry's ASGI app with OneWindow's context: the viewer from the bearer token."""
from __future__ import annotations

from typing import Any

import orjson
from starlette.requests import Request
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError

from api import logs
from api.auth import AuthenticationError, PartyIdCache, TokenVerifier, bearer_token, viewer_from_claims
from api.ws_handler import SharedStreamsWSHandler
from resolvers.context import Context, Services
from resolvers.schema import schema
from subscriptions.shared import SharedStreams


class OneWindowGraphQL(GraphQL):
    graphql_transport_ws_handler_class = SharedStreamsWSHandler

    def __init__(self, services: Services, verifier: TokenVerifier, subscriber_queue: int = 1000) -> None:
        super().__init__(schema, graphql_ide="graphiql")
        self.shared_streams = SharedStreams(subscriber_queue)
        self.services = services
        self.verifier = verifier
        # A party's row id never changes once it exists: spare every request that lookup.
        self.party_ids = PartyIdCache()

    # orjson: a fifth of the time of the standard library on every request and response.
    def decode_json(self, data: str | bytes) -> object:
        return orjson.loads(data)

    def encode_json(self, data: object) -> str:
        return orjson.dumps(data).decode()  # text: WebSocket clients expect text frames

    async def get_context(self, request: Request | WebSocket, response: Any = None) -> Context:
        context = Context(self.services, None, request)
        if isinstance(request, WebSocket):
            return context  # authenticated in on_ws_connect, from connection_init
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
