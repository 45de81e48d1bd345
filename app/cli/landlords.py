"""`redress landlords ...`: the operator's tools for landlords (the API's admin keys do the same
for their own landlord). Every change is an event in the landlord's stream, made by `cli`."""

from __future__ import annotations

import asyncio
import json
import tomllib
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from pydantic import TypeAdapter, ValidationError
from rich.console import Console
from rich.table import Table
from sqlalchemy.ext.asyncio import AsyncConnection

from app.db import create_engine, reading
from app.domain.errors import DomainError
from app.domain.landlord.commands import (
    ChangeLandlord,
    LandlordCommand,
    PolicyChoice,
    PublishPolicy,
    RegisterLandlord,
)
from app.domain.policies.check import check_policy
from app.domain.policies.model import Policy
from app.events.sql import SqlEventStore
from app.events.store import JsonValue
from app.services import landlords as service
from app.settings import Settings

landlords_cli = typer.Typer(
    help="Landlords: calendar region, closure days, homes, policies.", no_args_is_help=True
)
console = Console()
T = TypeVar("T")
METADATA: dict[str, JsonValue] = {"actor": "cli", "role": "operator"}
STORE = SqlEventStore()

LandlordArg = Annotated[str, typer.Argument(help="The landlord id (slug), e.g. `acme`.")]
RegionOpt = Annotated[
    str | None,
    typer.Option(help="england-and-wales, scotland or northern-ireland."),
]
PolicyOpt = Annotated[
    str | None,
    typer.Option("--policy", help="Default policy for new complaints: ID or ID:VERSION."),
]


def _run(work: Callable[[AsyncConnection], Awaitable[T]], *, write: bool = False) -> T:
    async def run() -> T:
        engine = create_engine(Settings().database_url)
        try:
            if write:
                async with engine.begin() as conn:
                    return await work(conn)
            async with reading(engine) as conn:
                return await work(conn)
        finally:
            await engine.dispose()

    try:
        return asyncio.run(run())
    except DomainError as error:
        console.print(f"[red]refused[/red] ({error.code}): {error.message}")
        raise typer.Exit(2) from error


def _execute(landlord_id: str, command: LandlordCommand) -> service.Landlord:
    async def work(conn: AsyncConnection) -> service.Landlord:
        return await service.execute(
            conn, STORE, landlord_id, command, metadata=METADATA, now=datetime.now(UTC)
        )

    return _run(work, write=True)


def _choice(value: str | None) -> PolicyChoice | None:
    if value is None:
        return None
    policy_id, _, version = value.partition(":")
    if version and not version.isdigit():
        raise typer.BadParameter("use ID or ID:VERSION, e.g. acme-2025:2", param_hint="--policy")
    return PolicyChoice(id=policy_id, version=int(version) if version else None)


def _show(landlord: service.Landlord) -> None:
    from app.api.landlords import view

    print(view(landlord.state).model_dump_json(indent=2))


@landlords_cli.command("create")
def create(
    landlord_id: LandlordArg,
    name: Annotated[str, typer.Option(help="The landlord's name.")],
    region: RegionOpt = "england-and-wales",
    closure: Annotated[
        list[datetime] | None,
        typer.Option(formats=["%Y-%m-%d"], help="A closure day (repeat the option)."),
    ] = None,
    homes_rented: Annotated[int, typer.Option(min=0)] = 0,
    homes_shared_ownership: Annotated[int, typer.Option(min=0)] = 0,
    policy: PolicyOpt = None,
    retention_years: Annotated[int, typer.Option(min=1, max=100)] = 6,
) -> None:
    """Register a landlord (England and Wales and the Code by default)."""
    command = RegisterLandlord(
        occurred_at=datetime.now(UTC),
        name=name,
        region=region or "england-and-wales",
        closures=tuple(day.date() for day in closure or ()),
        homes_rented=homes_rented,
        homes_shared_ownership=homes_shared_ownership,
        default_policy=_choice(policy),
        retention_years=retention_years,
    )
    _show(_execute(landlord_id, command))


