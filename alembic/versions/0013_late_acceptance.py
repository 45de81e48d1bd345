"""report rows say why a complaint about a matter older than the policy's time limit was taken on

Revision ID: 0013_late_acceptance
Revises: 0012_reason_codes

`logged` v4 records `late_acceptance_reason` (a code: app/domain/complaint/events/vocabulary.py);
the self-assessment counts the complaints received in a period with one, by reason. Every
complaint logged before v4 has none, so the new column starts null and nothing needs rebuilding.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_late_acceptance"
down_revision: str | None = "0012_reason_codes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("report_complaints", sa.Column("late_acceptance", sa.String(32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("report_complaints") as batch:
        batch.drop_column("late_acceptance")
