"""The built-in policies carry their source documents' numbers (each row cites the section)."""

from __future__ import annotations

import pytest

from app.domain.complaint.events import DeclineReason
from app.domain.policies.builtin import BUILTIN_POLICIES, get_policy
from app.domain.policies.model import ResponseFrom

START = ResponseFrom.start
ACK = ResponseFrom.acknowledgement

# (policy, version, name, stages): the id, version and stages each row of docs/policies.md is
# about. A complaint pins (id, version), so these must never change under logged complaints.
IDENTITIES = [
    pytest.param(
        "hoc-2024",
        1,
        "Housing Ombudsman Complaint Handling Code (2024)",
        [(1, "Stage 1"), (2, "Stage 2")],
        id="hoc",
    ),
    pytest.param(
        "jjh-2020",
        1,
        'Johnnie Johnson Housing "Talk to Us" policy v3 (2020)',
        [
            (0, "Stage 0 (first point of contact)"),
            (1, "Stage 1 (investigation)"),
            (2, "Stage 2 (review)"),
        ],
        id="jjh",
    ),
    pytest.param(
        "tuntum-2017",
        1,
        "Tuntum Housing Association Customer Feedback policy (2017)",
        [
            (0, "Stage 0 (quick fix)"),
            (1, "Stage 1 (Officer stage)"),
            (2, "Stage 2 (Head of Service stage)"),
        ],
        id="tuntum",
    ),
    pytest.param(
        "jliving-2018",
        1,
        "JLiving complaints policy (2018)",
        [
            (0, "Informal resolution"),
            (1, "Stage 1 (Director)"),
            (2, "Stage 2 (Chief Executive review)"),
            (3, "Stage 3 (Board panel review)"),
        ],
        id="jliving",
    ),
    pytest.param(
        "policy-2022",
        1,
        "Complaints policy (2022)",
        [
            (1, "Stage 1"),
            (2, "Stage 2 (review)"),
        ],
        id="p",
    ),
]


@pytest.mark.parametrize(("policy_id", "version", "name", "stages"), IDENTITIES)
def test_identity_and_stages(
    policy_id: str, version: int, name: str, stages: list[tuple[int, str]]
) -> None:
    p = get_policy(policy_id, version)
    assert (p.id, p.version, p.name) == (policy_id, version, name)
    assert [(s.number, s.name) for s in p.stages] == stages


def test_every_version_of_every_policy_has_an_identity_row() -> None:
    rows = {(p.values[0], p.values[1]) for p in IDENTITIES}
    assert rows == {(p.id, p.version) for p in BUILTIN_POLICIES.all()}


def test_hoc_2024_is_listed_first_and_cites_the_code() -> None:
    assert BUILTIN_POLICIES.ids[0] == "hoc-2024"
    assert get_policy("hoc-2024", 1).source == (
        "Housing Ombudsman Complaint Handling Code, April 2024"
    )


# (policy, stage, acknowledge, contact, response, from, cap, window, refusable, informal)
STAGES = [
    pytest.param("hoc-2024", 1, 5, None, 10, ACK, 10, None, True, False, id="hoc 5.4-5.7"),
    pytest.param("hoc-2024", 2, 5, None, 20, ACK, 20, None, True, False, id="hoc 6.11-6.15"),
    pytest.param("jjh-2020", 0, None, None, 0, START, 0, None, False, True, id="jjh 4 stage 0"),
    pytest.param("jjh-2020", 1, None, 2, 10, START, None, None, False, False, id="jjh 5.2 6.3"),
    pytest.param("jjh-2020", 2, None, 2, 15, START, None, None, False, False, id="jjh 6.2 6.3"),
    pytest.param("tuntum-2017", 0, None, None, 1, START, 0, 5, False, True, id="tuntum zero"),
    pytest.param("tuntum-2017", 1, 3, 3, 10, START, None, 20, True, False, id="tuntum stage 1"),
    pytest.param("tuntum-2017", 2, 3, None, 10, START, None, None, False, False, id="tuntum 2"),
    pytest.param("jliving-2018", 0, None, 3, 3, START, 0, None, False, True, id="jliving 3.7 4"),
    pytest.param("jliving-2018", 1, None, None, 10, START, None, 10, True, False, id="jl 4.1 4.2"),
    pytest.param("jliving-2018", 2, None, None, 15, START, None, 10, True, False, id="jl 4.2 4.3"),
    pytest.param("jliving-2018", 3, None, None, 20, START, None, None, False, False, id="jl 4.3"),
    pytest.param("policy-2022", 1, None, None, 10, START, 10, None, False, False, id="2022 st1"),
    pytest.param("policy-2022", 2, None, None, 20, START, 30, None, False, False, id="2022 st2"),
]


