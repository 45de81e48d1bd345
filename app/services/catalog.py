"""What a complaint needs beside its events: its landlord's calendar and the policy it pinned.

Read once per request for the complaints in hand. Policy versions never change once published, so
a pinned version always resolves to the same numbers; a calendar does change (a new closure day, a
bank holiday added by a `holidays` upgrade), and clocks are always computed with today's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncConnection

from app.domain.clocks.calendar import WorkingCalendar
from app.domain.complaint.errors import UnknownPolicy
from app.domain.landlord.errors import LandlordNotRegistered
from app.domain.policies.builtin import BUILTIN_POLICIES
from app.domain.policies.model import Policy
from app.domain.policies.registry import PolicyRegistry
from app.projections import landlords as projection

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


async def load_catalog(
    conn: AsyncConnection, landlords: Iterable[str], pins: Iterable[Pin]
) -> Catalog:
    rows = await projection.find(conn, landlords)
    own = [pin for pin in pins if not BUILTIN_POLICIES.knows(pin[1])]
    return Catalog(
        calendars={landlord: projection.calendar_of(row) for landlord, row in rows.items()},
        policies=await projection.find_policies(conn, own),
    )


@dataclass(frozen=True)
class LandlordSettings:
    """What logging a complaint needs: the policy to pin and the calendar to count with."""

    policy: Policy
    calendar: WorkingCalendar


async def settings_for(conn: AsyncConnection, landlord: str) -> LandlordSettings:
    """The landlord's default policy and calendar; an unregistered landlord cannot log."""
    rows = await projection.find(conn, [landlord])
    row = rows.get(landlord)
    if row is None:
        raise LandlordNotRegistered(landlord)
    ref = projection.default_policy_of(row)
    catalog = await load_catalog(conn, [landlord], [(landlord, ref.id, ref.version)])
    return LandlordSettings(
        policy=catalog.policy(landlord, ref.id, ref.version), calendar=catalog.calendar(landlord)
    )
