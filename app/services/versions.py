"""If-Match on a stream: the version the caller read is not the stream's current one. One error
for every kind of stream, answered as one problem (412 `stale-version`, app/api/errors.py)."""

from __future__ import annotations

from typing import ClassVar


class StaleVersion(Exception):
    what: ClassVar[str] = "stream"  # what the caller wrote to: "complaint", "landlord", ...

    def __init__(self, expected: int, actual: int) -> None:
        super().__init__(f"the {self.what} is at version {actual}, not {expected}")
        self.expected = expected
        self.actual = actual
