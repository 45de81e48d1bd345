"""Evidence files: what a file attached to a complaint is, judged from its bytes alone.

A client's `Content-Type` is a claim; the type recorded (and served back) is the one the bytes'
magic numbers say, and a file whose bytes say nothing this service accepts is refused. Pure: the
limits come in with the call.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from app.domain.errors import DomainError

# Media types a landlord is asked to keep as evidence, and the bytes each one starts with.
# Plain text has no magic number: it is accepted as UTF-8 without NULs (an email saved as .txt).
PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
GIF = "image/gif"
WEBP = "image/webp"
HEIC = "image/heic"
TEXT = "text/plain"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ZIP_MAGIC = b"PK\x03\x04"

KNOWN_TYPES = (PDF, JPEG, PNG, GIF, WEBP, HEIC, DOCX, TEXT)
DEFAULT_TYPES = KNOWN_TYPES
DEFAULT_MAX_BYTES = 10 * 1024 * 1024

# Longest filename kept (bytes of UTF-8 are not counted: characters are).
MAX_FILENAME = 200


@dataclass(frozen=True, slots=True)
class Limits:
    max_bytes: int = DEFAULT_MAX_BYTES
    media_types: tuple[str, ...] = DEFAULT_TYPES


class AttachmentTooLarge(DomainError):
    code = "attachment-too-large"

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(f"the file is {size} bytes; attachments are limited to {limit} bytes")


class UnsupportedAttachmentType(DomainError):
    code = "unsupported-attachment-type"

    def __init__(self, found: str | None, allowed: tuple[str, ...]) -> None:
        what = "its type could not be recognised" if found is None else f"it is {found}"
        super().__init__(
            f"the file's bytes are not of a type accepted as evidence ({what}); accepted: "
            + ", ".join(allowed)
        )


class AttachmentTypeMismatch(DomainError):
    code = "attachment-type-mismatch"

    def __init__(self, declared: str, found: str) -> None:
        super().__init__(f"Content-Type says {declared} but the file's bytes are {found}")


class EmptyAttachment(DomainError):
    code = "empty-attachment"

    def __init__(self) -> None:
        super().__init__("the file is empty")


def sniff(content: bytes) -> str | None:
    """The media type `content`'s first bytes say it is, or None."""
    head = content[:16]
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return WEBP
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"heim", b"heis"):
        return HEIC
    if head.startswith(ZIP_MAGIC):
        # A Word document is a zip whose first entry names its content types; other zips are not
        # evidence this service can show anyone.
        return DOCX if b"[Content_Types].xml" in content[:1024] else "application/zip"
    if b"\x00" not in content:
        try:
            content.decode("utf-8")
        except UnicodeDecodeError:
            return None
        return TEXT
    return None


def _essence(media_type: str | None) -> str | None:
    if media_type is None:
        return None
    return media_type.split(";", 1)[0].strip().lower() or None


def accept(content: bytes, declared: str | None, limits: Limits) -> str:
    """The media type to record for `content`, or the refusal: too large, empty, of a type not
    accepted, or not what the caller declared (`application/octet-stream` declares nothing)."""
    if len(content) > limits.max_bytes:
        raise AttachmentTooLarge(len(content), limits.max_bytes)
    if not content:
        raise EmptyAttachment()
    found = sniff(content)
    if found is None or found not in limits.media_types:
        raise UnsupportedAttachmentType(found, limits.media_types)
    claimed = _essence(declared)
    if claimed not in (None, found, "application/octet-stream"):
        raise AttachmentTypeMismatch(claimed, found)
    return found


_UNSAFE = re.compile(r"[^\w.\- ()+,]", re.UNICODE)


def safe_filename(name: str) -> str:
    """`name` as a file name that stays in its folder of a zip and shows the same everywhere:
    no directories, no control characters, no leading dots, at most MAX_FILENAME characters."""
    base = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = _UNSAFE.sub("_", base).strip(" .")
    return cleaned[:MAX_FILENAME] or "file"
