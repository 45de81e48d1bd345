"""An independent oracle for the reports: reads the stored events (type and JSON data) of each
complaint and counts the figures directly, without the domain's fold, the reporting facts, the
projection or the report functions. Deliberately plain: loops and dictionaries.

It handles what the policies used by the property test can do (no clock stops). Only the working-
day calendar and the policies' numbers are shared with the code under test.

`words=False` is what a reader without personal-data rights (an analyst) must get: every count,
and no reason, root cause, lesson or improvement.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from datetime import date, timedelta
from typing import Any

from app.domain.clocks.calendar import london_date
from tests.contract.naive_cases import (
    CALENDAR,
    Case,
    Rec,
    ack_due,
    code_dues,
    fold,
    in_period,
    received,
    responded,
    response_dues,
    timeliness,
)

__all__ = ["annual", "code_compliance", "fold", "tsm"]


def code_compliance(
    cases: list[Case], start: date, end: date, today: date, *, words: bool = True
) -> dict[str, Any]:
    got = received(cases, start, end)
    answered = responded(cases, start, end)
    last_closed: list[Rec] = []
    for c in cases:
        closed = [r for r in c.recs if in_period(r.closed, start, end)]
        if closed:
            last_closed.append(max(closed, key=lambda r: r.closed or r.start))
    resolved = [r for r in last_closed if r.closure != "withdrawn"]
    # Ended in the period unanswered, after the response's due day: missed.
    missed = [
        r for c in cases for r in c.recs
        if c.declined is None and r.responded is None and r.end is not None
        and in_period(r.end, start, end) and london_date(r.end) > response_dues(c, r)[1]
    ]  # fmt: skip
    stages = sorted(
        {1, 2} | {r.stage for _, r in got} | {r.stage for _, r in answered}
        | {r.stage for r in [*resolved, *missed]}
    )  # fmt: skip
    cutoff = min(end, today + timedelta(days=1))
    figures: dict[str, Any] = {}
    for n in stages:
        acks: Counter[str] = Counter()
        for c, r in got:
            if r.stage != n:
                continue
            due = ack_due(c, r)
            if due is None:
                acks["no_deadline"] += 1
            elif r.ack is not None:
                acks["on_time" if london_date(r.ack) <= due else "late"] += 1
            elif r.responded is not None or r.end is not None:
                # No acknowledgement can follow the response.
                stopped = min(t for t in (r.responded, r.end) if t is not None)
                acks["not_due" if london_date(stopped) <= due else "missed"] += 1
            else:
                acks["late" if due < today else "not_due"] += 1
        times: Counter[str] = Counter()
        for c, r in answered:
            if r.stage == n:
                assert r.responded is not None
                original, extended = response_dues(c, r)
                times[timeliness(london_date(r.responded), original, extended)] += 1
        times["missed"] = sum(1 for r in missed if r.stage == n)
        extensions = [
            x for c in cases for x in c.extensions if x[1] == n and in_period(x[0], start, end)
        ]
        still_open = [
            (c, r) for c in cases for r in c.recs
            if r.stage == n and london_date(r.start) < end
            and not (r.responded and london_date(r.responded) < end)
            and not (r.end and london_date(r.end) < end)
        ]  # fmt: skip
        figures[f"stage {n}"] = {
            "received": sum(1 for _, r in got if r.stage == n),
            "acks": tuple(acks[k] for k in ("on_time", "late", "missed", "not_due", "no_deadline")),
            "responses": tuple(times[k] for k in ("on_time", "within_extension", "late", "missed")),
            "extensions": (
                len(extensions),
                sorted(Counter(x[2] for x in extensions).items()) if words else [],
            ),
            "resolved": (sum(1 for r in resolved if r.stage == n), len(resolved)),
            "open": (
                len(still_open),
                sum(1 for c, r in still_open if response_dues(c, r)[1] < cutoff),
            ),
        }
    requests = [q for c in cases for q in c.requests if in_period(q["at"], start, end)]
    refusals = [x for c in cases for x in c.refusals if in_period(x[0], start, end)]
    for target in sorted({q["to"] for q in requests} | {x[1] for x in refusals} | {2}):
        outcomes = Counter(q["outcome"] for q in requests if q["to"] == target)
        mine = [x for x in refusals if x[1] == target]
        figures[f"to {target}"] = (
            sum(outcomes.values()), outcomes["escalated"], outcomes["refused"],
            outcomes["pending"], outcomes["ended"], len(mine),
            sorted(Counter(x[2] for x in mine).items()) if words else [],
        )  # fmt: skip
    informal = [
        c for c in cases
        if c.logged_stage == 0 and c.declined is None and in_period(c.received, start, end)
    ]  # fmt: skip
    formal = [c for c in informal if any(r.stage >= 1 for r in c.recs)]
    figures["informal"] = (
        len(informal),
        len(formal),
        sum(
            1 for c in informal
            if c not in formal and any(r.closed and r.closure != "withdrawn" for r in c.recs)
        ),
    )  # fmt: skip
    figures["closures"] = (len(resolved), len(last_closed) - len(resolved))
    figures["declined"] = sorted(
        Counter(c.decline_reason for c in cases if in_period(c.declined, start, end)).items()
    )
    figures["surveys"] = sorted(
        Counter(a for c in cases for at, a in c.surveys if in_period(at, start, end)).items()
    )
    evidence: Counter[str] = Counter()
    for c in cases:
        for q in c.evidence:
            if not in_period(q["at"], start, end):
                continue
            if q["sent"] is not None:
                evidence["on_time" if london_date(q["sent"]) <= q["due"] else "late"] += 1
            else:
                evidence["late" if q["due"] < today else "not_due"] += 1
    figures["evidence"] = (evidence["on_time"], evidence["late"], evidence["not_due"])
    return figures


def tsm(cases: list[Case], start: date, end: date) -> dict[str, Any]:
    got = received(cases, start, end)
    answered = [(c, r) for c, r in responded(cases, start, end) if r.stage in (1, 2)]
    figures: dict[str, Any] = {}
    # Leaseholders and other tenures are outside the TSMs: their own lines, not in "all".
    outside = ("leasehold", "other")

    def counted(tenure: str, c: Case) -> bool:
        return tenure == c.tenure or (tenure == "all" and c.tenure not in outside)

    for tenure in ("rented", "shared_ownership", "unknown", *outside, "all"):
        for n in (1, 2):
            mine = [(c, r) for c, r in got if r.stage == n and counted(tenure, c)]
            times: Counter[str] = Counter()
            for c, r in answered:
                if r.stage == n and counted(tenure, c):
                    assert r.responded is not None
                    times[timeliness(london_date(r.responded), *code_dues(r))] += 1
            figures[f"{tenure} {n}"] = (
                len(mine),
                times["on_time"],
                times["within_extension"],
                times["late"],
            )
    return figures


def annual(cases: list[Case], start: date, end: date, *, words: bool = True) -> dict[str, Any]:
    came = [c for c in cases if in_period(c.received, start, end) and c.declined is None]
    answered = responded(cases, start, end)
    figures: dict[str, Any] = {
        "received": len(came),
        "category": sorted(Counter(c.category for c in came).items()),
        "channel": sorted(Counter(c.channel for c in came).items()),
        "tenure": sorted(Counter(c.tenure for c in came).items()),
        "remedies": sorted(Counter(m for _, r in answered for m in r.remedies).items()),
    }
    for n in sorted({r.stage for _, r in answered} | {1, 2}):
        mine = [(c, r) for c, r in answered if r.stage == n]
        days = sorted(
            CALENDAR.working_days_between(london_date(r.start), london_date(r.responded))
            for _, r in mine
            if r.responded is not None
        )
        p90 = days[math.ceil(0.9 * len(days)) - 1] if days else None
        figures[f"stage {n}"] = (
            sorted(Counter(r.outcome for _, r in mine).items()),
            len(days),
            float(statistics.median(days)) if days else None,
            p90,
        )
    offers = [o for c in cases for o in c.offers.values() if in_period(o["at"], start, end)]
    figures["compensation"] = {
        status: (sum(1 for o in offers if o["status"] == status),
                 sum(o["pence"] for o in offers if o["status"] == status))
        for status in ("offered", "accepted", "declined")
    }  # fmt: skip
    moved = [m for c in cases for m in c.money if start <= m[1] < end]
    for kind, undone in (("compensation_paid", "paid"), ("compensation_offset", "offset")):
        # Counted as made; the pence net of what was reversed on a day in the period.
        figures["compensation"][kind] = (
            sum(1 for m in moved if m[0] == kind),
            sum(m[2] for m in moved if m[0] == kind)
            - sum(m[2] for m in moved if m[0] == f"{undone} reversed"),
        )
    for settled_by, undone in (("payment", "paid"), ("offset", "offset")):
        reversals = [m[2] for m in moved if m[0] == f"{undone} reversed"]
        figures["compensation"][f"reversed {settled_by}"] = (len(reversals), sum(reversals))
    figures["referrals"] = sorted(
        Counter(to for c in cases for at, to in c.referrals if in_period(at, start, end)).items()
    )
    learnt = [x for c in cases for x in c.learning if in_period(x[0], start, end)]
    causes = sorted({cause for _, cause, _, _ in learnt}) if words else []
    figures["learning"] = (len(learnt), [
        (cause, sum(1 for x in learnt if x[1] == cause),
         sorted(Counter((x[2], x[3]) for x in learnt if x[1] == cause).items()))
        for cause in causes
    ])  # fmt: skip
    figures["findings"] = sorted(
        Counter(f for c in cases for at, f in c.findings if in_period(at, start, end)).items()
    )
    return figures
