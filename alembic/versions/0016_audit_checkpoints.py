"""signed checkpoints of the event log, which `redress verify` continues from

Revision ID: 0016_audit_checkpoints
Revises: 0015_running_clocks_index

Each row holds the position chain's digest up to its position (every event's position and hash in
position order, which the stream hash chains leave out), the number of streams, an 8-byte
fingerprint of each event it covers and an HMAC signature under a key derived from the master key.
`verify` checks only the events after the last valid one; `verify --full` recomputes every
checkpoint (docs/adr/0010-verify-checkpoints.md). A new database starts with none.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016_audit_checkpoints"
down_revision: str | None = "0015_running_clocks_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

POSITION = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "audit_checkpoints",
        sa.Column("position", POSITION, primary_key=True, autoincrement=False),
        sa.Column("previous_position", sa.BigInteger, nullable=False),
        sa.Column("chain", sa.CHAR(64), nullable=False),
        sa.Column("streams", sa.BigInteger, nullable=False),
        sa.Column("fingerprints", sa.LargeBinary, nullable=False),
        sa.Column("fingerprints_digest", sa.CHAR(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("signature", sa.CHAR(64), nullable=False),
        sa.UniqueConstraint("previous_position", name="uq_audit_checkpoints_previous"),
        sa.CheckConstraint("position > previous_position", name="ck_audit_checkpoints_forward"),
    )


def downgrade() -> None:
    op.drop_table("audit_checkpoints")
