"""The annual report page's section on compliments, comments and enquiries: what residents
praised, and the feedback that was not a complaint (docs/reports.md, "Compliments, comments and
enquiries")."""

from __future__ import annotations

from app.domain.reporting.feedback import FeedbackFigures
from app.rendering.charts import Bar, bar_chart
from app.rendering.page import Page


def _label(key: str) -> str:
    return key.replace("_", " ")


def feedback_section(page: Page, figures: FeedbackFigures, *, so_far: bool) -> None:
    page.heading("Compliments, comments and enquiries")
    converted = figures.enquiries_converted
    page.paragraph(
        f"Besides complaints, residents sent us {figures.received:,} compliments, comments and "
        f"enquiries in the year{' so far' if so_far else ''}. None of them is counted as a "
        "complaint anywhere in this report"
        + (
            f"; {converted:,} more enquir{'y' if converted == 1 else 'ies'} turned out to be "
            "complaints and are counted as complaints, not here."
            if converted
            else "."
        )
    )
    if not figures.received:  # said in words, rather than as empty charts and tables
        return
    page.chart(
        bar_chart(
            "Compliments, comments and enquiries received",
            [Bar(_label(c.key), c.count, f"{c.count:,}", i) for i, c in enumerate(figures.by_kind)],
            axis_label="Received in the year",
        ),
        "Each bar is the number of that kind received in the year.",
    )
    praised = figures.praised
    page.chart(
        bar_chart(
            "What residents praised: compliments by service",
            [Bar(_label(c.key), c.count, f"{c.count:,}") for c in praised.by_category],
            axis_label="Compliments received",
        ),
        f"{praised.compliments:,} compliments in the year, by the service they were about.",
    )
    page.table(
        "Compliments by the team praised",
        ["Team", "Compliments"],
        [(_label(c.key), c.count) for c in praised.by_team],
    )
    page.table(
        "Compliments, comments and enquiries by service",
        ["Service", "Compliments", "Comments", "Enquiries"],
        [(_label(k.key), k.compliment, k.comment, k.enquiry) for k in figures.by_category],
    )
