"""The policy model and the built-in hoc-2024 policy."""

from __future__ import annotations

import pytest

from app.domain.complaint.errors import StageNotInPolicy, UnknownPolicy
from app.domain.complaint.events import DeclineReason
from app.domain.policies.builtin import BUILTIN_POLICIES, HOC_2024, get_policy
from app.domain.policies.model import Ground, Policy, ResponseFrom, StagePolicy


def stage(number: int, **changes: int | None) -> StagePolicy:
    values: dict[str, int | None] = {
        "acknowledge_days": 5,
        "response_days": 10,
        "extension_cap_days": 10,
    }
    values.update(changes)
    return StagePolicy(
        number=number,
        name=f"Stage {number}",
        acknowledge_days=values["acknowledge_days"],
        response_days=values["response_days"] or 0,
        response_from=ResponseFrom.acknowledgement,
        extension_cap_days=values["extension_cap_days"],
    )


class TestHoc2024:
    def test_identity(self) -> None:
        assert (HOC_2024.id, HOC_2024.version) == ("hoc-2024", 1)
        assert HOC_2024.name == "Housing Ombudsman Complaint Handling Code (2024)"
        assert HOC_2024.warning_days == 2

    def test_two_stages_and_no_stage_0(self) -> None:
        assert [s.number for s in HOC_2024.stages] == [1, 2]
        assert (HOC_2024.first_stage, HOC_2024.last_stage) == (1, 2)
        assert not HOC_2024.has_stage(0)
        assert not HOC_2024.has_stage(3)

    @pytest.mark.parametrize(
        ("number", "name", "acknowledge", "respond", "cap"),
        [(1, "Stage 1", 5, 10, 10), (2, "Stage 2", 5, 20, 20)],
    )
    def test_timescales_of_the_code(
        self, number: int, name: str, acknowledge: int, respond: int, cap: int
    ) -> None:
        s = HOC_2024.stage(number)
        assert (s.name, s.acknowledge_days, s.response_days, s.extension_cap_days) == (
            name,
            acknowledge,
            respond,
            cap,
        )
        assert s.response_from is ResponseFrom.acknowledgement

    def test_next_stage(self) -> None:
        assert HOC_2024.next_stage(1) == 2
        assert HOC_2024.next_stage(2) is None

    def test_stage_not_in_policy(self) -> None:
        with pytest.raises(StageNotInPolicy) as refused:
            HOC_2024.stage(3)
        assert (
            refused.value.message == "policy hoc-2024 version 1 has no stage 3; its stages are 1, 2"
        )
        with pytest.raises(StageNotInPolicy):
            HOC_2024.next_stage(0)


class TestGetPolicy:
    def test_builtin_policies_are_keyed_by_id_and_version(self) -> None:
        assert BUILTIN_POLICIES.find("hoc-2024", 1) is HOC_2024
        assert BUILTIN_POLICIES.latest("hoc-2024") is HOC_2024
        for policy in BUILTIN_POLICIES.all():
            assert BUILTIN_POLICIES.find(policy.id, policy.version) is policy

    def test_finds_a_pinned_version(self) -> None:
        assert get_policy("hoc-2024", 1) is HOC_2024

    @pytest.mark.parametrize(("policy_id", "version"), [("hoc-2024", 2), ("nope", 1)])
    def test_unknown_id_or_version(self, policy_id: str, version: int) -> None:
        with pytest.raises(UnknownPolicy) as refused:
            get_policy(policy_id, version)
        assert refused.value.code == "unknown-policy"
        assert f"version {version}" in refused.value.message


