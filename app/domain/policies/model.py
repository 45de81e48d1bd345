"""A complaints policy as data: its stages and each stage's timescales in working days.

A complaint pins the policy id and version in force when it was logged, so a policy is never edited
in place: a change is a new version. Every field beyond the ones the Housing Ombudsman Code needs
has a default (no contact promise, no escalation window, no survey, ...), so a policy written with
only the Code's fields keeps its meaning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from itertools import pairwise

from app.domain.complaint.errors import StageNotInPolicy
from app.domain.complaint.events import DeclineReason

# About four years of working days: more than any complaints policy sets, and small enough that
# counting them from the latest accepted date stays far inside the calendar (and takes no time).
MAX_WORKING_DAYS = 1000
# Warning points a policy may set: each is worked out for every running clock on every append.
MAX_ALERT_POINTS = 10


INDEPENDENCE = ("required", "advised")
_CODE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


@dataclass(frozen=True, kw_only=True)
class Ground:
    """A reason the policy lists, as a stable code (what events and reports record) and the
    policy's own words (what the resident is shown)."""

    code: str
    text: str

    def __post_init__(self) -> None:
        if not _CODE.match(self.code):
            raise ValueError(f"reason code {self.code[:70]!r}: lower case letters, digits, _")
        if not self.text.strip():
            raise ValueError(f"reason {self.code}: text must not be blank")


def _distinct(label: str, grounds: tuple[Ground, ...]) -> None:
    codes = [g.code for g in grounds]
    if len(set(codes)) != len(codes):
        raise ValueError(f"{label}: codes must not repeat")


class ResponseFrom(StrEnum):
    """Where a stage's response clock starts."""

    acknowledgement = "acknowledgement"
    start = "start"  # receipt, or the escalation request for later stages


@dataclass(frozen=True, kw_only=True)
class StagePolicy:
    """One stage. The escalation fields describe leaving this stage for the next one."""

    number: int
    name: str
    acknowledge_days: int | None  # None: the policy sets no acknowledgement deadline
    response_days: int
    response_from: ResponseFrom
    # None: "agree a revised date" with the resident, with no cap on how far it may move.
    extension_cap_days: int | None
    contact_days: int | None = None  # a promise to speak to the resident, from stage start
    # The resident's window, from this stage's response, to ask for the next stage.
    escalation_window_days: int | None = None
    escalation_refusable: bool = True
    # The grounds on which the policy lets the landlord refuse the next stage (`escalation_refused`
    # is accepted only on one of them).
    refusal_grounds: tuple[Ground, ...] = ()
    # The policy asks the resident to say why they want the next stage.
    escalation_reasons_required: bool = False
    informal: bool = False  # a stage 0 / quick fix before the formal process
    # Whether this stage's handler must be someone not involved at an earlier stage: "required"
    # (an assignment of an earlier stage's handler is refused) or "advised"; None: no rule.
    handler_independence: str | None = None

    def refusal_codes(self) -> tuple[str, ...]:
        return tuple(g.code for g in self.refusal_grounds)

    def __post_init__(self) -> None:
        if self.handler_independence not in (None, *INDEPENDENCE):
            raise ValueError(
                f"stage {self.number}: handler_independence must be one of "
                f"{', '.join(INDEPENDENCE)} (or left out)"
            )
        if self.number < 0:
            raise ValueError(f"stage {self.number}: a stage number must not be negative")
        if not self.name.strip():
            raise ValueError(f"stage {self.number}: name must not be blank")
        for label, days in (
            ("acknowledge_days", self.acknowledge_days),
            ("response_days", self.response_days),
            ("extension_cap_days", self.extension_cap_days),
            ("contact_days", self.contact_days),
            ("escalation_window_days", self.escalation_window_days),
        ):
            if days is not None and days < 0:
                raise ValueError(f"stage {self.number}: {label} must not be negative")
            if days is not None and days > MAX_WORKING_DAYS:
                raise ValueError(f"stage {self.number}: {label} must be at most {MAX_WORKING_DAYS}")
        # A formal stage with no working days to respond in would breach on the day it starts;
        # only a stage 0 "resolved at first contact" may be due the same day.
        if self.response_days == 0 and not self.informal and self.number != 0:
            raise ValueError(f"stage {self.number}: response_days must be positive")
        if self.escalation_window_days == 0:
            raise ValueError(f"stage {self.number}: escalation_window_days must be positive")
        if self.refusal_grounds and not self.escalation_refusable:
            raise ValueError(
                f"stage {self.number}: refusal_grounds given but escalation is not refusable"
            )
        _distinct(f"stage {self.number}: refusal_grounds", self.refusal_grounds)
        if self.informal and self.number != 0:
            raise ValueError(f"stage {self.number}: only stage 0 can be informal")


def default_alert_days(warning_days: int) -> tuple[int, ...]:
    """The warning points of a policy that names none: where its clocks turn due soon, and the
    due day itself (once, when the warning is on the day)."""
    return tuple(dict.fromkeys((warning_days, 0)))


