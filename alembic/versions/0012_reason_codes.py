"""extension reasons and escalation refusal grounds are codes now: documents that hold the old words

Revision ID: 0012_reason_codes
Revises: 0011_list_indexes

`extension_agreed` and `escalation_refused` v2 record `reason` as a code from the policy and the
words as `explanation` (app/events/upcasters.py). A complaint's sealed state document written
before holds the words where the state now holds codes: it would still validate, with another
meaning (ADR 0007), so the documents of complaints with such events are dropped. Those complaints
are read by replaying (upcast) until their next write or `redress rebuild --apply`, which also
fills in the report rows' codes.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0012_reason_codes"
down_revision: str | None = "0011_list_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        "UPDATE complaints SET state_key_id = NULL, state_nonce = NULL, "
        "state_ciphertext = NULL, state_version = NULL "
        "WHERE id IN (SELECT DISTINCT stream_id FROM events "
        "WHERE type IN ('extension_agreed', 'escalation_refused'))"
    )


def downgrade() -> None:
    # Nothing to restore: the documents are derived data, rebuilt by `redress rebuild --apply`.
    pass
