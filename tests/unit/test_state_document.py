"""The stored state document reads back equal to the state (and report items) it was made from,
for any history; report items folded from a document on are those folded from the start."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.domain.complaint.decide import decide
from app.domain.complaint.events import ComplaintEvent
from app.domain.complaint.evolve import evolve, fold
from app.domain.errors import DomainError
from app.domain.policies.builtin import HOC_2024
from app.domain.reporting.items import ItemFold, fold_items
from app.events.sealing import new_key
from app.projections.state_document import Document, dump, load, open_state, seal_state
from tests.depth import examples
from tests.unit.scenario import ENGLAND, LOGGED
from tests.unit.test_properties import commands


@settings(max_examples=examples(100, 1000), suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_a_state_document_reads_back_equal(data: st.DataObject) -> None:
    state = fold([LOGGED])
    assert state is not None
    history: list[ComplaintEvent] = [LOGGED]
    items = ItemFold(complaint_id="c1").advance(history)
    for _ in range(data.draw(st.integers(min_value=0, max_value=30))):
        command, now = data.draw(commands(state.last_occurred_at))
        try:
            new = decide(command, state, policy=HOC_2024, calendar=ENGLAND, now=now)
        except DomainError:
            continue
        for event in new:
            state = evolve(state, event)
        history += new
        # What an append does: continue the items from the document it read.
        items = load(dump(state, items)).items.advance(new)  # type: ignore[union-attr]
        assert load(dump(state, items)) == Document(state, items)
    assert load(dump(state)) == Document(state)
    assert items == ItemFold(complaint_id="c1").advance(history)
    assert items.items == fold_items("c1", history)


def test_a_sealed_document_opens_only_for_its_complaint_and_version() -> None:
    state = fold([LOGGED])
    assert state is not None
    key = new_key()
    sealed = seal_state("c1", state, "k1", key)
    nonce, ciphertext = sealed["state_nonce"], sealed["state_ciphertext"]
    assert isinstance(nonce, bytes)
    assert isinstance(ciphertext, bytes)
    assert state.description.encode() not in ciphertext
    assert open_state("c1", state.version, nonce, ciphertext, key) == state
    assert open_state("c2", state.version, nonce, ciphertext, key) is None
    assert open_state("c1", state.version + 1, nonce, ciphertext, key) is None
    assert open_state("c1", state.version, nonce, ciphertext, new_key()) is None
