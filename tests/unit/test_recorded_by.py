"""Who recorded an event, as the history, the stream and the feed say it: from the role its
metadata keeps, never from the key itself."""

from __future__ import annotations

import pytest

from app.api.event_views import recorded_by
from app.api.schemas.events import RecordedBy


@pytest.mark.parametrize(
    ("metadata", "expected"),
    [
        ({"actor": "k1", "role": "portal"}, RecordedBy.resident),
        ({"actor": "k2", "role": "crm"}, RecordedBy.landlord),
        ({"actor": "k3", "role": "admin"}, RecordedBy.landlord),
        ({"actor": "demo", "role": "admin"}, RecordedBy.landlord),  # `redress demo`
        ({"actor": "cli", "role": "operator"}, RecordedBy.operator),  # `redress landlords ...`
        ({"actor": "test"}, None),  # no role kept: not guessed
        ({"actor": "k4", "role": "analyst"}, None),  # analysts never write
        ({"role": 7}, None),
    ],
)
def test_the_role_in_the_metadata_says_who(
    metadata: dict[str, object], expected: RecordedBy | None
) -> None:
    assert recorded_by(metadata) is expected
