"""Letters, the pure part: what the Code requires each kind to say, when each may be sent, and the
plain facts a template is given (dates across Christmas, New Year and Easter)."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain.complaint.commands import IssueLetter
from app.domain.complaint.events import (
    ActionAgreed,
    ClosureReason,
    CompensationKind,
    CompensationOffered,
    ComplaintEvent,
    ContactMethod,
    LetterIssued,
    LetterKind,
    Outcome,
    Responded,
)
from app.domain.complaint.state import ComplaintState
from app.domain.letters.context import letter_context
from app.domain.letters.errors import InvalidLetter, LetterNotIssuable
from app.domain.letters.issuing import letter_stage
from app.domain.letters.parts import REQUIRED, RESPONSE_KINDS, LetterPart, missing_parts
from app.domain.policies.builtin import HOC_2024, TUNTUM_2017
from tests.unit.scenario import (
    ENGLAND,
    acknowledged,
    closed,
    declined,
    escalated,
    escalation_refused,
    escalation_requested,
    extension_agreed,
    given,
    logged,
    responded,
    uk,
    when,
)

SHA = "ab" * 32


def _letter(parts: dict[LetterPart, str]) -> str:
    inner = "".join(f'<div data-part="{p.value}"><p>{text}</p></div>' for p, text in parts.items())
    return f"<html><body>{inner}</body></html>"


class TestRequiredParts:
    @pytest.mark.parametrize("kind", list(LetterKind))
    def test_a_letter_with_every_part_is_complete(self, kind: LetterKind) -> None:
        html = _letter(dict.fromkeys(REQUIRED[kind].parts, "Said."))
        assert missing_parts(kind, html) == ()

    @pytest.mark.parametrize(
        ("kind", "part"), [(k, p) for k in LetterKind for p in REQUIRED[k].parts]
    )
    def test_each_part_left_out_is_named(self, kind: LetterKind, part: LetterPart) -> None:
        html = _letter({p: "Said." for p in REQUIRED[kind].parts if p is not part})
        assert missing_parts(kind, html) == (part,)

    @pytest.mark.parametrize(
        ("kind", "part"), [(k, p) for k in LetterKind for p in REQUIRED[k].parts]
    )
    def test_a_part_that_says_nothing_is_missing(self, kind: LetterKind, part: LetterPart) -> None:
        html = _letter({p: ("  " if p is part else "Said.") for p in REQUIRED[kind].parts})
        assert missing_parts(kind, html) == (part,)

    def test_the_code_s_response_contents(self) -> None:
        # 6.9 and 6.19: stage, definition, decision, reasons, remedy, actions, escalation; and
        # the Ombudsman's details.
        for kind in RESPONSE_KINDS:
            assert {p.value for p in REQUIRED[kind].parts} == {
                "stage", "complaint", "decision", "reasons", "remedy", "outstanding_actions",
                "escalation", "ombudsman",
            }  # fmt: skip

    def test_text_nested_in_a_part_counts_and_hidden_text_does_not(self) -> None:
        html = (
            '<section data-part="ombudsman"><h2>The Ombudsman</h2>'
            '<p data-part="escalation"><span>Ask us</span></p></section>'
            '<div data-part="stage" hidden>Stage 1</div>'
            '<div data-part="refusal"><script>No</script><style>p{}</style></div>'
        )
        assert missing_parts(LetterKind.escalation_refusal, html) == (
            LetterPart.stage,
            LetterPart.refusal,
        )

    def test_unclosed_paragraphs_close_with_their_part(self) -> None:
        html = '<div data-part="stage"><p>Stage 1<p>more</div><p>outside'
        assert missing_parts(LetterKind.extension, html) == (
            LetterPart.extension,
            LetterPart.ombudsman,
        )


def _answered() -> tuple[ComplaintEvent, ...]:
    return (logged(uk(2025, 12, 22)), acknowledged(uk(2025, 12, 23)), responded(uk(2026, 1, 8)))


def _responded_at_stage_1() -> ComplaintState:
    state = given(*_answered())
    assert state is not None
    return state


class TestWhenALetterMayBeSent:
    def test_each_letter_follows_its_fact(self) -> None:
        state = given(logged(uk(2025, 12, 22)))
        assert state is not None
        for kind in LetterKind:
            with pytest.raises(LetterNotIssuable):
                letter_stage(kind, state)

    @pytest.mark.parametrize(
        ("kind", "stage"),
        [
            (LetterKind.acknowledgement, 1),
            (LetterKind.stage_1_response, 1),
        ],
    )
    def test_after_a_stage_1_response(self, kind: LetterKind, stage: int) -> None:
        assert letter_stage(kind, _responded_at_stage_1()) == stage

    def test_a_stage_2_response_needs_the_stage_2_answer(self) -> None:
        state = given(
            logged(uk(2025, 12, 22)), acknowledged(uk(2025, 12, 23)), responded(uk(2026, 1, 8)),
            escalation_requested(uk(2026, 1, 12)), escalated(uk(2026, 1, 12, 11)),
        )  # fmt: skip
        assert state is not None
        with pytest.raises(LetterNotIssuable, match="responded at stage 2"):
            letter_stage(LetterKind.stage_2_response, state)
        # The stage 1 response letter can still be sent (again) after the escalation.
        assert letter_stage(LetterKind.stage_1_response, state) == 1
        answered = given(
            logged(uk(2025, 12, 22)), acknowledged(uk(2025, 12, 23)), responded(uk(2026, 1, 8)),
            escalation_requested(uk(2026, 1, 12)), escalated(uk(2026, 1, 12, 11)),
            responded(uk(2026, 2, 2), stage=2),
        )  # fmt: skip
        assert answered is not None
        assert letter_stage(LetterKind.stage_2_response, answered) == 2

    def test_extension_refusal_and_decline(self) -> None:
        extended = given(
            logged(uk(2025, 12, 22)), acknowledged(uk(2025, 12, 23)),
            extension_agreed(uk(2026, 1, 7), date(2026, 1, 16)),
        )  # fmt: skip
        assert extended is not None
        assert letter_stage(LetterKind.extension, extended) == 1
        refused = given(
            logged(uk(2025, 12, 22)), responded(uk(2026, 1, 8)),
            escalation_requested(uk(2026, 1, 12)), escalation_refused(uk(2026, 1, 13)),
        )  # fmt: skip
        assert refused is not None
        assert letter_stage(LetterKind.escalation_refusal, refused) == 2
        gone = given(logged(uk(2025, 12, 22)), declined(uk(2025, 12, 23)))
        assert gone is not None
        assert letter_stage(LetterKind.decline, gone) == 1

    def test_quick_fix_after_a_stage_0_answer_or_a_first_contact_closure(self) -> None:
        quick = given(
            logged(uk(2026, 3, 30), stage=0, policy=TUNTUM_2017),
            responded(uk(2026, 3, 31), stage=0),
        )
        assert quick is not None
        assert letter_stage(LetterKind.quick_fix_confirmation, quick) == 0
        first = given(
            logged(uk(2026, 3, 30)),
            closed(uk(2026, 3, 30, 11), reason=ClosureReason.resolved_at_first_contact),
        )
        assert first is not None
        assert letter_stage(LetterKind.quick_fix_confirmation, first) == 1


class TestIssueLetter:
    def _command(self, **changes: object) -> IssueLetter:
        values: dict[str, object] = {
            "occurred_at": uk(2026, 1, 8, 16), "kind": LetterKind.stage_1_response, "stage": 1,
            "template_id": "builtin", "template_version": 0, "sha256": SHA,
            "method": ContactMethod.letter,
        }  # fmt: skip
        return IssueLetter(**(values | changes))  # type: ignore[arg-type]

    def test_records_the_letter_with_its_hash(self) -> None:
        assert when(_responded_at_stage_1(), self._command()) == [
            LetterIssued(
                occurred_at=uk(2026, 1, 8, 16), kind=LetterKind.stage_1_response, stage=1,
                template_id="builtin", template_version=0, sha256=SHA,
                method=ContactMethod.letter,
            )
        ]  # fmt: skip

    def test_refuses_what_is_not_a_sha256(self) -> None:
        with pytest.raises(InvalidLetter):
            when(_responded_at_stage_1(), self._command(sha256="AB" * 32))

    def test_refuses_a_stage_the_letter_is_not_about(self) -> None:
        with pytest.raises(InvalidLetter):
            when(_responded_at_stage_1(), self._command(stage=2))

    def test_is_accepted_after_the_closure(self) -> None:
        state = given(
            *_answered(),
            closed(uk(2026, 2, 10), reason=ClosureReason.no_escalation_requested),
        )
        assert state is not None
        assert len(when(state, self._command(occurred_at=uk(2026, 2, 11)))) == 1


class TestContext:
    def test_the_acknowledgement_s_date_skips_christmas_and_new_year(self) -> None:
        events = (logged(uk(2025, 12, 22)), acknowledged(uk(2025, 12, 23)))
        state = given(*events)
        assert state is not None
        context = letter_context(
            kind=LetterKind.acknowledgement, stage=1, state=state, events=events,
            policy=HOC_2024, calendar=ENGLAND, landlord_name="Riverside Homes",
            issued_at=uk(2025, 12, 23, 11),
        )  # fmt: skip
        assert context["response_due"] == "Friday 9 January 2026"
        assert context["date"] == "Tuesday 23 December 2025"
        assert context["complaint"]["received"] == "Monday 22 December 2025"

    def test_the_response_due_skips_easter(self) -> None:
        events = (logged(uk(2026, 3, 20)), acknowledged(uk(2026, 3, 23)))
        state = given(*events)
        assert state is not None
        context = letter_context(
            kind=LetterKind.acknowledgement, stage=1, state=state, events=events,
            policy=HOC_2024, calendar=ENGLAND, landlord_name="Riverside Homes",
            issued_at=uk(2026, 3, 23, 11),
        )  # fmt: skip
        # Ten working days from 23 March, passing Good Friday (3 April) and Easter Monday (6 April).
        assert context["response_due"] == "Wednesday 8 April 2026"

    def test_a_response_gives_decision_reasons_remedies_and_outstanding_actions(self) -> None:
        events = (
            logged(uk(2025, 12, 22)),
            acknowledged(uk(2025, 12, 23)),
            ActionAgreed(
                occurred_at=uk(2026, 1, 6), action_id="a-1", description="Replace the seal",
                due=date(2026, 1, 30), owner="Internal owner",
            ),
            CompensationOffered(
                occurred_at=uk(2026, 1, 7), offer_id="o-1", amount_pence=12_550,
                kind=CompensationKind.time_and_trouble, reason="Three missed visits",
            ),
            Responded(
                occurred_at=uk(2026, 1, 8), stage=1, outcome=Outcome.partly_upheld,
                summary="The visits were missed.",
                remedies=("repair", "apology"), escalation_rights_signposted=True,
                ombudsman_signposted=True,
            ),
        )  # fmt: skip
        state = given(*events)
        assert state is not None
        context = letter_context(
            kind=LetterKind.stage_1_response, stage=1, state=state, events=events,
            policy=HOC_2024, calendar=ENGLAND, landlord_name="Riverside Homes",
            issued_at=uk(2026, 1, 8, 16),
        )  # fmt: skip
        assert context["response"]["decision"] == "We have upheld your complaint in part."
        assert context["response"]["reasons"] == "The visits were missed."
        assert context["response"]["remedies"] == ["repair", "apology"]
        assert context["compensation"][0]["amount"] == "£125.50"
        assert context["actions"] == [
            {"description": "Replace the seal", "due": "Friday 30 January 2026"}
        ]
        assert context["escalation"]["next_stage"]["number"] == 2
        assert context["escalation"]["to_ombudsman"] is False
        # Nothing internal reaches a template: who owns an action is the landlord's.
        assert "Internal owner" not in repr(context)

    def test_the_last_stage_escalates_to_the_ombudsman(self) -> None:
        events = (logged(uk(2025, 12, 22)),)
        state = given(*events)
        assert state is not None
        context = letter_context(
            kind=LetterKind.stage_2_response, stage=2, state=state, events=events,
            policy=HOC_2024, calendar=ENGLAND, landlord_name="Riverside Homes",
            issued_at=uk(2026, 2, 2),
        )  # fmt: skip
        assert context["escalation"]["to_ombudsman"] is True
        assert context["ombudsman"]["phone"] == "0300 111 3000"
