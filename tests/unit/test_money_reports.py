"""The annual report counts compensation offered, accepted, paid and set against arrears apart,
with figures worked by hand: payments and offsets count on their own day (not the day recorded,
not the day of the offer), and an accepted offer is not paid until a payment says so. Reversals
count on their own day too, on their own, and paid and offset are net of them."""

from __future__ import annotations

from datetime import date

from app.domain.complaint.events import (
    CompensationAccepted,
    CompensationDeclined,
    CompensationKind,
    CompensationOffered,
    CompensationOffset,
    CompensationPaid,
    CompensationReversed,
    ComplaintEvent,
    ContactMethod,
    PaymentMethod,
    ReversalReason,
    Settlement,
)
from app.domain.reporting.annual import annual
from app.domain.reporting.figures import Amount
from app.domain.reporting.items import ItemFold, fold_items
from app.domain.reporting.period import reporting_year
from app.domain.reporting.selection import ReportData
from app.domain.reporting.tallies import Tallies, tallies_of
from tests.unit.scenario import uk

K = CompensationKind


def counted(data: ReportData, year: int) -> Tallies:
    period = reporting_year(year)
    return tallies_of(data, period, period.end)


def offered(at: tuple[int, int, int], offer_id: str, pence: int, kind: K) -> CompensationOffered:
    return CompensationOffered(occurred_at=uk(*at), offer_id=offer_id, amount_pence=pence,
                               kind=kind, reason="r")  # fmt: skip


def paid(at: tuple[int, int, int], offer_id: str, pence: int, on: date,
         method: PaymentMethod) -> CompensationPaid:  # fmt: skip
    return CompensationPaid(occurred_at=uk(*at), offer_id=offer_id, amount_pence=pence,
                            paid_on=on, method=method)  # fmt: skip


X: list[ComplaintEvent] = [
    offered((2025, 5, 1), "C-3", 2_000, K.financial),
    CompensationDeclined(occurred_at=uk(2025, 5, 2), offer_id="C-3"),
    offered((2025, 6, 2), "C-1", 10_000, K.time_and_trouble),
    CompensationAccepted(occurred_at=uk(2025, 6, 3), offer_id="C-1"),
    paid((2025, 6, 5), "C-1", 4_000, date(2025, 6, 5), PaymentMethod.bank_transfer),
    CompensationOffset(occurred_at=uk(2025, 6, 6), offer_id="C-1", amount_pence=3_000,
                       offset_on=date(2025, 6, 6), agreed_on=date(2025, 6, 5),
                       agreed_by=ContactMethod.letter),
    offered((2026, 3, 30), "C-2", 5_000, K.goodwill),
    CompensationAccepted(occurred_at=uk(2026, 3, 31), offer_id="C-2"),
    # Paid on 31 March, recorded on 2 April: in 2025/26, the day it was paid.
    paid((2026, 4, 2), "C-1", 3_000, date(2026, 3, 31), PaymentMethod.cheque),
    # Paid on 1 April 2026: in 2026/27, though offered and accepted in 2025/26.
    paid((2026, 4, 2), "C-2", 5_000, date(2026, 4, 1), PaymentMethod.voucher),
]  # fmt: skip
# Offered and accepted in 2024/25, paid on 1 April 2025.
Y: list[ComplaintEvent] = [
    offered((2025, 3, 20), "C-1", 20_000, K.financial),
    CompensationAccepted(occurred_at=uk(2025, 3, 25), offer_id="C-1"),
    paid((2025, 4, 1), "C-1", 20_000, date(2025, 4, 1), PaymentMethod.rent_account_credit),
]


def data() -> ReportData:
    items = [*fold_items("x", X), *fold_items("y", Y)]
    return ReportData(complaints={}, stages=[], items=items)


def test_paid_offered_and_offset_apart() -> None:
    money = annual(counted(data(), 2025), 2025, landlord="l").compensation
    assert (money.offered, money.accepted, money.declined, money.awaiting_answer) == (
        Amount("offered", 3, 17_000), Amount("accepted", 2, 15_000),
        Amount("declined", 1, 2_000), Amount("awaiting_answer", 0, 0),
    )  # fmt: skip
    # 4,000 and 3,000 of C-1 and the 20,000 of Y; not C-2's 5,000 (paid in 2026/27).
    assert money.paid == Amount("paid", 3, 27_000)
    assert money.offset == Amount("offset", 1, 3_000)
    assert [(m.key, m.count, m.pence) for m in money.paid_by_method] == [
        ("bank_transfer", 1, 4_000), ("cheque", 1, 3_000), ("rent_account_credit", 1, 20_000),
        ("voucher", 0, 0), ("other", 0, 0),
    ]  # fmt: skip
    assert [
        (k.key, k.offered.pence, k.accepted.pence, k.paid.pence, k.offset.pence)
        for k in money.by_kind
    ] == [
        ("financial", 2_000, 0, 20_000, 0),
        ("goodwill", 5_000, 5_000, 0, 0),
        ("time_and_trouble", 10_000, 10_000, 7_000, 3_000),
    ]


