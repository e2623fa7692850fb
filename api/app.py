"""The Starlette application: /graphql (HTTP, WebSocket, GraphiQL), /healthz, /readyz, and the
documents (certificate and contract PDFs, /verify, the archive: api/documents.py)."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import hmac
import logging
import os
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from tortoise import Tortoise, connections

from api import graphiql, logs, metrics
from api.admission import AdmissionLimit, RefusalBudget
from api.auth import TokenVerifier, request_identity
from api.db import init_orm
from api.documents import DocumentRoutes
from api.graphql_app import OneWindowGraphQL
from api.keys import load_keyring
from api.persisted import PersistedQueries
from api.settings import Settings
from domain.clock import Clock, SystemClock
from domain.services.context import system_use_case
from domain.services.time_rules import sweep
from domain.unit_of_work import Database
from resolvers.context import Services
from subscriptions.delivery import Delivery

log = logging.getLogger("onewindow")
# The console's build (`make install`: npm ci && npm run build in console/).
CONSOLE_DIR = Path(__file__).resolve().parent.parent / "console" / "dist"


def create_app(settings: Settings | None = None, clock: Clock | None = None) -> Starlette:
    """Build the app; nothing connects until the lifespan starts."""
    settings = settings or Settings.from_env()
    settings.check_production_keys()
    delivery = Delivery(settings.broadcast_url, settings.log_poll_seconds, settings.subscriber_queue)
    services = Services(
        policy=settings.policy,
        keyring=load_keyring(settings),
        clock=clock or SystemClock(),
        delivery=delivery,
        limits=settings.query_limits(),
    )
    verifier = TokenVerifier.from_settings(settings)
    persisted = PersistedQueries(settings.persisted_documents_path, settings.persisted_only)
    graphql = OneWindowGraphQL(services, verifier, settings, persisted)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):
        database = await init_orm(settings.database_url, statement_timeout=settings.statement_timeout)
        await delivery.start()
        # What start-up built (schema, models, caches) lives as long as the process: full
        # collections need not walk it again.
        gc.freeze()
        background = [asyncio.create_task(sweep_periodically(services, settings.sweep_seconds, database))]
        if settings.metrics_token and metrics.multiprocess():
            background.append(asyncio.create_task(sampler.run()))
        try:
            yield
        finally:
            for task in background:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await delivery.stop()
            await Tortoise.close_connections()

    async def healthz(request: Request) -> JSONResponse:
        # The process that answered: with several workers, shows how connections are spread.
        return JSONResponse({"status": "ok", "worker": os.getpid()})

    async def readyz(request: Request) -> JSONResponse:
        try:
            await connections.get("default").execute_query("SELECT 1")
        except Exception as error:  # any failure to answer means not ready
            log.warning("readiness check failed: %s", error)
            return JSONResponse({"status": "unavailable", "database": str(error)}, status_code=503)
        return JSONResponse(
            {"status": "ok", "database": "ok", "broadcast": "connected" if delivery.doorbell.connected else "polling"}
        )

    sampler = metrics.Sampler(delivery.hub)

    async def metrics_endpoint(request: Request) -> Response:
        # Not public: only with ONEWINDOW_METRICS_TOKEN set, and only for its bearer.
        if not settings.metrics_token:
            return Response("Not Found", status_code=404)
        given = (request.headers.get("authorization") or "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(given.encode(), settings.metrics_token.encode()):
            return Response(
                "a bearer token (ONEWINDOW_METRICS_TOKEN) is required",
                status_code=401,
                headers={"WWW-Authenticate": "Bearer"},
            )
        try:
            await sampler.sample()
        except Exception as error:  # the counters are still worth serving while the database is away
            log.warning("sampling the metrics failed: %s", error)
        body, content_type = metrics.exposition()
        return Response(body, media_type=content_type)

    return Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/metrics", metrics_endpoint),
            *graphiql.routes(settings.graphiql_on),
            Route("/console", lambda request: RedirectResponse("/console/")),
            Mount("/console", StaticFiles(directory=CONSOLE_DIR, html=True, check_dir=False)),
            *DocumentRoutes(services, graphql.verifier, graphql.party_ids).routes(),
        ],
        lifespan=lifespan,
        # Outermost first: the request's id and log line cover everything (CORS answers a
        # preflight before admission); the wait for admission is part of the request's Server-Timing.
        middleware=[
            Middleware(logs.RequestLog, access_log=settings.access_log),
            *cors(settings.cors_origins),
            Middleware(
                AdmissionLimit,
                limit=settings.max_concurrent_requests,
                identify=request_identity(verifier),
                max_body_bytes=settings.max_body_bytes,
                max_anonymous_body_bytes=settings.max_anonymous_body_bytes,
                refusals=refusal_budget(settings),
            ),
        ],
    )


def refusal_budget(settings: Settings) -> RefusalBudget | None:
    if not (settings.refusal_burst and settings.refusals_per_minute):
        return None
    return RefusalBudget(
        settings.refusals_per_minute / 60, settings.refusal_burst, max_wait=settings.request_deadline_seconds
    )


def cors(origins: tuple[str, ...]) -> list[Middleware]:
    """Browsers on the allow-listed origins (ONEWINDOW_CORS_ORIGINS) may call /graphql; none by default."""
    if not origins:
        return []
    return [
        Middleware(
            CORSMiddleware,
            allow_origins=list(origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type", "Accept", "X-Request-ID"],
            expose_headers=["Server-Timing", "X-Request-ID"],
            max_age=600,
        )
    ]


async def sweep_periodically(services: Services, every_seconds: float, database: Database | None = None) -> None:
    """Time rules inside the server; every process may run them, each change is idempotent."""
    use_case = system_use_case(services.clock, services.policy, services.keyring, database)
    while True:
        await asyncio.sleep(every_seconds)
        try:
            report = await sweep(use_case)
            if report.seizures_lapsed or report.advance_notices_lapsed or report.objections_lapsed:
                services.committed()
                log.info("time rules: %s", report)
        except Exception:  # the next round tries again; one bad row must not stop the sweeper
            log.exception("time rules failed")


def app_from_env() -> Starlette:
    """Factory for uvicorn (`api.app:app_from_env`, factory=True), one per worker process."""
    settings = Settings.from_env()
    logs.configure(settings.effective_log_format)
    # Garbage-collector pacing, measured (bench/README.md): a young-generation pass costs
    # about 1-2 µs per object it looks at, and with a threshold of 50,000 passes took 40-80 ms
    # in the middle of requests. At 5,000 a pass takes about 2 ms (40-50 passes per worker in
    # a benchmark run of 800 sales, ~1 % of its time); full passes stay as rare as before
    # (every 20 million allocations), because thousands of long-lived WebSocket subscribers
    # make each one long.
    gc.set_threshold(5_000, 40, 100)
    return create_app(settings)
