"""The Starlette application: /graphql (HTTP, WebSocket, GraphiQL), /healthz, /readyz."""
from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route, WebSocketRoute
from tortoise import Tortoise, connections

from api.admission import AdmissionLimit
from api.auth import TokenVerifier
from api.db import init_orm
from api.graphql_app import OneWindowGraphQL
from api.keys import load_keyring
from api.settings import Settings
from api.timing import ServerTiming
from domain.clock import Clock, SystemClock
from domain.services.context import system_use_case
from domain.services.time_rules import sweep
from domain.unit_of_work import Database
from resolvers.context import Services
from subscriptions.delivery import Delivery

log = logging.getLogger("onewindow")


def create_app(settings: Settings | None = None, clock: Clock | None = None) -> Starlette:
    """Build the app; nothing connects until the lifespan starts."""
    settings = settings or Settings.from_env()
    settings.check_production_keys()
    delivery = Delivery(settings.broadcast_url, settings.log_poll_seconds, settings.subscriber_queue)
    services = Services(policy=settings.policy, keyring=load_keyring(settings), clock=clock or SystemClock(), delivery=delivery)
    graphql = OneWindowGraphQL(services, TokenVerifier.from_settings(settings), settings.subscriber_queue)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):
        database = await init_orm(settings.database_url)
        await delivery.start()
        # What start-up built (schema, models, caches) lives as long as the process: full
        # collections need not walk it again.
        gc.freeze()
        sweeper = asyncio.create_task(sweep_periodically(services, settings.sweep_seconds, database))
        try:
            yield
        finally:
            sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sweeper
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
        return JSONResponse({"status": "ok", "database": "ok",
                             "broadcast": "connected" if delivery.doorbell.connected else "polling"})

    return Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
        ],
        lifespan=lifespan,
        # Outermost first: the wait for admission is part of the request's Server-Timing.
        middleware=[Middleware(ServerTiming), Middleware(AdmissionLimit, limit=settings.max_concurrent_requests)],
    )


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
    logging.basicConfig(level=logging.INFO)
    # Garbage-collector pacing, measured (bench/README.md): a young-generation pass costs
    # about 1-2 µs per object it looks at, and with a threshold of 50,000 passes took 40-80 ms
    # in the middle of requests. At 5,000 a pass takes about 2 ms (40-50 passes per worker in
    # a benchmark run of 800 sales, ~1 % of its time); full passes stay as rare as before
    # (every 20 million allocations), because thousands of long-lived WebSocket subscribers
    # make each one long.
    gc.set_threshold(5_000, 40, 100)
    return create_app()
