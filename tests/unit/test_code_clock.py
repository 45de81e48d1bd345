"""One due date per response: the view's clock, the self-assessment's, and CH02's (the same clock
with the Code's numbers) agree, counted from the acknowledgement as made, or from its deadline
when there is none. Dates cross Christmas, New Year and Easter."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.domain.clocks.code import CodeDue, code_response_due
from app.domain.clocks.deadlines import RESPONSE, stage_clocks
from app.domain.complaint.decide import decide
from app.domain.complaint.events import ComplaintEvent
from app.domain.complaint.evolve import evolve, fold
from app.domain.errors import DomainError
from app.domain.policies.builtin import HOC_2024, POLICY_2022
from app.domain.policies.model import Policy
from app.domain.reporting.facts import StageFacts, complaint_facts
from app.domain.reporting.selection import Timeliness, code_timeliness, policy_timeliness
from tests.depth import examples
from tests.unit.scenario import (
    ENGLAND,
    LOGGED,
    acknowledged,
    escalated,
    escalation_requested,
    extension_agreed,
    logged,
    responded,
    uk,
)
from tests.unit.scenario import given as fold_of
from tests.unit.test_properties import commands

# hoc-2024 stage 1 received Monday 21 December 2026: acknowledgement due Wednesday 30 December
# (25 and 28 December are holidays).
XMAS = logged(uk(2026, 12, 21, 10), received_at=uk(2026, 12, 21, 9))
# Stage 1 answered in March 2027; stage 2 requested Monday 22 March, escalated on the 25th: its
# acknowledgement due Wednesday 31 March, across Good Friday and Easter Monday (26, 29 March).
EASTER = (
    logged(uk(2027, 3, 1)),
    acknowledged(uk(2027, 3, 2)),
    responded(uk(2027, 3, 12)),
    escalation_requested(uk(2027, 3, 22)),
    escalated(uk(2027, 3, 25)),
)


def stage(policy: Policy, *events: ComplaintEvent, seq: int = 0) -> StageFacts:
    """The facts of one stage record, checked against the view's clock of the same record."""
    state = fold_of(*events)
    assert state is not None
    facts = complaint_facts("c-1", state, events, policy, ENGLAND).stages[seq]
    view = stage_clocks(state, state.stages[seq], policy, ENGLAND, state.last_occurred_at)
    assert (view[RESPONSE].due, view[RESPONSE].original_due) == (
        facts.response_due,
        facts.response_original_due,
    )
    return facts


def code_of(facts: StageFacts) -> CodeDue:
    assert facts.code_response_due is not None
    return CodeDue(due=facts.code_response_due, extended_due=facts.code_extended_due)


