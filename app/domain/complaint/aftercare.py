"""Rules for what usually follows a complaint's handling: the satisfaction survey, referral to an
outside body, the Ombudsman's evidence requests, and the lessons learnt.

All of them may follow the closure (the survey only follows it); they change no stage.
"""

from __future__ import annotations

from app.domain.complaint.commands import RecordSatisfaction
from app.domain.complaint.events import SatisfactionRecorded
from app.domain.complaint.rules import refuse
from app.domain.complaint.state import ComplaintState, Status


def record_satisfaction(command: RecordSatisfaction, state: ComplaintState) -> SatisfactionRecorded:
    """One survey per closure: a reopened complaint closed again may be surveyed again."""
    if state.status is not Status.closed:
        raise refuse(state, "record satisfaction", "the survey follows the closure")
    if state.survey_since_closure is not None:
        raise refuse(
            state, "record satisfaction", "a survey has already been recorded since the closure"
        )
    return SatisfactionRecorded(
        occurred_at=command.occurred_at, satisfied=command.satisfied, comments=command.comments
    )
