"""The reports as pages for a board, a scrutiny panel or residents: a heading per question, a chart
with its numbers written beside the bars, a sentence saying what it shows, and the table behind it.
"""

from __future__ import annotations

from datetime import date

from app.domain.reporting.annual import AnnualReport
from app.domain.reporting.code_compliance import (
    CodeComplianceReport,
    PeriodView,
    SatisfactionFigures,
)
from app.domain.reporting.figures import Amount, Ratio, TextCount
from app.rendering.board_feedback import feedback_section
from app.rendering.board_restrictions import restrictions_section
from app.rendering.charts import Bar, bar_chart
from app.rendering.page import Page


def day(d: date) -> str:
    return f"{d.day} {d:%B %Y}"


def during(period: PeriodView) -> str:
    return f"{day(period.first_day)} to {day(period.last_day)}"


def share(r: Ratio) -> str:
    if r.percent is None:
        return f"{r.numerator} of {r.denominator}"
    return f"{r.numerator} of {r.denominator} ({r.percent:.1f}%)"


def percent_bar(label: str, r: Ratio, colour: int = 0) -> Bar:
    return Bar(label, r.percent or 0.0, share(r), colour)


def stage_name(stage: int) -> str:
    return "Stage 0 (informal)" if stage == 0 else f"Stage {stage}"


def pounds(pence: int) -> str:
    sign = "-" if pence < 0 else ""  # a net figure after reversals
    return f"{sign}£{abs(pence) / 100:,.2f}"


def _reversals(undone: list[Amount]) -> str:
    """The year's reversals in words: how much, and how many of each kind."""
    each = " and ".join(f"{a.count} {a.key}s" for a in undone)
    return f"{pounds(sum(a.pence for a in undone))} reversed ({each}, failed or recorded in error)"


def _reasons(page: Page, caption: str, rows: list[tuple[str, TextCount]]) -> None:
    page.table(caption, ["Stage", "Reason, in the landlord's words", "Times"], [
        (stage, reason.text, reason.count) for stage, reason in rows
    ])  # fmt: skip


def _withheld(page: Page, counted: str) -> None:
    page.paragraph(
        f"{counted} Their wording is not shown to this key: only to those allowed to read free "
        "text (an admin key, or the redress report command).",
        note=True,
    )


def counted(n: int, one: str, many: str | None = None) -> str:
    """`n` and the noun, in the singular for one: "1 complaint", "3 complaints"."""
    return f"{n:,} {one if n == 1 else many or one + 's'}"


def whose(landlord: str, name: str | None) -> str:
    """The landlord as a board knows it: its registered name."""
    return name or landlord