class TestModel:
    def test_stages_run_from_0_or_1(self) -> None:
        policy = Policy(id="p", version=1, name="p", stages=(stage(0), stage(1), stage(2)))
        assert policy.next_stage(0) == 1
        assert policy.next_stage(1) == 2
        assert (policy.first_stage, policy.last_stage) == (0, 2)
        assert policy.has_informal_stage
        assert not HOC_2024.has_informal_stage

    @pytest.mark.parametrize(
        "stages",
        [
            (),
            (stage(2), stage(1)),
            (stage(1), stage(1)),
            (stage(0), stage(1), stage(3)),
            (stage(2), stage(3)),
        ],
        ids=["none", "descending", "duplicate", "gap", "no-stage-1"],
    )
    def test_stages_must_be_strictly_increasing(self, stages: tuple[StagePolicy, ...]) -> None:
        with pytest.raises(ValueError, match="stage"):
            Policy(id="p", version=1, name="p", stages=stages)

    def test_negative_timescales_are_refused(self) -> None:
        with pytest.raises(ValueError, match="response_days"):
            stage(1, response_days=-1)
        with pytest.raises(ValueError, match="warning_days"):
            Policy(id="p", version=1, name="p", stages=(stage(1),), warning_days=-1)

    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            ({"contact_days": -1}, "contact_days"),
            ({"escalation_window_days": -2}, "escalation_window_days"),
            ({"escalation_window_days": 0}, "escalation_window_days"),
            ({"name": " "}, "name"),
            ({"number": 2, "informal": True}, "informal"),
            (
                {"escalation_refusable": False, "refusal_grounds": (Ground(code="x", text="x"),)},
                "refusal_grounds",
            ),
            ({"number": 1, "response_days": 0}, "response_days"),
        ],
        ids=["contact", "window", "zero-window", "name", "informal", "reasons", "zero-response"],
    )
    def test_stage_fields_are_validated(self, changes: dict[str, object], message: str) -> None:
        values: dict[str, object] = {
            "number": 1,
            "name": "Stage 1",
            "acknowledge_days": 5,
            "response_days": 10,
            "response_from": ResponseFrom.acknowledgement,
            "extension_cap_days": 10,
        }
        values.update(changes)
        with pytest.raises(ValueError, match=message):
            StagePolicy(**values)  # type: ignore[arg-type]

    def test_a_quick_fix_may_be_due_the_day_it_starts(self) -> None:
        assert stage(0, response_days=0).response_days == 0

    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            ({"survey_days_after_closure": 0}, "survey_days_after_closure"),
            ({"overall_limit_days": -1}, "overall_limit_days"),
            ({"version": 0}, "version"),
            ({"id": ""}, "id"),
        ],
        ids=["survey", "overall", "version", "id"],
    )
    def test_policy_fields_are_validated(self, changes: dict[str, object], message: str) -> None:
        values: dict[str, object] = {"id": "p", "version": 1, "name": "p", "stages": (stage(1),)}
        values.update(changes)
        with pytest.raises(ValueError, match=message):
            Policy(**values)  # type: ignore[arg-type]

    def test_exclusions_do_not_repeat(self) -> None:
        with pytest.raises(ValueError, match="exclusions"):
            Policy(
                id="p",
                version=1,
                name="p",
                stages=(stage(1),),
                exclusions=(DeclineReason.out_of_time, DeclineReason.out_of_time),
            )

    def test_new_fields_default_to_the_code(self) -> None:
        assert not HOC_2024.clock_stopping_allowed
        assert HOC_2024.survey_days_after_closure is None
        assert HOC_2024.overall_limit_days is None
        assert not HOC_2024.reopening_allowed
        for s in HOC_2024.stages:
            assert (s.contact_days, s.escalation_window_days, s.informal) == (None, None, False)


class TestAlertPoints:
    """`alert_days_before`: the deadline alerts' warning points (docs/deadline-alerts.md)."""

    def test_left_out_they_are_the_warning_days_and_the_due_day(self) -> None:
        assert HOC_2024.alert_days_before == (2, 0)
        assert Policy(
            id="p", version=1, name="p", stages=(stage(1),), warning_days=3
        ).alert_points == (3, 0)
        assert Policy(
            id="p", version=1, name="p", stages=(stage(1),), warning_days=0
        ).alert_points == (0,)

    def test_a_policy_names_its_own_or_none(self) -> None:
        own = Policy(id="p", version=1, name="p", stages=(stage(1),), alert_days_before=(5, 1))
        assert own.alert_points == (5, 1)
        assert (
            Policy(
                id="p", version=1, name="p", stages=(stage(1),), alert_days_before=()
            ).alert_points
            == ()
        )

    @pytest.mark.parametrize(
        ("points", "problem"),
        [
            ((-1,), "negative"),
            ((1001,), "at most 1000"),
            ((2, 2), "repeat"),
            (tuple(range(11)), "at most 10"),
        ],
    )
    def test_refused(self, points: tuple[int, ...], problem: str) -> None:
        with pytest.raises(ValueError, match=problem):
            Policy(id="p", version=1, name="p", stages=(stage(1),), alert_days_before=points)
