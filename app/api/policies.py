"""/v1/policies: the complaints policies as data (the built-in ones, and the key's landlord's own
versions), and where each breaks the Code."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field, TypeAdapter
from sqlalchemy.ext.asyncio import AsyncEngine

from app.api.deps import Action, Actor, Engine, authorize, reject_unknown_query
from app.api.errors import ApiError
from app.api.writes import dump
from app.db import reading
from app.domain.policies.builtin import BUILTIN_POLICIES, HOC_2024
from app.domain.policies.check import Divergence, check_policy
from app.domain.policies.model import Policy
from app.projections.landlords import list_policies as list_own

router = APIRouter(prefix="/v1", tags=["policies"], dependencies=[Depends(reject_unknown_query)])

PolicyId = Annotated[str, Path(min_length=1, max_length=64, description="e.g. `hoc-2024`.")]
Version = Annotated[
    int | None, Query(ge=1, le=10_000, description="A version; the current one by default.")
]


class PolicyRef(BaseModel):
    id: str
    version: int


class PolicyList(BaseModel):
    items: list[Policy]


class PolicyCheck(BaseModel):
    policy: PolicyRef
    compared_with: PolicyRef
    complies: bool = Field(description="True when no divergence from the Code was found.")
    divergences: list[Divergence]


async def _find(engine: AsyncEngine, actor: Actor, policy_id: str, version: int | None) -> Policy:
    if BUILTIN_POLICIES.knows(policy_id):
        versions = BUILTIN_POLICIES.versions(policy_id)
    else:
        async with reading(engine) as conn:
            versions = tuple(p for p in await list_own(conn, actor.landlord) if p.id == policy_id)
    if version is None:
        policy = versions[-1] if versions else None
    else:
        policy = next((p for p in versions if p.version == version), None)
    if policy is None:
        raise ApiError(404, "not-found", "No such policy (or version).")
    return policy


@router.get("/policies", response_model=PolicyList, summary="The complaints policies")
async def list_policies(
    engine: Engine,
    actor: Annotated[Actor, Depends(authorize(Action.read_policies))],
) -> Response:
    """The built-in policies, then the latest version of each of the landlord's own."""
    # Built-ins are listed as own policies are, at their latest version (what choosing the id
    # gets); older versions, which complaints may still pin, are read with `?version=`.
    async with reading(engine) as conn:
        own = {p.id: p for p in await list_own(conn, actor.landlord)}
    body = PolicyList(items=[*BUILTIN_POLICIES.latest_each(), *own.values()])
    return Response(dump(body), media_type="application/json")


@router.get("/policies/{policy_id}", response_model=Policy, summary="One policy, as data")
async def get_policy(
    policy_id: PolicyId,
    engine: Engine,
    actor: Annotated[Actor, Depends(authorize(Action.read_policies))],
    version: Version = None,
) -> Response:
    policy = await _find(engine, actor, policy_id, version)
    return Response(TypeAdapter(Policy).dump_json(policy), media_type="application/json")


@router.get(
    "/policies/{policy_id}/check",
    response_model=PolicyCheck,
    summary="Where the policy diverges from the Complaint Handling Code",
)
async def check(
    policy_id: PolicyId,
    engine: Engine,
    actor: Annotated[Actor, Depends(authorize(Action.read_policies))],
    version: Version = None,
) -> Response:
    policy = await _find(engine, actor, policy_id, version)
    divergences = check_policy(policy)
    body = PolicyCheck(
        policy=PolicyRef(id=policy.id, version=policy.version),
        compared_with=PolicyRef(id=HOC_2024.id, version=HOC_2024.version),
        complies=not divergences,
        divergences=divergences,
    )
    return Response(dump(body), media_type="application/json")
