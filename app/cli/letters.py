"""`redress letters render ...`: a complaint's letter to a file, as the API would show it: the
letter its facts call for now (a preview, nothing issued), or one already issued, rendered again
from the log (`--issued VERSION`). It holds the person's data: write it somewhere private."""

from __future__ import annotations

import asyncio
import hashlib
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from app.db import create_engine, reading
from app.domain.complaint.events import LetterKind
from app.domain.errors import DomainError
from app.events.factory import make_store
from app.rendering.letters.compose import ComposedLetter, compose, recompose
from app.rendering.letters.render import TemplateInvalid, render_pdf
from app.services import complaints, landlords
from app.settings import Settings

letters_cli = typer.Typer(help="Letters to residents (docs/letters.md).", no_args_is_help=True)
errors = Console(stderr=True)


class LetterFormat(StrEnum):
    pdf = "pdf"
    html = "html"


@letters_cli.command("render")
def render(
    complaint_id: Annotated[str, typer.Argument(help="The complaint id.")],
    output: Annotated[Path, typer.Option(help="File to write.", dir_okay=False)],
    kind: Annotated[
        LetterKind | None,
        typer.Option(help="Preview the letter of this kind the complaint calls for now."),
    ] = None,
    issued: Annotated[
        int | None,
        typer.Option(help="Render again the letter issued at this event version.", min=1),
    ] = None,
    format: Annotated[LetterFormat, typer.Option(help="pdf or html.")] = LetterFormat.pdf,
) -> None:
    """Exactly one of --kind (a preview) and --issued (a letter sent)."""
    if (kind is None) == (issued is None):
        raise typer.BadParameter("give exactly one of --kind and --issued")

    async def run() -> tuple[ComposedLetter, str | None]:
        settings = Settings()
        engine = create_engine(settings.database_url)
        store = make_store(settings)
        try:
            async with reading(engine) as conn:
                complaint = await complaints.load(conn, store, complaint_id)
                if complaint is None:
                    raise LookupError(complaint_id)
                found = await landlords.load(conn, store, complaint.state.landlord)
        finally:
            await engine.dispose()
        landlord = None if found is None else found.state
        if kind is not None:
            return compose(complaint, landlord, kind, datetime.now(UTC)), None
        assert issued is not None
        event, letter = recompose(complaint, landlord, issued)
        return letter, event.sha256

    try:
        letter, recorded = asyncio.run(run())
        body = render_pdf(letter.html) if format is LetterFormat.pdf else letter.html.encode()
    except LookupError as error:
        errors.print("[red]not found[/red]: no such complaint, or no letter at that version")
        raise typer.Exit(1) from error
    except DomainError as error:
        errors.print(f"[red]refused[/red] ({error.code}): {error.message}")
        raise typer.Exit(2) from error
    except TemplateInvalid as error:
        errors.print(f"[red]refused[/red] (letter-template-invalid): {error.detail}")
        raise typer.Exit(2) from error
    output.write_bytes(body)
    template = f"{letter.template.id}:{letter.template.version}"
    errors.print(f"wrote {output} ({letter.kind.value}, stage {letter.stage}, template {template})")
    if recorded is not None and format is LetterFormat.pdf:
        same = hashlib.sha256(body).hexdigest() == recorded
        errors.print(f"sha256 {'matches' if same else 'differs from'} the one recorded: {recorded}")
