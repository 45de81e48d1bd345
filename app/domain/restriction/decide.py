"""Turn a command on a contact restriction into its events, or refuse it. Pure: `now` comes in.

The rules are the source policies': say what is restricted and why (each measure with what it
needs: a named contact, the channels, the times); review it every year; hear one challenge, and
end it if the challenge is upheld. Nothing here, nor anywhere, stops a restricted resident's
complaint being logged (docs/adr/0020-contact-restrictions.md).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import assert_never

from app.domain.clocks.calendar import london_date
from app.domain.complaint.errors import NaiveDatetime, OccurredInFuture
from app.domain.restriction.commands import (
    Challenge,
    DecideChallenge,
    End,
    Erase,
    Impose,
    RestrictionCommand,
    Review,
)
from app.domain.restriction.errors import (
    AlreadyChallenged,
    RestrictionRefused,
    RestrictionTermsInvalid,
)
from app.domain.restriction.events import (
    Measure,
    RestrictionChallenged,
    RestrictionChallengeDecided,
    RestrictionEnded,
    RestrictionErased,
    RestrictionEvent,
    RestrictionImposed,
    RestrictionReviewed,
    ReviewOutcome,
)
from app.domain.restriction.state import RestrictionState


def a_year_after(day: date) -> date:
    """The same day a year on (28 February for 29 February): "We'll review customers we manage
    this way each year" (2022 policy)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return date(day.year + 1, 2, 28)


def _needs(command: Impose) -> None:
    if not command.measures:
        raise RestrictionTermsInvalid("say which measures the restriction takes")
    if len(set(command.measures)) != len(command.measures):
        raise RestrictionTermsInvalid("a measure is named twice")
    if not command.reason.strip():
        raise RestrictionTermsInvalid("say why: the reason is explained to the resident")
    if Measure.single_point_of_contact in command.measures and not command.contact_person:
        raise RestrictionTermsInvalid("a single point of contact needs the member of staff's name")
    if Measure.channels in command.measures and not command.channels:
        raise RestrictionTermsInvalid("a restriction to channels needs the channels allowed")
    if Measure.set_times in command.measures and not (command.times or "").strip():
        raise RestrictionTermsInvalid("calls at set times need the times")


def _review_due(asked: date | None, on: date) -> date:
    due = asked or a_year_after(on)
    if due <= on:
        raise RestrictionTermsInvalid(f"the review must fall after {on.isoformat()}")
    if due > a_year_after(on):
        raise RestrictionTermsInvalid("a restriction is reviewed at least once a year")
    return due


def decide(
    command: RestrictionCommand, state: RestrictionState | None, *, now: datetime
) -> list[RestrictionEvent]:
    at = command.occurred_at
    if at.tzinfo is None or at.utcoffset() is None:
        raise NaiveDatetime("occurred_at")
    if at > now:
        raise OccurredInFuture()
    if state is None:
        if not isinstance(command, Impose):
            raise RestrictionRefused("no such restriction: impose one first")
    elif at < state.last_occurred_at:
        raise RestrictionRefused("facts are recorded in order: this is earlier than the last")
    return [_decide(command, state, at)]


def _in_force(state: RestrictionState | None, what: str) -> RestrictionState:
    if state is None or not state.in_force:
        raise RestrictionRefused(f"the restriction has ended: nothing to {what}")
    if state.erased_at is not None:
        raise RestrictionRefused(f"the restriction's personal data is erased: nothing to {what}")
    return state


def _decide(
    command: RestrictionCommand, state: RestrictionState | None, at: datetime
) -> RestrictionEvent:
    today = london_date(at)
    match command:
        case Impose():
            if state is not None:
                _in_force(state, "vary (impose a new restriction instead)")
            _needs(command)
            return RestrictionImposed(
                occurred_at=at,
                landlord=command.landlord if state is None else state.landlord,
                resident_id=command.resident_id if state is None else state.resident_id,
                measures=command.measures,
                contact_person=command.contact_person,
                channels=command.channels,
                times=command.times,
                reason=command.reason,
                review_due=_review_due(command.review_due, today),
            )
        case Review(outcome=outcome):
            _in_force(state, "review")
            next_due = None
            if outcome is not ReviewOutcome.ended:
                next_due = _review_due(command.next_review_due, today)
            return RestrictionReviewed(
                occurred_at=at, outcome=outcome, next_review_due=next_due, notes=command.notes
            )
        case Challenge():
            current = _in_force(state, "challenge")
            if current.challenged_at is not None:
                raise AlreadyChallenged(
                    "the restriction was challenged on "
                    f"{london_date(current.challenged_at).isoformat()}: a challenge is heard once"
                )
            if not command.grounds.strip():
                raise RestrictionTermsInvalid("say why the restriction is challenged")
            return RestrictionChallenged(occurred_at=at, grounds=command.grounds)
        case DecideChallenge():
            current = _in_force(state, "decide")
            if not current.challenge_pending:
                raise RestrictionRefused("there is no challenge waiting for a decision")
            return RestrictionChallengeDecided(
                occurred_at=at, upheld=command.upheld, explanation=command.explanation
            )
        case End():
            # Lifting it needs no words, so it is open after an erasure too: a restriction whose
            # resident's data was erased must not stay in force for want of a way to end it.
            if state is None or not state.in_force:
                raise RestrictionRefused("the restriction has ended: nothing to end")
            return RestrictionEnded(occurred_at=at, reason=command.reason)
        case Erase():
            if state is not None and state.erased_at is not None:
                raise RestrictionRefused("the restriction's personal data is already erased")
            return RestrictionErased(occurred_at=at, reason=command.reason)
        case _:
            assert_never(command)


def possible(state: RestrictionState | None) -> list[str]:
    """The events that may be recorded next (the view's `next`)."""
    if state is None:
        return ["restriction_imposed"]
    if not state.in_force:
        return []
    if state.erased_at is not None:
        return ["restriction_ended"]
    steps = ["restriction_imposed", "restriction_reviewed", "restriction_ended"]
    if state.challenged_at is None:
        steps.append("restriction_challenged")
    if state.challenge_pending:
        steps.append("restriction_challenge_decided")
    return steps
