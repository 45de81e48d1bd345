"""What of an event a caller may see without personal-data rights: `logged` loses the person, and
every event loses the free text a case handler or resident wrote, which may identify someone."""

from __future__ import annotations

from collections.abc import Mapping

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


# What an anonymous complaint hides from roles not allowed to know who complained.
ANONYMOUS_FIELDS = ("complainant", "representative")


def pseudonym_subject(complaint_id: str, resident_id: str | None) -> str:
    """Whom a pseudonym stands for: the resident, or (without a resident id) the complaint."""
    return resident_id or f"complaint:{complaint_id}"


def pseudonym_for(
    store: object, landlord: str, complaint_id: str, resident_id: str | None
) -> str | None:
    """The complainant's pseudonym, where the store can make one (the sealing store can)."""
    keyring = getattr(store, "keyring", None)
    if keyring is None:
        return None
    pseudonym: str = keyring.pseudonym(landlord, pseudonym_subject(complaint_id, resident_id))
    return pseudonym


def logged_pseudonym(store: object, event: StoredEvent, landlord: str) -> str | None:
    """The complainant's pseudonym for a `logged` event."""
    if event.type != "logged":
        return None
    complainant = event.data.get("complainant")
    resident = complainant.get("resident_id") if isinstance(complainant, Mapping) else None
    return pseudonym_for(
        store, landlord, event.stream_id, None if resident is None else str(resident)
    )


def visible_data(
    event: StoredEvent,
    *,
    personal: bool,
    identity: bool = True,
    pseudonym: str | None = None,
) -> dict[str, JsonValue]:
    """`event.data` as a caller may see it. Without personal-data rights the free text goes;
    without `identity` (an anonymous complaint, for a role not allowed to know who made it) the
    person and their representative go. Where the person is hidden, `pseudonym` stands in."""
    data = dict(event.data)
    if not personal:
        for key in HIDDEN_FIELDS.get(event.type, ()):
            data.pop(key, None)
    elif event.type == "logged" and data.get("anonymous") and not identity:
        for key in ANONYMOUS_FIELDS:
            data.pop(key, None)
    if event.type == "logged" and "complainant" not in data and pseudonym is not None:
        data["complainant_pseudonym"] = pseudonym
    return data
