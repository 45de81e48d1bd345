"""The event store the service and the CLI use: SQL underneath, sealing personal data on top."""

from __future__ import annotations

from app.events.keyring import Keyring, load_or_create_master_key, parse_master_key
from app.events.sealed_store import SealingEventStore
from app.events.sql import SqlEventStore
from app.settings import Settings


def master_key(settings: Settings) -> bytes:
    if settings.master_key is not None:
        return parse_master_key(settings.master_key.get_secret_value())
    return load_or_create_master_key(settings.master_key_file)


def make_store(settings: Settings) -> SealingEventStore:
    return SealingEventStore(SqlEventStore(), Keyring(master_key(settings)))
