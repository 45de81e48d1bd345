"""Telling the resident of an extension, a refusal to escalate or the decline: recorded only where
there is one to tell of, against the stage it concerns, and kept in the complaint's state."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain.complaint.commands import InformResident
from app.domain.complaint.errors import InvalidTransition
from app.domain.complaint.events import ContactMethod, InformedOf, ResidentInformed
from tests.unit.scenario import (
    acknowledged,
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

LOGGED = logged(uk(2026, 3, 2))


def tell(about: InformedOf, day: int = 20) -> InformResident:
    return InformResident(
        occurred_at=uk(2026, 3, day), about=about, method=ContactMethod.letter, summary="Why"
    )


class TestInformResident:
    def test_of_an_extension_at_the_current_stage(self) -> None:
        state = given(
            LOGGED,
            acknowledged(uk(2026, 3, 3)),
            extension_agreed(uk(2026, 3, 10), date(2026, 3, 27)),
        )
        assert when(state, tell(InformedOf.extension)) == [
            ResidentInformed(
                occurred_at=uk(2026, 3, 20),
                stage=1,
                about=InformedOf.extension,
                method=ContactMethod.letter,
                summary="Why",
            )
        ]

    def test_of_a_refusal_to_escalate(self) -> None:
        state = given(
            LOGGED,
            acknowledged(uk(2026, 3, 3)),
            responded(uk(2026, 3, 10)),
            escalation_requested(uk(2026, 3, 11)),
            escalation_refused(uk(2026, 3, 12)),
        )
        [event] = when(state, tell(InformedOf.escalation_refusal))
        assert isinstance(event, ResidentInformed)
        assert (event.stage, event.about) == (1, InformedOf.escalation_refusal)

    def test_of_the_decline_after_it_ended_the_complaint(self) -> None:
        state = given(LOGGED, declined(uk(2026, 3, 3)))
        [event] = when(state, tell(InformedOf.decline, day=4))
        assert isinstance(event, ResidentInformed)
        assert event.about is InformedOf.decline

    @pytest.mark.parametrize("about", list(InformedOf))
    def test_refused_when_there_is_nothing_to_tell_of(self, about: InformedOf) -> None:
        state = given(LOGGED, acknowledged(uk(2026, 3, 3)))
        with pytest.raises(InvalidTransition, match=r"there is no "):
            when(state, tell(about))

    def test_an_extension_at_stage_one_is_not_one_at_stage_two(self) -> None:
        state = given(
            LOGGED,
            acknowledged(uk(2026, 3, 3)),
            extension_agreed(uk(2026, 3, 4), date(2026, 3, 27)),
            responded(uk(2026, 3, 10)),
            escalation_requested(uk(2026, 3, 11)),
            escalated(uk(2026, 3, 12)),
        )
        with pytest.raises(InvalidTransition):
            when(state, tell(InformedOf.extension))


def test_the_state_keeps_what_the_resident_was_told_in_order() -> None:
    state = given(
        LOGGED,
        acknowledged(uk(2026, 3, 3)),
        extension_agreed(uk(2026, 3, 10), date(2026, 3, 27)),
        ResidentInformed(
            occurred_at=uk(2026, 3, 11),
            stage=1,
            about=InformedOf.extension,
            method=ContactMethod.phone,
            summary=None,
        ),
    )
    assert state is not None
    [told] = state.informed
    assert (told.informed_at, told.stage, told.method) == (uk(2026, 3, 11), 1, ContactMethod.phone)
    assert state.version == 4
