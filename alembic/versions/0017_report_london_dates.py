"""reporting rows keep the London dates their due days are judged by

Revision ID: 0017_report_london_dates
Revises: 0016_audit_checkpoints

A response is on time when the London date it was sent on is not after its due day. The reports
now count in the database (grouped, over the reporting projection), where SQLite has no time
zones: each moment judged against a due day is kept beside it as its London date (a stage's
acknowledgement, response and end; an item's answer). Existing rows are filled in here, from the
moments they hold.
"""

from collections.abc import Sequence
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision: str = "0017_report_london_dates"
down_revision: str | None = "0016_audit_checkpoints"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LONDON = ZoneInfo("Europe/London")
DATES = {
    "report_stages": (
        ("complaint_id", "seq"),
        {"acknowledged_date": "acknowledged_at", "responded_date": "responded_at",
         "ended_date": "ended_at"},
    ),
    "report_items": (("complaint_id", "version"), {"answered_date": "answered_at"}),
}  # fmt: skip


def upgrade() -> None:
    for table, (_, columns) in DATES.items():
        with op.batch_alter_table(table) as batch:
            for name in columns:
                batch.add_column(sa.Column(name, sa.Date, nullable=True))
    bind = op.get_bind()
    for table, (keys, columns) in DATES.items():
        if bind.dialect.name == "postgresql":
            moments = ", ".join(
                f"{name} = ({moment} AT TIME ZONE 'Europe/London')::date"
                for name, moment in columns.items()
            )
            op.execute(f"UPDATE {table} SET {moments}")
            continue
        # SQLite keeps UTC moments as text without an offset.
        rows = bind.execute(sa.text(f"SELECT {', '.join([*keys, *columns.values()])} FROM {table}"))
        updates = [
            {
                **{f"k{i}": row[i] for i in range(len(keys))},
                **{name: _london(row[len(keys) + j]) for j, name in enumerate(columns)},
            }
            for row in rows
        ]
        if updates:
            sets = ", ".join(f"{name} = :{name}" for name in columns)
            where = " AND ".join(f"{key} = :k{i}" for i, key in enumerate(keys))
            bind.execute(sa.text(f"UPDATE {table} SET {sets} WHERE {where}"), updates)


def _london(moment: object) -> date | None:
    if moment is None:
        return None
    parsed = moment if isinstance(moment, datetime) else datetime.fromisoformat(str(moment))
    return parsed.replace(tzinfo=UTC).astimezone(LONDON).date()


def downgrade() -> None:
    for table, (_, columns) in DATES.items():
        with op.batch_alter_table(table) as batch:
            for name in columns:
                batch.drop_column(name)
