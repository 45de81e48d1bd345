"""Fixtures for the event store contract: every database test runs on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from app.events.sql import SqlEventStore


@pytest.fixture
def store() -> SqlEventStore:
    return SqlEventStore()
