"""The Ombudsman's evidence pack as a zip: its manifest, and the offline check of a pack.

A pack holds documents (the timeline, the evidence files, letters) and `manifest.json`, which lists
every document with its SHA-256 and size, the complaint's hash chain head, and for each evidence
file the event that recorded its SHA-256. `timeline/chain.json` holds the complaint's events as
stored (personal fields sealed), so the chain can be recomputed without the service: the
manifest's head is the chain's last hash, and each evidence file hashes to what its event, inside
the chain, says. `verify` needs no database and no key; a finding names the file it is about.
Pure: bytes in, bytes or findings out.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson

from app.audit import pack_zip
from app.events.hashing import event_hash, format_timestamp
from app.events.store import StoredEvent

FORMAT = "redress-evidence-pack/1"
MANIFEST = "manifest.json"
CHAIN = "timeline/chain.json"
TIMELINE = "timeline/events.json"


@dataclass(frozen=True, slots=True)
class Document:
    path: str
    content: bytes


@dataclass(frozen=True, slots=True)
class Finding:
    path: str  # the file in the pack it is about
    problem: str

    def __str__(self) -> str:
        return f"{self.path}: {self.problem}"


def digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def chain_document(events: Sequence[StoredEvent]) -> Document:
    """The events as stored, each with what its hash covers, in version order."""
    rows = [
        {
            "stream_id": e.stream_id,
            "version": e.version,
            "type": e.type,
            "schema_version": e.schema_version,
            "data": e.data,
            "metadata": e.metadata,
            "occurred_at": format_timestamp(e.occurred_at),
            "recorded_at": format_timestamp(e.recorded_at),
            "hash": e.hash,
            "previous_hash": e.previous_hash,
        }
        for e in events
    ]
    return Document(CHAIN, orjson.dumps(rows, option=orjson.OPT_INDENT_2))


def manifest(
    documents: Sequence[Document],
    *,
    complaint: Mapping[str, Any],
    chain: Sequence[StoredEvent],
    attachments: Sequence[Mapping[str, Any]],
    generated_at: datetime,
) -> Document:
    """`manifest.json` for these documents (the chain's among them)."""
    head = chain[-1] if chain else None
    body = {
        "format": FORMAT,
        "generated_at": format_timestamp(generated_at),
        "complaint": dict(complaint),
        "chain": {
            "path": CHAIN,
            "events": len(chain),
            "head_version": head.version if head else 0,
            "head_hash": head.hash if head else None,
        },
        "files": [
            {"path": d.path, "sha256": digest(d.content), "size": len(d.content)}
            for d in sorted(documents, key=lambda d: d.path)
        ],
        "attachments": list(attachments),
    }
    return Document(MANIFEST, orjson.dumps(body, option=orjson.OPT_INDENT_2))


def write_zip(documents: Sequence[Document], at: datetime) -> bytes:
    """The documents as a zip dated `at`: the same documents and moment make the same bytes on
    any machine (app/audit/pack_zip.py), which is what lets `verify` find a changed header."""
    content, _ = pack_zip.write([(d.path, d.content) for d in documents], at)
    return content


def verify(pack: bytes) -> list[Finding]:
    """Every way the pack differs from what its manifest and its chain say (none: it verifies)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(pack))
    except Exception:  # whatever a damaged zip makes the reader raise, it is not one
        return [Finding("(the pack)", "is not a zip file")]
    with archive:
        contents, findings = _read_all(archive)
    raw = contents.get(MANIFEST)
    if raw is None:
        return [*findings, Finding(MANIFEST, "missing")]
    try:
        listed: dict[str, Any] = orjson.loads(raw)
        files = {str(f["path"]): f for f in listed["files"]}
    except (orjson.JSONDecodeError, KeyError, TypeError):
        return [*findings, Finding(MANIFEST, "is not a manifest this tool reads")]
    if listed.get("format") != FORMAT:
        return [*findings, Finding(MANIFEST, f"is not a {FORMAT} manifest")]
    unreadable = {f.path for f in findings}
    for path, entry in sorted(files.items()):
        content = contents.get(path)
        if content is None:
            if path not in unreadable:
                findings.append(Finding(path, "listed in the manifest but missing from the pack"))
        elif digest(content) != entry.get("sha256") or len(content) != entry.get("size"):
            findings.append(Finding(path, "differs from the SHA-256 or size the manifest lists"))
    for path in sorted(set(contents) - set(files) - {MANIFEST}):
        findings.append(Finding(path, "in the pack but not in the manifest"))
    chain = _chain(contents.get(CHAIN), listed, findings)
    if chain is not None:
        findings += _attachments_against_chain(listed, files, chain)
        findings += _timeline_against_chain(contents.get(TIMELINE), chain)
    if not findings:
        # Every file is what the manifest and the chain say: what is left to change is the zip's
        # own records, which only a byte-for-byte rebuild of the pack as issued can see.
        findings += _layout(pack, contents, listed)
    return findings


def _read_all(archive: zipfile.ZipFile) -> tuple[dict[str, bytes], list[Finding]]:
    contents: dict[str, bytes] = {}
    findings: list[Finding] = []
    for info in archive.infolist():
        try:
            contents[info.filename] = archive.read(info)
        except Exception as error:  # a damaged entry raises whatever its damage makes
            problem = "does not read back (its zip record is damaged)"
            if "CRC" in str(error):
                problem = "its content was changed (its CRC-32 in the zip no longer matches)"
            findings.append(Finding(info.filename, problem))
    return contents, findings


def _layout(pack: bytes, contents: Mapping[str, bytes], listed: Mapping[str, Any]) -> list[Finding]:
    """A byte changed outside any file's content (a header, a date, a name): the pack rebuilt from
    what was read, as `write_zip` lays it out, differs from the pack given."""
    try:
        at = datetime.fromisoformat(str(listed["generated_at"]))
    except (KeyError, ValueError):
        return [Finding(MANIFEST, "has no moment the pack was made at")]
    expected, spans = pack_zip.write(list(contents.items()), at)
    differs = pack_zip.first_difference(pack, expected, spans)
    if differs is None:
        return []
    problem = "its record in the zip is not as issued (a header, date or name byte changed, or the "
    problem += "zip was rewritten); its content matches"
    return [Finding(differs.name or "(the pack)", problem)]


def _chain(
    raw: bytes | None, listed: Mapping[str, Any], findings: list[Finding]
) -> dict[int, dict[str, Any]] | None:
    """The chain's events by version, once each hash is recomputed and linked; None if it fails
    (each failure is a finding)."""
    if raw is None:
        findings.append(Finding(CHAIN, "missing: the hash chain cannot be checked"))
        return None
    try:
        rows: list[dict[str, Any]] = orjson.loads(raw)
        previous: str | None = None
        for expected, row in enumerate(rows, start=1):
            recomputed = event_hash(
                previous_hash=row["previous_hash"],
                stream_id=row["stream_id"],
                version=row["version"],
                type=row["type"],
                schema_version=row["schema_version"],
                data=row["data"],
                metadata=row["metadata"],
                occurred_at=datetime.fromisoformat(row["occurred_at"]),
                recorded_at=datetime.fromisoformat(row["recorded_at"]),
            )
            if row["version"] != expected or row["previous_hash"] != previous:
                findings.append(Finding(CHAIN, f"event {expected} does not follow event "
                                               f"{expected - 1}"))  # fmt: skip
                return None
            if recomputed != row["hash"]:
                findings.append(Finding(CHAIN, f"event {expected}'s hash does not match it"))
                return None
            previous = row["hash"]
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        findings.append(Finding(CHAIN, "is not a chain of events this tool reads"))
        return None
    head = listed.get("chain", {})
    if previous != head.get("head_hash") or len(rows) != head.get("head_version"):
        findings.append(Finding(MANIFEST, "names another head of the chain than the chain's"))
    return {int(row["version"]): row for row in rows}


def _attachments_against_chain(
    listed: Mapping[str, Any],
    files: Mapping[str, Mapping[str, Any]],
    chain: Mapping[int, Mapping[str, Any]],
) -> list[Finding]:
    findings: list[Finding] = []
    named: set[int] = set()
    for entry in listed.get("attachments", []):
        version = int(entry.get("event_version", 0))
        named.add(version)
        event = chain.get(version)
        path = entry.get("path") or f"attachments/ ({entry.get('attachment_id')})"
        data = event.get("data", {}) if event else {}
        if (
            event is None
            or event.get("type") != "attachment_added"
            or data.get("attachment_id") != entry.get("attachment_id")
            or data.get("sha256") != entry.get("sha256")
        ):
            findings.append(Finding(path, f"is not what event {version} of the chain records"))
            continue
        if entry.get("path") is None:
            continue  # erased: the chain still holds its hash, the pack cannot hold the bytes
        listed_file = files.get(path)
        if listed_file is None or listed_file.get("sha256") != data.get("sha256"):
            findings.append(Finding(path, f"does not hash to the SHA-256 event {version} records"))
    for version, event in sorted(chain.items()):
        if event.get("type") == "attachment_added" and version not in named:
            findings.append(Finding("attachments/", f"lacks the file event {version} records"))
    return findings


def _timeline_against_chain(
    raw: bytes | None, chain: Mapping[int, Mapping[str, Any]]
) -> list[Finding]:
    if raw is None:
        return [Finding(TIMELINE, "missing")]
    try:
        shown: list[dict[str, Any]] = orjson.loads(raw)["events"]
        for event in shown:
            stored = chain.get(int(event["version"]))
            if stored is None or stored.get("hash") != event.get("hash"):
                return [Finding(TIMELINE, f"event {event['version']} is not the chain's")]
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        return [Finding(TIMELINE, "is not a timeline this tool reads")]
    return []
