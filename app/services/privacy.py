"""What of an event a reader may see, decided by the event catalogue alone (`app.domain.catalogue`).

A reader is described by three rights: personal data (the person and every free text; analysts
have none), the landlord's internal facts (a resident's portal has none) and, for an anonymous
complaint, who made it (case handlers work it without the name). Each field of each event is
shown or not by its declared treatment; a field or event type the catalogue does not know is not
shown at all.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from app.domain.catalogue import spec_of
from app.domain.treatment import Audience, FieldSpec, Form, Sensitivity
from app.events.codec import SCHEMA_VERSIONS, upcast
from app.events.store import JsonValue, StoredEvent


@dataclass(frozen=True, slots=True)
class Reader:
    personal: bool  # the person, their identifiers and every free text
    internal: bool  # facts and events for the landlord only
    identity: bool = True  # who made an anonymous complaint

    def sees(self, field: FieldSpec, *, anonymous: bool = False) -> bool:
        treatment = field.treatment
        if treatment.sensitivity is not Sensitivity.plain and not self.personal:
            return False
        if treatment.audience is Audience.internal and not self.internal:
            return False
        # Who the person is (as opposed to what they said) is hidden on an anonymous complaint.
        identifies = treatment.personal and treatment.form is Form.structured
        return not (anonymous and identifies and not self.identity)

    def sees_event(self, event_type: str, data: Mapping[str, object]) -> bool:
        """Whether this reader may know the event happened at all."""
        spec = spec_of(event_type)
        if spec is None:
            return False
        return self.internal or spec.resident_sees(data)


OPERATOR = Reader(personal=True, internal=True)  # the `redress export --personal-data` operator
NO_PERSONAL_DATA = Reader(personal=False, internal=True)


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


def current(
    event_type: str, schema_version: int, data: Mapping[str, JsonValue]
) -> tuple[int, Mapping[str, JsonValue]]:
    """An (opened) event's data in its type's current shape, with that shape's version. The
    catalogue classes the fields of the current shape only: an older event's field of the same
    name may have held something else (`escalation_refused` v1's `reason` was free text, v2's is
    a code), so an event is shown only once upcast, as the domain reads it."""
    version = SCHEMA_VERSIONS.get(event_type)
    if version is None or schema_version >= version:
        return schema_version, data
    return version, upcast(event_type, schema_version, dict(data))


def visible_data(
    event: StoredEvent, reader: Reader, pseudonym: str | None = None
) -> dict[str, JsonValue]:
    """`event.data` (upcast: `current`) as `reader` may see it. Where a value that holds a
    resident's identifier is hidden, `pseudonym` stands in for it as `<field>_pseudonym`."""
    _, data = current(event.type, event.schema_version, event.data)
    return visible(event.type, data, reader, pseudonym)


def visible(
    event_type: str, data: Mapping[str, JsonValue], reader: Reader, pseudonym: str | None = None
) -> dict[str, JsonValue]:
    """The (opened) data of an event of `event_type` as `reader` may see it, in the catalogue's
    order of fields; see `visible_data`. Of a hidden field only whether it is null matters."""
    fields = _fields_for(reader, event_type)
    anonymous = bool(data.get("anonymous"))
    shown: dict[str, JsonValue] = {}
    for name, seen, seen_if_anonymous, identifies in fields:
        if name not in data:
            continue
        value = data[name]
        if seen_if_anonymous if anonymous else seen:
            shown[name] = value
        elif identifies and value is not None and pseudonym is not None:
            shown[f"{name}_pseudonym"] = pseudonym
    return shown


@lru_cache(maxsize=1024)
def _fields_for(reader: Reader, event_type: str) -> tuple[tuple[str, bool, bool, bool], ...]:
    """Each field of the type: its name, whether the reader sees it (on an anonymous complaint
    too), and whether it holds a resident's identifier. None of a type the catalogue does not know
    is shown."""
    spec = spec_of(event_type)
    if spec is None:
        return ()
    return tuple(
        (f.name, reader.sees(f), reader.sees(f, anonymous=True), bool(f.kept_clear()))
        for f in spec.fields
    )
