"""Turn a change to a landlord into events, or refuse it. Pure: the built-in policies and the time
come in as arguments."""

from __future__ import annotations

from datetime import date, datetime

from app.domain.clocks.calendar import REGIONS
from app.domain.complaint.errors import NaiveDatetime, OccurredInFuture, UnknownPolicy
from app.domain.landlord.commands import (
    ChangeLandlord,
    LandlordCommand,
    PolicyChoice,
    PublishLetterTemplate,
    PublishPolicy,
    RegisterLandlord,
)
from app.domain.landlord.errors import (
    InvalidLandlord,
    LandlordExists,
    LandlordNotRegistered,
    PolicyIdReserved,
    PolicyVersionConflict,
)
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
from app.domain.landlord.state import LandlordState
from app.domain.policies.registry import PolicyRegistry

DEFAULT_POLICY_ID = "hoc-2024"
MAX_NAME_LENGTH = 200


def decide_landlord(
    landlord_id: str,
    command: LandlordCommand,
    state: LandlordState | None,
    *,
    builtin: PolicyRegistry,
    now: datetime,
) -> list[LandlordEvent]:
    """The events `command` causes; an empty list when a change changes nothing."""
    if command.occurred_at.utcoffset() is None:
        raise NaiveDatetime("occurred_at")
    if command.occurred_at > now:
        raise OccurredInFuture()
    match command:
        case RegisterLandlord():
            if state is not None:
                raise LandlordExists(landlord_id)
            return [_register(command, builtin)]
        case ChangeLandlord():
            if state is None:
                raise LandlordNotRegistered(landlord_id)
            change = _change(command, state, builtin)
            return [] if change is None else [change]
        case PublishPolicy():
            if state is None:
                raise LandlordNotRegistered(landlord_id)
            return _publish(command, state, builtin)
        case PublishLetterTemplate():
            if state is None:
                raise LandlordNotRegistered(landlord_id)
            latest = state.letter_template(command.kind)
            template = LetterTemplate(
                kind=command.kind,
                version=1 if latest is None else latest.version + 1,
                source=command.source,
            )
            return [LetterTemplatePublished(occurred_at=command.occurred_at, template=template)]


def _register(command: RegisterLandlord, builtin: PolicyRegistry) -> LandlordRegistered:
    choice = command.default_policy or PolicyChoice(id=DEFAULT_POLICY_ID)
    return LandlordRegistered(
        occurred_at=command.occurred_at,
        name=_name(command.name),
        region=_region(command.region),
        closures=_closures(command.closures),
        homes_rented=_homes("homes_rented", command.homes_rented),
        homes_shared_ownership=_homes("homes_shared_ownership", command.homes_shared_ownership),
        default_policy=resolve_policy(choice, None, builtin),
        retention_years=_retention(command.retention_years),
    )


def _change(
    command: ChangeLandlord, state: LandlordState, builtin: PolicyRegistry
) -> LandlordChanged | None:
    wanted = {
        "name": None if command.name is None else _name(command.name),
        "region": None if command.region is None else _region(command.region),
        "closures": None if command.closures is None else _closures(command.closures),
        "homes_rented": (
            None if command.homes_rented is None else _homes("homes_rented", command.homes_rented)
        ),
        "homes_shared_ownership": (
            None
            if command.homes_shared_ownership is None
            else _homes("homes_shared_ownership", command.homes_shared_ownership)
        ),
        "default_policy": (
            None
            if command.default_policy is None
            else resolve_policy(command.default_policy, state, builtin)
        ),
        "retention_years": (
            None if command.retention_years is None else _retention(command.retention_years)
        ),
    }
    # Only real changes are recorded, so the audit trail says exactly what moved.
    changed = {
        name: value
        for name, value in wanted.items()
        if value is not None and value != getattr(state, name)
    }
    if not changed:
        return None
    assert set(changed) <= set(CHANGEABLE)
    return LandlordChanged(occurred_at=command.occurred_at, **changed)  # type: ignore[arg-type]


def _publish(
    command: PublishPolicy, state: LandlordState, builtin: PolicyRegistry
) -> list[LandlordEvent]:
    policy_id = command.policy.id
    if builtin.knows(policy_id):
        raise PolicyIdReserved(policy_id)
    latest = state.own_policy(policy_id)
    expected = 1 if latest is None else latest.version + 1
    policy = command.policy
    if policy.version != expected:
        raise PolicyVersionConflict(policy_id, policy.version, expected)
    events: list[LandlordEvent] = [PolicyPublished(occurred_at=command.occurred_at, policy=policy)]
    if command.make_default:
        events.append(
            LandlordChanged(
                occurred_at=command.occurred_at,
                default_policy=PolicyRef(id=policy.id, version=policy.version),
            )
        )
    return events


def resolve_policy(
    choice: PolicyChoice, state: LandlordState | None, builtin: PolicyRegistry
) -> PolicyRef:
    """The exact version `choice` names, the latest when it names none: a built-in policy, or
    one of the landlord's own."""
    found = (
        builtin.latest(choice.id)
        if choice.version is None
        else builtin.find(choice.id, choice.version)
    )
    if found is None and state is not None:
        found = state.own_policy(choice.id, choice.version)
    if found is None:
        raise UnknownPolicy(choice.id, choice.version or 0)
    return PolicyRef(id=found.id, version=found.version)


def _name(name: str) -> str:
    cleaned = name.strip()
    if not cleaned or len(cleaned) > MAX_NAME_LENGTH:
        raise InvalidLandlord(f"name must be 1 to {MAX_NAME_LENGTH} characters")
    return cleaned


def _region(region: str) -> str:
    if region not in REGIONS:
        known = ", ".join(sorted(REGIONS))
        raise InvalidLandlord(f"unknown calendar region {region[:40]!r}; known regions: {known}")
    return region


def _closures(days: tuple[date, ...]) -> tuple[date, ...]:
    # Sorted and without repeats, so the same set of days always reads (and hashes) the same.
    return tuple(sorted(set(days)))


def _retention(years: int) -> int:
    # Under a year would erase case files before a stage 2 review or an Ombudsman referral is
    # likely to be over; past 100 is no retention policy at all.
    if not 1 <= years <= 100:
        raise InvalidLandlord("retention_years must be between 1 and 100")
    return years


def _homes(field: str, count: int) -> int:
    if count < 0:
        raise InvalidLandlord(f"{field} must not be negative")
    return count
