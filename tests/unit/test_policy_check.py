"""The policy check flags each built-in policy's known divergences from the Code, none for it."""

from __future__ import annotations

from dataclasses import replace

import pytest

from app.domain.policies.builtin import BUILTIN_POLICIES, HOC_2024
from app.domain.policies.check import Divergence, check_policy
from app.domain.policies.model import Policy, ResponseFrom

# By (id, version): a new version of a policy gets its own entry, since its numbers may differ.
KNOWN: dict[tuple[str, int], set[tuple[str, int | None]]] = {
    ("hoc-2024", 1): set(),
    ("jjh-2020", 1): {
        ("informal_stage", 0),  # 4: Stage 0
        ("acknowledgement_missing", 1),
        ("acknowledgement_missing", 2),
        ("extension_uncapped", 1),  # 5.2 "agree a revised date"
        ("extension_uncapped", 2),  # 6.2
        ("escalation_reasons_required", 1),  # 6.1 "the complainant's reasons"
        ("exclusion", None),  # 2.4: other routes, insurance claims
    },
    ("tuntum-2017", 1): {
        ("informal_stage", 0),  # "Stage Zero"
        ("escalation_window", 0),  # "within five working days"
        ("escalation_window", 1),  # "within 20 working days"
        ("escalation_refusal_grounds", 1),  # "we may decline your request for escalation"
        ("escalation_reasons_required", 1),  # "why you are unsatisfied"
        ("extension_uncapped", 1),
        ("extension_uncapped", 2),
        ("exclusion", None),
    },
    ("jliving-2018", 1): {
        ("informal_stage", 0),  # 3.7
        ("extra_stage", 3),  # 4.3 Panel Review
        ("acknowledgement_missing", 1),
        ("acknowledgement_missing", 2),
        ("extension_uncapped", 1),
        ("extension_uncapped", 2),
        ("escalation_window", 1),  # 4.2
        ("escalation_window", 2),  # 4.3
        ("escalation_refusal_grounds", 1),  # 4.4
        ("escalation_refusal_grounds", 2),
        ("handler_independence", 2),  # no word of who reviews at stage 2
        ("exclusion", None),
        ("arrears_offset", None),  # 4.7.2 "offset against any arrears"
    },
    ("policy-2022", 1): {
        ("acknowledgement_missing", 1),
        ("acknowledgement_missing", 2),
        ("extension_longer", 2),  # "a further 30 days"
        ("handler_independence", 2),  # no word of who considers stage 2
    },
}


@pytest.mark.parametrize(("policy_id", "version"), sorted(KNOWN))
def test_known_divergences(policy_id: str, version: int) -> None:
    found = {(d.rule, d.stage) for d in check_policy(BUILTIN_POLICIES.get(policy_id, version))}
    assert found == KNOWN[policy_id, version]


def test_every_version_of_every_builtin_policy_is_checked() -> None:
    assert set(KNOWN) == {(p.id, p.version) for p in BUILTIN_POLICIES.all()}


def test_exclusions_the_code_does_not_list() -> None:
    values = {
        d.policy_value
        for d in check_policy(BUILTIN_POLICIES.get("jliving-2018", 1))
        if d.rule == "exclusion"
    }
    assert values == {"other_route", "insurance_claim", "other"}


def test_a_divergence_says_what_and_where() -> None:
    found = check_policy(BUILTIN_POLICIES.get("policy-2022", 1))
    [longer] = [d for d in found if d.rule == "extension_longer" and d.stage == 2]
    assert longer == Divergence(
        rule="extension_longer",
        code_section="Code 6.15",
        stage=2,
        field="extension_cap_days",
        policy_value="30 working days",
        code_value="20 working days",
        message="stage 2 extension may take 30 working days; the Code allows at most 20 "
        "working days",
    )


