"""The history of a complaint whose policy stops the clock: the entry of `clock_stopped` shows the
clocks paused at their old due dates, the entry of `clock_restarted` shows them moved.

The events are 2026-27 dates (after today), so this replays stored events directly with a copy of
hoc-2024 that allows stops; `test_clock_stopping_http.py` does the same over HTTP with a landlord's
own policy and past dates.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from app.api import history
from app.api.deps import Actor
from app.domain.clocks.calendar import WorkingCalendar
from app.domain.complaint.events import ComplaintEvent
from app.domain.complaint.evolve import fold
from app.domain.policies.builtin import HOC_2024
from app.events.codec import decode, to_new_event
from app.events.store import StoredEvent
from app.services.complaints import Complaint
from app.services.keys import Role
from tests.unit.scenario import acknowledged, logged, uk
from tests.unit.stopping import restarted, stopped

STOPPING = replace(HOC_2024, id="hoc-stopping", clock_stopping_allowed=True)
CRM = Actor(key_id="k", role=Role.crm, landlord="riverside", resident_id=None)
ANALYST = Actor(key_id="k", role=Role.analyst, landlord="riverside", resident_id=None)

# Received Monday 7 December 2026, acknowledged the next day: response due Tuesday 22 December.
# Stopped on Thursday 17 December, restarted on Tuesday 5 January 2027 after 10 working days:
# due Friday 8 January.
EVENTS: list[ComplaintEvent] = [
    logged(uk(2026, 12, 7, 10), received_at=uk(2026, 12, 7, 9), policy=STOPPING),
    acknowledged(uk(2026, 12, 8)),
    stopped(uk(2026, 12, 17)),
    restarted(uk(2027, 1, 5)),
]


def stored(events: list[ComplaintEvent]) -> tuple[StoredEvent, ...]:
    rows = []
    for version, event in enumerate(events, start=1):
        new = to_new_event(event, {"actor": "test"})
        rows.append(
            StoredEvent(
                position=version,
                stream_id="c-1",
                version=version,
                type=new.type,
                schema_version=new.schema_version,
                data=new.data,
                metadata=new.metadata,
                occurred_at=new.occurred_at,
                recorded_at=datetime(2027, 1, 5, 12, tzinfo=UTC),
                hash="0" * 64,
                previous_hash=None,
            )
        )
    return tuple(rows)


def complaint() -> Complaint:
    events = stored(EVENTS)
    state = fold(decode(e) for e in events)
    assert state is not None
    return Complaint(
        id="c-1", state=state, policy=STOPPING, calendar=WorkingCalendar(), events=events
    )


def test_the_due_date_moves_in_the_entry_of_the_restart() -> None:
    entries = history.replay(complaint(), CRM)
    assert [e.event.type for e in entries] == [
        "logged",
        "acknowledged",
        "clock_stopped",
        "clock_restarted",
    ]
    acknowledged_, stopped_, restarted_ = (e.complaint for e in entries[1:])
    assert acknowledged_.sla["response"].due == date(2026, 12, 22)
    assert not acknowledged_.sla["response"].paused
    assert stopped_.sla["response"].due == date(2026, 12, 22)
    assert stopped_.sla["response"].paused
    assert stopped_.sla["response"].status == "pending"
    assert stopped_.stages[0].stops[0].restarted_at is None
    assert restarted_.sla["response"].due == date(2027, 1, 8)
    assert not restarted_.sla["response"].paused
    assert restarted_.stages[0].stops[0].restarted_at == uk(2027, 1, 5)


def test_an_analyst_sees_the_stops_without_their_reasons() -> None:
    entries = history.replay(complaint(), ANALYST)
    stop_data, restart_data = (e.event.data for e in entries[2:])
    assert stop_data == {"stage": 1, "reason_category": "awaiting_resident"}
    assert restart_data == {"stage": 1}
    [stop] = entries[-1].complaint.stages[0].stops
    assert (stop.reason, stop.restart_reason) == (None, None)
    assert stop.reason_category == "awaiting_resident"
    crm_stop = history.replay(complaint(), CRM)[-1].complaint.stages[0].stops[0]
    assert crm_stop.reason == "Waiting for photos of the damp"
