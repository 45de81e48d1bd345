"""Rules about what a complaint allows now, shared by `decide` and by readers that offer actions."""

from __future__ import annotations

from app.domain.complaint.events import ClosureReason
from app.domain.complaint.state import ComplaintState, Status
from app.domain.policies.model import Policy


def can_decline(state: ComplaintState) -> bool:
    """Declining says "this was never a complaint", so only before it was handled as one."""
    return (
        state.status is Status.open
        and len(state.stages) == 1
        and state.current.responded_at is None
    )


def closure_reasons(state: ComplaintState, policy: Policy) -> list[ClosureReason]:
    """The closure reasons that fit the complaint now, in the order ClosureReason lists them.

    While an escalation request is pending, only `withdrawn` fits: the resident has asked for the
    next stage, and closing any other way would ignore the request (refuse it first).
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
        else:
            fits.add(ClosureReason.no_escalation_requested)
    return [r for r in ClosureReason if r in fits]
