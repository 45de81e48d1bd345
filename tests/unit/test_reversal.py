"""Reversing money: a payment that failed, or a payment or an offset recorded in error, is undone
by a fact of its own, up to what was paid (or offset) on the offer and not yet reversed. The offer
is then outstanding again by as much and may be paid again; like every compensation fact, a
reversal may follow the closure or the decline."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given as hypothesis_given
from hypothesis import strategies as st

from app.domain.complaint.commands import Command, ReverseCompensation
from app.domain.complaint.errors import (
    BeyondOffer,
    BeyondSettled,
    InvalidAmount,
    InvalidPaymentDate,
    OffsetCannotFail,
    UnknownOffer,
)
from app.domain.complaint.events import (
    ClosureReason,
    CompensationAccepted,
    CompensationReversed,
    ComplaintEvent,
    ReversalReason,
    Settlement,
)
from app.domain.complaint.state import CompensationOffer, ComplaintState
from app.domain.policies.builtin import BUILTIN_POLICIES
from tests.unit.scenario import closed, declined, given, uk, when
from tests.unit.test_compensation import LOGGED, RESPONDED, offered
from tests.unit.test_money import ACCEPTED, JLIVING, TODAY, offset, pay, pinned

PAID: tuple[ComplaintEvent, ...] = (*ACCEPTED, *when(given(*ACCEPTED), pay(10_000)))
LATER = TODAY + timedelta(hours=10)


def reverse(
    pence: int = 10_000,
    settled_by: Settlement = Settlement.payment,
    reason: ReversalReason = ReversalReason.payment_failed,
    reversed_on: date = date(2026, 12, 23),
    offer_id: str = "C-1",
) -> ReverseCompensation:
    return ReverseCompensation(occurred_at=LATER, offer_id=offer_id, amount_pence=pence,
                               settled_by=settled_by, reversed_on=reversed_on, reason=reason,
                               explanation="The transfer came back.")  # fmt: skip


def offer_after(*events: ComplaintEvent) -> CompensationOffer:
    state = given(*events)
    assert state is not None
    (offer,) = state.compensation
    return offer


def test_a_failed_payment_is_reversed_and_the_offer_is_payable_again() -> None:
    events = when(given(*PAID), reverse())
    assert events == [
        CompensationReversed(occurred_at=LATER, offer_id="C-1", amount_pence=10_000,
                             settled_by=Settlement.payment, reversed_on=date(2026, 12, 23),
                             reason=ReversalReason.payment_failed,
                             explanation="The transfer came back.")
    ]  # fmt: skip
    money = offer_after(*PAID, *events)
    assert (money.paid_pence, money.reversed_pence, money.outstanding_pence) == (0, 10_000, 25_000)
    # The day of the payment reversed stays: it happened, and failed.
    assert money.last_paid_on == date(2026, 12, 22)
    again = when(given(*PAID, *events), replace(pay(25_000), occurred_at=LATER))
    assert offer_after(*PAID, *events, *again).outstanding_pence == 0


def test_a_part_is_reversed_and_never_more_than_is_left_paid() -> None:
    first = when(given(*PAID), reverse(4_000, reason=ReversalReason.recorded_in_error))
    assert offer_after(*PAID, *first).paid_pence == 6_000
    with pytest.raises(BeyondSettled) as refused:
        when(given(*PAID, *first), reverse(6_001))
    assert refused.value.code == "more-than-settled"
    assert refused.value.fields == {"settled_by": "payment", "settled_pence": 6_000}
    assert "6000 pence paid" in refused.value.message
    assert len(when(given(*PAID, *first), reverse(6_000))) == 1


@pytest.mark.parametrize(
    "history",
    [PAID, ACCEPTED, (*RESPONDED, offered(uk(2026, 12, 18, 12)))],
    ids=["offset-of-a-paid-offer", "nothing-paid", "offer-not-accepted"],
)
def test_nothing_settled_is_nothing_to_reverse(history: tuple[ComplaintEvent, ...]) -> None:
    settled_by = Settlement.offset if history is PAID else Settlement.payment
    with pytest.raises(BeyondSettled) as refused:
        when(given(*history), reverse(1, settled_by, ReversalReason.recorded_in_error))
    assert refused.value.fields == {"settled_by": settled_by.value, "settled_pence": 0}


def test_an_offset_recorded_in_error_is_reversed_where_offsets_are_allowed() -> None:
    state = pinned(ACCEPTED)
    done = when(state, offset(15_000), policy=JLIVING)
    state = pinned([*ACCEPTED, *done])
    with pytest.raises(BeyondSettled):
        when(state, reverse(15_001, Settlement.offset, ReversalReason.other), policy=JLIVING)
    undone = when(state, reverse(15_000, Settlement.offset, ReversalReason.recorded_in_error),
                  policy=JLIVING)  # fmt: skip
    (money,) = pinned([*ACCEPTED, *done, *undone]).compensation
    assert (money.offset_pence, money.reversed_pence, money.outstanding_pence) == (
        0,
        15_000,
        25_000,
    )


def test_without_offsets_an_offset_reversal_finds_nothing_under_every_other_policy() -> None:
    for policy in BUILTIN_POLICIES.all():
        if policy.arrears_offset_allowed:
            continue
        state = pinned(PAID, policy)
        with pytest.raises(BeyondSettled):
            when(state, reverse(1, Settlement.offset, ReversalReason.other), policy=policy)
        assert len(when(state, reverse(), policy=policy)) == 1


def test_an_offset_does_not_fail() -> None:
    with pytest.raises(OffsetCannotFail) as refused:
        when(pinned(PAID), reverse(1, Settlement.offset), policy=JLIVING)
    assert refused.value.code == "offset-cannot-fail"


@pytest.mark.parametrize("pence", [0, -5, True], ids=["zero", "negative", "bool"])
def test_the_amount_is_positive(pence: int) -> None:
    with pytest.raises(InvalidAmount):
        when(given(*PAID), reverse(pence))


def test_an_unknown_offer_is_refused() -> None:
    with pytest.raises(UnknownOffer):
        when(given(*PAID), reverse(offer_id="C-9"))


@pytest.mark.parametrize(
    ("reversed_on", "why"),
    [(date(2026, 12, 17), "the day of the offer"), (date(2026, 12, 24), "the day it is recorded")],
    ids=["before-the-offer", "after-recording"],
)
def test_the_day_reversed_lies_between_the_offer_and_the_record(
    reversed_on: date, why: str
) -> None:
    with pytest.raises(InvalidPaymentDate) as refused:
        when(given(*PAID), reverse(reversed_on=reversed_on))
    assert refused.value.fields == {"field": "reversed_on"}
    assert why in refused.value.message


def test_reversed_after_the_closure_and_after_a_decline() -> None:
    after_closure = (*PAID, closed(uk(2026, 12, 23, 11), ClosureReason.resolved))
    assert len(when(given(*after_closure), reverse())) == 1
    start = (LOGGED, offered(uk(2026, 12, 14, 12)),
             CompensationAccepted(occurred_at=uk(2026, 12, 15), offer_id="C-1"))  # fmt: skip
    paid = when(given(*start), pay(5_000, date(2026, 12, 16), at=uk(2026, 12, 16)))
    after_decline = (*start, *paid, declined(uk(2026, 12, 17)))
    assert len(when(given(*after_decline), reverse(5_000))) == 1


@hypothesis_given(
    st.lists(st.tuples(st.sampled_from(["pay", "offset", "reverse payment", "reverse offset"]),
                       st.integers(1, 30_000)), max_size=10)
)  # fmt: skip
def test_whatever_is_asked_the_money_adds_up(asks: list[tuple[str, int]]) -> None:
    """Any run of payments, offsets and reversals: each accepted only while it fits, never below
    nothing paid nor beyond the offer, and what is outstanding is what was offered less the rest."""
    history: list[ComplaintEvent] = list(ACCEPTED)
    moved = {Settlement.payment: 0, Settlement.offset: 0}
    undone = 0
    for i, (ask, pence) in enumerate(asks):
        at = TODAY + timedelta(minutes=i)
        state: ComplaintState = pinned(history)
        settled_by = Settlement.offset if ask.endswith("offset") else Settlement.payment
        command: Command
        if ask.startswith("reverse"):
            command = replace(reverse(pence, settled_by, ReversalReason.recorded_in_error),
                              occurred_at=at)  # fmt: skip
        elif ask == "pay":
            command = pay(pence, at=at)
        else:
            command = replace(offset(pence), occurred_at=at)
        sign = -1 if ask.startswith("reverse") else 1
        try:
            history += when(state, command, policy=JLIVING)
        except BeyondOffer:
            assert sum(moved.values()) + pence > 25_000
            continue
        except BeyondSettled:
            assert pence > moved[settled_by]
            continue
        moved[settled_by] += sign * pence
        undone += pence if sign < 0 else 0
    (money,) = pinned(history).compensation
    assert (money.paid_pence, money.offset_pence) == (moved[Settlement.payment],
                                                      moved[Settlement.offset])  # fmt: skip
    assert money.reversed_pence == undone
    assert min(money.paid_pence, money.offset_pence) >= 0
    assert money.outstanding_pence == 25_000 - money.paid_pence - money.offset_pence >= 0