@landlords_cli.command("update")
def update(
    landlord_id: LandlordArg,
    name: Annotated[str | None, typer.Option()] = None,
    region: RegionOpt = None,
    add_closure: Annotated[
        list[datetime] | None, typer.Option(formats=["%Y-%m-%d"], help="Add a closure day.")
    ] = None,
    remove_closure: Annotated[
        list[datetime] | None, typer.Option(formats=["%Y-%m-%d"], help="Remove a closure day.")
    ] = None,
    homes_rented: Annotated[int | None, typer.Option(min=0)] = None,
    homes_shared_ownership: Annotated[int | None, typer.Option(min=0)] = None,
    policy: PolicyOpt = None,
    retention_years: Annotated[int | None, typer.Option(min=1, max=100)] = None,
) -> None:
    """Change a landlord; closure days added or removed move its running deadlines."""
    closures: tuple[date, ...] | None = None
    if add_closure or remove_closure:
        found = _run(lambda conn: service.load(conn, STORE, landlord_id))
        if found is None:
            console.print(f"[red]no landlord {landlord_id}[/red]")
            raise typer.Exit(1)
        removed = {day.date() for day in remove_closure or ()}
        kept = {day for day in found.state.closures if day not in removed}
        closures = tuple(sorted(kept | {day.date() for day in add_closure or ()}))
    command = ChangeLandlord(
        occurred_at=datetime.now(UTC),
        name=name,
        region=region,
        closures=closures,
        homes_rented=homes_rented,
        homes_shared_ownership=homes_shared_ownership,
        default_policy=_choice(policy),
        retention_years=retention_years,
    )
    _show(_execute(landlord_id, command))


@landlords_cli.command("list")
def list_landlords() -> None:
    """Every landlord, with its calendar and default policy."""
    from app.projections.tables import landlords

    async def work(conn: AsyncConnection) -> list[Any]:
        return list(await conn.execute(landlords.select().order_by(landlords.c.id)))

    table = Table("id", "name", "region", "closures", "homes", "default policy", "version")
    for row in _run(work):
        table.add_row(
            row.id,
            row.name,
            row.region,
            str(len(row.closures)),
            str(row.homes_rented + row.homes_shared_ownership),
            f"{row.default_policy_id} v{row.default_policy_version}",
            str(row.version),
        )
    console.print(table)


@landlords_cli.command("show")
def show(landlord_id: LandlordArg) -> None:
    """One landlord, as the API shows it (JSON)."""
    found = _run(lambda conn: service.load(conn, STORE, landlord_id))
    if found is None:
        console.print(f"[red]no landlord {landlord_id}[/red]")
        raise typer.Exit(1)
    _show(found)


@landlords_cli.command("publish-policy")
def publish_policy(
    landlord_id: LandlordArg,
    document: Annotated[Path, typer.Argument(help="A policy as JSON or TOML.", exists=True)],
    default: Annotated[bool, typer.Option(help="Make it the default for new complaints.")] = False,
) -> None:
    """Publish the next version of one of the landlord's own policies, and show where it breaks
    the Code. Without a `version` in the document, the next version is used."""
    raw = document.read_bytes()
    data: dict[str, Any] = (
        tomllib.loads(raw.decode()) if document.suffix == ".toml" else json.loads(raw)
    )
    if "version" not in data:
        found = _run(lambda conn: service.load(conn, STORE, landlord_id))
        latest = None if found is None else found.state.own_policy(str(data.get("id", "")))
        data["version"] = 1 if latest is None else latest.version + 1
    try:
        policy = TypeAdapter(Policy).validate_python(data)
    except ValidationError as error:
        console.print(f"[red]not a valid policy[/red]: {error.error_count()} problem(s)")
        for problem in error.errors():
            where = ".".join(str(part) for part in problem["loc"])
            console.print(f"  {where}: {problem['msg']}")
        raise typer.Exit(2) from error
    command = PublishPolicy(occurred_at=datetime.now(UTC), policy=policy, make_default=default)
    _execute(landlord_id, command)
    console.print(f"published {policy.id} version {policy.version} for {landlord_id}")
    for divergence in check_policy(policy):
        console.print(f"  diverges from the Code: {divergence.rule}: {divergence.message}")
