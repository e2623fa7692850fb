"""`onewindow` command line (DESIGN §6)."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import typer

from api.settings import Settings, SettingsError

cli = typer.Typer(help="OneWindow: the integrated real-estate registration platform.", no_args_is_help=True)


def _settings() -> Settings:
    try:
        settings = Settings.from_env()
    except SettingsError as error:
        typer.echo(f"onewindow: {error}", err=True)
        raise typer.Exit(2) from error
    return settings


@cli.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="address to listen on"),
    port: int = typer.Option(8000, help="port to listen on"),
    workers: int = typer.Option(1, min=1, help="worker processes, each with its own listening socket"),
    log_level: str = typer.Option("info", help="uvicorn's log level"),
    access_log: bool = typer.Option(True, help="log every request (one line each; ONEWINDOW_ACCESS_LOG)"),
) -> None:
    """Serve /graphql, /healthz and /readyz (migrating the embedded database first)."""
    # local import: each command loads only what it needs (`onewindow --help` stays instant)
    from api.db import apply_migrations
    from api.workers import ServeOptions
    from api.workers import serve as serve_workers

    if not access_log:
        os.environ["ONEWINDOW_ACCESS_LOG"] = "false"  # read by every worker's app (api/logs.py)
    settings = _settings()
    try:
        settings.check_production_keys()
        settings.check_exposed_binding(host)
    except SettingsError as error:
        typer.echo(f"onewindow: refusing to start: {error}", err=True)
        raise typer.Exit(2) from error
    if settings.is_embedded:
        asyncio.run(apply_migrations(settings.database_url))
    typer.echo(f"OneWindow GraphQL (GraphiQL in a browser): http://{host}:{port}/graphql")
    typer.echo("Get a development token with:  onewindow token --role REGISTRAR")
    typer.echo("and send it as the header  Authorization: Bearer <token>")
    serve_workers(
        ServeOptions(host, port, log_level, access_log, settings.ws_max_message_bytes or 16 * 1024 * 1024), workers
    )


@cli.command()
def migrate() -> None:
    """Apply pending migrations to the configured database."""
    # local import: each command loads only what it needs (`onewindow --help` stays instant)
    from api.db import apply_migrations

    settings = _settings()
    asyncio.run(apply_migrations(settings.database_url))
    typer.echo("migrations applied")


@cli.command()
def token(
    role: str = typer.Option(..., help="REGISTRAR, HOUSING, TAX, BANK, PROVIDENT_FUND, DEVELOPER, BUYER or SUPERVISOR"),
    party: str = typer.Option(None, help="ID number or credit code of the party the token speaks for"),
    amr: list[str] = typer.Option(None, help="authentication method: face, ca or pwd (repeatable)"),
    ttl: int = typer.Option(8 * 3600, help="lifetime in seconds"),
    subject: str = typer.Option(None, help="the token's subject (default: derived from role and party)"),
) -> None:
    """Print a signed bearer token, and nothing else."""
    # local import: each command loads only what it needs (`onewindow --help` stays instant)
    from api.auth import mint_token
    from domain.enums import Role

    try:
        chosen = Role(role.upper())
    except ValueError as error:
        raise typer.BadParameter(
            f"unknown role {role!r}; one of {', '.join(r.value for r in Role)}", param_hint="'--role'"
        ) from error
    if ttl <= 0:
        raise typer.BadParameter(f"must be a positive number of seconds, got {ttl}", param_hint="'--ttl'")
    try:
        typer.echo(mint_token(_settings(), chosen, party, amr or None, ttl, subject))
    except SettingsError as error:
        typer.echo(f"onewindow: {error}", err=True)
        raise typer.Exit(2) from error


@cli.command("import-shared-data")
def import_shared_data(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="JSON Lines export of the big-data platform"),
    allow_rejects: bool = typer.Option(False, "--allow-rejects", help="exit 0 even when some lines were rejected"),
) -> None:
    """Load population and enterprise records; idempotent; reports rejected lines by number.

    Exits 1 when any line was rejected (the good lines are loaded all the same), so a nightly
    job notices a bad export; --allow-rejects exits 0."""
    # local import: each command loads only what it needs (`onewindow --help` stays instant)
    from tortoise import Tortoise

    from api.db import init_orm
    from domain.services.shared_data import JsonLinesFile
    from domain.services.shared_data import import_shared_data as load

    settings = _settings()
    source = JsonLinesFile(file)
    started = time.perf_counter()

    def progress(lines: int) -> None:
        rate = lines / max(time.perf_counter() - started, 1e-6)
        typer.echo(f"\r  {lines:,} lines read ({rate:,.0f}/s)", nl=False, err=True)

    async def run():
        await init_orm(settings.database_url)
        try:
            return await load(source, progress)
        finally:
            await Tortoise.close_connections()

    report = asyncio.run(run())
    typer.echo("", err=True)
    for line, reason in report.rejected:
        typer.echo(f"line {line}: rejected: {reason}")
    typer.echo(
        f"loaded {report.people:,} person and {report.organizations:,} organization records, "
        f"rejected {len(report.rejected):,} lines, in {time.perf_counter() - started:.1f} s"
    )
    if report.rejected and not allow_rejects:
        raise typer.Exit(1)


@cli.command()
def sweep(
    now: str = typer.Option(
        None, help="apply the rules as of this ISO 8601 moment instead of now; without an offset, Asia/Shanghai"
    ),
) -> None:
    """Apply the time rules now: lapsed advance notices, expired seizures."""
    # local import: each command loads only what it needs (`onewindow --help` stays instant)
    from tortoise import Tortoise

    from api.db import init_orm
    from api.keys import load_keyring
    from domain.clock import FixedClock, SystemClock
    from domain.services.context import system_use_case
    from domain.services.time_rules import sweep as apply_time_rules

    settings = _settings()
    clock = FixedClock(county_moment(now, settings.policy.timezone)) if now else SystemClock()

    async def run():
        database = await init_orm(settings.database_url)
        try:
            return await apply_time_rules(system_use_case(clock, settings.policy, load_keyring(settings), database))
        finally:
            await Tortoise.close_connections()

    report = asyncio.run(run())
    typer.echo(
        f"seizures lapsed: {report.seizures_lapsed}, advance notices lapsed: {report.advance_notices_lapsed}, "
        f"objections lapsed: {report.objections_lapsed}, "
        f"transfers completed: {report.transfers}"
    )


def county_moment(text: str, zone: str) -> datetime:
    """An ISO 8601 moment; one without an offset is in the county's zone (Asia/Shanghai)."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as error:
        raise typer.BadParameter(
            f"not an ISO 8601 moment: {text!r} (e.g. 2026-12-01T09:00 or 2026-12-01T01:00Z)", param_hint="'--now'"
        ) from error
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=ZoneInfo(zone))


