"""The caches' rules without a database: bounded, and a view taken before an invalidation neither
answers nor keeps what it read (it may have read before the change committed)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from app.domain.clocks.calendar import WorkingCalendar
from app.domain.landlord.events import PolicyRef
from app.domain.policies.builtin import BUILTIN_POLICIES
from app.services.cache import MISSING, Cache, Lru, View
from app.services.catalog import LandlordEntry
from app.services.keys import ApiKey, KeyRecord, Role, _hash

ENTRY = LandlordEntry(WorkingCalendar(), PolicyRef(id="hoc-2024", version=1))
POLICY = BUILTIN_POLICIES.get("hoc-2024", 1)


def record(key_id: str, revoked_at: datetime | None = None) -> KeyRecord:
    key = ApiKey(key_id, Role.crm, "north", None, datetime.now(UTC), revoked_at)
    return KeyRecord(key, _hash("secret"))


def filled() -> Cache:
    cache = Cache(8, versioned=False)
    cache.listening(True)
    view = View(cache, cache.generation)
    view.put(cache.keys, "k1", record("k1"))
    view.put(cache.keys, "k2", record("k2"))
    view.put(cache.landlords, "north", ENTRY)
    view.put(cache.landlords, "south", None)
    view.put(cache.policies, ("north", "own", 1), POLICY)
    view.put(cache.policies, ("south", "own", 1), POLICY)
    return cache


def contents(cache: Cache) -> dict[str, set[Any]]:
    view = View(cache, cache.generation)
    return {
        "keys": {k for k in ("k1", "k2") if view.get(cache.keys, k) is not MISSING},
        "landlords": {k for k in ("north", "south") if view.get(cache.landlords, k) is not MISSING},
        "policies": {
            p[0]
            for p in (("north", "own", 1), ("south", "own", 1))
            if view.get(cache.policies, p) is not MISSING
        },
    }


def test_the_least_recently_used_entry_goes_first() -> None:
    lru: Lru[str, int] = Lru(2)
    lru.put("a", 1)
    lru.put("b", 2)
    assert lru.get("a") == 1  # now b is the least recently used
    lru.put("c", 3)
    assert len(lru) == 2
    assert lru.get("b") is MISSING
    assert (lru.get("a"), lru.get("c")) == (1, 3)


def test_a_view_taken_before_an_invalidation_neither_answers_nor_stores() -> None:
    cache = filled()
    before = View(cache, cache.generation)
    cache.invalidate(["key:k2"])
    assert before.get(cache.keys, "k1") is MISSING
    before.put(cache.keys, "k2", record("k2"))  # read before the change: not kept
    after = View(cache, cache.generation)
    assert after.get(cache.keys, "k2") is MISSING
    assert after.get(cache.keys, "k1") is not MISSING


def test_what_a_notification_names_is_dropped_and_nothing_else() -> None:
    cache = filled()
    cache.invalidate(["landlord:north"])
    assert contents(cache) == {"keys": {"k1", "k2"}, "landlords": {"south"}, "policies": {"south"}}
    cache.invalidate(["key:*"])
    assert contents(cache) == {"keys": set(), "landlords": {"south"}, "policies": {"south"}}
    cache = filled()
    cache.invalidate(["landlord:*"])
    assert contents(cache) == {"keys": {"k1", "k2"}, "landlords": set(), "policies": set()}
    cache = filled()
    cache.invalidate(["something new"])
    assert contents(cache) == {"keys": set(), "landlords": set(), "policies": set()}


def test_a_listener_coming_or_going_empties_the_cache() -> None:
    cache = filled()
    cache.listening(False)
    assert not cache.live
    assert contents(cache) == {"keys": set(), "landlords": set(), "policies": set()}
    cache = filled()
    cache.listening(True)
    assert contents(cache) == {"keys": set(), "landlords": set(), "policies": set()}


def test_sqlite_entries_last_while_the_version_is_the_one_they_were_read_under() -> None:
    cache = Cache(8, versioned=True)
    cache.observe(7)
    View(cache, cache.generation).put(cache.keys, "k1", record("k1"))
    cache.observe(7)
    assert contents(cache)["keys"] == {"k1"}
    cache.observe(None)  # the row was deleted: a change too
    assert contents(cache)["keys"] == set()
    View(cache, cache.generation).put(cache.keys, "k1", record("k1"))
    cache.observe(7)  # even an older value: a slower transaction's snapshot
    assert contents(cache)["keys"] == set()


def test_a_cached_key_is_judged_by_the_clock_and_its_secret() -> None:
    now = datetime.now(UTC)
    graced = record("k1", revoked_at=now + timedelta(seconds=60))
    assert graced.admits("secret", now) == graced.key
    assert graced.admits("wrong", now) is None
    assert graced.admits("secret", now + timedelta(seconds=60)) is None
