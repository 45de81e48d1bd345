"""every change to API keys, landlords and landlords' policies says so, for the caches (ADR 0008)

Revision ID: 0010_cache_invalidation
Revises: 0009_positions_counter

Triggers, not the application, announce the changes, so that every writer is covered: the services,
`redress rebuild`, a test's clean-up and an operator's hand-written SQL alike.

- PostgreSQL: `pg_notify('redress_cache', 'key:<id>' | 'landlord:<id>' | '<kind>:*')` from the
  changing transaction, delivered to every service process at commit and never for a rollback.
- SQLite: the one row of `cache_version` gets a new random value, which the services compare in
  every transaction that uses their caches. A random value, not a counter: when the row is deleted
  and written again (a test emptying every table), a counter would start over and could come back
  to a value a cache has already seen.

SQLite drops a table's triggers with the table: a later migration that rebuilds one of these tables
in batch mode must create its triggers again (tests/contract/test_cache_invalidation.py checks
that they are all there at the head).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_cache_invalidation"
down_revision: str | None = "0009_positions_counter"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, what its changes invalidate, the column naming which one)
WATCHED = (
    ("api_keys", "key", "id"),
    ("landlords", "landlord", "id"),
    ("landlord_policies", "landlord", "landlord"),
)
OPERATIONS = ("insert", "update", "delete")

NOTIFY_FUNCTION = """
CREATE FUNCTION redress_cache_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        PERFORM pg_notify('redress_cache', TG_ARGV[0] || ':*');
        RETURN NULL;
    END IF;
    -- An update that changes the id invalidates both; identical payloads are sent once.
    IF TG_OP <> 'INSERT' THEN
        PERFORM pg_notify('redress_cache', TG_ARGV[0] || ':' || (to_jsonb(OLD) ->> TG_ARGV[1]));
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM pg_notify('redress_cache', TG_ARGV[0] || ':' || (to_jsonb(NEW) ->> TG_ARGV[1]));
    END IF;
    RETURN NULL;
END
$$
"""


def upgrade() -> None:
    op.create_table(
        "cache_version",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("version", sa.BigInteger, nullable=False),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(NOTIFY_FUNCTION)
        for table, kind, column in WATCHED:
            op.execute(
                f"CREATE TRIGGER {table}_cache AFTER INSERT OR UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION redress_cache_changed('{kind}', '{column}')"
            )
            op.execute(
                f"CREATE TRIGGER {table}_cache_truncate AFTER TRUNCATE ON {table} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION redress_cache_changed('{kind}', '')"
            )
        return
    for table, _kind, _column in WATCHED:
        for operation in OPERATIONS:
            op.execute(
                f"CREATE TRIGGER {table}_cache_{operation} AFTER {operation.upper()} ON {table} "  # noqa: S608 - names from WATCHED
                "BEGIN INSERT OR REPLACE INTO cache_version (id, version) VALUES (1, random()); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table, _kind, _column in WATCHED:
            op.execute(f"DROP TRIGGER {table}_cache_truncate ON {table}")
            op.execute(f"DROP TRIGGER {table}_cache ON {table}")
        op.execute("DROP FUNCTION redress_cache_changed()")
    else:
        for table, _kind, _column in WATCHED:
            for operation in OPERATIONS:
                op.execute(f"DROP TRIGGER {table}_cache_{operation}")
    op.drop_table("cache_version")
