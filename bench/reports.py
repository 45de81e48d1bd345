"""Report times on PostgreSQL for a landlord with N complaints (about ten events each).

    .venv/bin/python -m bench.reports [--complaints 100000] [--keep] [--tiny]

It creates a scratch database and migrates it, registers the landlord through the service, then
generates N complaint histories over two reporting years (2024/25 and 2025/26) with the domain
itself (`decide` and `evolve`, so every history is one the service would accept: acknowledgements,
extensions, responses on time and late, escalations accepted and refused, closures, surveys,
compensation, referrals, lessons). Each history is written with COPY as the service would have
written it: its events with their hash chain, its complaint row and its reporting rows. Then it
times each report for 2025/26 (the SQL read and the counting, then each rendering), best of three
runs after a first cold one: for the operator, who sees the reasons and lessons (read from the
streams of the complaints that have some in the year), and the code-compliance figures once more
for an analyst, who gets only their counts. With --check it first runs `redress rebuild --check`
over the whole log, which must find the written rows equal to the rebuild (slow: use it with fewer
complaints). The same-run reference is a raw read, through asyncpg, of the reporting rows the
reports of 2025/26 select (the same best of three after a cold run); each report's ratio line is its
speed over the reference's. The database is dropped unless --keep; --tiny loads 50 complaints.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import random
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import asyncpg
import orjson
import sqlalchemy as sa

from app import migrations
from app.db import create_engine
from app.domain.clocks.calendar import WorkingCalendar
from app.domain.complaint import commands as c
from app.domain.complaint.decide import decide
from app.domain.complaint.events import (
    Channel,
    ClosureReason,
    CompensationKind,
    Complainant,
    ComplaintEvent,
    ContactMethod,
    DeclineReason,
    Outcome,
    ReferralBody,
    Satisfaction,
    Tenure,
)
from app.domain.complaint.evolve import evolve
from app.domain.complaint.state import ComplaintState
from app.domain.errors import DomainError
from app.domain.landlord.commands import RegisterLandlord
from app.domain.policies.builtin import HOC_2024
from app.domain.reporting.code_compliance import CodeComplianceReport
from app.domain.reporting.facts import complaint_facts
from app.domain.reporting.period import reporting_year
from app.events.codec import to_new_event
from app.events.hashing import event_hash
from app.events.scan import snapshot
from app.events.sql import SqlEventStore
from app.events.tables import events
from app.projections.complaints import row_for
from app.projections.reports import TABLES, rows_of
from app.projections.state_document import NO_DOCUMENT
from app.projections.tables import complaints
from app.rendering.formats import AnyReport, Format, render
from app.services import landlords, reports
from app.services.privacy import NO_PERSONAL_DATA, OPERATOR
from app.services.rebuild import Mode, rebuild
from bench.common import (
    copy_jsonb_as_text,
    dsn,
    ratio_line,
    scratch_database,
    stop_cleanly_on_signals,
    use_scratch_master_key,
)
from bench.raw import raw_read

LANDLORD = "bench-homes"
LONDON = ZoneInfo("Europe/London")
CALENDAR = WorkingCalendar()
FIRST_DAY, DAYS = date(2024, 4, 1), 730
COPY_ROWS = 20_000
CATEGORIES = ["repairs", "damp_and_mould", "anti_social_behaviour", "rent", "staff_conduct"]
REASONS = ["Awaiting a contractor's survey", "Resident away", "Specialist report needed"]
TABLE_COLUMNS = {t.name: [col.name for col in t.columns] for t in (events, complaints, *TABLES)}


class History:
    """One complaint's events, each decided by the domain against the state so far."""

    def __init__(self, rng: random.Random, received: datetime) -> None:
        self.rng = rng
        self.state: ComplaintState | None = None
        self.events: list[ComplaintEvent] = []
        self.at = received

    def later(self, working_days: int) -> datetime:
        day = CALENDAR.add_working_days(self.at.astimezone(LONDON).date(), working_days)
        hour = self.rng.randint(8, 17)
        return max(datetime(day.year, day.month, day.day, hour, tzinfo=LONDON), self.at)

    def do(self, make: Callable[[datetime], c.Command], after_days: int = 0) -> bool:
        at = self.later(after_days)
        try:
            new = decide(make(at), self.state, policy=HOC_2024, calendar=CALENDAR, now=at)
        except DomainError:
            return False
        for event in new:
            self.state = evolve(self.state, event)
        self.events += new
        self.at = at
        return True


