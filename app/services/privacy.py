"""What of an event a caller may see without personal-data rights: `logged` loses the person, and
every event loses the free text a case handler or resident wrote, which may identify someone."""

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

# For each event type, the keys hidden from roles without personal-data rights. Categories,
# amounts, dates and ids stay: reports are built from them.
HIDDEN_FIELDS: dict[str, tuple[str, ...]] = {
    "logged": PERSONAL_FIELDS,
    "clock_stopped": ("reason",),
    "clock_restarted": ("reason",),
    "reopened": ("reason",),
    "action_agreed": ("description",),
    "action_completed": ("summary",),
    "satisfaction_recorded": ("comments",),
    "compensation_offered": ("reason",),
    "referred": ("reason",),
    "learning_recorded": ("root_cause", "lesson", "improvement"),
}


def visible_data(event: StoredEvent, *, personal: bool) -> dict[str, JsonValue]:
    data = dict(event.data)
    if not personal:
        for key in HIDDEN_FIELDS.get(event.type, ()):
            data.pop(key, None)
    return data
