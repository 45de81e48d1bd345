"""Turn a command into the events it causes, or refuse it with a DomainError.

`decide` is pure: the time (`now`), the pinned policy and the landlord's calendar come in as
arguments. Checks run in a fixed order so a client sees the most fundamental problem first:
timezone-less datetimes, then a time in the future, then whether the complaint exists, then the
order of events, then a closed or declined complaint, and last the rules of the command itself.
"""

from __future__ import annotations

from datetime import datetime
from typing import assert_never

from app.domain.clocks.calendar import WorkingCalendar
from app.domain.clocks.deadlines import response_due
from app.domain.complaint.aftercare import (
    provide_evidence,
    record_determination,
    record_learning,
    record_satisfaction,
    refer,
    request_evidence,
)
from app.domain.complaint.attaching import attach
from app.domain.complaint.commands import (
    AcceptCompensation,
    Acknowledge,
    AddAttachment,
    AddNote,
    AgreeAction,
    AgreeExtension,
    Assign,
    Close,
    Command,
    CompleteAction,
    Decline,
    DeclineCompensation,
    ErasePersonalData,
    Escalate,
    InformResident,
    IssueLetter,
    LinkEnquiry,
    LogComplaint,
    OfferCompensation,
    OffsetCompensation,
    PayCompensation,
    ProvideOmbudsmanEvidence,
    RecordContact,
    RecordLearning,
    RecordOmbudsmanDetermination,
    RecordSatisfaction,
    Refer,
    RefuseEscalation,
    Reopen,
    RequestEscalation,
    RequestOmbudsmanEvidence,
    Respond,
    RestartClock,
    ReverseCompensation,
    StopClock,
)
from app.domain.complaint.errors import (
    AlreadyAcknowledged,
    AlreadyLogged,
    AlreadyResponded,
    ComplaintClosed,
    ExtensionBeyondCap,
    ExtensionNotLater,
    InvalidTransition,
    NaiveDatetime,
    NoFurtherStage,
    NotLogged,
    OccurredBeforePreviousEvent,
    OccurredInFuture,
    PolicyRuleBroken,
)
from app.domain.complaint.events import (
    Acknowledged,
    Assigned,
    Closed,
    ComplaintEvent,
    Contacted,
    Declined,
    Escalated,
    EscalationRequested,
    ExtensionAgreed,
    NoteAdded,
    PersonalDataErased,
    RaisedFromEnquiry,
    Responded,
)
from app.domain.complaint.informing import inform
from app.domain.complaint.intake import logged
from app.domain.complaint.money import COMPENSATION, reverse_compensation, settle_compensation
from app.domain.complaint.policy_rules import (
    refuse_escalation,
    reopen,
    require_independent,
    restart_clock,
    stop_clock,
)
from app.domain.complaint.remedies import (
    agree_action,
    answer_compensation,
    complete_action,
    offer_compensation,
    require_actions_done,
)
from app.domain.complaint.rules import can_decline, closure_reasons, refuse
from app.domain.complaint.state import ComplaintState, Status
from app.domain.letters.issuing import issue_letter
from app.domain.policies.model import Policy

# What may still be recorded once a complaint has ended, named as a refusal lists them. A declined
# complaint was never accepted as one, so it cannot be reopened.
AFTER_DECLINE: dict[type[Command], str] = {
    AddNote: "notes",
    AddAttachment: "attachments",
    AgreeAction: "actions",
    CompleteAction: "actions",
    **dict.fromkeys(COMPENSATION, "compensation"),
    Refer: "referral",
    RequestOmbudsmanEvidence: "Ombudsman evidence",
    ProvideOmbudsmanEvidence: "Ombudsman evidence",
    RecordOmbudsmanDetermination: "Ombudsman determination",
    RecordLearning: "learning",
    InformResident: "telling the resident",
    IssueLetter: "letters",
    ErasePersonalData: "erasure of personal data",
}
AFTER_CLOSURE: dict[type[Command], str] = {
    **AFTER_DECLINE,
    RecordSatisfaction: "satisfaction",
    Reopen: "reopening",
}


