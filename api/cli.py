"""`onewindow` command line (DESIGN §6)."""
from __future__ import annotations

import asyncio
import sys
from pathlib import Path

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
    workers: int = typer.Option(1, help="worker processes, each with its own listening socket"),
    log_level: str = typer.Option("info", help="uvicorn's log level"),
    access_log: bool = typer.Option(True, help="log every request"),
) -> None:
    """Serve /graphql, /healthz and /readyz (migrating the embedded database first)."""
    from api.db import apply_migrations
    from api.workers import ServeOptions
    from api.workers import serve as serve_workers

    settings = _settings()
    try:
        settings.check_production_keys()
    except SettingsError as error:
        typer.echo(f"onewindow: refusing to start: {error}", err=True)
        raise typer.Exit(2) from error
    if settings.is_embedded:
        asyncio.run(apply_migrations(settings.database_url))
    typer.echo(f"OneWindow GraphQL (GraphiQL in a browser): http://{host}:{port}/graphql")
    typer.echo("Get a development token with:  onewindow token --role REGISTRAR")
    typer.echo("and send it as the header  Authorization: Bearer <token>")
    serve_workers(ServeOptions(host, port, log_level, access_log), workers)


@cli.command()
def migrate() -> None:
    """Apply pending migrations to the configured database."""
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
    from api.auth import mint_token
    from domain.enums import Role

    try:
        chosen = Role(role.upper())
    except ValueError as error:
        typer.echo(f"onewindow: unknown role {role!r}", err=True)
        raise typer.Exit(2) from error
    try:
        typer.echo(mint_token(_settings(), chosen, party, amr or None, ttl, subject))
    except SettingsError as error:
        typer.echo(f"onewindow: {error}", err=True)
        raise typer.Exit(2) from error


@cli.command("import-shared-data")
def import_shared_data(file: Path = typer.Argument(..., exists=True, dir_okay=False, help="JSON Lines export of the big-data platform")) -> None:
    """Load population and enterprise records; idempotent; reports rejected lines by number."""
    import time

    from tortoise import Tortoise

    from api.db import init_orm
    from domain.services.shared_data import JsonLinesFile, import_shared_data as load

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


@cli.command()
def sweep(now: str = typer.Option(None, help="apply the rules as of this ISO 8601 moment instead of now")) -> None:
    """Apply the time rules now: lapsed advance notices, expired seizures."""
    from datetime import datetime

    from tortoise import Tortoise

    from api.db import init_orm
    from api.keys import load_keyring
    from domain.clock import FixedClock, SystemClock
    from domain.services.time_rules import sweep as apply_time_rules
    from domain.services.context import system_use_case

    settings = _settings()
    clock = FixedClock(datetime.fromisoformat(now)) if now else SystemClock()

    async def run():
        database = await init_orm(settings.database_url)
        try:
            return await apply_time_rules(system_use_case(clock, settings.policy, load_keyring(settings), database))
        finally:
            await Tortoise.close_connections()

    report = asyncio.run(run())
    typer.echo(f"seizures lapsed: {report.seizures_lapsed}, advance notices lapsed: {report.advance_notices_lapsed}, "
               f"objections lapsed: {report.objections_lapsed}, "
               f"transfers completed: {report.transfers}")


@cli.command("verify-log")
def verify_log() -> None:
    """Walk the event log's hash chain; name the first broken event."""
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


def main() -> None:
    sys.exit(cli())


if __name__ == "__main__":
    main()
