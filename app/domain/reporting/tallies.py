"""The counts every report figure is made of, for one landlord, period and day.

A report is a few dozen numbers, each a count (or a sum of pence) of the period's facts sorted by
a few keys: the stage, its acknowledgement and response judged against their due days, a code.
`Tallies` holds those counts and nothing else, and the reports are assembled from it alone
(code_compliance.py, annual.py, tsm.py). The service counts them in the database, grouped, over
the reporting projection (app/projections/report_tallies.py); `tallies_of` counts the same from
the facts in memory, with the selections of selection.py: it defines each count, and a test holds
the database's counts equal to it on both databases.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from app.domain.clocks.calendar import london_date
from app.domain.complaint.events import ClosureReason, InformedOf
from app.domain.complaint.events.vocabulary import NOT_RECORDED
from app.domain.reporting.facts import ComplaintFacts, ItemFacts, ItemKind, StageFacts
from app.domain.reporting.period import Period
from app.domain.reporting.selection import (
    Acknowledgement,
    ReportData,
    Timeliness,
    acknowledgement,
    code_timeliness,
    policy_timeliness,
)

UNKNOWN = "unknown"  # a complaint whose tenure was not recorded

# Money: how many, and how many pence.
Money = tuple[int, int]
Key = tuple[str, ...]
# The kinds of item that move money on their own day (`due`), not the day recorded.
MOVED = (ItemKind.compensation_paid, ItemKind.compensation_offset, ItemKind.compensation_reversed)
# What a resident is told of, for the "explained?" figures of each kind of item.
ABOUT = {ItemKind.extension: InformedOf.extension.value,
         ItemKind.escalation_refusal: InformedOf.escalation_refusal.value}  # fmt: skip


class Evidence:
    on_time = "on_time"  # sent by the Ombudsman's date
    late = "late"  # sent after it, or not sent and it has passed
    not_due = "not_due"


@dataclass(frozen=True, kw_only=True)
class Tallies:
    # Stage records received in the period (not reopened, of complaints not declined):
    # (stage, tenure, acknowledgement, handler involved before).
    received: Counter[tuple[int, str, Acknowledgement, bool]] = field(default_factory=Counter)
    # Stage numbers that are a policy's informal stage, among the complaints counted.
    informal_stages: frozenset[int] = frozenset()
    # Responses sent in the period: (stage, tenure, against the policy, against the Code (None:
    # no Code deadline), outcome, working days taken).
    responded: Counter[tuple[int, str, Timeliness, Timeliness | None, str | None, int | None]] = (
        field(default_factory=Counter)
    )
    missed: Counter[int] = field(default_factory=Counter)  # responses never sent, by stage
    # Per complaint closed in the period, its stage at the last closure: (stage, withdrawn).
    last_closures: Counter[tuple[int, bool]] = field(default_factory=Counter)
    # Stage records awaiting their response at the period's end: (stage, past due).
    open_at_end: Counter[tuple[int, bool]] = field(default_factory=Counter)
    reopened: int = 0  # closed stages reopened in the period
    # Extensions agreed in the period: (stage, reason code, explained); and per stage, the stage
    # records they moved.
    extensions: Counter[tuple[int | None, str, bool]] = field(default_factory=Counter)
    stages_extended: Counter[int | None] = field(default_factory=Counter)
    # Escalation requests made in the period: (stage asked for, what became of it); refusals
    # recorded in it: (stage, ground, explained).
    requests: Counter[tuple[int | None, str | None]] = field(default_factory=Counter)
    refusals: Counter[tuple[int | None, str, bool]] = field(default_factory=Counter)
    # Complaints logged at an informal stage in the period; of them, those gone on to stage 1 or
    # more, and those closed informally (withdrawn aside).
    informal_received: int = 0
    informal_formal: int = 0
    informal_resolved: int = 0
    declined: Counter[str | None] = field(default_factory=Counter)  # by reason (None: none)
    late_acceptances: Counter[str] = field(default_factory=Counter)  # by reason
    # Complaints received in the period, not declined: (category, channel, tenure).
    received_complaints: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    remedies: Counter[str] = field(default_factory=Counter)  # labels of the period's responses
    satisfaction: Counter[str] = field(default_factory=Counter)  # by answer
    evidence: Counter[str] = field(default_factory=Counter)  # the Ombudsman's requests: Evidence
    offers: dict[tuple[str, str], Money] = field(default_factory=dict)  # (kind, status)
    moved: dict[tuple[str, str, str], Money] = field(default_factory=dict)  # (item kind, kind,
    # method or what a reversal undoes), on the money's own day
    learning: int = 0  # lessons recorded
    referrals: Counter[str] = field(default_factory=Counter)  # by body
    determinations: Counter[str] = field(default_factory=Counter)  # by finding
    # The period's items whose words a report may list (those of the kinds asked for), by kind,
    # complaint and version.
    worded: tuple[ItemFacts, ...] = ()


def by_part(
    tally: Mapping[tuple[Any, ...], int], part: int, *, stage: int | None = None
) -> Counter[Any]:
    """The counts of `tally` by the part `part` of their keys; with `stage`, of the keys of that
    stage only (their first part)."""
    found: Counter[Any] = Counter()
    for key, n in tally.items():
        if stage is None or key[0] == stage:
            found[key[part]] += n
    return found


def tenure_of(complaint: ComplaintFacts) -> str:
    return complaint.tenure.value if complaint.tenure else UNKNOWN


def evidence_status(item: ItemFacts, today: date) -> str:
    assert item.due is not None
    if item.answered_at is not None:
        return Evidence.on_time if london_date(item.answered_at) <= item.due else Evidence.late
    return Evidence.late if item.due < today else Evidence.not_due


def tallies_of(
    data: ReportData,
    period: Period,
    today: date,
    worded: Iterable[ItemKind] = frozenset(),
) -> Tallies:
    """The counts of `data`'s facts for `period`, judged on `today`, with the items of the kinds
    in `worded`."""
    received, responded = data.received(period), data.responded(period)
    cutoff = min(period.end, today + timedelta(days=1))  # nothing is overdue before its day
    informal = {
        c.complaint_id
        for c in data.complaints.values()
        if c.logged_stage == 0 and c.declined_at is None and period.holds(c.received_at)
    }
    formal = {s.complaint_id for s in data.stages if s.complaint_id in informal and s.stage >= 1}
    resolved = {
        s.complaint_id
        for s in data.stages
        if s.complaint_id in informal and s.complaint_id not in formal
        and s.closed_at is not None and s.closure_reason is not ClosureReason.withdrawn
    }  # fmt: skip
    items = {kind: data.items_in(period, kind) for kind in ItemKind}
    kinds = frozenset(worded)
    new_complaints = [
        c for c in data.complaints.values() if period.holds(c.received_at) and c.declined_at is None
    ]
    return Tallies(
        received=Counter(
            (
                s.stage,
                tenure_of(data.complaint(s)),
                acknowledgement(s, today),
                s.handler_involved_before,
            )
            for s in received
        ),
        informal_stages=frozenset(s.stage for s in data.stages if s.informal),
        responded=Counter(
            (
                s.stage,
                tenure_of(data.complaint(s)),
                policy_timeliness(s),
                None if s.code_response_due is None else code_timeliness(s),
                None if s.outcome is None else s.outcome.value,
                s.working_days_to_respond,
            )
            for s in responded
        ),
        missed=Counter(s.stage for s in data.unanswered(period)),
        last_closures=Counter(
            (s.stage, s.closure_reason is ClosureReason.withdrawn)
            for s in _last_closures(data, period)
        ),
        open_at_end=Counter(
            (s.stage, s.response_due < cutoff)
            for s in data.stages
            if s.started_at < period.closes
            and not period.ended_by(s.responded_at)
            and not period.ended_by(s.ended_at)
        ),
        reopened=sum(1 for s in data.stages if s.reopened and period.holds(s.started_at)),
        extensions=Counter(
            (i.stage, i.code or NOT_RECORDED, _explained(data, i))
            for i in items[ItemKind.extension]
        ),
        stages_extended=Counter(
            stage for _, stage in {(i.complaint_id, i.stage) for i in items[ItemKind.extension]}
        ),
        requests=Counter((i.stage, i.status) for i in items[ItemKind.escalation_request]),
        refusals=Counter(
            (i.stage, i.code or NOT_RECORDED, _explained(data, i))
            for i in items[ItemKind.escalation_refusal]
        ),
        informal_received=len(informal),
        informal_formal=len(formal),
        informal_resolved=len(resolved),
        declined=Counter(
            None if c.decline_reason is None else c.decline_reason.value
            for c in data.complaints.values()
            if period.holds(c.declined_at)
        ),
        late_acceptances=Counter(
            c.late_acceptance_reason.value
            for c in data.complaints.values()
            if c.late_acceptance_reason is not None and period.holds(c.received_at)
        ),
        received_complaints=Counter((c.category, c.channel, tenure_of(c)) for c in new_complaints),
        remedies=Counter(r for s in responded for r in s.remedies),
        satisfaction=Counter(i.code or "" for i in items[ItemKind.satisfaction]),
        evidence=Counter(evidence_status(i, today) for i in items[ItemKind.evidence_request]),
        offers=_money(((i.code or "", i.status or ""), i) for i in items[ItemKind.compensation]),
        moved=_money(
            ((i.kind.value, i.code or "", i.status or ""), i)
            for i in data.items
            if i.kind in MOVED and i.due is not None and period.start <= i.due < period.end
        ),
        learning=len(items[ItemKind.learning]),
        referrals=Counter(i.code or "" for i in items[ItemKind.referral]),
        determinations=Counter(i.code or "" for i in items[ItemKind.determination]),
        worded=tuple(
            sorted(
                (i for kind in kinds for i in items[kind]),
                key=lambda i: (i.kind.value, i.complaint_id, i.version),
            )
        ),
    )


def _money(keyed: Iterable[tuple[Key, ItemFacts]]) -> dict[Any, Money]:
    found: dict[Any, Money] = {}
    for key, item in keyed:
        count, pence = found.get(key, (0, 0))
        found[key] = (count + 1, pence + (item.amount_pence or 0))
    return found


def _last_closures(data: ReportData, period: Period) -> list[StageFacts]:
    """Per complaint closed in the period, the stage record current at its last closure then."""
    last: dict[str, StageFacts] = {}
    for s in data.stages:
        if s.closed_at is None or not period.holds(s.closed_at):
            continue
        seen = last.get(s.complaint_id)
        if seen is None or seen.closed_at is None or s.closed_at > seen.closed_at:
            last[s.complaint_id] = s
    return list(last.values())


def _explained(data: ReportData, item: ItemFacts) -> bool:
    """Whether the resident was told of `item` (an extension or a refusal): a `resident_informed`
    about its kind recorded after it, and before the next of its kind in the complaint."""
    about = ABOUT[item.kind]
    later = [i for i in data.items if i.complaint_id == item.complaint_id
             and i.version > item.version]  # fmt: skip
    following = min((i.version for i in later if i.kind is item.kind), default=None)
    return any(
        i.kind is ItemKind.informed
        and i.code == about
        and (following is None or i.version < following)
        for i in later
    )
