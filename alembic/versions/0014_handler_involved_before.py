"""report stages say whether their handler was involved at an earlier stage

Revision ID: 0014_handler_involved_before
Revises: 0013_late_acceptance

The self-assessment counts stage records handled by someone assigned at an earlier stage of the
complaint (`handler_independence`: refused where a policy requires someone new, reported where it
only advises it). Existing rows read false until `redress rebuild --apply`.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_handler_involved_before"
down_revision: str | None = "0013_late_acceptance"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("report_stages") as batch:
        batch.add_column(
            sa.Column(
                "handler_involved_before", sa.Boolean, nullable=False, server_default=sa.false()
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("report_stages") as batch:
        batch.drop_column("handler_involved_before")
