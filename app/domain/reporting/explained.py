"""Whether the resident was told: the self-assessment's "explained?" figures for extensions and
refusals to escalate, counted from the facts the log holds.

An extension or a refusal counts as explained when a `resident_informed` about it was recorded
after it, and before the next of its kind in the same complaint (each one is told of separately).
The reason for it is a code from the pinned policy, counted by code; the words the resident was
given are personal text, sealed at rest, and listed only where the reader may see them
(app/domain/reporting/wording.py)."""

from __future__ import annotations

from collections.abc import Sequence

from app.domain.complaint.events import InformedOf
from app.domain.complaint.events.vocabulary import NOT_RECORDED
from app.domain.reporting.figures import Count, Ratio, counts, ratio
from app.domain.reporting.items import ItemFacts, ItemKind
from app.domain.reporting.selection import ReportData

_ABOUT = {ItemKind.extension: InformedOf.extension,
          ItemKind.escalation_refusal: InformedOf.escalation_refusal}  # fmt: skip


def explained(data: ReportData, counted: Sequence[ItemFacts]) -> Ratio:
    """Of `counted` (all of one kind), how many the resident was told of."""
    if not counted:
        return ratio(0, 0)
    kind = counted[0].kind
    about = _ABOUT[kind].value
    told = 0
    for item in counted:
        later = [i for i in data.items if i.complaint_id == item.complaint_id
                 and i.version > item.version]  # fmt: skip
        following = min((i.version for i in later if i.kind is kind), default=None)
        if any(
            i.kind is ItemKind.informed
            and i.code == about
            and (following is None or i.version < following)
            for i in later
        ):
            told += 1
    return ratio(told, len(counted))


def by_code(counted: Sequence[ItemFacts]) -> list[Count]:
    """How many of each reason code (`not_recorded` for those recorded before the codes)."""
    return counts(i.code or NOT_RECORDED for i in counted)
