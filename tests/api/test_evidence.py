"""Evidence files and the Ombudsman's evidence pack, over HTTP on both databases: a file is
attached with its hash in the chain, refused whole when it should be, shown to each role as the
catalogue allows; the pack verifies offline, and one byte changed makes `verify-pack` name the
file; after erasure nothing of a file gives the person back. Every person is made up."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine
from typer.testing import CliRunner

from app.audit.pack import verify
from app.cli import cli
from app.services.keys import Role
from app.services.tables import attachments
from tests.api.conftest import MakeKey
from tests.api.factories import log
from tests.api.test_erasure import database_text

pytestmark = pytest.mark.asyncio

# A JPEG as far as its magic number goes, with a phrase that must never be found in the clear.
PHOTO = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"Photo of Wilma Fictional's ceiling " * 20
PDF = b"%PDF-1.7\n" + b"Letter to Wilma Fictional about the damp " * 10 + b"\n%%EOF\n"
PHOTO_NAME = "wilma-fictional-ceiling.jpg"
LETTER_NAME = "Letter to Wilma Fictional.pdf"


def upload_headers(
    headers: dict[str, str], name: str, media_type: str = "image/jpeg", description: str = ""
) -> dict[str, str]:
    sent = {
        **headers,
        "Content-Type": media_type,
        "Content-Disposition": f'attachment; filename="{name}"',
    }
    if description:
        sent["X-Attachment-Description"] = description
    return sent


async def attach(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    cid: str,
    content: bytes,
    name: str,
    media_type: str = "image/jpeg",
    **params: str,
) -> httpx.Response:
    return await client.post(
        f"/v1/complaints/{cid}/attachments",
        content=content,
        params={"occurred_at": "2025-12-20T10:00:00Z", **params},
        headers=upload_headers(headers, name, media_type, "Damp%20above%20the%20bed"),
    )


async def portal_headers(make_key: MakeKey) -> dict[str, str]:
    return {"Authorization": f"Bearer {await make_key(Role.portal)}", "X-Resident-Id": "R-0001"}


async def test_a_file_is_attached_with_its_hash_in_the_chain_and_read_back(
    client: httpx.AsyncClient, crm: dict[str, str], make_key: MakeKey
) -> None:
    cid = (await log(client, crm))["id"]
    made = await attach(client, crm, cid, PHOTO, PHOTO_NAME, kind="photo")
    assert made.status_code == 201, made.text
    view = made.json()
    assert view["media_type"] == "image/jpeg"
    assert view["size"] == len(PHOTO)
    assert view["sha256"] == hashlib.sha256(PHOTO).hexdigest()
    assert (view["filename"], view["description"]) == (PHOTO_NAME, "Damp above the bed")
    assert view["visibility"] == "internal"
    assert view["kind"] == "photo"
    assert made.headers["ETag"] == '"2"'

    got = await client.get(made.headers["Location"], headers=crm)
    assert got.status_code == 200
    assert got.content == PHOTO
    assert got.headers["content-type"] == "image/jpeg"
    assert "wilma-fictional-ceiling.jpg" in got.headers["content-disposition"]

    events = (await client.get(f"/v1/complaints/{cid}/events", headers=crm)).json()["items"]
    added = events[-1]
    assert added["type"] == "attachment_added"
    assert added["data"]["sha256"] == view["sha256"]

    # An analyst learns that a file exists, never its name, description or bytes.
    analyst = {"Authorization": f"Bearer {await make_key(Role.analyst)}"}
    listed = await client.get(f"/v1/complaints/{cid}/attachments", headers=analyst)
    assert listed.status_code == 200
    assert (
        listed.json()["items"][0] | {"filename": None, "description": None}
        == listed.json()["items"][0]
    )
    assert listed.json()["items"][0]["sha256"] == view["sha256"]
    assert "Wilma" not in listed.text
    assert "Damp" not in listed.text
    stream = await client.get(f"/v1/complaints/{cid}/events", headers=analyst)
    assert PHOTO_NAME not in stream.text
    assert "Damp above" not in stream.text
    assert (await client.get(made.headers["Location"], headers=analyst)).status_code == 403

    # The resident's portal is not shown an internal file.
    portal = await portal_headers(make_key)
    hidden = await client.get(f"/v1/complaints/{cid}/attachments", headers=portal)
    assert hidden.json()["items"] == []
    assert (await client.get(made.headers["Location"], headers=portal)).status_code == 404


async def test_a_resident_attaches_from_the_portal_and_reads_their_own(
    client: httpx.AsyncClient, crm: dict[str, str], make_key: MakeKey
) -> None:
    cid = (await log(client, crm))["id"]
    portal = await portal_headers(make_key)
    made = await attach(client, portal, cid, PDF, LETTER_NAME, "application/pdf")
    assert made.status_code == 201, made.text
    assert made.json()["visibility"] == "resident"
    assert (await client.get(made.headers["Location"], headers=portal)).content == PDF
    history = await client.get(f"/v1/complaints/{cid}/history", headers=crm)
    assert "resident" in history.text
    internal = await attach(client, portal, cid, PDF, LETTER_NAME, "application/pdf",
                            visibility="internal")  # fmt: skip
    assert internal.status_code == 403
    other = {**portal, "X-Resident-Id": "R-0009"}
    assert (await attach(client, other, cid, PDF, LETTER_NAME)).status_code == 404


async def test_refused_files_write_nothing(client: httpx.AsyncClient, crm: dict[str, str]) -> None:
    cid = (await log(client, crm))["id"]
    cases: list[tuple[bytes, str, dict[str, str], int, str]] = [
        (b"\x7fELF\x02\x01\x01" + b"\x00" * 64, "tool.jpg", {}, 415, "unsupported-attachment-type"),
        (b"PK\x03\x04" + b"\x00" * 64, "archive.zip", {}, 415, "unsupported-attachment-type"),
        (PDF, "letter.jpg", {}, 422, "attachment-type-mismatch"),
        (b"", "empty.txt", {}, 422, "empty-attachment"),
        (PHOTO, "photo.jpg", {"kind": "selfie"}, 422, "validation-error"),
        (b"\xff\xd8\xff" + b"\x00" * (10 * 1024 * 1024), "huge.jpg", {}, 413, "payload-too-large"),
    ]
    for content, name, params, status, code in cases:
        refused = await attach(client, crm, cid, content, name, "image/jpeg", **params)
        assert (refused.status_code, refused.json()["code"]) == (status, code), name
        assert refused.headers["content-type"] == "application/problem+json"
    unnamed = await client.post(
        f"/v1/complaints/{cid}/attachments", content=PHOTO,
        headers={**crm, "Content-Type": "image/jpeg"},
    )  # fmt: skip
    assert (unnamed.status_code, unnamed.json()["code"]) == (422, "filename-required")
    # Past the JSON bodies' limit (256 KiB) but within the files': accepted.
    big = PHOTO + b"\x00" * (300 * 1024)
    accepted = await attach(client, crm, cid, big, "big.jpg", "application/octet-stream")
    assert accepted.status_code == 201, accepted.text
    complaint = (await client.get(f"/v1/complaints/{cid}", headers=crm)).json()
    assert complaint["version"] == 2  # logged, and the one file accepted


def rewrite(pack: bytes, path: str, change: Any) -> bytes:
    """The pack with one member's bytes changed, as a well-formed zip (its checksums redone)."""
    source = zipfile.ZipFile(io.BytesIO(pack))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            target.writestr(info, change(content) if info.filename == path else content)
    return out.getvalue()