def test_the_next_year_counts_what_was_paid_in_it() -> None:
    money = annual(counted(data(), 2026), 2026, landlord="l").compensation
    assert (money.offered.count, money.paid, money.offset) == (
        0, Amount("paid", 1, 5_000), Amount("offset", 0, 0)
    )  # fmt: skip


def test_folded_in_two_parts_or_at_once_the_items_agree() -> None:
    for cut in range(len(X) + 1):
        start = ItemFold(complaint_id="x").advance(X[:cut])
        assert start.advance(X[cut:]).items == fold_items("x", X)


def reversed_(at: tuple[int, int, int], offer_id: str, pence: int, by: Settlement,
              reason: ReversalReason = ReversalReason.recorded_in_error,
              ) -> CompensationReversed:  # fmt: skip
    return CompensationReversed(occurred_at=uk(*at), offer_id=offer_id, amount_pence=pence,
                                settled_by=by, reversed_on=date(*at), reason=reason,
                                explanation=None)  # fmt: skip


# A transfer bounced and was paid again by cheque; an offset recorded in error and undone; a
# payment on 31 March reversed on 2 April, in the next year.
R: list[ComplaintEvent] = [
    offered((2025, 6, 2), "C-1", 10_000, K.financial),
    CompensationAccepted(occurred_at=uk(2025, 6, 3), offer_id="C-1"),
    paid((2025, 6, 5), "C-1", 10_000, date(2025, 6, 5), PaymentMethod.bank_transfer),
    reversed_((2025, 6, 9), "C-1", 10_000, Settlement.payment, ReversalReason.payment_failed),
    paid((2025, 6, 10), "C-1", 6_000, date(2025, 6, 10), PaymentMethod.cheque),
    CompensationOffset(occurred_at=uk(2025, 6, 11), offer_id="C-1", amount_pence=4_000,
                       offset_on=date(2025, 6, 11), agreed_on=date(2025, 6, 11),
                       agreed_by=ContactMethod.letter),
    reversed_((2025, 6, 12), "C-1", 4_000, Settlement.offset),
    paid((2025, 6, 12), "C-1", 4_000, date(2025, 6, 12), PaymentMethod.cheque),
    offered((2026, 3, 2), "C-2", 3_000, K.goodwill),
    CompensationAccepted(occurred_at=uk(2026, 3, 3), offer_id="C-2"),
    paid((2026, 3, 31), "C-2", 3_000, date(2026, 3, 31), PaymentMethod.voucher),
    reversed_((2026, 4, 2), "C-2", 3_000, Settlement.payment),
]  # fmt: skip


def test_paid_and_offset_count_net_of_reversals_and_the_reversals_apart() -> None:
    reversals = ReportData(complaints={}, stages=[], items=list(fold_items("r", R)))
    money = annual(counted(reversals, 2025), 2025, landlord="l").compensation
    # Payments made: 10,000 + 6,000 + 4,000 + 3,000; 10,000 of them reversed in the year.
    assert money.paid == Amount("paid", 4, 13_000)
    assert money.offset == Amount("offset", 1, 0)
    assert money.reversed == [Amount("payment", 1, 10_000), Amount("offset", 1, 4_000)]
    # By method, the payments made: a reversal names no method.
    assert [(m.key, m.pence) for m in money.paid_by_method if m.count] == [
        ("bank_transfer", 10_000), ("cheque", 10_000), ("voucher", 3_000)
    ]  # fmt: skip
    assert [(k.key, k.paid.pence, k.offset.pence) for k in money.by_kind] == [
        ("financial", 10_000, 0), ("goodwill", 3_000, 0)
    ]  # fmt: skip
    # The voucher's reversal falls in 2026/27, the year it was made: nothing else moved then.
    later = annual(counted(reversals, 2026), 2026, landlord="l").compensation
    assert (later.paid, later.reversed[0]) == (
        Amount("paid", 0, -3_000), Amount("payment", 1, 3_000)
    )  # fmt: skip
    assert [(k.key, k.paid.pence) for k in later.by_kind] == [("goodwill", -3_000)]
    # Over both years, what was paid and kept: C-1 in full, nothing of C-2.
    assert money.paid.pence + later.paid.pence == 10_000


def test_reversals_fold_in_two_parts_as_at_once() -> None:
    for cut in range(len(R) + 1):
        start = ItemFold(complaint_id="r").advance(R[:cut])
        assert start.advance(R[cut:]).items == fold_items("r", R)
