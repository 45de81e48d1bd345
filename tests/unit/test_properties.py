"""Random command sequences through decide + evolve keep the complaint's invariants."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.domain.clocks.calendar import WorkingCalendar
from app.domain.clocks.deadlines import ClockStatus, clocks
from app.domain.complaint.commands import (
    AcceptCompensation,
    Acknowledge,
    AddNote,
    AgreeAction,
    AgreeExtension,
    Assign,
    Close,
    Command,
    CompleteAction,
    Decline,
    DeclineCompensation,
    Escalate,
    OfferCompensation,
    ProvideOmbudsmanEvidence,
    RecordContact,
    RecordLearning,
    RecordSatisfaction,
    Refer,
    RefuseEscalation,
    Reopen,
    RequestEscalation,
    RequestOmbudsmanEvidence,
    Respond,
    RestartClock,
    StopClock,
)
from app.domain.complaint.decide import decide
from app.domain.complaint.events import (
    ActionAgreed,
    ActionCompleted,
    Closed,
    ClosureReason,
    CompensationAccepted,
    CompensationDeclined,
    CompensationKind,
    CompensationOffered,
    ComplaintEvent,
    ContactMethod,
    Declined,
    DeclineReason,
    LearningRecorded,
    NoteAdded,
    OmbudsmanEvidenceProvided,
    OmbudsmanEvidenceRequested,
    Outcome,
    ReferralBody,
    Referred,
    Responded,
    Satisfaction,
    SatisfactionRecorded,
    StopReasonCategory,
)
from app.domain.complaint.evolve import evolve, fold
from app.domain.complaint.state import ComplaintState, Status
from app.domain.errors import DomainError
from app.domain.policies.builtin import HOC_2024
from tests.depth import examples
from tests.unit.scenario import ENGLAND, LOGGED, logged, uk

# Weighted so histories often reach stage 2 before a decline or a closure ends them.
KINDS = [
    *["acknowledge", "respond", "request", "escalate"] * 4,
    "contact",
    "assign",
    "extend",
    "refuse",
    "decline",
    "close",
    "note",
    *["stop", "restart"] * 2,
    "reopen",
    "agree_action",
    "complete_action",
    "survey",
    "offer",
    "accept",
    "decline_offer",
    "refer",
    "evidence_requested",
    "evidence_provided",
    "learning",
]
OFFER_IDS = ["C-1", "C-2"]
# A few ids, so that histories reuse them (refused) and complete unknown ones (refused).
ACTION_IDS = ["A-1", "A-2", "A-3"]
# What may still happen once a complaint ended (under hoc-2024, which does not reopen).
AFTER_THE_END = (
    NoteAdded,
    ActionAgreed,
    ActionCompleted,
    SatisfactionRecorded,
    CompensationOffered,
    CompensationAccepted,
    CompensationDeclined,
    Referred,
    OmbudsmanEvidenceRequested,
    OmbudsmanEvidenceProvided,
    LearningRecorded,
)


@st.composite
def commands(draw: st.DrawFn, after: datetime) -> tuple[Command, datetime]:
    """A command at a time near `after` (sometimes before it), and the `now` it is decided at."""
    kind = draw(st.sampled_from(KINDS))
    # In UTC: London wall-clock arithmetic can land in the spring-forward gap (01:30 on the last
    # Sunday of March), a moment that never happened, which compares unequal to itself read back.
    later = timedelta(minutes=draw(st.integers(min_value=-90, max_value=60 * 24 * 12)))
    at = after.astimezone(UTC) + later
    now = at + timedelta(minutes=draw(st.integers(min_value=-5, max_value=60 * 24)))
    command: Command
    match kind:
        case "acknowledge":
            command = Acknowledge(occurred_at=at)
        case "contact":
            command = RecordContact(occurred_at=at, method=ContactMethod.phone, summary="s")
        case "assign":
            command = Assign(occurred_at=at, handler=draw(st.sampled_from(["h-1", "h-2"])))
        case "extend":
            days = draw(st.integers(min_value=0, max_value=70))
            command = AgreeExtension(
                occurred_at=at,
                response_due=at.date() + timedelta(days=days),
                reason="other",
                explanation="r",
            )
        case "respond":
            command = Respond(occurred_at=at, outcome=draw(st.sampled_from(Outcome)), summary="s")
        case "request":
            command = RequestEscalation(occurred_at=at, reason="r")
        case "escalate":
            command = Escalate(occurred_at=at)
        case "refuse":
            command = RefuseEscalation(occurred_at=at, reason="legal_proceedings", explanation="r")
        case "decline":
            command = Decline(occurred_at=at, reason=DeclineReason.other, explanation="e")
        case "close":
            command = Close(occurred_at=at, reason=draw(st.sampled_from(ClosureReason)))
        case "stop":
            category = draw(st.sampled_from(StopReasonCategory))
            command = StopClock(occurred_at=at, reason_category=category, reason="r")
        case "restart":
            command = RestartClock(occurred_at=at)
        case "reopen":
            command = Reopen(occurred_at=at, reason="r")
        case "agree_action":
            due = at.date() + timedelta(days=draw(st.integers(min_value=-2, max_value=40)))
            action_id = draw(st.sampled_from(ACTION_IDS))
            command = AgreeAction(occurred_at=at, action_id=action_id, description="d", due=due)
        case "offer":
            command = OfferCompensation(
                occurred_at=at,
                offer_id=draw(st.sampled_from(OFFER_IDS)),
                amount_pence=draw(st.integers(min_value=-100, max_value=10**7)),
                kind=draw(st.sampled_from(CompensationKind)),
                reason="r",
            )
        case "accept":
            command = AcceptCompensation(occurred_at=at, offer_id=draw(st.sampled_from(OFFER_IDS)))
        case "decline_offer":
            offer_id = draw(st.sampled_from(OFFER_IDS))
            command = DeclineCompensation(occurred_at=at, offer_id=offer_id)
        case "refer":
            command = Refer(occurred_at=at, to=draw(st.sampled_from(ReferralBody)))
        case "evidence_requested":
            due = at.date() + timedelta(days=draw(st.integers(min_value=-2, max_value=30)))
            command = RequestOmbudsmanEvidence(occurred_at=at, due=due)
        case "evidence_provided":
            command = ProvideOmbudsmanEvidence(occurred_at=at)
        case "learning":
            command = RecordLearning(occurred_at=at, root_cause="c", lesson="l", improvement="i")
        case "survey":
            satisfied = draw(st.sampled_from(Satisfaction))
            command = RecordSatisfaction(occurred_at=at, satisfied=satisfied)
        case "complete_action":
            action_id = draw(st.sampled_from(ACTION_IDS))
            command = CompleteAction(occurred_at=at, action_id=action_id, summary="s")
        case _:
            command = AddNote(occurred_at=at, text="n")
    return command, now


def check_invariants(state: ComplaintState, events: list[ComplaintEvent]) -> None:
    assert state.version == len(events)
    times = [e.occurred_at for e in events]
    assert times == sorted(times)
    assert state.last_occurred_at == times[-1]
    assert HOC_2024.first_stage <= state.stage <= HOC_2024.last_stage
    assert [r.stage for r in state.stages] == list(range(1, state.stage + 1))
    assert state.current.stage == state.stage
    assert (state.requested_stage is not None) == (state.status is Status.escalation_requested)
    responses = [e.stage for e in events if isinstance(e, Responded)]
    assert len(responses) == len(set(responses)), "a stage was responded to twice"
    assert all((r.responded_at is None) == (r.outcome is None) for r in state.stages)
    ended = [i for i, e in enumerate(events) if isinstance(e, Closed | Declined)]
    if ended:
        assert len(ended) == 1
        assert state.is_terminal
        assert all(isinstance(e, AFTER_THE_END) for e in events[ended[0] + 1 :])
    assert state == fold(events)


@settings(max_examples=examples(150, 1000), suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_random_histories_keep_the_invariants(data: st.DataObject) -> None:
    events: list[ComplaintEvent] = [LOGGED]
    state = fold(events)
    assert state is not None
    refusals: list[DomainError] = []
    for _ in range(data.draw(st.integers(min_value=1, max_value=40))):
        command, now = data.draw(commands(state.last_occurred_at))
        try:
            new = decide(command, state, policy=HOC_2024, calendar=ENGLAND, now=now)
        except DomainError as refused:
            refusals.append(refused)
            continue
        assert len(new) == 1
        if state.is_terminal:
            assert isinstance(new[0], AFTER_THE_END)
        for event in new:
            state = evolve(state, event)
        events.extend(new)
        check_invariants(state, events)
    assert all(r.code and r.message for r in refusals)
    # Clocks can always be read, at any moment after the last event.
    later = state.last_occurred_at + timedelta(days=data.draw(st.integers(0, 90)))
    for clock in clocks(state, HOC_2024, ENGLAND, later).values():
        assert clock.due is not None
        if clock.status in (ClockStatus.met, ClockStatus.met_late):
            assert clock.met_at is not None
        assert clock.original_due is not None
        assert clock.due >= clock.original_due


@settings(max_examples=examples(100, 1000))
@given(st.data())
def test_a_refused_command_changes_nothing(data: st.DataObject) -> None:
    """decide is pure: deciding again on the same state gives the same answer."""
    state = fold([LOGGED])
    assert state is not None
    for _ in range(15):
        command, now = data.draw(commands(state.last_occurred_at))
        outcomes: list[list[ComplaintEvent] | str] = []
        for _attempt in range(2):
            try:
                outcomes.append(decide(command, state, policy=HOC_2024, calendar=ENGLAND, now=now))
            except DomainError as refused:
                outcomes.append(refused.code)
        assert outcomes[0] == outcomes[1]
        if isinstance(outcomes[0], list):
            for event in outcomes[0]:
                state = evolve(state, event)


# A policy that allows every event some policies allow: stopping the clock, reopening, and closure
# waiting for agreed actions.
EVERYTHING = replace(
    HOC_2024,
    id="hoc-everything",
    clock_stopping_allowed=True,
    reopening_allowed=True,
    closure_waits_for_actions=True,
)
REGIONS = [WorkingCalendar(region=r) for r in ("england-and-wales", "scotland", "northern-ireland")]


@settings(max_examples=examples(150, 1000), suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_random_histories_where_the_policy_allows_everything(data: st.DataObject) -> None:
    calendar = data.draw(st.sampled_from(REGIONS))
    events: list[ComplaintEvent] = [logged(uk(2026, 12, 14), policy=EVERYTHING)]
    state = fold(events)
    assert state is not None
    for _ in range(data.draw(st.integers(min_value=1, max_value=40))):
        command, now = data.draw(commands(state.last_occurred_at))
        try:
            new = decide(command, state, policy=EVERYTHING, calendar=calendar, now=now)
        except DomainError:
            continue
        for event in new:
            state = evolve(state, event)
        events.extend(new)
        assert state == fold(events)
        assert len({a.action_id for a in state.actions}) == len(state.actions)
        assert len({o.offer_id for o in state.compensation}) == len(state.compensation)
        assert all(o.amount_pence > 0 for o in state.compensation)
        for closure in (e for e in new if isinstance(e, Closed)):
            # The policy closes only once every agreed action is done, unless withdrawn.
            assert not state.outstanding_actions or closure.reason is ClosureReason.withdrawn
        for record in state.stages:
            assert all(stop.restarted_at is not None for stop in record.stops[:-1])
            moments = [t for s in record.stops for t in (s.stopped_at, s.restarted_at) if t]
            assert moments == sorted(moments)
        # Each record enters the next stage, or reopens the stage of the record before it.
        for before, record in itertools.pairwise(state.stages):
            assert record.stage == before.stage + (0 if record.reopened else 1)
            assert (before.closed_at is not None) == record.reopened
        assert state.closed_at == state.current.closed_at
        if state.current.clock_stopped and not state.is_terminal:
            # Stopped while open; the resident may still ask for the next stage meanwhile.
            assert state.status in {Status.open, Status.escalation_requested}
    later = state.last_occurred_at + timedelta(days=data.draw(st.integers(0, 90)))
    # Stops only ever move the landlord's deadlines later, and a paused clock cannot be late.
    unstopped = replace(state, stages=tuple(replace(r, stops=()) for r in state.stages))
    for moment in (*(e.occurred_at for e in events), later):
        with_stops = clocks(state, EVERYTHING, calendar, moment)
        without = clocks(unstopped, EVERYTHING, calendar, moment)
        assert with_stops.keys() == without.keys()
        for name, clock in with_stops.items():
            if clock.paused:
                assert (clock.status, clock.met_at) == (ClockStatus.pending, None)
            due, plain = clock.due, without[name].due
            assert (due is None) == (plain is None)
            if due is not None and plain is not None:
                assert due >= plain, name
