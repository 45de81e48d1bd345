"""The shapes every report figure takes, and the small arithmetic they share.

A share is never only a percentage: `Ratio` carries the count it is made of and the count it is a
share of, so a reader (or a regulator) can check it and add figures up.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Iterable
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
    counter = Counter(keys)
    for key in every:
        counter.setdefault(key, 0)
    return [Count(key, n) for key, n in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))]


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


def spread(values: Iterable[int]) -> Spread:
    ordered = sorted(values)
    if not ordered:
        return Spread(count=0, median=None, percentile_90=None)
    rank = math.ceil(0.9 * len(ordered))
    return Spread(
        count=len(ordered),
        median=float(statistics.median(ordered)),
        percentile_90=ordered[rank - 1],
    )