def extension(due: date, reason: str) -> Callable[[datetime], c.Command]:
    return lambda at: c.AgreeExtension(
        occurred_at=at, response_due=due, reason="other", explanation=reason
    )


def response(outcome: Outcome, remedies: tuple[str, ...]) -> Callable[[datetime], c.Command]:
    return lambda at: c.Respond(occurred_at=at, outcome=outcome, summary="s", remedies=remedies)


def history(rng: random.Random, n: int) -> History:
    day = FIRST_DAY + timedelta(days=rng.randrange(DAYS))
    received = datetime(day.year, day.month, day.day, rng.randint(0, 23), rng.randint(0, 59),
                        tzinfo=LONDON)  # fmt: skip
    h = History(rng, received)
    h.do(lambda at: c.LogComplaint(
        occurred_at=at, reference=f"B-{n:09d}", landlord=LANDLORD, policy_id=HOC_2024.id,
        policy_version=HOC_2024.version, channel=rng.choice(list(Channel)), received_at=received,
        stage=None, category=rng.choice(CATEGORIES), description="made up", desired_outcome=None,
        complainant=Complainant(name=f"Bench Person {n}", resident_id=f"R-{n}"),
        representative=None, anonymous=False, vulnerability=None, reasonable_adjustments=None,
        tenure=rng.choice([Tenure.rented] * 8 + [Tenure.shared_ownership, None]),
    ))  # fmt: skip
    if rng.random() < 0.03:
        h.do(lambda at: c.Decline(occurred_at=at, reason=rng.choice(list(DeclineReason)),
                                  explanation="e"), 1)  # fmt: skip
        return h
    h.do(lambda at: c.Assign(occurred_at=at, handler=f"handler-{rng.randrange(40)}"))
    for stage in (1, 2):
        h.do(lambda at: c.Acknowledge(occurred_at=at), rng.choice([0, 1, 2, 3, 5, 7]))
        h.do(lambda at: c.RecordContact(occurred_at=at, method=ContactMethod.phone, summary="s"), 1)
        if rng.random() < 0.15:
            h.do(extension(h.later(rng.randint(8, 18)).date(), rng.choice(REASONS)), 2)
        h.do(lambda at: c.AddNote(occurred_at=at, text="n"), 1)
        remedies = tuple(rng.sample(["apology", "repair"], rng.randint(0, 2)))
        h.do(response(rng.choice(list(Outcome)), remedies), rng.randint(3, 14 * stage))
        if stage == 2 or rng.random() > 0.18:
            break
        h.do(lambda at: c.RequestEscalation(occurred_at=at, reason="r"), rng.randint(1, 10))
        if rng.random() < 0.15:
            h.do(
                lambda at: c.RefuseEscalation(
                    occurred_at=at, reason="legal_proceedings", explanation="Already answered"
                ),
                2,
            )
            break
        h.do(lambda at: c.Escalate(occurred_at=at), 1)
    if rng.random() < 0.12:
        h.do(
            lambda at: c.OfferCompensation(
                occurred_at=at,
                offer_id="C-1",
                amount_pence=rng.randrange(2_000, 80_000),
                kind=rng.choice(list(CompensationKind)),
                reason="r",
            )
        )
        if rng.random() < 0.8:
            h.do(lambda at: c.AcceptCompensation(occurred_at=at, offer_id="C-1"), 2)
        else:
            h.do(lambda at: c.DeclineCompensation(occurred_at=at, offer_id="C-1"), 2)
    h.do(lambda at: c.AddNote(occurred_at=at, text="n"), 1)
    h.do(lambda at: c.RecordContact(occurred_at=at, method=ContactMethod.email, summary="s"), 1)
    if rng.random() < 0.85:
        h.do(lambda at: c.Close(occurred_at=at, reason=ClosureReason.resolved), rng.randint(1, 10))
        if rng.random() < 0.3:
            h.do(
                lambda at: c.RecordSatisfaction(
                    occurred_at=at, satisfied=rng.choice(list(Satisfaction))
                ),
                3,
            )
    if rng.random() < 0.04:
        h.do(lambda at: c.Refer(occurred_at=at, to=ReferralBody.housing_ombudsman), 20)
        h.do(lambda at: c.RequestOmbudsmanEvidence(occurred_at=at,
                                                   due=h.later(10).date()), 5)  # fmt: skip
        h.do(lambda at: c.ProvideOmbudsmanEvidence(occurred_at=at), rng.randint(3, 14))
    if rng.random() < 0.06:
        h.do(lambda at: c.RecordLearning(occurred_at=at, root_cause="Repairs not followed up",
                                         lesson="l", improvement="i"), 2)  # fmt: skip
    return h


