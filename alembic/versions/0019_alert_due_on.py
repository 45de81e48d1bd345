"""the day each complaint's next deadline alert falls due

Revision ID: 0019_alert_due_on
Revises: 0018_webhooks

The alert scheduler (app/services/alerts.py, docs/deadline-alerts.md) visits the complaints whose
`alert_due_on` has come. Working it out needs the complaint's folded state, its policy and its
landlord's calendar, which SQL does not have: every existing row with a clock running
(`sla_due` set) is given a day long past instead, so the first pass visits it once, raises what is
owed and writes the real day. Rows with no clock running have no alert to raise.
"""

from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
from alembic import op

revision: str = "0019_alert_due_on"
down_revision: str | None = "0018_webhooks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHERE = sa.text("alert_due_on IS NOT NULL")
LONG_AGO = date(2000, 1, 1)


def upgrade() -> None:
    with op.batch_alter_table("complaints") as batch:
        batch.add_column(sa.Column("alert_due_on", sa.Date, nullable=True))
    complaints = sa.table(
        "complaints", sa.column("sla_due", sa.Date), sa.column("alert_due_on", sa.Date)
    )
    op.execute(
        sa.update(complaints)
        .where(complaints.c.sla_due.is_not(None))
        .values(alert_due_on=sa.bindparam("long_ago", LONG_AGO, type_=sa.Date))
    )
    op.create_index(
        "ix_complaints_alert_due_on",
        "complaints",
        ["alert_due_on"],
        postgresql_where=WHERE,
        sqlite_where=WHERE,
    )


def downgrade() -> None:
    op.drop_index("ix_complaints_alert_due_on", table_name="complaints")
    with op.batch_alter_table("complaints") as batch:
        batch.drop_column("alert_due_on")
