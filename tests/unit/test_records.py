"""`changed` is `dataclasses.replace` for the fold's records, only faster."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pytest

from app.domain.complaint.state import ComplaintState, StageRecord
from app.domain.records import changed
from tests.unit.scenario import acknowledged, given, logged, uk


def state() -> ComplaintState:
    folded = given(logged(uk(2026, 12, 21, 10)), acknowledged(uk(2026, 12, 23)))
    assert folded is not None
    return folded


def test_it_makes_what_replace_makes_and_leaves_the_original_alone() -> None:
    before = state()
    after = changed(before, version=9, handler="officer-2")
    assert after == replace(before, version=9, handler="officer-2")
    assert hash(after) == hash(replace(before, version=9, handler="officer-2"))
    assert (before.version, before.handler) == (2, None)
    record = changed(before.current, handler="officer-2")
    assert isinstance(record, StageRecord)
    assert record == replace(before.current, handler="officer-2")


def test_an_unknown_field_is_refused_as_replace_refuses_it() -> None:
    with pytest.raises(TypeError, match="no field versoin"):
        changed(state(), versoin=3)


def test_a_slotted_or_checked_record_is_refused() -> None:
    @dataclass(frozen=True, slots=True)
    class Slotted:
        a: int

    @dataclass(frozen=True)
    class Checked:
        a: int

        def __post_init__(self) -> None:
            assert self.a >= 0

    for record in (Slotted(a=1), Checked(a=1)):
        with pytest.raises(TypeError, match="__dict__ and no __post_init__"):
            changed(record, a=2)
