"""evidence files attached to complaints, sealed with each complaint's data key

Revision ID: 0022_attachments
Revises: 0021_complaint_team

The bytes of each file an `attachment_added` event names (app/services/attachments.py,
docs/evidence.md). The event holds the file's SHA-256, so the hash chain covers the bytes kept
here; they are AES-256-GCM ciphertext under the complaint's data key, which erasure destroys.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022_attachments"
down_revision: str | None = "0021_complaint_team"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "attachments",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("complaint_id", sa.String(64), nullable=False),
        sa.Column("key_id", sa.String(36), nullable=False),
        sa.Column("nonce", sa.LargeBinary, nullable=True),
        sa.Column("ciphertext", sa.LargeBinary, nullable=True),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("media_type", sa.String(128), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("erased_at", TIME, nullable=True),
    )
    op.create_index("ix_attachments_complaint", "attachments", ["complaint_id"])


def downgrade() -> None:
    op.drop_index("ix_attachments_complaint", table_name="attachments")
    op.drop_table("attachments")
