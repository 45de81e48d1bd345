"""One worked request body per event type, shown in `/docs` as a list to pick from (Swagger UI
would otherwise show only the first type of the union). Every person in them is made up.

A test holds that each validates against its request model and that every type has one
(tests/api/test_event_examples.py); the dates follow one complaint logged on 2 March 2026 under
hoc-2024, so a reader can try them in order on the demo's complaints."""

from __future__ import annotations

from typing import Any

from fastapi.openapi.models import Example


def _at(day: int, hour: int = 10, month: int = 3) -> str:
    return f"2026-{month:02d}-{day:02d}T{hour:02d}:00:00Z"


SIGNPOSTED = {"escalation_rights_signposted": True, "ombudsman_signposted": True}

# type -> (summary, body)
BODIES: dict[str, tuple[str, dict[str, Any]]] = {
    "acknowledged": ("Acknowledge the complaint", {"occurred_at": _at(3), "method": "email"}),
    "contacted": (
        "Record a contact with the resident",
        {"occurred_at": _at(4), "method": "phone",
         "summary": "Called to arrange a visit for the damp in the bedroom."},
    ),
    "assigned": (
        "Assign a complaint handler",
        {"occurred_at": _at(3, 9), "handler": "Sam Okafor", "role": "Complaints officer"},
    ),
    "extension_agreed": (
        "Agree more time for the response",
        {"occurred_at": _at(9), "response_due": "2026-03-27", "reason": "third_party",
         "explanation": "We are waiting for the contractor's survey; we will reply by 27 March."},
    ),
    "responded": (
        "Send the stage's response",
        {"occurred_at": _at(13), "outcome": "partly_upheld",
         "summary": "The repair was late; the damp treatment is booked for 20 March.",
         "remedies": ["Damp treatment", "Apology"], **SIGNPOSTED},
    ),
    "escalation_requested": (
        "The resident asks to go to the next stage",
        {"occurred_at": _at(17), "reason": "The repair has still not been done."},
    ),
    "escalated": ("Accept the escalation", {"occurred_at": _at(17, 11)}),
    "escalation_refused": (
        "Refuse the escalation, on one of the policy's grounds",
        {"occurred_at": _at(18), "reason": "legal_proceedings",
         "explanation": "The matter is now before the county court."},
    ),
    "declined": (
        "Decline: not a complaint under the policy",
        {"occurred_at": _at(3), "reason": "service_request",
         "explanation": "A first report of a repair: raised as a repair job."},
    ),
    "closed": (
        "Close the complaint",
        {"occurred_at": _at(25), "reason": "final_response_issued"},
    ),
    "note_added": (
        "Add a note (internal, or shown to the resident)",
        {"occurred_at": _at(5), "text": "Surveyor booked for 10 March.",
         "visibility": "internal"},
    ),
    "clock_stopped": (
        "Stop the clock (where the policy allows it)",
        {"occurred_at": _at(4), "reason_category": "awaiting_resident",
         "reason": "Waiting for photos of the damage."},
    ),
    "clock_restarted": (
        "Restart the clock",
        {"occurred_at": _at(6), "reason": "Photos received."},
    ),
    "reopened": (
        "Reopen a closed stage (where the policy allows it)",
        {"occurred_at": _at(3, month=6), "reason": "The damp has come back."},
    ),
    "action_agreed": (
        "Agree an action",
        {"occurred_at": _at(10), "action_id": "act-1", "description": "Treat the damp",
         "due": "2026-03-20", "owner": "Repairs team"},
    ),
    "action_completed": (
        "Complete an agreed action",
        {"occurred_at": _at(20), "action_id": "act-1", "summary": "Damp treated and redecorated."},
    ),
    "satisfaction_recorded": (
        "Record the resident's satisfaction",
        {"occurred_at": _at(26), "satisfied": "fairly_satisfied",
         "comments": "Sorted in the end."},
    ),
    "compensation_offered": (
        "Offer compensation",
        {"occurred_at": _at(11), "offer_id": "offer-1", "amount_pence": 5000,
         "kind": "goodwill", "reason": "For the delay to the repair."},
    ),
    "compensation_accepted": (
        "The resident accepts the offer",
        {"occurred_at": _at(12), "offer_id": "offer-1"},
    ),
    "compensation_declined": (
        "The resident declines the offer",
        {"occurred_at": _at(12), "offer_id": "offer-1"},
    ),
    "compensation_paid": (
        "Pay (part of) an accepted offer",
        {"occurred_at": _at(12, 11), "offer_id": "offer-1", "amount_pence": 5000,
         "paid_on": "2026-03-12", "method": "bank_transfer"},
    ),
    "compensation_offset": (
        "Set accepted compensation against rent arrears, with the resident's agreement",
        {"occurred_at": _at(12, 12), "offer_id": "offer-1", "amount_pence": 2000,
         "offset_on": "2026-03-12", "agreed_on": "2026-03-12", "agreed_by": "phone"},
    ),
    "compensation_reversed": (
        "Reverse a payment that failed",
        {"occurred_at": _at(16), "offer_id": "offer-1", "amount_pence": 5000,
         "settled_by": "payment", "reversed_on": "2026-03-16", "reason": "payment_failed",
         "explanation": "The bank returned the transfer."},
    ),
    "referred": (
        "Record a referral (to the Housing Ombudsman, say)",
        {"occurred_at": _at(1, month=4), "to": "housing_ombudsman"},
    ),
    "ombudsman_evidence_requested": (
        "The Ombudsman asks for the case file",
        {"occurred_at": _at(2, month=4), "due": "2026-04-20"},
    ),
    "ombudsman_evidence_provided": (
        "Send the Ombudsman the case file",
        {"occurred_at": _at(10, month=4)},
    ),
    "ombudsman_determined": (
        "Record the Ombudsman's determination",
        {"occurred_at": _at(1, month=6), "finding": "service_failure"},
    ),
    "learning_recorded": (
        "Record what was learnt",
        {"occurred_at": _at(2, month=6), "root_cause": "Repairs were not followed up",
         "lesson": "Check every damp repair after five days",
         "improvement": "Follow-up calls added to the repairs process"},
    ),
    "resident_informed": (
        "Record that the resident was told (of an extension, refusal or decline)",
        {"occurred_at": _at(9, 11), "about": "extension", "method": "letter"},
    ),
}  # fmt: skip

# What a resident's portal may record (`/resident-events`), in the same shape.
RESIDENT_BODIES: dict[str, tuple[str, dict[str, Any]]] = {
    "escalation_requested": BODIES["escalation_requested"],
    "closed": (
        "Withdraw the complaint",
        {"occurred_at": _at(20), "reason": "withdrawn", "summary": "It has been put right."},
    ),
    "note_added": (
        "Add a note the landlord will read",
        {"occurred_at": _at(5), "text": "I am in every weekday after 2pm."},
    ),
    "satisfaction_recorded": BODIES["satisfaction_recorded"],
    "compensation_accepted": BODIES["compensation_accepted"],
    "compensation_declined": BODIES["compensation_declined"],
}


def openapi_examples(bodies: dict[str, tuple[str, dict[str, Any]]]) -> dict[str, Example]:
    return {
        event_type: Example(summary=summary, value={"type": event_type, **body})
        for event_type, (summary, body) in bodies.items()
    }