@pytest.mark.parametrize(
    (
        "policy_id",
        "number",
        "acknowledge",
        "contact",
        "response",
        "response_from",
        "cap",
        "window",
        "refusable",
        "informal",
    ),
    STAGES,
)
def test_stage_numbers_follow_the_document(
    policy_id: str,
    number: int,
    acknowledge: int | None,
    contact: int | None,
    response: int,
    response_from: ResponseFrom,
    cap: int | None,
    window: int | None,
    refusable: bool,
    informal: bool,
) -> None:
    s = get_policy(policy_id, 1).stage(number)
    assert (
        s.acknowledge_days,
        s.contact_days,
        s.response_days,
        s.response_from,
        s.extension_cap_days,
        s.escalation_window_days,
        s.escalation_refusable,
        s.informal,
    ) == (acknowledge, contact, response, response_from, cap, window, refusable, informal)


def test_every_stage_of_every_policy_has_a_row() -> None:
    # The rows are version 1's: a new version of a policy needs rows (and a version) of its own.
    rows = {(p.values[0], 1, p.values[1]) for p in STAGES}
    assert rows == {(p.id, p.version, s.number) for p in BUILTIN_POLICIES.all() for s in p.stages}


@pytest.mark.parametrize(
    ("policy_id", "survey", "overall", "waits", "reopening", "source"),
    [
        pytest.param("hoc-2024", None, None, False, False, None, id="hoc"),
        pytest.param("jjh-2020", 5, None, True, False, "jjh-talk-to-us-2020.txt", id="jjh 6.6 6.7"),
        pytest.param(
            "tuntum-2017", None, 40, False, False, "tuntum-customer-feedback-2017.txt", id="8 weeks"
        ),
        pytest.param(
            "jliving-2018", None, None, False, False, "jliving-complaints-2018.txt", id="jl 4.5"
        ),
        pytest.param("policy-2022", None, None, False, False, "complaints-policy-2022.txt", id="p"),
    ],
)
def test_policy_wide_fields(
    policy_id: str,
    survey: int | None,
    overall: int | None,
    waits: bool,
    reopening: bool,
    source: str | None,
) -> None:
    p = get_policy(policy_id, 1)
    assert (
        p.survey_days_after_closure,
        p.overall_limit_days,
        p.closure_waits_for_actions,
        p.reopening_allowed,
        p.clock_stopping_allowed,
    ) == (survey, overall, waits, reopening, False)
    if source is not None:
        assert p.source == source


@pytest.mark.parametrize(
    ("policy_id", "exclusions"),
    [
        (
            "hoc-2024",
            {"service_request", "out_of_time", "legal_proceedings"} | {"previously_considered"},
        ),
        (
            "jjh-2020",
            {"service_request", "other_route", "legal_proceedings", "insurance_claim"}
            | {"previously_considered", "out_of_time"},
        ),
        ("tuntum-2017", {"service_request", "other_route", "other"}),
        (
            "jliving-2018",
            {"service_request", "other_route", "legal_proceedings", "insurance_claim"}
            | {"previously_considered", "other"},
        ),
        ("policy-2022", set()),
    ],
)
def test_exclusions(policy_id: str, exclusions: set[str]) -> None:
    assert {DeclineReason(e) for e in exclusions} == set(get_policy(policy_id, 1).exclusions)


def test_refusal_grounds_are_the_documents() -> None:
    tuntum = get_policy("tuntum-2017", 1).stage(1)
    assert tuntum.refusal_codes() == ("not_a_service_failure", "outcome_cannot_be_met")
    assert tuntum.refusal_grounds[1].text == "we cannot meet the outcome you are asking for"
    jliving = get_policy("jliving-2018", 1)
    assert jliving.stage(1).refusal_grounds == jliving.stage(2).refusal_grounds
    # The Code: only its own reasons for not accepting a complaint (section 4).
    assert get_policy("hoc-2024", 1).stage(1).refusal_codes() == (
        "legal_proceedings",
        "previously_considered",
        "out_of_time",
    )


def test_every_builtin_policy_offers_the_same_extension_reasons() -> None:
    codes = {get_policy(p.id, p.version).extension_codes() for p in BUILTIN_POLICIES.all()}
    assert codes == {
        (
            "complex_investigation",
            "third_party",
            "resident_request",
            "awaiting_information",
            "other",
        )
    }
