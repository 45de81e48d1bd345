"""/v1/landlords/{id}/letter-templates: a landlord's own versions of its letters' templates.

Publishing checks the template first, over a made-up complaint of its kind: a template that does
not render (syntax, an unknown name, what the sandbox forbids, anything fetched from outside) or
that lacks a part the Code requires is refused, and nothing is written. Versions count from 1
per kind; new letters use the latest, issued ones keep the version they name.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from app.api.deps import Action, Actor, Engine, Store, authorize, reject_unknown_query
from app.api.errors import ApiError
from app.api.landlords import LandlordId, load_own, own, write_landlord
from app.api.schemas.letters import (
    LetterTemplates,
    LetterTemplateView,
    PublishLetterTemplateRequest,
)
from app.api.writes import CorrelationId, IdempotencyKey, dump
from app.domain.complaint.events import LetterKind
from app.domain.landlord.commands import PublishLetterTemplate
from app.domain.landlord.state import LandlordState
from app.rendering.letters.render import (
    BUILTIN_TEMPLATE_ID,
    BUILTIN_VERSION,
    TemplateInvalid,
    builtin_source,
    render_html,
    render_pdf,
)
from app.rendering.letters.sample import sample_context
from app.services import landlords as service

router = APIRouter(prefix="/v1", tags=["letters"], dependencies=[Depends(reject_unknown_query)])


def _check(kind: LetterKind, source: str) -> None:
    """Render over the made-up complaint, to the PDF: LetterIncomplete or TemplateInvalid."""
    render_pdf(render_html(kind, source, sample_context(kind)).html)


@router.post(
    "/landlords/{landlord_id}/letter-templates",
    status_code=201,
    response_model=LetterTemplateView,
    summary="Publish a version of one of the landlord's letter templates",
    responses={422: {}},
)
async def publish_letter_template(
    request: Request,
    landlord_id: LandlordId,
    body: PublishLetterTemplateRequest,
    engine: Engine,
    store: Store,
    actor: Annotated[Actor, Depends(authorize(Action.manage_landlord))],
    idempotency_key: IdempotencyKey = None,
    correlation_id: CorrelationId = None,
) -> Response:
    """422 `letter-incomplete` lists the parts the Code requires that the template does not
    render (over a made-up complaint of its kind); 422 `letter-template-invalid` says why it does
    not render at all."""
    own(actor, landlord_id)
    try:
        await asyncio.to_thread(_check, body.kind, body.source)
    except TemplateInvalid as error:
        raise ApiError(
            422, "letter-template-invalid", f"The template cannot be rendered: {error.detail}"
        ) from error
    command = PublishLetterTemplate(
        occurred_at=datetime.now(UTC), kind=body.kind, source=body.source
    )

    def render(landlord: service.Landlord) -> bytes:
        views = _views(landlord.state)
        return dump(next(v for v in reversed(views) if v.kind is body.kind))

    return await write_landlord(
        request,
        engine,
        store,
        actor,
        landlord_id,
        command,
        status=201,
        idempotency_key=idempotency_key,
        correlation_id=correlation_id,
        render=render,
        location=f"/v1/landlords/{landlord_id}/letter-templates",
    )


@router.get(
    "/landlords/{landlord_id}/letter-templates",
    response_model=LetterTemplates,
    summary="The letter templates: the built-in ones and every version the landlord published",
)
async def list_letter_templates(
    landlord_id: LandlordId,
    engine: Engine,
    store: Store,
    actor: Annotated[Actor, Depends(authorize(Action.read_landlord))],
) -> Response:
    found = await load_own(engine, store, actor, landlord_id)
    return Response(dump(LetterTemplates(items=_views(found.state))), media_type="application/json")


def _views(state: LandlordState) -> list[LetterTemplateView]:
    """Per kind: the built-in template (version 0), then the landlord's versions, oldest first."""
    views: list[LetterTemplateView] = []
    for kind in LetterKind:
        own_versions = [p for p in state.letter_templates if p.template.kind is kind]
        views.append(
            LetterTemplateView(
                kind=kind, version=BUILTIN_VERSION, template_id=BUILTIN_TEMPLATE_ID,
                published_at=None, source=builtin_source(kind), in_use=not own_versions,
            )
        )  # fmt: skip
        for index, published in enumerate(own_versions):
            views.append(
                LetterTemplateView(
                    kind=kind, version=published.template.version, template_id=state.id,
                    published_at=published.published_at, source=published.template.source,
                    in_use=index == len(own_versions) - 1,
                )
            )  # fmt: skip
    return views
