"""The event catalogue: every field of every event type is classified, free text is personal, and
sealing, erasure and what each reader sees follow the declarations alone."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

import orjson
import pytest

from app.domain.catalogue import (
    CATALOGUE,
    COMPLAINT_EVENTS,
    FEEDBACK_EVENTS,
    LANDLORD_EVENTS,
    spec_for,
)
from app.domain.complaint.events import EVENT_TYPES, Logged, NoteAdded
from app.domain.feedback.events import FEEDBACK_EVENT_TYPES
from app.domain.landlord.events import LANDLORD_EVENT_TYPES
from app.domain.treatment import (
    PERSONAL,
    RESIDENT,
    Audience,
    CatalogueError,
    FieldSpec,
    Form,
    Sensitivity,
    build,
    field_specs,
    walk,
)
from app.events.codec import SCHEMA_VERSIONS
from app.events.sealing import ERASED, new_key, seal, sealed_fields, unseal
from app.events.store import JsonValue, StoredEvent
from app.services.privacy import NO_PERSONAL_DATA, OPERATOR, Reader, visible_data

PORTAL = Reader(personal=True, internal=False)
CASE_HANDLER_OF_ANONYMOUS = Reader(personal=True, internal=True, identity=False)


def test_every_event_type_is_in_the_catalogue() -> None:
    assert set(COMPLAINT_EVENTS) == set(EVENT_TYPES.values())
    assert set(LANDLORD_EVENTS) == set(LANDLORD_EVENT_TYPES.values())
    assert set(FEEDBACK_EVENTS) == set(FEEDBACK_EVENT_TYPES.values())


@pytest.mark.parametrize("event_type", sorted(CATALOGUE))
def test_every_field_of_every_event_type_is_classified(event_type: str) -> None:
    spec = CATALOGUE[event_type]
    declared = {f.name for f in dataclasses.fields(spec.cls)} - {"occurred_at"}
    assert {f.name for f in spec.fields} == declared
    for _, field in walk(spec):
        assert field.treatment.sensitivity in Sensitivity


def test_an_unclassified_field_is_refused_with_its_name() -> None:
    @dataclass(frozen=True, kw_only=True)
    class Careless:  # its fields' hints are all resolvable where it is defined
        occurred_at: datetime
        stage: Annotated[int, RESIDENT]
        gossip: str

    with pytest.raises(CatalogueError, match="gossip"):
        field_specs(Careless)
    with pytest.raises(CatalogueError, match="gossip"):
        build({Careless: "careless"})


@dataclass(frozen=True, kw_only=True)
class Person:
    name: Annotated[str, PERSONAL]
    nickname: str


@dataclass(frozen=True, kw_only=True)
class Met:
    occurred_at: datetime
    who: Annotated[Person, PERSONAL]


def test_a_personal_value_must_classify_its_parts() -> None:
    with pytest.raises(CatalogueError, match="nickname"):
        field_specs(Met)


TEXT_FIELDS = [
    (path, t) for t, s in CATALOGUE.items() for path, f in walk(s) if f.treatment.form is Form.text
]


@pytest.mark.parametrize(("path", "event_type"), TEXT_FIELDS)
def test_free_text_is_always_personal(path: str, event_type: str) -> None:
    # Free text may name anyone: it is sealed, erased and hidden from analysts.
    field = dict(walk(CATALOGUE[event_type]))[path]
    assert field.treatment.sensitivity is Sensitivity.personal


def test_the_residents_id_is_an_identifier_kept_clear_when_the_person_is_sealed() -> None:
    complainant = spec_for(Logged).field("complainant")
    assert complainant.kept_clear() == ("resident_id",)
    assert spec_for(Logged).sealed() == sealed_fields("logged")


def _value(path: str, field: FieldSpec) -> JsonValue:
    if not field.parts:
        return f"<{path}>"
    return {p.name: _value(f"{path}.{p.name}", p) for p in field.parts}


def _data(event_type: str) -> dict[str, JsonValue]:
    """A marker `<type.path>` in every field of the event (shapes do not matter to sealing)."""
    return {f.name: _value(f"{event_type}.{f.name}", f) for f in CATALOGUE[event_type].fields}


@pytest.mark.parametrize("event_type", sorted(CATALOGUE))
def test_sealing_hides_every_personal_field_and_erasure_keeps_the_rest(event_type: str) -> None:
    spec = CATALOGUE[event_type]
    data = _data(event_type)
    key = new_key()
    sealed = seal("c-1", event_type, data, key, "k-1")
    stored = orjson.dumps(sealed).decode()
    for path, field in walk(spec):
        marker = f"<{event_type}.{path}>"
        if field.treatment.sensitivity is Sensitivity.personal and not field.parts:
            assert marker not in stored, path
        elif not field.parts:
            assert marker in stored, path  # plain and identifiers stay readable
    assert unseal("c-1", event_type, sealed, key) == data
    erased = orjson.dumps(unseal("c-1", event_type, sealed, None)).decode()
    for path, field in walk(spec):
        if field.treatment.sensitivity is Sensitivity.personal and not field.parts:
            assert f"<{event_type}.{path}>" not in erased, path
    if spec.sealed():
        assert ERASED in erased


def _stored(event_type: str, data: dict[str, JsonValue]) -> StoredEvent:
    return StoredEvent(
        position=1,
        stream_id="c-1",
        version=1,
        type=event_type,
        schema_version=SCHEMA_VERSIONS.get(event_type, 1),  # data of the current shape
        data=data,
        metadata={},
        occurred_at=datetime(2026, 3, 2),
        recorded_at=datetime(2026, 3, 2),
        hash="0" * 64,
        previous_hash=None,
    )


@pytest.mark.parametrize("event_type", sorted(COMPLAINT_EVENTS))
def test_each_reader_sees_what_the_catalogue_allows(event_type: str) -> None:
    spec = CATALOGUE[event_type]
    event = _stored(event_type, _data(event_type))
    everything = orjson.dumps(visible_data(event, OPERATOR)).decode()
    analyst = orjson.dumps(visible_data(event, NO_PERSONAL_DATA, "person-1")).decode()
    portal = orjson.dumps(visible_data(event, PORTAL)).decode()
    for path, field in walk(spec):
        if field.parts:
            continue  # a value of parts: its parts' markers are checked
        marker = f"<{event_type}.{path}>"
        assert marker in everything
        treatment = field.treatment
        assert (marker in analyst) is (treatment.sensitivity is Sensitivity.plain), path
        assert (marker in portal) is (treatment.audience is Audience.resident), path


def test_analysts_see_a_pseudonym_where_the_person_was() -> None:
    seen = visible_data(_stored("logged", _data("logged")), NO_PERSONAL_DATA, "person-1")
    assert seen["complainant_pseudonym"] == "person-1"
    assert "complainant" not in seen
    assert "representative" not in seen


def test_an_anonymous_complaint_hides_who_but_not_what_from_case_handlers() -> None:
    data: dict[str, JsonValue] = {**_data("logged"), "anonymous": True}
    seen = visible_data(_stored("logged", data), CASE_HANDLER_OF_ANONYMOUS, "person-1")
    assert "complainant" not in seen
    assert "representative" not in seen
    assert seen["description"] == "<logged.description>"
    assert seen["complainant_pseudonym"] == "person-1"


def test_an_internal_note_is_not_shown_to_the_resident_and_a_resident_note_is() -> None:
    assert spec_for(NoteAdded).audience_field == "visibility"
    assert not PORTAL.sees_event("note_added", {"visibility": "internal"})
    assert PORTAL.sees_event("note_added", {"visibility": "resident"})
    assert not PORTAL.sees_event("learning_recorded", {})
    assert NO_PERSONAL_DATA.sees_event("note_added", {"visibility": "internal"})


def test_an_event_type_the_catalogue_does_not_know_shows_nothing() -> None:
    assert visible_data(_stored("rumour_heard", {"who": "x"}), OPERATOR) == {}
    assert not OPERATOR.sees_event("rumour_heard", {})
