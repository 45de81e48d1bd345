"""/v1/complaints/{id}/attachments: attach an evidence file (the body is the file), list a
complaint's files, read one back.

The file is the raw request body: `Content-Type` says what the caller thinks it is (the type
recorded is the one its bytes are), `Content-Disposition: attachment; filename="..."` names it,
`X-Attachment-Description` (percent-encoded UTF-8) says what it shows. Names and descriptions are
personal data, so they travel in headers, never in the URL, which proxies log.
"""

from __future__ import annotations

import base64
import re
from datetime import UTC, datetime
from typing import Annotated
from urllib.parse import quote, unquote

from fastapi import APIRouter, Depends, Header, Path, Query, Request
from fastapi.responses import Response
from sqlalchemy.ext.asyncio import AsyncConnection

from app.api.complaints import ComplaintId, visible_complaint
from app.api.deps import Action, Actor, Engine, Store, authorize, reject_unknown_query
from app.api.errors import ApiError
from app.api.schemas.attachments import AttachmentList, AttachmentView
from app.api.schemas.inputs import MOMENT_RANGE, Moment
from app.api.views import Gate
from app.api.writes import (
    CorrelationId,
    IdempotencyKey,
    IfMatch,
    Planned,
    Rederive,
    Written,
    dump,
    event_metadata,
    parse_if_match,
    run_write,
)
from app.db import reading
from app.domain.complaint.events import AttachmentAdded, AttachmentKind, NoteVisibility
from app.domain.complaint.state import Attachment, ComplaintState
from app.domain.evidence import DEFAULT_TYPES
from app.events.sealed_store import SealingEventStore
from app.events.store import EventStore
from app.services import attachments as service
from app.services import complaints as complaint_service
from app.services import current
from app.services.idempotency import StoredResponse
from app.services.keys import Role
from app.settings import Settings

router = APIRouter(prefix="/v1", tags=["evidence"], dependencies=[Depends(reject_unknown_query)])

AttachmentId = Annotated[str, Path(min_length=1, max_length=36, description="The attachment id.")]
MAX_FILENAME = 255
MAX_DESCRIPTION = 2000
_FILENAME_STAR = re.compile(r"filename\*\s*=\s*([\w!#$&+.^`|~-]+)'[^']*'([^;\s]+)", re.I)
_FILENAME = re.compile(r'filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]+))', re.I)

_BINARY = {"schema": {"type": "string", "format": "binary"}}
UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "description": "The file's bytes. Its type is judged from them; a `Content-Type` other "
        "than theirs (or `application/octet-stream`) is refused.",
        "content": dict.fromkeys(("application/octet-stream", *DEFAULT_TYPES), _BINARY),
    }
}


def filename_of(disposition: str | None) -> str:
    """The file name a `Content-Disposition` header gives (RFC 6266: `filename*` first)."""
    if disposition:
        star = _FILENAME_STAR.search(disposition)
        if star:
            charset = star.group(1).lower()
            # RFC 8187 allows UTF-8 and ISO-8859-1; anything else is read as UTF-8.
            charset = charset if charset in ("utf-8", "iso-8859-1") else "utf-8"
            return unquote(star.group(2), encoding=charset, errors="replace")
        plain = _FILENAME.search(disposition)
        if plain:
            quoted, bare = plain.groups()
            name = re.sub(r"\\(.)", r"\1", quoted) if quoted is not None else bare
            # Starlette reads headers as Latin-1; a client that sent UTF-8 bytes meant UTF-8.
            try:
                return str(name.encode("latin-1").decode("utf-8"))
            except (UnicodeEncodeError, UnicodeDecodeError):
                return str(name)
    raise ApiError(
        422,
        "filename-required",
        'Name the file: Content-Disposition: attachment; filename="..." '
        "(or filename*=UTF-8''...).",
    )


def attachment_view(attachment: Attachment, gate: Gate) -> AttachmentView:
    return AttachmentView(
        id=attachment.attachment_id,
        attached_at=attachment.attached_at,
        kind=attachment.kind,
        media_type=attachment.media_type,
        size=attachment.size,
        sha256=attachment.sha256,
        filename=gate(AttachmentAdded, "filename", attachment.filename),
        description=gate(AttachmentAdded, "description", attachment.description),
        visibility=attachment.visibility,
    )


