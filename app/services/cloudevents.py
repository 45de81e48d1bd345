"""Events as CloudEvents 1.0 lines (JSON format, one per line), assembled from the stored JSON text.

The envelope is written here, byte for byte what `orjson.dumps` makes of it. The event's `data`
goes into it as the database hands it over: as stored where the reader may see all of it, or
shaped by PostgreSQL (`shapes`: the keys the reader may not see dropped, a complainant's pseudonym
then spliced in here), with nothing decoded in Python. Only the rest is decoded (orjson), opened
or stripped and encoded again: a sealed event for a reader of personal data, an event of an older
schema version or with a key the catalogue does not list, one whose fields are seen or not by the
complaint's anonymity, and every event on SQLite. Either way what is shown is what
`privacy.visible` shows of the opened event; a line the database shaped may differ from one encoded
here only in whitespace, key order and escapes (jsonb's rendering), never in a value. An event
stored in an older schema version is shown upcast, in its type's current shape and version
(`privacy.current`), as the JSON feed shows it.

A complaint's landlord and its data keys (for a reader of personal data) are resolved before its
first event and kept in a bounded cache; its pseudonym is made once, at its `logged` event.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice

import orjson
import sqlalchemy as sa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy.ext.asyncio import AsyncConnection

from app.db import one_of, tuples
from app.domain.catalogue import CATALOGUE, spec_of
from app.events.codec import SCHEMA_VERSIONS
from app.events.keyring import Keyring
from app.events.sealing import ERASED, SEALED, open_sealed, unseal
from app.events.store import JsonValue
from app.events.streams import (
    family_of,
    is_landlord_stream,
)
from app.events.tables import complainant_keys
from app.events.texts import Shape, TextRow, padded
from app.projections.owners import stream_owners
from app.services.privacy import Reader, current, pseudonym_subject, visible

# Complaints remembered at once. A complaint forgotten and met again is resolved again.
CACHED_STREAMS = 50_000
CACHED_CIPHERS = 2_048  # each holds its cipher's context, some 2.5 KiB
PSEUDONYM = "complainant"  # the field whose resident id `logged`'s pseudonym stands for
_WHOLE = frozenset({27, 34})  # a JSON time string's length with no fraction, or six digits


def _inner(text: str) -> str:
    """`text` as the inside of a JSON string."""
    return orjson.dumps(text).decode()[1:-1]


@dataclass(frozen=True, slots=True)
class _Stream:
    """What every line of one stream shares: the envelope around the version and the type."""

    landlord: str
    head: str  # up to the version in `id`
    middle: str  # from there to the event type in `type`
    subject: str  # from there to `time`
    keys: Mapping[str, bytes | None]  # the complaint's data keys by id (None: erased)


_NO_KEYS: dict[str, bytes | None] = {}  # shared, never changed


@lru_cache(maxsize=1024)
def _middle(landlord: str, family: str) -> str:
    return f'","source":"{_inner(f"urn:redress:landlord:{landlord}")}","type":"uk.redress.{family}.'


def _joined(shown: str, more: str) -> str:
    """Two JSON objects' texts as one (their keys apart)."""
    if more == "{}":
        return shown
    return more if shown == "{}" else f"{shown[:-1]}, {more[1:]}"


def _stream(stream_id: str, landlord: str, keys: Mapping[str, bytes | None]) -> _Stream:
    escaped = _inner(stream_id)
    return _Stream(
        landlord,
        f'{{"specversion":"1.0","id":"{escaped}/',
        _middle(landlord, family_of(stream_id)),
        f'","subject":"{escaped}","time":',
        keys,
    )


def _pseudonymised(reader: Reader, event_type: str) -> tuple[str, ...]:
    """The fields of the type that carry a pseudonym in this reader's lines: only `logged`'s do
    (privacy.logged_pseudonym), where a field that holds the resident's id is hidden."""
    spec = spec_of(event_type)
    if event_type != "logged" or spec is None:
        return ()
    return tuple(
        f.name
        for f in spec.fields
        if f.kept_clear() and not (reader.sees(f) and reader.sees(f, anonymous=True))
    )


