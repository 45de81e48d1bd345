"""The workload page a team leader keeps open: per team and handler, the complaints not yet
ended, due soon and breached, by stage. It reloads itself every minute (no script)."""

from __future__ import annotations

from datetime import date

from app.domain.workload import Totals, Workload
from app.rendering.board import day, stage_name
from app.rendering.page import Page

REFRESH_SECONDS = 60


def _row(name: str, totals: Totals, stages: list[int]) -> list[str | int]:
    return [
        name,
        totals.open,
        totals.due_soon,
        totals.breached,
        *(totals.by_stage.get(s, 0) for s in stages),
    ]


def workload_page(landlord: str, load: Workload, today: date) -> str:
    stages = sorted(load.totals.by_stage)
    headers = ["", "Open", "Due soon", "Breached", *(stage_name(s) for s in stages)]
    page = Page(
        title=f"Complaints workload: {landlord}",
        subtitle=f"As at {day(today)}; this page reloads every minute.",
        refresh_seconds=REFRESH_SECONDS,
    )
    page.paragraph(
        "Open: not closed or declined. Due soon: a deadline inside its warning window. Breached: "
        "a deadline past its due day, the same complaints the lists show with sla=breached.",
        note=True,
    )
    page.table("All teams", headers, [_row("All", load.totals, stages)])
    for team in load.teams:
        name = team.team or "No team recorded"
        rows = [_row(h.handler or "Not assigned", h.totals, stages) for h in team.handlers]
        page.heading(name)
        page.table(f"{name}, by handler", headers, [*rows, _row("Team total", team.totals, stages)])
    if not load.teams:
        page.paragraph("No complaint is open.")
    return page.render()