Records = dict[str, list[tuple[object, ...]]]


def records(
    h: History, complaint_id: str, first_position: int
) -> dict[str, list[tuple[object, ...]]]:
    """The rows the service would have written for this history."""
    assert h.state is not None
    out: Records = {name: [] for name in TABLE_COLUMNS}
    previous: str | None = None
    for offset, event in enumerate(h.events):
        new = to_new_event(event, {"actor": "bench"})
        recorded = event.occurred_at.astimezone(UTC) + timedelta(seconds=5)
        row: dict[str, object] = {
            "position": first_position + offset, "stream_id": complaint_id,
            "version": offset + 1, "type": new.type, "schema_version": new.schema_version,
            "data": orjson.dumps(new.data).decode(),
            "metadata": orjson.dumps(new.metadata).decode(),
            "occurred_at": new.occurred_at, "recorded_at": recorded, "previous_hash": previous,
        }  # fmt: skip
        row["hash"] = previous = event_hash(
            previous_hash=previous, stream_id=complaint_id, version=offset + 1, type=new.type,
            schema_version=new.schema_version, data=new.data, metadata=new.metadata,
            occurred_at=new.occurred_at, recorded_at=recorded,
        )  # fmt: skip
        out["events"].append(tuple(row[name] for name in TABLE_COLUMNS["events"]))
    # Events written unsealed and without keys: no state document (reads would replay).
    projected = row_for(complaint_id, h.state, HOC_2024, CALENDAR) | NO_DOCUMENT
    projected["head_hash"] = previous
    out["complaints"].append(tuple(projected[name] for name in TABLE_COLUMNS["complaints"]))
    facts = complaint_facts(complaint_id, h.state, h.events, HOC_2024, CALENDAR)
    for table, rows in rows_of(facts).items():
        for r in rows.values():
            if "remedies" in r:
                r = {**r, "remedies": orjson.dumps(r["remedies"]).decode()}
            out[table].append(tuple(r[name] for name in TABLE_COLUMNS[table]))
    return out


async def generate(url: str, count: int, seed: int) -> tuple[int, int]:
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            at = datetime(2024, 1, 1, tzinfo=UTC)
            register = RegisterLandlord(occurred_at=at, name="Bench Homes",
                                        region="england-and-wales", homes_rented=60_000,
                                        homes_shared_ownership=8_000)  # fmt: skip
            await landlords.execute(conn, SqlEventStore(), LANDLORD, register, metadata={}, now=at)
            position = (
                int((await conn.execute(sa.select(sa.func.max(events.c.position)))).scalar_one())
                + 1
            )
    finally:
        await engine.dispose()
    connection = await asyncpg.connect(dsn(url))
    rng = random.Random(seed)
    pending: dict[str, list[tuple[object, ...]]] = {name: [] for name in TABLE_COLUMNS}
    total = 0

    async def flush() -> None:
        for name, rows in pending.items():
            if rows:
                await connection.copy_records_to_table(
                    name, records=rows, columns=TABLE_COLUMNS[name]
                )
                rows.clear()

    try:
        await copy_jsonb_as_text(connection)
        for n in range(1, count + 1):
            h = history(rng, n)
            for name, rows in records(
                h, str(uuid.UUID(int=rng.getrandbits(128))), position
            ).items():
                pending[name] += rows
            position += len(h.events)
            total += len(h.events)
            if len(pending["events"]) >= COPY_ROWS:
                await flush()
                print(f"  {n} complaints, {total} events", end="\r", file=sys.stderr, flush=True)
        await flush()
        await connection.execute("ANALYZE")
    finally:
        await connection.close()
    return count, total


