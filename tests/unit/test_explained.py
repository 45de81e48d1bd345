"""The self-assessment's "explained?" figures count `resident_informed` facts: an extension or a
refusal is explained when the resident was told of it after it and before the next of its kind."""

from __future__ import annotations

from datetime import date

from app.domain.complaint.events import ComplaintEvent, ResidentInformed
from app.domain.complaint.events.vocabulary import ContactMethod, InformedOf
from app.domain.reporting.explained import at_stage, by_code, explained
from app.domain.reporting.items import fold_items
from app.domain.reporting.period import Period
from app.domain.reporting.selection import ReportData
from app.domain.reporting.tallies import tallies_of
from tests.unit.scenario import ACKNOWLEDGED, LOGGED, extension_agreed, uk

MARCH = Period(date(2026, 3, 1), date(2026, 4, 1))


def told(at_day: int, about: InformedOf = InformedOf.extension) -> ResidentInformed:
    return ResidentInformed(
        occurred_at=uk(2026, 3, at_day), stage=1, about=about, method=ContactMethod.email,
        summary=None,
    )  # fmt: skip


def figures(events: list[ComplaintEvent]) -> tuple[int, int, list[tuple[str, int]]]:
    items = fold_items("c1", events)
    data = ReportData(complaints={}, stages=(), items=items)
    extensions = at_stage(tallies_of(data, MARCH, date(2026, 4, 1)).extensions, 1)
    ratio = explained(extensions)
    return ratio.numerator, ratio.denominator, [(c.key, c.count) for c in by_code(extensions)]


def test_each_extension_counts_as_explained_once_the_resident_is_told_of_it() -> None:
    first = extension_agreed(uk(2026, 3, 5), date(2026, 3, 27))
    second = extension_agreed(uk(2026, 3, 12), date(2026, 4, 2))
    assert figures([LOGGED, ACKNOWLEDGED, first]) == (0, 1, [("other", 1)])
    assert figures([LOGGED, ACKNOWLEDGED, first, told(6)]) == (1, 1, [("other", 1)])
    # Told of the first only: the second is not explained by it.
    assert figures([LOGGED, ACKNOWLEDGED, first, told(6), second])[:2] == (1, 2)
    # Told once after both: only the latest is explained (each is told of separately).
    assert figures([LOGGED, ACKNOWLEDGED, first, second, told(13)])[:2] == (1, 2)
    # Being told of something else does not count.
    other = told(6, InformedOf.escalation_refusal)
    assert figures([LOGGED, ACKNOWLEDGED, first, other])[:2] == (0, 1)
