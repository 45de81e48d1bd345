"""Money as facts: an accepted offer is paid, in one payment or several, or set against the
resident's rent arrears where the pinned policy allows it and the resident agreed; payments and
offsets together never exceed the offer. Accepted is not paid. A credit to the rent account is a
payment only at the resident's request, under every policy."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given as hypothesis_given
from hypothesis import strategies as st

from app.domain.complaint.commands import OffsetCompensation, PayCompensation
from app.domain.complaint.errors import (
    BeyondOffer,
    InvalidAmount,
    InvalidPaymentDate,
    OfferNotAccepted,
    PolicyRuleBroken,
    RentCreditNotRequested,
    RequestWithoutRentCredit,
    UnknownOffer,
)
from app.domain.complaint.events import (
    ClosureReason,
    CompensationAccepted,
    CompensationDeclined,
    CompensationOffset,
    CompensationPaid,
    ComplaintEvent,
    ContactMethod,
    PaymentMethod,
)
from app.domain.complaint.evolve import fold
from app.domain.complaint.state import ComplaintState
from app.domain.policies.builtin import BUILTIN_POLICIES
from app.domain.policies.model import Policy
from app.events.codec import SCHEMA_VERSIONS, upcast
from app.events.upcasters import Data
from tests.unit.scenario import closed, declined, given, uk, when
from tests.unit.test_compensation import LOGGED, RESPONDED, offered

JLIVING = BUILTIN_POLICIES.get("jliving-2018", 1)
ACCEPTED: tuple[ComplaintEvent, ...] = (*RESPONDED, offered(uk(2026, 12, 18, 12)),
            CompensationAccepted(occurred_at=uk(2026, 12, 21), offer_id="C-1"))  # fmt: skip
TODAY = uk(2026, 12, 23)


def pay(pence: int = 25_000, paid_on: date = date(2026, 12, 22), offer_id: str = "C-1",
        at: datetime = TODAY) -> PayCompensation:  # fmt: skip
    return PayCompensation(occurred_at=at, offer_id=offer_id, amount_pence=pence,
                           paid_on=paid_on, method=PaymentMethod.bank_transfer)  # fmt: skip


def pinned(events: Iterable[ComplaintEvent], policy: Policy = JLIVING) -> ComplaintState:
    """The state after `events`, as logged under `policy` (decide refuses a policy not pinned)."""
    state = fold(events)
    assert state is not None
    return replace(state, policy_id=policy.id, policy_version=policy.version)


def offset(pence: int = 25_000, offset_on: date = date(2026, 12, 22),
           agreed_on: date = date(2026, 12, 21)) -> OffsetCompensation:  # fmt: skip
    return OffsetCompensation(occurred_at=TODAY, offer_id="C-1", amount_pence=pence,
                              offset_on=offset_on, agreed_on=agreed_on,
                              agreed_by=ContactMethod.phone)  # fmt: skip


def test_an_accepted_offer_is_paid() -> None:
    assert when(given(*ACCEPTED), pay()) == [
        CompensationPaid(occurred_at=TODAY, offer_id="C-1", amount_pence=25_000,
                         paid_on=date(2026, 12, 22), method=PaymentMethod.bank_transfer)
    ]  # fmt: skip


def test_paid_in_parts_up_to_the_offer_and_no_further() -> None:
    first = when(given(*ACCEPTED), pay(10_000))
    state = given(*ACCEPTED, *first)
    assert state is not None
    (money,) = state.compensation
    assert (money.paid_pence, money.outstanding_pence, money.last_paid_on) == (
        10_000, 15_000, date(2026, 12, 22)
    )  # fmt: skip
    with pytest.raises(BeyondOffer) as refused:
        when(state, pay(15_001))
    assert refused.value.code == "more-than-offered"
    assert "15000 pence" in refused.value.message
    assert len(when(state, pay(15_000))) == 1


@pytest.mark.parametrize(
    ("history", "status"),
    [
        ((*RESPONDED, offered(uk(2026, 12, 18, 12))), "awaiting the resident's answer"),
        ((*RESPONDED, offered(uk(2026, 12, 18, 12)),
          CompensationDeclined(occurred_at=uk(2026, 12, 21), offer_id="C-1")), "declined"),
    ],
    ids=["awaiting-answer", "declined"],
)  # fmt: skip
def test_only_an_accepted_offer_is_paid_or_offset(
    history: tuple[ComplaintEvent, ...], status: str
) -> None:
    commands: list[PayCompensation | OffsetCompensation] = [pay(), offset()]
    for command in commands:
        with pytest.raises(OfferNotAccepted) as refused:
            when(pinned(history), command, policy=JLIVING)
        assert refused.value.code == "offer-not-accepted"
        assert status in refused.value.message


def test_an_unknown_offer_is_refused() -> None:
    with pytest.raises(UnknownOffer):
        when(given(*ACCEPTED), pay(offer_id="C-9"))


@pytest.mark.parametrize("pence", [0, -5, True], ids=["zero", "negative", "bool"])
def test_the_amount_is_positive(pence: int) -> None:
    with pytest.raises(InvalidAmount):
        when(given(*ACCEPTED), pay(pence))


@pytest.mark.parametrize(
    ("paid_on", "why"),
    [(date(2026, 12, 17), "the day of the offer"), (date(2026, 12, 24), "the day it is recorded")],
    ids=["before-the-offer", "after-recording"],
)
def test_the_day_paid_lies_between_the_offer_and_the_record(paid_on: date, why: str) -> None:
    with pytest.raises(InvalidPaymentDate) as refused:
        when(given(*ACCEPTED), pay(paid_on=paid_on))
    assert refused.value.code == "invalid-payment-date"
    assert why in refused.value.message
    assert refused.value.message.startswith("paid_on")


def test_paid_after_the_closure_and_after_a_decline() -> None:
    after_closure = given(*ACCEPTED, closed(uk(2026, 12, 22), ClosureReason.resolved))
    assert len(when(after_closure, pay())) == 1
    after_decline = given(LOGGED, offered(uk(2026, 12, 14, 12)),
                          CompensationAccepted(occurred_at=uk(2026, 12, 15), offer_id="C-1"),
                          declined(uk(2026, 12, 16)))  # fmt: skip
    assert len(when(after_decline, pay())) == 1


def credit(
    requested_on: date | None = date(2026, 12, 21),
    requested_by: ContactMethod | None = ContactMethod.email,
    method: PaymentMethod = PaymentMethod.rent_account_credit,
) -> PayCompensation:
    return replace(pay(), method=method, requested_on=requested_on, requested_by=requested_by)


class TestRentAccountCredit:
    """Kept in the rent account on the landlord's own motion, compensation is set against what the
    resident owes: an offset, under another name. So a credit is a payment only when asked for."""

    @pytest.mark.parametrize(
        ("requested_on", "requested_by", "missing"),
        [(None, None, ["requested_on", "requested_by"]),
         (date(2026, 12, 21), None, ["requested_by"]),
         (None, ContactMethod.phone, ["requested_on"])],
        ids=["no-request", "no-how", "no-day"],
    )  # fmt: skip
    def test_refused_without_the_residents_request_under_every_policy(
        self, requested_on: date | None, requested_by: ContactMethod | None, missing: list[str]
    ) -> None:
        for policy in BUILTIN_POLICIES.all():
            with pytest.raises(RentCreditNotRequested) as refused:
                when(pinned(ACCEPTED, policy), credit(requested_on, requested_by), policy=policy)
            assert refused.value.code == "rent-credit-not-requested"
            assert refused.value.fields == {"missing": missing}

    def test_refused_before_any_rule_of_the_offer(self) -> None:
        # No state of the complaint would accept it: not even an offer that does not exist.
        with pytest.raises(RentCreditNotRequested):
            when(given(*ACCEPTED), replace(credit(None, None), offer_id="C-9"))

    def test_accepted_at_the_residents_request_under_every_policy(self) -> None:
        for policy in BUILTIN_POLICIES.all():
            assert when(pinned(ACCEPTED, policy), credit(), policy=policy) == [
                CompensationPaid(occurred_at=TODAY, offer_id="C-1", amount_pence=25_000,
                                 paid_on=date(2026, 12, 22),
                                 method=PaymentMethod.rent_account_credit,
                                 requested_on=date(2026, 12, 21),
                                 requested_by=ContactMethod.email)
            ]  # fmt: skip

    @pytest.mark.parametrize(
        "method", [m for m in PaymentMethod if m is not PaymentMethod.rent_account_credit]
    )
    def test_a_request_is_refused_with_any_other_method(self, method: PaymentMethod) -> None:
        with pytest.raises(RequestWithoutRentCredit) as refused:
            when(given(*ACCEPTED), credit(requested_by=None, method=method))
        assert refused.value.code == "request-without-rent-credit"
        assert refused.value.fields == {"unexpected": ["requested_on"], "method": method.value}
        (paid,) = when(given(*ACCEPTED), credit(None, None, method))
        assert isinstance(paid, CompensationPaid)
        assert (paid.method, paid.requested_on, paid.requested_by) == (method, None, None)

    @pytest.mark.parametrize(
        ("requested_on", "why"),
        [(date(2026, 12, 17), "the day of the offer"), (date(2026, 12, 23), "paid_on")],
        ids=["before-the-offer", "after-the-payment"],
    )
    def test_the_request_lies_between_the_offer_and_the_payment(
        self, requested_on: date, why: str
    ) -> None:
        with pytest.raises(InvalidPaymentDate) as refused:
            when(given(*ACCEPTED), credit(requested_on))
        assert refused.value.fields == {"field": "requested_on"}
        assert why in refused.value.message
        # The day of the offer and the day paid are both possible.
        for day in (date(2026, 12, 18), date(2026, 12, 22)):
            assert len(when(given(*ACCEPTED), credit(day))) == 1

    def test_a_v1_payment_reads_with_no_request_recorded(self) -> None:
        assert SCHEMA_VERSIONS["compensation_paid"] == 2
        old: Data = {"offer_id": "C-1", "amount_pence": 500, "paid_on": "2026-12-22",
               "method": "rent_account_credit"}  # fmt: skip
        assert upcast("compensation_paid", 1, old) == {
            **old, "requested_on": None, "requested_by": None
        }  # fmt: skip


class TestOffset:
    def test_refused_where_the_policy_does_not_allow_it(self) -> None:
        for policy in BUILTIN_POLICIES.all():
            if policy.arrears_offset_allowed:
                continue
            with pytest.raises(PolicyRuleBroken) as refused:
                when(pinned(ACCEPTED, policy), offset(), policy=policy)
            assert refused.value.code == "policy-rule-broken"
            assert refused.value.fields == {
                "rule": "arrears_offset_allowed",
                "policy": {"id": policy.id, "version": policy.version},
            }

    def test_only_jliving_allows_it_among_the_builtin_policies(self) -> None:
        assert [p.id for p in BUILTIN_POLICIES.all() if p.arrears_offset_allowed] == [
            "jliving-2018"
        ]

    def test_accepted_under_jliving_with_the_residents_agreement(self) -> None:
        state = pinned(ACCEPTED)
        assert when(state, offset(10_000), policy=JLIVING) == [
            CompensationOffset(occurred_at=TODAY, offer_id="C-1", amount_pence=10_000,
                               offset_on=date(2026, 12, 22), agreed_on=date(2026, 12, 21),
                               agreed_by=ContactMethod.phone)
        ]  # fmt: skip

    def test_the_agreement_comes_before_the_offset(self) -> None:
        state = pinned(ACCEPTED)
        with pytest.raises(InvalidPaymentDate) as refused:
            when(state, offset(agreed_on=date(2026, 12, 23)), policy=JLIVING)
        assert refused.value.message.startswith("agreed_on")

    def test_paid_and_offset_together_never_exceed_the_offer(self) -> None:
        state = pinned(ACCEPTED)
        events = when(state, pay(20_000), policy=JLIVING)
        state = pinned([*ACCEPTED, *events])
        with pytest.raises(BeyondOffer):
            when(state, offset(5_001), policy=JLIVING)
        (done,) = when(state, offset(5_000), policy=JLIVING)
        (money,) = pinned([*ACCEPTED, *events, done]).compensation
        assert (money.paid_pence, money.offset_pence, money.outstanding_pence) == (20_000, 5_000, 0)


@hypothesis_given(st.lists(st.tuples(st.booleans(), st.integers(1, 30_000)), max_size=8))
def test_whatever_is_asked_the_settled_total_never_exceeds_the_offer(
    asks: list[tuple[bool, int]],
) -> None:
    """Any run of payments and offsets: each accepted only while it fits, and the totals add up."""
    history: list[ComplaintEvent] = list(ACCEPTED)
    accepted = 0
    for i, (is_offset, pence) in enumerate(asks):
        at = TODAY + timedelta(minutes=i)
        state = pinned(history)
        command = (
            OffsetCompensation(occurred_at=at, offer_id="C-1", amount_pence=pence,
                               offset_on=date(2026, 12, 22), agreed_on=date(2026, 12, 22),
                               agreed_by=ContactMethod.letter)
            if is_offset else
            PayCompensation(occurred_at=at, offer_id="C-1", amount_pence=pence,
                            paid_on=date(2026, 12, 23), method=PaymentMethod.cheque)
        )  # fmt: skip
        try:
            history += when(state, command, policy=JLIVING)
            accepted += pence
        except BeyondOffer:
            assert accepted + pence > 25_000
    (money,) = pinned(history).compensation
    assert money.paid_pence + money.offset_pence == accepted <= 25_000
    assert money.outstanding_pence == 25_000 - accepted
