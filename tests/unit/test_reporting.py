"""The pure parts of the reports: shares and spreads, periods in London time, the facts of a
complaint (clock stops, reopening, the Code's deadline), the words shown and to whom, CSV and
charts. No database."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from app.domain.clocks.calendar import WorkingCalendar
from app.domain.clocks.deadlines import RESPONSE, stage_clocks
from app.domain.complaint.events import (
    ClockRestarted,
    ClockStopped,
    ClosureReason,
    ComplaintEvent,
    EscalationRefused,
    ExtensionAgreed,
    LearningRecorded,
    Reopened,
    StopReasonCategory,
)
from app.domain.complaint.evolve import fold
from app.domain.policies.builtin import HOC_2024
from app.domain.reporting.annual import annual
from app.domain.reporting.code_compliance import code_compliance
from app.domain.reporting.facts import ItemKind, complaint_facts
from app.domain.reporting.figures import MAX_TEXT, normalise_text, ratio, spread, text_counts
from app.domain.reporting.period import Period, reporting_year
from app.domain.reporting.selection import (
    Acknowledgement,
    ReportData,
    Timeliness,
    acknowledgement,
    code_timeliness,
    policy_timeliness,
)
from app.domain.reporting.selection import response_missed as missed
from app.domain.reporting.tallies import tallies_of
from app.domain.reporting.wording import WITHHELD, Wording, words_of
from app.projections.reports import rows_of
from app.rendering.charts import Bar, bar_chart
from app.rendering.flat import flatten, to_csv
from app.services.privacy import NO_PERSONAL_DATA, OPERATOR, Reader
from app.services.reports import _changed_days, _covers, shown_kinds
from tests.unit.scenario import (
    ACKNOWLEDGED,
    ENGLAND,
    ESCALATION_REQUESTED,
    LOGGED,
    RESPONDED,
    closed,
    responded,
    uk,
)

STOPS = replace(HOC_2024, id="stops", name="Stops", clock_stopping_allowed=True)
REOPENS = replace(HOC_2024, id="reopens", name="Reopens", reopening_allowed=True)


class TestFigures:
    def test_a_share_keeps_its_counts_and_rounds_half_to_even(self) -> None:
        assert (ratio(13, 16).numerator, ratio(13, 16).denominator) == (13, 16)
        assert (ratio(13, 16).percent, ratio(1, 3).percent, ratio(2, 3).percent) == (
            81.2,
            33.3,
            66.7,
        )
        assert ratio(0, 0).percent is None
        with pytest.raises(ValueError, match="share"):
            ratio(3, 2)

    @pytest.mark.parametrize(
        ("values", "median", "p90"),
        [([], None, None), ([7], 7.0, 7), (list(range(1, 11)), 5.5, 9), ([3, 1, 2], 2.0, 3),
         (list(range(1, 21)), 10.5, 18)],
    )  # fmt: skip
    def test_median_and_nearest_rank_90th_percentile(
        self, values: list[int], median: float | None, p90: int | None
    ) -> None:
        result = spread(Counter(values))
        assert (result.count, result.median, result.percentile_90) == (len(values), median, p90)

    def test_landlord_text_is_grouped_by_wording_and_cut(self) -> None:
        assert [(t.text, t.count) for t in text_counts(["a  b", "a b", " ", None, "c"])] == [
            ("a b", 2),
            ("c", 1),
        ]
        assert len(normalise_text("x" * 500)) == MAX_TEXT


class TestPeriods:
    def test_a_day_is_a_london_day_in_summer_time(self) -> None:
        year = reporting_year(2025)
        assert (year.start, year.end) == (date(2025, 4, 1), date(2026, 4, 1))
        # 00:30 BST on 1 April 2025 is 23:30 UTC on 31 March: in the year.
        assert year.holds(datetime(2025, 3, 31, 23, 30, tzinfo=UTC))
        # 23:30 BST on 31 March 2025 is 22:30 UTC: not.
        assert not year.holds(datetime(2025, 3, 31, 22, 30, tzinfo=UTC))
        assert year.holds(datetime(2026, 3, 31, 22, 30, tzinfo=UTC))
        assert not year.holds(datetime(2026, 3, 31, 23, 30, tzinfo=UTC))
        assert not year.holds(None)

    def test_an_empty_period_is_refused(self) -> None:
        with pytest.raises(ValueError, match="end after"):
            Period(date(2025, 4, 1), date(2025, 4, 1))


class TestFacts:
    def test_clock_stops_move_the_policy_deadline_but_not_the_codes(self) -> None:
        logged = replace(LOGGED, policy_id=STOPS.id)
        events: list[ComplaintEvent] = [
            logged,
            ACKNOWLEDGED,  # 3 March 2026: due 17 March
            ClockStopped(occurred_at=uk(2026, 3, 5), stage=1,
                         reason_category=StopReasonCategory.awaiting_resident, reason="r"),
            ClockRestarted(occurred_at=uk(2026, 3, 10), stage=1, reason=None),
            responded(uk(2026, 3, 19)),
        ]  # fmt: skip
        state = fold(events)
        assert state is not None
        facts = complaint_facts("c-1", state, events, STOPS, ENGLAND)
        (stage,) = facts.stages
        clock = stage_clocks(state, state.stages[0], STOPS, ENGLAND, uk(2026, 3, 20))[RESPONSE]
        # Stopped 6, 9 and 10 March (the stop day ran, the restart day did not): 3 working days.
        assert stage.response_due == clock.due == date(2026, 3, 20)
        assert stage.code_response_due == date(2026, 3, 17)
        assert policy_timeliness(stage) is Timeliness.on_time
        assert code_timeliness(stage) is Timeliness.late
        assert stage.working_days_to_respond == 13

    def test_a_reopened_stage_is_a_new_record_closed_apart(self) -> None:
        events: list[ComplaintEvent] = [
            replace(LOGGED, policy_id=REOPENS.id),
            ACKNOWLEDGED,
            responded(uk(2026, 3, 10)),
            closed(uk(2026, 3, 12), ClosureReason.resolved),
            Reopened(occurred_at=uk(2026, 4, 1), stage=1, reason="The repair failed"),
            closed(uk(2026, 4, 2), ClosureReason.withdrawn),
        ]
        state = fold(events)
        assert state is not None
        first, again = complaint_facts("c-1", state, events, REOPENS, ENGLAND).stages
        assert (first.reopened, first.closed_at, first.ended_at) == (
            False,
            uk(2026, 3, 12),
            uk(2026, 3, 12),
        )
        assert (again.reopened, again.started_at, again.closure_reason) == (
            True,
            uk(2026, 4, 1),
            ClosureReason.withdrawn,
        )
        data = ReportData.of([complaint_facts("c-1", state, events, REOPENS, ENGLAND)])
        april = Period(date(2026, 4, 1), date(2026, 5, 1))
        assert data.received(april) == []  # a reopening is not a new complaint

    def test_an_acknowledgement_not_made_is_late_only_once_its_day_passed(self) -> None:
        state = fold([LOGGED])  # received Monday 2 March 2026: due 9 March
        assert state is not None
        only: list[ComplaintEvent] = [LOGGED]
        (stage,) = complaint_facts("c-1", state, only, HOC_2024, ENGLAND).stages
        assert acknowledgement(stage, date(2026, 3, 9)) is Acknowledgement.not_due
        assert acknowledgement(stage, date(2026, 3, 10)) is Acknowledgement.late

    @pytest.mark.parametrize(
        ("answered", "acknowledgement_is", "response_missed"),
        [
            # Answered on the acknowledgement's due day: it was never owed after that.
            ([responded(uk(2026, 3, 9, 23))], Acknowledgement.not_due, False),
            # Answered after it: no acknowledgement can follow, so it is missed.
            ([responded(uk(2026, 3, 10))], Acknowledgement.missed, False),
            # Withdrawn after the response's due day (23 March, 10 working days from the
            # acknowledgement's deadline): both missed.
            ([closed(uk(2026, 3, 24), ClosureReason.withdrawn)], Acknowledgement.missed, True),
            ([closed(uk(2026, 3, 23), ClosureReason.withdrawn)], Acknowledgement.missed, False),
        ],
        ids=["answered-on-the-day", "answered-after", "withdrawn-after", "withdrawn-on-due-day"],
    )
    def test_a_step_never_taken_is_missed_once_its_wait_ended_past_due(
        self,
        answered: list[ComplaintEvent],
        acknowledgement_is: Acknowledgement,
        response_missed: bool,
    ) -> None:
        events: list[ComplaintEvent] = [LOGGED, *answered]
        state = fold(events)
        assert state is not None
        (stage,) = complaint_facts("c-1", state, events, HOC_2024, ENGLAND).stages
        assert stage.response_due == date(2026, 3, 23)
        assert acknowledgement(stage, date(2026, 6, 1)) is acknowledgement_is
        assert missed(stage) is response_missed


class TestWords:
    """Reasons and lessons are personal free text: the projection holds none, a report lists them
    from the events for a reader the catalogue lets see them, and counts them for everyone."""

    EVENTS: list[ComplaintEvent] = [
        LOGGED,
        ACKNOWLEDGED,
        ExtensionAgreed(
            occurred_at=uk(2026, 3, 5),
            stage=1,
            response_due=date(2026, 3, 31),
            reason="other",
            explanation="Survey",
        ),
        RESPONDED,
        ESCALATION_REQUESTED,
        EscalationRefused(
            occurred_at=uk(2026, 3, 17),
            stage=2,
            reason="legal_proceedings",
            explanation="Answered in full",
        ),
        LearningRecorded(
            occurred_at=uk(2026, 3, 18), root_cause="Missed survey", lesson="Book early",
            improvement="Survey slots held weekly",
        ),
    ]  # fmt: skip
    WORDS = ("Survey", "Answered in full", "Missed survey", "Book early", "Survey slots held")

    def facts(self) -> ReportData:
        state = fold(self.EVENTS)
        assert state is not None
        facts = complaint_facts("c-1", state, self.EVENTS, HOC_2024, ENGLAND)
        rows = str(rows_of(facts))
        assert [w for w in self.WORDS if w in rows] == []
        return ReportData.of([facts])

    def wording(self, data: ReportData, shown: frozenset[ItemKind]) -> Wording:
        """What the service reads: each item's words from the event at its version."""
        words = {
            (i.complaint_id, i.version): words_of(i.kind, self.EVENTS[i.version - 1])
            for i in data.items
            if i.kind in shown
        }
        return Wording(shown=shown, words=words)

    def test_the_catalogue_decides_who_reads_which_words(self) -> None:
        assert shown_kinds(OPERATOR) == {
            ItemKind.extension,
            ItemKind.escalation_refusal,
            ItemKind.learning,
        }
        assert shown_kinds(NO_PERSONAL_DATA) == frozenset()  # an analyst
        # A resident's portal may read what it was told, not the landlord's lessons.
        portal = Reader(personal=True, internal=False)
        assert shown_kinds(portal) == {ItemKind.extension, ItemKind.escalation_refusal}

    def test_words_are_listed_only_when_shown_and_counts_never_change(self) -> None:
        data = self.facts()
        april = Period(date(2026, 3, 1), date(2026, 4, 1))
        everything = self.wording(data, shown_kinds(OPERATOR))
        counted = tallies_of(data, april, date(2026, 4, 1), worded=everything.shown)
        code = code_compliance(counted, april, landlord="l", today=date(2026, 4, 1),
                               wording=everything)  # fmt: skip
        hidden = code_compliance(
            tallies_of(data, april, date(2026, 4, 1)), april, landlord="l", today=date(2026, 4, 1)
        )
        assert [s.stage for s in code.stages] == [1, 2]
        ext, refusals = code.stages[0].extensions, code.escalations[0].refusals
        assert (ext.agreed, ext.text_shown, [(r.text, r.count) for r in ext.reasons]) == (
            1,
            True,
            [("Survey", 1)],
        )
        assert [r.text for r in refusals.reasons] == ["Answered in full"]
        assert (refusals.refused, refusals.explained.numerator) == (1, 0)  # nobody was told
        assert [(c.key, c.count) for c in refusals.by_ground] == [("legal_proceedings", 1)]
        hidden_ext, hidden_refusals = hidden.stages[0].extensions, hidden.escalations[0].refusals
        assert (hidden_ext.agreed, hidden_ext.text_shown, hidden_ext.reasons) == (1, False, [])
        assert (hidden_refusals.refused, hidden_refusals.text_shown) == (1, False)
        assert hidden_refusals.explained == refusals.explained

        year = reporting_year(2025)
        learnt = annual(
            tallies_of(data, year, year.end, worded=everything.shown), 2025, landlord="l",
            wording=everything,
        ).learning  # fmt: skip
        assert (learnt.recorded, learnt.text_shown) == (1, True)
        (group,) = learnt.by_root_cause
        assert (group.root_cause, group.count) == ("Missed survey", 1)
        assert [(x.lesson, x.improvement) for x in group.lessons] == [
            ("Book early", "Survey slots held weekly")
        ]
        withheld = annual(
            tallies_of(data, year, year.end), 2025, landlord="l", wording=WITHHELD
        ).learning
        assert (withheld.recorded, withheld.text_shown, withheld.by_root_cause) == (1, False, [])

    def test_an_event_not_of_the_kind_has_no_words(self) -> None:
        assert words_of(ItemKind.extension, self.EVENTS[-1]) == {}


