"""/v1/workload: what a complaints team has on, per team and handler (JSON, or the page a team
leader keeps open), and links to that page a browser can open without an API key."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from app.api.deps import Action, Actor, authorize, reject_unknown_query
from app.api.errors import ApiError
from app.api.reads import Reads, lagging
from app.api.writes import dump
from app.db import reading
from app.domain.clocks.calendar import london_date
from app.domain.workload import Totals, Workload, workload
from app.projections.workload import counted
from app.rendering.workload import workload_page
from app.services import board_links

router = APIRouter(tags=["workload"], dependencies=[Depends(reject_unknown_query)])
Reader = Annotated[Actor, Depends(authorize(Action.read_workload))]


class TotalsView(BaseModel):
    open: int = Field(description="Complaints not closed or declined.")
    due_soon: int = Field(description="Of those, with a deadline inside its warning window.")
    breached: int = Field(description="Of those, with a deadline past its due day (or missed).")
    by_stage: dict[str, int] = Field(description="Open complaints by stage number.")


class HandlerView(BaseModel):
    handler: str | None = Field(description="Null: not assigned.")
    totals: TotalsView


class TeamView(BaseModel):
    team: str | None = Field(description="Null: no team recorded with the assignment.")
    totals: TotalsView
    handlers: list[HandlerView]


class WorkloadView(BaseModel):
    landlord: str
    as_at: date = Field(description="The London date the deadlines are judged on.")
    totals: TotalsView
    teams: list[TeamView]


class BoardLinkRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    hours: int = Field(default=12, ge=1, le=board_links.MAX_DAYS * 24)


class BoardLink(BaseModel):
    url: str = Field(description="Open it in a browser: no key needed until it expires.")
    expires_at: datetime


def _totals(t: Totals) -> TotalsView:
    return TotalsView(
        open=t.open,
        due_soon=t.due_soon,
        breached=t.breached,
        by_stage={str(s): n for s, n in sorted(t.by_stage.items())},
    )


def view(landlord: str, load: Workload, today: date) -> WorkloadView:
    return WorkloadView(
        landlord=landlord,
        as_at=today,
        totals=_totals(load.totals),
        teams=[
            TeamView(
                team=team.team,
                totals=_totals(team.totals),
                handlers=[
                    HandlerView(handler=h.handler, totals=_totals(h.totals)) for h in team.handlers
                ],
            )
            for team in load.teams
        ],
    )


async def _load(reads: Reads, landlord: str) -> tuple[Workload, date]:
    today = london_date(datetime.now(UTC))
    async with reads.guard(), reading(reads.engine) as conn:
        return workload(await counted(conn, landlord, today)), today


@router.get(
    "/v1/workload",
    response_model=WorkloadView,
    summary="Open, due-soon and breached complaints per team and handler",
    responses=lagging({200: {"content": {"text/html": {}}}}),
)
async def get_workload(
    reads: Reads,
    actor: Reader,
    format: Annotated[Literal["json", "html"], Query(description="`html`: the page.")] = "json",
) -> Response:
    load, today = await _load(reads, actor.landlord)
    if format == "html":
        return HTMLResponse(workload_page(actor.landlord, load, today), headers=reads.headers)
    body = dump(view(actor.landlord, load, today))
    return Response(body, media_type="application/json", headers=reads.headers)


@router.post(
    "/v1/workload/board-links",
    status_code=201,
    response_model=BoardLink,
    summary="A link to the workload page that a browser can keep open without a key",
)
async def create_board_link(body: BoardLinkRequest, request: Request, actor: Reader) -> Response:
    expires = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=body.hours)
    token = board_links.sign(request.app.state.keyring.board_links_key, actor.landlord, expires)
    link = BoardLink(url=f"/boards/workload/{token}", expires_at=expires)
    return Response(dump(link), status_code=201, media_type="application/json")


@router.get(
    "/boards/workload/{token}",
    response_class=HTMLResponse,
    summary="The workload page, by a link from POST /v1/workload/board-links",
    responses={404: {}},
)
async def workload_board(
    token: Annotated[str, Path(min_length=10, max_length=300)], request: Request, reads: Reads
) -> Response:
    landlord = board_links.landlord_of(
        request.app.state.keyring.board_links_key, token, datetime.now(UTC)
    )
    if landlord is None:
        raise ApiError(404, "not-found", "No such board link, or it has expired.")
    load, today = await _load(reads, landlord)
    # Every response already says `Referrer-Policy: no-referrer`, so the link never leaks onward.
    return HTMLResponse(workload_page(landlord, load, today), headers=reads.headers)