def code_compliance_page(report: CodeComplianceReport) -> str:
    page = Page(
        "Complaint Handling Code: self-assessment figures",
        f"{whose(report.landlord, report.landlord_name)}, complaints from "
        f"{during(report.period)}. Figures as the complaint "
        f"records stood on {day(report.as_of)}.",
    )
    page.heading("Were responses sent on time?")
    bars = []
    for s in (s for s in report.stages if s.responses.responded):
        bars.append(percent_bar(f"{stage_name(s.stage)}: on time", s.responses.within_timescale))
        bars.append(
            percent_bar(
                f"{stage_name(s.stage)}: with extensions",
                s.responses.within_timescale_with_extension,
                1,
            )
        )
    page.chart(
        bar_chart(
            "Responses sent within the policy's timescale",
            bars,
            axis_label="Share of the responses sent in the period (%)",
            fixed_max=100,
        ),
        "For each stage, the first bar is the share of responses sent by the date the policy "
        "first set; the second also counts those sent late but by a date agreed with the "
        "resident (an extension).",
    )
    page.table(
        "Each stage in the period",
        [
            "Stage",
            "Received",
            "Acknowledged on time",
            "Acknowledgements missed",
            "Responses sent",
            "On time",
            "On time, counting extensions",
            "Responses missed (the stage ended unanswered, past due)",
            "Extensions agreed",
            "Resolved at this stage (of complaints closed)",
            "Awaiting a response at the end (overdue)",
        ],
        [
            (
                stage_name(s.stage),
                s.received,
                share(s.acknowledgements.on_time),
                s.acknowledgements.missed,
                s.responses.responded,
                share(s.responses.within_timescale),
                share(s.responses.within_timescale_with_extension),
                s.responses.missed,
                s.extensions.agreed,
                share(s.resolved),
                f"{s.open_at_end.awaiting_response} ({s.open_at_end.past_due})",
            )
            for s in report.stages
        ],
    )
    page.heading("Why were timescales extended?")
    if not all(s.extensions.text_shown for s in report.stages):
        agreed = sum(s.extensions.agreed for s in report.stages)
        _withheld(page, f"{counted(agreed, 'extension was', 'extensions were')} agreed.")
    _reasons(
        page,
        "Extensions agreed in the period, by the reason recorded",
        [(stage_name(s.stage), r) for s in report.stages for r in s.extensions.reasons],
    )
    page.heading("Escalations asked for, and refused")
    page.table(
        "Requests to go to the next stage made in the period, and what became of them",
        ["To", "Asked", "Escalated", "Refused", "Awaiting a decision", "Closed first"],
        [
            (stage_name(e.to_stage), e.requested, e.escalated, share(e.refused), e.pending, e.ended)
            for e in report.escalations
        ],
    )
    page.table(
        "Refusals recorded in the period",
        ["To", "Refused", "Reason given to the resident"],
        [(stage_name(e.to_stage), e.refusals.refused, share(e.refusals.explained))
         for e in report.escalations],
    )  # fmt: skip
    if not all(e.refusals.text_shown for e in report.escalations):
        refused = sum(e.refusals.refused for e in report.escalations)
        _withheld(page, f"{counted(refused, 'escalation was', 'escalations were')} refused.")
    _reasons(
        page,
        "Reasons given for refusing",
        [(stage_name(e.to_stage), r) for e in report.escalations for r in e.refusals.reasons],
    )
    page.heading("Informal complaints that became formal")
    informal = report.informal
    page.paragraph(
        f"{counted(informal.received, 'complaint')} taken at an informal stage 0 in the period; "
        f"{share(informal.became_formal)} went on to stage 1, and "
        f"{informal.resolved_informally:,} resolved informally."
    )
    page.heading("Complaints not accepted")
    page.table(
        f"{report.declined.declined} declined under the policy's exclusions, by exclusion",
        ["Exclusion", "Declined"],
        [(c.key.replace("_", " "), c.count) for c in report.declined.by_reason],
    )
    late = report.late_acceptances
    page.table(
        f"{late.accepted} accepted although the matter was older than the policy's time limit, "
        "by reason",
        ["Reason", "Accepted"],
        [(c.key.replace("_", " "), c.count) for c in late.by_reason],
    )
    closures = report.closures
    page.paragraph(
        f"Closed as resolved in the period: {counted(closures.closed, 'complaint')}; withdrawn: "
        f"{closures.withdrawn:,}; closed stages reopened: {closures.reopened:,}."
    )
    _satisfaction(page, report.satisfaction)
    page.heading("Did we send the Housing Ombudsman the evidence it asked for on time?")
    evidence = report.ombudsman_evidence
    page.paragraph(
        f"The Ombudsman asked for {counted(evidence.requested, 'case file')} in the period: "
        f"{share(evidence.on_time)} were sent by its date ({evidence.late} late, "
        f"{evidence.not_due} not yet due)."
    )
    return page.render()


def _satisfaction(page: Page, figures: SatisfactionFigures) -> None:
    page.heading("Were residents satisfied with how we handled their complaint?")
    page.chart(
        bar_chart(
            "Survey answers after closure",
            [
                Bar(c.key.replace("_", " "), c.count, _count_share(c.count, figures.surveyed), i)
                for i, c in enumerate(figures.by_answer)
            ],
            axis_label="Residents who answered",
        ),
        f"{counted(figures.surveyed, 'resident')} answered the survey; "
        f"{share(figures.satisfied)} very or fairly satisfied.",
    )


