"""Rules about what a complaint allows now, shared by `decide` and by readers that offer actions."""

from __future__ import annotations

from datetime import datetime

from app.domain.clocks.calendar import WorkingCalendar, london_date
from app.domain.complaint.errors import InvalidTransition
from app.domain.complaint.events import ClosureReason
from app.domain.complaint.state import ComplaintState, Status
from app.domain.policies.model import Policy


def refuse(state: ComplaintState, what: str, hint: str) -> InvalidTransition:
    """The refusal of `what`, naming the status and stage; `hint` says what would allow it."""
    return InvalidTransition(
        f"cannot {what}: the complaint is {state.status} at stage {state.stage}; {hint}"
    )


def can_decline(state: ComplaintState) -> bool:
    """Declining says "this was never a complaint", so only before it was handled as one."""
    return (
        state.status is Status.open
        and len(state.stages) == 1
        and state.current.responded_at is None
    )


def window_open(
    state: ComplaintState, policy: Policy, calendar: WorkingCalendar, at: datetime
) -> bool:
    """Whether the resident may still ask for the next stage within the policy's window at `at`.

    A request already made (and refused) used the window: the resident has had their answer.
    """
    record = state.current
    days = policy.stage(state.stage).escalation_window_days
    if days is None or record.responded_at is None or record.escalation_first_requested_at:
        return False
    return london_date(at) <= calendar.add_working_days(london_date(record.responded_at), days)


def closure_reasons(
    state: ComplaintState,
    policy: Policy,
    calendar: WorkingCalendar | None = None,
    at: datetime | None = None,
) -> list[ClosureReason]:
    """The closure reasons that fit the complaint now, in the order ClosureReason lists them.

    While an escalation request is pending, only `withdrawn` fits: the resident has asked for the
    next stage, and closing any other way would ignore the request (refuse it first). Where the
    policy gives the resident a window to ask for the next stage (and `calendar` and `at` say
    when "now" is), `no_escalation_requested` fits only once it has lapsed: JLiving 4.5 "closed if
    no request for a review has been received by the deadline".
    """
    if state.is_terminal:
        return []
    fits: set[ClosureReason] = {ClosureReason.withdrawn}
    if state.status is Status.open and len(state.stages) == 1:
        fits.add(ClosureReason.resolved_at_first_contact)
    if state.status is Status.responded:
        fits.add(ClosureReason.resolved)
        if policy.next_stage(state.stage) is None:
            fits.add(ClosureReason.final_response_issued)
        elif calendar is None or at is None or not window_open(state, policy, calendar, at):
            fits.add(ClosureReason.no_escalation_requested)
    return [r for r in ClosureReason if r in fits]
