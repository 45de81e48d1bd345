"""complaints' data keys, for crypto-shredding; landlords' retention period

Revision ID: 0004_complainant_keys
Revises: 0003_landlords
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_complainant_keys"
down_revision: str | None = "0003_landlords"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "complainant_keys",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("complaint_id", sa.String(64), nullable=False),
        sa.Column("landlord", sa.String(64), nullable=False),
        sa.Column("resident_id", sa.String(128), nullable=True),
        sa.Column("wrapped_key", sa.Text, nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("erased_at", TS, nullable=True),
    )
    op.create_index("ix_complainant_keys_complaint", "complainant_keys", ["complaint_id"])
    op.create_index("ix_complainant_keys_resident", "complainant_keys", ["landlord", "resident_id"])

    with op.batch_alter_table("landlords") as batch:
        batch.add_column(
            sa.Column("retention_years", sa.Integer, nullable=False, server_default="6")
        )


def downgrade() -> None:
    with op.batch_alter_table("landlords") as batch:
        batch.drop_column("retention_years")
    op.drop_table("complainant_keys")
