"""The hand-made year of report_fixture.py, on SQLite and PostgreSQL: every figure of the three
reports equals what was worked out by hand (in the comments), not by the code under test. The
words are an admin's (test_report_words.py has the analyst's and an erasure's)."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.contract.report_fixture import (
    SURVEY,
    Json,
    documents,
)

pytestmark = pytest.mark.asyncio


def share(figure: Json) -> tuple[int, int, float | None]:
    return figure["numerator"], figure["denominator"], figure["percent"]


def stage_figures(stage: Json) -> Json:
    acks, responses, ext, end = (
        stage["acknowledgements"],
        stage["responses"],
        stage["extensions"],
        stage["open_at_end"],
    )
    return {
        "received": stage["received"],
        "acks": (
            share(acks["on_time"]),
            acks["late"],
            acks["missed"],
            acks["not_due"],
            acks["no_deadline"],
        ),
        "responses": (
            responses["responded"],
            responses["on_time"],
            responses["on_time_within_extension"],
            responses["late"],
            share(responses["within_timescale"]),
            share(responses["within_timescale_with_extension"]),
            responses["missed"],
        ),
        "extensions": (
            ext["agreed"],
            ext["stages_extended"],
            ext["text_shown"],
            [(r["text"], r["count"]) for r in ext["reasons"]],
        ),
        "resolved": share(stage["resolved"]),
        "open_at_end": (end["awaiting_response"], end["past_due"]),
    }


async def test_the_code_self_assessment_figures(db: AsyncEngine) -> None:
    code, _, _ = await documents(db)
    assert code["period"] == {"first_day": "2025-04-01", "last_day": "2026-03-31"}
    assert [(s["stage"], s["informal"]) for s in code["stages"]] == [
        (0, True),
        (1, False),
        (2, False),
    ]
    stage0, stage1, stage2 = (stage_figures(s) for s in code["stages"])
    # Stage 0: H1, H2, H3 (jjh-2020 sets no acknowledgement deadline and H1 closed before any
    # response). H3 still waits at the year end, due the day it came (0 working days). H2's
    # stage 0 answer was due the day it came, 8 September; it went to stage 1 the next day
    # unanswered: missed.
    assert stage0 == {
        "received": 3,
        "acks": ((0, 0, None), 0, 0, 0, 3),
        "responses": (0, 0, 0, 0, (0, 0, None), (0, 0, None), 1),
        "extensions": (0, 0, True, []),
        "resolved": (1, 11, 9.1),  # H1, of the 11 closed (G1 withdrawn aside)
        "open_at_end": (1, 1),
    }
    # Stage 1 received: A2 (00:30 on 1 April), A3 (23:30 on 31 March 2026), B1-4, C1-3, D1-2,
    # E1-4, G1, and H2's stage 1 (its request on 9 September): 17. Not A1 (23:30 on 31 March
    # 2025), A4 (00:30 on 1 April 2026), nor the declined F1 and F2.
    # Acknowledged late: A3 (not yet, due 9 April 2026, still waiting), D1 (26 Sep, due 22 Sep).
    # Missed: D2 (never; answered on 20 Feb, after its due day, 9 Feb, and no acknowledgement
    # can follow an answer). H2's stage 1 (jjh) has no deadline.
    # Responses in the year: A1 (10 April 2025) ... H2; late: A2 (24 Apr, due 23 Apr across
    # Easter), C2 (7 Jan, extended only to 5 Jan); within an extension: C1 (23 Jul, due 16 Jul,
    # extended to 25 Jul). C3 answered before its original date despite its extension. D1 is on
    # time: due 10 Oct, 10 working days from its (late) acknowledgement. D2 is on time: never
    # acknowledged, so due 10 working days after the acknowledgement's deadline of 9 Feb, 23 Feb.
    assert stage1 == {
        "received": 17,
        "acks": ((13, 16, 81.2), 2, 1, 0, 1),
        "responses": (16, 13, 1, 2, (13, 16, 81.2), (14, 16, 87.5), 0),
        "extensions": (3, 3, True, [(SURVEY, 2), ("Resident away until June", 1)]),
        "resolved": (9, 11, 81.8),  # A1, B1, B2, B4, C1, C3, D2, E2, H2
        "open_at_end": (1, 0),  # A3, due 23 April 2026 (provisional, from 9 April)
    }  # fmt: skip
    # Stage 2: E1 (request 1 Jul), E3 (1 Dec), E4 (25 Mar 2026, escalated only on 2 April).
    # E3's acknowledgement (10 Dec, due 8 Dec) and E4's (8 April, due 1 April) were late.
    # E1 answered on time (30 Jul, due 31 Jul); E3 within its extension (16 Jan: due 12 Jan from
    # the late acknowledgement, extended to 20 Jan).
    assert stage2 == {
        "received": 3,
        "acks": ((1, 3, 33.3), 2, 0, 0, 0),
        "responses": (2, 1, 1, 0, (1, 2, 50.0), (2, 2, 100.0), 0),
        "extensions": (1, 1, True, [("Independent surveyor booked", 1)]),
        "resolved": (1, 11, 9.1),  # E1
        "open_at_end": (1, 0),  # E4
    }
    assert code["closures"] == {"closed": 11, "withdrawn": 1, "reopened": 0}
    escalations = {
        e["to_stage"]: (
            e["requested"],
            e["escalated"],
            share(e["refused"]),
            e["pending"],
            e["ended"],
            e["refusals"]["refused"],
            share(e["refusals"]["explained"]),
            e["refusals"]["text_shown"],
            [(r["text"], r["count"]) for r in e["refusals"]["reasons"]],
        )
        for e in code["escalations"]
    }
    assert escalations == {
        1: (1, 1, (0, 1, 0.0), 0, 0, 0, (0, 0, None), True, []),  # H2
        # E2's refusal is explained in its words, but no `resident_informed` says the resident
        # was told: 0 of 1 (tests/unit/test_explained.py counts the told ones).
        2: (4, 3, (1, 4, 25.0), 0, 0, 1, (0, 1, 0.0), True,
            [("The complaint was fully answered at stage 1", 1)]),  # E1, E2 refused, E3, E4
    }  # fmt: skip
    assert code["informal"] == {
        "received": 3,
        "became_formal": {"numerator": 1, "denominator": 3, "percent": 33.3},  # H2
        "resolved_informally": 1,  # H1
    }
    assert code["declined"] == {
        "declined": 2,
        "by_reason": [
            {"key": "legal_proceedings", "count": 1},
            {"key": "service_request", "count": 1},
        ],
    }
    # B1 very satisfied, B2 very dissatisfied, H2 fairly satisfied; A1's answer is in 2026/27.
    satisfaction = code["satisfaction"]
    assert satisfaction["surveyed"] == 3
    assert share(satisfaction["satisfied"]) == (2, 3, 66.7)
    assert [(a["key"], a["count"]) for a in satisfaction["by_answer"]] == [
        ("very_satisfied", 1),
        ("fairly_satisfied", 1),
        ("neither", 0),
        ("fairly_dissatisfied", 0),
        ("very_dissatisfied", 1),
    ]
    # E1 sent by its date, E3 late (2 March, due 25 Feb), A2's is due 31 July 2026: not yet.
    evidence = code["ombudsman_evidence"]
    assert (evidence["requested"], share(evidence["on_time"])) == (3, (1, 2, 50.0))
    assert (evidence["late"], evidence["not_due"]) == (1, 1)


async def test_the_tenant_satisfaction_measures(db: AsyncEngine) -> None:
    _, tsm, _ = await documents(db)
    assert tsm["year"] == "2025/26"
    # The homes on 31 March 2026: the change to 1,500 rented homes came in June 2026.
    assert tsm["homes"] == {"rented": 1000, "shared_ownership": 200, "as_at": "2026-03-31"}
    ch01 = {
        g["tenure"]: (g["tsm_name"], *(tuple(g[s].values()) for s in ("stage_1", "stage_2")))
        for g in tsm["ch01"]
    }
    assert ch01 == {
        # Rented: A2, B1, B2, C1, C3, D2, E1, E3, G1; stage 2 E1, E3.
        "rented": ("LCRA", (9, 1000, 9.0), (2, 1000, 2.0)),
        # Shared ownership: A3, B3, C2, E2; E2's escalation was refused.
        "shared_ownership": ("LCHO", (4, 200, 20.0), (0, 200, 0.0)),
        # Not recorded: B4, D1, E4, H2; stage 2 E4. No homes to divide by.
        "unknown": (None, (4, None, None), (1, None, None)),
        # Outside the TSMs: lines of their own, none in the fixture.
        "leasehold": (None, (0, None, None), (0, None, None)),
        "other": (None, (0, None, None), (0, None, None)),
        "all": (None, (17, 1200, 14.17), (3, 1200, 2.5)),
    }
    ch02 = {
        (g["tenure"], n): (
            g[f"stage_{n}"]["responded"],
            share(g[f"stage_{n}"]["within_timescale"]),
            share(g[f"stage_{n}"]["without_extension"]),
            g[f"stage_{n}"]["within_extension"],
            g[f"stage_{n}"]["late"],
        )
        for g in tsm["ch02"]
        for n in (1, 2)
    }
    # Against the Code, whose clock is the view's: D1 on time (due 10 Oct, 10 working days from
    # its late acknowledgement of 26 Sep; answered 9 Oct) and D2 on time (never acknowledged: due
    # 23 Feb, 10 working days from the acknowledgement's deadline of 9 Feb; answered 20 Feb), as
    # in the self-assessment.
    assert ch02 == {
        # A1, B1, B2, C3, D2, E1, E3 on time; C1 within its extension; A2 late.
        ("rented", 1): (9, (8, 9, 88.9), (7, 9, 77.8), 1, 1),
        ("rented", 2): (2, (2, 2, 100.0), (1, 2, 50.0), 1, 0),  # E1; E3 by its extension
        ("shared_ownership", 1): (3, (2, 3, 66.7), (2, 3, 66.7), 0, 1),  # B3, E2; C2 late
        ("shared_ownership", 2): (0, (0, 0, None), (0, 0, None), 0, 0),
        ("unknown", 1): (4, (4, 4, 100.0), (4, 4, 100.0), 0, 0),  # B4, D1, E4, H2
        ("unknown", 2): (0, (0, 0, None), (0, 0, None), 0, 0),
        **{
            (t, n): (0, (0, 0, None), (0, 0, None), 0, 0)
            for t in ("leasehold", "other")
            for n in (1, 2)
        },
        ("all", 1): (16, (14, 16, 87.5), (13, 16, 81.2), 1, 2),
        ("all", 2): (2, (2, 2, 100.0), (1, 2, 50.0), 1, 0),
    }


async def test_the_annual_report(db: AsyncEngine) -> None:
    _, _, annual = await documents(db)
    volumes = annual["volumes"]

    def listed(counts: list[Json]) -> list[tuple[str, int]]:
        return [(c["key"], c["count"]) for c in counts]

    # Received in the year and not declined: 19 (A2, A3, B1-4, C1-3, D1-2, E1-4, G1, H1-3).
    assert volumes["received"] == 19
    assert listed(volumes["by_category"]) == [
        ("repairs", 11),
        ("damp_and_mould", 4),  # C1, C2, E1, E3
        ("anti_social_behaviour", 2),  # B3, H1
        ("staff_conduct", 2),  # D1, D2
    ]
    assert listed(volumes["by_channel"]) == [
        ("email", 9),
        ("phone", 6),  # B1, B2, C1, H1, H2, H3
        ("web", 3),  # A2, A3, D2
        ("letter", 1),  # E1
    ]
    assert listed(volumes["by_tenure"]) == [
        ("rented", 11),
        ("shared_ownership", 4),
        ("unknown", 4),
        ("leasehold", 0),
        ("other", 0),
    ]
    assert listed(volumes["by_stage"]) == [("stage 1", 17), ("stage 0", 3), ("stage 2", 3)]
    assert volumes["declined"]["declined"] == 2

    outcomes = {
        o["stage"]: (o["responded"], listed(o["by_outcome"]), share(o["upheld"]))
        for o in annual["outcomes"]
    }
    assert outcomes == {
        # Upheld A1, B1, B2, C1, D1, H2; partly B4, C2, E2; not A2, B3, C3, D2, E1, E3, E4.
        1: (16, [("upheld", 6), ("partly_upheld", 3), ("not_upheld", 7)], (9, 16, 56.2)),
        2: (2, [("upheld", 2), ("partly_upheld", 0), ("not_upheld", 0)], (2, 2, 100.0)),
    }
    assert listed(annual["remedies"]) == [("apology", 3), ("repair", 3), ("compensation", 2)]

    money = annual["compensation"]
    assert [(money[k]["count"], money[k]["pence"]) for k in
            ("offered", "accepted", "declined", "awaiting_answer")] == [
        (4, 70000), (2, 35000), (1, 25000), (1, 10000)
    ]  # fmt: skip
    assert [
        (k["key"], k["offered"]["count"], k["offered"]["pence"], k["accepted"]["pence"])
        for k in money["by_kind"]
    ] == [("financial", 2, 55000, 30000), ("goodwill", 1, 10000, 0),
          ("time_and_trouble", 1, 5000, 5000)]  # fmt: skip
    # Accepted is not paid: C1's 30,000 by cheque, 3,000 of B2's 5,000 by bank transfer.
    assert (money["paid"], money["offset"]) == (
        {"key": "paid", "count": 2, "pence": 33000}, {"key": "offset", "count": 0, "pence": 0}
    )  # fmt: skip
    assert [(k["key"], k["paid"]["pence"]) for k in money["by_kind"]] == [
        ("financial", 30000), ("goodwill", 0), ("time_and_trouble", 3000)
    ]  # fmt: skip
    assert [(m["key"], m["count"]) for m in money["paid_by_method"] if m["count"]] == [
        ("bank_transfer", 1), ("cheque", 1)
    ]  # fmt: skip

    # Working days from the stage's start to its response:
    # stage 1: 7 (B2), 8 (A1, E4, H2), 9 (B1, E1, E2, E3), 10 (B3, B4, C3), 14 (D2), 15 (A2,
    # across Easter), 16 (C1), 18 (D1), 24 (C2, across Christmas): median 9.5, 90th 18.
    # Stage 2: 21 (E1), 31 (E3): median 26, 90th 31.
    times = {
        t["stage"]: (tuple(t["working_days"].values()), share(t["within_timescale"]))
        for t in annual["time_to_respond"]
    }
    # Within the policy's timescale or an extension: all but A2 and C2.
    assert times == {1: ((16, 9.5, 18), (14, 16, 87.5)), 2: ((2, 26.0, 31), (2, 2, 100.0))}

    learning = annual["learning"]
    assert (learning["recorded"], learning["text_shown"]) == (3, True)
    assert learning["by_root_cause"] == [
        {
            "root_cause": "Repairs not followed up",
            "count": 2,  # E1, E2
            "lessons": [
                {
                    "lesson": "Check repairs are completed",
                    "improvement": "Repair follow-up call after 5 days",
                    "count": 2,
                }
            ],
        },
        {
            "root_cause": "Acknowledgement letters delayed",  # D1, at 23:00 on 31 March 2026
            "count": 1,
            "lessons": [
                {
                    "lesson": "Acknowledge on the day",
                    "improvement": "Same-day acknowledgement template",
                    "count": 1,
                }
            ],
        },
    ]
    referrals = annual["referrals"]
    assert (referrals["referred"], listed(referrals["by_body"])) == (
        3,
        [("housing_ombudsman", 1 + 1 + 1)],  # E1, E3, A2
    )
    assert referrals["ombudsman_evidence_requested"] == 3
    # E1's finding in December 2025; E3's came in May 2026, the next year.
    assert referrals["determined"] == 1
    assert listed(referrals["findings"]) == [
        ("maladministration", 1),
        ("no_maladministration", 0),
        ("outside_jurisdiction", 0),
        ("reasonable_redress", 0),
        ("service_failure", 0),
        ("severe_maladministration", 0),
    ]
    assert annual["satisfaction"]["surveyed"] == 3