@dataclass(frozen=True, kw_only=True)
class Policy:
    id: str
    version: int
    name: str
    stages: tuple[StagePolicy, ...]
    warning_days: int = 2  # a clock is due soon this many working days before it is due
    # The deadline alerts' warning points, in working days before a clock's due date (0: on the
    # due day); the breach alert needs none. None (left out) is `warning_days` and the day itself,
    # so every policy written before alerts existed warns where its clocks turn due soon.
    alert_days_before: tuple[int, ...] | None = None
    survey_days_after_closure: int | None = None  # a satisfaction survey after closure
    overall_limit_days: int | None = None  # from receipt to the final closure, across stages
    reopening_allowed: bool = False
    closure_waits_for_actions: bool = False  # close only once every agreed action is done
    exclusions: tuple[DeclineReason, ...] = ()  # what the policy says is not a complaint
    # Why a response may take longer (`extension_agreed` is accepted only for one of them).
    extension_reasons: tuple[Ground, ...] = ()
    clock_stopping_allowed: bool = False  # the Code's tool is the extension, not a paused clock
    # Accepted compensation may be set against the resident's rent arrears instead of paid
    # (`compensation_offset`, always with the resident's agreement).
    arrears_offset_allowed: bool = False
    # How old a matter may be when complained about, in calendar months before receipt; an older
    # one is logged only with a late acceptance (its reason). None: the policy sets no limit.
    complaint_time_limit_months: int | None = None
    source: str | None = None  # the document the policy was written from

    def __post_init__(self) -> None:
        if not self.id.strip():
            raise ValueError("a policy id must not be blank")
        if self.version < 1:
            raise ValueError(f"policy {self.id}: version must be at least 1")
        numbers = [s.number for s in self.stages]
        if not numbers:
            raise ValueError(f"policy {self.id} has no stages")
        # Stages are ordered and unique so "the next stage" is simply the next one in the tuple.
        if any(a >= b for a, b in pairwise(numbers)):
            raise ValueError(f"policy {self.id}: stage numbers must be strictly increasing")
        # Consecutive from 0 (an informal stage first) or 1: a gap would leave reports counting
        # a stage nobody can enter.
        if numbers != list(range(numbers[0], numbers[0] + len(numbers))) or numbers[0] > 1:
            raise ValueError(f"policy {self.id}: stages must be numbered consecutively from 0 or 1")
        if self.warning_days < 0:
            raise ValueError(f"policy {self.id}: warning_days must not be negative")
        if self.warning_days > MAX_WORKING_DAYS:
            raise ValueError(f"policy {self.id}: warning_days must be at most {MAX_WORKING_DAYS}")
        self._check_alert_points()
        for label, days in (
            ("survey_days_after_closure", self.survey_days_after_closure),
            ("overall_limit_days", self.overall_limit_days),
        ):
            if days is not None and days <= 0:
                raise ValueError(f"policy {self.id}: {label} must be positive")
            if days is not None and days > MAX_WORKING_DAYS:
                raise ValueError(f"policy {self.id}: {label} must be at most {MAX_WORKING_DAYS}")
        if len(set(self.exclusions)) != len(self.exclusions):
            raise ValueError(f"policy {self.id}: exclusions must not repeat")
        limit = self.complaint_time_limit_months
        if limit is not None and not 1 <= limit <= 120:
            raise ValueError(f"policy {self.id}: complaint_time_limit_months must be 1 to 120")
        _distinct(f"policy {self.id}: extension_reasons", self.extension_reasons)

    def _check_alert_points(self) -> None:
        if self.alert_days_before is None:
            # Frozen, so set the derived default the one way a frozen dataclass allows.
            object.__setattr__(self, "alert_days_before", default_alert_days(self.warning_days))
            return
        points = self.alert_days_before
        if len(points) > MAX_ALERT_POINTS:
            raise ValueError(
                f"policy {self.id}: alert_days_before may name at most {MAX_ALERT_POINTS} points"
            )
        if any(p < 0 for p in points):
            raise ValueError(f"policy {self.id}: alert_days_before must not be negative")
        if any(p > MAX_WORKING_DAYS for p in points):
            raise ValueError(
                f"policy {self.id}: alert_days_before must be at most {MAX_WORKING_DAYS}"
            )
        if len(set(points)) != len(points):
            raise ValueError(f"policy {self.id}: alert_days_before must not repeat")

    @property
    def alert_points(self) -> tuple[int, ...]:
        """`alert_days_before`, always set once the policy is made."""
        assert self.alert_days_before is not None
        return self.alert_days_before

    def extension_codes(self) -> tuple[str, ...]:
        return tuple(g.code for g in self.extension_reasons)

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

    @property
    def has_informal_stage(self) -> bool:
        """Whether complaints may start at a stage 0 before the formal process."""
        return self.stages[0].number == 0

    def next_stage(self, n: int) -> int | None:
        """The stage after `n`, or None when `n` is the last; a stage not in the policy raises."""
        self.stage(n)
        later = [s.number for s in self.stages if s.number > n]
        return later[0] if later else None
