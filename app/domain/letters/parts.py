"""What the Complaint Handling Code (2024) requires each letter to say, as named parts.

A template marks each part it renders with a `data-part` attribute; a letter is complete when
every part its kind requires is there and says something (`missing_parts`). The Code's sections
are cited beside each kind so a complaints officer can check the list against the Code.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from html.parser import HTMLParser

from app.domain.complaint.events import LetterKind


class LetterPart(StrEnum):
    stage = "stage"  # the complaint stage
    complaint = "complaint"  # the complaint definition: the landlord's understanding of it
    desired_outcome = "desired_outcome"  # the outcome the resident is seeking
    response_due = "response_due"  # when the resident will have the answer
    decision = "decision"  # the decision on the complaint
    reasons = "reasons"  # the reasons for any decisions made
    remedy = "remedy"  # any remedy offered to put things right
    outstanding_actions = "outstanding_actions"  # what is still to be done, and by when
    escalation = "escalation"  # how to take it further if not satisfied
    ombudsman = "ombudsman"  # the Housing Ombudsman's contact details
    extension = "extension"  # the new date and why more time is needed
    refusal = "refusal"  # why the request to escalate is refused
    decline = "decline"  # why the matter is not taken on as a complaint
    resolution = "resolution"  # what was done to put it right at once


@dataclass(frozen=True, slots=True)
class Requirement:
    parts: tuple[LetterPart, ...]
    code_sections: str  # where in the 2024 Code the parts come from


_RESPONSE = (
    LetterPart.stage,
    LetterPart.complaint,
    LetterPart.decision,
    LetterPart.reasons,
    LetterPart.remedy,
    LetterPart.outstanding_actions,
    LetterPart.escalation,
    LetterPart.ombudsman,
)

REQUIRED: dict[LetterKind, Requirement] = {
    LetterKind.acknowledgement: Requirement(
        (LetterPart.stage, LetterPart.complaint, LetterPart.desired_outcome,
         LetterPart.response_due),
        "6.2, 6.11 (acknowledge), section 5 (the understanding of the complaint and the "
        "outcome sought)",
    ),
    # 6.9 a-g; the Ombudsman's details too: a resident may ask the Ombudsman for help at any stage.
    LetterKind.stage_1_response: Requirement(_RESPONSE, "6.9 a-g"),
    # 6.19 a-g: at stage 2, how to escalate is the route to the Ombudsman.
    LetterKind.stage_2_response: Requirement(_RESPONSE, "6.19 a-g"),
    LetterKind.extension: Requirement(
        (LetterPart.stage, LetterPart.extension, LetterPart.ombudsman), "6.4-6.5, 6.15-6.16"
    ),
    LetterKind.escalation_refusal: Requirement(
        (LetterPart.stage, LetterPart.refusal, LetterPart.ombudsman),
        "section 2 (a refusal explained, and the right to go to the Ombudsman)",
    ),
    LetterKind.decline: Requirement(
        (LetterPart.complaint, LetterPart.decline, LetterPart.ombudsman),
        "section 2 (a decision not to accept a complaint explained, and the right to go to the "
        "Ombudsman)",
    ),
    LetterKind.quick_fix_confirmation: Requirement(
        (LetterPart.complaint, LetterPart.resolution, LetterPart.escalation),
        "5.2 (an informal stage must not stop the resident's complaint going on)",
    ),
}  # fmt: skip

# Kinds that answer a complaint: their parts are the Code's "must confirm in writing".
RESPONSE_KINDS = frozenset({LetterKind.stage_1_response, LetterKind.stage_2_response})


def missing_parts(kind: LetterKind, html: str) -> tuple[LetterPart, ...]:
    """The parts `kind` requires that the rendered `html` lacks or leaves empty, in the Code's
    order. Text inside a part counts for every part it is nested in."""
    found = _PartText()
    found.feed(html)
    found.close()
    return tuple(
        part for part in REQUIRED[kind].parts if not found.text.get(part.value, "").strip()
    )


# Elements with no end tag: they never hold text, so they never open a part.
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
     "track", "wbr"}
)  # fmt: skip


class _PartText(HTMLParser):
    """The text of every element with a `data-part` attribute, by part name."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: dict[str, str] = {}
        self._open: list[tuple[str, str | None]] = []  # (tag, part) of each open element
        self._hidden = 0  # inside <script>, <style> or <template>: text no reader sees

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            return
        part = dict(attrs).get("data-part")
        hidden = tag in {"script", "style", "template"} or "hidden" in dict(attrs)
        self._open.append((tag, "" if hidden else part))
        if hidden:
            self._hidden += 1
        elif part is not None:
            self.text.setdefault(part, "")

    def handle_endtag(self, tag: str) -> None:
        # Close up to the matching element: lenient, as browsers are, with unclosed <p> and <li>.
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index][0] == tag:
                for _, part in self._open[index:]:
                    if part == "":
                        self._hidden -= 1
                del self._open[index:]
                return

    def handle_data(self, data: str) -> None:
        if self._hidden:
            return
        for _, part in self._open:
            if part:
                self.text[part] = self.text.get(part, "") + data
