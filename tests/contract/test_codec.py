"""Complaint events to stored form and back, for every event type; no database."""

from __future__ import annotations

import dataclasses
import types
import typing
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.complaint.events import (
    EVENT_TYPES,
    Assigned,
    ComplaintEvent,
    Logged,
    PostalAddress,
)
from app.events import codec
from app.events.codec import (
    SCHEMA_VERSIONS,
    CodecError,
    UnknownEventType,
    UnsupportedSchemaVersion,
    decode,
    policy_document,
    to_new_event,
    upcast,
)
from app.events.store import JsonValue, NewEvent, StoredEvent
from tests.contract.codec_examples import EXAMPLES, T


def stored_from(new: NewEvent, *, version: int = 1) -> StoredEvent:
    """What a database gives back: data through JSON text, keys in another order, times in UTC."""
    data = orjson.loads(orjson.dumps(dict(reversed(list(new.data.items())))))
    return StoredEvent(
        position=version,
        stream_id="c-1",
        version=version,
        type=new.type,
        schema_version=new.schema_version,
        data=data,
        metadata=orjson.loads(orjson.dumps(new.metadata)),
        occurred_at=new.occurred_at.astimezone(UTC),
        recorded_at=datetime(2025, 6, 2, 10, 0, tzinfo=UTC),
        hash="0" * 64,
        previous_hash=None,
    )


def test_every_event_type_has_an_example() -> None:
    assert {type(e) for e in EXAMPLES} == set(EVENT_TYPES)


@pytest.mark.parametrize("event", EXAMPLES, ids=lambda e: EVENT_TYPES[type(e)])
def test_every_event_type_round_trips(event: ComplaintEvent) -> None:
    new = to_new_event(event, {"actor": "crm:alice", "correlation_id": "r-1"})

    assert new.type == EVENT_TYPES[type(event)]
    assert new.schema_version == SCHEMA_VERSIONS[new.type]
    assert new.metadata == {"actor": "crm:alice", "correlation_id": "r-1"}
    assert new.occurred_at == event.occurred_at
    assert "occurred_at" not in new.data
    decoded = decode(stored_from(new))
    assert decoded == event
    assert type(decoded) is type(event)


def test_the_stored_data_is_plain_json() -> None:
    logged = EXAMPLES[0]
    new = to_new_event(logged)
    assert new.metadata == {}
    assert new.data["channel"] == "portal"
    assert new.data["received_at"] == "2025-06-01T20:00:00Z"
    assert new.data["complainant"] == {
        "name": "A. Resident",
        "email": "a@example.org",
        "phone": None,
        "address": None,
        "resident_id": "R-1",
    }
    assert orjson.loads(orjson.dumps(new.data)) == new.data


def test_times_come_back_timezone_aware() -> None:
    decoded = decode(stored_from(to_new_event(EXAMPLES[0])))
    assert isinstance(decoded, Logged)
    assert decoded.occurred_at.utcoffset() == timedelta(0)
    assert decoded.received_at.utcoffset() == timedelta(0)
    assert decoded.occurred_at == T


# Generated events: every field of every type, with arbitrary values of its declared type.
# Fixed offsets only: a local time in a DST gap or fold never compares equal across zones (PEP 495).
AWARE = st.datetimes(
    min_value=datetime(1990, 1, 1),
    max_value=datetime(2100, 1, 1),
    timezones=st.sampled_from(
        [UTC, timezone(timedelta(hours=1)), timezone(timedelta(hours=-5, minutes=-30))]
    ),
)


def strategy(annotation: Any) -> st.SearchStrategy[Any]:
    if annotation is datetime:
        return AWARE
    if annotation is int:
        return st.integers(min_value=-(2**31), max_value=2**31)
    if dataclasses.is_dataclass(annotation):
        return event_strategy(annotation)
    if isinstance(annotation, types.UnionType):
        return st.one_of([strategy(arg) for arg in typing.get_args(annotation)])
    if typing.get_origin(annotation) is tuple:
        (item, _) = typing.get_args(annotation)
        return st.lists(strategy(item), max_size=3).map(tuple)
    return st.from_type(annotation)


def event_strategy(cls: Any) -> st.SearchStrategy[Any]:
    hints = typing.get_type_hints(cls)
    fields = {f.name: strategy(hints[f.name]) for f in dataclasses.fields(cls)}
    return st.builds(cls, **fields)


@pytest.mark.parametrize("cls", list(EVENT_TYPES), ids=lambda cls: EVENT_TYPES[cls])
def test_any_event_of_every_type_round_trips(cls: type[ComplaintEvent]) -> None:
    @settings(max_examples=25, deadline=None)
    @given(event_strategy(cls))
    def round_trips(event: ComplaintEvent) -> None:
        assert decode(stored_from(to_new_event(event))) == event

    round_trips()


class TestRefusals:
    def test_an_unknown_stored_type(self) -> None:
        stored = stored_from(NewEvent(type="teleported", data={}, occurred_at=T))
        with pytest.raises(UnknownEventType, match="teleported"):
            decode(stored)

    def test_a_type_that_is_not_a_complaint_event(self) -> None:
        with pytest.raises(UnknownEventType, match="date"):
            to_new_event(date(2025, 1, 1))  # type: ignore[arg-type]

    def test_data_that_does_not_fit_the_type(self) -> None:
        stored = stored_from(NewEvent(type="escalated", data={"stage": "two"}, occurred_at=T))
        with pytest.raises(CodecError, match="escalated"):
            decode(stored)

    def test_a_schema_version_newer_than_this_code(self) -> None:
        stored = stored_from(to_new_event(EXAMPLES[7]))
        with pytest.raises(UnsupportedSchemaVersion, match="schema version 2"):
            decode(dataclasses.replace(stored, schema_version=2))


