"""Refusals about letters. Messages name kinds, stages and parts only, never what a letter says."""

from __future__ import annotations

from collections.abc import Sequence

from app.domain.errors import DomainError


class LetterNotIssuable(DomainError):
    """The fact a letter reports is not recorded yet (or the person was erased)."""

    code = "letter-not-issuable"


class LetterIncomplete(DomainError):
    """A rendered letter lacks a part the Code requires of its kind."""

    code = "letter-incomplete"

    def __init__(self, kind: str, missing: Sequence[str], sections: str) -> None:
        super().__init__(
            f"the {kind.replace('_', ' ')} letter lacks what the Complaint Handling Code requires "
            f"({sections}): {', '.join(missing)}"
        )
        self.kind = kind
        self.missing = tuple(missing)
        # What a client acts on without parsing the message (the API adds them to the problem).
        self.fields = {"kind": kind, "missing": list(missing), "code_sections": sections}


class InvalidLetter(DomainError):
    """A letter issued with a hash that is not a SHA-256, or about a stage it is not about."""

    code = "invalid-letter"
