"""Every error a client receives carries a code (DESIGN §8), and none echoes much input.

Rule errors (DomainError) carry theirs; parse and validation errors get GRAPHQL_PARSE_FAILED
and GRAPHQL_VALIDATION_FAILED, variables that do not fit their type INVALID_INPUT, a
statement PostgreSQL cancelled TIMEOUT. Anything else is a fault: the client is told
INTERNAL and a request id, and the server log gets the traceback under the same id.
"""

from __future__ import annotations

import contextlib
import logging
import re

from graphql import GraphQLError, GraphQLSyntaxError

from domain.errors import DomainError
from resolvers import request_ids
from resolvers.limits import TOO_COMPLEX

log = logging.getLogger("onewindow.errors")

PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
INVALID_INPUT = "INVALID_INPUT"
UNAUTHENTICATED = "UNAUTHENTICATED"
TIMEOUT = "TIMEOUT"
INTERNAL = "INTERNAL"
SIGN_IN_FIRST = "sign in first: send 'Authorization: Bearer <token>'"

# Input a message may quote (DESIGN §8: never more than 100 characters of it).
ECHO_MAX = 100
_QUOTED = re.compile(r"(['\"])(.*?)\1", re.DOTALL)
_LONG_WORD = re.compile(rf"[^\s'\"]{{{ECHO_MAX + 1},}}")
_TOO_MANY_TOKENS = re.compile(r"Document contains more than (\d+) tokens")
_SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?", re.DOTALL)


def not_signed_in(context) -> GraphQLError:
    """The request's own reason (an expired token, say), never another request's."""
    return GraphQLError(getattr(context, "auth_error", None) or SIGN_IN_FIRST, extensions={"code": UNAUTHENTICATED})


def request_id_of(context) -> str:
    """The request's one id (resolvers/request_ids.py): its log line's, its access records'."""
    request_id = getattr(context, "request_id", None)
    if not request_id:
        request_id = request_ids.request_id(getattr(getattr(context, "request", None), "scope", None))
        if context is not None:
            with contextlib.suppress(AttributeError):
                context.request_id = request_id
    return request_id


def truncate_echo(message: str) -> str:
    def shorten(match: re.Match) -> str:
        quote, inner = match.group(1), match.group(2)
        return match.group(0) if len(inner) <= ECHO_MAX else f"{quote}{inner[:ECHO_MAX]}…{quote}"

    message = _QUOTED.sub(shorten, message)
    return _LONG_WORD.sub(lambda m: m.group(0)[:ECHO_MAX] + "…", message)


def _cancelled_by_database(error: BaseException | None) -> bool:
    """asyncpg's QueryCanceledError (statement_timeout), however the ORM wrapped it."""
    seen = 0
    while error is not None and seen < 10:
        if type(error).__name__ == "QueryCanceledError":
            return True
        error = error.__cause__ or error.__context__
        seen += 1
    return False


def code_errors(errors: list[GraphQLError], context, suggestions: bool = True) -> list[tuple[GraphQLError, str]]:
    """Gives each error its code, in place; returns the faults (to be logged) with their
    original messages."""
    faults = []
    for error in errors:
        extensions = dict(error.extensions or {})
        original = error.original_error
        if not extensions.get("code"):
            if isinstance(original, DomainError):
                extensions.update(code=original.code.value, field=original.field)
            elif isinstance(original, PermissionError):
                error.message = not_signed_in(context).message
                extensions["code"] = UNAUTHENTICATED
            elif _cancelled_by_database(original):
                error.message = "the request took too long and was stopped"
                extensions["code"] = TIMEOUT
            elif isinstance(error, GraphQLSyntaxError) and (tokens := _TOO_MANY_TOKENS.search(error.message)):
                extensions.update(code=TOO_COMPLEX, limit="tokens", max=int(tokens.group(1)))
            elif isinstance(error, GraphQLSyntaxError):
                extensions["code"] = PARSE_FAILED
            elif error.path is None and error.message.startswith("Variable "):
                extensions["code"] = INVALID_INPUT  # a variable its type refused (the scalar's reason in the message)
            elif error.path is None and original is None:
                extensions["code"] = VALIDATION_FAILED
            else:
                faults.append((error, error.message))
                request_id = request_id_of(context)
                extensions.update(code=INTERNAL, requestId=request_id)
                error.message = f"internal error; quote request id {request_id}"
        if extensions.get("code") == INTERNAL and "requestId" not in extensions:
            extensions["requestId"] = request_id_of(context)
        error.extensions = extensions
        message = error.message if suggestions else _SUGGESTION.sub("", error.message)
        error.message = truncate_echo(message)
    return faults


def log_faults(faults: list[tuple[GraphQLError, str]], context) -> None:
    for error, message in faults:
        cause = error.original_error or error
        log.error(
            "request %s: %s at %s: %s",
            request_id_of(context),
            type(cause).__name__,
            ".".join(str(p) for p in error.path or ()) or "-",
            message,
            exc_info=(type(cause), cause, cause.__traceback__),
        )
