"""A full verify against every checkpoint: signatures, ranges, digests, and, where the log no
longer matches a checkpoint, the rows that changed, named by the fingerprints it recorded."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence

from sqlalchemy.ext.asyncio import AsyncConnection

from app.audit import checkpoints, rows
from app.audit.checkpoints import FINGERPRINT_BYTES, Checkpoint, fingerprint_of
from app.audit.findings import CheckpointProblem, Finding, Findings, Kind, VerifyReport
from app.audit.streams import landlords_of
from app.audit.walk import Segment


class Ledger:
    """The stored checkpoints, as far as their signatures and ranges hold."""

    def __init__(self, key: bytes, stored: Sequence[Checkpoint], report: VerifyReport) -> None:
        self.report = report
        self.stored = list(stored)
        self.valid: dict[int, Checkpoint] = {}
        previous = 0
        for checkpoint in self.stored:
            if not checkpoints.authentic(key, checkpoint):
                report.checkpoint_problems.append(checkpoints.forged(checkpoint))
            else:
                self.valid[checkpoint.position] = checkpoint
            if checkpoint.previous_position != previous:
                # A deleted checkpoint leaves a hole; the chain is still recomputed across it.
                what = "missing" if checkpoint.previous_position > previous else "overlapping"
                report.checkpoint_problems.append(
                    CheckpointProblem(
                        checkpoint.position,
                        f"it continues from position {checkpoint.previous_position} but the "
                        f"checkpoint before it ends at {previous}: checkpoints are {what}",
                    )
                )
            previous = checkpoint.position

    @property
    def last(self) -> int:
        return self.stored[-1].position if self.stored else 0

    def boundaries(self) -> set[int]:
        ends = {c.position for c in self.stored}
        return ends | {c.previous_position for c in self.stored if c.previous_position > 0}

    def restart(self, boundary: int, computed: bytes) -> bytes:
        """Continue from the signed digest where there is one, so that a change shows in the
        checkpoint whose range holds it and not in every checkpoint after."""
        checkpoint = self.valid.get(boundary)
        return computed if checkpoint is None else bytes.fromhex(checkpoint.chain)

    def compare(self, segments: Mapping[int, Segment]) -> list[Checkpoint]:
        """The valid checkpoints the log no longer matches."""
        mismatched = []
        for position, checkpoint in self.valid.items():
            segment = segments[position]
            self.report.checkpoints_compared += 1
            if segment.digest.hex() != checkpoint.chain or segment.streams != checkpoint.streams:
                mismatched.append(checkpoint)
                self.report.checkpoint_problems.append(
                    CheckpointProblem(
                        position,
                        f"positions {checkpoint.previous_position + 1} to {position} no longer "
                        "hold the events this checkpoint signed",
                    )
                )
        return mismatched

    async def check_fingerprints(self, conn: AsyncConnection) -> None:
        for checkpoint in self.valid.values():
            blob = await checkpoints.fingerprints(conn, checkpoint.position)
            if hashlib.sha256(blob).hexdigest() != checkpoint.fingerprints_digest:
                self.report.checkpoint_problems.append(
                    CheckpointProblem(
                        checkpoint.position, "the checkpoint's fingerprints were edited"
                    )
                )


async def trace(
    conn: AsyncConnection,
    findings: Findings,
    mismatched: Sequence[Checkpoint],
    *,
    tail_after: int,
) -> None:
    """Name the rows that differ from what the mismatched checkpoints recorded: an event found at
    another position than the one recorded for it is `reordered` (a swap names both rows), one
    recorded nowhere is `altered` (rewritten, its hash recomputed). Deleted rows are already
    named by the position and stream checks."""
    recorded: dict[int, tuple[bytes, int]] = {}  # position -> (fingerprint, checkpoint)
    present: dict[int, tuple[str, int, str]] = {}  # position -> (stream, version, hash) now
    for checkpoint in mismatched:
        blob = await checkpoints.fingerprints(conn, checkpoint.position)
        first = checkpoint.previous_position + 1
        for index in range(checkpoint.position - checkpoint.previous_position):
            fingerprint = blob[index * FINGERPRINT_BYTES : (index + 1) * FINGERPRINT_BYTES]
            recorded[first + index] = (fingerprint, checkpoint.position)
        for position, stream_id, version, hash_ in await rows.hashes_between(
            conn, first, checkpoint.position
        ):
            present[position] = (stream_id, version, hash_)
    # An event moved past the last checkpoint is among the rows after it.
    for position, stream_id, version, hash_ in await rows.hashes_between(
        conn, tail_after + 1, None
    ):
        present[position] = (stream_id, version, hash_)
    now_at = {fingerprint_of(hash_): p for p, (_, _, hash_) in present.items()}
    recorded_at = {fingerprint: p for p, (fingerprint, _) in recorded.items()}
    changed = [
        (position, present[position], fingerprint, signed_at)
        for position, (fingerprint, signed_at) in sorted(recorded.items())
        if position in present and fingerprint_of(present[position][2]) != fingerprint
    ]
    owners = await landlords_of(conn, {here[0] for _, here, _, _ in changed})
    for position, (stream_id, version, hash_), fingerprint, signed_at in changed:
        if position in findings.positions:
            continue  # named by the stream walk already (a stream's own order, a broken hash)
        came_from = recorded_at.get(fingerprint_of(hash_))
        if came_from is None:
            kind = Kind.altered
            detail = (
                f"not the event the checkpoint at position {signed_at} recorded here: rewritten "
                "with a recomputed hash"
            )
        else:
            gone_to = now_at.get(fingerprint)
            recorded_here = (
                "is no longer in the log"
                if gone_to is None
                else f"(stream {present[gone_to][0]} version {present[gone_to][1]}) is now at "
                f"position {gone_to}"
            )
            kind = Kind.reordered
            detail = (
                f"moved here from position {came_from}, where the checkpoint at position "
                f"{signed_at} recorded it; the event recorded here {recorded_here}"
            )
        findings.add(
            Finding(
                kind=kind,
                stream_id=stream_id,
                version=version,
                position=position,
                detail=detail,
                landlord=owners.get(stream_id),
                seen_at=position,
            )
        )
