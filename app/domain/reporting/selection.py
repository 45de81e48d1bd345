"""The facts a report reads, and the selections every report makes the same way: which stage
records were received in a period, which were responded to, and whether on time.

"Received at stage N" means the complaint entered stage N in the period: it was logged there, or
the resident's escalation request that took it there was made then (the Code runs a later stage
from the request). A reopened stage is not received again. A complaint the landlord declined (not
a complaint under its policy) is not received at all: it is counted with the declined.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from app.domain.clocks.calendar import london_date
from app.domain.clocks.stops import earliest
from app.domain.reporting.facts import ComplaintFacts, Facts, ItemFacts, ItemKind, StageFacts
from app.domain.reporting.period import Period


@dataclass(frozen=True)
class ReportData:
    """The facts of a landlord's complaints (at least those a period's figures touch)."""

    complaints: Mapping[str, ComplaintFacts]
    stages: Sequence[StageFacts]
    items: Sequence[ItemFacts]

    @classmethod
    def of(cls, facts: Iterable[Facts]) -> ReportData:
        complaints: dict[str, ComplaintFacts] = {}
        stages: list[StageFacts] = []
        items: list[ItemFacts] = []
        for f in facts:
            complaints[f.complaint.complaint_id] = f.complaint
            stages.extend(f.stages)
            items.extend(f.items)
        return cls(complaints=complaints, stages=stages, items=items)

    def complaint(self, stage: StageFacts | ItemFacts) -> ComplaintFacts:
        return self.complaints[stage.complaint_id]

    def declined(self, stage: StageFacts) -> bool:
        return self.complaints[stage.complaint_id].declined_at is not None

    def received(self, period: Period) -> list[StageFacts]:
        """Stage records entered in the period, of complaints not declined."""
        return [
            s
            for s in self.stages
            if not s.reopened and period.holds(s.started_at) and not self.declined(s)
        ]

    def responded(self, period: Period) -> list[StageFacts]:
        """Stage records whose response was sent in the period (reopened ones too: each response
        had its own deadline)."""
        return [s for s in self.stages if period.holds(s.responded_at)]

    def unanswered(self, period: Period) -> list[StageFacts]:
        """Stage records that ended in the period with their response missed (never sent, and
        due before the end), of complaints not declined."""
        return [
            s
            for s in self.stages
            if period.holds(s.ended_at) and response_missed(s) and not self.declined(s)
        ]

    def items_in(self, period: Period, kind: ItemKind) -> list[ItemFacts]:
        return [i for i in self.items if i.kind is kind and period.holds(i.occurred_at)]


class Timeliness(StrEnum):
    on_time = "on_time"  # by the deadline as first set
    within_extension = "within_extension"  # after it, but by an agreed extension
    late = "late"


def policy_timeliness(stage: StageFacts) -> Timeliness:
    """A response against the pinned policy's deadline (moved by agreed extensions)."""
    assert stage.responded_at is not None
    day = london_date(stage.responded_at)
    if day <= stage.response_original_due:
        return Timeliness.on_time
    if stage.extended and day <= stage.response_due:
        return Timeliness.within_extension
    return Timeliness.late


def code_timeliness(stage: StageFacts) -> Timeliness:
    """A stage 1 or 2 response against the Complaint Handling Code's deadline (see facts)."""
    assert stage.responded_at is not None
    assert stage.code_response_due is not None
    day = london_date(stage.responded_at)
    if day <= stage.code_response_due:
        return Timeliness.on_time
    if stage.code_extended_due is not None and day <= stage.code_extended_due:
        return Timeliness.within_extension
    return Timeliness.late


class Acknowledgement(StrEnum):
    on_time = "on_time"
    late = "late"  # after the due day, or not yet and the due day passed while the stage runs
    missed = "missed"  # never: the stage was answered or ended after the due day
    not_due = "not_due"  # not acknowledged, but the stage was answered or ended first, or the
    # day has not come
    no_deadline = "no_deadline"  # the policy's stage sets no acknowledgement deadline


def acknowledgement(stage: StageFacts, today: date) -> Acknowledgement:
    """The stage's acknowledgement as its clock reads it (app/domain/clocks/deadlines.py)."""
    due = stage.acknowledgement_due
    if due is None:
        return Acknowledgement.no_deadline
    if stage.acknowledged_at is not None:
        on_time = london_date(stage.acknowledged_at) <= due
        return Acknowledgement.on_time if on_time else Acknowledgement.late
    # An acknowledgement is refused once the stage is answered: the response ends its wait too.
    no_longer_owed = earliest(stage.responded_at, stage.ended_at)
    if no_longer_owed is not None:
        # A breach only if the wait ran past the due day; then a final one.
        in_time = london_date(no_longer_owed) <= due
        return Acknowledgement.not_due if in_time else Acknowledgement.missed
    return Acknowledgement.late if due < today else Acknowledgement.not_due


def response_missed(stage: StageFacts) -> bool:
    """The stage ended (escalated, closed, withdrawn, declined) after its response's due day with
    no response: the response clock reads `missed`."""
    return (
        stage.responded_at is None
        and stage.ended_at is not None
        and london_date(stage.ended_at) > stage.response_due
    )