def annual_page(report: AnnualReport) -> str:
    v = report.volumes
    name = whose(report.landlord, report.landlord_name)
    if report.to_date is None:
        subtitle = f"{name}, {report.year}: complaints from {during(report.period)}."
    else:  # a year still running: what has happened so far, and when the year ends
        subtitle = (
            f"{name}, {report.year} to date: complaints from {day(report.period.first_day)} "
            f"to {day(report.to_date)}, as at {day(report.to_date)}. The year runs to "
            f"{day(report.period.last_day)}."
        )
    page = Page("Annual complaints performance and service improvement report", subtitle)
    page.heading("How many complaints, and about what")
    declined = v.declined.declined
    page.paragraph(
        f"We received {counted(v.received, 'complaint')} in the year"
        f"{'' if report.to_date is None else ' so far'}. "
        f"{counted(declined, 'more contact was', 'more contacts were')} not accepted as "
        "complaints under our policy."
    )
    for title, items, caption in (
        ("Complaints received, by subject", v.by_category,
         "Each bar is the number of complaints received in the year about that subject."),
        ("Complaints received, by how they reached us", v.by_channel,
         "Each bar is the number of complaints received in the year through that channel."),
    ):  # fmt: skip
        page.chart(
            bar_chart(
                title,
                [Bar(c.key.replace("_", " "), c.count, _count_share(c.count, v.received))
                 for c in items],
                axis_label="Complaints received",
            ),
            caption,
        )  # fmt: skip
    page.heading("What we found")
    page.chart(
        bar_chart(
            "Responses by outcome",
            [
                Bar(f"{stage_name(o.stage)}: {c.key.replace('_', ' ')}", c.count,
                    _count_share(c.count, o.responded), i)
                for o in report.outcomes
                for i, c in enumerate(o.by_outcome)
            ],
            axis_label="Responses sent in the year",
        ),
        "How many of the year's responses upheld the complaint in full, in part, or not at all.",
    )  # fmt: skip
    page.table(
        "Remedies given in the year's responses",
        ["Remedy", "Times"],
        [(c.key, c.count) for c in report.remedies],
    )
    money = report.compensation
    page.heading("Compensation")
    page.chart(
        bar_chart(
            "Compensation paid and set against arrears, by kind",
            [
                bar
                for k in money.by_kind
                for bar in (
                    # A year that reverses more than moved in it nets below zero: no bar, the
                    # figure written beside it.
                    Bar(f"{k.key.replace('_', ' ')}: paid", max(k.paid.pence, 0) / 100,
                        f"{pounds(k.paid.pence)} ({counted(k.paid.count, 'payment')})"),
                    Bar(f"{k.key.replace('_', ' ')}: offset", max(k.offset.pence, 0) / 100,
                        f"{pounds(k.offset.pence)} ({counted(k.offset.count, 'offset')})"),
                )
            ],
            axis_label="Pounds, on the day paid or offset, net of reversals",
        ),
        f"We offered {pounds(money.offered.pence)} in {counted(money.offered.count, 'offer')}; "
        f"residents accepted {pounds(money.accepted.pence)} "
        f"({counted(money.accepted.count, 'offer')}), declined {money.declined.count:,} and "
        f"{money.awaiting_answer.count:,} await an answer. In the year we paid "
        f"{pounds(money.paid.pence)} ({counted(money.paid.count, 'payment')}) and, with the "
        f"residents' agreement, set {pounds(money.offset.pence)} against rent arrears "
        f"({counted(money.offset.count, 'offset')}), net of {_reversals(money.reversed)}. "
        "Accepted is not paid: only a recorded payment counts.",
    )  # fmt: skip
    page.heading("How long we took to respond")
    page.chart(
        bar_chart(
            "Working days from receipt to response",
            [
                bar
                for t in report.time_to_respond
                if t.working_days.count
                for bar in (
                    Bar(f"{stage_name(t.stage)}: median", t.working_days.median or 0.0,
                        f"{t.working_days.median:g} days"),
                    Bar(f"{stage_name(t.stage)}: 90% within", t.working_days.percentile_90
                        or 0, f"{t.working_days.percentile_90} days", 1),
                )
            ],
            axis_label="Working days (our calendar)",
        ),
        "The median is the middle response time: half were quicker. Nine in ten responses were "
        "sent within the second figure. Stage 2 is counted from the resident's request to "
        "escalate.",
    )  # fmt: skip
    page.table(
        "Response times and timeliness",
        ["Stage", "Responses", "Median days", "90th percentile days", "Within our timescale"],
        [
            (stage_name(t.stage), t.working_days.count, t.working_days.median,
             t.working_days.percentile_90, share(t.within_timescale))
            for t in report.time_to_respond
        ],
    )  # fmt: skip
    _satisfaction(page, report.satisfaction)
    learning = report.learning
    page.heading("What we learnt, and what we changed")
    lessons = counted(learning.recorded, "lesson")
    if not learning.text_shown:  # counted, but not listed: say so rather than show "none"
        _withheld(page, f"{lessons} recorded in the year.")
    else:
        page.table(
            f"{lessons} recorded in the year, by root cause",
            ["Root cause", "Lesson", "Service improvement", "Times"],
            [
                (group.root_cause, lesson.lesson, lesson.improvement, lesson.count)
                for group in learning.by_root_cause
                for lesson in group.lessons
            ],
        )
    referrals = report.referrals
    page.heading("Referrals to the Housing Ombudsman and others")
    page.table(
        f"{counted(referrals.referred, 'complaint')} referred in the year",
        ["Referred to", "Complaints"],
        [(c.key.replace("_", " "), c.count) for c in referrals.by_body],
    )
    page.table(
        "The Ombudsman asked for the case file "
        f"{counted(referrals.ombudsman_evidence_requested, 'time')}, and determined "
        f"{counted(referrals.determined, 'complaint')} in the year",
        ["Finding", "Complaints"],
        [(c.key.replace("_", " "), c.count) for c in referrals.findings],
    )
    feedback_section(page, report.feedback, so_far=report.to_date is not None)
    restrictions_section(page, report.restrictions, so_far=report.to_date is not None)
    return page.render()


def _count_share(count: int, total: int) -> str:
    if not total:
        return f"{count:,}"
    return f"{count:,} ({100 * count / total:.1f}%)"
