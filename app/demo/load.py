"""Load the demo scenarios (app/demo/scenarios.py) for a landlord: register it if needed, then log
and progress each complaint through the services, as the API would."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from app.demo.feedback import load_demo_feedback
from app.demo.restrictions import load_demo_restrictions
from app.demo.scenarios import (
    CATEGORIES,
    FIRST_NAMES,
    HANDLERS,
    ISSUES,
    LAST_NAMES,
    SCENARIOS,
    TENURES,
    Step,
)
from app.domain.clocks.calendar import WorkingCalendar
from app.domain.complaint import commands as c
from app.domain.complaint.events import (
    Channel,
    Complainant,
)
from app.domain.landlord.commands import RegisterLandlord
from app.domain.policies.model import Policy
from app.events.store import EventStore, JsonValue
from app.services import complaints as service
from app.services import landlords
from app.services.catalog import settings_for

LONDON = ZoneInfo("Europe/London")
DEMO_METADATA: dict[str, JsonValue] = {"actor": "demo", "role": "admin", "correlation_id": "demo"}


def _moment(calendar: WorkingCalendar, day: date, rng: random.Random) -> datetime:
    while not calendar.is_working_day(day):
        day -= timedelta(days=1)
    local = datetime.combine(day, time(9 + rng.randrange(8), rng.randrange(60)), tzinfo=LONDON)
    return local.astimezone(UTC)


async def register_demo_landlord(
    conn: AsyncConnection, store: EventStore, landlord: str, now: datetime
) -> None:
    """A made-up housing association in England that shuts between Christmas and New Year."""
    if await landlords.load(conn, store, landlord) is not None:
        return
    year = now.astimezone(LONDON).year
    shutdown = tuple(date(year, 12, day) for day in (29, 30, 31))
    command = RegisterLandlord(
        occurred_at=now,
        name="Demo Homes Housing Association",
        region="england-and-wales",
        closures=shutdown,
        homes_rented=12_400,
        homes_shared_ownership=850,
    )
    await landlords.execute(conn, store, landlord, command, metadata=DEMO_METADATA, now=now)


async def load_demo(
    engine: AsyncEngine,
    store: EventStore,
    *,
    landlord: str,
    copies: int = 3,
    seed: int = 7,
    history_since: date | None = None,
) -> int:
    """Log `copies` complaints per scenario for `landlord`, received in the last weeks; with
    `history_since`, also a few a month from that day until three months ago, each following a
    scenario that ends (closed, declined, referred), so the reports of past years have figures.
    Returns how many were logged."""
    rng = random.Random(seed)  # noqa: S311 - made-up demo data, not security
    now = datetime.now(UTC)
    async with engine.begin() as conn:
        await register_demo_landlord(conn, store, landlord, now)
        settings = await settings_for(conn, landlord)
    demo = _Demo(engine, store, landlord, settings.calendar, settings.policy, rng, now)
    today = now.astimezone(LONDON).date()
    for copy in range(copies):
        for ago, steps in SCENARIOS:
            await demo.play(demo.calendar.subtract_working_days(today, ago + copy), steps)
    if history_since is not None:
        ending = [steps for _, steps in SCENARIOS if _ends(steps, now)]
        until = today - timedelta(days=91)
        month = history_since.replace(day=1)
        while month <= until:
            for _ in range(HISTORY_PER_MONTH):
                day = month + timedelta(days=rng.randrange(28))
                if history_since <= day <= until:
                    await demo.play(day, ending[demo.logged % len(ending)])
            month = (month + timedelta(days=32)).replace(day=1)
    # Compliments, comments and enquiries too, for the annual report's "what residents praised".
    await load_demo_feedback(
        engine,
        store,
        landlord=landlord,
        since=history_since or today - timedelta(days=60),
        now=now,
        seed=seed,
    )
    # A contact restriction on the resident of a recent complaint, shown on its view.
    await load_demo_restrictions(engine, store, landlord=landlord, now=now)
    return demo.logged


HISTORY_PER_MONTH = 6


def _ends(steps: list[Step], now: datetime) -> bool:
    return any(isinstance(make(now), c.Close | c.Decline) for _, make in steps)


class _Demo:
    """Logs demo complaints and plays their scenarios, as the API would, one transaction each."""

    def __init__(
        self,
        engine: AsyncEngine,
        store: EventStore,
        landlord: str,
        calendar: WorkingCalendar,
        policy: Policy,
        rng: random.Random,
        now: datetime,
    ) -> None:
        self.engine, self.store, self.landlord = engine, store, landlord
        self.calendar, self.policy, self.rng, self.now = calendar, policy, rng, now
        self.logged = 0

    async def play(self, received_day: date, steps: list[Step]) -> None:
        calendar, rng, now = self.calendar, self.rng, self.now
        received = _moment(calendar, received_day, rng)
        category = rng.choice(CATEGORIES)
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        command = c.LogComplaint(
            occurred_at=received,
            reference="",
            landlord=self.landlord,
            policy_id=self.policy.id,
            policy_version=self.policy.version,
            channel=rng.choice(list(Channel)),
            received_at=received,
            stage=None,
            category=category,
            description=ISSUES[category],
            desired_outcome="A proper fix and an apology.",
            complainant=Complainant(
                name=f"{first} {last}",
                email=f"{first.lower()}.{last.lower()}@example.invalid",
                resident_id=f"R-{rng.randrange(10_000, 99_999)}",
            ),
            representative=None,
            anonymous=False,
            vulnerability=None,
            reasonable_adjustments=None,
            # Mostly rented homes, some shared ownership, a few not known.
            tenure=TENURES[self.logged % len(TENURES)],
            uprn=str(rng.randrange(10**11, 10**12)),
        )
        async with self.engine.begin() as conn:
            complaint = await service.log_complaint(
                conn, self.store, command, metadata=DEMO_METADATA, now=now
            )
            if self.logged % 4 and not any(isinstance(f(now), c.Assign) for _, f in steps):
                # Most complaints go to a handler in a team at once: the workload has people.
                handler, team = HANDLERS[self.logged % len(HANDLERS)]
                assign = c.Assign(occurred_at=received, handler=handler, team=team)
                complaint = await service.record(
                    conn, self.store, complaint, assign, if_match=None, metadata=DEMO_METADATA,
                    now=now,
                )  # fmt: skip
            for offset, factory in steps:
                at = max(
                    _moment(calendar, calendar.add_working_days(received_day, offset), rng),
                    complaint.state.last_occurred_at,
                )
                if at > now:
                    break
                step = factory(at)
                if isinstance(step, c.AgreeExtension):
                    step = c.AgreeExtension(
                        occurred_at=at,
                        response_due=calendar.add_working_days(received_day, offset + 8),
                        reason=step.reason,
                        explanation=step.explanation,
                    )
                complaint = await service.record(
                    conn, self.store, complaint, step, if_match=None, metadata=DEMO_METADATA,
                    now=now,
                )  # fmt: skip
        self.logged += 1
