"""The Tenant Satisfaction Measures' complaint figures (CH01, CH02) as a page for a board."""

from __future__ import annotations

from app.domain.reporting.tsm import TsmReport
from app.rendering.board import counted, day, during, percent_bar, share, whose
from app.rendering.charts import Bar, bar_chart
from app.rendering.page import Page

TENURE_NAMES = {
    "rented": "Rented homes (LCRA)",
    "shared_ownership": "Shared ownership (LCHO)",
    "unknown": "Tenure not recorded",
    "leasehold": "Leaseholders (outside the TSMs)",
    "other": "Other tenures (outside the TSMs)",
    "all": "All homes (LCRA, LCHO and not recorded)",
}


def tsm_page(report: TsmReport) -> str:
    homes = report.homes
    page = Page(
        "Tenant Satisfaction Measures: complaints",
        f"{whose(report.landlord, report.landlord_name)}, reporting year {report.year} "
        f"({during(report.period)}{_to_date(report)}). Homes on "
        f"{day(homes.as_at)}: {homes.rented:,} rented, {homes.shared_ownership:,} shared "
        "ownership.",
    )
    page.heading("CH01: complaints received per 1,000 homes")
    page.chart(
        bar_chart(
            "Complaints received per 1,000 homes",
            [
                Bar(f"{TENURE_NAMES[g.tenure]}: stage {n}", r.per_1000_homes or 0.0,
                    f"{r.per_1000_homes or 0:.2f} ({counted(r.count, 'complaint')})", n - 1)
                for g in report.ch01
                for n, r in ((1, g.stage_1), (2, g.stage_2)) if r.homes
            ],
            axis_label="Complaints per 1,000 homes",
        ),
        "Stage 1 complaints are those received in the year; stage 2 complaints are those the "
        "resident escalated in the year. Complaints whose tenure was not recorded count only "
        "in the all-homes line.",
    )  # fmt: skip
    page.table(
        "CH01 and the counts behind it",
        ["Homes", "Number of homes", "Stage 1", "Per 1,000", "Stage 2", "Per 1,000"],
        [
            (TENURE_NAMES[g.tenure], g.stage_1.homes, g.stage_1.count, g.stage_1.per_1000_homes,
             g.stage_2.count, g.stage_2.per_1000_homes)
            for g in report.ch01
        ],
    )  # fmt: skip
    page.heading("CH02: responses within the Complaint Handling Code's timescales")
    page.chart(
        bar_chart(
            "Responses sent within the Code's timescales",
            [
                percent_bar(f"{TENURE_NAMES[g.tenure]}: stage {n}", t.within_timescale, n - 1)
                for g in report.ch02
                for n, t in ((1, g.stage_1), (2, g.stage_2))
                if t.responded
            ],
            axis_label="Share of the responses sent in the year (%)",
            fixed_max=100,
        ),
        "A stage 1 response is within the Code's timescale if sent within 10 working days of "
        "the acknowledgement (20 at stage 2), or within an extension the Code allows.",
    )
    page.table(
        "CH02 and the counts behind it",
        ["Homes", "Stage", "Responses", "Within timescale", "Needed an extension", "Late"],
        [
            (TENURE_NAMES[g.tenure], n, t.responded, share(t.within_timescale),
             t.within_extension, t.late)
            for g in report.ch02
            for n, t in ((1, g.stage_1), (2, g.stage_2))
        ],
    )  # fmt: skip
    return page.render()


def _to_date(report: TsmReport) -> str:
    """For a year still running (its homes counted before its last day): so far."""
    if report.homes.as_at < report.period.last_day:
        return f"; to date, as at {day(report.homes.as_at)}"
    return ""
