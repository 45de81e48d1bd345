"""Helpers shared by the event store contract tests."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

from app.events.store import JsonValue, NewEvent

T0 = datetime(2025, 3, 3, 9, 30, tzinfo=UTC)


def new_event(
    n: int = 0,
    *,
    type: str = "noted",
    data: Mapping[str, JsonValue] | None = None,
    metadata: Mapping[str, JsonValue] | None = None,
) -> NewEvent:
    """A distinct event: it occurred n minutes after T0 and carries n."""
    return NewEvent(
        type=type,
        data={"n": n} if data is None else data,
        occurred_at=T0 + timedelta(minutes=n),
        metadata={"actor": "test"} if metadata is None else metadata,
    )
