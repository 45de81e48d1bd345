"""blind index digests to find complaints by a person or a property

Revision ID: 0020_complaint_search
Revises: 0019_alert_due_on

`complaint_search` holds, per complaint and field (resident id, email, phone, postcode, UPRN),
an HMAC of the normalised value under a key derived from the master key: never the value
(app/events/blind_index.py). A complaint logged before this migration has none until
`redress search reindex` fills them from its sealed `logged` event.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020_complaint_search"
down_revision: str | None = "0019_alert_due_on"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "complaint_search",
        sa.Column("complaint_id", sa.String(64), primary_key=True),
        sa.Column("field", sa.String(16), primary_key=True),
        sa.Column("landlord", sa.String(64), nullable=False),
        sa.Column("digest", sa.CHAR(32), nullable=False),
    )
    op.create_index(
        "ix_complaint_search_digest", "complaint_search", ["landlord", "field", "digest"]
    )


def downgrade() -> None:
    op.drop_table("complaint_search")