def visible_attachments(state: ComplaintState, actor: Actor) -> list[AttachmentView]:
    gate = Gate(actor.reader, state.anonymous)
    return [
        attachment_view(a, gate)
        for a in state.attachments
        if gate.sees_event(AttachmentAdded, {"visibility": a.visibility.value})
    ]


def _rederive(store: EventStore, actor: Actor) -> Rederive:
    """A replay once the remembered body is shredded: the attachment as it reads now."""

    async def rederive(conn: AsyncConnection, seen: StoredResponse) -> bytes:
        complaint = None
        if seen.complaint_id is not None:
            complaint = await complaint_service.load(conn, store, seen.complaint_id)
        attachment_id = seen.headers.get("Location", "").rsplit("/", 1)[-1]
        found = None if complaint is None else complaint.state.attachment(attachment_id)
        if complaint is None or found is None:
            raise ApiError(404, "not-found", "No such complaint.")
        return dump(attachment_view(found, Gate(actor.reader, complaint.state.anonymous)))

    return rederive


@router.post(
    "/complaints/{complaint_id}/attachments",
    status_code=201,
    response_model=AttachmentView,
    summary="Attach an evidence file",
    responses={409: {}, 412: {}, 413: {}, 415: {}},
    openapi_extra=UPLOAD_BODY,
)
async def attach(
    request: Request,
    complaint_id: ComplaintId,
    engine: Engine,
    store: Store,
    actor: Annotated[Actor, Depends(authorize(Action.attach_evidence))],
    kind: AttachmentKind = AttachmentKind.other,
    visibility: Annotated[
        NoteVisibility | None,
        Query(
            description="Who sees it: `internal` (the default for a CRM) or `resident` (always, "
            "from a portal)."
        ),
    ] = None,
    occurred_at: Annotated[
        Moment | None, Query(description=f"When it was received (default: now). {MOMENT_RANGE}")
    ] = None,
    content_disposition: Annotated[
        str | None,
        Header(
            alias="Content-Disposition",
            max_length=1024,
            description='`attachment; filename="boiler.jpg"`: the file\'s name (required).',
        ),
    ] = None,
    description: Annotated[
        str | None,
        Header(
            alias="X-Attachment-Description",
            max_length=3 * MAX_DESCRIPTION,
            description="What the file shows, percent-encoded UTF-8 (optional).",
        ),
    ] = None,
    if_match: IfMatch = None,
    idempotency_key: IdempotencyKey = None,
    correlation_id: CorrelationId = None,
) -> Response:
    """The body is the file. It is refused, with nothing written, when it is larger than
    `REDRESS_ATTACHMENT_MAX_BYTES` (413 `payload-too-large`), when its bytes are not of a type
    accepted as evidence (415 `unsupported-attachment-type`: PDF, JPEG, PNG, GIF, WebP, HEIC, Word
    and plain text by default) or are not the type `Content-Type` declares (422
    `attachment-type-mismatch`). The `attachment_added` event records its type, size and SHA-256;
    the bytes are kept sealed with the complaint's data key, and go with it on erasure. A portal
    attaches to its resident's own complaints, always visible to the resident."""
    if actor.role is Role.portal and visibility is NoteVisibility.internal:
        raise ApiError(403, "forbidden", "A portal's attachments are visible to the resident.")
    if visibility is None:
        portal = actor.role is Role.portal
        visibility = NoteVisibility.resident if portal else NoteVisibility.internal
    filename = filename_of(content_disposition).strip()
    said = unquote(description, errors="replace").strip() if description else None
    if not filename or len(filename) > MAX_FILENAME or "\x00" in filename:
        raise ApiError(422, "invalid-filename", f"A file name is 1 to {MAX_FILENAME} characters.")
    if said is not None and (len(said) > MAX_DESCRIPTION or "\x00" in said):
        raise ApiError(422, "invalid-description", f"At most {MAX_DESCRIPTION} characters.")
    settings: Settings = request.app.state.settings
    limits = service.limits_of(settings.attachment_max_bytes, settings.attachment_media_types)
    expected = parse_if_match(if_match)
    content = await request.body()

    async def operation(conn: AsyncConnection) -> Planned:
        now = datetime.now(UTC)
        writable = await current.for_write(conn, store, complaint_id)
        if writable is None or not actor.can_see(writable.complaint.state):
            raise ApiError(404, "not-found", "No such complaint.")
        upload = service.Upload(
            content=content,
            declared_type=request.headers.get("content-type"),
            filename=filename,
            description=said or None,
            kind=kind,
            visibility=visibility,
            occurred_at=occurred_at or now,
        )
        command = service.command_for(upload, limits)
        pending = await service.prepare_attach(
            conn, store, writable, command, content, if_match=expected,
            metadata=event_metadata(actor, correlation_id), now=now,
        )  # fmt: skip
        complaint = pending.complaint

        def render() -> Written:
            found = complaint.state.attachment(command.attachment_id)
            assert found is not None
            view = attachment_view(found, Gate(actor.reader, complaint.state.anonymous))
            location = f"/v1/complaints/{complaint.id}/attachments/{command.attachment_id}"
            headers = {"Location": location, "ETag": f'"{complaint.version}"'}
            return Written(201, dump(view), headers, complaint_id=complaint.id)

        return Planned(render, pending)

    # The body is the file; what the request says of it is in its query and headers.
    asked = [kind, visibility, request.query_params.get("occurred_at", ""), filename, said or ""]
    return await run_write(
        request, engine, actor, idempotency_key, operation,
        rederive=_rederive(store, actor), asked_also="\x1f".join(asked).encode(),
    )  # fmt: skip


