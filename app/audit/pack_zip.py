"""The evidence pack's zip, written byte by byte: every entry stored (not compressed), dated the
pack's moment, in a fixed layout.

Why not `zipfile`'s writer: its bytes depend on the platform (the "made by" system), the Python
version and, once compressed, the zlib version. Here the same documents and moment always make the
same bytes, on any machine, so `redress verify-pack` can rebuild the zip from what it read and
find a changed byte anywhere, a header or a date included, and name the entry it belongs to. Any
zip reader opens it (PKZIP 2.0, UTF-8 names, no zip64: a pack is refused at 4 GiB).
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

_LOCAL = b"PK\x03\x04"
_CENTRAL = b"PK\x01\x02"
_END = b"PK\x05\x06"
_VERSION = 20  # PKZIP 2.0: stored entries, no zip64
_MADE_BY = (3 << 8) | _VERSION  # Unix
_UTF8_NAMES = 0x0800
_FILE_MODE = 0o100644 << 16
_LIMIT = 2**32 - 1


@dataclass(frozen=True, slots=True)
class Span:
    """Bytes `start` to `end` (excluded) of the zip belong to entry `name` (None: the zip's
    closing record)."""

    start: int
    end: int
    name: str | None


def _dos(at: datetime) -> tuple[int, int]:
    time = (at.hour << 11) | (at.minute << 5) | (at.second // 2)
    date = ((max(at.year, 1980) - 1980) << 9) | (at.month << 5) | at.day
    return time, date


def write(entries: Sequence[tuple[str, bytes]], at: datetime) -> tuple[bytes, list[Span]]:
    """The zip of `entries` (name, content), in their order, and which entry each byte is of."""
    time, date = _dos(at)
    parts: list[bytes] = []  # joined once at the end: a file's bytes are copied only then
    size = 0
    spans: list[Span] = []
    central: list[bytes] = []
    central_spans: list[tuple[int, int, str]] = []
    central_size = 0
    for name, content in entries:
        encoded = name.encode()
        crc = zlib.crc32(content)
        offset = size
        header = _LOCAL + struct.pack(
            "<HHHHHIIIHH", _VERSION, _UTF8_NAMES, 0, time, date, crc, len(content),
            len(content), len(encoded), 0,
        )  # fmt: skip
        parts += [header, encoded, content]
        size += len(header) + len(encoded) + len(content)
        if size > _LIMIT:
            raise ValueError("an evidence pack is limited to 4 GiB")
        spans.append(Span(offset, size, name))
        record = _CENTRAL + struct.pack(
            "<HHHHHHIIIHHHHHII", _MADE_BY, _VERSION, _UTF8_NAMES, 0, time, date, crc,
            len(content), len(content), len(encoded), 0, 0, 0, 0, _FILE_MODE, offset,
        )  # fmt: skip
        central += [record, encoded]
        central_spans.append((central_size, central_size + len(record) + len(encoded), name))
        central_size += len(record) + len(encoded)
    spans += [Span(size + s, size + e, name) for s, e, name in central_spans]
    end = size + central_size
    closing = _END + struct.pack(
        "<HHHHIIH", 0, 0, len(entries), len(entries), central_size, size, 0
    )
    spans.append(Span(end, end + len(closing), None))
    return b"".join([*parts, *central, closing]), spans


def first_difference(given: bytes, expected: bytes, spans: Sequence[Span]) -> Span | None:
    """The span of `expected` where `given` first differs from it (None: they are the same).
    Bytes past the end of `expected` belong to its closing record."""
    if given == expected:
        return None
    at = next(
        (i for i, (a, b) in enumerate(zip(given, expected, strict=False)) if a != b),
        min(len(given), len(expected)),
    )
    return next((s for s in spans if s.start <= at < s.end), spans[-1])
