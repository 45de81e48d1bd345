"""What a complaint needs beside its events: its landlord's calendar and the policy it pinned.

Read once per request for the complaints in hand, from the service's cache when it has them
(app/services/cache.py). Policy versions never change once published, so a pinned version always
resolves to the same numbers; a calendar does change (a new closure day, a bank holiday added by a
`holidays` upgrade), and clocks are always computed with today's: a change to a landlord drops its
cached entry at once, in every process.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from app.domain.clocks.calendar import WorkingCalendar
from app.domain.complaint.errors import UnknownPolicy
from app.domain.landlord.errors import LandlordNotRegistered
from app.domain.landlord.events import PolicyRef
from app.domain.policies.builtin import BUILTIN_POLICIES
from app.domain.policies.model import Policy
from app.domain.policies.registry import PolicyRegistry
from app.projections import landlords as projection
from app.services import cache
from app.services.cache import MISSING, Missing, View

# Complaints logged before their landlord was registered (or whose landlord row is gone) keep the
# product's defaults: England and Wales bank holidays, no closure days.
DEFAULT_CALENDAR = WorkingCalendar()

Pin = tuple[str, str, int]  # (landlord, policy id, version)


@dataclass(frozen=True)
class Catalog:
    calendars: Mapping[str, WorkingCalendar] = field(default_factory=dict)
    policies: Mapping[Pin, Policy] = field(default_factory=dict)  # the landlords' own
    builtin: PolicyRegistry = BUILTIN_POLICIES

    def calendar(self, landlord: str) -> WorkingCalendar:
        return self.calendars.get(landlord, DEFAULT_CALENDAR)

    def policy(self, landlord: str, policy_id: str, version: int) -> Policy:
        if self.builtin.knows(policy_id):
            # The pinned version, never the latest: a newer one may have been shipped since.
            return self.builtin.get(policy_id, version)
        found = self.policies.get((landlord, policy_id, version))
        if found is None:
            raise UnknownPolicy(policy_id, version)
        return found


@dataclass(frozen=True)
class LandlordEntry:
    """What the catalog needs of a landlord's row, as cached."""

    calendar: WorkingCalendar
    default_policy: PolicyRef


async def load_catalog(
    conn: AsyncConnection, landlords: Iterable[str], pins: Iterable[Pin]
) -> Catalog:
    found = await cache.view(conn)
    entries = await _landlords(conn, found, landlords)
    own = [pin for pin in pins if not BUILTIN_POLICIES.knows(pin[1])]
    return Catalog(
        calendars={landlord: e.calendar for landlord, e in entries.items() if e is not None},
        policies=await _policies(conn, found, own),
    )


@dataclass(frozen=True)
class LandlordSettings:
    """What logging a complaint needs: the policy to pin and the calendar to count with."""

    policy: Policy
    calendar: WorkingCalendar


async def settings_for(conn: AsyncConnection, landlord: str) -> LandlordSettings:
    """The landlord's default policy and calendar; an unregistered landlord cannot log."""
    found = await cache.view(conn)
    entry = (await _landlords(conn, found, [landlord]))[landlord]
    if entry is None:
        raise LandlordNotRegistered(landlord)
    pin = (landlord, entry.default_policy.id, entry.default_policy.version)
    own = [] if BUILTIN_POLICIES.knows(pin[1]) else [pin]
    catalog = Catalog({landlord: entry.calendar}, await _policies(conn, found, own))
    return LandlordSettings(policy=catalog.policy(*pin), calendar=entry.calendar)


async def _landlords(
    conn: AsyncConnection, found: View | None, landlords: Iterable[str]
) -> dict[str, LandlordEntry | None]:
    """Each landlord's entry, None for one not registered (remembered too: registering it
    invalidates it like any other change)."""
    entries: dict[str, LandlordEntry | None] = {}
    missing: list[str] = []
    for landlord in set(landlords):
        hit: LandlordEntry | Missing | None = MISSING
        if found is not None:
            hit = found.get(found.cache.landlords, landlord)
        if hit is MISSING:
            missing.append(landlord)
        else:
            entries[landlord] = hit
    if missing:
        rows = await projection.find(conn, missing)
        for landlord in missing:
            row = rows.get(landlord)
            entry = None if row is None else _entry(row)
            entries[landlord] = entry
            if found is not None:
                found.put(found.cache.landlords, landlord, entry)
    return entries


def _entry(row: sa.RowMapping) -> LandlordEntry:
    return LandlordEntry(projection.calendar_of(row), projection.default_policy_of(row))


async def _policies(
    conn: AsyncConnection, found: View | None, pins: Iterable[Pin]
) -> dict[Pin, Policy]:
    """The landlords' own policy versions named; one not found is not remembered."""
    policies: dict[Pin, Policy] = {}
    missing: list[Pin] = []
    for pin in set(pins):
        hit: Policy | Missing = MISSING
        if found is not None:
            hit = found.get(found.cache.policies, pin)
        if hit is MISSING:
            missing.append(pin)
        else:
            policies[pin] = hit
    if missing:
        read = await projection.find_policies(conn, missing)
        policies.update(read)
        if found is not None:
            for pin, policy in read.items():
                found.put(found.cache.policies, pin, policy)
    return policies
