"""Whether the resident was told: the self-assessment's "explained?" figures for extensions and
refusals to escalate, from their tallies (tallies.py: (stage, code, explained) counted).

An extension or a refusal counts as explained when a `resident_informed` about it was recorded
after it, and before the next of its kind in the same complaint (each one is told of separately).
The reason for it is a code from the pinned policy, counted by code (`not_recorded` for those
recorded before the codes); the words the resident was given are personal text, sealed at rest,
and listed only where the reader may see them (app/domain/reporting/wording.py)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from app.domain.reporting.facts import ItemKind
from app.domain.reporting.figures import Count, Ratio, TextCount, ratio, tallied, text_counts
from app.domain.reporting.tallies import Tallies
from app.domain.reporting.wording import Wording

Told = Mapping[tuple[int | None, str, bool], int]


def at_stage(tally: Told, stage: int) -> Counter[tuple[str, bool]]:
    found: Counter[tuple[str, bool]] = Counter()
    for (at, code, told), n in tally.items():
        if at == stage:
            found[(code, told)] += n
    return found


def explained(counted: Mapping[tuple[str, bool], int]) -> Ratio:
    """Of the counted items, how many the resident was told of."""
    told = sum(n for (_, was_told), n in counted.items() if was_told)
    return ratio(told, sum(counted.values()))


def by_code(counted: Mapping[tuple[str, bool], int]) -> list[Count]:
    """How many of each reason code."""
    codes: Counter[str] = Counter()
    for (code, _), n in counted.items():
        codes[code] += n
    return tallied(codes)


def reasons(tallies: Tallies, wording: Wording, kind: ItemKind, stage: int) -> list[TextCount]:
    """What the resident was told of the period's items of `kind` at `stage`, grouped: only
    where `wording` shows that kind (else none: the counts above still stand)."""
    if kind not in wording.shown:
        return []
    return text_counts(
        wording.of(i, "explanation") for i in tallies.worded if i.kind is kind and i.stage == stage
    )
