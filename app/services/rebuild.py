"""Rebuild the complaint, reporting and landlord projections from the events alone, in bounded
memory.

Landlord streams (few and short) are folded first, so complaint rows are computed with the
calendars and policies the events say, not with the tables being checked.

The log is read in `(stream_id, version)` order in batches (app/events/scan.py), so one complaint's
events are adjacent: each is folded as it arrives and only the current complaint's state is held.
Rebuilt rows are compared with the live tables a batch at a time: the complaint row, and the
complaint's reporting rows (app/projections/reports.py), which differ as one finding per complaint
naming each differing row and column (`report_stages[(id, 0)].response_due`).

- `check` reports every difference (missing, extra or changed rows) and writes nothing;
- `apply` does the same and, in the same transaction, writes the rebuilt rows where they differ
  and deletes rows no events support, so the table ends equal to the rebuild.

On PostgreSQL `apply` first locks the table against writers (who write the projection before they
append, ADR 0001): a complaint cannot change between being read and being rewritten.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from app.db import insert_rows, one_of
from app.domain.complaint.events import ComplaintEvent
from app.domain.complaint.evolve import evolve
from app.domain.complaint.state import ComplaintState
from app.domain.landlord.state import LandlordState, evolve_landlord
from app.domain.reporting.facts import Facts, complaint_facts
from app.events import scan
from app.events.codec import decode, decode_landlord
from app.events.keyring import Keyring
from app.events.sql import stored_event
from app.events.streams import (
    LANDLORD_PREFIX,
    is_complaint_stream,
    landlord_of_stream,
    landlord_stream,
)
from app.events.tables import events
from app.projections import landlords as landlord_projection
from app.projections import reports
from app.projections.complaints import Row, row_for
from app.projections.state_document import NO_DOCUMENT, Document
from app.projections.tables import complaints, landlord_policies, landlords
from app.services import cache
from app.services.catalog import Catalog
from app.services.rebuild_documents import Documents, opened
from app.services.rebuild_feedback import rebuild_feedback
from app.services.rebuild_restrictions import rebuild_restrictions

DOCUMENT = frozenset(NO_DOCUMENT)  # compared opened, not as ciphertext

MAX_LISTED = 100


class Mode(StrEnum):
    check = "check"
    apply = "apply"


@dataclass(frozen=True)
class Difference:
    subject: str  # a complaint id, or the stream id `landlord:<id>` of a landlord
    kind: str  # "missing" (no live row), "extra" (no events), "changed"
    # column -> (live value, rebuilt value); empty for missing and extra rows.
    columns: dict[str, tuple[object, object]] = field(default_factory=dict)


@dataclass
class RebuildReport:
    mode: Mode
    events: int = 0
    complaints: int = 0
    landlords: int = 0
    feedback: int = 0  # compliments, comments and enquiries (app/services/rebuild_feedback.py)
    restrictions: int = 0  # contact restrictions (app/services/rebuild_restrictions.py)
    differences: int = 0
    listed: list[Difference] = field(default_factory=list)  # the first MAX_LISTED differences

    @property
    def equal(self) -> bool:
        return self.differences == 0

    def _add(self, difference: Difference) -> None:
        self.differences += 1
        if len(self.listed) < MAX_LISTED:
            self.listed.append(difference)


Progress = Callable[[int], None]


async def count_events(conn: AsyncConnection) -> int:
    return int((await conn.execute(sa.select(sa.func.count()).select_from(events))).scalar_one())


async def rebuild(
    conn: AsyncConnection,
    mode: Mode,
    *,
    batch_size: int = scan.BATCH_SIZE,
    progress: Progress | None = None,
    keyring: Keyring | None = None,
) -> RebuildReport:
    """Rebuild in the caller's transaction (`apply` needs a writing one; the caller commits).

    With `keyring`, the rows' sealed state documents are rebuilt and compared too; without it
    they are not judged, and a row `apply` rewrites is left without one (read by replaying)."""
    report = RebuildReport(mode)
    if mode is Mode.apply and conn.dialect.name == "postgresql":
        await conn.execute(
            sa.text(
                "LOCK TABLE landlords, landlord_policies, complaints, report_complaints, "
                "report_stages, report_items, feedback, restrictions IN SHARE ROW EXCLUSIVE MODE"
            )
        )
    # Landlords first: complaint rows are computed with their landlords' calendars and policies,
    # and those must come from the events too, not from the tables being checked.
    catalog = await rebuild_landlords(conn, report)
    await rebuild_feedback_rows(conn, report)
    # Extras first: in `apply`, a rebuilt row may take back a reference an extra row holds.
    await remove_extra(conn, report)
    await fold_streams(
        conn, report, catalog, keyring=keyring, batch_size=batch_size, progress=progress
    )
    return report


async def fold_streams(
    conn: AsyncConnection,
    report: RebuildReport,
    catalog: Catalog,
    *,
    keyring: Keyring | None,
    batch_size: int = scan.BATCH_SIZE,
    progress: Progress | None = None,
    start: str | None = None,
    stop: str | None = None,
) -> None:
    """Fold the complaint streams `start <= stream_id < stop` (all without bounds) and compare
    (in `apply`, set right) their rows, adding to `report`."""
    docs = None if keyring is None else Documents(keyring)
    stream_id: str | None = None
    state: ComplaintState | None = None
    history: list[ComplaintEvent] = []  # the current stream's events: streams are short
    head_hash: str | None = None
    rows: list[Row] = []
    facts: list[Facts] = []
    async for batch in scan.by_stream(conn, batch_size=batch_size, start=start, stop=stop):
        readable = None if docs is None else await docs.open(conn, batch)
        for i, stored in enumerate(batch):
            if not is_complaint_stream(stored.stream_id):
                continue
            if stored.stream_id != stream_id:
                if stream_id is not None and state is not None:
                    rows.append(_row(stream_id, state, catalog, docs, head_hash))
                    facts.append(_facts(stream_id, state, history, catalog))
                stream_id, state, history = stored.stream_id, None, []
                if docs is not None:
                    docs.start()
            # Rows and reports from the events as stored (no key needed), the document from
            # the events opened.
            event = decode(stored)
            head_hash = stored.hash
            history.append(event)
            state = evolve(state, event)
            if docs is not None and readable is not None:
                docs.add(*readable[i])
        report.events += len(batch)
        await _compare(conn, report, rows, keyring)
        await _compare_reports(conn, report, facts)
        rows, facts = [], []
        if progress is not None:
            progress(len(batch))
    if stream_id is not None and state is not None:
        row = _row(stream_id, state, catalog, docs, head_hash)
        await _compare(conn, report, [row], keyring)
        await _compare_reports(conn, report, [_facts(stream_id, state, history, catalog)])


def _row(
    complaint_id: str,
    state: ComplaintState,
    catalog: Catalog,
    docs: Documents | None,
    head_hash: str | None,
) -> Row:
    policy = catalog.policy(state.landlord, state.policy_id, state.policy_version)
    row = row_for(complaint_id, state, policy, catalog.calendar(state.landlord))
    row["head_hash"] = head_hash
    return row | (dict(NO_DOCUMENT) if docs is None else docs.columns(complaint_id))


def _facts(
    complaint_id: str, state: ComplaintState, history: list[ComplaintEvent], catalog: Catalog
) -> Facts:
    policy = catalog.policy(state.landlord, state.policy_id, state.policy_version)
    return complaint_facts(complaint_id, state, history, policy, catalog.calendar(state.landlord))


async def rebuild_feedback_rows(conn: AsyncConnection, report: RebuildReport) -> None:
    """The feedback rows (compliments, comments, enquiries) and the contact restrictions' against
    their streams."""
    apply = report.mode is Mode.apply
    report.feedback, found = await rebuild_feedback(conn, apply=apply)
    report.restrictions, restricted = await rebuild_restrictions(conn, apply=apply)
    for subject, kind, columns in (*found, *restricted):
        report._add(Difference(subject, kind, columns))


async def rebuild_landlords(conn: AsyncConnection, report: RebuildReport) -> Catalog:
    """Fold every landlord stream, set the landlord tables right, and return what the complaint
    rows need from them. Landlords are few, so they are read whole."""
    query = (
        sa.select(*events.c)
        .where(events.c.stream_id.startswith(LANDLORD_PREFIX, autoescape=True))
        .order_by(events.c.stream_id, events.c.version)
    )
    states: dict[str, LandlordState] = {}
    for found in await conn.execute(query):
        stored = stored_event(found._mapping)
        landlord_id = landlord_of_stream(stored.stream_id)
        states[landlord_id] = evolve_landlord(
            landlord_id, states.get(landlord_id), decode_landlord(stored)
        )
    report.landlords = len(states)
    live = {str(r.id): dict(r._mapping) for r in await conn.execute(sa.select(landlords))}
    live_policies: dict[str, list[dict[str, object]]] = {}
    policy_query = sa.select(landlord_policies).order_by(
        landlord_policies.c.landlord, landlord_policies.c.policy_id, landlord_policies.c.version
    )
    for r in await conn.execute(policy_query):
        live_policies.setdefault(str(r.landlord), []).append(dict(r._mapping))
    stale: list[str] = []
    for landlord_id in sorted(set(live) | set(states)):
        subject = landlord_stream(landlord_id)
        state = states.get(landlord_id)
        current = live.get(landlord_id)
        if state is None:
            report._add(Difference(subject, "extra"))
        elif current is None:
            report._add(Difference(subject, "missing"))
        else:
            expected = landlord_projection.row_for(state)
            changed = {
                name: (current[name], value)
                for name, value in expected.items()
                if current[name] != value
            }
            policies = landlord_projection.policy_rows(state)
            if live_policies.get(landlord_id, []) != policies:
                changed["policies"] = (len(live_policies.get(landlord_id, [])), len(policies))
            if not changed:
                continue
            report._add(Difference(subject, "changed", changed))
        stale.append(landlord_id)
    if report.mode is Mode.apply and stale:
        cache.changed(conn, *(f"landlord:{landlord_id}" for landlord_id in stale))
        await conn.execute(
            sa.delete(landlord_policies).where(landlord_policies.c.landlord.in_(stale))
        )
        await conn.execute(sa.delete(landlords).where(landlords.c.id.in_(stale)))
        for landlord_id in stale:
            if landlord_id in states:
                await landlord_projection.save(conn, None, states[landlord_id])
    return Catalog(
        calendars={landlord_id: state.calendar for landlord_id, state in states.items()},
        policies={
            (landlord_id, published.policy.id, published.policy.version): published.policy
            for landlord_id, state in states.items()
            for published in state.policies
        },
    )


async def _compare(
    conn: AsyncConnection, report: RebuildReport, rows: Sequence[Row], keyring: Keyring | None
) -> None:
    if not rows:
        return
    report.complaints += len(rows)
    ids = [str(row["id"]) for row in rows]
    query = sa.select(complaints).where(one_of(conn, complaints.c.id, ids))
    live = {str(found.id): dict(found._mapping) for found in await conn.execute(query)}
    documents = await _documents(conn, keyring, rows, live)
    stale: list[Row] = []
    for row in rows:
        current = live.get(str(row["id"]))
        if current is None:
            report._add(Difference(str(row["id"]), "missing"))
            stale.append(row)
            continue
        changed = {
            name: (current[name], value)
            for name, value in row.items()
            if name not in DOCUMENT and current[name] != value
        }
        was, now = documents.get(str(row["id"]), (None, None))
        if was != now:
            changed["state"] = (
                "none" if was is None else f"v{was.state.version}",
                "none" if now is None else f"v{now.state.version}",
            )
        if changed:
            report._add(Difference(str(row["id"]), "changed", changed))
            stale.append(row)
    if report.mode is Mode.apply and stale:
        cache.changed(conn, *(f"landlord:{landlord_id}" for landlord_id in stale))
        await conn.execute(
            sa.delete(complaints).where(complaints.c.id.in_([str(row["id"]) for row in stale]))
        )
        await insert_rows(conn, complaints, stale)


async def _documents(
    conn: AsyncConnection,
    keyring: Keyring | None,
    rows: Sequence[Row],
    live: dict[str, dict[str, object]],
) -> dict[str, tuple[Document | None, Document | None]]:
    """Each row's (live, rebuilt) document, opened; nothing without the keyring."""
    if keyring is None:
        return {}
    present = [live[str(row["id"])] for row in rows if str(row["id"]) in live]
    was = dict(
        zip([str(r["id"]) for r in present], await opened(conn, keyring, present), strict=True)
    )
    now = await opened(conn, keyring, rows)
    return {
        str(row["id"]): (was.get(str(row["id"])), doc) for row, doc in zip(rows, now, strict=True)
    }