def decide(
    command: Command,
    state: ComplaintState | None,
    *,
    policy: Policy,
    calendar: WorkingCalendar,
    now: datetime,
) -> list[ComplaintEvent]:
    """The events `command` causes on a complaint in `state`, under its pinned `policy`.

    `policy` must be the one the complaint pinned (for LogComplaint: the one the command names);
    a mismatch is a bug in the caller, not a client error, and raises ValueError.
    """
    _require_aware("occurred_at", command.occurred_at)
    if isinstance(command, LogComplaint):
        _require_aware("received_at", command.received_at)
    _require_aware("now", now)
    if command.occurred_at > now:
        raise OccurredInFuture()
    if isinstance(command, LogComplaint):
        if state is not None:
            raise AlreadyLogged()
        return [logged(command, policy, now)]
    if state is None:
        raise NotLogged()
    if (state.policy_id, state.policy_version) != (policy.id, policy.version):
        raise ValueError("decide was given a policy other than the one the complaint pinned")
    if command.occurred_at < state.last_occurred_at:
        raise OccurredBeforePreviousEvent()
    # The enquiry a complaint came from may be converted after the complaint ended: not a key's
    # to record, so not listed to one as possible.
    if state.is_terminal and not isinstance(command, LinkEnquiry):
        possible = AFTER_CLOSURE if state.status is Status.closed else AFTER_DECLINE
        if type(command) not in possible:
            raise ComplaintClosed(state.status, possible.values())
    return [_decide(command, state, policy, calendar)]


def _require_aware(name: str, t: datetime) -> None:
    if t.tzinfo is None or t.utcoffset() is None:
        raise NaiveDatetime(name)


def _pending_escalation(state: ComplaintState, what: str) -> InvalidTransition:
    return refuse(
        state,
        what,
        f"an escalation to stage {state.requested_stage} is pending: "
        "record escalated or escalation_refused first",
    )


def _require_open(state: ComplaintState, what: str) -> None:
    """The current stage awaits its response; otherwise say why not."""
    if state.status is Status.open:
        return
    if state.current.responded_at is not None:
        raise AlreadyResponded(state.stage)
    raise _pending_escalation(state, what)


