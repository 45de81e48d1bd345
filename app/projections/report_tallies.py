"""The reports' counts (app/domain/reporting/tallies.py), counted by the database: grouped queries
over the reporting projection, so a report reads a few hundred rows of counts whatever the number
of complaints, never the complaints themselves.

One statement per report: the complaints counted (those `reports.load` reads: the landlord's,
received before the period ended, with an event in it or still live), their stage records and
their items are each read once, into materialised common table expressions, and every count is a
grouped select over them, all joined by UNION ALL as (count, keys as text, how many, pence). Each
select is the SQL of one selection of `tallies_of`, which defines it (a test holds the two equal on
both databases). A moment is in the period when it falls between the London midnights that open
and close it; a moment judged against a due day is compared by its London date, kept in the row
beside it (SQLite has no time zones).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from app.domain.complaint.events import ClosureReason
from app.domain.reporting.facts import ItemFacts, ItemKind
from app.domain.reporting.period import Period
from app.domain.reporting.selection import Acknowledgement, Timeliness
from app.domain.reporting.tallies import ABOUT, MOVED, UNKNOWN, Evidence, Tallies
from app.projections.reports import ITEM_COLUMNS, item_facts, readable
from app.projections.tables import report_complaints, report_items, report_stages
from app.projections.tally_rows import Row, tallies_of_rows

KEYS = 6  # key columns of each row of counts
_WITHDRAWN = ClosureReason.withdrawn.value
_TOLD = (ItemKind.extension.value, ItemKind.escalation_refusal.value)
# The counts each report is made of (the names of the selects below).
TSM = frozenset({"received", "responded"})
ANNUAL = TSM | {"remedies", "items", "moved", "declined", "received_complaints"}
CODE_COMPLIANCE = TSM | {
    "missed", "last_closures", "open_at_end", "reopened", "informal_stages", "items", "told",
    "stages_extended", "informal", "declined", "late_acceptances",
}  # fmt: skip
# The columns the counts read: the fewer, the less the database copies into each expression.
_STAGE_COLUMNS = (
    "complaint_id", "seq", "stage", "informal", "reopened", "started_at", "acknowledgement_due",
    "acknowledged_date", "responded_at", "responded_date", "ended_at", "ended_date", "closed_at",
    "closure_reason", "response_due", "response_original_due", "extended", "code_response_due",
    "code_extended_due", "outcome", "working_days_to_respond", "handler_involved_before",
    "remedies",
)  # fmt: skip
_ITEM_COLUMNS = (
    "complaint_id", "version", "kind", "stage", "code", "status", "occurred_at", "due",
    "answered_date", "amount_pence",
)  # fmt: skip


async def count(
    conn: AsyncConnection,
    landlord: str,
    period: Period,
    today: date,
    *,
    worded: Iterable[ItemKind] = (),
    needs: frozenset[str] | None = None,
) -> Tallies:
    """The landlord's tallies for `period` judged on `today`, with the period's items of the
    kinds in `worded`: the counts a report `needs` (CODE_COMPLIANCE, ANNUAL, TSM; None: all),
    the others left empty."""
    counts = _Counts(conn.dialect.name, landlord, period, today)
    selects = [
        query
        for name, query in [*counts.stage_selects(), *counts.other_selects()]
        if needs is None or name in needs
    ]
    rows: dict[str, list[Row]] = {}
    for row in await conn.execute(sa.union_all(*selects)):
        rows.setdefault(row[0], []).append(tuple(row[1:]))
    tallies = tallies_of_rows(rows)
    kinds = frozenset(worded)
    if kinds:
        tallies = replace(tallies, worded=await _worded(conn, counts, kinds))
    return tallies


def _in(column: Any, period: Period) -> sa.ColumnElement[bool]:
    return sa.and_(column >= period.opens, column < period.closes)


def _earlier(a: Any, b: Any) -> Any:
    """The earlier of two dates that may be null (null when both are)."""
    return sa.case((a.is_(None), b), (b.is_(None), a), (a < b, a), else_=b)


def _flag(condition: Any) -> Any:
    return sa.case((condition, "1"), else_="0")


def _text(value: Any) -> Any:
    return sa.cast(value, sa.String)


class _Counts:
    """The selects of one report's statement."""

    def __init__(self, dialect: str, landlord: str, period: Period, today: date) -> None:
        self.dialect, self.period, self.today = dialect, period, today
        c, s, i = report_complaints.c, report_stages.c, report_items.c
        relevant = sa.and_(
            c.landlord == landlord,
            c.received_date < period.end,
            sa.or_(c.last_date >= period.start, c.ended_at.is_(None)),
        )
        rel = (
            sa.select(
                c.id,
                sa.func.coalesce(c.tenure, UNKNOWN).label("tenure"),
                c.declined_at,
                c.decline_reason,
                c.logged_stage,
                c.received_at,
                c.category,
                c.channel,
                c.late_acceptance,
            )
            .where(relevant)
            .cte("rel")
            .prefix_with("MATERIALIZED")
        )
        self.rel = rel
        # Stage records and items are joined to the complaints table itself (not to `rel`): the
        # planner knows its statistics, and hashes the smaller side.
        tenure = sa.func.coalesce(c.tenure, UNKNOWN).label("tenure")
        self.st = (
            sa.select(*(s[name] for name in _STAGE_COLUMNS), tenure, c.declined_at)
            .join_from(report_stages, report_complaints, c.id == s.complaint_id)
            .where(relevant)
            .cte("st")
            .prefix_with("MATERIALIZED")
        )
        self.it = (
            sa.select(*(i[name] for name in _ITEM_COLUMNS))
            .join_from(report_items, report_complaints, c.id == i.complaint_id)
            .where(relevant)
            .cte("it")
            .prefix_with("MATERIALIZED")
        )
        # Extensions, refusals and what the resident was told of each (`resident_informed`), by
        # topic: a telling explains the latest extension (or refusal) before it, so each item told
        # of is the latest before some telling (the "explained?" figures).
        it = self.it.c
        topic = sa.case(
            (it.kind == ItemKind.informed.value, it.code),
            *((it.kind == kind.value, about) for kind, about in ABOUT.items()),
        )
        topics = (
            sa.select(it.complaint_id, it.version, it.kind, it.stage, it.code, it.occurred_at,
                      topic.label("topic"))
            .where(sa.or_(it.kind.in_(_TOLD), sa.and_(it.kind == ItemKind.informed.value,
                                                      it.code.in_(ABOUT.values()))))
            .subquery()
        )  # fmt: skip
        t = topics.c
        latest = sa.func.max(sa.case((t.kind != ItemKind.informed.value, t.version))).over(
            partition_by=(self._bytes(t.complaint_id), self._bytes(t.topic)), order_by=t.version
        )
        self.marked = sa.select(topics, latest.label("latest")).cte("marked")
        m = self.marked.c
        self.told_of = (
            sa.select(m.complaint_id, m.latest.label("version"))
            .where(m.kind == ItemKind.informed.value, m.latest.is_not(None))
            .distinct()
            .cte("told_of")
        )

    def _bytes(self, text: Any) -> Any:
        """`text` compared byte by byte on PostgreSQL: grouping and partitioning need equality
        only, and the locale's order costs several times as much to sort by."""
        return text.collate("C") if self.dialect == "postgresql" else text

    def _select(
        self, name: str, source: Any, keys: list[Any], *where: Any, pence: Any = None
    ) -> tuple[str, sa.Select[Any]]:
        """One count's rows: grouped by its keys as they are (cheaper to compare than text), then
        the keys as text, so every count's rows have the same columns."""
        total = sa.literal(0) if pence is None else sa.func.coalesce(sa.func.sum(pence), 0)
        keys = [self._bytes(k) if isinstance(k.type, sa.String) else k for k in keys]
        named = [k.label(f"k{n}") for n, k in enumerate(keys)]
        grouped = sa.select(*named, sa.func.count().label("n"), total.label("pence"))
        grouped = grouped.select_from(source).where(*where)
        inner = (grouped.group_by(*keys) if keys else grouped).subquery()
        padded = [*(inner.c[f"k{n}"] for n in range(len(keys))),
                  *[sa.null()] * (KEYS - len(keys))]  # fmt: skip
        return name, sa.select(
            sa.literal(name).label("name"),
            *(_text(k).label(f"k{n}") for n, k in enumerate(padded)),
            inner.c.n,
            inner.c.pence,
        )

    def stage_selects(self) -> list[tuple[str, sa.Select[Any]]]:
        st, period = self.st.c, self.period
        due = st.acknowledgement_due
        no_longer_owed = _earlier(st.responded_date, st.ended_date)
        acknowledgement = sa.case(
            (due.is_(None), Acknowledgement.no_deadline.value),
            (st.acknowledged_date <= due, Acknowledgement.on_time.value),
            (st.acknowledged_date.is_not(None), Acknowledgement.late.value),
            (no_longer_owed <= due, Acknowledgement.not_due.value),
            (no_longer_owed.is_not(None), Acknowledgement.missed.value),
            (due < self.today, Acknowledgement.late.value),
            else_=Acknowledgement.not_due.value,
        )
        day = st.responded_date
        policy = sa.case(
            (day <= st.response_original_due, Timeliness.on_time.value),
            (sa.and_(st.extended, day <= st.response_due), Timeliness.within_extension.value),
            else_=Timeliness.late.value,
        )
        code = sa.case(
            (st.code_response_due.is_(None), None),
            (day <= st.code_response_due, Timeliness.on_time.value),
            (day <= st.code_extended_due, Timeliness.within_extension.value),
            else_=Timeliness.late.value,
        )
        selects = [
            self._select(
                "received", self.st,
                [st.stage, st.tenure, acknowledgement, _flag(st.handler_involved_before)],
                sa.not_(st.reopened), _in(st.started_at, period), st.declined_at.is_(None),
            ),
            self._select(
                "responded", self.st,
                [st.stage, st.tenure, policy, code, st.outcome, st.working_days_to_respond],
                _in(st.responded_at, period),
            ),
        ]  # fmt: skip
        closes = period.closes
        cutoff = min(period.end, self.today + timedelta(days=1))
        last = sa.func.row_number().over(
            partition_by=self._bytes(st.complaint_id), order_by=(st.closed_at.desc(), st.seq)
        )
        closed = (
            sa.select(st.stage, _flag(st.closure_reason == _WITHDRAWN).label("withdrawn"),
                      last.label("last"))
            .where(_in(st.closed_at, period))
            .subquery()
        )  # fmt: skip
        return [
            *selects,
            self._select(
                "missed", self.st, [st.stage],
                _in(st.ended_at, period), st.responded_at.is_(None),
                st.ended_date > st.response_due, st.declined_at.is_(None),
            ),
            self._select(
                "last_closures", closed, [closed.c.stage, closed.c.withdrawn], closed.c.last == 1
            ),
            self._select(
                "open_at_end", self.st, [st.stage, _flag(st.response_due < cutoff)],
                st.started_at < closes,
                sa.or_(st.responded_at.is_(None), st.responded_at >= closes),
                sa.or_(st.ended_at.is_(None), st.ended_at >= closes),
            ),
            self._select("reopened", self.st, [], st.reopened, _in(st.started_at, period)),
            self._select("informal_stages", self.st, [st.stage], st.informal),
            self._remedies(),
        ]  # fmt: skip

    def _remedies(self) -> tuple[str, sa.Select[Any]]:
        st = self.st.c
        function = (
            sa.func.json_array_elements_text if self.dialect == "postgresql" else sa.func.json_each
        )
        label = function(st.remedies).table_valued("value")
        source = self.st.join(label, sa.true())
        return self._select(
            "remedies", source, [label.c.value],
            _in(st.responded_at, self.period), sa.cast(st.remedies, sa.Text) != "[]",
        )  # fmt: skip

    def other_selects(self) -> list[tuple[str, sa.Select[Any]]]:
        it, rel, period = self.it.c, self.rel.c, self.period
        evidence = sa.case(
            (it.kind != ItemKind.evidence_request.value, None),
            (it.answered_date <= it.due, Evidence.on_time),
            (it.answered_date.is_not(None), Evidence.late),
            (it.due < self.today, Evidence.late),
            else_=Evidence.not_due,
        )
        marked, told_of = self.marked.c, self.told_of.c
        told = self.marked.join(
            self.told_of,
            sa.and_(told_of.complaint_id == marked.complaint_id, told_of.version == marked.version),
            isouter=True,
        )
        extended = (
            sa.select(it.complaint_id, it.stage)
            .where(it.kind == ItemKind.extension.value, _in(it.occurred_at, period))
            .distinct()
            .subquery()
        )
        st = self.st.c
        # Per complaint: whether it went on to stage 1 or more, and was ever closed (withdrawn
        # aside).
        went_on = sa.func.max(sa.case((st.stage >= 1, 1), else_=0))
        closed = sa.and_(
            st.closed_at.is_not(None),
            sa.or_(st.closure_reason.is_(None), st.closure_reason != _WITHDRAWN),
        )
        owner = self._bytes(st.complaint_id)
        ends = (
            sa.select(owner.label("complaint_id"), went_on.label("formal"),
                      sa.func.max(sa.case((closed, 1), else_=0)).label("resolved"))
            .group_by(owner)
            .subquery()
        )  # fmt: skip
        informal = self.rel.join(ends, ends.c.complaint_id == rel.id, isouter=True)
        formal = ends.c.formal == 1
        resolved = ends.c.resolved == 1
        return [
            self._select(
                "items", self.it, [it.kind, it.stage, it.code, it.status, evidence],
                _in(it.occurred_at, period), it.kind.not_in(_TOLD), pence=it.amount_pence,
            ),
            self._select(
                "told", told,
                [marked.kind, marked.stage, marked.code, _flag(told_of.version.is_not(None))],
                marked.kind.in_(_TOLD), _in(marked.occurred_at, period),
            ),
            self._select("stages_extended", extended, [extended.c.stage]),
            self._select(
                "moved", self.it, [it.kind, it.code, it.status],
                it.kind.in_([kind.value for kind in MOVED]),
                it.due >= period.start, it.due < period.end, pence=it.amount_pence,
            ),
            self._select(
                "informal", informal,
                [_flag(formal), _flag(sa.and_(sa.not_(formal), resolved))],
                rel.logged_stage == 0, rel.declined_at.is_(None), _in(rel.received_at, period),
            ),
            self._select("declined", self.rel, [rel.decline_reason],
                         _in(rel.declined_at, period)),
            self._select(
                "late_acceptances", self.rel, [rel.late_acceptance],
                rel.late_acceptance.is_not(None), _in(rel.received_at, period),
            ),
            self._select(
                "received_complaints", self.rel, [rel.category, rel.channel, rel.tenure],
                _in(rel.received_at, period), rel.declined_at.is_(None),
            ),
        ]  # fmt: skip


async def _worded(
    conn: AsyncConnection, counts: _Counts, kinds: frozenset[ItemKind]
) -> tuple[ItemFacts, ...]:
    """The period's items of `kinds`, by kind, complaint and version."""
    i = report_items.c
    raw = conn.dialect.name == "postgresql"
    rel = counts.rel
    query = (
        sa.select(*readable(ITEM_COLUMNS, raw))
        .join_from(report_items, rel, rel.c.id == i.complaint_id)
        .where(i.kind.in_(sorted(k.value for k in kinds)), _in(i.occurred_at, counts.period))
        .order_by(i.kind, i.complaint_id, i.version)
    )
    return tuple(item_facts(*row) for row in await conn.execute(query))
