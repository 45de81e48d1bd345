"""The event log and, beside it, the keys that seal complainants' data in it."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Dialect


class UtcDateTime(sa.types.TypeDecorator[datetime]):
    """A timezone-aware timestamp that always comes back as UTC, on every backend.

    PostgreSQL stores `timestamptz`; SQLite stores text without an offset, so we store UTC there
    and attach UTC on the way out. Naive datetimes are refused: their meaning depends on the clock
    of whoever made them.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.utcoffset() is None:
            raise ValueError(f"naive datetime {value.isoformat()}: a timezone is required")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
POSITION = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

metadata = sa.MetaData()

events = sa.Table(
    "events",
    metadata,
    sa.Column("position", POSITION, primary_key=True, autoincrement=False),
    sa.Column("stream_id", sa.String(64), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("type", sa.String(64), nullable=False),
    sa.Column("schema_version", sa.Integer, nullable=False),
    sa.Column("data", JSON, nullable=False),
    sa.Column("metadata", JSON, nullable=False),
    sa.Column("occurred_at", UtcDateTime, nullable=False),
    sa.Column("recorded_at", UtcDateTime, nullable=False),
    sa.Column("hash", sa.CHAR(64), nullable=False),
    sa.Column("previous_hash", sa.CHAR(64), nullable=True),
    sa.UniqueConstraint("stream_id", "version", name="uq_events_stream_version"),
    sa.CheckConstraint("position >= 1", name="ck_events_position_positive"),
    sa.CheckConstraint("version >= 1", name="ck_events_version_positive"),
)

# The last position given to an event: one row, incremented in the statement that inserts the
# events, whose row lock orders the feed (ADR 0001).
event_positions = sa.Table(
    "event_positions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("last_position", sa.BigInteger, nullable=False),
    sa.CheckConstraint("id = 1", name="ck_event_positions_one_row"),
)

# Each complaint's data keys (crypto-shredding), wrapped with the master key. Erasure deletes the
# wrapped key and keeps the row, so when and why a complaint's data became unreadable is known.
# Not rebuildable from events, by design: that is what makes erasure final.
complainant_keys = sa.Table(
    "complainant_keys",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("complaint_id", sa.String(64), nullable=False),
    sa.Column("landlord", sa.String(64), nullable=False),
    sa.Column("resident_id", sa.String(128), nullable=True),
    sa.Column("wrapped_key", sa.Text, nullable=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("erased_at", UtcDateTime, nullable=True),
    sa.Index("ix_complainant_keys_complaint", "complaint_id"),
    sa.Index("ix_complainant_keys_resident", "landlord", "resident_id"),
)

STREAM_VERSION_CONSTRAINT = "uq_events_stream_version"
MAX_STREAM_ID_LENGTH = 64
MAX_TYPE_LENGTH = 64

# A complaint's blind index digests (app/events/blind_index.py), one per field it can be found by:
# never the values. Written with the complaint's `logged` event, deleted with its keys at erasure;
# like the keys, not rebuilt from events (a rebuild after erasure could not, by design).
complaint_search = sa.Table(
    "complaint_search",
    metadata,
    sa.Column("complaint_id", sa.String(64), primary_key=True),
    sa.Column("field", sa.String(16), primary_key=True),
    sa.Column("landlord", sa.String(64), nullable=False),
    sa.Column("digest", sa.CHAR(32), nullable=False),
    sa.Index("ix_complaint_search_digest", "landlord", "field", "digest"),
)
