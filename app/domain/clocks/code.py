"""The Complaint Handling Code's response deadline for a stage record, whatever policy the
complaint was logged under: what the TSM's CH02 judges a response against.

It is the response clock of `deadlines.response_due`, the one the view and the lists show, run
with the Code's numbers (hoc-2024, its latest version) instead of the pinned policy's, so the two
can only differ where the policy's numbers do. For a complaint logged under hoc-2024 they are the
same date. What the Code's numbers do not carry is added here:

- the Code has no clock stopping (its tool for more time is the extension), so stops move
  nothing;
- an agreed extension counts up to the Code's cap, never further, whatever the policy allowed.
  The cap counts from the due date as it stood when the extension was agreed, as `decide` checks
  it for a hoc-2024 complaint; a date the resident was promised that a later acknowledgement
  overtook gives nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.domain.clocks.calendar import WorkingCalendar
from app.domain.clocks.deadlines import response_due
from app.domain.complaint.state import StageRecord
from app.domain.policies.builtin import HOC_2024
from app.domain.records import changed


@dataclass(frozen=True, kw_only=True, slots=True)
class CodeDue:
    due: date  # the Code's deadline as first set
    extended_due: date | None  # the latest an agreed extension counts to; None: none that counts


def code_response_due(record: StageRecord, calendar: WorkingCalendar) -> CodeDue | None:
    """The Code's response deadline of the record's stage; None for a stage the Code does not
    have (an informal stage 0, a third stage)."""
    if not HOC_2024.has_stage(record.stage):
        return None
    code = HOC_2024.stage(record.stage)
    unstopped = changed(record, stops=())
    due = response_due(unstopped, code, calendar)
    agreed_at = record.response_due_extended_at
    if not due.extended or agreed_at is None:
        return CodeDue(due=due.original_due, extended_due=None)
    latest = due.due
    if code.extension_cap_days is not None:
        then = response_due(unstopped, code, calendar, agreed_at).original_due
        latest = min(latest, calendar.add_working_days(then, code.extension_cap_days))
    extended = latest if latest > due.original_due else None
    return CodeDue(due=due.original_due, extended_due=extended)