@cli.command()
def demo() -> None:
    """Fill the embedded database with a small demo county and print a token for each actor."""
    # local import: each command loads only what it needs (`onewindow --help` stays instant)
    from tortoise import Tortoise

    from api.db import apply_migrations, init_orm
    from api.demo import DemoError, load

    settings = _settings()
    if not settings.is_embedded:
        typer.echo(
            "onewindow: the demo county goes only into the embedded SQLite database (unset ONEWINDOW_DATABASE_URL)",
            err=True,
        )
        raise typer.Exit(2)

    async def run():
        await apply_migrations(settings.database_url)
        await init_orm(settings.database_url)
        try:
            return await load(settings)
        finally:
            await Tortoise.close_connections()

    try:
        outcome, county = asyncio.run(run())
    except DemoError as error:
        typer.echo(f"onewindow: {error}", err=True)
        raise typer.Exit(1) from error
    typer.echo(f"demo county {outcome} in {settings.database_url}; tokens (Authorization: Bearer …):")
    for label, bearer in county.tokens.items():
        typer.echo(f"{label}\t{bearer}")


@cli.command()
def persist(
    files: list[Path] = typer.Argument(
        ...,
        exists=True,
        dir_okay=False,
        help="GraphQL documents (.graphql: the file's text as clients send it) "
        "or GraphQL Code Generator's persisted-documents .json",
    ),
) -> None:
    """Register documents for ONEWINDOW_PERSISTED_ONLY=true; prints each one's sha256."""
    # local import: each command loads only what it needs (`onewindow --help` stays instant)
    from api.persisted import register
    from resolvers.schema import schema

    settings = _settings()
    documents = []
    for file in files:
        text = file.read_text(encoding="utf-8")
        documents += list(json.loads(text).values()) if file.suffix == ".json" else [text]
    try:
        hashes = register(settings.persisted_documents_path, documents, schema._schema)
    except ValueError as error:
        typer.echo(f"onewindow: nothing registered: {error}", err=True)
        raise typer.Exit(2) from error
    for sha256 in hashes:
        typer.echo(sha256)
    typer.echo(f"{len(hashes)} documents registered in {settings.persisted_documents_path}", err=True)


