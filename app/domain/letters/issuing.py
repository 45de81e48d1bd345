"""Which fact each letter reports, and so when it may be sent and which stage it is about.

A letter is rendered from recorded facts, never from what a caller types into it: the fact comes
first (`responded`, `extension_agreed`, ...), then its letter. So the letter and the log cannot
disagree, and the Code's clocks are met by the fact, not by the letter.
"""

from __future__ import annotations

import re

from app.domain.complaint.commands import IssueLetter
from app.domain.complaint.events import ClosureReason, LetterIssued, LetterKind
from app.domain.complaint.state import ComplaintState, StageRecord
from app.domain.letters.errors import InvalidLetter, LetterNotIssuable

_SHA256 = re.compile(r"[0-9a-f]{64}")


def letter_stage(kind: LetterKind, state: ComplaintState) -> int:
    """The stage a letter of `kind` is about, or LetterNotIssuable naming the fact to record."""
    if state.personal_data_erased_at is not None:
        raise LetterNotIssuable("the complaint's personal data was erased: no one to write to")
    current = state.current
    match kind:
        case LetterKind.acknowledgement:
            return _needs(current, current.acknowledged_at is not None, "acknowledged")
        case LetterKind.stage_1_response:
            return _responded(state, 1)
        case LetterKind.stage_2_response:
            return _responded(state, 2)
        case LetterKind.extension:
            return _needs(current, bool(current.extension_reasons), "extension_agreed")
        case LetterKind.escalation_refusal:
            _needs(current, bool(current.escalation_refused_reasons), "escalation_refused")
            return current.stage + 1
        case LetterKind.decline:
            if state.declined_at is None:
                raise LetterNotIssuable("record declined before its letter")
            return current.stage
        case LetterKind.quick_fix_confirmation:
            quick = state.stages[0].stage == 0 and state.stages[0].responded_at is not None
            if quick or state.closure_reason is ClosureReason.resolved_at_first_contact:
                return 0 if quick else current.stage
            raise LetterNotIssuable(
                "record a stage 0 response, or closed as resolved_at_first_contact, before its "
                "letter"
            )


def _needs(record: StageRecord, recorded: bool, event_type: str) -> int:
    if not recorded:
        raise LetterNotIssuable(f"record {event_type} at stage {record.stage} before its letter")
    return record.stage


def _responded(state: ComplaintState, stage: int) -> int:
    if not any(r.stage == stage and r.responded_at is not None for r in state.stages):
        raise LetterNotIssuable(f"record responded at stage {stage} before its letter")
    return stage


def issue_letter(command: IssueLetter, state: ComplaintState) -> LetterIssued:
    if _SHA256.fullmatch(command.sha256) is None:
        raise InvalidLetter("sha256 must be 64 lower-case hexadecimal digits")
    stage = letter_stage(command.kind, state)
    if command.stage != stage:
        raise InvalidLetter(f"a {command.kind.value} letter now is about stage {stage}")
    return LetterIssued(
        occurred_at=command.occurred_at,
        kind=command.kind,
        stage=stage,
        template_id=command.template_id,
        template_version=command.template_version,
        sha256=command.sha256,
        method=command.method,
    )
