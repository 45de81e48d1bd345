"""The `redress` command: serve, migrate, keys, landlords, demo, verify, rebuild, export, report."""

from __future__ import annotations

import asyncio
import json
import sys
from datetime import UTC, datetime
from typing import Annotated, BinaryIO

import typer
import uvicorn
from fastapi import FastAPI
from rich.console import Console
from rich.table import Table

from app import migrations
from app.audit.verify import VerifyReport
from app.cli_idempotency import idempotency_cli
from app.cli_landlords import landlords_cli
from app.cli_report import report_cli
from app.db import create_engine, reading
from app.events.factory import make_store
from app.projections.landlords import find as landlord_rows
from app.services import keys as key_service
from app.services.keys import Role
from app.services.rebuild import RebuildReport
from app.settings import Settings

cli = typer.Typer(help="Redress: event-sourced complaint handling.", no_args_is_help=True)
keys_cli = typer.Typer(help="API keys: create (shown once), list, revoke.", no_args_is_help=True)
cli.add_typer(keys_cli, name="keys")
policies_cli = typer.Typer(help="The built-in complaints policies.", no_args_is_help=True)
cli.add_typer(policies_cli, name="policies")
cli.add_typer(landlords_cli, name="landlords")
cli.add_typer(report_cli, name="report")
cli.add_typer(idempotency_cli, name="idempotency")
retention_cli = typer.Typer(help="Retention of personal data after closure.", no_args_is_help=True)
cli.add_typer(retention_cli, name="retention")
console = Console()

Landlord = Annotated[str, typer.Option(help="Landlord id (slug).", min=1)]


@cli.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Bind address.")] = None,
    port: Annotated[int | None, typer.Option(help="Port.")] = None,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Worker processes.")] = 1,
) -> None:
    """Run the HTTP API (run `redress migrate` first)."""
    settings = Settings()
    uvicorn.run(
        "app.main:app",
        host=host or settings.host,
        port=port or settings.port,
        workers=workers,
        log_level=settings.log_level,
        # Access logs would carry query strings and references; metrics cover traffic instead.
        access_log=False,
    )


@cli.command()
def migrate() -> None:
    """Apply the database migrations."""
    settings = Settings()
    migrations.upgrade(settings.database_url)
    console.print(f"database at revision {migrations.head_revision(settings.database_url)}")


async def _create_key(
    role: Role, landlord: str, name: str | None
) -> tuple[key_service.CreatedKey, bool]:
    engine = create_engine(Settings().database_url)
    try:
        async with engine.begin() as conn:
            registered = bool(await landlord_rows(conn, [landlord]))
            created = await key_service.create_key(conn, role=role, landlord=landlord, name=name)
            return created, registered
    finally:
        await engine.dispose()


@keys_cli.command("create")
def keys_create(
    role: Annotated[Role, typer.Option(help="portal, crm, analyst or admin.")],
    landlord: Landlord,
    name: Annotated[str | None, typer.Option(help="What the key is for.")] = None,
) -> None:
    """Create an API key; the token is printed once and never stored."""
    created, registered = asyncio.run(_create_key(role, landlord, name))
    console.print(f"key {created.key.id} ({role.value} for {landlord}); keep this token safe:")
    print(created.token)
    if not registered:
        # Not an error: the landlord's first admin key is how it registers itself via the API.
        console.print(
            f"note: landlord {landlord} is not registered yet; complaints can be logged once it "
            f"is (`redress landlords create {landlord} --name ...`, or POST /v1/landlords with "
            "an admin key)"
        )


@keys_cli.command("list")
def keys_list() -> None:
    """List API keys (never their tokens)."""

    async def run() -> list[key_service.ApiKey]:
        engine = create_engine(Settings().database_url)
        try:
            async with reading(engine) as conn:
                return await key_service.list_keys(conn)
        finally:
            await engine.dispose()

    table = Table("id", "role", "landlord", "name", "created", "revoked")
    for key in asyncio.run(run()):
        table.add_row(
            key.id,
            key.role.value,
            key.landlord,
            key.name or "",
            key.created_at.isoformat(timespec="seconds"),
            key.revoked_at.isoformat(timespec="seconds") if key.revoked_at else "",
        )
    console.print(table)


@keys_cli.command("revoke")
def keys_revoke(key_id: Annotated[str, typer.Argument(help="The key id.")]) -> None:
    """Revoke a key: it is refused from the next request on."""

    async def run() -> bool:
        engine = create_engine(Settings().database_url)
        try:
            async with engine.begin() as conn:
                return await key_service.revoke_key(conn, key_id)
        finally:
            await engine.dispose()

    if not asyncio.run(run()):
        console.print(f"no live key {key_id}")
        raise typer.Exit(1)
    console.print(f"key {key_id} revoked")


