"""`redress keys ...`: API keys, created (the token shown once), listed, revoked, rotated."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from app.db import create_engine, reading
from app.projections.landlords import find as landlord_rows
from app.services import keys as key_service
from app.services.keys import Role
from app.settings import Settings

keys_cli = typer.Typer(help="API keys: create (shown once), list, revoke.", no_args_is_help=True)
console = Console()

Landlord = Annotated[str, typer.Option(help="Landlord id (slug).", min=1)]


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
