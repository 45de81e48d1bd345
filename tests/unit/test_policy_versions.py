"""Two versions of a built-in side by side: each complaint keeps the one it pinned, a new choice of
the id gets the latest."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from app.domain.clocks.deadlines import clocks
from app.domain.complaint.errors import UnknownPolicy
from app.domain.complaint.state import ComplaintState
from app.domain.landlord.commands import ChangeLandlord, PolicyChoice, RegisterLandlord
from app.domain.landlord.decide import decide_landlord
from app.domain.landlord.events import LandlordChanged, PolicyRef
from app.domain.landlord.state import LandlordState, fold_landlord
from app.domain.policies.builtin import get_policy
from app.domain.policies.files import DATA, load_policies
from app.domain.policies.registry import PolicyRegistry
from app.services.catalog import Catalog
from tests.unit.scenario import ENGLAND, acknowledged, given, logged, uk

NOW = datetime(2026, 3, 20, 12, tzinfo=UTC)
RECEIVED = uk(2026, 3, 2)  # a Monday, with no bank holiday for weeks either side


def write_hoc(directory: Path, *, v2: bool) -> PolicyRegistry:
    """hoc-2024 as shipped in v1.toml and, with `v2`, a v2.toml whose stage 1 acknowledges in 3
    working days and responds in 15."""
    folder = directory / "hoc-2024"
    folder.mkdir(parents=True, exist_ok=True)
    v1 = (DATA / "hoc-2024" / "v1.toml").read_text()
    (folder / "v1.toml").write_text(v1)
    if v2:
        text = v1.replace("version = 1", "version = 2", 1)
        # Stage 1 comes first in the file: these change its numbers and leave stage 2's.
        text = text.replace("acknowledge_days = 5\n", "acknowledge_days = 3\n", 1)
        text = text.replace("response_days = 10\n", "response_days = 15\n", 1)
        (folder / "v2.toml").write_text(text)
    return load_policies(directory, required=("hoc-2024",))


@pytest.fixture
def both(tmp_path: Path) -> PolicyRegistry:
    return write_hoc(tmp_path / "data", v2=True)


def landlord(
    registry: PolicyRegistry, *commands: RegisterLandlord | ChangeLandlord
) -> LandlordState:
    events = []
    state: LandlordState | None = None
    for command in commands:
        events += decide_landlord("acme", command, state, builtin=registry, now=NOW)
        state = fold_landlord("acme", events)
    assert state is not None
    return state


REGISTER = RegisterLandlord(occurred_at=NOW, name="Acme Homes", region="england-and-wales")


def logged_under(ref: PolicyRef, registry: PolicyRegistry) -> ComplaintState:
    """A complaint logged under the landlord's default, received on RECEIVED, acknowledged the
    day after."""
    state = given(
        logged(RECEIVED, policy=registry.get(ref.id, ref.version)),
        acknowledged(uk(2026, 3, 3)),
    )
    assert state is not None
    return state


def dues(state: ComplaintState, registry: PolicyRegistry) -> tuple[date | None, date | None]:
    # The catalog is how every reader (views, projections, reports) finds a complaint's policy.
    policy = Catalog(builtin=registry).policy(state.landlord, state.policy_id, state.policy_version)
    found = clocks(state, policy, ENGLAND, uk(2026, 3, 4))
    return found["acknowledgement"].due, found["response"].due


def test_the_registry_answers_by_version_and_latest(both: PolicyRegistry) -> None:
    assert [p.version for p in both.versions("hoc-2024")] == [1, 2]
    assert both.get("hoc-2024", 1) == get_policy("hoc-2024", 1)
    v2 = both.get("hoc-2024", 2)
    assert both.latest("hoc-2024") is v2
    assert (v2.stage(1).acknowledge_days, v2.stage(1).response_days) == (3, 15)
    assert v2.stage(2) == get_policy("hoc-2024", 1).stage(2)
    with pytest.raises(UnknownPolicy):
        both.get("hoc-2024", 3)


def test_a_complaint_pinned_to_v1_keeps_v1_while_a_new_one_gets_v2(tmp_path: Path) -> None:
    # The landlord chose hoc-2024 while only v1 was shipped, and logged a complaint under it.
    before = landlord(write_hoc(tmp_path / "data", v2=False), REGISTER)
    assert before.default_policy == PolicyRef(id="hoc-2024", version=1)
    # Then v2 is shipped beside v1. The landlord's choice was recorded with its version, so it
    # moves to v2 only when the landlord chooses the id again.
    both = write_hoc(tmp_path / "data", v2=True)
    old = logged_under(before.default_policy, both)
    after = landlord(
        both, REGISTER, ChangeLandlord(occurred_at=NOW, default_policy=PolicyChoice(id="hoc-2024"))
    )
    assert after.default_policy == PolicyRef(id="hoc-2024", version=2)
    new = logged_under(after.default_policy, both)

    assert (old.policy_version, new.policy_version) == (1, 2)
    # v1: acknowledge in 5 working days, respond 10 after the acknowledgement (Tue 3 March).
    assert dues(old, both) == (date(2026, 3, 9), date(2026, 3, 17))
    # v2: 3 and 15.
    assert dues(new, both) == (date(2026, 3, 5), date(2026, 3, 24))


def test_a_new_landlord_gets_the_latest_and_may_still_choose_v1(both: PolicyRegistry) -> None:
    assert landlord(both, REGISTER).default_policy == PolicyRef(id="hoc-2024", version=2)
    pinned = RegisterLandlord(
        occurred_at=NOW,
        name="Acme Homes",
        region="england-and-wales",
        default_policy=PolicyChoice(id="hoc-2024", version=1),
    )
    assert landlord(both, pinned).default_policy == PolicyRef(id="hoc-2024", version=1)
    change = ChangeLandlord(occurred_at=NOW, default_policy=PolicyChoice(id="hoc-2024"))
    events = decide_landlord("acme", change, landlord(both, pinned), builtin=both, now=NOW)
    assert events == [
        LandlordChanged(occurred_at=NOW, default_policy=PolicyRef(id="hoc-2024", version=2))
    ]
    with pytest.raises(UnknownPolicy):
        landlord(both, replace(pinned, default_policy=PolicyChoice(id="hoc-2024", version=3)))


def test_one_version_given_twice_is_refused() -> None:
    v1 = get_policy("hoc-2024", 1)
    with pytest.raises(ValueError, match="policy hoc-2024 version 1 is given twice"):
        PolicyRegistry([v1, replace(v1, name="Another hoc-2024 v1")])
