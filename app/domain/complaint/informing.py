"""Telling the resident: where the Code wants the resident told of a decision and why (an extension
of the response date, a refusal to escalate, a decision not to take the complaint on), that they
were told is a fact of its own, so "was the resident told?" counts what happened.

Each is recorded against the latest decision of its kind: the current stage's extension or refusal,
or the decline; there must be one to tell them of.
"""

from __future__ import annotations

from app.domain.complaint.commands import InformResident
from app.domain.complaint.events import InformedOf, ResidentInformed
from app.domain.complaint.rules import refuse
from app.domain.complaint.state import ComplaintState, Informing
from app.domain.records import changed


def inform(command: InformResident, state: ComplaintState) -> ResidentInformed:
    current = state.current
    told_of = {
        InformedOf.extension: bool(current.extension_reasons),
        InformedOf.escalation_refusal: bool(current.escalation_refused_reasons),
        InformedOf.decline: state.declined_at is not None,
    }
    if not told_of[command.about]:
        raise refuse(
            state,
            f"record that the resident was told of the {command.about.replace('_', ' ')}",
            f"there is no {command.about.replace('_', ' ')} at stage {state.stage} to tell of",
        )
    return ResidentInformed(
        occurred_at=command.occurred_at,
        stage=state.stage,
        about=command.about,
        method=command.method,
        summary=command.summary,
    )


def informed(state: ComplaintState, event: ResidentInformed) -> ComplaintState:
    """`state` with the telling recorded."""
    told = Informing(
        informed_at=event.occurred_at,
        stage=event.stage,
        about=event.about,
        method=event.method,
        summary=event.summary,
    )
    return changed(state, informed=(*state.informed, told))
