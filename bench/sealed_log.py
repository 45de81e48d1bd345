"""A generated log of sealed complaint events on PostgreSQL, as the service would have written it:
the demo's scenarios logged once through the sealing store (a template of real complaints), then
copied with new ids, references, residents and data keys until the log holds N events.

Each copy's personal fields are sealed again under its own key (the sealed blob is bound to its
stream), its hash chain recomputed, and its complaint row and key row written beside it, all by
COPY. Copies are written in groups whose events interleave (the first event of every complaint in
the group, then the second, ...), so a complaint's events lie thousands of positions apart as they
do in a real log.
"""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import zip_longest

import asyncpg
import sqlalchemy as sa

from app.db import create_engine, reading
from app.demo.load import load_demo
from app.events.keyring import Keyring, parse_master_key
from app.events.sealed_store import SealingEventStore
from app.events.sealing import seal
from app.events.sql import SqlEventStore
from app.events.store import JsonValue, StoredEvent
from app.events.tables import complainant_keys, events
from app.projections.tables import complaints
from bench.common import chained_copy, copy_jsonb_as_text, dsn

LANDLORD = "bench-homes"
GROUP = 1_000  # complaints whose events interleave
COLUMNS = {t.name: [c.name for c in t.columns] for t in (events, complaints, complainant_keys)}
# The copies' rows hold no state document: the export never reads one.
NO_DOCUMENT = dict.fromkeys(("state_key_id", "state_nonce", "state_ciphertext", "state_version"))


@dataclass(frozen=True)
class Template:
    """One complaint logged through the service: its events opened, and its projection row."""

    events: list[StoredEvent]
    row: dict[str, object]


async def read_templates(url: str, keyring: Keyring) -> list[Template]:
    engine = create_engine(url)
    store = SealingEventStore(SqlEventStore(), keyring)
    try:
        await load_demo(engine, store, landlord=LANDLORD, copies=1)
        async with reading(engine) as conn:
            rows = [
                dict(row._mapping)
                for row in await conn.execute(sa.select(complaints).order_by(complaints.c.id))
            ]
            streams = await store.read_streams(conn, [str(row["id"]) for row in rows])
    finally:
        await engine.dispose()
    return [Template(streams[str(row["id"])], row) for row in rows]


def copy_of(
    template: Template, keyring: Keyring, number: int
) -> tuple[list[dict[str, object]], dict[str, object], dict[str, object]]:
    """A copy of the template under a new id, resident and key: (events, complaint row, key row),
    the events without positions."""
    complaint_id, reference, resident = str(uuid.uuid4()), f"B-{number:09d}", f"R-{number:07d}"
    key_id, key, key_row = keyring.new(complaint_id, LANDLORD, resident)

    def data_of(event: StoredEvent) -> dict[str, JsonValue]:
        data = dict(event.data)
        if event.type == "logged":
            person = data["complainant"]
            assert isinstance(person, dict)
            data |= {"reference": reference, "complainant": {**person, "resident_id": resident}}
        return seal(complaint_id, event.type, data, key, key_id)

    copied = chained_copy(template.events, complaint_id, data_of)
    previous = copied[-1]["hash"] if copied else None
    row = template.row | NO_DOCUMENT
    row |= {"id": complaint_id, "reference": reference, "resident_id": resident}
    row["head_hash"] = previous
    return copied, row, key_row


def interleaved(streams: Sequence[list[dict[str, object]]]) -> list[dict[str, object]]:
    """Every stream's first event, then every stream's second, ..."""
    return [event for rank in zip_longest(*streams) for event in rank if event is not None]


async def generate(url: str, target: int) -> tuple[int, int]:
    """Fill the migrated database at `url` with at least `target` events; (events, complaints)."""
    keyring = Keyring(parse_master_key(os.environ["REDRESS_MASTER_KEY"]))
    templates = await read_templates(url, keyring)
    connection = await asyncpg.connect(dsn(url))
    try:
        await copy_jsonb_as_text(connection)
        position = int(await connection.fetchval("SELECT max(position) FROM events")) + 1
        written = int(await connection.fetchval("SELECT count(*) FROM events"))
        count = len(templates)
        while written < target:
            streams: list[list[dict[str, object]]] = []
            rows: list[dict[str, object]] = []
            keys: list[dict[str, object]] = []
            while len(streams) < GROUP and written < target:
                copied, row, key_row = copy_of(templates[count % len(templates)], keyring, count)
                streams.append(copied)
                rows.append(row)
                keys.append(key_row)
                written += len(copied)
                count += 1
            ordered = [
                {**event, "position": position + offset}
                for offset, event in enumerate(interleaved(streams))
            ]
            position += len(ordered)
            for table, records in (
                ("events", ordered),
                ("complaints", rows),
                ("complainant_keys", keys),
            ):
                await connection.copy_records_to_table(
                    table,
                    records=[tuple(r[name] for name in COLUMNS[table]) for r in records],
                    columns=COLUMNS[table],
                )
            print(f"  {written} events", end="\r", file=sys.stderr, flush=True)
        # The events went in by COPY: the counter the next append takes positions from follows.
        await connection.execute(
            "INSERT INTO event_positions (id, last_position) SELECT 1, max(position) FROM events "
            "ON CONFLICT (id) DO UPDATE SET last_position = EXCLUDED.last_position"
        )
        await connection.execute("VACUUM ANALYZE")
    finally:
        await connection.close()
    return written, count
