"""Why a command on a complaint was refused. Nothing is written when one of these is raised.

What every refusal carries (a stable `code`, a loggable `message`) is set out in
app/domain/errors.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from app.domain.errors import DomainError


class NotLogged(DomainError):
    code = "not-logged"

    def __init__(self) -> None:
        super().__init__("the complaint has not been logged yet: log it first")


class AlreadyLogged(DomainError):
    code = "already-logged"

    def __init__(self) -> None:
        super().__init__("the complaint has already been logged")


class NaiveDatetime(DomainError):
    code = "naive-datetime"

    def __init__(self, name: str) -> None:
        super().__init__(f"{name} must include a timezone offset")
        self.field = name


class OccurredInFuture(DomainError):
    code = "occurred-in-future"

    def __init__(self) -> None:
        super().__init__("occurred_at is in the future: record events only once they happen")


class OccurredBeforePreviousEvent(DomainError):
    code = "occurred-out-of-order"

    def __init__(self) -> None:
        super().__init__(
            "occurred_at is earlier than the previous event of this complaint: "
            "events must be recorded in the order they happened"
        )


class InvalidReceivedAt(DomainError):
    code = "invalid-received-at"

    def __init__(self, why: str) -> None:
        super().__init__(f"received_at is invalid: {why}")


class ComplainantNameRequired(DomainError):
    code = "complainant-name-required"

    def __init__(self) -> None:
        super().__init__(
            "the complainant's name is required unless the complaint is anonymous (anonymous: true)"
        )


class InvalidIncidentAt(DomainError):
    code = "invalid-incident-at"

    def __init__(self, why: str) -> None:
        super().__init__(f"incident_at is invalid: {why}")


class LateAcceptanceNotNeeded(DomainError):
    """A late acceptance is recorded only for a matter older than the pinned policy's time limit,
    so that the reports count exactly the complaints taken on out of time."""

    code = "late-acceptance-not-needed"

    def __init__(self, why: str) -> None:
        super().__init__(f"late_acceptance is not needed: {why}; leave it out")


class ReferralNotOpen(DomainError):
    """The body does not hear complaints from a home of this tenure."""

    code = "referral-not-open"

    def __init__(self, body: str, tenure: str | None, allowed: Iterable[str]) -> None:
        listed = sorted(str(a) for a in allowed)
        held = "not recorded" if tenure is None else tenure
        super().__init__(
            f"a referral to {body} is open only to a complaint whose tenure is "
            f"{' or '.join(listed)} (this complaint's tenure: {held})"
        )
        self.fields: dict[str, object] = {"to": body, "tenure": tenure, "allowed": listed}


class PolicyRuleBroken(DomainError):
    """The pinned policy version does not allow this: `rule` names the policy field that says so,
    `allowed` the values it does allow, where it lists them."""

    code = "policy-rule-broken"

    def __init__(
        self,
        policy_id: str,
        version: int,
        rule: str,
        message: str,
        allowed: Iterable[str] | None = None,
    ) -> None:
        listed = None if allowed is None else [str(a) for a in allowed]
        hint = "" if listed is None else f" (allowed: {', '.join(listed) or 'none'})"
        super().__init__(f"policy {policy_id[:64]} version {version}, {rule}: {message}{hint}")
        self.fields: dict[str, object] = {
            "rule": rule,
            "policy": {"id": policy_id, "version": version},
        }
        if listed is not None:
            self.fields["allowed"] = listed


class InvalidTransition(DomainError):
    """The event cannot happen in the current status and stage; the message says what can."""

    code = "invalid-transition"


class AlreadyAcknowledged(DomainError):
    code = "already-acknowledged"

    def __init__(self, stage: int) -> None:
        super().__init__(f"stage {stage} has already been acknowledged")
        self.stage = stage


class AlreadyResponded(DomainError):
    code = "already-responded"

    def __init__(self, stage: int) -> None:
        super().__init__(f"stage {stage} has already been responded to")
        self.stage = stage


class NoFurtherStage(DomainError):
    code = "no-further-stage"

    def __init__(self, stage: int) -> None:
        super().__init__(
            f"stage {stage} is the last stage of the policy: there is no further stage"
        )
        self.stage = stage


class StageNotInPolicy(DomainError):
    code = "stage-not-in-policy"

    def __init__(self, policy_id: str, version: int, stage: int, stages: Iterable[int]) -> None:
        known = ", ".join(str(s) for s in stages)
        super().__init__(
            f"policy {policy_id} version {version} has no stage {stage}; its stages are {known}"
        )
        self.stage = stage


class ExtensionBeyondCap(DomainError):
    code = "extension-beyond-cap"

    def __init__(self, stage: int, latest: date) -> None:
        super().__init__(
            f"the policy caps extensions of stage {stage}: "
            f"the latest response date allowed is {latest.isoformat()}"
        )
        self.latest = latest


class ExtensionNotLater(DomainError):
    code = "extension-not-later"

    def __init__(self, current_due: date) -> None:
        super().__init__(
            f"an extension must move the response date later than the current due date "
            f"{current_due.isoformat()}"
        )
        self.current_due = current_due


class ComplaintClosed(DomainError):
    code = "complaint-closed"

    def __init__(self, status: str, possible: Iterable[str] = ("notes",)) -> None:
        *most, last = dict.fromkeys(possible)
        listed = f"{', '.join(most)} and {last}" if most else last
        super().__init__(f"the complaint is {status}: only {listed} can be recorded now")
        self.status = status


class ClockStoppingNotAllowed(DomainError):
    code = "clock-stopping-not-allowed"

    def __init__(self, policy_id: str, version: int) -> None:
        super().__init__(
            f"policy {policy_id[:64]} version {version} does not allow stopping the clock: "
            "agree an extension instead"
        )


class ReopeningNotAllowed(DomainError):
    code = "reopening-not-allowed"

    def __init__(self, policy_id: str, version: int) -> None:
        super().__init__(
            f"policy {policy_id[:64]} version {version} does not allow reopening a closed "
            "complaint: log a new complaint instead"
        )


class InvalidDueDate(DomainError):
    code = "invalid-due-date"

    def __init__(self, due: date, earliest: date) -> None:
        super().__init__(
            f"the due date {due.isoformat()} is before {earliest.isoformat()}, "
            "the day it was set: a due date cannot be in the past when it is set"
        )


class ActionAlreadyAgreed(DomainError):
    code = "action-already-agreed"

    def __init__(self, action_id: str) -> None:
        # Ids are the client's: they stay out of the message.
        super().__init__("an action with this action_id has already been agreed: use a new id")
        self.action_id = action_id


class UnknownAction(DomainError):
    code = "unknown-action"

    def __init__(self, action_id: str) -> None:
        super().__init__("no action with this action_id has been agreed on this complaint")
        self.action_id = action_id


class ActionAlreadyCompleted(DomainError):
    code = "action-already-completed"

    def __init__(self, action_id: str) -> None:
        super().__init__("the action with this action_id has already been completed")
        self.action_id = action_id


class ActionsOutstanding(DomainError):
    code = "actions-outstanding"

    def __init__(self, policy_id: str, outstanding: int) -> None:
        actions = "action is" if outstanding == 1 else "actions are"
        super().__init__(
            f"policy {policy_id[:64]} closes a complaint only once its agreed actions are "
            f"completed: {outstanding} {actions} outstanding (a withdrawal may still close it)"
        )
        self.outstanding = outstanding


class InvalidAmount(DomainError):
    code = "invalid-amount"

    def __init__(self) -> None:
        super().__init__("amount_pence must be a positive whole number of pence")


class OfferAlreadyMade(DomainError):
    code = "offer-already-made"

    def __init__(self, offer_id: str) -> None:
        super().__init__("an offer with this offer_id has already been made: use a new id")
        self.offer_id = offer_id


class UnknownOffer(DomainError):
    code = "unknown-offer"

    def __init__(self, offer_id: str) -> None:
        super().__init__("no compensation offer with this offer_id has been made on this complaint")
        self.offer_id = offer_id


class OfferAlreadyAnswered(DomainError):
    code = "offer-already-answered"

    def __init__(self, offer_id: str, answer: str) -> None:
        super().__init__(f"the offer with this offer_id has already been {answer}")
        self.offer_id = offer_id


class OfferNotAccepted(DomainError):
    code = "offer-not-accepted"

    def __init__(self, offer_id: str, status: str) -> None:
        super().__init__(
            f"the offer with this offer_id is {status}: only an accepted offer is paid or offset "
            "(record compensation_accepted first)"
        )
        self.offer_id = offer_id


class BeyondOffer(DomainError):
    code = "more-than-offered"

    def __init__(self, amount_pence: int, remaining_pence: int) -> None:
        super().__init__(
            f"{amount_pence} pence is more than the {remaining_pence} pence of the offer not yet "
            "paid or offset: payments and offsets together never exceed the offer"
        )


class InvalidPaymentDate(DomainError):
    code = "invalid-payment-date"

    def __init__(self, field: str, why: str) -> None:
        super().__init__(f"{field}: {why}")
        self.fields: dict[str, object] = {"field": field}


class RentCreditNotRequested(DomainError):
    """Compensation kept in the resident's rent account on the landlord's own motion is set against
    what they owe: an offset, which needs the policy and their agreement. As a payment, a credit
    to the rent account is made only at the resident's request."""

    code = "rent-credit-not-requested"

    def __init__(self, missing: Iterable[str]) -> None:
        listed = [str(m) for m in missing]
        super().__init__(
            f"a rent_account_credit is paid only at the resident's request: give "
            f"{' and '.join(listed)} (to set it against arrears, record compensation_offset)"
        )
        self.fields: dict[str, object] = {"missing": listed}