def flip(content: bytes) -> bytes:
    middle = len(content) // 2
    return content[:middle] + bytes([content[middle] ^ 0x01]) + content[middle + 1 :]


async def test_the_evidence_pack_verifies_offline_and_names_a_changed_file(
    client: httpx.AsyncClient, crm: dict[str, str], make_key: MakeKey, tmp_path: Path
) -> None:
    cid = (await log(client, crm))["id"]
    assert (await attach(client, crm, cid, PHOTO, PHOTO_NAME, kind="photo")).status_code == 201
    portal = await portal_headers(make_key)
    made = await attach(client, portal, cid, PDF, LETTER_NAME, "application/pdf",
                        kind="correspondence")  # fmt: skip
    assert made.status_code == 201
    response = await client.get(f"/v1/complaints/{cid}/evidence-pack", headers=crm)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    pack = response.content
    names = zipfile.ZipFile(io.BytesIO(pack)).namelist()
    photo_path = next(n for n in names if n.endswith(PHOTO_NAME))
    letter_path = next(n for n in names if n.endswith("Letter to Wilma Fictional.pdf"))
    assert zipfile.ZipFile(io.BytesIO(pack)).read(photo_path) == PHOTO
    assert {"manifest.json", "timeline/events.json", "timeline/timeline.html",
            "timeline/chain.json"} <= set(names)  # fmt: skip
    assert verify(pack) == []

    runner = CliRunner()
    good = tmp_path / "pack.zip"
    good.write_bytes(pack)
    ok = runner.invoke(cli, ["verify-pack", str(good)])
    assert ok.exit_code == 0, ok.output
    assert "ok" in ok.output

    for path in (photo_path, letter_path, "timeline/chain.json", "timeline/events.json"):
        bad = tmp_path / "bad.zip"
        bad.write_bytes(rewrite(pack, path, flip))
        failed = runner.invoke(cli, ["verify-pack", str(bad)])
        assert failed.exit_code == 1, (path, failed.output)
        assert f"FAIL {path}" in failed.output, failed.output

    # A byte flipped in the zip itself (no checksum redone) is named too.
    raw = bytearray(pack)
    at = pack.index(b"PK\x03\x04", pack.index(b"PK\x03\x04") + 1)  # the second member
    raw[at + 60] ^= 0x01
    assert verify(bytes(raw)) != []

    # A file left out, or one slipped in, is named; so is a manifest edited to match a change.
    dropped = rewrite(pack, photo_path, lambda c: c)
    trimmed = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(dropped)) as src, zipfile.ZipFile(trimmed, "w") as out:
        for info in src.infolist():
            if info.filename != photo_path:
                out.writestr(info, src.read(info))
        out.writestr("attachments/extra.txt", b"not evidence")
    found = {f.path for f in verify(trimmed.getvalue())}
    assert {photo_path, "attachments/extra.txt"} <= found

    def forged(manifest: bytes) -> bytes:
        listed = orjson.loads(manifest)
        changed = flip(PHOTO)
        for entry in listed["files"]:
            if entry["path"] == photo_path:
                entry["sha256"] = hashlib.sha256(changed).hexdigest()
        return orjson.dumps(listed)

    both = rewrite(rewrite(pack, photo_path, flip), "manifest.json", forged)
    assert photo_path in {f.path for f in verify(both)}


