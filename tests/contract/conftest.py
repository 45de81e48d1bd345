"""Fixtures for the event store contract: every database test runs on SQLite and PostgreSQL, and
every store test against both stores: the plain SQL store and the sealing store the service runs
(app/events/factory.py), which must keep the same contract while sealing personal fields."""

from __future__ import annotations

import os

import pytest

from app.events.keyring import Keyring, parse_master_key
from app.events.sealed_store import SealingEventStore
from app.events.sql import SqlEventStore
from app.events.store import EventStore


@pytest.fixture(params=["sql", "sealing"])
def store(request: pytest.FixtureRequest) -> EventStore:
    if request.param == "sql":
        return SqlEventStore()
    return SealingEventStore(
        SqlEventStore(), Keyring(parse_master_key(os.environ["REDRESS_MASTER_KEY"]))
    )
