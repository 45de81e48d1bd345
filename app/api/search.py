"""Finding a landlord's complaints by a person or a home (`GET /v1/complaints?email=...`): the
value is turned into its blind index digest here and looked up, never stored or decrypted
(app/events/blind_index.py)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated

from fastapi import Query, Request

from app.api.deps import Actor
from app.api.errors import ApiError
from app.events.blind_index import BlindIndex, SearchField

FOUND = (
    "Finds the complaints of a person or a home through a keyed blind index, without decrypting "
    "anything; not for keys that may not see personal data, nor for anonymous complaints."
)

ResidentId = Annotated[
    str | None, Query(min_length=1, max_length=128, description=f"The resident's id. {FOUND}")
]
Email = Annotated[str | None, Query(min_length=3, max_length=254, description=f"Any case. {FOUND}")]
Phone = Annotated[
    str | None,
    Query(min_length=3, max_length=32, description=f"`+44 7700 900123` = `07700 900123`. {FOUND}"),
]
Postcode = Annotated[
    str | None, Query(min_length=5, max_length=10, description=f"Any spacing. {FOUND}")
]
Uprn = Annotated[
    str | None, Query(pattern=r"^[0-9]{1,12}$", description=f"The home's UPRN. {FOUND}")
]


def found_by(
    request: Request, actor: Actor, searched: Mapping[SearchField, str | None]
) -> tuple[tuple[str, str], ...]:
    """The (field, digest) pairs of what the caller searches by."""
    given = {field: value for field, value in searched.items() if value is not None}
    if not given:
        return ()
    if not actor.reader.personal:
        # An analyst who could ask "has this email complained?" would learn who complained.
        raise ApiError(
            403,
            "personal-search-forbidden",
            "Finding complaints by a person or a home needs a key that may see personal data.",
        )
    index: BlindIndex = request.app.state.keyring.blind_index
    found: list[tuple[str, str]] = []
    for field, value in given.items():
        digest = index.digest(actor.landlord, field, value)
        if digest is None:
            raise ApiError(422, "invalid-search", f"Nothing to search by in `{field.value}`.")
        found.append((field.value, digest))
    return tuple(found)