@keys_cli.command("rotate")
def keys_rotate(
    key_id: Annotated[str, typer.Argument(help="The key id.")],
    grace_seconds: Annotated[
        int, typer.Option(min=0, max=7 * 24 * 3600, help="How long the old key keeps working.")
    ] = 0,
) -> None:
    """Replace a key: prints the new token once; the old key is revoked after the grace period."""

    async def run() -> key_service.CreatedKey | None:
        engine = create_engine(Settings().database_url)
        try:
            async with engine.begin() as conn:
                return await key_service.rotate_key(conn, key_id, grace_seconds=grace_seconds)
        finally:
            await engine.dispose()

    created = asyncio.run(run())
    if created is None:
        console.print(f"no live key {key_id}")
        raise typer.Exit(1)
    console.print(f"key {created.key.id} replaces {key_id}; keep this token safe:")
    print(created.token)


@cli.command()
def demo(
    landlord: Annotated[str, typer.Option(help="Landlord id for the demo data.")] = "demo-homes",
    copies: Annotated[int, typer.Option(min=1, max=50, help="Copies of each scenario.")] = 3,
) -> None:
    """Load made-up complaints (skipped if the landlord has some) and print a CRM key for them."""
    from app.demo import load_demo
    from app.projections.complaints import ListFilter, list_ids

    async def run() -> tuple[int, key_service.CreatedKey]:
        engine = create_engine(Settings().database_url)
        try:
            async with reading(engine) as conn:
                from datetime import date

                existing, _ = await list_ids(
                    conn, ListFilter(landlord=landlord), today=date.today(), limit=1, cursor=None
                )
            count = 0
            if not existing:
                count = await load_demo(
                    engine, make_store(Settings()), landlord=landlord, copies=copies
                )
            async with engine.begin() as conn:
                key = await key_service.create_key(
                    conn, role=Role.crm, landlord=landlord, name="demo"
                )
            return count, key
        finally:
            await engine.dispose()

    count, key = asyncio.run(run())
    if count:
        console.print(f"logged {count} made-up complaints for landlord {landlord}")
    else:
        console.print(f"landlord {landlord} already has complaints; none added")
    console.print("a CRM key for them (Authorize in /docs with it):")
    print(key.token)


@cli.command()
def openapi(
    output: Annotated[str, typer.Option(help="Where to write the document.")] = (
        "openapi/openapi.json"
    ),
) -> None:
    """Write the OpenAPI document the app serves (committed, and tested against the app)."""
    from pathlib import Path

    from app.main import create_app

    Path(output).write_text(openapi_json(create_app()))
    console.print(f"wrote {output}")


def openapi_json(app: FastAPI) -> str:
    return json.dumps(app.openapi(), indent=2, sort_keys=True) + "\n"


@cli.command()
def verify() -> None:
    """Check every stream's hash chain and the global positions; exit 1 if anything is wrong."""
    from app.audit.report import render_verify_report
    from app.audit.verify import verify as verify_log
    from app.events.scan import snapshot

    async def run() -> VerifyReport:
        engine = create_engine(Settings().database_url)
        try:
            async with snapshot(engine) as conn:
                return await verify_log(conn)
        finally:
            await engine.dispose()

    report = asyncio.run(run())
    render_verify_report(console, report)
    if not report.ok:
        raise typer.Exit(1)


