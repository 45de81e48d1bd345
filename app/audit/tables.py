"""The audit's own table: the log's signed checkpoints (docs/adr/0010-verify-checkpoints.md)."""

from __future__ import annotations

import sqlalchemy as sa

from app.events.tables import POSITION, UtcDateTime

metadata = sa.MetaData()

# One row per checkpoint, each continuing the one before it (`previous_position`, 0 for the log's
# start): the position chain's digest over positions previous_position + 1 to `position`, the
# number of streams by then, and the first 8 bytes of each event's hash in that range
# (`fingerprints`, which name the rows a later change moved). `signature` is an HMAC of the rest
# under a key derived from the master key, so a row edited or forged in the database is refused.
# Unique `previous_position`: two verifiers that raced from the same checkpoint cannot both write.
audit_checkpoints = sa.Table(
    "audit_checkpoints",
    metadata,
    sa.Column("position", POSITION, primary_key=True, autoincrement=False),
    sa.Column("previous_position", sa.BigInteger, nullable=False),
    sa.Column("chain", sa.CHAR(64), nullable=False),
    sa.Column("streams", sa.BigInteger, nullable=False),
    sa.Column("fingerprints", sa.LargeBinary, nullable=False),
    sa.Column("fingerprints_digest", sa.CHAR(64), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("signature", sa.CHAR(64), nullable=False),
    sa.UniqueConstraint("previous_position", name="uq_audit_checkpoints_previous"),
    sa.CheckConstraint("position > previous_position", name="ck_audit_checkpoints_forward"),
)
