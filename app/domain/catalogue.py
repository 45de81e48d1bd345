"""The event catalogue: every event type Redress stores, and how each of its fields is treated.

Read from the declarations beside each event's fields (`app.domain.treatment`) when this module is
imported; an unclassified field stops the import. Sealing, erasure, views, history, the feed, the
export, the portal and the analysts all ask this one catalogue.
"""

from __future__ import annotations

from app.domain.complaint.events import EVENT_TYPES
from app.domain.feedback.events import FEEDBACK_EVENT_TYPES
from app.domain.landlord.events import LANDLORD_EVENT_TYPES
from app.domain.restriction.events import RESTRICTION_EVENT_TYPES
from app.domain.treatment import CatalogueError, EventSpec, build

COMPLAINT_EVENTS: dict[str, EventSpec] = build(EVENT_TYPES)
LANDLORD_EVENTS: dict[str, EventSpec] = build(LANDLORD_EVENT_TYPES)
FEEDBACK_EVENTS: dict[str, EventSpec] = build(FEEDBACK_EVENT_TYPES)
RESTRICTION_EVENTS: dict[str, EventSpec] = build(RESTRICTION_EVENT_TYPES)
_FAMILIES = (COMPLAINT_EVENTS, LANDLORD_EVENTS, FEEDBACK_EVENTS, RESTRICTION_EVENTS)
CATALOGUE: dict[str, EventSpec] = {
    name: spec for family in _FAMILIES for name, spec in family.items()
}
if len(CATALOGUE) != sum(len(family) for family in _FAMILIES):
    raise CatalogueError("an event type name is used by two kinds of stream")


def spec_of(event_type: str) -> EventSpec | None:
    """The catalogue entry of a stored type name (None for a type Redress does not know)."""
    return CATALOGUE.get(event_type)


_BY_CLASS: dict[type, EventSpec] = {spec.cls: spec for spec in CATALOGUE.values()}


def spec_for(cls: type) -> EventSpec:
    """The catalogue entry of an event class."""
    return _BY_CLASS[cls]
