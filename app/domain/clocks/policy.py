"""The clocks only some policies or complaints have: contact, escalation window, survey, overall
limit, the agreed actions and the Ombudsman's evidence request.

Each function returns None when the policy does not define its clock (or the complaint has nothing
for it to wait for), so only those clocks appear in a complaint's deadlines, and a hoc-2024
complaint with no actions has exactly the Code's two.
"""

from __future__ import annotations

from datetime import date, datetime

from app.domain.clocks.calendar import WorkingCalendar, london_date
from app.domain.clocks.clock import Clock, ClockStatus, clock_status, known, stage_clock
from app.domain.clocks.stops import earliest, moved_due
from app.domain.complaint.state import AgreedAction, ComplaintState, StageRecord, Status
from app.domain.policies.model import Policy

CONTACT = "contact"
ESCALATION_WINDOW = "escalation_window"
SURVEY = "survey"
OVERALL = "overall"
ACTIONS = "actions"
OMBUDSMAN_EVIDENCE = "ombudsman_evidence"


def judged(
    name: str,
    stage: int,
    due: date | None,
    met_at: datetime | None,
    at: datetime,
    policy: Policy,
    calendar: WorkingCalendar,
) -> Clock:
    """A clock that is only its due date and when it was met, judged at `at` (no extension, no
    stop): the shape of every clock in this module but the stopped ones."""
    return Clock(
        name=name,
        stage=stage,
        due=due,
        met_at=met_at,
        status=clock_status(due, met_at, at=at, policy=policy, calendar=calendar),
        original_due=due,
    )


def contact_clock(
    record: StageRecord,
    policy: Policy,
    calendar: WorkingCalendar,
    ended_at: datetime | None,
    at: datetime,
) -> Clock | None:
    """The promise to speak to the resident, from stage start, met by the first `contacted`."""
    days = policy.stage(record.stage).contact_days
    if days is None:
        return None
    due, paused = moved_due(
        calendar.add_working_days(london_date(record.started_at), days),
        record.stops,
        calendar,
        running_from=record.started_at,
        until=earliest(known(record.contacted_at, at), ended_at),
        at=at,
    )
    return stage_clock(
        CONTACT,
        record.stage,
        due,
        record.contacted_at,
        ended_at,
        at=at,
        policy=policy,
        calendar=calendar,
        paused=paused,
    )


def escalation_window_clock(
    record: StageRecord,
    policy: Policy,
    calendar: WorkingCalendar,
    ended_at: datetime | None,
    at: datetime,
) -> Clock | None:
    """The resident's window, from this stage's response, to ask for the next stage.

    It is the resident's deadline, not the landlord's, so it never reads `breached`: a request in
    time is `met`, a late one the landlord accepted is `met_late`, and a window that lapsed (or a
    complaint that ended) with no request is `met` and `stopped`, with `met_at` the end of the
    complaint or None for a lapse. Until the response its due date is unknown.
    """
    days = policy.stage(record.stage).escalation_window_days
    if days is None or policy.next_stage(record.stage) is None:
        return None
    responded = known(record.responded_at, at)
    due = None if responded is None else calendar.add_working_days(london_date(responded), days)
    requested = known(record.escalation_first_requested_at, at)
    if requested is not None:
        return judged(ESCALATION_WINDOW, record.stage, due, requested, at, policy, calendar)
    lapsed = due is not None and london_date(at) > due
    if lapsed or ended_at is not None:
        return Clock(
            name=ESCALATION_WINDOW,
            stage=record.stage,
            due=due,
            met_at=None if lapsed else ended_at,
            status=ClockStatus.met,
            original_due=due,
            stopped=True,
        )
    return judged(ESCALATION_WINDOW, record.stage, due, None, at, policy, calendar)


def survey_clock(
    state: ComplaintState, policy: Policy, calendar: WorkingCalendar, at: datetime
) -> Clock | None:
    """The satisfaction survey after closure: due once the complaint is closed, met by the first
    `satisfaction_recorded` since that closure (a reopened complaint closed again is surveyed
    again). Never recorded, it reads `breached` after its due date. A declined complaint was never
    handled as one, so it has no survey.
    """
    days = policy.survey_days_after_closure
    if days is None or state.status is Status.declined:
        return None
    closed = known(state.closed_at, at)
    due = None if closed is None else calendar.add_working_days(london_date(closed), days)
    survey = state.survey_since_closure
    met_at = None if survey is None else known(survey.recorded_at, at)
    return judged(SURVEY, state.stage, due, met_at, at, policy, calendar)


def overall_clock(
    state: ComplaintState, policy: Policy, calendar: WorkingCalendar, at: datetime
) -> Clock | None:
    """The policy's limit across all stages, from receipt, met when the complaint ends."""
    days = policy.overall_limit_days
    if days is None:
        return None
    due = calendar.add_working_days(london_date(state.received_at), days)
    return judged(OVERALL, state.stage, due, known(state.ended_at, at), at, policy, calendar)


def action_status(
    action: AgreedAction, policy: Policy, calendar: WorkingCalendar, at: datetime
) -> ClockStatus:
    """One action judged against its own due date at `at`, as a clock is."""
    return clock_status(
        action.due, known(action.completed_at, at), at=at, policy=policy, calendar=calendar
    )


def actions_clock(
    state: ComplaintState, policy: Policy, calendar: WorkingCalendar, at: datetime
) -> Clock | None:
    """The agreed actions, as one complaint-wide clock; None until an action is agreed.

    While any is outstanding it runs to the earliest due date among them. Once all are completed
    it is met at the last completion, and `met_late` if any was completed after its own due date;
    its due date is then the latest of theirs. Actions outlive the complaint's end, so neither a
    closure nor a decline stops this clock.
    """
    agreed = [a for a in state.actions if known(a.agreed_at, at) is not None]
    if not agreed:
        return None
    outstanding = [a for a in agreed if known(a.completed_at, at) is None]
    if outstanding:
        due = min(a.due for a in outstanding)
        status = clock_status(due, None, at=at, policy=policy, calendar=calendar)
        return Clock(
            name=ACTIONS, stage=state.stage, due=due, met_at=None, status=status, original_due=due
        )
    completions = [(a.completed_at, a.due) for a in agreed if a.completed_at is not None]
    late = any(london_date(done) > due for done, due in completions)
    due = max(a.due for a in agreed)
    return Clock(
        name=ACTIONS,
        stage=state.stage,
        due=due,
        met_at=max(done for done, _ in completions),
        status=ClockStatus.met_late if late else ClockStatus.met,
        original_due=due,
    )


def ombudsman_evidence_clock(
    state: ComplaintState, policy: Policy, calendar: WorkingCalendar, at: datetime
) -> Clock | None:
    """The Ombudsman's latest request for the case file: due on the date it gave, met when the
    file is sent; None until a request. It belongs to the complaint and outlives its end."""
    requests = [r for r in state.evidence_requests if known(r.requested_at, at) is not None]
    if not requests:
        return None
    latest = requests[-1]
    met_at = known(latest.provided_at, at)
    return judged(OMBUDSMAN_EVIDENCE, state.stage, latest.due, met_at, at, policy, calendar)
