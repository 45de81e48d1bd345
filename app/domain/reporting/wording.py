"""The landlord's words behind some counted items: why an extension was agreed, why an escalation
was refused, and a lesson's root cause, lesson and service improvement.

Free text may name anyone, so the event catalogue makes each of these fields personal: sealed at
rest with the complaint's data key, erased with it, hidden from readers without personal-data
rights. The reporting projection therefore holds none of them (facts.py); a report that shows them
reads them from the events of the items in its period, through the sealing store, and only the
kinds whose fields the reader may see (app/services/reports.py). Counts never come from here: they
are the projection's, the same for every reader and after an erasure.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from app.domain.catalogue import spec_for
from app.domain.complaint.events import EscalationRefused, ExtensionAgreed, LearningRecorded
from app.domain.reporting.facts import ItemFacts, ItemKind
from app.domain.treatment import FieldSpec

ItemKey = tuple[str, int]  # the complaint id and the version of the item's event in its stream

# The kinds of item that have words: the event each is counted from, and its fields holding them.
WORDED: dict[ItemKind, tuple[type, tuple[str, ...]]] = {
    ItemKind.extension: (ExtensionAgreed, ("explanation",)),
    ItemKind.escalation_refusal: (EscalationRefused, ("explanation",)),
    ItemKind.learning: (LearningRecorded, ("root_cause", "lesson", "improvement")),
}


def fields_of(kind: ItemKind) -> tuple[FieldSpec, ...]:
    """The catalogue's entries for the fields a kind's words come from."""
    cls, names = WORDED[kind]
    spec = spec_for(cls)
    return tuple(spec.field(name) for name in names)


def words_of(kind: ItemKind, event: object) -> dict[str, str]:
    """The words of one item, from the event it was counted from (none if it is not that event)."""
    cls, names = WORDED[kind]
    if not isinstance(event, cls):
        return {}
    return {name: str(getattr(event, name)) for name in names}


@dataclass(frozen=True, slots=True)
class Wording:
    """The words of a period's items, for the kinds in `shown`: those whose every field the reader
    may see. Other kinds' figures keep their counts and list no words."""

    shown: frozenset[ItemKind] = frozenset()
    words: Mapping[ItemKey, Mapping[str, str]] = field(default_factory=dict)

    def of(self, item: ItemFacts, name: str) -> str:
        return self.words.get((item.complaint_id, item.version), {}).get(name, "")


WITHHELD = Wording()  # no words at all: what a caller gets unless it asks for them
