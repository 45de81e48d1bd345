"""The annual report page's section on contact restrictions (docs/reports.md, "Contact
restrictions"): how often the landlord restricted how a resident contacts it, how, and how often a
resident's challenge succeeded. Counts only: never a resident."""

from __future__ import annotations

from app.domain.reporting.restrictions import RestrictionFigures
from app.rendering.page import Page

MEASURES = {
    "acknowledge_only": "Contact acknowledged, no other response",
    "single_point_of_contact": "One named member of staff",
    "channels": "Only by channels we chose",
    "set_times": "Calls only at set times",
    "appointments_only": "Visits by appointment only",
    "other": "Other action",
}


def _times(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


def restrictions_section(page: Page, figures: RestrictionFigures, *, so_far: bool) -> None:
    page.heading("Contact restrictions")
    year = "the year so far" if so_far else "the year"
    at_end = "today" if so_far else "at the end of the year"
    never = "A restriction never stops a resident's complaint being logged."
    if not (figures.imposed or figures.in_force_at_end or figures.challenged or figures.ended):
        page.paragraph(f"We did not restrict how any resident contacted us in {year}. {never}")
        return
    residents = _times(figures.imposed, "resident", "residents")
    in_force = _times(figures.in_force_at_end, "restriction was", "restrictions were")
    challenged = _times(figures.challenged, "restriction", "restrictions")
    upheld = _times(figures.challenges_upheld, "challenge was", "challenges were")
    lifted = _times(figures.ended, "restriction was", "restrictions were")
    page.paragraph(
        f"In {year} we restricted how {residents} contacted us, always saying what and why and "
        f"reviewing it every year; {in_force} in force {at_end}. Residents challenged "
        f"{challenged} and {upheld} upheld; {lifted} lifted. {never}"
    )
    if not figures.imposed:
        return
    page.table(
        "Restrictions imposed in the year, by measure (one may take several)",
        ["Measure", "Restrictions"],
        [(MEASURES.get(c.key, c.key), c.count) for c in figures.by_measure],
    )