class TestUpcasting:
    def test_old_versions_are_upcast_step_by_step_on_read(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # Pretend `assigned` is at schema 3: v1 called the handler "owner", v2 had no role.
        def v1_to_v2(data: dict[str, JsonValue]) -> dict[str, JsonValue]:
            data = dict(data)
            data["handler"] = data.pop("owner")
            return data

        def v2_to_v3(data: dict[str, JsonValue]) -> dict[str, JsonValue]:
            return {**data, "role": None}

        monkeypatch.setitem(codec.SCHEMA_VERSIONS, "assigned", 3)
        monkeypatch.setitem(codec.UPCASTERS, ("assigned", 1), v1_to_v2)
        monkeypatch.setitem(codec.UPCASTERS, ("assigned", 2), v2_to_v3)
        v1 = NewEvent(type="assigned", data={"stage": 1, "owner": "h-7"}, occurred_at=T)
        v2 = NewEvent(
            type="assigned", data={"stage": 1, "handler": "h-7"}, occurred_at=T, schema_version=2
        )
        expected = Assigned(occurred_at=T, stage=1, handler="h-7", role=None)

        assert decode(stored_from(v1)) == expected
        assert decode(stored_from(v2)) == expected
        assert to_new_event(expected).schema_version == 3

    def test_a_missing_upcaster_is_reported(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setitem(codec.SCHEMA_VERSIONS, "contacted", 2)
        old = NewEvent(type="contacted", data={"stage": 1, "method": "phone"}, occurred_at=T)
        with pytest.raises(UnsupportedSchemaVersion, match="schema version 1"):
            decode(stored_from(old))

    def test_every_old_version_has_a_path_to_the_current_one(self) -> None:
        assert codec.SCHEMA_VERSIONS["logged"] == 5
        assert codec.SCHEMA_VERSIONS["assigned"] == 2
        assert decode(stored_from(NewEvent(type="assigned", occurred_at=T, schema_version=1,
                      data={"stage": 1, "handler": "h", "role": None}))).team is None  # type: ignore[union-attr]  # fmt: skip
        for name, current in codec.SCHEMA_VERSIONS.items():
            for version in range(1, current):
                assert (name, version) in codec.UPCASTERS, (name, version)

    def test_a_v1_logged_address_decodes_as_a_postal_address(self) -> None:
        new = to_new_event(EXAMPLES[0])
        person = dict(new.data["complainant"])  # type: ignore[arg-type]
        v1 = dataclasses.replace(
            new,
            schema_version=1,
            data={**new.data, "complainant": {**person, "address": "2 Sample St, ZZ1 1ZZ"}},
        )
        decoded = decode(stored_from(v1))
        assert isinstance(decoded, Logged)
        assert decoded.complainant.address == PostalAddress(
            lines=("2 Sample St",), postcode="ZZ1 1ZZ"
        )

    def test_a_v2_logged_reads_as_tenure_unknown(self) -> None:
        # Before v3 nothing said whether the home was rented or shared ownership: null, no guess.
        example = EXAMPLES[0]
        assert isinstance(example, Logged)
        new = to_new_event(example)
        assert new.schema_version == 5
        assert new.data["tenure"] == "shared_ownership"
        later = {"tenure", "incident_at", "late_acceptance_reason", "late_acceptance_explanation"}
        v2 = dataclasses.replace(
            new, schema_version=2, data={k: v for k, v in new.data.items() if k not in later}
        )
        decoded = decode(stored_from(v2))
        assert isinstance(decoded, Logged)
        assert decoded.tenure is None
        assert decoded == dataclasses.replace(example, tenure=None)


def test_a_v2_policy_reads_as_not_offsetting_compensation_against_arrears() -> None:
    """`policy_published` v3 added `arrears_offset_allowed`: nothing could be offset before."""
    assert SCHEMA_VERSIONS["policy_published"] >= 3
    v2: dict[str, JsonValue] = {"policy": {"id": "own", "extension_reasons": [], "stages": []}}
    policy = upcast("policy_published", 2, v2)["policy"]
    assert isinstance(policy, dict)
    assert policy["arrears_offset_allowed"] is False
    # A projection row written before reads the same way; one written since keeps its value.
    assert policy_document({"id": "own", "extension_reasons": [], "stages": []}) == policy
    assert policy_document({**policy, "arrears_offset_allowed": True})["arrears_offset_allowed"]


def test_a_v3_policy_reads_with_the_warning_points_its_clocks_turned_due_soon_at() -> None:
    """`policy_published` v4 added `alert_days_before`: a v3 policy warns at its `warning_days`
    and on the due day."""
    assert SCHEMA_VERSIONS["policy_published"] == 4
    v3: dict[str, JsonValue] = {"policy": {"id": "own", "warning_days": 3, "stages": []}}
    policy = upcast("policy_published", 3, v3)["policy"]
    assert isinstance(policy, dict)
    assert policy["alert_days_before"] == [3, 0]
    assert policy_document({"id": "own", "warning_days": 0})["alert_days_before"] == [0]
    chosen = {"id": "own", "warning_days": 3, "alert_days_before": [5]}
    assert policy_document(chosen)["alert_days_before"] == [5]
