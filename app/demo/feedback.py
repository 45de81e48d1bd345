"""Made-up compliments, comments and enquiries for the demo landlord, so the annual report shows
what residents praised: a few a month, each taken through its lifecycle as a complaints team
would (passed on, considered or answered, then closed). Every person here is made up."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncEngine

from app.domain.complaint.events import Channel, Complainant, ContactMethod
from app.domain.feedback import commands as f
from app.domain.feedback.events import FeedbackKind
from app.events.store import EventStore, JsonValue
from app.services import feedback as service

LONDON = ZoneInfo("Europe/London")
DEMO_METADATA: dict[str, JsonValue] = {"actor": "demo", "role": "admin", "correlation_id": "demo"}
PER_MONTH = 4
NAMES = ["Ada Testwood", "Bram Sampleton", "Cleo Fictor", "Dev Madeup", "Esme Exampleby"]
STAFF = ["Sam Placeholt", "Jo Notreal", "Alex Fictor"]
# (kind, service area, team, what the resident said): the team is the one praised or concerned.
FEEDBACK = [
    (FeedbackKind.compliment, "repairs", "repairs_north", "The plumber came the same day."),
    (FeedbackKind.compliment, "repairs", "repairs_south", "The new boiler was fitted neatly."),
    (FeedbackKind.compliment, "estates", "caretaking", "The stairwell is spotless now."),
    (FeedbackKind.compliment, "rent", "income_team", "Thank you for the help with my budget."),
    (FeedbackKind.comment, "estates", "grounds", "A bench by the bins would help."),
    (FeedbackKind.comment, "repairs", None, "Text reminders before visits would be useful."),
    (FeedbackKind.enquiry, "rent", "income_team", "When does my new rent start?"),
    (FeedbackKind.enquiry, "repairs", None, "Who fixes the communal door?"),
]


async def load_demo_feedback(
    engine: AsyncEngine, store: EventStore, *, landlord: str, since: date, now: datetime, seed: int
) -> int:
    """PER_MONTH pieces of feedback a month from `since` to a week ago; returns how many."""
    rng = random.Random(seed)  # noqa: S311 - made-up demo data, not security
    until = now.astimezone(LONDON).date() - timedelta(days=7)
    month, given = since.replace(day=1), 0
    while month <= until:
        for _ in range(PER_MONTH):
            day = month + timedelta(days=rng.randrange(28))
            if since <= day <= until:
                await _give(engine, store, landlord, day, rng)
                given += 1
        month = (month + timedelta(days=32)).replace(day=1)
    return given


async def _give(
    engine: AsyncEngine, store: EventStore, landlord: str, day: date, rng: random.Random
) -> None:
    kind, category, team, text = rng.choice(FEEDBACK)
    received = datetime.combine(day, time(9 + rng.randrange(8), rng.randrange(60)), LONDON)
    received = received.astimezone(UTC)
    name = rng.choice(NAMES)
    steps: list[f.FeedbackCommand] = [
        f.ReceiveFeedback(
            occurred_at=received,
            landlord=landlord,
            kind=kind,
            received_at=received,
            channel=rng.choice([Channel.email, Channel.phone, Channel.web, Channel.portal]),
            category=category,
            team=team,
            text=text,
            resident=Complainant(
                name=name,
                email=f"{name.lower().replace(' ', '.')}@example.invalid",
                resident_id=f"R-{rng.randrange(10_000, 99_999)}",
            ),
            staff_member=rng.choice(STAFF) if kind is FeedbackKind.compliment else None,
        ),
        f.AcknowledgeFeedback(occurred_at=received + timedelta(days=1), method=ContactMethod.email),
    ]
    dealt = received + timedelta(days=3)
    match kind:
        case FeedbackKind.compliment:
            steps.append(f.PassOnCompliment(occurred_at=dealt, team=team or "customer_services"))
        case FeedbackKind.comment:
            steps.append(f.ConsiderComment(occurred_at=dealt, acted_upon=rng.random() < 0.5))
        case FeedbackKind.enquiry:
            steps.append(f.AnswerEnquiry(occurred_at=dealt, method=ContactMethod.phone))
    steps.append(f.CloseFeedback(occurred_at=dealt + timedelta(days=1)))
    feedback_id = str(uuid.uuid4())  # never the seed's: ids are unique across landlords
    async with engine.begin() as conn:
        for step in steps:
            await service.execute(
                conn, store, feedback_id, step, metadata=DEMO_METADATA, now=step.occurred_at
            )
