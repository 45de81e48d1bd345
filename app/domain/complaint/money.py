"""Money as facts: an accepted compensation offer paid to the resident, or set against their rent
arrears where the pinned policy allows it and the resident agreed.

Both take part of an accepted offer: an offer may be settled in parts, by payments and offsets
together, never beyond what was offered. The days are the money's own (`paid_on`, `offset_on`),
between the day the offer was made and the day the fact is recorded.

A payment by credit to the resident's rent account is accepted only at the resident's request
(`requested_on`, `requested_by`): otherwise it would record, under another name, an offset
against arrears the resident never agreed to, and under a policy that forbids offsets.

A payment that failed, or a payment or an offset recorded in error, is reversed by a fact of its
own (events are never rewritten), up to what was paid (or offset) and not yet reversed: the offer
is then outstanding again by as much, and may be paid again.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from app.domain.clocks.calendar import london_date
from app.domain.complaint.commands import (
    AcceptCompensation,
    Command,
    DeclineCompensation,
    OfferCompensation,
    OffsetCompensation,
    PayCompensation,
    ReverseCompensation,
)
from app.domain.complaint.errors import (
    BeyondOffer,
    BeyondSettled,
    InvalidAmount,
    InvalidPaymentDate,
    OfferNotAccepted,
    OffsetCannotFail,
    PolicyRuleBroken,
    RentCreditNotRequested,
    RequestWithoutRentCredit,
    UnknownOffer,
)
from app.domain.complaint.events import (
    CompensationOffset,
    CompensationPaid,
    CompensationReversed,
    PaymentMethod,
    ReversalReason,
    Settlement,
)
from app.domain.complaint.state import CompensationOffer, ComplaintState, OfferStatus
from app.domain.policies.model import Policy
from app.domain.records import changed

# Every command about compensation: each may follow the closure or the decline (an offer in the
# final response is often answered, and paid, and a payment found to have failed, after it).
COMPENSATION: tuple[type[Command], ...] = (
    OfferCompensation,
    AcceptCompensation,
    DeclineCompensation,
    PayCompensation,
    OffsetCompensation,
    ReverseCompensation,
)


def settle_compensation(
    command: PayCompensation | OffsetCompensation, state: ComplaintState, policy: Policy
) -> CompensationPaid | CompensationOffset:
    if isinstance(command, OffsetCompensation) and not policy.arrears_offset_allowed:
        # Checked first: under such a policy no state of the complaint would accept it.
        raise PolicyRuleBroken(
            policy.id, policy.version, "arrears_offset_allowed",
            "compensation is not set against rent arrears under this policy: record it paid",
        )  # fmt: skip
    if isinstance(command, PayCompensation):
        # Also checked before the offer: no state of the complaint would accept it either.
        _require_request(command)
    offer = _accepted(command.offer_id, state)
    if isinstance(command.amount_pence, bool) or command.amount_pence <= 0:
        raise InvalidAmount()
    if command.amount_pence > offer.outstanding_pence:
        raise BeyondOffer(command.amount_pence, offer.outstanding_pence)
    offered_on, today = london_date(offer.offered_at), london_date(command.occurred_at)
    if isinstance(command, PayCompensation):
        _within("paid_on", command.paid_on, offered_on, today)
        if command.requested_on is not None:
            _within("requested_on", command.requested_on, offered_on, command.paid_on, "paid_on")
        return CompensationPaid(
            occurred_at=command.occurred_at,
            offer_id=command.offer_id,
            amount_pence=command.amount_pence,
            paid_on=command.paid_on,
            method=command.method,
            requested_on=command.requested_on,
            requested_by=command.requested_by,
        )
    _within("offset_on", command.offset_on, offered_on, today)
    _within("agreed_on", command.agreed_on, offered_on, command.offset_on, "offset_on")
    return CompensationOffset(
        occurred_at=command.occurred_at,
        offer_id=command.offer_id,
        amount_pence=command.amount_pence,
        offset_on=command.offset_on,
        agreed_on=command.agreed_on,
        agreed_by=command.agreed_by,
    )


def reverse_compensation(
    command: ReverseCompensation, state: ComplaintState
) -> CompensationReversed:
    if command.settled_by is Settlement.offset and command.reason is ReversalReason.payment_failed:
        raise OffsetCannotFail()
    offer = state.offer(command.offer_id)
    if offer is None:
        raise UnknownOffer(command.offer_id)
    if isinstance(command.amount_pence, bool) or command.amount_pence <= 0:
        raise InvalidAmount()
    # Net of earlier reversals: what was paid and reversed is not paid any more.
    settled = offer.paid_pence if command.settled_by is Settlement.payment else offer.offset_pence
    if command.amount_pence > settled:
        raise BeyondSettled(command.amount_pence, settled, command.settled_by.value)
    offered_on, today = london_date(offer.offered_at), london_date(command.occurred_at)
    _within("reversed_on", command.reversed_on, offered_on, today)
    return CompensationReversed(
        occurred_at=command.occurred_at,
        offer_id=command.offer_id,
        amount_pence=command.amount_pence,
        settled_by=command.settled_by,
        reversed_on=command.reversed_on,
        reason=command.reason,
        explanation=command.explanation,
    )


def _accepted(offer_id: str, state: ComplaintState) -> CompensationOffer:
    offer = state.offer(offer_id)
    if offer is None:
        raise UnknownOffer(offer_id)
    if offer.status is not OfferStatus.accepted:
        status = (
            "awaiting the resident's answer"
            if offer.status is OfferStatus.offered
            else (offer.status.value)
        )
        raise OfferNotAccepted(offer_id, status)
    return offer


def _require_request(command: PayCompensation) -> None:
    """The resident's request is given in full for a credit to their rent account, and only then."""
    request = {"requested_on": command.requested_on, "requested_by": command.requested_by}
    if command.method is PaymentMethod.rent_account_credit:
        missing = [name for name, value in request.items() if value is None]
        if missing:
            raise RentCreditNotRequested(missing)
        return
    given = [name for name, value in request.items() if value is not None]
    if given:
        raise RequestWithoutRentCredit(command.method.value, given)


def _within(
    field: str, day: date, earliest: date, latest: date, bound: str = "the day it is recorded"
) -> None:
    if day < earliest:
        raise InvalidPaymentDate(
            field, f"{day.isoformat()} is before {earliest.isoformat()}, the day of the offer"
        )
    if day > latest:
        raise InvalidPaymentDate(field, f"{day.isoformat()} is after {latest.isoformat()}, {bound}")


def settled(
    state: ComplaintState, event: CompensationPaid | CompensationOffset | CompensationReversed
) -> ComplaintState:
    """The state with the payment or the offset added to its offer, or the reversal taken off."""

    def add(offer: CompensationOffer) -> CompensationOffer:
        pence = event.amount_pence
        match event:
            case CompensationPaid():
                return replace(offer, paid_pence=offer.paid_pence + pence,
                               last_paid_on=event.paid_on)  # fmt: skip
            case CompensationOffset():
                return replace(offer, offset_pence=offer.offset_pence + pence,
                               last_offset_on=event.offset_on)  # fmt: skip
            case CompensationReversed(settled_by=Settlement.payment):
                return replace(offer, paid_pence=offer.paid_pence - pence,
                               reversed_pence=offer.reversed_pence + pence)  # fmt: skip
            case CompensationReversed():
                return replace(offer, offset_pence=offer.offset_pence - pence,
                               reversed_pence=offer.reversed_pence + pence)  # fmt: skip

    offers = tuple(add(o) if o.offer_id == event.offer_id else o for o in state.compensation)
    return changed(state, compensation=offers)
