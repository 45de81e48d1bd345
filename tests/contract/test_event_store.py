"""The event store contract, on SQLite and PostgreSQL: append, read, versions, feed, rollback."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from app.domain.complaint.events import ExtensionAgreed, Outcome, Responded
from app.events.codec import decode, to_new_event
from app.events.hashing import stored_event_hash, verify_stream
from app.events.sql import SqlEventStore
from app.events.store import NEW_STREAM, ConcurrencyError, EventStore, JsonValue, NewEvent
from app.events.tables import events as events_table
from tests.contract.support import T0, new_event

pytestmark = pytest.mark.asyncio

RECORDED = datetime(2025, 3, 4, 12, 0, 0, 123456, tzinfo=UTC)


class TestAppend:
    async def test_a_new_stream_starts_at_version_1(
        self, db: AsyncEngine, store: EventStore
    ) -> None:
        async with db.begin() as conn:
            stored = await store.append(
                conn, "c-1", 0, [new_event(1), new_event(2)], recorded_at=RECORDED
            )

        assert [(e.stream_id, e.version, e.position) for e in stored] == [
            ("c-1", 1, 1),
            ("c-1", 2, 2),
        ]
        assert [e.data for e in stored] == [{"n": 1}, {"n": 2}]
        assert stored[0].metadata == {"actor": "test"}
        assert stored[0].type == "noted"
        assert stored[0].schema_version == 1
        assert stored[0].occurred_at == T0 + timedelta(minutes=1)
        assert all(e.recorded_at == RECORDED for e in stored)
        assert stored[0].previous_hash is None
        assert stored[1].previous_hash == stored[0].hash

    async def test_what_append_returns_is_what_a_read_returns(
        self, db: AsyncEngine, store: EventStore
    ) -> None:
        london = ZoneInfo("Europe/London")
        event = NewEvent(
            type="logged",
            data={"z": [1, 2.5, "x", None, True], "a": {"y": 1.0, "b": "café"}},
            occurred_at=datetime(2025, 7, 1, 10, 15, 30, 654321, tzinfo=london),
            metadata={"correlation_id": "r-1", "actor": "crm:alice"},
        )
        async with db.begin() as conn:
            (appended,) = await store.append(conn, "c-1", 0, [event])
        async with db.connect() as conn:
            (read,) = await store.read_stream(conn, "c-1")

        assert read == appended
        assert read.occurred_at == datetime(2025, 7, 1, 9, 15, 30, 654321, tzinfo=UTC)
        assert read.occurred_at.tzinfo is UTC
        assert read.recorded_at.tzinfo is UTC
        # Integral floats are stored as integers, so both databases read back the same value.
        assert read.data == {"z": [1, 2.5, "x", None, True], "a": {"y": 1, "b": "café"}}

    async def test_recorded_at_is_the_store_clock_unless_given(self, db: AsyncEngine) -> None:
        store = SqlEventStore(clock=lambda: RECORDED)
        async with db.begin() as conn:
            (stored,) = await store.append(conn, "c-1", 0, [new_event()])
        assert stored.recorded_at == RECORDED

    async def test_the_default_clock_is_utc_now(self, db: AsyncEngine, store: EventStore) -> None:
        before = datetime.now(UTC)
        async with db.begin() as conn:
            (stored,) = await store.append(conn, "c-1", 0, [new_event()])
        assert before <= stored.recorded_at <= datetime.now(UTC)

    async def test_appending_continues_the_stream(self, db: AsyncEngine, store: EventStore) -> None:
        async with db.begin() as conn:
            first = await store.append(conn, "c-1", 0, [new_event(1)])
        async with db.begin() as conn:
            second = await store.append(conn, "c-1", 1, [new_event(2), new_event(3)])

        assert [e.version for e in second] == [2, 3]
        assert second[0].previous_hash == first[0].hash
        async with db.connect() as conn:
            assert await store.stream_version(conn, "c-1") == 3
            assert [e.version for e in await store.read_stream(conn, "c-1")] == [1, 2, 3]

    @pytest.mark.parametrize(
        ("bad", "message"),
        [
            (NewEvent(type="x", data={}, occurred_at=datetime(2025, 1, 1)), "naive"),
            (NewEvent(type="", data={}, occurred_at=T0), "type"),
            (NewEvent(type="x" * 65, data={}, occurred_at=T0), "type"),
            (NewEvent(type="x", data={"f": float("nan")}, occurred_at=T0), "JSON number"),
            (NewEvent(type="x", data={"s": "a\x00b"}, occurred_at=T0), "NUL"),
            (NewEvent(type="x", data={"t": T0}, occurred_at=T0), "not a JSON value"),  # type: ignore[dict-item]
            (NewEvent(type="x", data={}, occurred_at=T0, schema_version=0), "schema_version"),
        ],
    )
    async def test_invalid_events_are_refused_before_anything_is_written(
        self, db: AsyncEngine, store: EventStore, bad: NewEvent, message: str
    ) -> None:
        async with db.begin() as conn:
            with pytest.raises(ValueError, match=message):
                await store.append(conn, "c-1", 0, [new_event(1), bad])
        async with db.connect() as conn:
            assert await store.last_position(conn) == 0

    @pytest.mark.parametrize(
        ("stream_id", "expected_version", "events", "message"),
        [
            ("", 0, [new_event()], "stream id"),
            ("s" * 65, 0, [new_event()], "stream id"),
            ("c-1", -1, [new_event()], "expected_version"),
            ("c-1", 0, [], "nothing to append"),
        ],
    )
    async def test_invalid_appends_are_refused(
        self,
        db: AsyncEngine,
        store: EventStore,
        stream_id: str,
        expected_version: int,
        events: list[NewEvent],
        message: str,
    ) -> None:
        async with db.begin() as conn:
            with pytest.raises(ValueError, match=message):
                await store.append(conn, stream_id, expected_version, events)

    async def test_a_naive_recorded_at_is_refused(self, db: AsyncEngine, store: EventStore) -> None:
        async with db.begin() as conn:
            with pytest.raises(ValueError, match="naive"):
                await store.append(
                    conn,
                    "c-1",
                    0,
                    [new_event()],
                    recorded_at=datetime(2025, 1, 1),
                )


class TestExpectedVersion:
    async def _stream_at_version_2(self, db: AsyncEngine, store: EventStore) -> None:
        async with db.begin() as conn:
            await store.append(conn, "c-1", 0, [new_event(1), new_event(2)])

    @pytest.mark.parametrize("expected", [0, 1, 3, 7])
    async def test_a_stale_or_future_expected_version_writes_nothing(
        self, db: AsyncEngine, store: EventStore, expected: int
    ) -> None:
        await self._stream_at_version_2(db, store)

        with pytest.raises(ConcurrencyError) as raised:
            async with db.begin() as conn:
                await store.append(conn, "c-1", expected, [new_event(9)])

        assert (raised.value.stream_id, raised.value.expected_version) == ("c-1", expected)
        assert raised.value.actual_version == 2
        async with db.connect() as conn:
            assert await store.stream_version(conn, "c-1") == 2
            assert await store.last_position(conn) == 2

    async def test_a_stream_that_does_not_exist_is_at_version_0(
        self, db: AsyncEngine, store: EventStore
    ) -> None:
        with pytest.raises(ConcurrencyError) as raised:
            async with db.begin() as conn:
                await store.append(conn, "c-new", 1, [new_event()])
        assert raised.value.actual_version == 0
        async with db.connect() as conn:
            assert await store.stream_version(conn, "c-new") == 0
            assert await store.read_stream(conn, "c-new") == []

    async def test_the_unique_constraint_is_reported_as_a_concurrency_error(
        self, db: AsyncEngine, store: EventStore
    ) -> None:
        # A writer that read a stale head (from a projection row, before another append): only
        # the (stream_id, version) constraint can catch it, and the caller must still see a
        # ConcurrencyError, not an IntegrityError.
        await self._stream_at_version_2(db, store)
        with pytest.raises(ConcurrencyError) as raised:
            async with db.begin() as conn:
                await store.append(conn, "c-1", 0, [new_event(9)], head=NEW_STREAM)
        assert raised.value.actual_version is None
        async with db.connect() as conn:
            assert await store.stream_version(conn, "c-1") == 2


class TestReading:
    async def test_read_streams_reads_a_page_of_streams_at_once(
        self, db: AsyncEngine, store: EventStore
    ) -> None:
        async with db.begin() as conn:
            await store.append(conn, "c-a", 0, [new_event(1)])
            await store.append(conn, "c-b", 0, [new_event(2), new_event(3)])
            await store.append(conn, "c-a", 1, [new_event(4)])
            await store.append(conn, "c-c", 0, [new_event(5)])

        async with db.connect() as conn:
            streams = await store.read_streams(conn, ["c-b", "c-missing", "c-a"])
            assert await store.read_streams(conn, []) == {}

        assert list(streams) == ["c-b", "c-missing", "c-a"]
        assert [e.data["n"] for e in streams["c-a"]] == [1, 4]
        assert [e.version for e in streams["c-a"]] == [1, 2]
        assert [e.data["n"] for e in streams["c-b"]] == [2, 3]
        assert streams["c-missing"] == []
        async with db.connect() as conn:
            assert streams["c-a"] == await store.read_stream(conn, "c-a")
            # Single events by (stream, version), those that exist; the same as read whole.
            found = await store.read_events(conn, [("c-b", 2), ("c-a", 1), ("c-a", 9), ("x", 1)])
            assert await store.read_events(conn, []) == []
        assert sorted(found, key=lambda e: e.position) == [streams["c-a"][0], streams["c-b"][1]]

    async def test_an_empty_store(self, db: AsyncEngine, store: EventStore) -> None:
        async with db.connect() as conn:
            assert await store.last_position(conn) == 0
            assert await store.feed(conn, 0, 10) == []
            assert await store.stream_version(conn, "c-1") == 0


class TestFeed:
    async def test_the_feed_pages_through_every_stream_in_position_order(
        self, db: AsyncEngine, store: EventStore
    ) -> None:
        async with db.begin() as conn:
            await store.append(conn, "c-a", 0, [new_event(1), new_event(2)])
        async with db.begin() as conn:
            await store.append(conn, "c-b", 0, [new_event(3)])
            await store.append(conn, "c-a", 2, [new_event(4)])
        async with db.begin() as conn:
            await store.append(conn, "c-c", 0, [new_event(5), new_event(6), new_event(7)])

        async with db.connect() as conn:
            assert await store.last_position(conn) == 7
            pages = [await store.feed(conn, after, 3) for after in (0, 3, 6, 7)]
            everything = await store.feed(conn, 0, 100)

        assert [[e.position for e in page] for page in pages] == [[1, 2, 3], [4, 5, 6], [7], []]
        assert [e.data["n"] for e in everything] == [1, 2, 3, 4, 5, 6, 7]
        assert [(e.stream_id, e.version) for e in everything[2:4]] == [("c-b", 1), ("c-a", 3)]

    async def test_limit_must_be_positive(self, db: AsyncEngine, store: EventStore) -> None:
        async with db.connect() as conn:
            with pytest.raises(ValueError, match="limit"):
                await store.feed(conn, 0, 0)

    async def test_a_rolled_back_append_leaves_no_event_and_no_gap(
        self, db: AsyncEngine, store: EventStore
    ) -> None:
        async with db.begin() as conn:
            await store.append(conn, "c-a", 0, [new_event(1)])

        async with db.connect() as conn:
            transaction = await conn.begin()
            await store.append(conn, "c-b", 0, [new_event(2), new_event(3)])
            await store.append(conn, "c-a", 1, [new_event(4)])
            await transaction.rollback()

        async with db.connect() as conn:
            assert await store.last_position(conn) == 1
            assert await store.read_stream(conn, "c-b") == []
            assert await store.stream_version(conn, "c-a") == 1
        async with db.begin() as conn:
            (next_event,) = await store.append(conn, "c-b", 0, [new_event(5)])
        assert next_event.position == 2
        async with db.connect() as conn:
            assert [e.position for e in await store.feed(conn, 0, 10)] == [1, 2]


class TestSchema:
    async def test_the_table_matches_the_migration(self, db: AsyncEngine, backend: str) -> None:
        async with db.connect() as conn:
            columns = await conn.run_sync(
                lambda sync: {c["name"]: c for c in sa.inspect(sync).get_columns("events")}
            )
            unique = await conn.run_sync(
                lambda sync: sa.inspect(sync).get_unique_constraints("events")
            )
            primary = await conn.run_sync(lambda sync: sa.inspect(sync).get_pk_constraint("events"))

        assert set(columns) == {c.name for c in events_table.columns}
        for column in events_table.columns:
            assert columns[column.name]["nullable"] == column.nullable, column.name
        assert primary["constrained_columns"] == ["position"]
        if backend == "postgresql":
            assert str(columns["data"]["type"]) == "JSONB"
            assert str(columns["metadata"]["type"]) == "JSONB"
            assert str(columns["position"]["type"]) == "BIGINT"
        assert [(u["name"], u["column_names"]) for u in unique] == [
            ("uq_events_stream_version", ["stream_id", "version"])
        ]


class TestHashChain:
    async def test_the_chain_verifies_after_a_round_trip(
        self, db: AsyncEngine, store: EventStore
    ) -> None:
        # Keys out of order (JSONB sorts them), floats JSONB rewrites, text SQLite keeps as is,
        # times with microseconds in a zone other than UTC (SQLite stores them as text).
        awkward: dict[str, JsonValue] = {
            "zeta": {"y": [3, 2, 1], "x": 'ünïcödé ✓ "quoted" \\ / \n'},
            "alpha": [0.1, 1e-7, 1e16, -2.5, 2**62, None, False, ""],
            "empty": {},
        }
        london = ZoneInfo("Europe/London")
        first = NewEvent(
            type="logged",
            data=awkward,
            occurred_at=datetime(2025, 6, 30, 23, 59, 59, 999999, tzinfo=london),
            metadata={"causation_id": None, "actor": "portal:r-1", "correlation_id": "abc"},
        )
        async with db.begin() as conn:
            appended = await store.append(conn, "c-1", 0, [first, new_event(2)])
        async with db.begin() as conn:
            appended += await store.append(
                conn, "c-1", 2, [new_event(3, data=awkward)], recorded_at=RECORDED
            )

        async with db.connect() as conn:
            read = await store.read_stream(conn, "c-1")
            fed = await store.feed(conn, 0, 10)
            streams = await store.read_streams(conn, ["c-1"])

        assert read == appended == fed == streams["c-1"]
        assert verify_stream(read) is None
        assert [stored_event_hash(e) for e in read] == [e.hash for e in appended]
        assert [e.previous_hash for e in read] == [None, read[0].hash, read[1].hash]

    async def test_a_changed_row_is_caught(self, db: AsyncEngine, store: EventStore) -> None:
        async with db.begin() as conn:
            await store.append(conn, "c-1", 0, [new_event(1), new_event(2), new_event(3)])
        async with db.begin() as conn:
            await conn.execute(
                sa.update(events_table).where(events_table.c.version == 2).values(data={"n": 20})
            )
        async with db.connect() as conn:
            assert verify_stream(await store.read_stream(conn, "c-1")) == 2


class TestDomainEvents:
    async def test_a_complaint_event_decodes_from_either_database(
        self, db: AsyncEngine, store: EventStore
    ) -> None:
        london = ZoneInfo("Europe/London")
        responded = Responded(
            occurred_at=datetime(2025, 7, 2, 16, 45, 1, 250, tzinfo=london),
            stage=1,
            outcome=Outcome.partly_upheld,
            summary="Repair booked",
            remedies=("apology", "repair"),
            escalation_rights_signposted=True,
            ombudsman_signposted=False,
        )
        extension = ExtensionAgreed(
            occurred_at=datetime(2025, 7, 3, 9, 0, tzinfo=UTC),
            stage=1,
            response_due=date(2025, 7, 31),
            reason="other",
            explanation="Awaiting contractor report",
        )
        metadata: dict[str, JsonValue] = {"actor": "crm:alice", "correlation_id": "r-9"}
        async with db.begin() as conn:
            await store.append(
                conn, "c-1", 0, [to_new_event(e, metadata) for e in (extension, responded)]
            )
        async with db.connect() as conn:
            read = await store.read_stream(conn, "c-1")
            # The chain covers the rows as stored (sealed, by the sealing store), which is what
            # `redress verify` reads: not what a store's reader gets back once it is opened.
            stored = await SqlEventStore().read_stream(conn, "c-1")

        assert [decode(e) for e in read] == [extension, responded]
        assert read[1].metadata == metadata
        assert verify_stream(stored) is None