async def test_after_erasure_no_file_gives_the_person_back(
    client: httpx.AsyncClient, crm: dict[str, str], make_key: MakeKey, db: AsyncEngine
) -> None:
    admin = {"Authorization": f"Bearer {await make_key(Role.admin)}"}
    cid = (await log(client, crm))["id"]
    made = await attach(client, crm, cid, PHOTO, PHOTO_NAME, kind="photo")
    assert made.status_code == 201
    before = await client.get(f"/v1/complaints/{cid}/evidence-pack", headers=crm)
    erased = await client.post(
        f"/v1/complaints/{cid}/erasure", json={"reason": "request"}, headers=admin
    )
    assert erased.status_code in (200, 201), erased.text

    gone = await client.get(made.headers["Location"], headers=crm)
    assert (gone.status_code, gone.json()["code"]) == (410, "attachment-erased")
    listed = (await client.get(f"/v1/complaints/{cid}/attachments", headers=admin)).json()
    assert listed["items"][0]["filename"] == "[erased]"
    assert listed["items"][0]["sha256"] == hashlib.sha256(PHOTO).hexdigest()
    pack = (await client.get(f"/v1/complaints/{cid}/evidence-pack", headers=admin)).content
    assert verify(pack) == []
    manifest = orjson.loads(zipfile.ZipFile(io.BytesIO(pack)).read("manifest.json"))
    assert manifest["attachments"][0]["erased"] is True
    assert not any(
        n.startswith("attachments/") for n in zipfile.ZipFile(io.BytesIO(pack)).namelist()
    )
    # The chain of the pack made before the erasure still matches the one after it.
    old = orjson.loads(zipfile.ZipFile(io.BytesIO(before.content)).read("manifest.json"))
    assert (
        old["chain"]["head_hash"]
        in zipfile.ZipFile(io.BytesIO(pack)).read("timeline/chain.json").decode()
    )

    async with db.connect() as conn:
        row = (await conn.execute(sa.select(attachments))).one()
    assert row.ciphertext is None
    assert row.nonce is None
    assert row.erased_at is not None
    text = await database_text(db)
    for secret in ("Photo of Wilma", PHOTO_NAME, "Damp above the bed", "Wilma Fictional"):
        assert secret not in text
    for path in (f"/v1/complaints/{cid}/events", f"/v1/complaints/{cid}/history"):
        shown = (await client.get(path, headers=admin)).text
        assert PHOTO_NAME not in shown
        assert "Damp above" not in shown


async def test_a_retried_upload_is_recorded_once(
    client: httpx.AsyncClient, crm: dict[str, str]
) -> None:
    cid = (await log(client, crm))["id"]
    retry = {**crm, "Idempotency-Key": "crm-upload-1"}
    first = await attach(client, retry, cid, PHOTO, PHOTO_NAME)
    again = await attach(client, retry, cid, PHOTO, PHOTO_NAME)
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    # The same key and bytes under another name is another request.
    renamed = await attach(client, retry, cid, PHOTO, "another-name.jpg")
    assert (renamed.status_code, renamed.json()["code"]) == (422, "idempotency-key-reused")
    listed = await client.get(f"/v1/complaints/{cid}/attachments", headers=crm)
    assert len(listed.json()["items"]) == 1
