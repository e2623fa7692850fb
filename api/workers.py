"""Several server processes on one port, each with its own listening socket (SO_REUSEPORT).

uvicorn's own `--workers` shares one socket between its processes: whichever process wakes
first accepts a burst of new connections and keeps them for as long as the clients keep them
alive. Measured on the sale benchmark, 14 of 16 client connections ended up on one of two
processes, which then did nearly all the work. With a socket each, the kernel spreads new
connections across the processes by their addresses.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import signal
import socket
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import uvicorn

APP = "api.app:app_from_env"


@dataclass(frozen=True)
class ServeOptions:
    host: str
    port: int
    log_level: str = "info"
    access_log: bool = True
    ws_max_size: int = 16 * 1024 * 1024  # uvicorn's frame limit


def serve(options: ServeOptions, workers: int = 1) -> None:
    """Serve until interrupted; with more than one worker, supervise them and stop them all together."""
    metrics_dir = _metrics_directory() if workers > 1 else None
    if workers <= 1 or not hasattr(socket, "SO_REUSEPORT"):
        try:
            uvicorn.run(
                APP,
                factory=True,
                host=options.host,
                port=options.port,
                workers=workers,
                log_level=options.log_level,
                access_log=options.access_log,
                ws_max_size=options.ws_max_size,
            )
        finally:
            if metrics_dir is not None:
                shutil.rmtree(metrics_dir, ignore_errors=True)
        return
    context = multiprocessing.get_context("spawn")
    processes = [context.Process(target=_worker, args=(options,), name=f"onewindow-worker-{n}") for n in range(workers)]
    for process in processes:
        process.start()

    def stop(signum, frame) -> None:
        for process in processes:
            if process.is_alive():
                process.terminate()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for process in processes:
        process.join()
    if metrics_dir is not None:
        shutil.rmtree(metrics_dir, ignore_errors=True)
    else:
        # local import: prometheus_client fixes its value class from PROMETHEUS_MULTIPROC_DIR when
        # first imported; the supervisor imports it only here, once its workers have ended
        from prometheus_client import multiprocess

        for process in processes:  # their live gauges stop counting
            multiprocess.mark_process_dead(process.pid)
    sys.exit(max((p.exitcode or 0) for p in processes))


def _metrics_directory() -> Path | None:
    """The workers' shared directory for prometheus-client's multiprocess mode (api/metrics.py):
    PROMETHEUS_MULTIPROC_DIR if set (emptied of an earlier run's files), else a temporary one,
    returned so that it is removed when the workers have stopped."""
    given = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if given:
        path = Path(given)
        path.mkdir(parents=True, exist_ok=True)
        for stale in path.glob("*.db"):
            stale.unlink()
        return None
    path = Path(tempfile.mkdtemp(prefix="onewindow-metrics-"))
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(path)  # inherited by the spawned workers
    return path


def _worker(options: ServeOptions) -> None:
    listener = socket.socket(socket.AF_INET6 if ":" in options.host else socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    listener.bind((options.host, options.port))
    config = uvicorn.Config(
        APP, factory=True, log_level=options.log_level, access_log=options.access_log, ws_max_size=options.ws_max_size
    )
    uvicorn.Server(config).run(sockets=[listener])
