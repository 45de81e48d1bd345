"""Every event type has a worked example in `/docs`, and each is a valid request."""

from __future__ import annotations

import json
import typing
from pathlib import Path
from typing import Any

import pytest
from pydantic import TypeAdapter

from app.api.event_examples import BODIES, RESIDENT_BODIES
from app.api.event_requests import EventRequest
from app.api.resident_requests import ResidentEventRequest


def _types(union: Any) -> set[str]:
    members = typing.get_args(typing.get_args(union)[0])
    return {typing.get_args(m.model_fields["type"].annotation)[0] for m in members}


@pytest.mark.parametrize(
    ("union", "bodies"), [(EventRequest, BODIES), (ResidentEventRequest, RESIDENT_BODIES)]
)
def test_every_type_has_an_example_that_validates(
    union: Any, bodies: dict[str, tuple[str, dict[str, Any]]]
) -> None:
    assert set(bodies) == _types(union)
    adapter: TypeAdapter[Any] = TypeAdapter(union)
    for event_type, (_, body) in bodies.items():
        parsed = adapter.validate_python({"type": event_type, **body})
        assert parsed.type == event_type


def test_the_committed_spec_lists_them() -> None:
    spec = json.loads(Path("openapi/openapi.json").read_text())
    body = spec["paths"]["/v1/complaints/{complaint_id}/events"]["post"]["requestBody"]
    assert set(body["content"]["application/json"]["examples"]) == set(BODIES)
