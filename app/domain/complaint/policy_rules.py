"""Rules for the events only some policies allow: stopping and restarting a stage's clock, and
reopening a closed complaint.

The policy is checked first: where it does not allow the event, no state could make it possible,
and the client is told so (with the Code's alternative) rather than what the state lacks.
"""

from __future__ import annotations

from app.domain.complaint.commands import RefuseEscalation, Reopen, RestartClock, StopClock
from app.domain.complaint.errors import (
    ClockStoppingNotAllowed,
    PolicyRuleBroken,
    ReopeningNotAllowed,
)
from app.domain.complaint.events import (
    ClockRestarted,
    ClockStopped,
    EscalationRefused,
    Reopened,
)
from app.domain.complaint.rules import refuse
from app.domain.complaint.state import ComplaintState, Status
from app.domain.policies.model import Policy


def require_independent(state: ComplaintState, policy: Policy, handler: str) -> None:
    """Where the stage must be handled by someone not involved before, refuse an earlier stage's
    handler (compared as written, ignoring case and surrounding spaces)."""
    if policy.stage(state.stage).handler_independence != "required":
        return
    earlier = {
        record.handler.strip().casefold()
        for record in state.stages
        if record.stage < state.stage and record.handler is not None
    }
    if handler.strip().casefold() in earlier:
        raise PolicyRuleBroken(
            policy.id, policy.version, "handler_independence",
            f"stage {state.stage} must be handled by someone not involved at an earlier stage",
        )  # fmt: skip


def refuse_escalation(
    command: RefuseEscalation, state: ComplaintState, policy: Policy
) -> EscalationRefused:
    """Refuse the next stage: only where the stage being left allows it, and only on one of the
    grounds the policy gives for it."""
    stage = state.stage
    if state.requested_stage is None:
        raise refuse(state, "refuse escalation", "no escalation has been requested")
    if not policy.stage(stage).escalation_refusable:
        # Where the policy makes the next stage the resident's right, only `escalated` answers.
        raise refuse(
            state,
            "refuse escalation",
            f"policy {policy.id} does not allow refusing escalation from stage {stage}: "
            "record escalated",
        )
    grounds = policy.stage(stage).refusal_codes()
    if command.reason not in grounds:
        raise PolicyRuleBroken(
            policy.id, policy.version, "refusal_grounds",
            f"{command.reason[:64]} is not a ground the policy gives for refusing stage "
            f"{state.requested_stage}", allowed=grounds,
        )  # fmt: skip
    return EscalationRefused(
        occurred_at=command.occurred_at,
        stage=state.requested_stage,
        reason=command.reason,
        explanation=command.explanation,
    )


def stop_clock(command: StopClock, state: ComplaintState, policy: Policy) -> ClockStopped:
    """Stop a running stage: open (not responded, no escalation pending) and not already stopped."""
    if not policy.clock_stopping_allowed:
        raise ClockStoppingNotAllowed(policy.id, policy.version)
    if state.status is not Status.open:
        raise refuse(state, "stop the clock", "only a stage awaiting its response can be stopped")
    if state.current.clock_stopped:
        raise refuse(
            state, "stop the clock", f"the clock of stage {state.stage} is already stopped"
        )
    return ClockStopped(
        occurred_at=command.occurred_at,
        stage=state.stage,
        reason_category=command.reason_category,
        reason=command.reason,
    )


def restart_clock(command: RestartClock, state: ComplaintState, policy: Policy) -> ClockRestarted:
    if not policy.clock_stopping_allowed:
        raise ClockStoppingNotAllowed(policy.id, policy.version)
    if not state.current.clock_stopped:
        raise refuse(state, "restart the clock", f"the clock of stage {state.stage} is not stopped")
    return ClockRestarted(occurred_at=command.occurred_at, stage=state.stage, reason=command.reason)


def reopen(command: Reopen, state: ComplaintState, policy: Policy) -> Reopened:
    """Reopen a closed complaint at the stage it was closed at (a declined one never gets here:
    it was not accepted as a complaint, so there is nothing to reopen)."""
    if not policy.reopening_allowed:
        raise ReopeningNotAllowed(policy.id, policy.version)
    if state.status is not Status.closed:
        raise refuse(state, "reopen", "only a closed complaint can be reopened")
    return Reopened(occurred_at=command.occurred_at, stage=state.stage, reason=command.reason)
