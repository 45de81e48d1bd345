"""A landlord's configuration as its events add up to, and its fold."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import assert_never

from app.domain.clocks.calendar import WorkingCalendar
from app.domain.complaint.events.vocabulary import LetterKind
from app.domain.landlord.events import (
    CHANGEABLE,
    LandlordChanged,
    LandlordEvent,
    LandlordRegistered,
    LetterTemplate,
    LetterTemplatePublished,
    PolicyPublished,
    PolicyRef,
)
from app.domain.policies.model import Policy


@dataclass(frozen=True, kw_only=True, slots=True)
class PublishedPolicy:
    policy: Policy
    published_at: datetime


@dataclass(frozen=True, kw_only=True, slots=True)
class PublishedTemplate:
    template: LetterTemplate
    published_at: datetime


@dataclass(frozen=True, kw_only=True, slots=True)
class LandlordState:
    id: str
    name: str
    region: str
    closures: tuple[date, ...]
    homes_rented: int
    homes_shared_ownership: int
    default_policy: PolicyRef
    retention_years: int
    # Every published version of the landlord's own policies, oldest first.
    policies: tuple[PublishedPolicy, ...]
    # Every published version of the landlord's letter templates, oldest first.
    letter_templates: tuple[PublishedTemplate, ...]
    registered_at: datetime
    changed_at: datetime
    version: int

    @property
    def homes(self) -> int:
        return self.homes_rented + self.homes_shared_ownership

    @property
    def calendar(self) -> WorkingCalendar:
        return WorkingCalendar(region=self.region, closures=frozenset(self.closures))

    def letter_template(
        self, kind: LetterKind, version: int | None = None
    ) -> LetterTemplate | None:
        """The landlord's template for `kind` at `version` (the latest when None)."""
        versions = [t.template for t in self.letter_templates if t.template.kind is kind]
        if version is None:
            return versions[-1] if versions else None
        return next((t for t in versions if t.version == version), None)

    def own_policy(self, policy_id: str, version: int | None = None) -> Policy | None:
        """The landlord's own policy `policy_id` at `version` (the latest when None)."""
        versions = [p.policy for p in self.policies if p.policy.id == policy_id]
        if version is None:
            return versions[-1] if versions else None
        return next((p for p in versions if p.version == version), None)


class LandlordStreamError(Exception):
    """The stream cannot be folded: a bug or a tampered log, never a client error."""


def fold_landlord(landlord_id: str, events: Iterable[LandlordEvent]) -> LandlordState | None:
    state: LandlordState | None = None
    for event in events:
        state = evolve_landlord(landlord_id, state, event)
    return state


def evolve_landlord(
    landlord_id: str, state: LandlordState | None, event: LandlordEvent
) -> LandlordState:
    if isinstance(event, LandlordRegistered):
        if state is not None:
            raise LandlordStreamError(f"landlord {landlord_id} registered twice")
        return LandlordState(
            id=landlord_id,
            name=event.name,
            region=event.region,
            closures=event.closures,
            homes_rented=event.homes_rented,
            homes_shared_ownership=event.homes_shared_ownership,
            default_policy=event.default_policy,
            retention_years=event.retention_years,
            policies=(),
            letter_templates=(),
            registered_at=event.occurred_at,
            changed_at=event.occurred_at,
            version=1,
        )
    if state is None:
        raise LandlordStreamError(f"landlord {landlord_id} changed before it was registered")
    match event:
        case LandlordChanged():
            changes = {name: getattr(event, name) for name in CHANGEABLE}
            applied = {name: value for name, value in changes.items() if value is not None}
            state = replace(state, **applied)
        case PolicyPublished(occurred_at=at, policy=policy):
            published = PublishedPolicy(policy=policy, published_at=at)
            state = replace(state, policies=(*state.policies, published))
        case LetterTemplatePublished(occurred_at=at, template=template):
            added = PublishedTemplate(template=template, published_at=at)
            state = replace(state, letter_templates=(*state.letter_templates, added))
        case _:
            assert_never(event)
    return replace(state, changed_at=event.occurred_at, version=state.version + 1)
