"""The shapes every report figure takes, and the small arithmetic they share.

A share is never only a percentage: `Ratio` carries the count it is made of and the count it is a
share of, so a reader (or a regulator) can check it and add figures up.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# Landlord-written text is shown grouped, and cut to this length: a reason, not a case file.
MAX_TEXT = 200


@dataclass(frozen=True, slots=True)
class Ratio:
    """`numerator` out of `denominator`; `percent` is null when there is nothing to divide."""

    numerator: int
    denominator: int
    percent: float | None


def ratio(numerator: int, denominator: int) -> Ratio:
    if not 0 <= numerator <= denominator:
        raise ValueError(f"a share needs 0 <= {numerator} <= {denominator}")
    percent = None if denominator == 0 else round(100 * numerator / denominator, 1)
    return Ratio(numerator=numerator, denominator=denominator, percent=percent)


@dataclass(frozen=True, slots=True)
class Count:
    """How many of one kind (a category, a channel, a reason, ...)."""

    key: str
    count: int


@dataclass(frozen=True, slots=True)
class TextCount:
    """One wording of the landlord's own text and how many times it was given."""

    text: str
    count: int


@dataclass(frozen=True, slots=True)
class Amount:
    """How many, and how much in pence."""

    key: str
    count: int
    pence: int


def counts(keys: Iterable[str], *, every: Iterable[str] = ()) -> list[Count]:
    """Counts by key, most first (then by key); keys in `every` are listed even at zero."""
    return tallied(Counter(keys), every=every)


def tallied(counter: Mapping[str, int], *, every: Iterable[str] = ()) -> list[Count]:
    """`counts` of keys already counted."""
    found = {key: n for key, n in counter.items() if n}
    for key in every:
        found.setdefault(key, 0)
    return [Count(key, n) for key, n in sorted(found.items(), key=lambda kv: (-kv[1], kv[0]))]


def normalise_text(text: str) -> str:
    """Whitespace collapsed and cut to MAX_TEXT, so equal reasons group together."""
    words = " ".join(text.split())
    return words if len(words) <= MAX_TEXT else words[: MAX_TEXT - 1].rstrip() + "…"


def text_counts(texts: Iterable[str | None]) -> list[TextCount]:
    counter = Counter(normalise_text(t) for t in texts if t is not None and t.strip())
    return [TextCount(t, n) for t, n in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))]


@dataclass(frozen=True, slots=True)
class Spread:
    """A distribution of whole numbers (working days): how many, the median and the 90th
    percentile (nearest rank: the smallest value at least 90% of the values are at or below)."""

    count: int
    median: float | None
    percentile_90: int | None


def spread(values: Mapping[int, int]) -> Spread:
    """The spread of values given as how many times each was taken."""
    ordered = sorted((v, n) for v, n in values.items() if n)
    total = sum(n for _, n in ordered)
    if not total:
        return Spread(count=0, median=None, percentile_90=None)
    middle = (_nth(ordered, (total - 1) // 2) + _nth(ordered, total // 2)) / 2
    return Spread(
        count=total, median=float(middle), percentile_90=_nth(ordered, math.ceil(0.9 * total) - 1)
    )


def _nth(ordered: list[tuple[int, int]], index: int) -> int:
    """The value at `index` (from 0) of the values laid out in order."""
    for value, n in ordered:
        if index < n:
            return value
        index -= n
    raise IndexError(index)
