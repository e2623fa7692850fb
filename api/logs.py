"""Logs: one line per request, JSON in production, readable text on the embedded default
(ONEWINDOW_LOG_FORMAT = json | text).

Every line, whatever logged it, passes `redact`: a bearer token never reaches a log, and an ID
number is masked as the API masks it for strangers (4115**********123X), because logs are read
by more people than may see a buyer's ID number.
"""

from __future__ import annotations

import logging
import re
import time
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime

import orjson
from graphql import GraphQLError, OperationDefinitionNode
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api import metrics, request_id
from domain.masking import mask_id_number
from resolvers.extensions import parsed  # the same cache the execution parses with
from resolvers.limits import DEFAULT_MAX_TOKENS

REQUEST_LOGGER = logging.getLogger("onewindow.request")

# A resident ID number (18 characters, the last a digit or X) standing alone in any text.
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[0-9Xx](?![0-9A-Za-z])")
# A JWT: three base64url parts, the first a JSON object ("eyJ").
_TOKEN = re.compile(r"eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")


def redact(text: str) -> str:
    text = _TOKEN.sub("[token]", text)
    return _ID_NUMBER.sub(lambda m: mask_id_number(m.group()), text)


@dataclass
class RequestNote:
    """What one request's log line and metrics say; filled in as the request goes."""

    request_id: str
    method: str
    path: str
    started: float = field(default_factory=time.perf_counter)
    operation: str | None = None
    outcome: str | None = None
    role: str | None = None
    subject: str | None = None
    codes: list[str] = field(default_factory=list)
    status: int | None = None


_note: ContextVar[RequestNote | None] = ContextVar("onewindow_request_note", default=None)


def current_note() -> RequestNote | None:
    return _note.get()


def note_viewer(viewer) -> None:
    note = _note.get()
    if note is not None and viewer is not None:
        note.role, note.subject = viewer.role.value, viewer.subject


def note_result(query: str | None, operation_name: str | None, result) -> None:
    """The operation a GraphQL request ran and how it ended (called by the view)."""
    note = _note.get()
    if note is None:
        return
    note.operation = metrics.operation_label(_operation_name(query, operation_name))
    codes: list[str] = []
    if result.errors:
        codes = [str((e.extensions or {}).get("code") or "GRAPHQL_ERROR") for e in result.errors]
        note.outcome = "error"
    for value in (result.data or {}).values():  # mutation payloads: { userErrors { code } }
        if isinstance(value, dict) and value.get("userErrors"):
            codes += [str(e.get("code")) for e in value["userErrors"] if isinstance(e, dict) and e.get("code")]
            note.outcome = note.outcome or "user_error"
    note.codes = codes
    note.outcome = note.outcome or "ok"


def _operation_name(query: str | None, given: str | None) -> str:
    """The operation's name; for an anonymous one its type and root fields (`mutation fileContract`)."""
    if given:
        return given
    if not query:
        return "none"
    try:
        document = parsed(query, DEFAULT_MAX_TOKENS)
    except GraphQLError:
        return "unparsable"
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if len(operations) != 1:
        return "ambiguous"
    operation = operations[0]
    if operation.name:
        return operation.name.value
    fields = sorted({s.name.value for s in operation.selection_set.selections if hasattr(s, "name")})
    return f"{operation.operation.value} {','.join(fields)}"


class RequestLog:
    """Outermost middleware: takes or makes the request id, returns it as X-Request-ID with the
    request's Server-Timing (`app;dur=<ms>`), and when
    the response is sent writes the request's line (a WebSocket's when it closes) and, for
    GraphQL requests over HTTP, its metrics."""

    def __init__(self, app: ASGIApp, access_log: bool = True, graphql_path: str = "/graphql") -> None:
        self.app = app
        self.access_log = access_log
        self.graphql_path = graphql_path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        rid = request_id.begin(scope)
        note = RequestNote(rid, scope.get("method", "WS"), scope["path"])
        _note.set(note)
        header = (b"x-request-id", rid.encode())

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                note.status = message["status"]
                # Server-Timing: the server's own share of the request, admission's wait included,
                # which the benchmarks report beside what the client saw.
                elapsed = (time.perf_counter() - note.started) * 1000
                message["headers"] = [
                    *message.get("headers", []),
                    header,
                    (b"server-timing", f"app;dur={elapsed:.2f}".encode()),
                ]
            elif message["type"] == "websocket.accept":
                note.status = 101
                message["headers"] = [*message.get("headers", []), header]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            note.status, note.outcome = 500, "server_error"
            raise
        finally:
            self._done(scope, note)

    def _done(self, scope: Scope, note: RequestNote) -> None:
        seconds = time.perf_counter() - note.started
        if scope["type"] == "websocket":  # written when the connection closes
            note.status = note.status or 403
        if note.outcome is None:
            status = note.status or 500
            note.outcome = "ok" if status < 400 else "bad_request" if status < 500 else "server_error"
        # GraphQL requests: those that ran an operation, and those refused before one could run
        # (not the GraphiQL page).
        if (
            scope["type"] == "http"
            and scope["path"] == self.graphql_path
            and (note.operation is not None or (note.status or 500) >= 400)
        ):
            metrics.request_done(note.operation or "none", note.outcome, seconds, note.codes)
        if self.access_log:
            REQUEST_LOGGER.info(
                "%s %s %s",
                note.method,
                note.path,
                note.status or "-",
                extra={
                    "request": {
                        "request_id": note.request_id,
                        "method": note.method,
                        "path": note.path,
                        "status": note.status,
                        "operation": note.operation,
                        "outcome": note.outcome,
                        "role": note.role,
                        "subject": note.subject,
                        "codes": note.codes or None,
                        "duration_ms": round(seconds * 1000, 2),
                    }
                },
            )


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        rid = request_id.current()
        if rid:
            line["request_id"] = rid
        request = getattr(record, "request", None)
        if request:
            line.update({k: v for k, v in request.items() if v is not None})
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return redact(orjson.dumps(line).decode())


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)-7s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        request = getattr(record, "request", None)
        if request:
            fields = [f"{k}={v}" for k, v in request.items() if v is not None and k not in ("method", "path", "status")]
            text += " " + " ".join(fields)
        elif request_id.current():
            text += f" request_id={request_id.current()}"
        return redact(text)


def configure(log_format: str) -> None:
    """One handler on the root logger, in the chosen format; uvicorn's loggers go through it
    too, and its access log gives way to the request lines (which say more)."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    for name in ("uvicorn", "uvicorn.error"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    access = logging.getLogger("uvicorn.access")
    access.handlers.clear()
    access.propagate = False
    access.disabled = True
