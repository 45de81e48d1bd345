"""the reporting projection holds no free text: report_items loses `text` and `detail`, and lessons
lose the root cause cut into `code`

Revision ID: 0007_report_items_no_text
Revises: 0005_merge_reports_keys

Extension and refusal reasons, lessons, improvements and root causes are personal in the event
catalogue (sealed at rest with the complaint's data key, erased with it), yet 0004 copied them
into these rows in the clear. A report now reads them from the events by the item's `version`,
which the table is already keyed by, so nothing is added. The words are removed, not moved: the
events still hold them, sealed.

Downgrading brings the columns back empty; `redress rebuild` at that revision would fill them, as
it did, with whatever the events decode to without keys.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_report_items_no_text"
down_revision: str | None = "0006_idempotency_sealed"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    items = sa.table(
        "report_items",
        sa.column("kind", sa.String),
        sa.column("code", sa.String),
        sa.column("text", sa.Text),
        sa.column("detail", sa.Text),
    )
    op.execute(items.update().where(items.c.kind == "learning").values(code=None))
    # Cleared before they are dropped: PostgreSQL drops a column from the catalogue only, and its
    # values would stay in each live row on disk until that row is next written.
    op.execute(
        items.update()
        .where(sa.or_(items.c.text.is_not(None), items.c.detail.is_not(None)))
        .values(text=None, detail=None)
    )
    # Batch mode: SQLite rebuilds the table (it cannot always drop a column in place).
    with op.batch_alter_table("report_items") as batch:
        batch.drop_column("text")
        batch.drop_column("detail")


def downgrade() -> None:
    with op.batch_alter_table("report_items") as batch:
        batch.add_column(sa.Column("text", sa.Text, nullable=True))
        batch.add_column(sa.Column("detail", sa.Text, nullable=True))
