"""Why a command on a restriction is refused: a code each, and words saying what is possible."""

from __future__ import annotations

from typing import ClassVar

from app.domain.errors import DomainError


class RestrictionRefused(DomainError):
    code: ClassVar[str] = "restriction-step-refused"


class AlreadyChallenged(DomainError):
    """The 2022 policy hears one challenge to a restriction."""

    code: ClassVar[str] = "restriction-already-challenged"