def shapes(reader: Reader) -> dict[str, Shape]:
    """The event types whose data the database may show this reader by itself, dropping what the
    reader may not see: not where what is seen depends on the complaint's anonymity. A reader of
    personal data gets a sealed event's clear part so, and its blob to open and add here, except
    where the clear part holds part of a sealed field (`logged`'s resident id): such an event is
    decoded here. Of an older schema version, or with a key the catalogue does not list, an event
    is decoded here too."""
    found: dict[str, Shape] = {}
    for event_type, spec in CATALOGUE.items():
        version = SCHEMA_VERSIONS.get(event_type)
        seen = {f.name: (reader.sees(f), reader.sees(f, anonymous=True)) for f in spec.fields}
        pseudonymised = _pseudonymised(reader, event_type)
        if version is None or pseudonymised not in ((), (PSEUDONYM,)):
            continue
        if any(plain != anonymous for plain, anonymous in seen.values()):
            continue
        hidden = {name for name, (plain, _) in seen.items() if not plain} | {SEALED}
        kept_clear = any(f.kept_clear() for f in spec.fields)
        found[event_type] = Shape(
            version,
            frozenset(seen),
            frozenset(hidden),
            unsealed_only=reader.personal and kept_clear,
            pseudonym=bool(pseudonymised),
            # Without personal data every sealed field is hidden: nothing to open.
            opens=reader.personal and not kept_clear,
        )
    return found


