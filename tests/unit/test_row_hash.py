"""The whole-log pass's hash (`row_hash`) gives the bytes the store hashed (`event_hash`) for every
value in the form the store records, so `verify` can use the cheap one and keep the other for
suspects only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from app.events.hashing import event_hash, format_timestamp, normalise_object, row_hash
from app.events.store import JsonValue
from tests.depth import examples

TEXT = st.text(st.characters(blacklist_characters="\x00", blacklist_categories=["Cs"]), max_size=12)
SCALARS = (
    st.none()
    | st.booleans()
    | TEXT
    | st.integers(-(2**63), 2**64 - 1)
    # Integral floats among them: the store keeps them as integers, and so must the fast path.
    # (One past the 64-bit range is refused by the store, so it is never in a row.)
    | st.floats(-1e18, 1e18, allow_nan=False)
)
VALUES: st.SearchStrategy[JsonValue] = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=12,
)
OBJECTS = st.dictionaries(TEXT, VALUES, max_size=5)
ZONES = st.sampled_from([UTC, timezone(timedelta(hours=1)), timezone(timedelta(hours=-9.5))])
TIMES = st.builds(
    lambda moment, zone: moment.replace(tzinfo=UTC).astimezone(zone),
    st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)),
    ZONES,
)
HASHES = st.none() | st.text("0123456789abcdef", min_size=64, max_size=64)


@settings(max_examples=examples(100, 3000))
@given(
    previous=HASHES,
    stream_id=TEXT,
    version=st.integers(1, 2**31 - 1),
    type_=TEXT,
    schema_version=st.integers(1, 9),
    data=OBJECTS,
    metadata=OBJECTS,
    occurred_at=TIMES,
    recorded_at=TIMES,
)
def test_the_fast_hash_of_a_stored_row_is_the_stored_hash(
    previous: str | None,
    stream_id: str,
    version: int,
    type_: str,
    schema_version: int,
    data: dict[str, JsonValue],
    metadata: dict[str, JsonValue],
    occurred_at: datetime,
    recorded_at: datetime,
) -> None:
    stored = event_hash(
        previous_hash=previous,
        stream_id=stream_id,
        version=version,
        type=type_,
        schema_version=schema_version,
        data=data,
        metadata=metadata,
        occurred_at=occurred_at,
        recorded_at=recorded_at,
    )
    # What a row holds: the values as the store normalised them, times as the pass reads them.
    fast = row_hash(
        previous,
        stream_id,
        version,
        type_,
        schema_version,
        normalise_object(data),
        normalise_object(metadata),
        format_timestamp(occurred_at),
        format_timestamp(recorded_at),
    )
    assert fast == stored


def test_a_value_not_in_normal_form_may_hash_differently() -> None:
    # Why a mismatch is only a suspect: 1.0 is stored as 1, and hashed as 1 by the store.
    moment = "2025-01-01T00:00:00.000000Z"
    as_stored = row_hash(None, "s", 1, "t", 1, {"n": 1}, {}, moment, moment)
    as_float = row_hash(None, "s", 1, "t", 1, {"n": 1.0}, {}, moment, moment)
    assert as_stored != as_float
