"""The landlord's SLA in lists: the resident's escalation window is not the landlord's deadline."""

from __future__ import annotations

from datetime import date

from app.domain.clocks.deadlines import ClockStatus, clocks
from app.domain.policies.builtin import JLIVING_2018
from app.projections.complaints import row_for
from app.services.complaints import Complaint
from app.services.listing import sla_state
from tests.unit.scenario import ENGLAND, given, logged, responded, uk
from tests.unit.stopping import STOPPED_DEC_18, STOPPING, restarted

# jliving-2018 stage 1 received Monday 1 March 2027 and answered on Friday 5 March: the resident
# then has 10 working days to ask for stage 2 (to Friday 19 March), the landlord nothing to do.
RESPONDED = (logged(uk(2027, 3, 1), policy=JLIVING_2018), responded(uk(2027, 3, 5)))


def complaint() -> Complaint:
    state = given(*RESPONDED)
    assert state is not None
    return Complaint(id="c-1", state=state, policy=JLIVING_2018, calendar=ENGLAND, events=())


def test_the_escalation_window_is_running_but_nothing_is_due_from_the_landlord() -> None:
    c = complaint()
    window = clocks(c.state, JLIVING_2018, ENGLAND, uk(2027, 3, 18))["escalation_window"]
    assert (window.due, window.status) == (date(2027, 3, 19), ClockStatus.due_soon)
    row = row_for(c.id, c.state, c.policy, c.calendar)
    assert row["sla_due"] is None
    assert row["sla_due_soon_from"] is None


def test_an_as_of_list_does_not_count_the_window_as_due_soon() -> None:
    assert sla_state(complaint(), uk(2027, 3, 18)) is None
    # Lapsed: the window reads met (stopped), and the landlord's response clock was met.
    assert sla_state(complaint(), uk(2027, 4, 1)) is None


def test_an_unmet_landlord_clock_still_counts() -> None:
    state = given(RESPONDED[0])
    assert state is not None
    row = row_for("c-1", state, JLIVING_2018, ENGLAND)
    # jliving stage 1: respond within 10 working days of receipt.
    assert row["sla_due"] == date(2027, 3, 15)
    c = Complaint(id="c-1", state=state, policy=JLIVING_2018, calendar=ENGLAND, events=())
    assert sla_state(c, uk(2027, 3, 16)) == "breached"


def test_paused_clocks_are_not_due_until_they_restart() -> None:
    state = given(*STOPPED_DEC_18)
    assert state is not None
    assert row_for("c-1", state, STOPPING, ENGLAND)["sla_due"] is None
    restarted_state = given(*STOPPED_DEC_18, restarted(uk(2027, 1, 4)))
    assert restarted_state is not None
    assert row_for("c-1", restarted_state, STOPPING, ENGLAND)["sla_due"] == date(2027, 1, 5)