class Lines:
    """The NDJSON lines of a run of events for one reader, a chunk of rows at a time."""

    def __init__(
        self,
        reader: Reader,
        keyring: Keyring | None,
        landlord: str | None,
        *,
        cached: int = CACHED_STREAMS,
    ) -> None:
        self._reader = reader
        # None: the store seals nothing (and so opens nothing): data is shown as stored.
        self._keyring = keyring
        self._landlord = landlord  # only this landlord's events (None: every landlord's)
        self._streams: dict[str, _Stream | None] = {}  # None: not exported
        self._ciphers: dict[str, AESGCM] = {}  # by key id, the oldest first
        self._cached = cached
        self._types: dict[str, str] = {}  # JSON-escaped
        self._pseudonymised = {t: _pseudonymised(reader, t) for t in CATALOGUE}
        self._seen = {
            t: {f.name for f in spec.fields if reader.sees(f) and reader.sees(f, anonymous=True)}
            for t, spec in CATALOGUE.items()
        }
        self.shapes = shapes(reader)

    async def prepare(self, conn: AsyncConnection, rows: Sequence[TextRow]) -> None:
        """Resolve the streams of `rows` met for the first time (or again, once forgotten)."""
        streams = self._streams
        if len(streams) > self._cached:  # the oldest go, half of them at once
            for stream_id in list(islice(streams, len(streams) - self._cached // 2)):
                del streams[stream_id]
        unseen = {row[1] for row in rows if row[1] not in streams}
        if unseen:
            await self._resolve(conn, unseen)

    def forget(self) -> None:
        """Forget every stream and key: the next rows are resolved afresh."""
        self._streams.clear()
        self._ciphers.clear()

    def render(self, rows: Sequence[TextRow]) -> bytes:
        """The lines of `rows` (prepared), each ending with a newline, for their selected events."""
        return self._render(rows).encode()

    def _render(self, rows: Sequence[TextRow]) -> str:
        streams, types, lines, keyring = self._streams, self._types, [], self._keyring
        for (
            pos, sid, ver, typ, sv, shown, resident, sealed, data, actor, time, at, hash_, previous
        ) in rows:  # fmt: skip
            stream = streams[sid]
            if stream is None:
                continue
            escaped = types.get(typ)
            if escaped is None:
                escaped = types[typ] = _inner(typ)
            if shown is None:
                sv, shown = self._shown(stream, sid, typ, sv, data)
            elif resident is not None and keyring is not None:
                # The database dropped the hidden complainant; its pseudonym stands in for it.
                subject = pseudonym_subject(sid, resident or None)  # '': the id is null
                pseudonym = keyring.pseudonym(stream.landlord, subject)
                shown = _joined(shown, f'{{"{PSEUDONYM}_pseudonym": "{pseudonym}"}}')
            elif sealed is not None and keyring is not None:
                shown = self._opened(stream, sid, typ, shown, sealed)
            if len(time) not in _WHOLE:
                time = padded(time)
            if len(at) not in _WHOLE:
                at = padded(at)
            # Hashes are hex, the actor is JSON text already: nothing to escape.
            previous = "null" if previous is None else f'"{previous}"'
            lines.append(
                f"{stream.head}{ver}{stream.middle}{escaped}{stream.subject}{time},"
                f'"datacontenttype":"application/json","dataschemaversion":{sv},'
                f'"position":{pos},"streamversion":{ver},"recordedtime":{at},"hash":"{hash_}",'
                f'"previoushash":{previous},"actor":{actor or "null"},"data":{shown}}}\n'
            )
        return "".join(lines)

    def _opened(
        self, stream: _Stream, stream_id: str, event_type: str, shown: str, blob: str
    ) -> str:
        """`shown`, the clear part of a sealed event (JSON text), with the fields of its sealed
        `blob` opened and added."""
        sealed = orjson.loads(blob)
        if not isinstance(sealed, dict):  # nothing that opens (as `unseal` reads it)
            return shown
        secret = open_sealed(stream_id, event_type, sealed, self._cipher(stream, sealed))
        if secret.keys() <= self._seen[event_type]:
            return _joined(shown, orjson.dumps(secret).decode())
        # A field the catalogue no longer lists (or one the reader may not see): as `visible` shows
        # the opened event.
        data = {**orjson.loads(shown), **secret}
        return orjson.dumps(visible(event_type, data, self._reader)).decode()

    def _cipher(self, stream: _Stream, sealed: Mapping[str, object]) -> AESGCM | None:
        """The cipher of the key a sealed blob names (None: erased, or not the complaint's). The
        ciphers of the keys used last are kept: one is costly to make, and larger than its key."""
        key_id = str(sealed.get("key_id"))
        key = stream.keys.get(key_id)
        if key is None:
            return None
        cipher = self._ciphers.get(key_id)
        if cipher is None:
            cipher = self._ciphers[key_id] = AESGCM(key)
            if len(self._ciphers) > CACHED_CIPHERS:
                del self._ciphers[next(iter(self._ciphers))]
        return cipher

    def _shown(
        self, stream: _Stream, stream_id: str, event_type: str, version: int, text: str
    ) -> tuple[int, str]:
        """The JSON of what the reader sees of an event's stored `text` (upcast, as `current`
        says why), with the schema version of what it shows."""
        data: dict[str, JsonValue] = orjson.loads(text)
        sealed = data.get(SEALED)
        if self._keyring is not None and isinstance(sealed, dict):
            if not self._reader.personal:
                # The reader sees no sealed field, and of a hidden field only whether it is null
                # matters (`visible`): no need to open what would not be shown.
                del data[SEALED]
                for name in sealed.get("fields", ()):
                    data.setdefault(str(name), ERASED)
            else:
                # A key its complaint does not have (there is none: a complaint's keys are made
                # for it) reads as erased.
                key = self._cipher(stream, sealed)
                data = unseal(stream_id, event_type, data, key)
        pseudonym = None
        if self._keyring is not None and self._pseudonymised.get(event_type):
            person = data.get(PSEUDONYM)
            resident = person.get("resident_id") if isinstance(person, dict) else None
            subject = pseudonym_subject(stream_id, None if resident is None else str(resident))
            pseudonym = self._keyring.pseudonym(stream.landlord, subject)
        version, shown = current(event_type, version, data)
        return version, orjson.dumps(visible(event_type, shown, self._reader, pseudonym)).decode()

    async def _resolve(self, conn: AsyncConnection, stream_ids: set[str]) -> None:
        # A landlord's own stream (its calendar and policies) belongs to it, and is exported with
        # its complaints: a new closure day moves deadlines.
        # Events of a stream with no owner row are not exported (a follower could not tell whose
        # they are).
        wanted = await stream_owners(conn, stream_ids, self._landlord)
        # Complaints' and feedback's keys are filed by stream id; a landlord's stream seals nothing.
        sealed_streams = [s for s in wanted if not is_landlord_stream(s)]
        keys: dict[str, dict[str, bytes | None]] = {}
        if self._keyring is not None and self._reader.personal and sealed_streams:
            # Two lookups rather than one join: PostgreSQL answers each from an index, the join
            # by scanning every complaint.
            k = complainant_keys.c
            held = sa.select(k.complaint_id, k.id, k.wrapped_key)
            held = held.where(one_of(conn, k.complaint_id, sealed_streams))
            for complaint_id, key_id, wrapped in await tuples(conn, held):
                key = None if wrapped is None else self._keyring.opened(key_id, wrapped)
                keys.setdefault(complaint_id, {})[key_id] = key
        for stream_id in stream_ids:
            landlord = wanted.get(stream_id)
            self._streams[stream_id] = (
                None
                if landlord is None
                else _stream(stream_id, landlord, keys.get(stream_id, _NO_KEYS))
            )
