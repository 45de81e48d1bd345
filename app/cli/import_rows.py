"""Reading a file of past complaints into `importing.Planned`: the CSV template (one row per
complaint and its dates, docs/import.md) or NDJSON events (one API request body a line). Either
way each record becomes the API's own request bodies, validated by the API's models, so an import
takes exactly what `POST /v1/complaints` and `POST /v1/complaints/{id}/events` take.

A date without a time (`2025-06-02`) means noon in London that day: the Code counts days, and
noon keeps the day whatever the season."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import orjson
from pydantic import TypeAdapter, ValidationError

from app.api.commands import event_command, log_command
from app.api.event_requests import EventRequest
from app.api.schemas.complaint_requests import LogComplaintRequest
from app.domain.policies.model import Policy
from app.services.importing import Planned, Refusal

LONDON = ZoneInfo("Europe/London")
KEY = "source_reference"  # the landlord's own reference, in every CSV row and NDJSON line
_EVENTS: TypeAdapter[Any] = TypeAdapter(EventRequest)

# The CSV template: its columns, in order (docs/import.md says what each holds).
COLUMNS = (
    KEY, "received_on", "channel", "category", "description", "desired_outcome",
    "complainant_name", "complainant_email", "complainant_phone", "resident_id", "tenure",
    "acknowledged_on", "stage1_responded_on", "stage1_outcome", "stage1_summary",
    "escalation_rights_signposted", "escalation_requested_on", "escalated_on",
    "escalation_refused_on", "escalation_refusal_reason", "escalation_refusal_explanation",
    "stage2_acknowledged_on", "stage2_responded_on", "stage2_outcome", "stage2_summary",
    "ombudsman_signposted", "closed_on", "closure_reason", "declined_on", "decline_reason",
    "decline_explanation",
)  # fmt: skip
REQUIRED = (KEY, "received_on", "channel", "category", "description")
SUMMARY = "Response recorded by import; the letter is kept in the landlord's records."


class Unreadable(Exception):
    """A record that cannot be turned into request bodies (a missing or malformed value)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message


def moment(value: str, field: str) -> str:
    """An ISO moment with its offset, from a date (noon in London) or a moment with an offset."""
    text = value.strip()
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return datetime.combine(day, time(12), LONDON).isoformat()
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise Unreadable(field, f"not a date (YYYY-MM-DD) or a moment: {text[:40]!r}") from None
    if parsed.utcoffset() is None:
        raise Unreadable(field, "a moment needs its offset (Z or +01:00), or give a date alone")
    return parsed.isoformat()


def _yes(value: str, field: str) -> bool:
    text = value.strip().lower()
    if text in ("", "no", "false", "n", "0"):
        return False
    if text in ("yes", "true", "y", "1"):
        return True
    raise Unreadable(field, f"expected yes or no: {text[:20]!r}")


