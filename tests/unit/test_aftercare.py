"""What follows a complaint's handling: the satisfaction survey after closure (and its clock),
referrals, the Ombudsman's evidence requests (and their clock), and the lessons learnt."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest

from app.domain.clocks.calendar import WorkingCalendar
from app.domain.clocks.deadlines import Clock, ClockStatus, clocks
from app.domain.complaint.commands import (
    ProvideOmbudsmanEvidence,
    RecordLearning,
    RecordOmbudsmanDetermination,
    RecordSatisfaction,
    Refer,
    RequestOmbudsmanEvidence,
)
from app.domain.complaint.errors import ComplaintClosed, InvalidDueDate, InvalidTransition
from app.domain.complaint.events import (
    ClosureReason,
    ComplaintEvent,
    LearningRecorded,
    OmbudsmanDetermined,
    OmbudsmanEvidenceProvided,
    OmbudsmanEvidenceRequested,
    OmbudsmanFinding,
    ReferralBody,
    Referred,
    Reopened,
    Satisfaction,
    SatisfactionRecorded,
)
from app.domain.policies.builtin import HOC_2024, JJH_2020
from tests.unit.scenario import (
    ENGLAND,
    acknowledged,
    closed,
    declined,
    given,
    logged,
    responded,
    uk,
    when,
)

S = ClockStatus
SCOTLAND = WorkingCalendar(region="scotland")
REOPENING = replace(HOC_2024, id="hoc-reopening", reopening_allowed=True)

RESPONDED = (logged(uk(2026, 12, 14)), acknowledged(uk(2026, 12, 15)), responded(uk(2026, 12, 18)))
CLOSED = (*RESPONDED, closed(uk(2026, 12, 21), ClosureReason.resolved))


def survey(
    at: datetime, satisfied: Satisfaction = Satisfaction.fairly_satisfied
) -> RecordSatisfaction:
    return RecordSatisfaction(occurred_at=at, satisfied=satisfied, comments="Quick in the end")


def surveyed(at: datetime) -> SatisfactionRecorded:
    return SatisfactionRecorded(
        occurred_at=at, satisfied=Satisfaction.fairly_satisfied, comments="Quick in the end"
    )


class TestRecordSatisfaction:
    def test_recorded_after_the_closure(self) -> None:
        assert when(given(*CLOSED), survey(uk(2027, 1, 4))) == [surveyed(uk(2027, 1, 4))]
        state = given(*CLOSED, surveyed(uk(2027, 1, 4)))
        assert state is not None
        assert [s.satisfied for s in state.surveys] == [Satisfaction.fairly_satisfied]

    @pytest.mark.parametrize("history", [RESPONDED[:1], RESPONDED], ids=["open", "responded"])
    def test_refused_before_the_closure(self, history: tuple[ComplaintEvent, ...]) -> None:
        with pytest.raises(InvalidTransition, match="the survey follows the closure"):
            when(given(*history), survey(uk(2027, 1, 4)))

    def test_a_declined_complaint_is_not_surveyed(self) -> None:
        with pytest.raises(ComplaintClosed):
            when(given(RESPONDED[0], declined(uk(2026, 12, 15))), survey(uk(2027, 1, 4)))

    def test_once_per_closure(self) -> None:
        state = given(*CLOSED, surveyed(uk(2027, 1, 4)))
        with pytest.raises(InvalidTransition, match="already been recorded since the closure"):
            when(state, survey(uk(2027, 1, 5)))
        # Reopened and closed again: the new closure is surveyed again.
        again = given(
            logged(uk(2026, 12, 14), policy=REOPENING),
            *CLOSED[1:],
            surveyed(uk(2027, 1, 4)),
            Reopened(occurred_at=uk(2027, 1, 5), stage=1, reason="Mould back"),
            closed(uk(2027, 1, 6), ClosureReason.withdrawn),
        )
        assert when(again, survey(uk(2027, 1, 7)), policy=REOPENING)


# jjh-2020: a survey within 5 working days of the closure (6.7). Closed on Christmas Eve 2026:
# due Tuesday 5 January 2027 in England (29-31 December, 4, 5 January) and Wednesday 6 January in
# Scotland (4 January is its New Year substitute day).
JJH_CLOSED = (
    logged(uk(2026, 12, 14), policy=JJH_2020),
    responded(uk(2026, 12, 18)),
    closed(uk(2026, 12, 24), ClosureReason.resolved),
)


def survey_clock(
    events: tuple[ComplaintEvent, ...], at: datetime, calendar: WorkingCalendar = ENGLAND
) -> Clock:
    state = given(*events)
    assert state is not None
    return clocks(state, JJH_2020, calendar, at)["survey"]


class TestSurveyClock:
    @pytest.mark.parametrize(
        ("calendar", "due"),
        [(ENGLAND, date(2027, 1, 5)), (SCOTLAND, date(2027, 1, 6))],
        ids=["england", "scotland"],
    )
    def test_due_after_the_closure_and_met_by_the_survey(
        self, calendar: WorkingCalendar, due: date
    ) -> None:
        before = survey_clock(JJH_CLOSED, uk(2026, 12, 29), calendar)
        assert (before.due, before.status, before.met_at) == (due, S.pending, None)
        done = survey_clock((*JJH_CLOSED, surveyed(uk(2027, 1, 5))), uk(2027, 2, 1), calendar)
        assert (done.met_at, done.status) == (uk(2027, 1, 5), S.met)

    def test_late_survey_and_missing_survey(self) -> None:
        late = survey_clock((*JJH_CLOSED, surveyed(uk(2027, 1, 6))), uk(2027, 2, 1))
        assert late.status is S.met_late
        assert survey_clock(JJH_CLOSED, uk(2027, 1, 6)).status is S.breached

    def test_read_as_of_before_the_survey(self) -> None:
        clock = survey_clock((*JJH_CLOSED, surveyed(uk(2027, 1, 4))), uk(2026, 12, 31))
        assert (clock.met_at, clock.status) == (None, S.due_soon)


class TestRefer:
    @pytest.mark.parametrize(
        "history",
        [RESPONDED[:1], CLOSED, (RESPONDED[0], declined(uk(2026, 12, 15)))],
        ids=["open", "closed", "declined"],
    )
    def test_referred_at_any_time(self, history: tuple[ComplaintEvent, ...]) -> None:
        command = Refer(occurred_at=uk(2027, 1, 4), to=ReferralBody.housing_ombudsman, reason="x")
        assert when(given(*history), command) == [
            Referred(occurred_at=uk(2027, 1, 4), to=ReferralBody.housing_ombudsman, reason="x")
        ]

    def test_the_state_keeps_every_referral(self) -> None:
        state = given(
            *CLOSED,
            Referred(occurred_at=uk(2027, 1, 4), to=ReferralBody.designated_person, reason=None),
            Referred(occurred_at=uk(2027, 2, 1), to=ReferralBody.housing_ombudsman, reason="x"),
        )
        assert state is not None
        assert [r.to for r in state.referrals] == [
            ReferralBody.designated_person,
            ReferralBody.housing_ombudsman,
        ]


class TestRecordOmbudsmanDetermination:
    def test_recorded_once_referred_to_the_ombudsman_even_after_the_closure(self) -> None:
        referred = Referred(
            occurred_at=uk(2027, 1, 4), to=ReferralBody.housing_ombudsman, reason=None
        )
        command = RecordOmbudsmanDetermination(
            occurred_at=uk(2027, 6, 1), finding=OmbudsmanFinding.maladministration
        )
        determined = OmbudsmanDetermined(
            occurred_at=uk(2027, 6, 1), finding=OmbudsmanFinding.maladministration
        )
        assert when(given(*CLOSED, referred), command) == [determined]
        state = given(*CLOSED, referred, determined)
        assert state is not None
        assert [d.finding for d in state.determinations] == [OmbudsmanFinding.maladministration]

    @pytest.mark.parametrize(
        "to", [None, ReferralBody.designated_person], ids=["not referred", "another body"]
    )
    def test_refused_without_a_referral_to_the_ombudsman(self, to: ReferralBody | None) -> None:
        history: tuple[ComplaintEvent, ...] = CLOSED
        if to is not None:
            history = (*CLOSED, Referred(occurred_at=uk(2027, 1, 4), to=to, reason=None))
        command = RecordOmbudsmanDetermination(
            occurred_at=uk(2027, 6, 1), finding=OmbudsmanFinding.no_maladministration
        )
        with pytest.raises(InvalidTransition, match="referred"):
            when(given(*history), command)


def requested(at: datetime, due: date) -> OmbudsmanEvidenceRequested:
    return OmbudsmanEvidenceRequested(occurred_at=at, due=due)


def provided(at: datetime) -> OmbudsmanEvidenceProvided:
    return OmbudsmanEvidenceProvided(occurred_at=at)


# The Ombudsman asks on Christmas Eve 2026 for the file by Friday 8 January 2027.
ASKED = (*CLOSED, requested(uk(2026, 12, 24), date(2027, 1, 8)))


def evidence_clock(events: tuple[ComplaintEvent, ...], at: datetime) -> Clock | None:
    state = given(*events)
    assert state is not None
    return clocks(state, HOC_2024, ENGLAND, at).get("ombudsman_evidence")


class TestOmbudsmanEvidence:
    def test_requested_and_provided_after_the_closure(self) -> None:
        ask = RequestOmbudsmanEvidence(occurred_at=uk(2026, 12, 24), due=date(2027, 1, 8))
        assert when(given(*CLOSED), ask) == [requested(uk(2026, 12, 24), date(2027, 1, 8))]
        send = ProvideOmbudsmanEvidence(occurred_at=uk(2027, 1, 7))
        assert when(given(*ASKED), send) == [provided(uk(2027, 1, 7))]

    def test_one_request_at_a_time(self) -> None:
        again = RequestOmbudsmanEvidence(occurred_at=uk(2027, 1, 4), due=date(2027, 1, 15))
        with pytest.raises(InvalidTransition, match="the previous request is outstanding"):
            when(given(*ASKED), again)
        assert when(given(*ASKED, provided(uk(2027, 1, 4))), again)

    def test_provided_only_when_requested(self) -> None:
        send = ProvideOmbudsmanEvidence(occurred_at=uk(2027, 1, 7))
        for history in (CLOSED, (*ASKED, provided(uk(2027, 1, 4)))):
            with pytest.raises(InvalidTransition, match="no Ombudsman evidence request"):
                when(given(*history), send)

    def test_the_due_date_is_not_before_the_request(self) -> None:
        ask = RequestOmbudsmanEvidence(occurred_at=uk(2026, 12, 24), due=date(2026, 12, 23))
        with pytest.raises(InvalidDueDate):
            when(given(*CLOSED), ask)

    def test_the_clock_runs_to_the_given_date_and_outlives_the_closure(self) -> None:
        assert evidence_clock(CLOSED, uk(2027, 1, 4)) is None
        statuses = {
            uk(2026, 12, 29): S.pending,
            uk(2027, 1, 6): S.due_soon,  # two working days before 8 January
            uk(2027, 1, 8, 23, 30): S.due_soon,
            uk(2027, 1, 11): S.breached,
        }
        for at, status in statuses.items():
            clock = evidence_clock(ASKED, at)
            assert clock is not None
            assert (clock.due, clock.status, clock.stopped) == (date(2027, 1, 8), status, False)

    def test_met_or_met_late_by_the_file(self) -> None:
        on_time = evidence_clock((*ASKED, provided(uk(2027, 1, 8, 16))), uk(2027, 2, 1))
        late = evidence_clock((*ASKED, provided(uk(2027, 1, 11))), uk(2027, 2, 1))
        assert on_time is not None
        assert late is not None
        assert (on_time.status, on_time.met_at) == (S.met, uk(2027, 1, 8, 16))
        assert late.status is S.met_late

    def test_the_clock_follows_the_latest_request(self) -> None:
        events = (
            *ASKED,
            provided(uk(2027, 1, 7)),
            requested(uk(2027, 3, 1), date(2027, 3, 12)),
        )
        clock = evidence_clock(events, uk(2027, 3, 2))
        assert clock is not None
        assert (clock.due, clock.met_at, clock.status) == (date(2027, 3, 12), None, S.pending)
        # As of before the second request, the first one, met.
        first = evidence_clock(events, uk(2027, 2, 1))
        assert first is not None
        assert (first.due, first.status) == (date(2027, 1, 8), S.met)


class TestRecordLearning:
    COMMAND = RecordLearning(
        occurred_at=uk(2027, 1, 4),
        root_cause="The contractor was booked without a damp survey",
        lesson="Survey damp before booking works",
        improvement="Damp repair orders now include a survey",
    )

    @pytest.mark.parametrize(
        "history",
        [RESPONDED[:1], RESPONDED, CLOSED, (RESPONDED[0], declined(uk(2026, 12, 15)))],
        ids=["open", "responded", "closed", "declined"],
    )
    def test_recorded_at_any_time(self, history: tuple[ComplaintEvent, ...]) -> None:
        assert when(given(*history), self.COMMAND) == [
            LearningRecorded(
                occurred_at=uk(2027, 1, 4),
                root_cause="The contractor was booked without a damp survey",
                lesson="Survey damp before booking works",
                improvement="Damp repair orders now include a survey",
            )
        ]

    def test_the_state_keeps_every_lesson(self) -> None:
        [first] = when(given(*CLOSED), self.COMMAND)
        assert isinstance(first, LearningRecorded)
        second = replace(first, occurred_at=uk(2027, 2, 1), lesson="Call back within a day")
        state = given(*CLOSED, first, second)
        assert state is not None
        assert [(x.recorded_at, x.lesson) for x in state.learning] == [
            (uk(2027, 1, 4), "Survey damp before booking works"),
            (uk(2027, 2, 1), "Call back within a day"),
        ]
