"""The plain facts a letter template is given: strings, numbers, lists and dicts only.

A template never sees the domain objects, the ORM or a landlord's internal record: only what the
letter may tell the resident. Nothing internal goes in (vulnerability notes, who owns an action,
internal notes, lessons), so a letter a portal reads says nothing the portal may not show.
Dates are London dates written out ("Friday 2 January 2026"); due dates come from the landlord's
working calendar, so Christmas, New Year and Easter are skipped as the clocks skip them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, TypeVar

from app.domain.clocks.calendar import WorkingCalendar, london_date
from app.domain.clocks.deadlines import response_due
from app.domain.complaint.events import (
    Closed,
    CompensationOffered,
    ComplaintEvent,
    EscalationRefused,
    ExtensionAgreed,
    LetterKind,
    Responded,
)
from app.domain.complaint.state import ComplaintState
from app.domain.policies.model import Policy

# The Housing Ombudsman Service's published contact details (housing-ombudsman.org.uk).
OMBUDSMAN = {
    "name": "Housing Ombudsman Service",
    "intro": "The Housing Ombudsman can give you free, independent advice at any stage of your "
    "complaint, and can look into it once our complaints procedure has ended.",
    "address": ["PO Box 1484", "Unit D", "Preston", "PR2 0ET"],
    "phone": "0300 111 3000",
    "email": "info@housing-ombudsman.org.uk",
    "website": "www.housing-ombudsman.org.uk",
}

OUTCOMES = {
    "upheld": "We have upheld your complaint.",
    "partly_upheld": "We have upheld your complaint in part.",
    "not_upheld": "We have not upheld your complaint.",
}

Context = dict[str, Any]
_E = TypeVar("_E", Responded, ExtensionAgreed, EscalationRefused)


def spoken_date(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def pounds(pence: int) -> str:
    return f"£{pence // 100:,}.{pence % 100:02d}"


def letter_context(
    *,
    kind: LetterKind,
    stage: int,
    state: ComplaintState,
    events: Sequence[ComplaintEvent],
    policy: Policy,
    calendar: WorkingCalendar,
    landlord_name: str,
    issued_at: datetime,
) -> Context:
    """Everything a template of `kind` may say about the complaint, as it stood when issued."""
    person = state.complainant
    address = person.address
    stage_names = {s.number: s.name for s in policy.stages}
    return {
        "kind": kind.value,
        "date": spoken_date(london_date(issued_at)),
        "landlord": {"name": landlord_name},
        "resident": {
            "name": None if state.anonymous else person.name,
            "address": list(address.lines) if address and not state.anonymous else [],
            "postcode": address.postcode if address and not state.anonymous else None,
        },
        "complaint": {
            "reference": state.reference,
            "received": spoken_date(london_date(state.received_at)),
            "category": state.category.replace("_", " "),
            "description": state.description,
            "desired_outcome": state.desired_outcome,
        },
        "stage": _stage(stage, stage_names.get(stage, f"Stage {stage}")),
        "policy": {"id": policy.id, "version": policy.version},
        "response_due": _response_due(state, stage, policy, calendar, issued_at),
        "response": _response(events, stage),
        "compensation": _compensation(state, events),
        "actions": [
            {"description": a.description, "due": spoken_date(a.due)}
            for a in state.outstanding_actions
        ],
        "escalation": _escalation(policy, stage),
        "ombudsman": OMBUDSMAN,
        "extension": _extension(events, stage, policy),
        "refusal": _refusal(events, stage, policy),
        "decline": {
            "reason": (state.decline_reason or "").replace("_", " "),
            "explanation": state.decline_explanation,
        },
        "resolution": _resolution(events),
    }


def _stage(number: int, name: str) -> dict[str, Any]:
    """A stage by its number, with the policy's name for it as an aside where that says more
    ("stage 3 (Board panel)"; nothing beside "stage 1" for a stage called "Stage 1")."""
    plain = name.strip().lower() == f"stage {number}"
    return {"number": number, "name": name, "aside": "" if plain else f" ({name})"}


def _response_due(
    state: ComplaintState, stage: int, policy: Policy, calendar: WorkingCalendar, at: datetime
) -> str | None:
    record = next((r for r in reversed(state.stages) if r.stage == stage), None)
    if record is None:
        return None
    due = response_due(record, policy.stage(stage), calendar, at)
    return spoken_date(due.due)


def _response(events: Sequence[ComplaintEvent], stage: int) -> dict[str, Any] | None:
    answer = _last(events, Responded, stage)
    if answer is None:
        return None
    return {
        "date": spoken_date(london_date(answer.occurred_at)),
        "outcome": answer.outcome.value,
        "decision": OUTCOMES[answer.outcome.value],
        "reasons": answer.summary,
        "remedies": [r.replace("_", " ") for r in answer.remedies],
    }


def _compensation(state: ComplaintState, events: Sequence[ComplaintEvent]) -> list[dict[str, Any]]:
    status = {o.offer_id: o.status.value for o in state.compensation}
    return [
        {
            "amount": pounds(e.amount_pence),
            "kind": e.kind.replace("_", " "),
            "reason": e.reason,
            "status": status.get(e.offer_id, "offered"),
        }
        for e in events
        if isinstance(e, CompensationOffered)
    ]


def _escalation(policy: Policy, stage: int) -> dict[str, Any]:
    later = [s for s in policy.stages if s.number > stage]
    if not later:
        return {"to_ombudsman": True, "next_stage": None, "window_days": None}
    this = next((s for s in policy.stages if s.number == stage), None)
    return {
        "to_ombudsman": False,
        "next_stage": _stage(later[0].number, later[0].name),
        "window_days": this.escalation_window_days if this else None,
        "reasons_required": bool(this and this.escalation_reasons_required),
    }


def _extension(
    events: Sequence[ComplaintEvent], stage: int, policy: Policy
) -> dict[str, Any] | None:
    agreed = _last(events, ExtensionAgreed, stage)
    if agreed is None:
        return None
    words = {g.code: g.text for g in policy.extension_reasons}
    return {
        "new_date": spoken_date(agreed.response_due),
        "reason": words.get(agreed.reason, agreed.reason.replace("_", " ")),
        "explanation": agreed.explanation,
    }


def _refusal(events: Sequence[ComplaintEvent], stage: int, policy: Policy) -> dict[str, Any] | None:
    """`stage`: the stage the resident asked for; the grounds are the stage being left's."""
    refused = _last(events, EscalationRefused, stage)
    if refused is None:
        return None
    left = next((s for s in policy.stages if s.number == stage - 1), None)
    words = {g.code: g.text for g in left.refusal_grounds} if left else {}
    return {
        "reason": words.get(refused.reason, refused.reason.replace("_", " ")),
        "explanation": refused.explanation,
    }


def _resolution(events: Sequence[ComplaintEvent]) -> str | None:
    quick = _last(events, Responded, 0)
    if quick is not None:
        return quick.summary
    closures = [e for e in events if isinstance(e, Closed)]
    return closures[-1].summary if closures else None


def _last(events: Sequence[ComplaintEvent], kind: type[_E], stage: int) -> _E | None:
    found = [e for e in events if isinstance(e, kind) and getattr(e, "stage", None) == stage]
    return found[-1] if found else None
