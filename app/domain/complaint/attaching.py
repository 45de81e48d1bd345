"""Attaching evidence: a file is recorded once, under an id no other attachment of the complaint
has. Its bytes were judged before (`app.domain.evidence.accept`); the event records what they are
(type, size, SHA-256), so the hash chain covers the file without holding it."""

from __future__ import annotations

import re

from app.domain.complaint.commands import AddAttachment
from app.domain.complaint.events import AttachmentAdded
from app.domain.complaint.rules import refuse
from app.domain.complaint.state import ComplaintState

_SHA256 = re.compile(r"[0-9a-f]{64}")


def attach(command: AddAttachment, state: ComplaintState) -> AttachmentAdded:
    if state.attachment(command.attachment_id) is not None:
        raise refuse(state, "attach the file", f"attachment {command.attachment_id} exists")
    if command.size < 1 or not _SHA256.fullmatch(command.sha256):
        raise ValueError("an attachment needs its size and its SHA-256 as lowercase hex")
    return AttachmentAdded(
        occurred_at=command.occurred_at,
        attachment_id=command.attachment_id,
        kind=command.kind,
        media_type=command.media_type,
        size=command.size,
        sha256=command.sha256,
        filename=command.filename,
        description=command.description,
        visibility=command.visibility,
    )
