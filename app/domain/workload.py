"""A complaints team's workload: the complaints not yet ended, per team and handler, how many are
due soon and how many breached, by stage. Pure: the counts come in per (team, handler, stage)
from the complaint list's own columns, so a figure here is what `GET /v1/complaints` lists with
the same filters (`team`, `handler`, `sla=due_soon|breached`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Counted:
    """The complaints of one team, handler and stage."""

    team: str | None
    handler: str | None
    stage: int
    open: int  # not closed or declined
    due_soon: int  # a landlord clock inside its warning window (and none breached)
    breached: int  # a landlord clock past its due day (or missed)


@dataclass
class Totals:
    open: int = 0
    due_soon: int = 0
    breached: int = 0
    by_stage: dict[int, int] = field(default_factory=dict)

    def add(self, row: Counted) -> None:
        self.open += row.open
        self.due_soon += row.due_soon
        self.breached += row.breached
        self.by_stage[row.stage] = self.by_stage.get(row.stage, 0) + row.open


@dataclass
class HandlerLoad:
    handler: str | None  # None: not assigned
    totals: Totals = field(default_factory=Totals)


@dataclass
class TeamLoad:
    team: str | None  # None: no team recorded
    totals: Totals = field(default_factory=Totals)
    handlers: list[HandlerLoad] = field(default_factory=list)


@dataclass
class Workload:
    totals: Totals
    teams: list[TeamLoad]


def _last(name: str | None) -> tuple[bool, str]:
    """Named ones in order, the unnamed (no team, not assigned) last."""
    return (name is None, name or "")


def workload(rows: Iterable[Counted]) -> Workload:
    totals = Totals()
    teams: dict[str | None, TeamLoad] = {}
    handlers: dict[tuple[str | None, str | None], HandlerLoad] = {}
    for row in rows:
        totals.add(row)
        team = teams.setdefault(row.team, TeamLoad(row.team))
        team.totals.add(row)
        key = (row.team, row.handler)
        if key not in handlers:
            handlers[key] = HandlerLoad(row.handler)
            team.handlers.append(handlers[key])
        handlers[key].totals.add(row)
    ordered = sorted(teams.values(), key=lambda t: _last(t.team))
    for team in ordered:
        team.handlers.sort(key=lambda h: _last(h.handler))
    return Workload(totals, ordered)