@cli.command("verify-log")
def verify_log() -> None:
    """Walk the event log's hash chain; name the first broken event."""
    # local import: each command loads only what it needs (`onewindow --help` stays instant)
    from tortoise import Tortoise

    from api.db import init_orm
    from domain.eventlog import verify_chain

    settings = _settings()

    async def run():
        await init_orm(settings.database_url)
        try:
            return await verify_chain()
        finally:
            await Tortoise.close_connections()

    report = asyncio.run(run())
    if report.ok:
        typer.echo(f"OK {report.count} events")
        return
    typer.echo(f"BROKEN at event {report.broken_seq}: {report.reason} ({report.count} events verified before it)")
    raise typer.Exit(1)


@cli.command("export-archive")
def export_archive(
    unit_code: str = typer.Argument(..., help="the property's unit code (不动产单元号)"),
    out: Path = typer.Option(None, "--out", help="the zip to write (default: UNIT_CODE.zip)"),
    public_url: str = typer.Option(
        "http://127.0.0.1:8000",
        envvar="ONEWINDOW_PUBLIC_URL",
        help="where /verify is reached, for the certificates' QR codes",
    ),
) -> None:
    """Write the property's electronic archive (电子档案): records, events and their chain, certificates."""
    # local import: each command loads only what it needs (`onewindow --help` stays instant)
    from tortoise import Tortoise

    from api.db import init_orm
    from api.documents import archive_context
    from api.keys import load_keyring
    from domain.archive import export_archive as export
    from domain.clock import SystemClock
    from resolvers.context import Services

    settings = _settings()
    try:
        services = Services(policy=settings.policy, keyring=load_keyring(settings), clock=SystemClock())
    except SettingsError as error:
        typer.echo(f"onewindow: {error}", err=True)
        raise typer.Exit(2) from error

    async def run():
        await init_orm(settings.database_url)
        try:
            return await export(unit_code, archive_context(services, public_url.rstrip("/")))
        finally:
            await Tortoise.close_connections()

    data = asyncio.run(run())
    if data is None:
        typer.echo(f"onewindow: no property has the unit code {unit_code}", err=True)
        raise typer.Exit(1)
    target = out or Path(f"{unit_code}.zip")
    target.write_bytes(data)
    typer.echo(f"wrote {target} ({len(data):,} bytes)")


@cli.command("verify-archive")
def verify_archive(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="an archive from export-archive or /archive"),
    public_key: list[Path] = typer.Option(
        None,
        "--public-key",
        exists=True,
        dir_okay=False,
        help="the authority's public key (PEM), repeatable; default: the archive's own keys",
    ),
) -> None:
    """Check an archive offline, with no database: file hashes, the event chain, certificate signatures."""
    # local import: each command loads only what it needs (`onewindow --help` stays instant)
    from domain.archive import verify_archive as check

    report = check(file.read_bytes(), [p.read_bytes() for p in public_key] if public_key else None)
    for name, problem in report.problems:
        typer.echo(f"BROKEN {name}: {problem}")
    if not report.ok:
        raise typer.Exit(1)
    typer.echo(f"OK {report.events} events, {report.links} chain links, {report.certificates} certificates")


def main() -> None:
    sys.exit(cli())


if __name__ == "__main__":
    main()
