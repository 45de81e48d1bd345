"""The landlord's configuration as events: registering, changing, publishing policy versions."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from app.domain.complaint.errors import OccurredInFuture, UnknownPolicy
from app.domain.complaint.events import LetterKind
from app.domain.landlord.commands import (
    ChangeLandlord,
    PolicyChoice,
    PublishLetterTemplate,
    PublishPolicy,
    RegisterLandlord,
)
from app.domain.landlord.decide import decide_landlord
from app.domain.landlord.errors import (
    InvalidLandlord,
    LandlordExists,
    LandlordNotRegistered,
    PolicyIdReserved,
    PolicyVersionConflict,
)
from app.domain.landlord.events import LandlordChanged, PolicyRef
from app.domain.landlord.state import LandlordState, fold_landlord
from app.domain.policies.builtin import BUILTIN_POLICIES, HOC_2024

NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)
OWN = replace(HOC_2024, id="acme-2026", name="Acme policy", version=1)


def run(*commands: object) -> LandlordState:
    state: LandlordState | None = None
    events = []
    for command in commands:
        new = decide_landlord("acme", command, state, builtin=BUILTIN_POLICIES, now=NOW)  # type: ignore[arg-type]
        events.extend(new)
        state = fold_landlord("acme", events)
    assert state is not None
    return state


REGISTER = RegisterLandlord(occurred_at=NOW, name=" Acme Homes ", region="scotland")


def test_registering_defaults_to_the_code_and_no_closures() -> None:
    state = run(REGISTER)
    assert (state.name, state.region, state.closures, state.homes) == (
        "Acme Homes",
        "scotland",
        (),
        0,
    )
    assert state.default_policy == PolicyRef(id="hoc-2024", version=1)
    assert state.calendar.region == "scotland"
    with pytest.raises(LandlordExists):
        run(REGISTER, REGISTER)


@pytest.mark.parametrize(
    ("command", "error"),
    [
        (ChangeLandlord(occurred_at=NOW, name="x"), LandlordNotRegistered),
        (PublishPolicy(occurred_at=NOW, policy=OWN), LandlordNotRegistered),
        (replace(REGISTER, region="wales"), InvalidLandlord),
        (replace(REGISTER, name="  "), InvalidLandlord),
        (replace(REGISTER, homes_rented=-1), InvalidLandlord),
        (replace(REGISTER, default_policy=PolicyChoice(id="hoc-2024", version=2)), UnknownPolicy),
        (replace(REGISTER, default_policy=PolicyChoice(id="acme-2026")), UnknownPolicy),
        (replace(REGISTER, occurred_at=NOW + timedelta(seconds=1)), OccurredInFuture),
    ],
)
def test_refusals(command: object, error: type[Exception]) -> None:
    with pytest.raises(error):
        run(command)


def test_a_change_records_only_what_changed_and_closures_come_sorted_once() -> None:
    days = (date(2026, 12, 30), date(2026, 12, 29), date(2026, 12, 30))
    state = run(REGISTER)
    events = decide_landlord(
        "acme",
        ChangeLandlord(occurred_at=NOW, name="Acme Homes", closures=days, homes_rented=5),
        state,
        builtin=BUILTIN_POLICIES,
        now=NOW,
    )
    assert events == [
        LandlordChanged(
            occurred_at=NOW, closures=(date(2026, 12, 29), date(2026, 12, 30)), homes_rented=5
        )
    ]
    nothing = ChangeLandlord(occurred_at=NOW, name="Acme Homes", region="scotland")
    assert decide_landlord("acme", nothing, state, builtin=BUILTIN_POLICIES, now=NOW) == []


def test_policy_versions_are_published_in_order_and_may_become_the_default() -> None:
    state = run(REGISTER, PublishPolicy(occurred_at=NOW, policy=OWN, make_default=True))
    assert state.default_policy == PolicyRef(id="acme-2026", version=1)
    assert state.own_policy("acme-2026") == OWN
    with pytest.raises(PolicyVersionConflict):
        run(
            REGISTER,
            PublishPolicy(occurred_at=NOW, policy=OWN),
            PublishPolicy(occurred_at=NOW, policy=OWN),
        )
    second = replace(OWN, version=2, warning_days=3)
    state = run(
        REGISTER,
        PublishPolicy(occurred_at=NOW, policy=OWN, make_default=True),
        PublishPolicy(occurred_at=NOW, policy=second),
    )
    # Publishing a version does not move the default unless asked.
    assert state.default_policy == PolicyRef(id="acme-2026", version=1)
    assert state.own_policy("acme-2026") == second
    assert state.own_policy("acme-2026", 1) == OWN
    changed = run(
        REGISTER,
        PublishPolicy(occurred_at=NOW, policy=OWN),
        PublishPolicy(occurred_at=NOW, policy=second),
        ChangeLandlord(occurred_at=NOW, default_policy=PolicyChoice(id="acme-2026")),
    )
    assert changed.default_policy == PolicyRef(id="acme-2026", version=2)
    assert changed.version == 4


def test_built_in_ids_are_reserved() -> None:
    with pytest.raises(PolicyIdReserved):
        run(REGISTER, PublishPolicy(occurred_at=NOW, policy=replace(HOC_2024, version=2)))


def test_letter_templates_are_versioned_per_kind_from_one() -> None:
    def publish(kind: LetterKind, source: str) -> PublishLetterTemplate:
        return PublishLetterTemplate(occurred_at=NOW, kind=kind, source=source)

    state = run(
        REGISTER,
        publish(LetterKind.stage_1_response, "first"),
        publish(LetterKind.decline, "decline"),
        publish(LetterKind.stage_1_response, "second"),
    )
    latest = state.letter_template(LetterKind.stage_1_response)
    assert latest is not None
    assert (latest.version, latest.source) == (2, "second")
    first = state.letter_template(LetterKind.stage_1_response, 1)
    assert first is not None
    assert first.source == "first"
    decline = state.letter_template(LetterKind.decline)
    assert decline is not None
    assert decline.version == 1
    assert state.letter_template(LetterKind.extension) is None
    with pytest.raises(LandlordNotRegistered):
        run(publish(LetterKind.decline, "x"))
