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
    for name, (keys, columns) in DATES.items():
        table = sa.table(
            name,
            *(sa.column(k) for k in keys),
            *(sa.column(c, sa.Date) for c in columns),
            *(sa.column(m, sa.DateTime(timezone=True)) for m in columns.values()),
        )
        if bind.dialect.name == "postgresql":
            op.execute(
                sa.update(table).values(
                    {
                        day: sa.cast(sa.func.timezone("Europe/London", table.c[moment]), sa.Date)
                        for day, moment in columns.items()
                    }
                )
            )
            continue
        # SQLite keeps UTC moments as text without an offset.
        query = sa.select(*(table.c[k] for k in keys), *(table.c[m] for m in columns.values()))
        updates = [
            {
                **{f"k_{key}": row[i] for i, key in enumerate(keys)},
                **{day: _london(row[len(keys) + j]) for j, day in enumerate(columns)},
            }
            for row in bind.execute(query)
        ]
        if updates:
            statement = (
                sa.update(table)
                .where(*(table.c[k] == sa.bindparam(f"k_{k}") for k in keys))
                .values({day: sa.bindparam(day) for day in columns})
            )
            bind.execute(statement, updates)


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