@router.get(
    "/complaints/{complaint_id}/attachments",
    response_model=AttachmentList,
    summary="A complaint's evidence files",
)
async def list_attachments(
    complaint_id: ComplaintId,
    engine: Engine,
    store: Store,
    actor: Annotated[Actor, Depends(authorize(Action.read_complaint))],
) -> Response:
    """Oldest first. An analyst sees that each file exists (its type, size and SHA-256), never
    its name or description; a portal sees only those visible to the resident."""
    async with reading(engine, snapshot=False) as conn:
        complaint = await visible_complaint(conn, store, actor, complaint_id, replay=False)
    body = AttachmentList(items=visible_attachments(complaint.state, actor))
    return Response(dump(body), media_type="application/json")


@router.get(
    "/complaints/{complaint_id}/attachments/{attachment_id}",
    summary="An evidence file's bytes",
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": _BINARY}}, 410: {}},
)
async def read_attachment(
    complaint_id: ComplaintId,
    attachment_id: AttachmentId,
    engine: Engine,
    store: Store,
    actor: Annotated[Actor, Depends(authorize(Action.read_attachment))],
) -> Response:
    """The file as it was attached, with its recorded type and `Repr-Digest` (its SHA-256). Once
    the complaint's personal data is erased: 410 `attachment-erased`."""
    if not isinstance(store, SealingEventStore):
        raise TypeError("attachments need the sealing event store")
    async with reading(engine) as conn:
        complaint = await visible_complaint(conn, store, actor, complaint_id, replay=False)
        found = complaint.state.attachment(attachment_id)
        gate = Gate(actor.reader, complaint.state.anonymous)
        if found is None or not gate.sees_event(
            AttachmentAdded, {"visibility": found.visibility.value}
        ):
            raise ApiError(404, "not-found", "No such attachment.")
        try:
            content = await service.read_bytes(conn, store.keyring, complaint_id, attachment_id)
        except service.AttachmentErased as erased:
            raise ApiError(
                410, "attachment-erased", "The complaint's personal data was erased."
            ) from erased
    if content is None:
        raise ApiError(404, "not-found", "No such attachment.")
    digest = base64.b64encode(bytes.fromhex(found.sha256)).decode()
    return Response(
        content,
        media_type=found.media_type,
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(found.filename, safe='')}",
            "Repr-Digest": f"sha-256=:{digest}:",
            "Cache-Control": "private, no-store",
        },
    )
