"""In-process caches of what nearly every request reads and seldom changes: API keys, landlords'
calendars and default policies, and landlords' own policy versions (ADR 0008).

Only the service's engine has a cache (`start`, from the app's lifespan); every other engine (the
CLI, batch commands, a test's own) reads the database as before. A transaction uses the cache
through a `View` (`view(conn)`), which answers only until the next invalidation: whatever a
transaction read before a change is never kept after it.

How changes reach the cache:
- Made in this process: the writer names what it changed (`changed(conn, ...)`). The entries are
  dropped when its connection goes back to the pool, after the commit and before the response is
  sent; until then the writer's own transaction bypasses the cache, as it must see its own
  changes.
- PostgreSQL, any process: triggers (migration 0010) notify at commit, a listener drops the
  entries. While the listener is not connected the cache is bypassed, and it is emptied whenever
  the listener (re)connects, since notifications may have been missed meanwhile.
- SQLite, any process: triggers give `cache_version` a new random value, which every view reads
  (in its own transaction) and which empties the cache when it differs.

A key's expiry (the end of a rotation's grace period) needs no invalidation: the cached key keeps
its `revoked_at` and is judged by the clock on every use.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from contextlib import suppress
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import asyncpg
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from app.services.tables import cache_version

if TYPE_CHECKING:
    from app.domain.policies.model import Policy
    from app.services.catalog import LandlordEntry, Pin
    from app.services.keys import KeyRecord

CHANNEL = "redress_cache"  # the channel migration 0010's triggers notify
APPLICATION_NAME = "redress-cache"  # the listener's, in pg_stat_activity
ENTRIES = 4096
RETRY_SECONDS = 0.1
MAX_RETRY_SECONDS = 5.0
# A connection that dies without a word (a network that drops everything) loses notifications
# unnoticed: a ping finds it out, so the cache is trusted at most this long after such a death.
PING_SECONDS = 1.0
PING_TIMEOUT_SECONDS = 2.0
_PENDING = "redress_cache_pending"  # in the pooled connection's `info`: what its writes changed

log = logging.getLogger(__name__)

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Missing(Enum):
    MISSING = "missing"


MISSING = Missing.MISSING
_UNSEEN = object()  # no version read yet: the first one read empties the (empty) cache


class Lru(Generic[K, V]):
    """At most `capacity` entries; the least recently used goes first."""

    def __init__(self, capacity: int) -> None:
        self._capacity = capacity
        self._entries: OrderedDict[K, V] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: K) -> V | Missing:
        try:
            value = self._entries[key]
        except KeyError:
            return MISSING
        self._entries.move_to_end(key)
        return value

    def put(self, key: K, value: V) -> None:
        self._entries[key] = value
        self._entries.move_to_end(key)
        while len(self._entries) > self._capacity:
            self._entries.popitem(last=False)

    def drop(self, key: K) -> None:
        self._entries.pop(key, None)

    def drop_where(self, condition: Callable[[K], bool]) -> None:
        for key in [key for key in self._entries if condition(key)]:
            del self._entries[key]

    def clear(self) -> None:
        self._entries.clear()


class Cache:
    def __init__(self, entries: int, *, versioned: bool) -> None:
        self.keys: Lru[str, KeyRecord] = Lru(entries)  # by key id
        self.landlords: Lru[str, LandlordEntry | None] = Lru(entries)  # None: not registered
        self.policies: Lru[Pin, Policy] = Lru(entries)  # the landlords' own versions
        # SQLite compares `cache_version` in every view; PostgreSQL trusts its listener.
        self.versioned = versioned
        self.live = versioned
        # Bumped by every invalidation: a view taken before it neither answers nor stores.
        self.generation = 0
        self._version: object = _UNSEEN

    def invalidate(self, what: Iterable[str]) -> None:
        """Drop what the notifications' payloads name: `key:<id>`, `landlord:<id>` (its row and
        its policies), `key:*`, `landlord:*`; anything else empties the cache."""
        for item in what:
            kind, _, name = item.partition(":")
            if kind == "key" and name != "*":
                self.keys.drop(name)
            elif kind == "key":
                self.keys.clear()
            elif kind == "landlord" and name != "*":
                self._drop_landlord(name)
            elif kind == "landlord":
                self.landlords.clear()
                self.policies.clear()
            else:
                self.clear()
        self.generation += 1

    def _drop_landlord(self, landlord: str) -> None:
        self.landlords.drop(landlord)
        self.policies.drop_where(lambda pin: pin[0] == landlord)

    def clear(self) -> None:
        self.keys.clear()
        self.landlords.clear()
        self.policies.clear()
        self.generation += 1

    def observe(self, version: int | None) -> None:
        """SQLite: the version a transaction read. Any other than the entries were read under
        empties the cache (even an older one: a slower transaction's snapshot)."""
        if version != self._version:
            self.clear()
            self._version = version

    def listening(self, live: bool) -> None:
        # Either way, what was read before cannot be trusted: notifications may have been missed.
        self.live = live
        self.clear()


@dataclass(frozen=True)
class View:
    """The cache as one transaction may use it: until the next invalidation, and no longer."""

    cache: Cache
    generation: int

    @property
    def current(self) -> bool:
        return self.generation == self.cache.generation

    def get(self, store: Lru[K, V], key: K) -> V | Missing:
        return store.get(key) if self.current else MISSING

    def put(self, store: Lru[K, V], key: K, value: V) -> None:
        if self.current:
            store.put(key, value)


_CACHES: weakref.WeakKeyDictionary[Engine, Cache] = weakref.WeakKeyDictionary()


def of(engine: AsyncEngine) -> Cache | None:
    return _CACHES.get(engine.sync_engine)


async def view(conn: AsyncConnection) -> View | None:
    """The cache as this transaction may use it, or None: read the database."""
    cache = of(conn.engine)
    if cache is None or conn.info.get(_PENDING):
        return None
    if cache.versioned:
        query = sa.select(cache_version.c.version).where(cache_version.c.id == 1)
        cache.observe((await conn.execute(query)).scalar())
    elif not cache.live:
        return None
    return View(cache, cache.generation)


def view_now(engine: AsyncEngine) -> View | None:
    """The cache when it can be trusted without reading the database (PostgreSQL with its
    listener connected), so a hit needs no transaction at all."""
    cache = of(engine)
    if cache is None or cache.versioned or not cache.live:
        return None
    return View(cache, cache.generation)


def changed(conn: AsyncConnection, *what: str) -> None:
    """Say, in the changing transaction, what it changed (`key:<id>`, `landlord:<id>`), so that
    this process drops it as soon as the transaction ends, not a notification's round trip later."""
    if of(conn.engine) is not None:
        pending: set[str] = conn.info.setdefault(_PENDING, set())
        pending.update(what)


class Listener:
    """PostgreSQL: LISTEN on its own connection; reconnects with back-off, pings to find out a
    connection that died silently, and keeps the cache bypassed while it is not listening."""

    def __init__(self, cache: Cache, engine: AsyncEngine, *, retry: float, timeout: float) -> None:
        _, params = engine.dialect.create_connect_args(engine.url)
        self._params: dict[str, Any] = dict(params)
        for adapter_only in ("prepared_statement_cache_size", "prepared_statement_name_func"):
            self._params.pop(adapter_only, None)
        self._cache = cache
        self._retry = retry
        self._timeout = timeout
        self._ready = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._lost: asyncio.Event | None = None  # the current session's
        self.backend_pid: int | None = None  # the listening session, for pg_terminate_backend

    async def start(self) -> None:
        """Start listening; wait for the first connection at most a connect timeout (the cache
        is bypassed until then, so a slow start is only slower)."""
        self._task = asyncio.create_task(self._run(), name="cache-listener")
        with suppress(TimeoutError):
            await asyncio.wait_for(self._ready.wait(), self._timeout)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        delay = self._retry
        while True:
            if await self._session():
                delay = self._retry
            await asyncio.sleep(delay)
            delay = min(delay * 2, MAX_RETRY_SECONDS)

    async def _session(self) -> bool:
        """Listen until the connection is lost; whether it got as far as listening."""
        connection: Any = None
        listening = False
        lost = self._lost = asyncio.Event()

        def on_lost(_: object) -> None:
            # At once, not when the loop below wakes; but never for a session already replaced.
            if self._lost is lost:
                self._cache.listening(False)
            lost.set()

        try:
            connection = await asyncpg.connect(
                **self._params,
                timeout=self._timeout,
                server_settings={"application_name": APPLICATION_NAME},
            )
            connection.add_termination_listener(on_lost)
            await connection.add_listener(CHANNEL, self._notified)
            self.backend_pid = connection.get_server_pid()
            self._cache.listening(True)
            listening = True
            self._ready.set()
            log.info("cache listener connected; the caches are in use")
            while True:
                with suppress(TimeoutError):
                    await asyncio.wait_for(lost.wait(), PING_SECONDS)
                if lost.is_set():
                    raise ConnectionError("the listener's connection was closed")
                await connection.fetchval("SELECT 1", timeout=PING_TIMEOUT_SECONDS)
        except Exception as error:
            # Whatever the failure, the cache stays bypassed until a new session listens.
            log.warning(
                "cache listener %s (%s); reading the database until it reconnects",
                "lost" if listening else "could not connect",
                type(error).__name__,
            )
        finally:
            self._cache.listening(False)
            self.backend_pid = None
            if connection is not None:
                connection.terminate()
        return listening

    def _notified(self, _connection: object, _pid: int, _channel: str, payload: str) -> None:
        self._cache.invalidate([payload])


@dataclass
class Caching:
    """The service engine's cache and, on PostgreSQL, its listener."""

    engine: AsyncEngine
    cache: Cache
    listener: Listener | None
    on_checkin: Callable[..., None]

    async def stop(self) -> None:
        if self.listener is not None:
            await self.listener.stop()
        event.remove(self.engine.sync_engine, "checkin", self.on_checkin)
        _CACHES.pop(self.engine.sync_engine, None)


async def start(
    engine: AsyncEngine,
    *,
    entries: int = ENTRIES,
    retry: float = RETRY_SECONDS,
    connect_timeout: float = 3.0,
) -> Caching | None:
    """Give `engine` its cache (None with `entries` 0: no cache, every read goes to the
    database); on PostgreSQL, start its listener."""
    if entries <= 0:
        return None
    versioned = engine.dialect.name == "sqlite"
    cache = Cache(entries, versioned=versioned)

    def on_checkin(_dbapi_connection: object, record: Any) -> None:
        # After the commit (or rollback) of the connection's transaction, before the response.
        pending = record.info.pop(_PENDING, None)
        if pending:
            cache.invalidate(pending)

    event.listen(engine.sync_engine, "checkin", on_checkin)
    _CACHES[engine.sync_engine] = cache
    listener = None
    if not versioned:
        listener = Listener(cache, engine, retry=retry, timeout=connect_timeout)
        await listener.start()
    return Caching(engine, cache, listener, on_checkin)
