"""Importing a landlord's past complaints: checked as a whole first, then appended through the same
domain rules as the API, one complaint a transaction, resumable.

A complaint to import (`Planned`) is its `logged` command and the commands after it, each with the
line of the file it came from; the caller (`redress import`, app/cli/import_file.py) reads them from
a CSV summary or from NDJSON events. `check` decides and folds every complaint in memory with the
landlord's policy and calendar, and returns every refusal (the line, the landlord's own reference,
the rule's code and message: never what a resident wrote). Only then does `import_all` write: each
complaint gets an id made from the landlord and its reference (`complaint_id_for`), so a run that
stopped part way is started again and skips the complaints already written.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncEngine

from app.domain.clocks.calendar import WorkingCalendar
from app.domain.complaint.commands import Command, LogComplaint
from app.domain.complaint.decide import decide
from app.domain.complaint.evolve import evolve
from app.domain.complaint.state import ComplaintState
from app.domain.errors import DomainError
from app.domain.policies.model import Policy
from app.events.store import EventStore, JsonValue
from app.services import complaints as service

# Ids of imported complaints: one namespace for Redress's imports, then the landlord and reference.
NAMESPACE = uuid.UUID("6f1d8a52-5c43-4f0e-9a57-0d1f3c2b7e91")


@dataclass(frozen=True)
class Planned:
    key: str  # the landlord's own reference for the complaint, unique in the file
    line: int  # where its `logged` came from
    log: LogComplaint
    steps: list[tuple[int, Command]] = field(default_factory=list)  # (line, command)


@dataclass(frozen=True)
class Refusal:
    line: int
    key: str
    code: str  # the domain's rule, or the field that could not be read
    message: str

    def __str__(self) -> str:
        return f"line {self.line} ({self.key}): {self.code}: {self.message}"


@dataclass
class Imported:
    written: int = 0
    skipped: int = 0  # already imported by an earlier run
    events: int = 0


def complaint_id_for(landlord: str, key: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{landlord}\x00{key}"))


def check(
    planned: Sequence[Planned], *, policy: Policy, calendar: WorkingCalendar, now: datetime
) -> list[Refusal]:
    """Every refusal the domain would make, complaint by complaint (one at most for each: a
    complaint is imported whole or not at all, and the first refusal stops its history)."""
    refused: list[Refusal] = []
    seen: dict[str, int] = {}
    for complaint in planned:
        if complaint.key in seen:
            refused.append(
                Refusal(complaint.line, complaint.key, "duplicate-reference",
                        f"the same reference as line {seen[complaint.key]}")
            )  # fmt: skip
            continue
        seen[complaint.key] = complaint.line
        state: ComplaintState | None = None
        for line, command in [(complaint.line, complaint.log), *complaint.steps]:
            try:
                for event in decide(command, state, policy=policy, calendar=calendar, now=now):
                    state = evolve(state, event)
            except DomainError as error:
                refused.append(Refusal(line, complaint.key, error.code, error.message))
                break
    return refused


async def import_all(
    engine: AsyncEngine,
    store: EventStore,
    landlord: str,
    planned: Sequence[Planned],
    *,
    metadata: dict[str, JsonValue],
    now: datetime,
    progress: Callable[[int], None] | None = None,
) -> Imported:
    """Write each complaint (checked) in a transaction of its own, skipping those already there."""
    result = Imported()
    for complaint in planned:
        complaint_id = complaint_id_for(landlord, complaint.key)
        async with engine.begin() as conn:
            if await store.stream_version(conn, complaint_id) > 0:
                result.skipped += 1
            else:
                written = await service.log_complaint(
                    conn, store, complaint.log, metadata=metadata, now=now,
                    complaint_id=complaint_id,
                )  # fmt: skip
                for _, command in complaint.steps:
                    written = await service.record(
                        conn, store, written, command, if_match=None, metadata=metadata, now=now
                    )
                result.written += 1
                result.events += written.version
        if progress is not None:
            progress(1)
    return result
