"""landlord projection and landlords' own policy versions

Revision ID: 0003_landlords
Revises: 0002_complaints
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_landlords"
down_revision: str | None = "0002_complaints"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "landlords",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("closures", sa.JSON, nullable=False),
        sa.Column("homes_rented", sa.Integer, nullable=False),
        sa.Column("homes_shared_ownership", sa.Integer, nullable=False),
        sa.Column("default_policy_id", sa.String(64), nullable=False),
        sa.Column("default_policy_version", sa.Integer, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("registered_at", TS, nullable=False),
        sa.Column("changed_at", TS, nullable=False),
    )
    op.create_table(
        "landlord_policies",
        sa.Column("landlord", sa.String(64), primary_key=True),
        sa.Column("policy_id", sa.String(64), primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True),
        sa.Column("document", sa.JSON, nullable=False),
        sa.Column("published_at", TS, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("landlord_policies")
    op.drop_table("landlords")
