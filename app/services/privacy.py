"""What of an event a caller may see: without personal-data rights, `logged` loses the person."""

from __future__ import annotations

from app.events.store import JsonValue, StoredEvent

# Keys of `logged` data that hold personal data or free text that may identify someone.
PERSONAL_FIELDS = (
    "complainant",
    "representative",
    "description",
    "desired_outcome",
    "vulnerability",
    "reasonable_adjustments",
)


def visible_data(event: StoredEvent, *, personal: bool) -> dict[str, JsonValue]:
    data = dict(event.data)
    if event.type == "logged" and not personal:
        for key in PERSONAL_FIELDS:
            data.pop(key, None)
    return data
