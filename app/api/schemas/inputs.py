"""What every request body and query shares: bounded strings, moments, and the refusal of NUL."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
    model_validator,
)

ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]
# A code from a policy's list (an extension reason, a refusal ground): checked against the pinned
# policy when the event is appended.
ReasonCode = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,63}$")]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=10000)]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,63}$")]
ClientId = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$"),
    Field(description="An id the client chooses, unique in the complaint, e.g. `A-1`."),
]


# The accepted calendar. Complaints are about housing now; a year far outside it is a typo, and at
# the very edges (years 1 and 9999) converting to London time or adding working days overflows.
# No real timezone is more than 14 hours from UTC.
EARLIEST_YEAR = 1900
LATEST_YEAR = 2200
LARGEST_OFFSET = timedelta(hours=14)
MOMENT_RANGE = "Years 1900 to 2200, with a UTC offset within ±14:00."
DAY_RANGE = "Years 1900 to 2200."


def _within_years(day: date) -> date:
    if not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
        raise ValueError(f"the year must be from {EARLIEST_YEAR} to {LATEST_YEAR}")
    return day


def _within_calendar(moment: datetime) -> datetime:
    offset = moment.utcoffset()
    if offset is not None and abs(offset) > LARGEST_OFFSET:
        raise ValueError("the UTC offset must be within ±14:00")
    _within_years(moment.date())
    return moment


def _iso_moment(value: object) -> datetime:
    """Query-string moments: ISO 8601 with an offset, nothing else (no epoch numbers)."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str) and len(value) <= 40:
        try:
            moment = datetime.fromisoformat(value)
        except ValueError as error:
            raise ValueError("expected an ISO 8601 date-time with an offset") from error
    else:
        raise ValueError("expected an ISO 8601 date-time with an offset")
    if moment.tzinfo is None:
        raise ValueError("the date-time must include a timezone offset")
    return _within_calendar(moment)


Moment = Annotated[
    datetime,
    BeforeValidator(_iso_moment),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]
# A date-time in a request body: a timezone offset is required.
Instant = Annotated[AwareDatetime, AfterValidator(_within_calendar)]
Day = Annotated[date, AfterValidator(_within_years)]


def _iso_day(value: object) -> date:
    """Query-string days: ISO 8601 (`2026-12-31`), nothing else (no epoch numbers)."""
    if isinstance(value, date):
        return value
    if isinstance(value, str) and len(value) == 10:
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError("expected an ISO 8601 date (YYYY-MM-DD)")


QueryDay = Annotated[
    date,
    BeforeValidator(_iso_day),
    AfterValidator(_within_years),
    WithJsonSchema({"type": "string", "format": "date"}),
]


def _has_nul(value: object) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    return False


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _no_nul_characters(cls, data: object) -> object:
        # PostgreSQL cannot store U+0000 in text or JSONB; refuse it here rather than fail later.
        if _has_nul(data):
            raise ValueError("strings must not contain NUL characters")
        return data
