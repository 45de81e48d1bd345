"""The Ombudsman's evidence pack: a complaint's timeline, its evidence files and its letters, with
a manifest of hashes (app/audit/pack.py), as one zip.

What goes in comes from sources: each is a pure function from the complaint's material
(`PackInput`) to documents at paths of its own folder. A new kind of document (a letter's rendered
text, once letters keep one) is one more source in `SOURCES`; the manifest covers whatever the
sources give.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson

from app.audit.pack import Document, chain_document, manifest, write_zip
from app.domain.evidence import safe_filename
from app.events.store import StoredEvent
from app.rendering.page import Page


@dataclass(frozen=True, slots=True)
class PackFile:
    """An evidence file of the complaint; `content` None once erased."""

    attachment_id: str
    filename: str
    kind: str
    media_type: str
    size: int
    sha256: str
    event_version: int
    event_hash: str
    content: bytes | None


@dataclass(frozen=True, slots=True)
class PackLetter:
    """An issued letter rendered again from the log (ADR 0017); `matches` whether its bytes hash
    to the SHA-256 `letter_issued` recorded (not after an erasure, nor a change of template or
    fonts: the recorded hash still says what was sent)."""

    version: int
    kind: str
    pdf: bytes | None  # None: its template is no longer held
    matches: bool


@dataclass(frozen=True, slots=True)
class PackInput:
    complaint: Mapping[str, Any]  # id, reference, landlord: what names the complaint
    events: Sequence[Mapping[str, Any]]  # as the reader may see them (the API's event views)
    chain: Sequence[StoredEvent]  # as stored: what the hashes cover
    files: Sequence[PackFile]
    generated_at: datetime
    letters: Sequence[PackLetter] = ()


PackSource = Callable[[PackInput], list[Document]]


def _json(value: object) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS)


def timeline(pack: PackInput) -> list[Document]:
    """The events as JSON (with each one's hash, so it can be matched to the chain), a page a
    caseworker reads, and the chain as stored."""
    events = {"complaint": pack.complaint, "events": list(pack.events)}
    return [
        Document("timeline/events.json", _json(events)),
        Document("timeline/timeline.html", _page(pack).encode()),
        chain_document(pack.chain),
    ]


def _page(pack: PackInput) -> str:
    reference = str(pack.complaint.get("reference", ""))
    page = Page(f"Complaint {reference}: timeline", f"{len(pack.events)} events, oldest first.")
    rows = [
        (
            int(e["version"]),
            str(e["occurred_at"]),
            str(e["type"]).replace("_", " "),
            str(e.get("recorded_by") or ""),
            _said(e.get("data") or {}),
        )
        for e in pack.events
    ]
    page.table("Every event", ["#", "when", "what", "recorded by", "details"], rows)
    if pack.files:
        page.heading("Evidence files")
        page.table(
            "Each file is in attachments/, with its SHA-256 in manifest.json",
            ["event", "file", "kind", "type", "bytes", "SHA-256"],
            [
                (f.event_version, f.filename if f.content is not None else "[erased]", f.kind,
                 f.media_type, f.size, f.sha256)
                for f in pack.files
            ],
        )  # fmt: skip
    return page.render()


def _said(data: Mapping[str, Any]) -> str:
    parts = [f"{k.replace('_', ' ')}: {_text(v)}" for k, v in data.items() if v not in (None, "")]
    return "; ".join(parts)


def _text(value: object) -> str:
    if isinstance(value, Mapping):
        return ", ".join(f"{k} {_text(v)}" for k, v in value.items() if v not in (None, ""))
    if isinstance(value, list | tuple):
        return ", ".join(_text(v) for v in value)
    return str(value)


def file_path(index: int, file: PackFile) -> str:
    return f"attachments/{index:02d}-{file.attachment_id[:8]}-{safe_filename(file.filename)}"


def evidence_files(pack: PackInput) -> list[Document]:
    return [
        Document(file_path(i, f), f.content)
        for i, f in enumerate(pack.files, start=1)
        if f.content is not None
    ]


def letters(pack: PackInput) -> list[Document]:
    """Every letter the complaint's log records (`letter_issued`), as the event says it, and the
    letter itself as a PDF rendered again from the log, saying whether it hashes as issued."""
    rendered = {letter.version: letter for letter in pack.letters}
    found: list[Document] = []
    for e in pack.events:
        if e.get("type") != "letter_issued":
            continue
        version = int(e["version"])
        letter = rendered.get(version)
        said = {**e, "rendered_again_matches_issued": None if letter is None else letter.matches}
        found.append(Document(f"letters/{version:04d}-letter.json", _json(said)))
        if letter is not None and letter.pdf is not None:
            found.append(Document(f"letters/{version:04d}-{letter.kind}.pdf", letter.pdf))
    return found


SOURCES: tuple[PackSource, ...] = (timeline, evidence_files, letters)


def build(pack: PackInput, sources: Sequence[PackSource] = SOURCES) -> bytes:
    """The pack's zip: every source's documents and the manifest over them."""
    documents = [document for source in sources for document in source(pack)]
    paths = [d.path for d in documents]
    if len(set(paths)) != len(paths):
        raise ValueError("two documents of a pack at one path")
    attached = [
        {
            "attachment_id": f.attachment_id,
            "path": file_path(i, f) if f.content is not None else None,
            "erased": f.content is None,
            "sha256": f.sha256,
            "size": f.size,
            "media_type": f.media_type,
            "event_version": f.event_version,
            "event_hash": f.event_hash,
        }
        for i, f in enumerate(pack.files, start=1)
    ]
    listed = manifest(
        documents,
        complaint=pack.complaint,
        chain=pack.chain,
        attachments=attached,
        generated_at=pack.generated_at,
    )
    return write_zip([listed, *documents], pack.generated_at)
