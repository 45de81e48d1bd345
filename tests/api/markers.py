"""The markers of the catalogue world (tests/api/catalogue_world.py): a unique value in every text
field of every event, each remembering whose field it is, so a test knows which ones a reader must
never see; and `fill`, a request body with a marker in every text field."""

from __future__ import annotations

import itertools
import typing
from dataclasses import dataclass, field
from typing import Any

from app.domain.treatment import Audience, EventSpec, FieldSpec, Sensitivity


@dataclass(frozen=True)
class Marker:
    value: str
    event_type: str
    path: str
    field: FieldSpec
    resident_sees_event: bool  # the event is one a resident's portal is shown at all


@dataclass
class Markers:
    found: list[Marker] = field(default_factory=list)
    _numbers: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def new(
        self,
        spec: EventSpec,
        path: str,
        field: FieldSpec,
        resident_sees: bool,
        *,
        phone: bool = False,
        uprn: bool = False,
    ) -> str:
        number = next(self._numbers)
        # A phone number or a UPRN can hold only digits: its marker is the whole value.
        value = f"+44 20 7946 0{number:03d}" if phone else f"mk{number:03d}q"
        if uprn:
            value = f"9000{number:08d}"
        self.found.append(Marker(value, spec.event_type, path, field, resident_sees))
        return value

    def personal(self) -> list[str]:
        """What an analyst must never read: every marker not plain (the person, their id, text)."""
        return [
            m.value for m in self.found if m.field.treatment.sensitivity is not Sensitivity.plain
        ]

    def internal(self) -> list[str]:
        """What a resident's portal must never read: internal fields, and every field of an event
        the resident is not shown (an internal note, the Ombudsman's evidence requests)."""
        return [
            m.value
            for m in self.found
            if m.field.treatment.audience is Audience.internal or not m.resident_sees_event
        ]


def _is_text(field: FieldSpec, cls: type) -> bool:
    hint = typing.get_type_hints(cls)[field.name]
    args = typing.get_args(hint)
    return hint is str or (str in args and len(args) == 2) or hint == tuple[str, ...]


def fill(
    markers: Markers,
    spec: EventSpec,
    values: dict[str, Any],
    *,
    resident_sees: bool = True,
) -> dict[str, Any]:
    """A request body for `spec` with a marker in every text field the caller did not set."""
    body: dict[str, Any] = {}
    for f in spec.fields:
        if f.name in values:
            body[f.name] = values[f.name]
        elif _is_text(f, spec.cls):
            marker = markers.new(spec, f.name, f, resident_sees)
            hint = typing.get_type_hints(spec.cls)[f.name]
            body[f.name] = [marker] if hint == tuple[str, ...] else marker
    return body
