"""A complaints policy as data: its stages and each stage's timescales in working days.

A complaint pins the policy id and version in force when it was logged, so a policy is never edited
in place: a change is a new version. Every field beyond the ones the Housing Ombudsman Code needs
should be added with a default (stage 0, a panel stage, contact promises, escalation windows), so
the policies already written keep their meaning.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from itertools import pairwise

from app.domain.complaint.errors import StageNotInPolicy


class ResponseFrom(StrEnum):
    """Where a stage's response clock starts."""

    acknowledgement = "acknowledgement"
    start = "start"  # receipt, or the escalation request for later stages


@dataclass(frozen=True, kw_only=True)
class StagePolicy:
    number: int
    name: str
    acknowledge_days: int | None  # None: the policy sets no acknowledgement deadline
    response_days: int
    response_from: ResponseFrom
    extension_cap_days: int | None  # None: extensions are not capped

    def __post_init__(self) -> None:
        for label, days in (
            ("acknowledge_days", self.acknowledge_days),
            ("response_days", self.response_days),
            ("extension_cap_days", self.extension_cap_days),
        ):
            if days is not None and days < 0:
                raise ValueError(f"stage {self.number}: {label} must not be negative")


@dataclass(frozen=True, kw_only=True)
class Policy:
    id: str
    version: int
    name: str
    stages: tuple[StagePolicy, ...]
    warning_days: int = 2  # a clock is due soon this many working days before it is due

    def __post_init__(self) -> None:
        numbers = [s.number for s in self.stages]
        if not numbers:
            raise ValueError(f"policy {self.id} has no stages")
        # Stages are ordered and unique so "the next stage" is simply the next one in the tuple.
        if any(a >= b for a, b in pairwise(numbers)):
            raise ValueError(f"policy {self.id}: stage numbers must be strictly increasing")
        if self.warning_days < 0:
            raise ValueError(f"policy {self.id}: warning_days must not be negative")

    def has_stage(self, n: int) -> bool:
        return any(s.number == n for s in self.stages)

    def stage(self, n: int) -> StagePolicy:
        for s in self.stages:
            if s.number == n:
                return s
        raise StageNotInPolicy(self.id, self.version, n, (s.number for s in self.stages))

    @property
    def first_stage(self) -> int:
        return self.stages[0].number

    @property
    def last_stage(self) -> int:
        return self.stages[-1].number

    def next_stage(self, n: int) -> int | None:
        """The stage after `n`, or None when `n` is the last; a stage not in the policy raises."""
        self.stage(n)
        later = [s.number for s in self.stages if s.number > n]
        return later[0] if later else None
