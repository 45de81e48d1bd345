"""An evidence file for API tests: a JPEG by its magic number (its bytes are judged, not its
Content-Type), the headers that name it, and the upload."""

from __future__ import annotations

import httpx

PHOTO = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64


def photo_headers(name: str, description: str | None = None) -> dict[str, str]:
    """What an upload of PHOTO says of it, beside the caller's key."""
    said = {"Content-Type": "image/jpeg", "Content-Disposition": f'attachment; filename="{name}"'}
    return said | ({"X-Attachment-Description": description} if description else {})


async def attach_photo(
    client: httpx.AsyncClient, headers: dict[str, str], cid: str, **params: str
) -> str:
    """PHOTO attached to complaint `cid` (`headers`: the key, and the name and description)."""
    response = await client.post(
        f"/v1/complaints/{cid}/attachments", content=PHOTO, params=params, headers=headers
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])
