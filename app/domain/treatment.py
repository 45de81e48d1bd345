"""How each field of an event is treated, declared beside the field, and read into the catalogue.

Each field of each event dataclass carries its treatment beside its type, as `Annotated[type,
TREATMENT]`. `app.domain.catalogue` reads those declarations once, at import; sealing at
rest, erasure, the analysts' and the portal's views, history, the feed and the export all ask it,
and no other list of personal fields exists. A field without a treatment stops the import (and so
the app and every test) with its name: privacy is declared, never remembered.

Three questions per field:
- sensitivity: `personal` (sealed at rest with the complaint's data key, erased with it, hidden
  from analysts), `identifier` (the resident's id: clear at rest because it scopes the portal,
  shown to analysts only as a keyed pseudonym) or `plain` (stages, dates, codes, amounts: what
  reports are made of);
- audience: `resident` (the resident's own portal shows it) or `internal` (the landlord only);
- form: `text` someone wrote, or `structured` (a code, a date, a number, an id). Free text may name
  anyone, so free text is always personal; a test holds every text field to that.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Sensitivity(StrEnum):
    personal = "personal"
    identifier = "identifier"
    plain = "plain"


class Audience(StrEnum):
    resident = "resident"
    internal = "internal"


class Form(StrEnum):
    text = "text"
    structured = "structured"


@dataclass(frozen=True, slots=True)
class Treatment:
    sensitivity: Sensitivity
    audience: Audience
    form: Form

    @property
    def personal(self) -> bool:
        return self.sensitivity is Sensitivity.personal


# The treatments fields are declared with. Name them by what a reader of the event needs to know.
PERSONAL_TEXT = Treatment(Sensitivity.personal, Audience.resident, Form.text)
"""Free text the resident wrote or was told (a description, a summary, a reason given to them)."""
INTERNAL_TEXT = Treatment(Sensitivity.personal, Audience.internal, Form.text)
"""Free text for the landlord only (a vulnerability note, a lesson learnt)."""
PERSONAL = Treatment(Sensitivity.personal, Audience.resident, Form.structured)
"""Who the person is and how to reach them (a name, an email, an address)."""
IDENTIFIER = Treatment(Sensitivity.identifier, Audience.resident, Form.structured)
"""The resident's id in the landlord's systems: pseudonymous, shown to analysts as a pseudonym."""
RESIDENT = Treatment(Sensitivity.plain, Audience.resident, Form.structured)
"""Structured facts the resident sees (stages, dates, outcomes, codes, amounts)."""
INTERNAL = Treatment(Sensitivity.plain, Audience.internal, Form.structured)
"""Structured facts for the landlord only (who owns an action, the Ombudsman's evidence dates)."""


class CatalogueError(Exception):
    """An event type whose fields are not all classified, or classified inconsistently."""


@dataclass(frozen=True, slots=True)
class FieldSpec:
    name: str
    treatment: Treatment
    optional: bool  # None is a valid value
    # The classified fields inside a structured personal value (the complainant's name, email,
    # ... and resident id), so that its identifier can stay clear while the rest is sealed.
    parts: tuple[FieldSpec, ...] = ()
    # The field has no default: it is always written, even where None is valid (an anonymous
    # complainant's name), so an erased one still reads as erased rather than as never given.
    required: bool = False

    def kept_clear(self) -> tuple[str, ...]:
        """The parts that stay readable when this field is sealed (identifiers)."""
        return tuple(
            p.name for p in self.parts if p.treatment.sensitivity is Sensitivity.identifier
        )


@dataclass(frozen=True, slots=True)
class EventSpec:
    event_type: str
    cls: type
    fields: tuple[FieldSpec, ...]
    # The event as a whole is for the landlord only (the portal never sees it happened).
    audience: Audience = Audience.resident
    # Or the event says itself, in this field, whether the resident may see it (a note).
    audience_field: str | None = None

    def field(self, name: str) -> FieldSpec:
        for spec in self.fields:
            if spec.name == name:
                return spec
        raise KeyError(f"{self.event_type!r} has no field {name!r}")

    def sealed(self) -> tuple[str, ...]:
        """The fields stored sealed with the complaint's data key."""
        return tuple(f.name for f in self.fields if f.treatment.personal)

    def resident_sees(self, data: Mapping[str, object]) -> bool:
        """Whether the resident's portal may see that this event happened at all."""
        if self.audience is Audience.internal:
            return False
        if self.audience_field is None:
            return True
        return data.get(self.audience_field) == Audience.resident.value


# Fields every event has, kept as columns of their own rather than in the event's data.
ENVELOPE = frozenset({"occurred_at"})


def field_specs(cls: type) -> tuple[FieldSpec, ...]:
    """The classified fields of an event (or of a value inside one), in declaration order."""
    hints = typing.get_type_hints(cls, include_extras=True)
    specs: list[FieldSpec] = []
    missing: list[str] = []
    for field in dataclasses.fields(cls):
        if field.name in ENVELOPE:
            continue
        hint = hints[field.name]
        treatment = _treatment(hint)
        if treatment is None:
            missing.append(field.name)
            continue
        inner = typing.get_args(hint)[0]
        nested = _dataclass_in(inner)
        parts = field_specs(nested) if nested is not None and treatment.personal else ()
        required = (
            field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING
        )
        specs.append(FieldSpec(field.name, treatment, _optional(inner), parts, required))
    if missing:
        raise CatalogueError(
            f"{cls.__name__}: field(s) {', '.join(missing)} not classified; declare each as "
            "Annotated[type, PERSONAL_TEXT | INTERNAL_TEXT | PERSONAL | IDENTIFIER | RESIDENT | "
            "INTERNAL] (see docs/adding-an-event.md)"
        )
    return tuple(specs)


def _treatment(hint: Any) -> Treatment | None:
    if typing.get_origin(hint) is not typing.Annotated:
        return None
    found = [m for m in hint.__metadata__ if isinstance(m, Treatment)]
    return found[0] if len(found) == 1 else None


def _optional(hint: Any) -> bool:
    return typing.get_origin(hint) in (typing.Union, types.UnionType) and type(None) in (
        typing.get_args(hint)
    )


def _dataclass_in(hint: Any) -> type | None:
    candidates = typing.get_args(hint) if _optional(hint) else (hint,)
    for candidate in candidates:
        if isinstance(candidate, type) and dataclasses.is_dataclass(candidate):
            return candidate
    return None


def event_spec(type_name: str, cls: type) -> EventSpec:
    """The catalogue entry of an event class. Besides its fields' treatments, a class may say that
    the event as a whole is internal (`AUDIENCE = Audience.internal`) or which of its fields says
    whether the resident sees it (`AUDIENCE_FIELD`)."""
    audience = getattr(cls, "AUDIENCE", Audience.resident)
    audience_field = getattr(cls, "AUDIENCE_FIELD", None)
    spec = EventSpec(type_name, cls, field_specs(cls), audience, audience_field)
    if audience_field is not None:
        spec.field(audience_field)  # must exist
    return spec


def build(types_by_class: Mapping[type, str]) -> dict[str, EventSpec]:
    """The catalogue of these event classes, keyed by stored type name."""
    catalogue: dict[str, EventSpec] = {}
    for cls, name in types_by_class.items():
        if name in catalogue:
            raise CatalogueError(f"event type {name!r} declared twice")
        catalogue[name] = event_spec(name, cls)
    return catalogue


def walk(spec: EventSpec) -> Iterator[tuple[str, FieldSpec]]:
    """Every classified field of an event, nested parts included, with its dotted path."""

    def visit(prefix: str, fields: tuple[FieldSpec, ...]) -> Iterator[tuple[str, FieldSpec]]:
        for field in fields:
            path = f"{prefix}{field.name}"
            yield path, field
            yield from visit(f"{path}.", field.parts)

    yield from visit("", spec.fields)
