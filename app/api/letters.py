"""/v1/complaints/{id}/letters: preview a letter, issue it (`letter_issued`, with the hash of the
PDF sent, into the complaint's hash chain), list what was issued, and read an issued letter again.

An issued letter is not stored: it is rendered again from the events before it, with the template
version it names (docs/letters.md says why). Its PDF then hashes as recorded, until the person is
erased: then it reads `[erased]` where they were, and `X-Letter-Matches-Issued` says `false`.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response
from sqlalchemy.ext.asyncio import AsyncConnection

from app.api.complaints import visible_complaint
from app.api.deps import Action, Actor, Engine, Store, authorize, reject_unknown_query
from app.api.errors import ApiError
from app.api.schemas.letters import (
    IssuedLetters,
    IssuedLetterView,
    IssueLetterRequest,
    TemplateRefView,
)
from app.api.writes import (
    CorrelationId,
    IdempotencyKey,
    IfMatch,
    Planned,
    Written,
    dump,
    event_metadata,
    parse_if_match,
    run_write,
)
from app.db import reading
from app.domain.complaint.commands import IssueLetter
from app.domain.complaint.events import LetterIssued, LetterKind
from app.domain.errors import DomainError
from app.domain.landlord.state import LandlordState
from app.events.codec import decode
from app.rendering.letters.compose import ComposedLetter, TemplateGone, compose, recompose
from app.rendering.letters.render import TemplateInvalid, render_pdf, sha256
from app.services import complaints as service
from app.services import current, landlords
from app.services.idempotency import StoredResponse

router = APIRouter(prefix="/v1", tags=["letters"], dependencies=[Depends(reject_unknown_query)])

PDF = "application/pdf"
HTML = "text/html"
ComplaintId = Annotated[str, Path(min_length=1, max_length=64, description="The complaint id.")]
Format = Annotated[
    Literal["pdf", "html"] | None,
    Query(description="`pdf` or `html`, instead of the Accept header."),
]
LETTER_RESPONSES: dict[int | str, dict[str, object]] = {
    200: {
        "content": {PDF: {"schema": {"type": "string", "format": "binary"}}, HTML: {}},
        "description": "The letter, as HTML or as the PDF sent.",
    },
    406: {},
}


def _wants_pdf(request: Request, fmt: str | None) -> bool:
    if fmt is not None:
        return fmt == "pdf"
    accept = request.headers.get("accept", "*/*")
    if PDF in accept:
        return True
    if HTML in accept or "*/*" in accept or "text/*" in accept:
        return False
    raise ApiError(406, "not-acceptable", "A letter is text/html or application/pdf.")


async def landlord_state(
    conn: AsyncConnection, store: Store, landlord_id: str
) -> LandlordState | None:
    found = await landlords.load(conn, store, landlord_id)
    return None if found is None else found.state


def _template_invalid(error: TemplateInvalid) -> ApiError:
    return ApiError(
        422,
        "letter-template-invalid",
        f"The letter template cannot be rendered: {error.detail}",
    )


async def rendered_pdf(html: str) -> bytes:
    # WeasyPrint is CPU-bound for a tenth of a second or so: off the event loop.
    try:
        return await asyncio.to_thread(render_pdf, html)
    except TemplateInvalid as error:
        raise _template_invalid(error) from error


def _template_header(letter: ComposedLetter) -> dict[str, str]:
    return {"X-Letter-Template": f"{letter.template.id}:{letter.template.version}"}


@router.get(
    "/complaints/{complaint_id}/letters/preview",
    summary="Preview a letter, without issuing it",
    responses={**LETTER_RESPONSES, 409: {}, 422: {}},
    response_class=Response,
)
async def preview_letter(
    request: Request,
    complaint_id: ComplaintId,
    kind: Annotated[LetterKind, Query(description="Which letter.")],
    engine: Engine,
    store: Store,
    actor: Annotated[Actor, Depends(authorize(Action.record_event))],
    format: Format = None,
) -> Response:
    """The letter the complaint calls for now, rendered with the landlord's template for `kind`
    (or the built-in one), exactly as `POST .../letters` would issue it at this moment. 409
    `letter-not-issuable` names the fact to record first; 422 `letter-incomplete` lists the parts
    the Code requires that the template does not render."""
    pdf = _wants_pdf(request, format)
    async with reading(engine) as conn:
        complaint = await visible_complaint(conn, store, actor, complaint_id)
        landlord = await landlord_state(conn, store, complaint.state.landlord)
    letter = _compose(complaint, landlord, kind, datetime.now(UTC))
    if pdf:
        return Response(
            await rendered_pdf(letter.html), media_type=PDF, headers=_template_header(letter)
        )
    return Response(letter.html, media_type=HTML, headers=_template_header(letter))


def _compose(
    complaint: service.Complaint, landlord: LandlordState | None, kind: LetterKind, at: datetime
) -> ComposedLetter:
    try:
        return compose(complaint, landlord, kind, at)
    except TemplateInvalid as error:
        raise _template_invalid(error) from error


def _issued_view(complaint_id: str, version: int, event: LetterIssued) -> IssuedLetterView:
    return IssuedLetterView(
        complaint_id=complaint_id,
        version=version,
        kind=event.kind,
        stage=event.stage,
        template=TemplateRefView(id=event.template_id, version=event.template_version),
        sha256=event.sha256,
        method=event.method,
        issued_at=event.occurred_at,
        href=f"/v1/complaints/{complaint_id}/letters/{version}",
    )


@router.post(
    "/complaints/{complaint_id}/letters",
    status_code=201,
    response_model=IssuedLetterView,
    summary="Issue a letter: render it, record it with the hash of the PDF sent",
    responses={409: {}, 412: {}, 422: {}},
)
async def issue_letter(
    request: Request,
    complaint_id: ComplaintId,
    body: IssueLetterRequest,
    engine: Engine,
    store: Store,
    actor: Annotated[Actor, Depends(authorize(Action.record_event))],
    if_match: IfMatch = None,
    idempotency_key: IdempotencyKey = None,
    correlation_id: CorrelationId = None,
) -> Response:
    """Renders the letter from the complaint's facts as they stand, refuses it if it lacks a part
    the Code requires (422 `letter-incomplete`, naming them), and appends `letter_issued` with the
    template version and the SHA-256 of the PDF: the letter is then in the hash chain. Fetch the
    PDF to send from `href` (the same bytes)."""
    expected = parse_if_match(if_match)
    # Rendered before the write, so SQLite's write lock is not held while WeasyPrint works (a
    # tenth of a second or more). A refusal here is left for the write to give: a retry with the
    # same Idempotency-Key must get its first answer back, even if the letter is refused now.
    async with reading(engine) as conn:
        ahead = await _command_for(conn, store, actor, complaint_id, body)

    async def operation(conn: AsyncConnection) -> Planned:
        now = datetime.now(UTC)
        writable = await current.for_write(conn, store, complaint_id)
        if writable is None or not actor.can_see(writable.complaint.state):
            raise ApiError(404, "not-found", "No such complaint.")
        command = ahead[1] if ahead is not None and ahead[0] == writable.complaint.version else None
        if command is None:
            # The complaint moved since (or the letter was refused): render against it as it is.
            writable = await service.writable_from_stream(conn, store, complaint_id)
            assert writable is not None
            command = await _issue_command(conn, store, writable.complaint, body)
        pending = await service.prepare_record(
            conn,
            store,
            writable,
            command,
            if_match=expected,
            metadata=event_metadata(actor, correlation_id),
            now=now,
        )

        def render() -> Written:
            version = pending.complaint.version
            view = _issued_view(complaint_id, version, _as_event(command))
            # Nothing personal in the body (kinds, dates, a hash): remembered as it is.
            return Written(201, dump(view), {"Location": view.href, "ETag": f'"{version}"'})

        return Planned(render, pending)

    # Given so the append runs as one statement (run_write); never called, since the remembered
    # body names no complaint to shred it with.
    async def rederive(conn: AsyncConnection, seen: StoredResponse) -> bytes:
        raise AssertionError("a letter's response holds nothing to shred")

    return await run_write(request, engine, actor, idempotency_key, operation, rederive=rederive)


async def _command_for(
    conn: AsyncConnection,
    store: Store,
    actor: Actor,
    complaint_id: str,
    body: IssueLetterRequest,
) -> tuple[int, IssueLetter] | None:
    """The letter's record, rendered against the complaint as read now, with the version it was
    rendered from; None where it is refused (or not visible): the write says why."""
    complaint = await service.load(conn, store, complaint_id)
    if complaint is None or not actor.can_see(complaint.state):
        return None
    try:
        return complaint.version, await _issue_command(conn, store, complaint, body)
    except (DomainError, ApiError):
        return None


async def _issue_command(
    conn: AsyncConnection, store: Store, complaint: service.Complaint, body: IssueLetterRequest
) -> IssueLetter:
    landlord = await landlord_state(conn, store, complaint.state.landlord)
    at = body.occurred_at or datetime.now(UTC)
    letter = _compose(complaint, landlord, body.kind, at)
    return IssueLetter(
        occurred_at=at,
        kind=body.kind,
        stage=letter.stage,
        template_id=letter.template.id,
        template_version=letter.template.version,
        sha256=sha256(await rendered_pdf(letter.html)),
        method=body.method,
    )


def _as_event(command: IssueLetter) -> LetterIssued:
    return LetterIssued(
        occurred_at=command.occurred_at,
        kind=command.kind,
        stage=command.stage,
        template_id=command.template_id,
        template_version=command.template_version,
        sha256=command.sha256,
        method=command.method,
    )


@router.get(
    "/complaints/{complaint_id}/letters",
    response_model=IssuedLetters,
    summary="The letters issued on a complaint",
)
async def list_letters(
    complaint_id: ComplaintId,
    engine: Engine,
    store: Store,
    actor: Annotated[Actor, Depends(authorize(Action.read_complaint))],
) -> Response:
    """Oldest first: kind, stage, template version, the hash recorded and how each was sent."""
    async with reading(engine) as conn:
        complaint = await visible_complaint(conn, store, actor, complaint_id)
    items = []
    for stored in complaint.events:
        if stored.type == "letter_issued":
            event = decode(stored)
            assert isinstance(event, LetterIssued)
            items.append(_issued_view(complaint_id, stored.version, event))
    return Response(dump(IssuedLetters(items=items)), media_type="application/json")


@router.get(
    "/complaints/{complaint_id}/letters/{version}",
    summary="An issued letter, rendered again from the log",
    responses=LETTER_RESPONSES,
    response_class=Response,
)
async def get_letter(
    request: Request,
    complaint_id: ComplaintId,
    version: Annotated[int, Path(ge=1, description="The `letter_issued` event's version.")],
    engine: Engine,
    store: Store,
    actor: Annotated[Actor, Depends(authorize(Action.read_letters))],
    format: Format = None,
) -> Response:
    """`X-Letter-Sha256` is the hash recorded when it was issued; with the PDF,
    `X-Letter-Matches-Issued` says whether these bytes are those (`false` after an erasure, which
    leaves `[erased]` where the person was)."""
    pdf = _wants_pdf(request, format)
    async with reading(engine) as conn:
        complaint = await visible_complaint(conn, store, actor, complaint_id)
        landlord = await landlord_state(conn, store, complaint.state.landlord)
    if version > len(complaint.events) or complaint.events[version - 1].type != "letter_issued":
        raise ApiError(404, "not-found", "No letter was issued at that version.")
    try:
        issued, letter = recompose(complaint, landlord, version)
    except TemplateGone as error:
        raise ApiError(404, "not-found", "The letter's template is not held.") from error
    headers = {**_template_header(letter), "X-Letter-Sha256": issued.sha256}
    if not pdf:
        return Response(letter.html, media_type=HTML, headers=headers)
    body = await rendered_pdf(letter.html)
    headers["X-Letter-Matches-Issued"] = str(sha256(body) == issued.sha256).lower()
    return Response(body, media_type=PDF, headers=headers)