async def _compare_reports(
    conn: AsyncConnection, report: RebuildReport, rebuilt: Sequence[Facts]
) -> None:
    if not rebuilt:
        return
    ids = [f.complaint.complaint_id for f in rebuilt]
    live = await reports.live_rows(conn, ids)
    stale: list[Facts] = []
    for f in rebuilt:
        changed = _row_differences(live[f.complaint.complaint_id], reports.rows_of(f))
        if changed:
            report._add(Difference(f.complaint.complaint_id, "changed", changed))
            stale.append(f)
    if report.mode is Mode.apply and stale:
        await reports.replace(conn, [f.complaint.complaint_id for f in stale], stale)


def _row_differences(
    live: dict[str, dict[reports.Key, Row]], rebuilt: dict[str, dict[reports.Key, Row]]
) -> dict[str, tuple[object, object]]:
    """`table[key]` -> (live, rebuilt) for a missing or extra row, `table[key].column` for a
    differing value."""
    found: dict[str, tuple[object, object]] = {}
    for table, expected in rebuilt.items():
        current = live[table]
        for key in sorted(current.keys() | expected.keys(), key=repr):
            name = f"{table}[{key[0] if len(key) == 1 else key}]"
            if key not in current:
                found[name] = (None, "row")
            elif key not in expected:
                found[name] = ("row", None)
            else:
                for column, value in expected[key].items():
                    if current[key][column] != value:
                        found[f"{name}.{column}"] = (current[key][column], value)
    return found


async def remove_extra(conn: AsyncConnection, report: RebuildReport) -> None:
    """Live rows of complaints that have no events at all, in the complaint projection and in the
    reporting one."""
    has_events = sa.exists().where(events.c.stream_id == complaints.c.id)
    query = sa.select(complaints.c.id).where(~has_events).order_by(complaints.c.id)
    extra = [str(row.id) for row in await conn.execute(query)]
    for complaint_id in extra:
        report._add(Difference(complaint_id, "extra"))
    if report.mode is Mode.apply and extra:
        await conn.execute(sa.delete(complaints).where(complaints.c.id.in_(extra)))
    orphans: set[str] = set()
    for table in reports.TABLES:
        owner = table.c[reports.OWNER[table.name]]
        lacking = ~sa.exists().where(events.c.stream_id == owner)
        orphans |= {str(r[0]) for r in await conn.execute(sa.select(owner).where(lacking))}
    for complaint_id in sorted(orphans - set(extra)):
        report._add(Difference(complaint_id, "extra", {"reports": ("rows", None)}))
    if report.mode is Mode.apply and orphans:
        await reports.replace(conn, sorted(orphans), [])
