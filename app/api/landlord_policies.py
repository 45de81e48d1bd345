"""POST /v1/landlords/{id}/policies: a landlord publishes a version of one of its own policies."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from app.api.deps import Action, Actor, Engine, Store, authorize, reject_unknown_query
from app.api.errors import ApiError
from app.api.landlords import LandlordId, own, write_landlord
from app.api.schemas.landlords import POLICY_ID, PublishedPolicy, PublishPolicyRequest
from app.api.writes import CorrelationId, IdempotencyKey, dump
from app.domain.landlord.commands import PublishPolicy
from app.domain.policies.check import check_policy
from app.services import landlords as service

router = APIRouter(prefix="/v1", tags=["landlords"], dependencies=[Depends(reject_unknown_query)])


@router.post(
    "/landlords/{landlord_id}/policies",
    status_code=201,
    response_model=PublishedPolicy,
    summary="Publish a version of one of the landlord's own policies",
    responses={409: {}},
)
async def publish_policy(
    request: Request,
    landlord_id: LandlordId,
    body: PublishPolicyRequest,
    engine: Engine,
    store: Store,
    actor: Annotated[Actor, Depends(authorize(Action.manage_landlord))],
    idempotency_key: IdempotencyKey = None,
    correlation_id: CorrelationId = None,
) -> Response:
    """The response lists where the policy breaks the Complaint Handling Code (the same check as
    `GET /v1/policies/{id}/check`): publishing is allowed, the landlord is told."""
    own(actor, landlord_id)
    if re.fullmatch(POLICY_ID, body.policy.id) is None:
        raise ApiError(
            422,
            "validation-error",
            "policy.id must be 1 to 40 lower-case letters, digits and hyphens.",
        )
    command = PublishPolicy(
        occurred_at=datetime.now(UTC), policy=body.policy, make_default=body.make_default
    )

    def render(landlord: service.Landlord) -> bytes:
        divergences = check_policy(body.policy)
        return dump(
            PublishedPolicy(policy=body.policy, complies=not divergences, divergences=divergences)
        )

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
        location=f"/v1/policies/{body.policy.id}?version={body.policy.version}",
    )
