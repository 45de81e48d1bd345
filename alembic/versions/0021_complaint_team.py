"""the complaint row keeps its handler's team, for the workload view and the `team` filter

Revision ID: 0021_complaint_team
Revises: 0020_complaint_search

`assigned` v2 records the handler's team; no team was recorded before, so every existing row
starts with none (a rebuild gives the same).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021_complaint_team"
down_revision: str | None = "0020_complaint_search"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("complaints", sa.Column("team", sa.String(64), nullable=True))
    op.create_index(
        "ix_complaints_landlord_team_received",
        "complaints",
        ["landlord", "team", "received_at", "id"],
    )


def downgrade() -> None:
    op.drop_index("ix_complaints_landlord_team_received", "complaints")
    with op.batch_alter_table("complaints") as batch:
        batch.drop_column("team")
