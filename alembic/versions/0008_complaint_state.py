"""the complaint projection holds the folded state, sealed with the complaint's data key

Revision ID: 0008_complaint_state
Revises: 0007_report_items_no_text

Reads of the present open this document instead of replaying the stream (ADR 0007). Existing rows
get no document: they are read by replaying until their next write, or `redress rebuild --apply`.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_complaint_state"
down_revision: str | None = "0007_report_items_no_text"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("state_key_id", "state_nonce", "state_ciphertext", "state_version")


def upgrade() -> None:
    with op.batch_alter_table("complaints") as batch:
        batch.add_column(sa.Column("state_key_id", sa.String(64), nullable=True))
        batch.add_column(sa.Column("state_nonce", sa.LargeBinary, nullable=True))
        batch.add_column(sa.Column("state_ciphertext", sa.LargeBinary, nullable=True))
        batch.add_column(sa.Column("state_version", sa.Integer, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("complaints") as batch:
        for name in reversed(COLUMNS):
            batch.drop_column(name)
