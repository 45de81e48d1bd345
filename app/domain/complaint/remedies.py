"""Rules for what a complaint puts right: agreed actions and compensation.

They are not tied to a stage: a remedy may be agreed or delivered at any time after logging, also
after the response and after the complaint ended (a repair finished after the closure).
"""

from __future__ import annotations

from app.domain.clocks.calendar import london_date
from app.domain.complaint.commands import (
    AcceptCompensation,
    AgreeAction,
    Close,
    CompleteAction,
    DeclineCompensation,
    OfferCompensation,
)
from app.domain.complaint.errors import (
    ActionAlreadyAgreed,
    ActionAlreadyCompleted,
    ActionsOutstanding,
    InvalidAmount,
    InvalidDueDate,
    OfferAlreadyAnswered,
    OfferAlreadyMade,
    UnknownAction,
    UnknownOffer,
)
from app.domain.complaint.events import (
    ActionAgreed,
    ActionCompleted,
    ClosureReason,
    CompensationAccepted,
    CompensationDeclined,
    CompensationOffered,
)
from app.domain.complaint.state import ComplaintState, OfferStatus
from app.domain.policies.model import Policy


def agree_action(command: AgreeAction, state: ComplaintState) -> ActionAgreed:
    if state.action(command.action_id) is not None:
        raise ActionAlreadyAgreed(command.action_id)
    agreed_on = london_date(command.occurred_at)
    if command.due < agreed_on:
        raise InvalidDueDate(command.due, agreed_on)
    return ActionAgreed(
        occurred_at=command.occurred_at,
        action_id=command.action_id,
        description=command.description,
        due=command.due,
        owner=command.owner,
    )


def complete_action(command: CompleteAction, state: ComplaintState) -> ActionCompleted:
    action = state.action(command.action_id)
    if action is None:
        raise UnknownAction(command.action_id)
    if action.completed_at is not None:
        raise ActionAlreadyCompleted(command.action_id)
    return ActionCompleted(
        occurred_at=command.occurred_at, action_id=command.action_id, summary=command.summary
    )


def require_actions_done(command: Close, state: ComplaintState, policy: Policy) -> None:
    """Where the policy closes only once every agreed action is done (jjh-2020 6.6). A withdrawn
    complaint closes anyway: the resident ended it, and what was agreed stays recorded."""
    if not policy.closure_waits_for_actions or command.reason is ClosureReason.withdrawn:
        return
    outstanding = len(state.outstanding_actions)
    if outstanding:
        raise ActionsOutstanding(policy.id, outstanding)


def offer_compensation(command: OfferCompensation, state: ComplaintState) -> CompensationOffered:
    if state.offer(command.offer_id) is not None:
        raise OfferAlreadyMade(command.offer_id)
    # bool is an int to Python; an amount is a count of pence, never a flag.
    if isinstance(command.amount_pence, bool) or command.amount_pence <= 0:
        raise InvalidAmount()
    return CompensationOffered(
        occurred_at=command.occurred_at,
        offer_id=command.offer_id,
        amount_pence=command.amount_pence,
        kind=command.kind,
        reason=command.reason,
    )


def answer_compensation(
    command: AcceptCompensation | DeclineCompensation, state: ComplaintState
) -> CompensationAccepted | CompensationDeclined:
    """The resident's answer to an offer still awaiting one: an answer is final (a changed mind
    is a new offer)."""
    offer = state.offer(command.offer_id)
    if offer is None:
        raise UnknownOffer(command.offer_id)
    if offer.status is not OfferStatus.offered:
        raise OfferAlreadyAnswered(command.offer_id, offer.status)
    if isinstance(command, AcceptCompensation):
        return CompensationAccepted(occurred_at=command.occurred_at, offer_id=command.offer_id)
    return CompensationDeclined(occurred_at=command.occurred_at, offer_id=command.offer_id)
