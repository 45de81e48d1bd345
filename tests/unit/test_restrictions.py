"""Contact restrictions as the source policies describe them: said what and why, reviewed every
year, one challenge heard (upheld, it ends the restriction), in order, never after their end.
Every person is made up."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.complaint.events.vocabulary import ContactMethod, ErasureReason
from app.domain.errors import DomainError
from app.domain.restriction.commands import (
    Challenge,
    DecideChallenge,
    End,
    Erase,
    Impose,
    RestrictionCommand,
    Review,
)
from app.domain.restriction.decide import a_year_after, decide, possible
from app.domain.restriction.errors import (
    AlreadyChallenged,
    RestrictionRefused,
    RestrictionTermsInvalid,
)
from app.domain.restriction.events import EndReason, Measure, ReviewOutcome
from app.domain.restriction.state import RestrictionState, evolve, fold

T0 = datetime(2026, 3, 2, 10, tzinfo=UTC)
NOW = datetime(2027, 12, 31, tzinfo=UTC)
IMPOSE = Impose(
    occurred_at=T0,
    landlord="north-homes",
    resident_id="R-0001",
    measures=(Measure.single_point_of_contact, Measure.channels),
    contact_person="Priya Example",
    channels=(ContactMethod.email, ContactMethod.letter),
    reason="Forty calls a week to the repairs line about one closed case.",
)


def run(*commands: RestrictionCommand) -> RestrictionState:
    state: RestrictionState | None = None
    for command in commands:
        for event in decide(command, state, now=NOW):
            state = evolve(state, event)
    assert state is not None
    return state


def day(n: int) -> datetime:
    return T0 + timedelta(days=n)


def test_imposed_with_its_reason_and_a_review_a_year_on() -> None:
    state = run(IMPOSE)
    assert state.in_force
    assert state.review_due == date(2027, 3, 2)
    assert (state.contact_person, state.channels) == ("Priya Example", IMPOSE.channels)


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"measures": ()}, "which measures"),
        ({"reason": "  "}, "say why"),
        ({"contact_person": None}, "member of staff"),
        ({"channels": ()}, "channels allowed"),
        ({"measures": (Measure.set_times,)}, "the times"),
        ({"review_due": date(2027, 3, 3)}, "at least once a year"),
        ({"review_due": date(2026, 3, 2)}, "must fall after"),
    ],
)
def test_a_restriction_says_what_it_needs(change: dict[str, object], why: str) -> None:
    fields = {f: getattr(IMPOSE, f) for f in IMPOSE.__dataclass_fields__} | change
    with pytest.raises(RestrictionTermsInvalid, match=why):
        run(Impose(**fields))


def test_the_yearly_review_continues_it_a_year_on_or_ends_it() -> None:
    reviewed = run(IMPOSE, Review(occurred_at=day(360), outcome=ReviewOutcome.continued))
    assert reviewed.review_due == a_year_after(day(360).date())
    ended = run(IMPOSE, Review(occurred_at=day(360), outcome=ReviewOutcome.ended))
    assert not ended.in_force
    assert ended.review_due is None
    with pytest.raises(RestrictionRefused, match="has ended"):
        run(IMPOSE, Review(occurred_at=day(360), outcome=ReviewOutcome.ended),
            Challenge(occurred_at=day(361), grounds="No longer needed."))  # fmt: skip


def test_one_challenge_is_heard_and_upheld_it_ends_the_restriction() -> None:
    challenged = run(IMPOSE, Challenge(occurred_at=day(10), grounds="I only called twice."))
    assert challenged.challenge_pending
    with pytest.raises(AlreadyChallenged, match="heard once"):
        run(IMPOSE, Challenge(occurred_at=day(10), grounds="I only called twice."),
            Challenge(occurred_at=day(11), grounds="Again."))  # fmt: skip
    refused = run(
        IMPOSE,
        Challenge(occurred_at=day(10), grounds="I only called twice."),
        DecideChallenge(occurred_at=day(20), upheld=False, explanation="The log shows 40."),
    )
    assert refused.in_force
    assert not refused.challenge_pending
    with pytest.raises(AlreadyChallenged):
        decide(Challenge(occurred_at=day(30), grounds="Once more."), refused, now=NOW)
    upheld = run(
        IMPOSE,
        Challenge(occurred_at=day(10), grounds="I only called twice."),
        DecideChallenge(occurred_at=day(20), upheld=True, explanation="We miscounted."),
    )
    assert not upheld.in_force


def test_a_decision_needs_a_challenge_and_facts_come_in_order() -> None:
    with pytest.raises(RestrictionRefused, match="no challenge"):
        run(IMPOSE, DecideChallenge(occurred_at=day(1), upheld=True, explanation="-"))
    with pytest.raises(RestrictionRefused, match="in order"):
        run(IMPOSE, End(occurred_at=day(-1), reason=EndReason.withdrawn))
    with pytest.raises(RestrictionRefused, match="impose one first"):
        run(End(occurred_at=T0, reason=EndReason.withdrawn))
    with pytest.raises(DomainError):
        run(Impose(**{**{f: getattr(IMPOSE, f) for f in IMPOSE.__dataclass_fields__},
                      "occurred_at": NOW + timedelta(days=1)}))  # fmt: skip


def test_varied_between_reviews_and_erased() -> None:
    varied = run(
        IMPOSE,
        Impose(
            occurred_at=day(40),
            landlord="north-homes",
            resident_id="R-0001",
            measures=(Measure.acknowledge_only,),
            reason="Contact continued after the first measures.",
        ),
    )
    assert varied.measures == (Measure.acknowledge_only,)
    assert varied.version == 2
    erased = run(IMPOSE, Erase(occurred_at=day(50), reason=ErasureReason.request))
    assert erased.erased_at == day(50)
    with pytest.raises(RestrictionRefused, match="erased"):
        decide(Challenge(occurred_at=day(51), grounds="-"), erased, now=NOW)
    # Lifting it needs no words: an erased restriction can still end, and only that.
    assert possible(erased) == ["restriction_ended"]
    lifted = run(IMPOSE, Erase(occurred_at=day(50), reason=ErasureReason.request),
                 End(occurred_at=day(51), reason=EndReason.withdrawn))  # fmt: skip
    assert not lifted.in_force
    assert possible(lifted) == []


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)))
def test_a_year_after_is_a_year_on_even_from_29_february(on: date) -> None:
    after = a_year_after(on)
    assert after.year == on.year + 1
    assert (after.month, after.day) == (
        (2, 28) if (on.month, on.day) == (2, 29) else (on.month, on.day)
    )


@given(st.lists(st.booleans(), min_size=1, max_size=6))
def test_however_often_the_resident_asks_only_the_first_challenge_is_heard(
    attempts: list[bool],
) -> None:
    state: RestrictionState | None = fold(decide(IMPOSE, None, now=NOW))
    heard = 0
    for n, _ in enumerate(attempts, start=1):
        assert state is not None
        try:
            events = decide(Challenge(occurred_at=day(n), grounds="Please review."), state, now=NOW)
        except AlreadyChallenged:
            continue
        heard += 1
        for event in events:
            state = evolve(state, event)
    assert heard == 1
