"""The evidence pack, built and checked without a database: a pack of made-up events and files
verifies; each way of changing it is named by the file it is about."""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

import orjson
import pytest

from app.audit import pack_zip
from app.audit.pack import CHAIN, MANIFEST, TIMELINE, verify
from app.events.hashing import event_hash
from app.events.store import JsonValue, StoredEvent
from app.rendering.evidence_pack import PackFile, PackInput, build, file_path

AT = datetime(2026, 3, 2, 9, tzinfo=UTC)
PHOTO = b"\xff\xd8\xff\xe0" + b"made-up photo" * 10
STREAM = "c-0001"


def chain(*datas: tuple[str, Mapping[str, JsonValue]]) -> list[StoredEvent]:
    events: list[StoredEvent] = []
    previous: str | None = None
    for version, (kind, data) in enumerate(datas, start=1):
        at = AT.replace(hour=9 + version)
        digest = event_hash(
            previous_hash=previous, stream_id=STREAM, version=version, type=kind,
            schema_version=1, data=data, metadata={}, occurred_at=at, recorded_at=at,
        )  # fmt: skip
        events.append(
            StoredEvent(version, STREAM, version, kind, 1, data, {}, at, at, digest, previous)
        )
        previous = digest
    return events


def pack_input(content: bytes | None = PHOTO, letters: int = 0) -> PackInput:
    sha = hashlib.sha256(PHOTO).hexdigest()
    added: dict[str, JsonValue] = {
        "attachment_id": "a-1",
        "sha256": sha,
        "size": len(PHOTO),
        "media_type": "image/jpeg",
    }
    stored = chain(
        ("logged", {"reference": "DH-1"}),
        ("attachment_added", added),
        *[("letter_issued", letter) for letter in ({"letter": n} for n in range(letters))],
    )
    shown = [
        {"version": e.version, "type": e.type, "occurred_at": e.occurred_at.isoformat(),
         "data": dict(e.data), "hash": e.hash}
        for e in stored
    ]  # fmt: skip
    file = PackFile("a-1", "ceiling.jpg", "photo", "image/jpeg", len(PHOTO), sha, 2,
                    stored[1].hash, content)  # fmt: skip
    return PackInput({"id": STREAM, "reference": "DH-1"}, shown, stored, [file], AT)


def rewrite(pack: bytes, change: Callable[[str, bytes], bytes | None]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(pack)) as src, zipfile.ZipFile(out, "w") as target:
        for info in src.infolist():
            content = change(info.filename, src.read(info))
            if content is not None:
                target.writestr(info, content)
    return out.getvalue()


PHOTO_PATH = file_path(1, pack_input().files[0])


def test_a_pack_verifies_and_holds_what_it_lists() -> None:
    pack = build(pack_input(letters=2))
    assert verify(pack) == []
    names = zipfile.ZipFile(io.BytesIO(pack)).namelist()
    assert names[0] == MANIFEST
    assert PHOTO_PATH == "attachments/01-a-1-ceiling.jpg"
    assert {"letters/0003-letter.json", "letters/0004-letter.json", CHAIN, TIMELINE} < set(names)


def test_the_same_material_makes_the_same_pack() -> None:
    assert build(pack_input()) == build(pack_input())


def flip(content: bytes) -> bytes:
    return content[:-1] + bytes([content[-1] ^ 1])


@pytest.mark.parametrize("path", [PHOTO_PATH, CHAIN, TIMELINE, "timeline/timeline.html", MANIFEST])
def test_one_byte_changed_names_its_file(path: str) -> None:
    pack = rewrite(build(pack_input()), lambda name, c: flip(c) if name == path else c)
    assert path in {f.path for f in verify(pack)}


def test_missing_and_extra_files_are_named() -> None:
    pack = rewrite(build(pack_input()), lambda name, c: None if name == PHOTO_PATH else c)
    assert [str(f) for f in verify(pack)] == [
        f"{PHOTO_PATH}: listed in the manifest but missing from the pack"
    ]
    extra = build(pack_input())
    with zipfile.ZipFile(buffer := io.BytesIO(extra), "a") as archive:
        archive.writestr("attachments/99-extra.jpg", PHOTO)
    assert [f.path for f in verify(buffer.getvalue())] == ["attachments/99-extra.jpg"]


def test_a_file_swapped_with_its_manifest_entry_is_caught_by_the_chain() -> None:
    other = b"\xff\xd8\xff\xe0 another made-up photo"

    def swap(name: str, content: bytes) -> bytes:
        if name == PHOTO_PATH:
            return other
        if name != MANIFEST:
            return content
        listed: dict[str, Any] = orjson.loads(content)
        for entry in [*listed["files"], *listed["attachments"]]:
            if entry.get("path") == PHOTO_PATH:
                entry["sha256"], entry["size"] = hashlib.sha256(other).hexdigest(), len(other)
        return orjson.dumps(listed)

    findings = verify(rewrite(build(pack_input()), swap))
    assert [f.path for f in findings] == [PHOTO_PATH]


def test_an_erased_file_is_listed_without_its_bytes() -> None:
    pack = build(pack_input(content=None))
    assert verify(pack) == []
    listed = orjson.loads(zipfile.ZipFile(io.BytesIO(pack)).read(MANIFEST))
    assert listed["attachments"][0] | {"path": None, "erased": True} == listed["attachments"][0]


def test_what_is_not_a_pack() -> None:
    assert [str(f) for f in verify(b"not a zip")] == ["(the pack): is not a zip file"]
    no_manifest = rewrite(build(pack_input()), lambda name, c: None if name == MANIFEST else c)
    assert [f.path for f in verify(no_manifest)] == [MANIFEST]


def test_every_single_byte_changed_anywhere_is_named() -> None:
    """Not only a file's content: a header, a date, a name, the zip's closing record. Each byte of
    the pack flipped in turn: something is always named, and a byte of a file's own record (its
    header, name or content) names that file."""
    pack = build(pack_input())
    with zipfile.ZipFile(io.BytesIO(pack)) as archive:
        entries = [(i.filename, archive.read(i)) for i in archive.infolist()]
    _, spans = pack_zip.write(entries, AT)
    records = spans[: len(entries)]  # each entry's header, name and content
    missed = []
    for at in range(len(pack)):
        named = {f.path for f in verify(pack[:at] + bytes([pack[at] ^ 0x01]) + pack[at + 1 :])}
        owner = next((s.name for s in records if s.start <= at < s.end), None)
        if not named or (owner is not None and owner not in named):
            missed.append((at, owner, named))
    assert missed == []