def bodies_of_row(row: dict[str, str]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The `logged` body and the event bodies, in the order they happened, of one CSV row."""
    value = {k: (v or "").strip() for k, v in row.items() if k is not None}
    for name in REQUIRED:
        if not value.get(name):
            raise Unreadable(name, "required")

    def at(name: str) -> str | None:
        return moment(value[name], name) if value.get(name) else None

    def given(*names: str) -> dict[str, str]:
        return {name: value[name] for name in names if value.get(name)}

    received = at("received_on")
    person = {k: v for k, v in {
        "name": value.get("complainant_name"), "email": value.get("complainant_email"),
        "phone": value.get("complainant_phone"), "resident_id": value.get("resident_id"),
    }.items() if v}  # fmt: skip
    logged = {
        "channel": value["channel"], "received_at": received, "occurred_at": received,
        "category": value["category"], "description": value["description"],
        "complainant": person, **given("desired_outcome", "tenure"),
    }  # fmt: skip
    signposted = _yes(value.get("escalation_rights_signposted", ""), "escalation_rights_signposted")
    ombudsman = _yes(value.get("ombudsman_signposted", ""), "ombudsman_signposted")
    events: list[tuple[str | None, dict[str, Any]]] = [
        (at("declined_on"), {"type": "declined", "reason": value.get("decline_reason"),
                             "explanation": value.get("decline_explanation")}),
        (at("acknowledged_on"), {"type": "acknowledged"}),
        (at("stage1_responded_on"), {
            "type": "responded", "outcome": value.get("stage1_outcome"),
            "summary": value.get("stage1_summary") or SUMMARY,
            "escalation_rights_signposted": signposted,
        }),
        (at("escalation_requested_on"), {"type": "escalation_requested"}),
        (at("escalated_on"), {"type": "escalated"}),
        (at("escalation_refused_on"), {
            "type": "escalation_refused", "reason": value.get("escalation_refusal_reason"),
            "explanation": value.get("escalation_refusal_explanation"),
        }),
        (at("stage2_acknowledged_on"), {"type": "acknowledged"}),
        (at("stage2_responded_on"), {
            "type": "responded", "outcome": value.get("stage2_outcome"),
            "summary": value.get("stage2_summary") or SUMMARY,
            "ombudsman_signposted": ombudsman,
        }),
        (at("closed_on"), {"type": "closed", "reason": value.get("closure_reason")}),
    ]  # fmt: skip
    return logged, [{**body, "occurred_at": when} for when, body in events if when is not None]


def planned(
    key: str, line: int, logged: dict[str, Any], steps: list[tuple[int, dict[str, Any]]],
    *, landlord: str, policy: Policy, now: datetime,
) -> Planned:  # fmt: skip
    """One complaint's bodies, validated by the API's models and turned into its commands."""
    try:
        body = LogComplaintRequest.model_validate(logged)
    except ValidationError as error:
        raise _invalid(error, line) from None
    log = log_command(body, landlord=landlord, policy=policy, now=now, resident_id=None)
    commands = []
    for step_line, step in steps:
        try:
            commands.append((step_line, event_command(_EVENTS.validate_python(step))))
        except ValidationError as error:
            raise _invalid(error, step_line, step.get("type")) from None
    return Planned(key=key, line=line, log=log, steps=commands)


class InvalidRecord(Unreadable):
    def __init__(self, field: str, message: str, line: int) -> None:
        super().__init__(field, message)
        self.line = line


def _invalid(error: ValidationError, line: int, event: object = None) -> InvalidRecord:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"])
    prefix = f"{event}." if isinstance(event, str) else ""
    return InvalidRecord(f"{prefix}{where}", str(first["msg"]), line)


def read_csv(
    text: str, *, landlord: str, policy: Policy, now: datetime
) -> tuple[list[Planned], list[Refusal]]:
    """The CSV template's rows (line 1 is the header) as complaints, and the rows refused."""
    reader = csv.DictReader(io.StringIO(text))
    unknown = [name for name in reader.fieldnames or () if name not in COLUMNS]
    if unknown or KEY not in (reader.fieldnames or ()):
        what = f"unknown columns {unknown}" if unknown else f"no {KEY} column"
        return [], [Refusal(1, "-", "header", f"{what}; the template's are {', '.join(COLUMNS)}")]
    found: list[Planned] = []
    refused: list[Refusal] = []
    for index, row in enumerate(reader):
        line = index + 2
        key = (row.get(KEY) or "").strip() or "-"
        try:
            logged, events = bodies_of_row(row)
            found.append(
                planned(key, line, logged, [(line, e) for e in events],
                        landlord=landlord, policy=policy, now=now)
            )  # fmt: skip
        except Unreadable as error:
            refused.append(Refusal(line, key, error.field, error.message))
    return found, refused


def read_ndjson(
    text: str, *, landlord: str, policy: Policy, now: datetime
) -> tuple[list[Planned], list[Refusal]]:
    """NDJSON events: each line an API request body with `source_reference`; a complaint's first
    line is its `logged` body (`"type": "logged"`), its events follow in the order they happened
    (other complaints' lines may come between)."""
    lines: dict[str, tuple[int, dict[str, Any], list[tuple[int, dict[str, Any]]]]] = {}
    refused: list[Refusal] = []
    for number, record in _records(text, refused):
        key = str(record.pop(KEY, "") or "").strip() or "-"
        kind = record.get("type")
        if kind == "logged":
            if key in lines:
                refused.append(Refusal(number, key, "duplicate-reference",
                                       f"logged already at line {lines[key][0]}"))  # fmt: skip
                continue
            record.pop("type")
            lines[key] = (number, record, [])
        elif key not in lines:
            refused.append(Refusal(number, key, "type", "an event before its complaint's logged"))
        else:
            lines[key][2].append((number, record))
    found = []
    for key, (number, logged, events) in lines.items():
        try:
            found.append(planned(key, number, logged, events,
                                 landlord=landlord, policy=policy, now=now))  # fmt: skip
        except InvalidRecord as error:
            refused.append(Refusal(error.line, key, error.field, error.message))
    return found, refused


def _records(text: str, refused: list[Refusal]) -> Iterator[tuple[int, dict[str, Any]]]:
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            record = orjson.loads(raw)
        except orjson.JSONDecodeError:
            refused.append(Refusal(number, "-", "json", "not a JSON object"))
            continue
        if not isinstance(record, dict):
            refused.append(Refusal(number, "-", "json", "not a JSON object"))
            continue
        yield number, record
