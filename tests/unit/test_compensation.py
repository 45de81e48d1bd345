"""Compensation: offers with client ids, each answered once by the resident, at any time."""

from __future__ import annotations

from datetime import datetime

import pytest

from app.domain.complaint.commands import (
    AcceptCompensation,
    DeclineCompensation,
    OfferCompensation,
)
from app.domain.complaint.errors import (
    InvalidAmount,
    OfferAlreadyAnswered,
    OfferAlreadyMade,
    UnknownOffer,
)
from app.domain.complaint.events import (
    ClosureReason,
    CompensationAccepted,
    CompensationDeclined,
    CompensationKind,
    CompensationOffered,
    ComplaintEvent,
)
from app.domain.complaint.state import CompensationOffer, OfferStatus
from tests.unit.scenario import acknowledged, closed, declined, given, logged, responded, uk, when

LOGGED = logged(uk(2026, 12, 14))
RESPONDED = (LOGGED, acknowledged(uk(2026, 12, 15)), responded(uk(2026, 12, 18)))


def offer(at: datetime, offer_id: str = "C-1", amount_pence: int = 25_000) -> OfferCompensation:
    return OfferCompensation(
        occurred_at=at,
        offer_id=offer_id,
        amount_pence=amount_pence,
        kind=CompensationKind.time_and_trouble,
        reason="Three missed appointments",
    )


def offered(at: datetime, offer_id: str = "C-1") -> CompensationOffered:
    return CompensationOffered(
        occurred_at=at,
        offer_id=offer_id,
        amount_pence=25_000,
        kind=CompensationKind.time_and_trouble,
        reason="Three missed appointments",
    )


class TestOfferCompensation:
    @pytest.mark.parametrize(
        "history",
        [
            (LOGGED,),
            RESPONDED,
            (*RESPONDED, closed(uk(2026, 12, 21), ClosureReason.resolved)),
            (LOGGED, declined(uk(2026, 12, 15))),
        ],
        ids=["open", "responded", "closed", "declined"],
    )
    def test_offered_at_any_time(self, history: tuple[ComplaintEvent, ...]) -> None:
        assert when(given(*history), offer(uk(2026, 12, 22))) == [offered(uk(2026, 12, 22))]

    def test_an_id_is_used_once(self) -> None:
        state = given(*RESPONDED, offered(uk(2026, 12, 18, 12)))
        with pytest.raises(OfferAlreadyMade) as refused:
            when(state, offer(uk(2026, 12, 22)))
        assert refused.value.code == "offer-already-made"
        assert "C-1" not in refused.value.message

    @pytest.mark.parametrize("amount", [0, -1, True], ids=["zero", "negative", "bool"])
    def test_the_amount_is_a_positive_number_of_pence(self, amount: int) -> None:
        with pytest.raises(InvalidAmount):
            when(given(*RESPONDED), offer(uk(2026, 12, 22), amount_pence=amount))


class TestAnswers:
    ACCEPT = AcceptCompensation(occurred_at=uk(2026, 12, 22), offer_id="C-1")
    DECLINE = DeclineCompensation(occurred_at=uk(2026, 12, 22), offer_id="C-1")

    def test_accepted_or_declined(self) -> None:
        state = given(*RESPONDED, offered(uk(2026, 12, 18, 12)))
        assert when(state, self.ACCEPT) == [
            CompensationAccepted(occurred_at=uk(2026, 12, 22), offer_id="C-1")
        ]
        assert when(state, self.DECLINE) == [
            CompensationDeclined(occurred_at=uk(2026, 12, 22), offer_id="C-1")
        ]

    @pytest.mark.parametrize("command", [ACCEPT, DECLINE], ids=["accept", "decline"])
    def test_an_unknown_offer_is_refused(
        self, command: AcceptCompensation | DeclineCompensation
    ) -> None:
        state = given(*RESPONDED, offered(uk(2026, 12, 18, 12), offer_id="C-2"))
        with pytest.raises(UnknownOffer) as refused:
            when(state, command)
        assert refused.value.code == "unknown-offer"

    @pytest.mark.parametrize(
        ("answer", "status"),
        [
            (CompensationAccepted(occurred_at=uk(2026, 12, 21), offer_id="C-1"), "accepted"),
            (CompensationDeclined(occurred_at=uk(2026, 12, 21), offer_id="C-1"), "declined"),
        ],
        ids=["accepted", "declined"],
    )
    def test_an_answer_is_final(
        self, answer: CompensationAccepted | CompensationDeclined, status: str
    ) -> None:
        state = given(*RESPONDED, offered(uk(2026, 12, 18, 12)), answer)
        for command in (self.ACCEPT, self.DECLINE):
            with pytest.raises(OfferAlreadyAnswered) as refused:
                when(state, command)
            assert (
                refused.value.message == f"the offer with this offer_id has already been {status}"
            )

    def test_answered_after_the_closure(self) -> None:
        state = given(
            *RESPONDED,
            offered(uk(2026, 12, 18, 12)),
            closed(uk(2026, 12, 21), ClosureReason.resolved),
        )
        assert len(when(state, self.ACCEPT)) == 1

    def test_the_state_keeps_each_offer_and_its_answer(self) -> None:
        state = given(
            *RESPONDED,
            offered(uk(2026, 12, 18, 12)),
            offered(uk(2026, 12, 18, 13), offer_id="C-2"),
            CompensationDeclined(occurred_at=uk(2026, 12, 21), offer_id="C-1"),
        )
        assert state is not None
        assert state.compensation == (
            CompensationOffer(
                offer_id="C-1",
                amount_pence=25_000,
                kind=CompensationKind.time_and_trouble,
                reason="Three missed appointments",
                offered_at=uk(2026, 12, 18, 12),
                status=OfferStatus.declined,
                answered_at=uk(2026, 12, 21),
            ),
            CompensationOffer(
                offer_id="C-2",
                amount_pence=25_000,
                kind=CompensationKind.time_and_trouble,
                reason="Three missed appointments",
                offered_at=uk(2026, 12, 18, 13),
            ),
        )
