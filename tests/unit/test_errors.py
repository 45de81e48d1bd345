"""Domain errors: stable distinct codes, and messages safe to hand to an API client."""

from __future__ import annotations

import re
from datetime import date

import pytest

from app.domain.complaint import errors
from app.domain.errors import DomainError


def all_kinds() -> list[type[DomainError]]:
    found: list[type[DomainError]] = []
    pending = list(DomainError.__subclasses__())
    while pending:
        kind = pending.pop()
        found.append(kind)
        pending.extend(kind.__subclasses__())
    return found


EXPECTED_CODES = {
    "PolicyRuleBroken": "policy-rule-broken",
    "ComplainantNameRequired": "complainant-name-required",
    "InvalidIncidentAt": "invalid-incident-at",
    "LateAcceptanceNotNeeded": "late-acceptance-not-needed",
    "ReferralNotOpen": "referral-not-open",
    "NotLogged": "not-logged",
    "AlreadyLogged": "already-logged",
    "NaiveDatetime": "naive-datetime",
    "OccurredInFuture": "occurred-in-future",
    "OccurredBeforePreviousEvent": "occurred-out-of-order",
    "InvalidReceivedAt": "invalid-received-at",
    "InvalidTransition": "invalid-transition",
    "AlreadyAcknowledged": "already-acknowledged",
    "AlreadyResponded": "already-responded",
    "NoFurtherStage": "no-further-stage",
    "StageNotInPolicy": "stage-not-in-policy",
    "ExtensionBeyondCap": "extension-beyond-cap",
    "ExtensionNotLater": "extension-not-later",
    "ComplaintClosed": "complaint-closed",
    "UnknownPolicy": "unknown-policy",
    "ClockStoppingNotAllowed": "clock-stopping-not-allowed",
    "ReopeningNotAllowed": "reopening-not-allowed",
    "InvalidDueDate": "invalid-due-date",
    "ActionAlreadyAgreed": "action-already-agreed",
    "UnknownAction": "unknown-action",
    "ActionAlreadyCompleted": "action-already-completed",
    "ActionsOutstanding": "actions-outstanding",
    "InvalidAmount": "invalid-amount",
    "OfferAlreadyMade": "offer-already-made",
    "UnknownOffer": "unknown-offer",
    "OfferAlreadyAnswered": "offer-already-answered",
    "OfferNotAccepted": "offer-not-accepted",
    "BeyondOffer": "more-than-offered",
    "InvalidPaymentDate": "invalid-payment-date",
    "RentCreditNotRequested": "rent-credit-not-requested",
    "RequestWithoutRentCredit": "request-without-rent-credit",
    "BeyondSettled": "more-than-settled",
    "OffsetCannotFail": "offset-cannot-fail",
}


def test_every_kind_has_its_stable_code() -> None:
    assert {k.__name__: k.code for k in all_kinds() if k.__module__ == errors.__name__} == (
        EXPECTED_CODES
    )


def test_codes_are_kebab_case_and_distinct() -> None:
    codes = [k.code for k in all_kinds()]
    assert len(codes) == len(set(codes))
    assert all(re.fullmatch(r"[a-z]+(-[a-z]+)*", code) for code in codes)


@pytest.mark.parametrize(
    "error",
    [
        errors.NotLogged(),
        errors.AlreadyLogged(),
        errors.NaiveDatetime("occurred_at"),
        errors.OccurredInFuture(),
        errors.OccurredBeforePreviousEvent(),
        errors.InvalidReceivedAt("it is in the future"),
        errors.InvalidTransition("cannot escalate"),
        errors.AlreadyAcknowledged(1),
        errors.AlreadyResponded(2),
        errors.NoFurtherStage(2),
        errors.StageNotInPolicy("hoc-2024", 1, 0, [1, 2]),
        errors.ExtensionBeyondCap(1, date(2027, 1, 26)),
        errors.ExtensionNotLater(date(2027, 1, 12)),
        errors.ComplaintClosed("closed"),
        errors.UnknownPolicy("x" * 500, 1),
        errors.ClockStoppingNotAllowed("x" * 500, 1),
        errors.ReopeningNotAllowed("x" * 500, 1),
        errors.ComplaintClosed("closed", ["notes", "actions", "reopening"]),
        errors.InvalidDueDate(date(2027, 1, 4), date(2027, 1, 5)),
        errors.ActionAlreadyAgreed("A-1"),
        errors.UnknownAction("A-1"),
        errors.ActionAlreadyCompleted("A-1"),
        errors.ActionsOutstanding("x" * 500, 12),
        errors.InvalidAmount(),
        errors.OfferAlreadyMade("C-1"),
        errors.UnknownOffer("C-1"),
        errors.OfferAlreadyAnswered("C-1", "accepted"),
        errors.OfferNotAccepted("C-1", "declined"),
        errors.BeyondOffer(10**15, 10**15),
        errors.InvalidPaymentDate("paid_on", "it is after the day it is recorded"),
        errors.RentCreditNotRequested(["requested_on", "requested_by"]),
        errors.RequestWithoutRentCredit("bank_transfer", ["requested_on", "requested_by"]),
        errors.BeyondSettled(10**15, 10**15, "offset"),
        errors.OffsetCannotFail(),
    ],
    ids=lambda e: type(e).__name__,
)
def test_message_is_the_exception_text_and_is_short(error: DomainError) -> None:
    assert str(error) == error.message
    assert error.message
    assert len(error.message) < 200
