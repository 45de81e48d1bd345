"""Why a command on a piece of feedback was refused. Nothing is written when one is raised.

Messages name kinds and statuses only, never what the resident wrote (app/domain/errors.py)."""

from __future__ import annotations

from collections.abc import Iterable

from app.domain.errors import DomainError


class FeedbackNotReceived(DomainError):
    code = "not-received"

    def __init__(self) -> None:
        super().__init__("the feedback has not been received yet: log it first")


class FeedbackAlreadyReceived(DomainError):
    code = "already-received"

    def __init__(self) -> None:
        super().__init__("the feedback has already been received")


class FeedbackOutOfOrder(DomainError):
    code = "feedback-out-of-order"

    def __init__(self) -> None:
        super().__init__(
            "occurred_at is earlier than the previous event of this feedback: "
            "events must be recorded in the order they happened"
        )


class WrongFeedbackKind(DomainError):
    """A step of another kind's lifecycle (answering a compliment)."""

    code = "wrong-feedback-kind"

    def __init__(self, what: str, kind: str, allowed: str) -> None:
        super().__init__(f"only {allowed} can be {what}; this feedback is a {kind}")


class FeedbackStepRefused(DomainError):
    """The step cannot happen in the feedback's status; the message says what can."""

    code = "feedback-step-refused"

    def __init__(self, status: str, possible: Iterable[str]) -> None:
        listed = ", ".join(possible) or "nothing more"
        super().__init__(f"the feedback is {status}: {listed} can be recorded now")
        self.status = status


class FeedbackAlreadyErased(DomainError):
    code = "already-erased"

    def __init__(self) -> None:
        super().__init__("the personal data of this feedback has already been erased")