@cli.command()
def rebuild(
    check: Annotated[
        bool, typer.Option("--check", help="Only compare with the live projection; write nothing.")
    ] = False,
) -> None:
    """Rebuild the complaint projection from the events alone (exit 1 if --check finds a
    difference)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from app.audit.report import render_rebuild_report
    from app.events.scan import snapshot
    from app.services.rebuild import Mode, count_events
    from app.services.rebuild import rebuild as rebuild_projection

    mode = Mode.check if check else Mode.apply

    async def run() -> RebuildReport:
        engine = create_engine(Settings().database_url)
        try:
            async with reading(engine) as conn:
                total = await count_events(conn)
            with Progress(
                "[progress.description]{task.description}",
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                console=console,
            ) as bar:
                task = bar.add_task(f"{mode.value}: events", total=total)
                transaction = snapshot(engine) if check else engine.begin()
                async with transaction as conn:
                    return await rebuild_projection(
                        conn, mode, progress=lambda n: bar.advance(task, n)
                    )
        finally:
            await engine.dispose()

    report = asyncio.run(run())
    render_rebuild_report(console, report)
    if check and not report.equal:
        raise typer.Exit(1)


@cli.command()
def export(
    landlord: Annotated[
        str | None, typer.Option(help="Only this landlord's events (default: the whole log).")
    ] = None,
    after: Annotated[int, typer.Option(min=0, help="Resume after this position.")] = 0,
    until: Annotated[int | None, typer.Option(min=1, help="Last position wanted.")] = None,
    occurred_from: Annotated[
        datetime | None, typer.Option("--from", help="Occurred at or after (UTC if no offset).")
    ] = None,
    occurred_to: Annotated[
        datetime | None, typer.Option("--to", help="Occurred before (UTC if no offset).")
    ] = None,
    output: Annotated[str, typer.Option(help="File to write, or - for standard output.")] = "-",
    personal_data: Annotated[
        bool, typer.Option(help="Include complainants' personal data (omit it for analysts).")
    ] = False,
) -> None:
    """Write the log (or a landlord's part) as NDJSON CloudEvents, in position order, in
    constant memory.
    Each line carries its `position`: rerun with `--after` the last one to resume."""
    from app.services.export import Selection, ndjson

    def aware(moment: datetime | None) -> datetime | None:
        if moment is None or moment.tzinfo is not None:
            return moment
        return moment.replace(tzinfo=UTC)

    selection = Selection(
        landlord=landlord,
        after=after,
        until=until,
        occurred_from=aware(occurred_from),
        occurred_to=aware(occurred_to),
    )

    async def run(sink: BinaryIO) -> int:
        engine = create_engine(Settings().database_url)
        count = 0
        try:
            async for line in ndjson(
                engine, make_store(Settings()), selection, personal=personal_data
            ):
                sink.write(line)
                count += 1
        finally:
            await engine.dispose()
        return count

    if output == "-":
        count = asyncio.run(run(sys.stdout.buffer))
        sys.stdout.buffer.flush()
    else:
        with open(output, "wb") as sink:
            count = asyncio.run(run(sink))
    Console(stderr=True).print(f"exported {count} events ({landlord or 'every landlord'})")


@policies_cli.command("list")
def policies_list() -> None:
    """List the built-in policies and their stages."""
    from app.domain.policies.builtin import BUILTIN_POLICIES

    table = Table("id", "version", "name", "stages", "source")
    for policy in BUILTIN_POLICIES.values():
        stages = ", ".join(str(stage.number) for stage in policy.stages)
        table.add_row(policy.id, str(policy.version), policy.name, stages, policy.source or "")
    console.print(table)


@policies_cli.command("check")
def policies_check(policy_id: Annotated[str, typer.Argument(help="e.g. tuntum-2017")]) -> None:
    """List each way a policy diverges from the Complaint Handling Code (exit 1 if any)."""
    from app.domain.policies.builtin import BUILTIN_POLICIES
    from app.domain.policies.check import check_policy

    policy = BUILTIN_POLICIES.get(policy_id)
    if policy is None:
        console.print(f"no policy {policy_id}; known: {', '.join(BUILTIN_POLICIES)}")
        raise typer.Exit(2)
    divergences = check_policy(policy)
    if not divergences:
        console.print(f"{policy.id} v{policy.version} follows the Complaint Handling Code")
        return
    table = Table(title=policy.name)
    table.add_column("rule", no_wrap=True)  # the stable name to search for: never cut
    for header in ("stage", "policy", "Code", "breaks", "why"):
        table.add_column(header)
    for d in divergences:
        stage = "" if d.stage is None else str(d.stage)
        table.add_row(d.rule, stage, d.policy_value, d.code_value, d.code_section, d.message)
    console.print(table)
    raise typer.Exit(1)


@retention_cli.command("run")
def retention_run(
    landlord: Annotated[str | None, typer.Option(help="Only this landlord.")] = None,
    dry_run: Annotated[
        bool, typer.Option(help="List what would be erased; erase nothing.")
    ] = False,
) -> None:
    """Erase the personal data of complaints that ended more than their landlord's retention
    period ago (`retention_years`, counted from the complaint's last event)."""
    from app.domain.complaint.events import ErasureReason
    from app.services import erasure

    async def run() -> tuple[list[str], int]:
        settings = Settings()
        engine = create_engine(settings.database_url)
        try:
            async with engine.begin() as conn:
                due = await erasure.past_retention(conn, now=datetime.now(UTC), landlord=landlord)
                if dry_run or not due:
                    return due, 0
                done = await erasure.erase(
                    conn,
                    make_store(settings),
                    due,
                    reason=ErasureReason.retention,
                    metadata={"actor": "cli", "role": "operator", "correlation_id": "retention"},
                )
                return done.complaints, done.keys_destroyed
        finally:
            await engine.dispose()

    complaints, keys = asyncio.run(run())
    verb = "would erase" if dry_run else "erased"
    console.print(f"{verb} the personal data of {len(complaints)} complaint(s)")
    for complaint_id in complaints:
        print(complaint_id)
    if not dry_run:
        console.print(f"{keys} data key(s) destroyed")


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
