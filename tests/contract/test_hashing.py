"""The hash chain, without a database: the canonical form, and what `verify_stream` catches."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.events.hashing import canonical_bytes, event_hash, normalise, verify_stream
from app.events.store import JsonValue, StoredEvent

T0 = datetime(2025, 3, 3, 9, 30, tzinfo=UTC)


def chain(*data: dict[str, JsonValue], stream_id: str = "c-1") -> list[StoredEvent]:
    events: list[StoredEvent] = []
    previous: str | None = None
    for version, item in enumerate(data, start=1):
        occurred_at = T0 + timedelta(minutes=version)
        fields = {
            "stream_id": stream_id,
            "version": version,
            "type": "noted",
            "schema_version": 1,
            "data": item,
            "metadata": {"actor": "test"},
            "occurred_at": occurred_at,
            "recorded_at": occurred_at + timedelta(seconds=1),
        }
        hash_ = event_hash(previous_hash=previous, **fields)  # type: ignore[arg-type]
        events.append(
            StoredEvent(position=version, hash=hash_, previous_hash=previous, **fields)  # type: ignore[arg-type]
        )
        previous = hash_
    return events


class TestCanonicalForm:
    def test_the_documented_formula(self) -> None:
        canonical = canonical_bytes(
            stream_id="c-1",
            version=2,
            type="noted",
            schema_version=1,
            data={"b": [1, "x"], "a": {"d": None, "c": True}},
            metadata={"actor": "crm:alice"},
            occurred_at=datetime(2025, 7, 1, 10, 0, tzinfo=ZoneInfo("Europe/London")),
            recorded_at=datetime(2025, 7, 1, 9, 0, 0, 5, tzinfo=UTC),
        )
        assert canonical == (
            b'{"data":{"a":{"c":true,"d":null},"b":[1,"x"]},"metadata":{"actor":"crm:alice"},'
            b'"occurred_at":"2025-07-01T09:00:00.000000Z","recorded_at":"2025-07-01T09:00:00.000005Z",'
            b'"schema_version":1,"stream_id":"c-1","type":"noted","version":2}'
        )
        previous = "ab" * 32
        assert (
            event_hash(
                previous_hash=previous,
                stream_id="c-1",
                version=2,
                type="noted",
                schema_version=1,
                data={"a": {"c": True, "d": None}, "b": (1, "x")},
                metadata={"actor": "crm:alice"},
                occurred_at=datetime(2025, 7, 1, 9, 0, tzinfo=UTC),
                recorded_at=datetime(2025, 7, 1, 9, 0, 0, 5, tzinfo=UTC),
            )
            == hashlib.sha256(previous.encode() + canonical).hexdigest()
        )

    @pytest.mark.parametrize(
        ("value", "plain"),
        [
            ({"b": 1, "a": (1.0, 2.5)}, {"a": [1, 2.5], "b": 1}),
            (1e16, 10**16),
            (-0.0, 0),
            ([True, False, None], [True, False, None]),
            (2**63, 2**63),
        ],
    )
    def test_values_are_normalised_to_what_both_databases_read_back(
        self, value: JsonValue, plain: JsonValue
    ) -> None:
        assert normalise(value) == plain
        assert type(normalise(value)) is type(plain)

    @pytest.mark.parametrize(
        "value",
        [float("inf"), float("nan"), 1e300, 2**64, {1: "x"}, "a\x00", b"bytes", {1, 2}],
    )
    def test_values_that_would_not_round_trip_are_refused(self, value: object) -> None:
        with pytest.raises(ValueError):  # noqa: PT011
            normalise(value)  # type: ignore[arg-type]


class TestVerifyStream:
    def test_an_intact_stream_verifies(self) -> None:
        assert verify_stream(chain({"n": 1}, {"n": 2}, {"n": 3})) is None
        assert verify_stream([]) is None

    def test_changed_content_is_caught_at_the_changed_event(self) -> None:
        events = chain({"n": 1}, {"n": 2}, {"n": 3})
        events[1] = replace(events[1], data={"n": 20})
        assert verify_stream(events) == 2

    @pytest.mark.parametrize(
        "change",
        [
            {"metadata": {"actor": "someone-else"}},
            {"type": "other"},
            {"schema_version": 2},
            {"occurred_at": T0},
            {"recorded_at": T0},
            {"stream_id": "c-2"},
        ],
    )
    def test_every_field_is_covered(self, change: dict[str, object]) -> None:
        events = chain({"n": 1}, {"n": 2})
        events[0] = replace(events[0], **change)  # type: ignore[arg-type]
        assert verify_stream(events) == 1

    def test_a_removed_event_is_caught_at_the_next_one(self) -> None:
        events = chain({"n": 1}, {"n": 2}, {"n": 3})
        assert verify_stream([events[0], events[2]]) == 3
        assert verify_stream(events[1:]) == 2

    def test_a_rehashed_event_breaks_the_link_of_the_next(self) -> None:
        events = chain({"n": 1}, {"n": 2}, {"n": 3})
        forged = replace(events[1], data={"n": 20})
        forged = replace(
            forged,
            hash=event_hash(
                previous_hash=forged.previous_hash,
                stream_id=forged.stream_id,
                version=forged.version,
                type=forged.type,
                schema_version=forged.schema_version,
                data=forged.data,
                metadata=forged.metadata,
                occurred_at=forged.occurred_at,
                recorded_at=forged.recorded_at,
            ),
        )
        assert verify_stream([events[0], forged, events[2]]) == 3

    def test_the_same_content_in_another_time_zone_hashes_the_same(self) -> None:
        (event,) = chain({"n": 1})
        london = replace(
            event,
            occurred_at=event.occurred_at.astimezone(ZoneInfo("Europe/London")),
            recorded_at=event.recorded_at.astimezone(ZoneInfo("America/New_York")),
        )
        assert verify_stream([london]) is None
