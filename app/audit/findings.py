"""What `verify` reports: the problems it found, each naming its row, and what it checked."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.audit.checkpoints import Pending


class Kind(StrEnum):
    altered = "altered"
    deleted = "deleted"
    inserted = "inserted"
    reordered = "reordered"


@dataclass(frozen=True)
class Finding:
    """One problem. For `deleted`, `version` is the missing version and `position` is None."""

    kind: Kind
    stream_id: str
    version: int
    position: int | None
    detail: str
    landlord: str | None
    # Where in the log the problem was seen: orders findings ("first"), even for missing rows.
    seen_at: int


@dataclass(frozen=True)
class CheckpointProblem:
    """A checkpoint that does not verify (edited, forged, missing) or that the log no longer
    matches. About the log as a whole: it names no complaint, so every landlord is shown it."""

    position: int
    detail: str


@dataclass(frozen=True)
class Start:
    """The checkpoint a check continued from."""

    position: int
    created_at: datetime


@dataclass
class VerifyReport:
    events: int = 0
    streams: int = 0
    last_position: int = 0
    # Global positions: the first missing one (a row deleted somewhere) and how many are missing.
    first_missing_position: int | None = None
    missing_positions: int = 0
    # Stream problems per kind (whole log), and the first of each kind in the report's scope.
    counts: dict[Kind, int] = field(default_factory=dict)
    first: dict[Kind, Finding] = field(default_factory=dict)
    # What this run checked: every event from position 1 (`full`), or those after `start`, up to
    # `checked_to` (which a bounded check may leave short of `last_position`).
    full: bool = True
    start: Start | None = None
    checked_events: int = 0
    checked_to: int = 0
    checkpoints_compared: int = 0
    checkpoint_problems: list[CheckpointProblem] = field(default_factory=list)
    # The checkpoints a clean run computed, and the last position of those the caller saved.
    pending: list[Pending] = field(default_factory=list)
    written: int | None = None

    @property
    def checked_after(self) -> int:
        return 0 if self.start is None else self.start.position

    @property
    def positions_ok(self) -> bool:
        return self.missing_positions == 0

    @property
    def problems(self) -> int:
        return sum(self.counts.values()) + self.missing_positions + len(self.checkpoint_problems)

    @property
    def ok(self) -> bool:
        return self.problems == 0

    def findings(self) -> list[Finding]:
        """The first problem of each kind, in log order."""
        return sorted(self.first.values(), key=lambda f: (f.seen_at, f.kind))

    def missing(self, expected: int, position: int) -> None:
        """Positions from `expected` up to (not including) `position` are missing."""
        if position > expected:
            if self.first_missing_position is None or expected < self.first_missing_position:
                self.first_missing_position = expected
            self.missing_positions += position - expected


class Findings:
    """Adds findings to a report: every one is counted, only the scope's landlord's are shown."""

    def __init__(self, report: VerifyReport, landlord: str | None) -> None:
        self.report = report
        self.landlord = landlord
        self.positions: set[int] = set()  # of the rows named so far

    def add(self, finding: Finding) -> None:
        if finding.position is not None:
            self.positions.add(finding.position)
        report = self.report
        report.counts[finding.kind] = report.counts.get(finding.kind, 0) + 1
        if self.landlord is not None and finding.landlord != self.landlord:
            return
        known = report.first.get(finding.kind)
        if known is None or finding.seen_at < known.seen_at:
            report.first[finding.kind] = finding
