"""The reports' counts (app/domain/reporting/tallies.py), counted by the database: grouped queries
over the reporting projection, so a report reads a few hundred rows of counts whatever the number
of complaints, never the complaints themselves.

Each query is the SQL of one selection of `tallies_of`, which defines it (a test holds the two
equal on both databases). The complaints counted are those `reports.load` reads: the landlord's,
received before the period ended, with an event in it or still live. A moment is in the period
when it falls between the London midnights that open and close it; a moment judged against a due
day is compared by its London date, kept in the row beside it (SQLite has no time zones).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from app.domain.complaint.events import ClosureReason
from app.domain.complaint.events.vocabulary import NOT_RECORDED
from app.domain.reporting.facts import ItemKind
from app.domain.reporting.period import Period
from app.domain.reporting.selection import Acknowledgement, Timeliness
from app.domain.reporting.tallies import ABOUT, MOVED, UNKNOWN, Evidence, Money, Tallies
from app.projections.reports import ITEM_COLUMNS, item_facts, readable
from app.projections.tables import report_complaints, report_items, report_stages

c, s, i = report_complaints.c, report_stages.c, report_items.c
_WITHDRAWN = ClosureReason.withdrawn.value
_STAGES = report_stages.join(report_complaints, c.id == s.complaint_id)
_ITEMS = report_items.join(report_complaints, c.id == i.complaint_id)
_TENURE = sa.func.coalesce(c.tenure, UNKNOWN)


async def count(
    conn: AsyncConnection,
    landlord: str,
    period: Period,
    today: date,
    *,
    worded: Iterable[ItemKind] = (),
    stages_only: bool = False,
) -> Tallies:
    """The landlord's tallies for `period` judged on `today`, with the period's items of the
    kinds in `worded`; with `stages_only`, only the stage records received and responded to (all
    the Tenant Satisfaction Measures need)."""
    counted = _Counted(conn, landlord, period, today)
    received = await counted.received()
    responded = await counted.responded()
    if stages_only:
        return Tallies(received=received, responded=responded)
    items = await counted.items()
    by_kind: dict[str, Counter[tuple[Any, ...]]] = {}
    money: dict[tuple[str, str], Money] = {}
    for (kind, stage, code, status, evidence, told), n, pence in items:
        by_kind.setdefault(kind, Counter())[(stage, code, status, evidence, told)] += n
        if kind == ItemKind.compensation.value:
            count_, sum_ = money.get((code or "", status or ""), (0, 0))
            money[(code or "", status or "")] = (count_ + n, sum_ + pence)

    def of(kind: ItemKind, key: Callable[..., Any]) -> Counter[Any]:
        """The period's items of `kind` counted by `key` of (stage, code, status, evidence,
        explained)."""
        found: Counter[Any] = Counter()
        for parts, n in by_kind.get(kind.value, Counter()).items():
            found[key(*parts)] += n
        return found

    def reason(stage: int | None, code: str | None, _s: Any, _e: Any, told: bool) -> Any:
        return (stage, code or NOT_RECORDED, told)

    def code_of(_st: Any, code: str | None, *_: Any) -> str:
        return code or ""

    informal = await counted.informal()
    return Tallies(
        received=received,
        informal_stages=await counted.informal_stages(),
        responded=responded,
        missed=await counted.missed(),
        last_closures=await counted.last_closures(),
        open_at_end=await counted.open_at_end(),
        reopened=await counted.reopened(),
        extensions=of(ItemKind.extension, reason),
        stages_extended=await counted.stages_extended(),
        requests=of(ItemKind.escalation_request, lambda st, _c, status, *_: (st, status)),
        refusals=of(ItemKind.escalation_refusal, reason),
        informal_received=informal[0],
        informal_formal=informal[1],
        informal_resolved=informal[2],
        declined=await counted.declined(),
        late_acceptances=await counted.late_acceptances(),
        received_complaints=await counted.received_complaints(),
        remedies=await counted.remedies(),
        satisfaction=of(ItemKind.satisfaction, code_of),
        evidence=of(ItemKind.evidence_request, lambda _st, _c, _s, evidence, _t: evidence),
        offers=money,
        moved=await counted.moved(),
        learning=sum(by_kind.get(ItemKind.learning.value, Counter()).values()),
        referrals=of(ItemKind.referral, code_of),
        determinations=of(ItemKind.determination, code_of),
        worded=await counted.worded(frozenset(worded)),
    )


def _in(column: Any, period: Period) -> sa.ColumnElement[bool]:
    return sa.and_(column >= period.opens, column < period.closes)


def _earlier(a: Any, b: Any) -> Any:
    """The earlier of two dates that may be null (null when both are)."""
    return sa.case((a.is_(None), b), (b.is_(None), a), (a < b, a), else_=b)


class _Counted:
    def __init__(self, conn: AsyncConnection, landlord: str, period: Period, today: date) -> None:
        self.conn, self.period, self.today = conn, period, today
        # The complaints `reports.load` reads (a figure may look at any of their records).
        self.relevant = sa.and_(
            c.landlord == landlord,
            c.received_date < period.end,
            sa.or_(c.last_date >= period.start, c.ended_at.is_(None)),
        )

    async def _rows(self, query: sa.Select[Any]) -> list[tuple[Any, ...]]:
        return [tuple(row) for row in await self.conn.execute(query)]

    async def _grouped(
        self, source: Any, keys: list[Any], *where: sa.ColumnElement[bool]
    ) -> list[tuple[Any, ...]]:
        query = sa.select(*keys, sa.func.count()).select_from(source)
        return await self._rows(query.where(self.relevant, *where).group_by(*keys))

    async def received(self) -> Counter[tuple[int, str, Acknowledgement, bool]]:
        due = s.acknowledgement_due
        no_longer_owed = _earlier(s.responded_date, s.ended_date)
        state = sa.case(
            (due.is_(None), Acknowledgement.no_deadline.value),
            (s.acknowledged_date <= due, Acknowledgement.on_time.value),
            (s.acknowledged_date.is_not(None), Acknowledgement.late.value),
            (no_longer_owed <= due, Acknowledgement.not_due.value),
            (no_longer_owed.is_not(None), Acknowledgement.missed.value),
            (due < self.today, Acknowledgement.late.value),
            else_=Acknowledgement.not_due.value,
        )
        rows = await self._grouped(
            _STAGES, [s.stage, _TENURE, state, s.handler_involved_before],
            sa.not_(s.reopened), _in(s.started_at, self.period), c.declined_at.is_(None),
        )  # fmt: skip
        return Counter(
            {(st, tenure, Acknowledgement(ack), bool(before)): n
             for st, tenure, ack, before, n in rows}
        )  # fmt: skip

    async def responded(
        self,
    ) -> Counter[tuple[int, str, Timeliness, Timeliness | None, str | None, int | None]]:
        day = s.responded_date
        policy = sa.case(
            (day <= s.response_original_due, Timeliness.on_time.value),
            (sa.and_(s.extended, day <= s.response_due), Timeliness.within_extension.value),
            else_=Timeliness.late.value,
        )
        code = sa.case(
            (s.code_response_due.is_(None), None),
            (day <= s.code_response_due, Timeliness.on_time.value),
            (day <= s.code_extended_due, Timeliness.within_extension.value),
            else_=Timeliness.late.value,
        )
        keys = [s.stage, _TENURE, policy, code, s.outcome, s.working_days_to_respond]
        rows = await self._grouped(_STAGES, keys, _in(s.responded_at, self.period))
        return Counter(
            {(st, tenure, Timeliness(p), None if cd is None else Timeliness(cd), outcome, days): n
             for st, tenure, p, cd, outcome, days, n in rows}
        )  # fmt: skip

    async def missed(self) -> Counter[int]:
        rows = await self._grouped(
            _STAGES, [s.stage],
            _in(s.ended_at, self.period), s.responded_at.is_(None),
            s.ended_date > s.response_due, c.declined_at.is_(None),
        )  # fmt: skip
        return Counter(dict(rows))

    async def last_closures(self) -> Counter[tuple[int, bool]]:
        order = sa.func.row_number().over(
            partition_by=s.complaint_id, order_by=(s.closed_at.desc(), s.seq)
        )
        withdrawn = sa.case((s.closure_reason == _WITHDRAWN, True), else_=False)
        closed = (
            sa.select(s.stage, withdrawn.label("withdrawn"), order.label("n"))
            .select_from(_STAGES)
            .where(self.relevant, _in(s.closed_at, self.period))
            .subquery()
        )
        query = sa.select(closed.c.stage, closed.c.withdrawn, sa.func.count()).where(
            closed.c.n == 1
        )
        rows = await self._rows(query.group_by(closed.c.stage, closed.c.withdrawn))
        return Counter({(st, bool(withdrawn)): n for st, withdrawn, n in rows})

    async def open_at_end(self) -> Counter[tuple[int, bool]]:
        closes = self.period.closes
        cutoff = min(self.period.end, self.today + timedelta(days=1))
        past_due = sa.case((s.response_due < cutoff, True), else_=False)
        rows = await self._grouped(
            _STAGES, [s.stage, past_due],
            s.started_at < closes,
            sa.or_(s.responded_at.is_(None), s.responded_at >= closes),
            sa.or_(s.ended_at.is_(None), s.ended_at >= closes),
        )  # fmt: skip
        return Counter({(st, bool(late)): n for st, late, n in rows})

    async def reopened(self) -> int:
        query = sa.select(sa.func.count()).select_from(_STAGES)
        query = query.where(self.relevant, s.reopened, _in(s.started_at, self.period))
        return int((await self.conn.execute(query)).scalar_one())

    async def informal_stages(self) -> frozenset[int]:
        query = sa.select(s.stage).select_from(_STAGES).where(self.relevant, s.informal)
        return frozenset(row[0] for row in await self._rows(query.distinct()))

    async def stages_extended(self) -> Counter[int | None]:
        moved = (
            sa.select(i.complaint_id, i.stage)
            .select_from(_ITEMS)
            .where(
                self.relevant,
                i.kind == ItemKind.extension.value,
                _in(i.occurred_at, self.period),
            )
            .distinct()
            .subquery()
        )
        query = sa.select(moved.c.stage, sa.func.count()).group_by(moved.c.stage)
        return Counter(dict(await self._rows(query)))

    async def items(self) -> list[tuple[tuple[Any, ...], int, int]]:
        """The period's items by (kind, stage, code, status, evidence, explained): how many, and
        their pence."""
        ranked = (
            sa.select(
                i.complaint_id,
                i.version,
                i.kind,
                i.stage,
                i.code,
                i.status,
                i.occurred_at,
                i.due,
                i.answered_date,
                i.amount_pence,
                sa.func.lead(i.version)
                .over(partition_by=(i.complaint_id, i.kind), order_by=i.version)
                .label("following"),
            )
            .select_from(_ITEMS)
            .where(self.relevant)
            .subquery()
        )
        r = ranked.c
        informed = report_items.alias("informed")
        explained = sa.case(
            *(
                (
                    r.kind == kind.value,
                    sa.exists().where(
                        informed.c.complaint_id == r.complaint_id,
                        informed.c.kind == ItemKind.informed.value,
                        informed.c.code == about,
                        informed.c.version > r.version,
                        sa.or_(r.following.is_(None), informed.c.version < r.following),
                    ),
                )
                for kind, about in ABOUT.items()
            ),
            else_=False,
        )
        evidence = sa.case(
            (r.kind != ItemKind.evidence_request.value, None),
            (r.answered_date <= r.due, Evidence.on_time),
            (r.answered_date.is_not(None), Evidence.late),
            (r.due < self.today, Evidence.late),
            else_=Evidence.not_due,
        )
        keys = [r.kind, r.stage, r.code, r.status, evidence, explained]
        pence = sa.func.coalesce(sa.func.sum(r.amount_pence), 0)
        query = sa.select(*keys, sa.func.count(), pence).where(_in(r.occurred_at, self.period))
        rows = await self._rows(query.group_by(*keys))
        return [
            ((kind, st, code, status, ev, bool(was_told)), n, int(p))
            for kind, st, code, status, ev, was_told, n, p in rows
        ]

    async def moved(self) -> dict[tuple[str, str, str], Money]:
        keys = [i.kind, sa.func.coalesce(i.code, ""), sa.func.coalesce(i.status, "")]
        pence = sa.func.coalesce(sa.func.sum(i.amount_pence), 0)
        query = sa.select(*keys, sa.func.count(), pence).select_from(_ITEMS)
        query = query.where(
            self.relevant,
            i.kind.in_([kind.value for kind in MOVED]),
            i.due >= self.period.start,
            i.due < self.period.end,
        )
        rows = await self._rows(query.group_by(*keys))
        return {(kind, code, status): (n, int(p)) for kind, code, status, n, p in rows}

    async def informal(self) -> tuple[int, int, int]:
        later = report_stages.alias("later")
        formal = sa.exists().where(later.c.complaint_id == c.id, later.c.stage >= 1)
        resolved = sa.exists().where(
            later.c.complaint_id == c.id,
            later.c.closed_at.is_not(None),
            sa.or_(later.c.closure_reason.is_(None), later.c.closure_reason != _WITHDRAWN),
        )
        query = sa.select(
            sa.func.count(),
            sa.func.coalesce(sa.func.sum(sa.case((formal, 1), else_=0)), 0),
            sa.func.coalesce(sa.func.sum(sa.case((sa.and_(~formal, resolved), 1), else_=0)), 0),
        ).where(
            self.relevant,
            c.logged_stage == 0,
            c.declined_at.is_(None),
            _in(c.received_at, self.period),
        )
        received, became_formal, resolved_informally = (await self._rows(query))[0]
        return int(received), int(became_formal), int(resolved_informally)

    async def declined(self) -> Counter[str | None]:
        rows = await self._grouped(report_complaints, [c.decline_reason],
                                   _in(c.declined_at, self.period))  # fmt: skip
        return Counter(dict(rows))

    async def late_acceptances(self) -> Counter[str]:
        rows = await self._grouped(
            report_complaints, [c.late_acceptance],
            c.late_acceptance.is_not(None), _in(c.received_at, self.period),
        )  # fmt: skip
        return Counter(dict(rows))

    async def received_complaints(self) -> Counter[tuple[str, str, str]]:
        rows = await self._grouped(
            report_complaints, [c.category, c.channel, _TENURE],
            _in(c.received_at, self.period), c.declined_at.is_(None),
        )  # fmt: skip
        return Counter({(category, channel, tenure): n for category, channel, tenure, n in rows})

    async def remedies(self) -> Counter[str]:
        """The remedies named in the period's responses, by label (as written)."""
        if self.conn.dialect.name == "postgresql":
            label = sa.func.json_array_elements_text(s.remedies).table_valued("value")
        else:
            label = sa.func.json_each(s.remedies).table_valued("value")
        query = (
            sa.select(label.c.value, sa.func.count()).select_from(_STAGES).join(label, sa.true())
        )
        query = query.where(self.relevant, _in(s.responded_at, self.period))
        rows = await self._rows(query.group_by(label.c.value))
        return Counter({str(value): n for value, n in rows})

    async def worded(self, kinds: frozenset[ItemKind]) -> tuple[Any, ...]:
        if not kinds:
            return ()
        raw = self.conn.dialect.name == "postgresql"
        query = sa.select(*readable(ITEM_COLUMNS, raw)).select_from(_ITEMS)
        query = query.where(
            self.relevant,
            i.kind.in_(sorted(kind.value for kind in kinds)),
            _in(i.occurred_at, self.period),
        )
        query = query.order_by(i.kind, i.complaint_id, i.version)
        return tuple(item_facts(*row) for row in await self._rows(query))