class RequestWithoutRentCredit(DomainError):
    """`requested_on` / `requested_by` record the resident's request for a credit to their rent
    account: on a payment by any other method they would say something that did not happen."""

    code = "request-without-rent-credit"

    def __init__(self, method: str, given: Iterable[str]) -> None:
        listed = [str(g) for g in given]
        super().__init__(
            f"{' and '.join(listed)}: only a rent_account_credit records the resident's request, "
            f"not a payment by {method}"
        )
        self.fields: dict[str, object] = {"unexpected": listed, "method": method}


class BeyondSettled(DomainError):
    """Only money that moved can be reversed: what was paid (or offset) on the offer and not yet
    reversed."""

    code = "more-than-settled"

    def __init__(self, amount_pence: int, settled_pence: int, settled_by: str) -> None:
        how = "paid" if settled_by == "payment" else "set against arrears"
        super().__init__(
            f"{amount_pence} pence is more than the {settled_pence} pence {how} on this offer and "
            "not yet reversed"
        )
        self.fields: dict[str, object] = {"settled_by": settled_by, "settled_pence": settled_pence}


class OffsetCannotFail(DomainError):
    code = "offset-cannot-fail"

    def __init__(self) -> None:
        super().__init__(
            "only a payment fails: reverse an offset as recorded_in_error or other, "
            "not payment_failed"
        )


class UnknownPolicy(DomainError):
    code = "unknown-policy"

    def __init__(self, policy_id: str, version: int) -> None:
        # Policy ids come from clients; cut them short so the message stays a message.
        super().__init__(f"there is no policy {policy_id[:64]!r} version {version}")
