"""The rows of a report's counting statement (app/projections/report_tallies.py) read back into
`Tallies`: each row is (count, six keys as text, how many, pence), the keys as the statement wrote
them (`"1"`/`"0"` for a flag, numbers as text, null for none)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from app.domain.complaint.events.vocabulary import NOT_RECORDED
from app.domain.reporting.facts import ItemKind
from app.domain.reporting.selection import Acknowledgement, Timeliness
from app.domain.reporting.tallies import Money, Tallies

Row = tuple[Any, ...]  # key 1 .. key 6, how many, pence (by count name)


def _int(text: str | None) -> int | None:
    return None if text is None else int(text)


def tallies_of_rows(rows: dict[str, list[Row]]) -> Tallies:
    def counted(name: str, key: Callable[..., Any]) -> Counter[Any]:
        found: Counter[Any] = Counter()
        for *keys, n, _ in rows.get(name, []):
            found[key(*keys)] += n
        return found

    def money(name: str, key: Callable[..., Any]) -> dict[Any, Money]:
        found: dict[Any, Money] = {}
        for *keys, n, pence in rows.get(name, []):
            at = key(*keys)
            if at is not None:
                was = found.get(at, (0, 0))
                found[at] = (was[0] + n, was[1] + int(pence))
        return found

    def items(kind: ItemKind, key: Callable[..., Any]) -> Counter[Any]:
        return counted("items", lambda k, *rest: key(*rest) if k == kind.value else None)

    def told(kind: ItemKind) -> Counter[Any]:
        return counted(
            "told",
            lambda k, stage, code, flag, *_: (
                (_int(stage), code or NOT_RECORDED, flag == "1") if k == kind.value else None
            ),
        )

    def code(_stage: Any, code: str | None, *_: Any) -> str:
        return code or ""

    def drop_none(counter: Counter[Any]) -> Counter[Any]:
        counter.pop(None, None)
        return counter

    informal = counted("informal", lambda formal, resolved, *_: (formal, resolved))
    return Tallies(
        received=counted(
            "received",
            lambda stage, tenure, ack, before, *_: (
                int(stage),
                tenure,
                Acknowledgement(ack),
                before == "1",
            ),
        ),
        informal_stages=frozenset(int(keys[0]) for keys in rows.get("informal_stages", [])),
        responded=counted(
            "responded",
            lambda stage, tenure, policy, code, outcome, days: (
                int(stage),
                tenure,
                Timeliness(policy),
                None if code is None else Timeliness(code),
                outcome,
                _int(days),
            ),
        ),
        missed=counted("missed", lambda stage, *_: int(stage)),
        last_closures=counted(
            "last_closures", lambda stage, withdrawn, *_: (int(stage), withdrawn == "1")
        ),
        open_at_end=counted("open_at_end", lambda stage, late, *_: (int(stage), late == "1")),
        reopened=sum(counted("reopened", lambda *_: 0).values()),
        extensions=drop_none(told(ItemKind.extension)),
        stages_extended=counted("stages_extended", lambda stage, *_: _int(stage)),
        requests=drop_none(
            items(ItemKind.escalation_request, lambda stage, _c, status, *_: (_int(stage), status))
        ),
        refusals=drop_none(told(ItemKind.escalation_refusal)),
        informal_received=sum(informal.values()),
        informal_formal=sum(n for (formal, _), n in informal.items() if formal == "1"),
        informal_resolved=sum(n for (_, resolved), n in informal.items() if resolved == "1"),
        declined=counted("declined", lambda reason, *_: reason),
        late_acceptances=counted("late_acceptances", lambda reason, *_: reason),
        received_complaints=counted(
            "received_complaints", lambda category, channel, tenure, *_: (category, channel, tenure)
        ),
        remedies=counted("remedies", lambda label, *_: label),
        satisfaction=drop_none(items(ItemKind.satisfaction, code)),
        evidence=drop_none(items(ItemKind.evidence_request, lambda _s, _c, _st, ev, *_: ev)),
        offers=money(
            "items",
            lambda kind, _s, code, status, *_: (
                (code or "", status or "") if kind == ItemKind.compensation.value else None
            ),
        ),
        moved=money("moved", lambda kind, code, status, *_: (kind, code or "", status or "")),
        learning=sum(drop_none(items(ItemKind.learning, lambda *_: 0)).values()),
        referrals=drop_none(items(ItemKind.referral, code)),
        determinations=drop_none(items(ItemKind.determination, code)),
    )