def _decide(
    command: Command, state: ComplaintState, policy: Policy, calendar: WorkingCalendar
) -> ComplaintEvent:
    at = command.occurred_at
    stage = state.stage
    match command:
        case LogComplaint():
            raise AlreadyLogged()
        case Acknowledge(method=method, summary=summary):
            # Checked before "already acknowledged": acknowledging now would be taken for the
            # acknowledgement of the requested stage, which has not been entered yet.
            if state.status is Status.escalation_requested:
                raise _pending_escalation(state, "acknowledge")
            if state.current.acknowledged_at is not None:
                raise AlreadyAcknowledged(stage)
            if state.status is not Status.open:
                raise refuse(state, "acknowledge", "the stage has already been responded to")
            return Acknowledged(occurred_at=at, stage=stage, method=method, summary=summary)
        case RecordContact(method=method, summary=summary):
            return Contacted(occurred_at=at, stage=stage, method=method, summary=summary)
        case Assign(handler=handler, role=role, team=team):
            require_independent(state, policy, handler)
            return Assigned(occurred_at=at, stage=stage, handler=handler, role=role, team=team)
        case AgreeExtension():
            _require_open(state, "agree an extension")
            return _extend(command, state, policy, calendar)
        case Respond():
            _require_open(state, "respond")
            if state.current.clock_stopped:
                # The response ends the stage's wait: the log must say when the clock ran again.
                raise refuse(
                    state, "respond", f"the clock of stage {stage} is stopped: restart it first"
                )
            return Responded(
                occurred_at=at,
                stage=stage,
                outcome=command.outcome,
                summary=command.summary,
                remedies=command.remedies,
                escalation_rights_signposted=command.escalation_rights_signposted,
                ombudsman_signposted=command.ombudsman_signposted,
            )
        case RequestEscalation(reason=reason):
            if state.status is Status.escalation_requested:
                raise _pending_escalation(state, "request escalation")
            following = policy.next_stage(stage)
            if following is None:
                raise NoFurtherStage(stage)
            if policy.stage(stage).escalation_reasons_required and not reason:
                raise PolicyRuleBroken(
                    policy.id, policy.version, "escalation_reasons_required",
                    f"a request to leave stage {stage} must give the resident's reasons",
                )  # fmt: skip
            return EscalationRequested(occurred_at=at, stage=following, reason=reason)
        case Escalate():
            if state.requested_stage is None:
                if policy.next_stage(stage) is None:
                    raise NoFurtherStage(stage)
                raise refuse(state, "escalate", "record escalation_requested first")
            return Escalated(occurred_at=at, stage=state.requested_stage)
        case RefuseEscalation():
            return refuse_escalation(command, state, policy)
        case Decline(reason=reason, explanation=explanation):
            if not can_decline(state):
                raise refuse(
                    state,
                    "decline",
                    "a complaint can only be declined at the stage it was logged at, "
                    "while open and before any response",
                )
            if reason not in policy.exclusions:
                raise PolicyRuleBroken(
                    policy.id, policy.version, "exclusions",
                    f"{reason} is not one of the policy's reasons not to accept a complaint",
                    allowed=policy.exclusions,
                )  # fmt: skip
            return Declined(occurred_at=at, reason=reason, explanation=explanation)
        case Close(reason=reason, summary=summary):
            allowed = closure_reasons(state, policy, calendar, at)
            if reason not in allowed:
                listed = ", ".join(allowed) if allowed else "none"
                raise refuse(state, f"close as {reason}", f"reasons possible now: {listed}")
            require_actions_done(command, state, policy)
            return Closed(occurred_at=at, reason=reason, summary=summary)
        case AddNote(text=text, visibility=visibility):
            return NoteAdded(occurred_at=at, text=text, visibility=visibility)
        case AddAttachment():
            return attach(command, state)
        case StopClock():
            return stop_clock(command, state, policy)
        case RestartClock():
            return restart_clock(command, state, policy)
        case Reopen():
            return reopen(command, state, policy)
        case AgreeAction():
            return agree_action(command, state)
        case CompleteAction():
            return complete_action(command, state)
        case RecordSatisfaction():
            return record_satisfaction(command, state)
        case OfferCompensation():
            return offer_compensation(command, state)
        case AcceptCompensation() | DeclineCompensation():
            return answer_compensation(command, state)
        case PayCompensation() | OffsetCompensation():
            return settle_compensation(command, state, policy)
        case ReverseCompensation():
            return reverse_compensation(command, state)
        case Refer():
            return refer(command, state)
        case RequestOmbudsmanEvidence():
            return request_evidence(command, state)
        case ProvideOmbudsmanEvidence():
            return provide_evidence(command, state)
        case RecordOmbudsmanDetermination():
            return record_determination(command, state)
        case ErasePersonalData(reason=reason):
            return PersonalDataErased(occurred_at=at, reason=reason)
        case LinkEnquiry(feedback_id=feedback_id):
            return RaisedFromEnquiry(occurred_at=at, feedback_id=feedback_id)
        case RecordLearning():
            return record_learning(command)
        case InformResident():
            return inform(command, state)
        case IssueLetter():
            return issue_letter(command, state)
        case _:
            assert_never(command)


def _extend(
    command: AgreeExtension, state: ComplaintState, policy: Policy, calendar: WorkingCalendar
) -> ExtensionAgreed:
    """Move the response date later, within the policy's cap.

    The cap counts from the due date without any extension (from the acknowledgement, or
    provisionally from the stage start before one), so several extensions share one allowance.
    Agreed while the clock is stopped, the date is a promise: the stop does not move it later.
    """
    stage_policy = policy.stage(state.stage)
    if command.reason not in policy.extension_codes():
        raise PolicyRuleBroken(
            policy.id, policy.version, "extension_reasons",
            f"{command.reason[:64]} is not one of the policy's reasons for an extension",
            allowed=policy.extension_codes(),
        )  # fmt: skip
    at = command.occurred_at
    due = response_due(state.current, stage_policy, calendar, at)
    if command.response_due <= due.due:
        raise ExtensionNotLater(due.due)
    if stage_policy.extension_cap_days is not None:
        # Days already spent stopped do not use up the allowance.
        allowance = response_due(state.current, stage_policy, calendar, at, paused_until=at)
        latest = calendar.add_working_days(allowance.original_due, stage_policy.extension_cap_days)
        if command.response_due > latest:
            raise ExtensionBeyondCap(state.stage, latest)
    return ExtensionAgreed(
        occurred_at=command.occurred_at,
        stage=state.stage,
        response_due=command.response_due,
        reason=command.reason,
        explanation=command.explanation,
    )
