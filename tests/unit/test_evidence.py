"""Evidence files: a file's type is what its bytes say, within the limits given; attaching one is
a fact of its own, allowed also after the end, and folded into the complaint's state."""

from __future__ import annotations

import hashlib

import pytest

from app.api.attachments import filename_of
from app.domain.complaint.commands import AddAttachment
from app.domain.complaint.errors import InvalidTransition
from app.domain.complaint.events import AttachmentAdded, AttachmentKind, NoteVisibility
from app.domain.evidence import (
    DOCX,
    JPEG,
    PDF,
    PNG,
    TEXT,
    AttachmentTooLarge,
    AttachmentTypeMismatch,
    EmptyAttachment,
    Limits,
    UnsupportedAttachmentType,
    accept,
    safe_filename,
    sniff,
)
from tests.unit.scenario import closed, given, logged, responded, uk, when

JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x01" * 32


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"%PDF-1.4\n...", PDF),
        (JPEG_BYTES, JPEG),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 8, PNG),
        (b"PK\x03\x04" + b"\x00" * 26 + b"[Content_Types].xml", DOCX),
        (b"PK\x03\x04" + b"\x00" * 26 + b"mimetype", "application/zip"),
        (b"Dear landlord, the damp is back.", TEXT),
        (b"\x7fELF\x02\x01\x01\x00\x00", None),
        (b"\xc3\x28 not utf-8", None),
    ],
)
def test_the_type_is_what_the_bytes_say(content: bytes, expected: str | None) -> None:
    assert sniff(content) == expected


class TestAccept:
    def test_the_sniffed_type_is_recorded_whatever_is_declared_generically(self) -> None:
        assert accept(JPEG_BYTES, "application/octet-stream", Limits()) == JPEG
        assert accept(JPEG_BYTES, None, Limits()) == JPEG
        assert accept(JPEG_BYTES, "IMAGE/JPEG; charset=binary", Limits()) == JPEG

    def test_a_declared_type_the_bytes_contradict_is_refused(self) -> None:
        with pytest.raises(AttachmentTypeMismatch):
            accept(JPEG_BYTES, "application/pdf", Limits())

    def test_limits(self) -> None:
        with pytest.raises(AttachmentTooLarge):
            accept(JPEG_BYTES, None, Limits(max_bytes=10))
        with pytest.raises(EmptyAttachment):
            accept(b"", None, Limits())
        with pytest.raises(UnsupportedAttachmentType):
            accept(JPEG_BYTES, None, Limits(media_types=(PDF,)))
        with pytest.raises(UnsupportedAttachmentType):
            accept(b"PK\x03\x04" + b"\x00" * 40, None, Limits())


@pytest.mark.parametrize(
    ("given_name", "safe"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\wilma\\photo 1.jpg", "photo 1.jpg"),
        ("..", "file"),
        ("dämp\x00<script>.png", "dämp__script_.png"),
    ],
)
def test_a_file_name_stays_in_its_folder(given_name: str, safe: str) -> None:
    assert safe_filename(given_name) == safe


def attach_command(day: int, attachment_id: str = "a-1") -> AddAttachment:
    return AddAttachment(
        occurred_at=uk(2026, 3, day),
        attachment_id=attachment_id,
        kind=AttachmentKind.photo,
        media_type=JPEG,
        size=len(JPEG_BYTES),
        sha256=hashlib.sha256(JPEG_BYTES).hexdigest(),
        filename="ceiling.jpg",
        description="Damp above the bed",
        visibility=NoteVisibility.resident,
    )


class TestAddAttachment:
    def test_records_the_file_and_folds_it(self) -> None:
        state = given(logged(uk(2026, 3, 2)))
        [event] = when(state, attach_command(3))
        assert isinstance(event, AttachmentAdded)
        assert event.sha256 == hashlib.sha256(JPEG_BYTES).hexdigest()
        after = given(logged(uk(2026, 3, 2)), event)
        assert after is not None
        found = after.attachment("a-1")
        assert found is not None
        assert (found.filename, found.size) == ("ceiling.jpg", len(JPEG_BYTES))

    def test_after_the_closure_too(self) -> None:
        state = given(logged(uk(2026, 3, 2)), responded(uk(2026, 3, 10)), closed(uk(2026, 3, 11)))
        [event] = when(state, attach_command(20))
        assert isinstance(event, AttachmentAdded)

    def test_an_id_is_used_once(self) -> None:
        state = given(logged(uk(2026, 3, 2)))
        [event] = when(state, attach_command(3))
        with pytest.raises(InvalidTransition):
            when(given(logged(uk(2026, 3, 2)), event), attach_command(4))


@pytest.mark.parametrize(
    ("disposition", "name"),
    [
        ('attachment; filename="ceiling.jpg"', "ceiling.jpg"),
        ("attachment; filename=ceiling.jpg", "ceiling.jpg"),
        ('attachment; filename="a \\"quoted\\" name.pdf"', 'a "quoted" name.pdf'),
        ("attachment; filename*=UTF-8''d%C3%A4mp.jpg", "dämp.jpg"),
        ("attachment; filename*=klingon''d%C3%A4mp.jpg", "dämp.jpg"),
        ("attachment; filename=\"fallback.jpg\"; filename*=UTF-8''real.jpg", "real.jpg"),
    ],
)
def test_the_name_a_content_disposition_gives(disposition: str, name: str) -> None:
    assert filename_of(disposition) == name
