"""Why a command on a restriction is refused: a code each, and words saying what is possible."""

from __future__ import annotations

from typing import ClassVar

from app.domain.errors import DomainError


class RestrictionRefused(DomainError):
    """Not now: the restriction's state does not allow it (it ended, it was erased, ...)."""

    code: ClassVar[str] = "restriction-step-refused"


class RestrictionTermsInvalid(DomainError):
    """Not ever, as asked: a measure without what it needs, no reason, a review too far off."""

    code: ClassVar[str] = "restriction-terms-invalid"


class AlreadyChallenged(DomainError):
    """The 2022 policy hears one challenge to a restriction."""

    code: ClassVar[str] = "restriction-already-challenged"
