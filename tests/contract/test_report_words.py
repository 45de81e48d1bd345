"""The words in the hand-made year's reports (reasons, lessons), on SQLite and PostgreSQL: sealed
at rest, where no row of the reporting projection holds them; read back from the events for an
admin; an analyst gets the same counts and no words; an erasure changes no count."""

from __future__ import annotations

import copy

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from app.db import reading
from app.domain.complaint.events import ErasureReason
from app.events.tables import events
from app.projections.reports import TABLES
from app.services import erasure
from app.services.rebuild import Mode, rebuild
from tests.contract.report_fixture import (
    ANALYST,
    STORE,
    SURVEY,
    WORDS,
    Json,
    documents,
    reported,
    write_fixture_year,
)

pytestmark = pytest.mark.asyncio


def without_words(code: Json, annual: Json) -> tuple[Json, Json]:
    """The admin's reports as an analyst should get them: every count, no words."""
    code, annual = copy.deepcopy(code), copy.deepcopy(annual)
    for stage in code["stages"]:
        stage["extensions"] |= {"text_shown": False, "reasons": []}
    for escalation in code["escalations"]:
        escalation["refusals"] |= {"text_shown": False, "reasons": []}
    annual["learning"] |= {"text_shown": False, "by_root_cause": []}
    return code, annual


async def test_an_analyst_gets_every_count_and_no_words(db: AsyncEngine) -> None:
    code, tsm, annual = await documents(db)
    analyst_code, analyst_tsm, analyst_annual = await reported(db, ANALYST)
    assert (analyst_code, analyst_annual) == without_words(code, annual)
    assert analyst_tsm == tsm
    shown = f"{analyst_code}{analyst_annual}"
    assert [w for w in WORDS if w in shown] == []


async def test_no_word_is_held_in_the_clear_at_rest(db: AsyncEngine) -> None:
    await write_fixture_year(db)
    names = [t.name for t in (*TABLES, events)]
    async with db.connect() as conn:
        # The migrated tables, not the app's idea of them.
        columns = await conn.run_sync(
            lambda sync: [c["name"] for c in sa.inspect(sync).get_columns("report_items")]
        )
        rows = [(await conn.execute(sa.text(f'SELECT * FROM "{name}"'))).all() for name in names]
    dump = "\n".join(str(row) for table in rows for row in table)
    assert not {"text", "detail"} & set(columns)
    assert [w for w in WORDS if w in dump] == []
    # ... but each is in the admin's reports, read back from the sealed events.
    code, _, annual = await reported(db)
    shown = f"{code}{annual}"
    assert [w for w in WORDS if w not in shown] == []


async def test_an_erasure_changes_no_count_and_its_words_read_erased(db: AsyncEngine) -> None:
    code, tsm, annual = await documents(db)
    async with db.begin() as conn:
        # E2: a refusal and a lesson; C3: an extension.
        e2, c3 = (
            str(row.id)
            for row in await conn.execute(
                sa.text(
                    "SELECT id FROM complaints WHERE resident_id IN ('R-E2', 'R-C3') "
                    "ORDER BY resident_id DESC"
                )
            )
        )
        erased = await erasure.erase(
            conn, STORE, [e2, c3], reason=ErasureReason.request, metadata={}
        )
    assert erased.keys_destroyed == 2
    async with reading(db) as conn:
        assert (await rebuild(conn, Mode.check)).equal
    after_code, after_tsm, after_annual = await reported(db)
    assert after_tsm == tsm
    assert without_words(after_code, after_annual) == without_words(code, annual)
    stage1 = after_code["stages"][1]["extensions"]["reasons"]
    assert [(r["text"], r["count"]) for r in stage1] == [(SURVEY, 2), ("[erased]", 1)]
    refusals = after_code["escalations"][1]["refusals"]["reasons"]
    assert [(r["text"], r["count"]) for r in refusals] == [("[erased]", 1)]
    causes = [(g["root_cause"], g["count"]) for g in after_annual["learning"]["by_root_cause"]]
    assert causes == [
        ("Acknowledgement letters delayed", 1),
        ("Repairs not followed up", 1),  # E1's
        ("[erased]", 1),  # E2's
    ]
