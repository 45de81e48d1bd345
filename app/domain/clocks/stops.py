"""How a stage's clock stops move its deadlines (`clock_stopped` / `clock_restarted`).

Only policies with `clock_stopping_allowed` have stops, and a stop pauses only the clocks of its own
stage that the landlord must meet (acknowledgement, contact, response): never the resident's
escalation window, and never the complaint-wide clocks (survey, overall limit, actions, Ombudsman
evidence). The rules, in the order `moved_due` applies them:

- A count of working days set by the policy does not run while stopped: each stop moves the due
  date later by the working days from the stop date to the restart date (the stop date still ran,
  the restart date was paused, as "within N working days of D" never counts D).
- A date agreed with the resident (an extension) is a promise: only a stop that begins after it
  was agreed moves it. An extension agreed during a stop fixes the date, whatever that stop lasts.
- A clock already breached when the stop began stays breached: stopping never undoes a breach.
- A clock met (or whose stage ended) during a stop was paused only until then.
- A clock counted from a moment inside a stop (a response counted from an acknowledgement made
  while stopped) is paused from that moment.
- While a stop is open the due date stays where it was and the clock reads `paused`: the date moves
  when the restart is recorded. So a read `as_of` a moment during the stop shows what was known
  then (the date before the stop, paused), and the history shows the date moving at the restart.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from app.domain.clocks.calendar import WorkingCalendar, london_date
from app.domain.clocks.clock import known
from app.domain.complaint.state import ClockStop


def earliest(*moments: datetime | None) -> datetime | None:
    """The first of the moments that exist (None when none does)."""
    present = [m for m in moments if m is not None]
    return min(present, default=None)


def moved_due(
    due: date,
    stops: Sequence[ClockStop],
    calendar: WorkingCalendar,
    *,
    running_from: datetime,
    until: datetime | None,
    at: datetime,
    agreed_at: datetime | None = None,
    paused_until: datetime | None = None,
) -> tuple[date, bool]:
    """`due` moved by the stops, and whether the clock is paused at `at`.

    `running_from` is the moment the clock started counting; `until` the moment it was met or its
    stage ended (known at `at`); `agreed_at` is set for an agreed date. `paused_until` counts an
    open stop as if restarted then (to judge an extension cap without the days already paused).
    """
    for stop in stops:
        stopped_at = known(stop.stopped_at, at)
        if stopped_at is None:
            break
        if agreed_at is not None and stopped_at < agreed_at:
            continue
        restarted_at = known(stop.restarted_at, at)
        if restarted_at is not None and restarted_at <= running_from:
            continue
        start = max(stopped_at, running_from)
        if until is not None and until <= start:
            break
        begin = london_date(start)
        if begin > due:
            break
        end = earliest(restarted_at, until)
        if end is None:
            if paused_until is None:
                return due, True
            end = paused_until
        due = calendar.add_working_days(due, calendar.working_days_between(begin, london_date(end)))
    return due, False
