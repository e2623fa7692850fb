"""Prometheus metrics (`/metrics`, with the bearer token ONEWINDOW_METRICS_TOKEN; no token set:
no /metrics at all).

Several workers (`onewindow serve --workers N`): prometheus-client's multiprocess mode. The
supervisor gives the workers one directory (PROMETHEUS_MULTIPROC_DIR, emptied at start); each
worker writes its values there and a scrape, whichever worker answers it, sums the counters
and histograms of all of them. Gauges say per metric how they combine (`multiprocess_mode`);
the per-process ones carry a `worker` label (its pid). Without that variable (one process,
as the tests' servers run) the usual in-process registry is served.

Gauges that are states rather than events (pool in use, log head, reader lag, subscribers) are
sampled: by the worker answering a scrape just before it answers, and by every worker every
SAMPLE_SECONDS in multiprocess mode, since a scrape reads the others' last samples.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client import multiprocess as mp
from tortoise import connections

from domain.eventlog import last_seq

MULTIPROCESS_DIR_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"
SAMPLE_SECONDS = 5.0
WORKER = str(os.getpid())

REQUESTS = Counter(
    "onewindow_requests",
    "GraphQL requests over HTTP, by operation and outcome (ok, user_error, error, bad_request, server_error)",
    ["operation", "outcome"],
)
LATENCY = Histogram(
    "onewindow_request_duration_seconds",
    "GraphQL requests over HTTP: time in the server, the wait for admission included",
    ["operation"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
ERRORS = Counter(
    "onewindow_errors",
    "errors answered, by code (GraphQL errors' extensions.code and mutation payloads' userErrors)",
    ["code"],
)
REFUSALS = Counter("onewindow_refusals", "requests refused by a limit, by the limit's name", ["limit"])
ADMISSION_WAITING = Gauge(
    "onewindow_admission_queue_length",
    "GraphQL requests waiting for an admission slot (ONEWINDOW_MAX_CONCURRENT_REQUESTS)",
    multiprocess_mode="livesum",
)
DB_POOL_IN_USE = Gauge(
    "onewindow_db_pool_in_use", "PostgreSQL connections lent out by the pools", multiprocess_mode="livesum"
)
DB_POOL_SIZE = Gauge("onewindow_db_pool_size", "PostgreSQL connections open in the pools", multiprocess_mode="livesum")
LOG_HEAD = Gauge("onewindow_event_log_head", "sequence number of the last event in the log", multiprocess_mode="max")
READER_LAG = Gauge(
    "onewindow_event_reader_lag",
    "events in the log this worker's hub has not read yet (0 while it has no subscribers)",
    ["worker"],
    multiprocess_mode="livemax",
)
SUBSCRIBERS = Gauge("onewindow_subscribers", "live subscriptions", multiprocess_mode="livesum")
DELIVERED = Counter("onewindow_events_delivered", "events handed to subscribers (one per event and subscriber)")
TOO_SLOW = Counter("onewindow_subscribers_too_slow", "subscriptions closed with SUBSCRIBER_TOO_SLOW")

# Operation names come from clients: past this many distinct ones a worker counts the rest as "other".
MAX_OPERATION_LABELS = 200
_operations: set[str] = set()


def refused(limit_name: str) -> None:
    """Count a request refused by a limit (query depth, cost, body size…), by the limit's name."""
    REFUSALS.labels(limit_name).inc()


def operation_label(name: str) -> str:
    if name in _operations:
        return name
    if len(_operations) >= MAX_OPERATION_LABELS:
        return "other"
    _operations.add(name)
    return name


# The labelled children of this process, kept: `labels()` validates, locks and looks up on every
# call, and every GraphQL request makes two or more (the label sets are bounded, see above).
_children: dict[tuple[str, ...], Any] = {}


def _child(metric: Any, kind: str, *labels: str) -> Any:
    key = (kind, *labels)
    child = _children.get(key)
    if child is None:
        child = _children[key] = metric.labels(*labels)
    return child


def request_done(operation: str, outcome: str, seconds: float, codes: list[str]) -> None:
    _child(REQUESTS, "requests", operation, outcome).inc()
    _child(LATENCY, "latency", operation).observe(seconds)
    for code in codes:
        _child(ERRORS, "errors", code).inc()


class Sampler:
    """Samples one worker's state gauges from its database pool and event hub."""

    def __init__(self, hub) -> None:
        self.hub = hub
        self._delivered = 0
        self._too_slow = 0

    async def sample(self) -> None:
        pool = getattr(connections.get("default"), "_pool", None)  # asyncpg's, on PostgreSQL only
        if pool is not None:
            DB_POOL_SIZE.set(pool.get_size())
            DB_POOL_IN_USE.set(pool.get_size() - pool.get_idle_size())
        head = await last_seq()
        LOG_HEAD.set(head)
        READER_LAG.labels(WORKER).set(max(head - self.hub.position, 0) if self.hub.subscribers else 0)
        SUBSCRIBERS.set(len(self.hub.subscribers))
        # The hub counts with plain integers (subscriptions/ does not import api/): add what is new.
        DELIVERED.inc(self.hub.delivered - self._delivered)
        TOO_SLOW.inc(self.hub.closed_too_slow - self._too_slow)
        self._delivered, self._too_slow = self.hub.delivered, self.hub.closed_too_slow

    async def run(self) -> None:
        while True:
            await asyncio.sleep(SAMPLE_SECONDS)
            with contextlib.suppress(Exception):  # a database away a moment: the next sample tries again
                await self.sample()


def multiprocess() -> bool:
    return bool(os.environ.get(MULTIPROCESS_DIR_VARIABLE))


def exposition() -> tuple[bytes, str]:
    """The metrics of this process, or of all workers in multiprocess mode, as Prometheus text."""
    if multiprocess():
        registry = CollectorRegistry()
        mp.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
