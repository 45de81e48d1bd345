"""The demo's made-up data: names, categories, what residents complain of, and the scenarios the
complaints follow (app/demo/load.py places them on the landlord's calendar). Every person here is
invented."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

from app.domain.complaint import commands as c
from app.domain.complaint.events import (
    ClosureReason,
    CompensationKind,
    ContactMethod,
    DeclineReason,
    Outcome,
    ReferralBody,
    Satisfaction,
    Tenure,
)

FIRST_NAMES = ["Ada", "Bram", "Cleo", "Dev", "Esme", "Finn", "Gus", "Hana", "Ivo", "Juno", "Kit"]
LAST_NAMES = ["Testwood", "Sampleton", "Fictor", "Madeup", "Exampleby", "Notreal", "Placeholt"]
CATEGORIES = ["repairs", "damp_and_mould", "anti_social_behaviour", "rent", "staff_conduct"]
ISSUES = {
    "repairs": "The kitchen tap has leaked for three weeks and the repair was not attended.",
    "damp_and_mould": "Black mould keeps returning in the back bedroom after treatment.",
    "anti_social_behaviour": "Reports of noise from the communal stairwell were not followed up.",
    "rent": "A payment was applied to the wrong rent account and arrears letters followed.",
    "staff_conduct": "An operative was rude during the visit and left without finishing.",
}

# Made-up staff and the teams they work in.
HANDLERS = [
    ("Priya Example", "Repairs"),
    ("Tom Example", "Repairs"),
    ("Grace Example", "Tenancy"),
    ("Sam Example", "Customer resolution"),
    ("Lee Example", "Customer resolution"),
]

TENURES = [*[Tenure.rented] * 7, Tenure.shared_ownership, Tenure.shared_ownership, None]

# Each scenario: (working days ago the complaint was received, steps). A step is
# (working days after receipt, command factory taking the moment it happens).
Step = tuple[int, Callable[[datetime], c.Command]]
SCENARIOS: list[tuple[int, list[Step]]] = [
    (1, []),
    (4, []),
    (8, []),
    (6, [(2, lambda t: c.Acknowledge(occurred_at=t, method=ContactMethod.email))]),
    (10, [(1, lambda t: c.Acknowledge(occurred_at=t, method=ContactMethod.phone))]),
    (
        14,
        [
            (3, lambda t: c.Acknowledge(occurred_at=t)),
            (4, lambda t: c.Assign(occurred_at=t, handler="housing.officer.3")),
        ],
    ),
    (
        12,
        [
            (1, lambda t: c.Acknowledge(occurred_at=t)),
            (
                5,
                lambda t: c.AgreeExtension(
                    occurred_at=t,
                    response_due=date.min,
                    reason="third_party",
                    explanation="Awaiting a surveyor's report",
                ),
            ),
        ],
    ),
    (
        15,
        [
            (2, lambda t: c.Acknowledge(occurred_at=t)),
            (
                3,
                lambda t: c.RecordContact(
                    occurred_at=t, method=ContactMethod.phone, summary="Agreed a visit."
                ),
            ),
            (
                9,
                lambda t: c.Respond(
                    occurred_at=t,
                    outcome=Outcome.upheld,
                    summary="Repair booked and apology given.",
                    remedies=("repair", "apology"),
                    escalation_rights_signposted=True,
                ),
            ),
        ],
    ),
    (
        25,
        [
            (1, lambda t: c.Acknowledge(occurred_at=t)),
            (
                8,
                lambda t: c.Respond(
                    occurred_at=t,
                    outcome=Outcome.not_upheld,
                    summary="The works met the standard.",
                    escalation_rights_signposted=True,
                ),
            ),
            (
                12,
                lambda t: c.RequestEscalation(
                    occurred_at=t, reason="The resident disagrees with the findings."
                ),
            ),
        ],
    ),
    (
        30,
        [
            (1, lambda t: c.Acknowledge(occurred_at=t)),
            (
                10,
                lambda t: c.Respond(
                    occurred_at=t,
                    outcome=Outcome.partly_upheld,
                    summary="Partly upheld.",
                    escalation_rights_signposted=True,
                ),
            ),
            (
                13,
                lambda t: c.RequestEscalation(
                    occurred_at=t, reason="Compensation offered is too low."
                ),
            ),
            (14, lambda t: c.Escalate(occurred_at=t)),
            (16, lambda t: c.Acknowledge(occurred_at=t)),
        ],
    ),
    (
        60,
        [
            (2, lambda t: c.Acknowledge(occurred_at=t)),
            (
                11,
                lambda t: c.Respond(
                    occurred_at=t,
                    outcome=Outcome.not_upheld,
                    summary="Not upheld.",
                    escalation_rights_signposted=True,
                ),
            ),
            (
                15,
                lambda t: c.RequestEscalation(
                    occurred_at=t, reason="The resident asks for a review."
                ),
            ),
            (16, lambda t: c.Escalate(occurred_at=t)),
            (19, lambda t: c.Acknowledge(occurred_at=t)),
            (
                38,
                lambda t: c.Respond(
                    occurred_at=t,
                    outcome=Outcome.upheld,
                    summary="Upheld at review.",
                    remedies=("compensation",),
                    ombudsman_signposted=True,
                ),
            ),
            (40, lambda t: c.Close(occurred_at=t, reason=ClosureReason.final_response_issued)),
        ],
    ),
    # Upheld with a repair and compensation; the repair finishes after the closure, then the
    # survey and the lesson learnt.
    (
        35,
        [
            (1, lambda t: c.Acknowledge(occurred_at=t, method=ContactMethod.email)),
            (
                6,
                lambda t: c.AgreeAction(
                    occurred_at=t,
                    action_id="REPAIR-1",
                    description="Replace the failed part and test the system.",
                    due=t.date() + timedelta(days=21),
                    owner="repairs contractor",
                ),
            ),
            (
                8,
                lambda t: c.OfferCompensation(
                    occurred_at=t,
                    offer_id="COMP-1",
                    amount_pence=12_500,
                    kind=CompensationKind.time_and_trouble,
                    reason="Repeated missed appointments.",
                ),
            ),
            (
                9,
                lambda t: c.Respond(
                    occurred_at=t,
                    outcome=Outcome.upheld,
                    summary="Upheld: repair ordered and compensation offered.",
                    remedies=("repair", "compensation"),
                    escalation_rights_signposted=True,
                ),
            ),
            (11, lambda t: c.AcceptCompensation(occurred_at=t, offer_id="COMP-1")),
            (12, lambda t: c.Close(occurred_at=t, reason=ClosureReason.resolved)),
            (
                18,
                lambda t: c.CompleteAction(
                    occurred_at=t, action_id="REPAIR-1", summary="Part replaced and tested."
                ),
            ),
            (
                20,
                lambda t: c.RecordSatisfaction(
                    occurred_at=t, satisfied=Satisfaction.fairly_satisfied
                ),
            ),
            (
                22,
                lambda t: c.RecordLearning(
                    occurred_at=t,
                    root_cause="Appointments were booked without confirming access.",
                    lesson="Confirm access the day before a visit.",
                    improvement="Reminder texts now go out the day before every repair visit.",
                ),
            ),
        ],
    ),
    # An action still outstanding after the closure keeps the complaint in the SLA lists.
    (
        16,
        [
            (1, lambda t: c.Acknowledge(occurred_at=t)),
            (
                3,
                lambda t: c.AgreeAction(
                    occurred_at=t,
                    action_id="SURVEY-1",
                    description="Damp survey of the whole property.",
                    due=t.date() + timedelta(days=7),
                ),
            ),
            (
                5,
                lambda t: c.Respond(
                    occurred_at=t,
                    outcome=Outcome.partly_upheld,
                    summary="Partly upheld: a survey is booked.",
                    escalation_rights_signposted=True,
                ),
            ),
            (6, lambda t: c.Close(occurred_at=t, reason=ClosureReason.resolved)),
        ],
    ),
    # After the final response the resident went to the Ombudsman, who asked for the case file.
    (
        70,
        [
            (1, lambda t: c.Acknowledge(occurred_at=t)),
            (
                9,
                lambda t: c.Respond(
                    occurred_at=t,
                    outcome=Outcome.not_upheld,
                    summary="Not upheld.",
                    escalation_rights_signposted=True,
                ),
            ),
            (11, lambda t: c.RequestEscalation(occurred_at=t, reason="Asks for a review.")),
            (12, lambda t: c.Escalate(occurred_at=t)),
            (13, lambda t: c.Acknowledge(occurred_at=t)),
            (
                30,
                lambda t: c.Respond(
                    occurred_at=t,
                    outcome=Outcome.not_upheld,
                    summary="Not upheld at review.",
                    ombudsman_signposted=True,
                ),
            ),
            (31, lambda t: c.Close(occurred_at=t, reason=ClosureReason.final_response_issued)),
            (45, lambda t: c.Refer(occurred_at=t, to=ReferralBody.housing_ombudsman)),
            (
                50,
                lambda t: c.RequestOmbudsmanEvidence(
                    occurred_at=t, due=t.date() + timedelta(days=14)
                ),
            ),
            (58, lambda t: c.ProvideOmbudsmanEvidence(occurred_at=t)),
        ],
    ),
    (
        20,
        [
            (
                1,
                lambda t: c.Decline(
                    occurred_at=t,
                    reason=DeclineReason.service_request,
                    explanation="Logged as a repair request instead.",
                ),
            )
        ],
    ),
    (
        18,
        [
            (2, lambda t: c.Acknowledge(occurred_at=t)),
            (4, lambda t: c.Close(occurred_at=t, reason=ClosureReason.withdrawn)),
        ],
    ),
    (
        40,
        [
            (1, lambda t: c.Acknowledge(occurred_at=t)),
            (
                7,
                lambda t: c.Respond(
                    occurred_at=t,
                    outcome=Outcome.upheld,
                    summary="Upheld.",
                    escalation_rights_signposted=True,
                ),
            ),
            (30, lambda t: c.Close(occurred_at=t, reason=ClosureReason.no_escalation_requested)),
        ],
    ),
]
