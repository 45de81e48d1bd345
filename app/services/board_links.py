"""Links to the workload page that a browser can keep open without an API key: a landlord and an
expiry, signed (HMAC-SHA256 under a key derived from the master key). The page shows counts and
staff names only, never a resident; a link stops working when it expires (at most 30 days), and
all links stop at once if the master key is rotated."""

from __future__ import annotations

import base64
import hmac
from datetime import UTC, datetime

import orjson

MAX_DAYS = 30


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(key: bytes, body: str) -> str:
    return _b64(hmac.digest(key, f"workload-board\x1f{body}".encode(), "sha256")[:18])


def sign(key: bytes, landlord: str, expires: datetime) -> str:
    body = _b64(orjson.dumps({"l": landlord, "e": int(expires.timestamp())}))
    return f"{body}.{_signature(key, body)}"


def landlord_of(key: bytes, token: str, now: datetime) -> str | None:
    """The landlord a link is for, or None: forged, altered, malformed or expired."""
    body, _, signature = token.partition(".")
    if not body or not hmac.compare_digest(signature.encode(), _signature(key, body).encode()):
        return None
    try:
        claims = orjson.loads(_unb64(body))
        landlord, expires = str(claims["l"]), int(claims["e"])
    except (ValueError, KeyError, TypeError):
        return None
    return landlord if datetime.fromtimestamp(expires, UTC) > now else None
