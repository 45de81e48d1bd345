"""/v1/complaints/{id}/evidence-pack: the Ombudsman's evidence pack, one zip (docs/evidence.md).

The timeline as the caller's role sees it, every evidence file, every letter, the events as
stored and a manifest of hashes that `redress verify-pack` checks offline.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from app.api.complaints import ComplaintId, visible_complaint
from app.api.deps import Action, Actor, Engine, Store, authorize, reject_unknown_query
from app.api.event_views import event_view
from app.api.letters import landlord_state, rendered_pdf
from app.db import reading
from app.domain.landlord.state import LandlordState
from app.events.sealed_store import SealingEventStore
from app.rendering.evidence_pack import PackFile, PackInput, PackLetter, build
from app.rendering.letters.compose import TemplateGone, recompose
from app.rendering.letters.render import sha256
from app.services import complaints as complaint_service
from app.services import evidence

router = APIRouter(prefix="/v1", tags=["evidence"], dependencies=[Depends(reject_unknown_query)])

ZIP = "application/zip"


@router.get(
    "/complaints/{complaint_id}/evidence-pack",
    summary="The Ombudsman's evidence pack (a zip)",
    response_class=Response,
    responses={200: {"content": {ZIP: {"schema": {"type": "string", "format": "binary"}}}}},
)
async def evidence_pack(
    complaint_id: ComplaintId,
    engine: Engine,
    store: Store,
    actor: Annotated[Actor, Depends(authorize(Action.evidence_pack))],
) -> Response:
    """A zip of `timeline/events.json` (every event as this key sees it, with its hash),
    `timeline/timeline.html` (the same, to read), `timeline/chain.json` (the events as stored,
    personal fields sealed, so the hash chain can be recomputed), every evidence file under
    `attachments/`, every letter under `letters/`, and `manifest.json`: each file's SHA-256 and
    size, the chain's head and the event that records each file's SHA-256. Check it offline with
    `redress verify-pack PACK.zip`. A file erased with the complaint's personal data is listed as
    erased, its hash still in the chain."""
    if not isinstance(store, SealingEventStore):
        raise TypeError("the evidence pack needs the sealing event store")
    now = datetime.now(UTC)
    async with reading(engine) as conn:
        complaint = await visible_complaint(conn, store, actor, complaint_id)
        ids = [a.attachment_id for a in complaint.state.attachments]
        material = await evidence.gather(conn, store, complaint_id, ids)
        landlord = await landlord_state(conn, store, complaint.state.landlord)
    recorded = {
        str(e.data.get("attachment_id")): e for e in material.stored if e.type == "attachment_added"
    }
    files = [
        PackFile(
            attachment_id=a.attachment_id,
            filename=a.filename,
            kind=a.kind.value,
            media_type=a.media_type,
            size=a.size,
            sha256=a.sha256,
            event_version=recorded[a.attachment_id].version,
            event_hash=recorded[a.attachment_id].hash,
            content=material.contents.get(a.attachment_id),
        )
        for a in complaint.state.attachments
    ]
    state = complaint.state
    pack = PackInput(
        complaint={"id": complaint.id, "reference": state.reference, "landlord": state.landlord},
        events=[
            event_view(e, actor, complaint.pseudonym).model_dump(mode="json")
            for e in complaint.events
        ],
        chain=material.stored,
        files=files,
        generated_at=now,
    )
    issued = await _letters(complaint, landlord)
    body = build(replace(pack, letters=issued))
    name = "evidence-" + re.sub(r"[^A-Za-z0-9-]", "-", state.reference) + ".zip"
    return Response(
        body,
        media_type=ZIP,
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "private, no-store",
        },
    )


async def _letters(
    complaint: complaint_service.Complaint, landlord: LandlordState | None
) -> list[PackLetter]:
    """Every issued letter, rendered again from the events before it (ADR 0017)."""
    found: list[PackLetter] = []
    for version in (e.version for e in complaint.events if e.type == "letter_issued"):
        try:
            issued, letter = recompose(complaint, landlord, version)
        except TemplateGone:
            found.append(PackLetter(version, "letter", None, matches=False))
            continue
        pdf = await rendered_pdf(letter.html)
        found.append(PackLetter(version, issued.kind.value, pdf, sha256(pdf) == issued.sha256))
    return found
