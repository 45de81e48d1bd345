"""positions come from a counter row, and the complaint row knows its stream's head hash

Revision ID: 0009_positions_counter
Revises: 0008_complaint_state

An append takes its positions by incrementing the one row of `event_positions` in the statement
that inserts the events (ADR 0001): the row lock orders the feed and is held only for that
statement and its commit. `complaints.head_hash` is the hash of the stream's last event, so an
append continues the chain without reading the events table. Rows written before it have none and
are appended to by reading the stream's head, as before.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_positions_counter"
down_revision: str | None = "0008_complaint_state"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "event_positions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("last_position", sa.BigInteger, nullable=False),
        sa.CheckConstraint("id = 1", name="ck_event_positions_one_row"),
    )
    op.execute(
        "INSERT INTO event_positions (id, last_position) "
        "SELECT 1, COALESCE(MAX(position), 0) FROM events"
    )
    with op.batch_alter_table("complaints") as batch:
        batch.add_column(sa.Column("head_hash", sa.CHAR(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("complaints") as batch:
        batch.drop_column("head_hash")
    op.drop_table("event_positions")
