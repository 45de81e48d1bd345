"""join the two revisions made from 0003_landlords: reporting projection and complainant keys

Revision ID: 0005_merge_reports_keys
Revises: 0004_reports, 0004_complainant_keys

Both branches were written in parallel; a database may have either applied first, so neither is
rechained onto the other: this revision only joins them into one head.
"""

from collections.abc import Sequence

revision: str = "0005_merge_reports_keys"
down_revision: str | Sequence[str] | None = ("0004_reports", "0004_complainant_keys")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
