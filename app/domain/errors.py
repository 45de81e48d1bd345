"""The root of every refusal the domain makes, whichever aggregate refused.

Each kind has a stable kebab-case `code` (the API maps it to a problem `type`) and a `message` in
plain English for an API client. Messages name statuses, stages, reasons and dates only: never
anything a resident wrote or anything that identifies them, so they are safe to log and to return.
Domain errors carry no HTTP status; the API layer chooses one.
"""

from __future__ import annotations

from typing import ClassVar


class DomainError(Exception):
    code: ClassVar[str] = "domain-error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
