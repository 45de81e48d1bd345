"""A long-polling follower's request deadline starts after the wait it asked for."""

from __future__ import annotations

from app.api.deadline import _waits


def test_the_deadline_starts_after_the_wait_asked_for() -> None:
    def scope(path: str, query: bytes) -> dict[str, object]:
        return {"path": path, "query_string": query}

    assert _waits(scope("/v1/events", b"after=3&wait=30")) == 30
    assert _waits(scope("/v1/events", b"wait=900")) == 60  # the route refuses more anyway
    assert _waits(scope("/v1/events", b"wait=x")) == 0
    assert _waits(scope("/v1/complaints", b"wait=30")) == 0
