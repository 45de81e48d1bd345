"""the event log

Revision ID: 0001_events
Revises:
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001_events"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# On SQLite an INTEGER PRIMARY KEY is the (64-bit) rowid: no separate index to maintain.
POSITION = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "events",
        # Assigned by the store (max + 1 under the append lock), never by a sequence: gapless,
        # and in commit order. The primary key index serves the global feed.
        sa.Column("position", POSITION, primary_key=True, autoincrement=False),
        sa.Column("stream_id", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("type", sa.String(64), nullable=False),
        sa.Column("schema_version", sa.Integer, nullable=False),
        sa.Column("data", JSON, nullable=False),
        sa.Column("metadata", JSON, nullable=False),
        sa.Column("occurred_at", TS, nullable=False),
        sa.Column("recorded_at", TS, nullable=False),
        sa.Column("hash", sa.CHAR(64), nullable=False),
        sa.Column("previous_hash", sa.CHAR(64), nullable=True),
        # Optimistic concurrency; its index also serves reads of a stream in version order.
        sa.UniqueConstraint("stream_id", "version", name="uq_events_stream_version"),
        sa.CheckConstraint("position >= 1", name="ck_events_position_positive"),
        sa.CheckConstraint("version >= 1", name="ck_events_version_positive"),
    )


def downgrade() -> None:
    op.drop_table("events")