async def timed(
    label: str, work: Callable[[], Awaitable[AnyReport]], reference: float
) -> AnyReport:
    runs = []
    report: AnyReport | None = None
    for _ in range(4):
        started = time.perf_counter()
        report = await work()
        runs.append(time.perf_counter() - started)
    assert report is not None
    renders = []
    for fmt in Format:
        started = time.perf_counter()
        text = render(report, fmt)
        renders.append(f"{fmt} {time.perf_counter() - started:.2f} s ({len(text) // 1024} KiB)")
    print(f"{label}: first {runs[0]:.2f} s, best of the next three {min(runs[1:]):.2f} s; "
          f"rendering {', '.join(renders)}")  # fmt: skip
    print(ratio_line(f"{label} / raw read", 1 / min(runs[1:]), 1 / reference, "runs/s"))
    return report


async def measure(url: str) -> None:
    reference = await raw_read(url, LANDLORD, reporting_year(2025))
    time_it = functools.partial(timed, reference=reference)
    engine = create_engine(url)
    year = reporting_year(2025)
    today = date(2026, 11, 23)
    store = SqlEventStore()

    async def run(work: Callable[..., Awaitable[AnyReport]]) -> AnyReport:
        async with snapshot(engine) as conn:
            return await work(conn)

    try:
        code = await time_it(
            "code-compliance 2025/26",
            lambda: run(
                lambda conn: reports.code_compliance_report(
                    conn, store, LANDLORD, year, today=today, reader=OPERATOR
                )
            ),
        )
        await time_it(
            "code-compliance 2025/26, analyst (no words read)",
            lambda: run(
                lambda conn: reports.code_compliance_report(
                    conn, store, LANDLORD, year, today=today, reader=NO_PERSONAL_DATA
                )
            ),
        )
        await time_it(
            "tsm 2025/26",
            lambda: run(lambda conn: reports.tsm_report(conn, store, LANDLORD, 2025, today=today)),
        )
        await time_it("annual 2025/26", lambda: run(
            lambda conn: reports.annual_report(conn, store, LANDLORD, 2025, reader=OPERATOR)
        ))  # fmt: skip
    finally:
        await engine.dispose()
    assert isinstance(code, CodeComplianceReport)
    received = sum(s.received for s in code.stages)
    print(f"  (2025/26: {received} stage records received)")


async def check(url: str) -> None:
    engine = create_engine(url)
    try:
        async with snapshot(engine) as conn:
            report = await rebuild(conn, Mode.check)
    finally:
        await engine.dispose()
    print(f"rebuild --check: {report.complaints} complaints, {report.differences} differences")
    if not report.equal:
        raise SystemExit(f"the written rows differ from the rebuild: {report.listed[:3]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--complaints", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--keep", action="store_true", help="Keep the scratch database.")
    parser.add_argument("--check", action="store_true", help="Rebuild-check the rows first.")
    parser.add_argument("--tiny", action="store_true", help="50 complaints (the test suite)")
    args = parser.parse_args()
    if args.tiny:
        args.complaints = 50
    use_scratch_master_key()
    stop_cleanly_on_signals()
    with scratch_database(keep=args.keep) as url:
        migrations.upgrade(url)
        started = time.perf_counter()
        count, total = asyncio.run(generate(url, args.complaints, args.seed))
        print(f"loaded {count} complaints, {total} events in {time.perf_counter() - started:.0f} s")
        if args.check:
            asyncio.run(check(url))
        asyncio.run(measure(url))


if __name__ == "__main__":
    main()
