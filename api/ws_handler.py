"""graphql-transport-ws with shared streams: live subscriptions that ask the same, with the same
visibility, are executed once per event (resolvers/shared_streams.py); all else as strawberry does."""

from __future__ import annotations

import json
from contextlib import suppress
from json import JSONDecodeError

from starlette.websockets import WebSocketDisconnect, WebSocketState
from strawberry.asgi import ASGIWebSocketAdapter
from strawberry.http.exceptions import NonJsonMessageReceived, NonTextMessageReceived, WebSocketDisconnected
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import BaseGraphQLTransportWSHandler, Operation
from strawberry.types.execution import PreExecutionError

from api.persisted import PersistedQueryError
from resolvers.context import Context
from resolvers.shared_streams import shared_key


class BoundedWebSocketAdapter(ASGIWebSocketAdapter):
    """Refuses a message over ONEWINDOW_WS_MAX_MESSAGE_BYTES: closes with 1009 (message too
    big) before parsing it. uvicorn's ws_max_size bounds frames too, where it is set."""

    async def iter_json(self, *, ignore_parsing_errors: bool = False):
        limit = getattr(self.view, "ws_max_message_bytes", 0)
        try:
            while self.ws.application_state != WebSocketState.DISCONNECTED:
                try:
                    text = await self.ws.receive_text()
                    if limit and len(text) > limit:
                        await self.close(1009, f"message larger than {limit} bytes")
                        return
                    yield self.view.decode_json(text)
                except JSONDecodeError as error:
                    if not ignore_parsing_errors:
                        raise NonJsonMessageReceived from error
        except KeyError as error:
            raise NonTextMessageReceived from error
        except WebSocketDisconnect:
            pass


class SharedStreamsWSHandler(BaseGraphQLTransportWSHandler):
    async def run_operation(self, operation: Operation) -> None:
        context: Context = self.context
        persisted = getattr(self.view, "persisted", None)
        if persisted is not None:  # ONEWINDOW_PERSISTED_ONLY holds over WebSocket too
            try:
                persisted.resolve(operation.query, None)
            except PersistedQueryError as error:
                await operation.send_initial_errors([error.graphql_error()])
                return
        key = shared_key(operation.query, operation.variables, operation.operation_name, context.viewer)
        shared = getattr(self.view, "shared_streams", None)
        if key is None or shared is None:
            return await super().run_operation(operation)
        group_context = Context(context.services, context.viewer)

        def open_stream():
            return self.schema.stream(
                operation.query,
                variable_values=operation.variables,
                context_value=group_context,
                root_value=self.root_value,
                operation_name=operation.operation_name,
            )

        try:
            async with shared.join(key, open_stream, lambda: group_context.last_seq) as member:
                first = True
                async for result, encoded in member:
                    if first and isinstance(result, PreExecutionError):
                        await operation.send_initial_errors(result.errors)
                        return
                    first = False
                    if encoded is None:
                        await operation.send_next(result)
                    else:
                        await self._send_encoded_next(operation, encoded)
            await operation.send_operation_message({"id": operation.id, "type": "complete"})
        except Exception as error:
            if hasattr(error, "formatted"):  # the member fell behind: a GraphQL error it can act on
                await operation.send_initial_errors([error])
                return
            await self.handle_task_exception(error)
            with suppress(Exception):
                await operation.send_operation_message({"id": operation.id, "type": "complete"})
            raise

    async def _send_encoded_next(self, operation: Operation, payload: str) -> None:
        """A `next` message around a payload the group encoded once for all its members."""
        if operation.completed:
            return
        try:
            await self.websocket.ws.send_text(
                '{"id":' + json.dumps(operation.id) + ',"type":"next","payload":' + payload + "}"
            )
        except WebSocketDisconnect as error:
            raise WebSocketDisconnected from error
