"""What the API shows of evidence files: their facts for every reader, their names and
descriptions only for readers who may see personal data."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from app.domain.complaint.events import AttachmentKind, NoteVisibility


class AttachmentView(BaseModel):
    id: str = Field(description="The attachment's id; its bytes are at `.../attachments/{id}`.")
    attached_at: datetime
    kind: AttachmentKind
    media_type: str = Field(description="The type the file's bytes are (sniffed, not declared).")
    size: int = Field(description="Bytes.")
    sha256: str = Field(description="Hex SHA-256 of the bytes, as the `attachment_added` event "
                        "records it (so the complaint's hash chain covers the file).")  # fmt: skip
    filename: str | None = Field(description="Omitted for roles without personal data.")
    description: str | None = Field(description="Omitted for roles without personal data.")
    visibility: NoteVisibility = Field(description="`resident`: the resident's portal sees it.")


class AttachmentList(BaseModel):
    items: list[AttachmentView]