class TestCsv:
    def test_list_items_are_named_and_formulas_defused(self) -> None:
        document = {
            "stages": [{"stage": 1, "share": {"numerator": 1, "denominator": 2, "percent": 50.0}}],
            "reasons": [{"text": "=HYPERLINK(1)", "count": 2}],
            "rate": {"count": 3, "homes": 1000, "per_1000_homes": 3.0},
            "lessons": [{"lesson": "-1 day", "count": 1}],
        }
        assert [row for row, _ in flatten(document)] == [
            ("stages[1].share", 1, 2, 50.0, None),
            ("reasons[=HYPERLINK(1)].count", None, None, None, 2),
            ("rate", 3, 1000, None, 3.0),
            ("lessons[0].lesson", None, None, None, "-1 day"),
            ("lessons[0].count", None, None, None, 1),
        ]
        # A cell is a formula only if it starts with one: the path never does; a value may.
        assert "lessons[0].lesson,,,,'-1 day," in to_csv(document)
        # Units, and booleans as JSON writes them.
        lines = to_csv({"amount_pence": 5, "shown": False, "due": "2026-03-27"}).splitlines()
        assert lines[1:] == ["amount_pence,,,,5,pence", "shown,,,,false,", "due,,,,2026-03-27,date"]


class TestCharts:
    def test_bars_are_as_long_as_their_values_and_carry_their_numbers(self) -> None:
        svg = bar_chart("T & co", [Bar("a", 5, "5 (50%)"), Bar("b", 10, "10")], axis_label="n")
        assert 'width="190.0"' in svg  # 5 of an axis running to 10, over 380 pixels
        assert 'width="380.0"' in svg
        assert "5 (50%)" in svg
        assert "T &amp; co" in svg
        assert bar_chart("T", [], axis_label="n") == ""  # nothing to draw: the page says so
        assert bar_chart("T", [Bar("a", 0, "0")], axis_label="n") == ""
        assert bar_chart("T", [Bar("a", 0, "-£5.00")], axis_label="n") != ""  # a net loss
        assert "No data" in bar_chart("T", [], axis_label="%", fixed_max=100)


class TestCalendarChanges:
    def test_only_spans_holding_a_changed_day_are_rewritten(self) -> None:
        closed_day = date(2025, 12, 29)
        after = WorkingCalendar(closures=frozenset({closed_day}))
        changed = _changed_days(ENGLAND, after, date(2025, 12, 1), date(2026, 1, 31))
        assert changed == [closed_day]
        assert _covers(changed, date(2025, 12, 20), date(2025, 12, 29))
        assert not _covers(changed, date(2025, 12, 30), date(2026, 1, 10))
