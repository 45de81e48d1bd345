"""Bodies of the letter routes: issuing a letter, what was issued, a landlord's templates."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from app.api.schemas.inputs import MOMENT_RANGE, Moment
from app.domain.complaint.events import ContactMethod, LetterKind

# A template is a page of HTML, not a document store: generous for a letterhead and its CSS.
MAX_TEMPLATE_CHARS = 100_000


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class IssueLetterRequest(_Strict):
    kind: LetterKind = Field(description="Which letter; its fact must be recorded first.")
    method: ContactMethod = Field(
        description="How it was sent: `letter` (post), `email`, ... The PDF is what is hashed."
    )
    occurred_at: Moment | None = Field(
        default=None,
        description="When it was sent (default: now); the letter is dated that London day. "
        + MOMENT_RANGE,
    )


class TemplateRefView(BaseModel):
    id: str = Field(description="`builtin`, or the landlord's id for its own templates.")
    version: int = Field(description="0 for the built-in template.")


class IssuedLetterView(BaseModel):
    complaint_id: str
    version: int = Field(description="The `letter_issued` event's version in the complaint.")
    kind: LetterKind
    stage: int
    template: TemplateRefView
    sha256: str = Field(description="SHA-256 of the PDF sent, as recorded in the hash chain.")
    method: ContactMethod
    issued_at: datetime
    href: str = Field(description="The letter: `Accept: application/pdf` or `text/html`.")


class IssuedLetters(BaseModel):
    items: list[IssuedLetterView]


class PublishLetterTemplateRequest(_Strict):
    kind: LetterKind
    source: str = Field(
        min_length=1,
        max_length=MAX_TEMPLATE_CHARS,
        description="Jinja2 HTML, rendered in the sandbox over the letter's plain facts; it must "
        "mark each part the Code requires with `data-part` (docs/letters.md). It may extend "
        "`base.html` and include `_response.html` and `_ombudsman.html`. Nothing is fetched: "
        "images and fonts as `data:` URLs.",
    )


class LetterTemplateView(BaseModel):
    kind: LetterKind
    version: int
    template_id: str = Field(description="`builtin`, or the landlord's id.")
    published_at: datetime | None = Field(description="None for the built-in template.")
    source: str
    in_use: bool = Field(description="Whether new letters of this kind use this version.")


class LetterTemplates(BaseModel):
    items: list[LetterTemplateView]