# The 2024 Code's provision each rule cites (section 2 exclusions, 5 the process, 6 the stages).
CITED = {
    ("acknowledgement_missing", 1): "Code 6.2",
    ("acknowledgement_missing", 2): "Code 6.11",
    ("response_longer", 1): "Code 6.3",
    ("response_longer", 2): "Code 6.14",
    ("extension_uncapped", 1): "Code 6.4",
    ("extension_uncapped", 2): "Code 6.15",
    ("informal_stage", 0): "Code 5.2",
    ("escalation_window", 1): "Code 6.10",
    ("escalation_refusal_grounds", 1): "Code 2.2",
    ("escalation_reasons_required", 1): "Code 6.12",
    ("exclusion", None): "Code 2.2",
    ("clock_stopping", None): "Code 6.4",
    ("arrears_offset", None): "Code section 7",
}


def test_each_rule_cites_the_2024_codes_provision() -> None:
    cited = {
        (d.rule, d.stage): d.code_section.split(":")[0]
        for policy in BUILTIN_POLICIES.latest_each()
        for d in check_policy(policy)
    }
    assert {key: cited[key] for key in CITED if key in cited} == {
        key: section for key, section in CITED.items() if key in cited
    }
    assert len(set(CITED) & set(cited)) >= 10


def variant(**stage_1: object) -> Policy:
    first = replace(HOC_2024.stages[0], **stage_1)  # type: ignore[arg-type]
    return replace(HOC_2024, stages=(first, HOC_2024.stages[1]))


@pytest.mark.parametrize(
    ("policy", "rules"),
    [
        # A later acknowledgement also moves the latest response from 15 to 16 working days.
        pytest.param(
            variant(acknowledge_days=6),
            {"acknowledgement_longer", "response_longer"},
            id="ack-6",
        ),
        # 6 + 10 working days from the start is later than the Code's 5 + 10.
        pytest.param(variant(acknowledge_days=5, response_days=11), {"response_longer"}, id="11"),
        pytest.param(
            variant(acknowledge_days=3, response_days=12), set(), id="3+12-is-no-later-than-5+10"
        ),
        pytest.param(
            variant(response_days=16, response_from=ResponseFrom.start),
            {"response_longer"},
            id="16-from-start",
        ),
        pytest.param(
            variant(acknowledge_days=None),
            {"acknowledgement_missing", "response_longer"},
            id="from-an-unbounded-acknowledgement",
        ),
        pytest.param(variant(extension_cap_days=11), {"extension_longer"}, id="cap-11"),
        pytest.param(variant(escalation_window_days=40), {"escalation_window"}, id="window"),
        pytest.param(
            replace(HOC_2024, stages=HOC_2024.stages[:1]), {"missing_stage"}, id="one-stage"
        ),
        pytest.param(
            replace(HOC_2024, clock_stopping_allowed=True), {"clock_stopping"}, id="stop-clock"
        ),
        pytest.param(
            replace(HOC_2024, arrears_offset_allowed=True), {"arrears_offset"}, id="offset"
        ),
        pytest.param(
            variant(response_days=5, acknowledge_days=1, extension_cap_days=0),
            set(),
            id="stricter-is-no-divergence",
        ),
    ],
)
def test_rules(policy: Policy, rules: set[str]) -> None:
    assert {d.rule for d in check_policy(policy)} == rules


def test_a_window_is_compared_with_the_codes_own() -> None:
    code = variant(escalation_window_days=20)
    assert {d.rule for d in check_policy(variant(escalation_window_days=10), code)} == {
        "escalation_window"
    }
    assert check_policy(variant(escalation_window_days=25), code) == []


def test_refusal_where_the_code_allows_none() -> None:
    code = variant(escalation_refusable=False, refusal_grounds=())
    assert {d.rule for d in check_policy(HOC_2024, code)} == {
        "escalation_refusable",
        "escalation_refusal_grounds",
    }


def test_a_time_limit_shorter_than_the_codes_is_a_divergence() -> None:
    shorter = replace(HOC_2024, complaint_time_limit_months=6)
    [found] = check_policy(shorter)
    assert (found.rule, found.policy_value, found.code_value) == (
        "time_limit_shorter",
        "6 months",
        "12 months",
    )
    # No limit, or a longer one, takes on more than the Code asks: nothing to report.
    assert check_policy(replace(HOC_2024, complaint_time_limit_months=None)) == []
    assert check_policy(replace(HOC_2024, complaint_time_limit_months=24)) == []