class TestTheCodesClock:
    def test_a_late_acknowledgement_counts_from_the_day_it_was_made(self) -> None:
        # Acknowledged on Monday 4 January 2027 (due 30 December): 10 working days later,
        # Monday 18 January. The late acknowledgement is its own breach, not the response's.
        facts = stage(HOC_2024, XMAS, acknowledged(uk(2027, 1, 4)), responded(uk(2027, 1, 18)))
        assert facts.response_original_due == date(2027, 1, 18)
        assert code_of(facts) == CodeDue(due=date(2027, 1, 18), extended_due=None)
        assert code_timeliness(facts) is policy_timeliness(facts) is Timeliness.on_time

    def test_an_early_acknowledgement_brings_it_to_10_working_days_after(self) -> None:
        # Acknowledged Tuesday 22 December: Friday 8 January, across New Year's Day.
        facts = stage(HOC_2024, XMAS, acknowledged(uk(2026, 12, 22)), responded(uk(2027, 1, 11)))
        assert (facts.response_due, facts.code_response_due) == (date(2027, 1, 8),) * 2
        assert code_timeliness(facts) is policy_timeliness(facts) is Timeliness.late

    def test_a_missing_acknowledgement_counts_from_its_deadline(self) -> None:
        # Never acknowledged: 10 working days after 30 December, Thursday 14 January.
        facts = stage(HOC_2024, XMAS, responded(uk(2027, 1, 14, 23, 30)))
        assert (facts.response_due, facts.code_response_due) == (date(2027, 1, 14),) * 2
        assert code_timeliness(facts) is policy_timeliness(facts) is Timeliness.on_time

    def test_stage_2_across_easter(self) -> None:
        # Acknowledged Thursday 1 April, a day late: 20 working days later, Thursday 29 April.
        events = (*EASTER, acknowledged(uk(2027, 4, 1), stage=2), responded(uk(2027, 4, 29), 2))
        facts = stage(HOC_2024, *events, seq=1)
        assert (facts.response_due, facts.code_response_due) == (date(2027, 4, 29),) * 2
        # Not acknowledged: 20 working days after 31 March, Wednesday 28 April.
        unacknowledged = stage(HOC_2024, *EASTER, seq=1)
        assert (unacknowledged.response_due, unacknowledged.code_response_due) == (
            date(2027, 4, 28),
        ) * 2

    def test_an_extension_agreed_before_an_early_acknowledgement_counts_in_full(self) -> None:
        # Agreed on 23 December to Thursday 28 January: the cap, 10 working days after the
        # provisional 14 January. Acknowledging on 24 December sets the original due date at
        # 12 January; the date agreed with the resident stands, in the view and for the Code.
        events = (
            XMAS,
            extension_agreed(uk(2026, 12, 23), date(2027, 1, 28)),
            acknowledged(uk(2026, 12, 24)),
            responded(uk(2027, 1, 27)),
        )
        facts = stage(HOC_2024, *events)
        assert (facts.response_original_due, facts.response_due) == (
            date(2027, 1, 12),
            date(2027, 1, 28),
        )
        assert code_of(facts) == CodeDue(due=date(2027, 1, 12), extended_due=date(2027, 1, 28))
        assert code_timeliness(facts) is policy_timeliness(facts) is Timeliness.within_extension

    def test_another_policy_is_judged_with_the_codes_numbers(self) -> None:
        # policy-2022 stage 2 runs 20 working days from the request (Wednesday 21 April) and
        # allows 30 more (to Friday 4 June); the Code runs 20 from the acknowledgement of 25 March
        # (Monday 26 April) and counts an extension only to 20 more (Tuesday 25 May).
        events = (
            *(replace(EASTER[0], policy_id=POLICY_2022.id), *EASTER[1:]),
            acknowledged(uk(2027, 3, 25, 15), stage=2),
            extension_agreed(uk(2027, 4, 1), date(2027, 6, 4), stage=2),
            responded(uk(2027, 6, 1), stage=2),
        )
        facts = stage(POLICY_2022, *events, seq=1)
        assert (facts.response_original_due, facts.response_due) == (
            date(2027, 4, 21),
            date(2027, 6, 4),
        )
        assert code_of(facts) == CodeDue(due=date(2027, 4, 26), extended_due=date(2027, 5, 25))
        assert policy_timeliness(facts) is Timeliness.within_extension
        assert code_timeliness(facts) is Timeliness.late

    def test_a_stage_the_code_does_not_have_has_no_code_deadline(self) -> None:
        state = fold_of(XMAS)
        assert state is not None
        record = replace(state.stages[0], stage=3)
        assert code_response_due(record, ENGLAND) is None


@settings(max_examples=examples(150, 1000), suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_under_hoc_2024_every_figure_has_the_views_due_date(data: st.DataObject) -> None:
    """Any hoc-2024 history: CH02's deadline (the Code's) is the view's, before and after
    extensions, so CH02 and the self-assessment judge every response alike."""
    events: list[ComplaintEvent] = [LOGGED]
    state = fold(events)
    assert state is not None
    for _ in range(data.draw(st.integers(min_value=1, max_value=30))):
        command, now = data.draw(commands(state.last_occurred_at))
        try:
            new = decide(command, state, policy=HOC_2024, calendar=ENGLAND, now=now)
        except DomainError:
            continue
        for event in new:
            state = evolve(state, event)
        events += new
    later = state.last_occurred_at + timedelta(days=data.draw(st.integers(0, 60)))
    for seq, facts in enumerate(complaint_facts("c-1", state, events, HOC_2024, ENGLAND).stages):
        view = stage_clocks(state, state.stages[seq], HOC_2024, ENGLAND, later)[RESPONSE]
        assert facts.code_response_due == facts.response_original_due == view.original_due
        assert (facts.code_extended_due or facts.code_response_due) == facts.response_due
        assert facts.response_due == view.due
        if facts.responded_at is not None:
            assert code_timeliness(facts) is policy_timeliness(facts)
