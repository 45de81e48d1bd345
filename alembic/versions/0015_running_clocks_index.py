"""an index of the complaints whose clocks run, in the list's order

Revision ID: 0015_running_clocks_index
Revises: 0014_handler_involved_before

`?sla=breached` and `?sla=due_soon` compare `sla_due` with today, which no index can hold in the
list's order (newest received first). They walked every complaint of the landlord newest first,
filtering: cheap while breaches are recent, 150 ms with 150,000 complaints when they are an old
backlog (bench/lists.py). This partial index holds only the complaints with a due date at all
(`sla_due IS NOT NULL`: most complaints, once closed, have none), so those lists walk only them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_running_clocks_index"
down_revision: str | None = "0014_handler_involved_before"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHERE = sa.text("sla_due IS NOT NULL")


def upgrade() -> None:
    op.create_index(
        "ix_complaints_landlord_clocks_received",
        "complaints",
        ["landlord", "received_at", "id"],
        postgresql_where=WHERE,
        sqlite_where=WHERE,
    )


def downgrade() -> None:
    op.drop_index("ix_complaints_landlord_clocks_received", table_name="complaints")
