"""`changed`: `dataclasses.replace` for the records the fold copies on every event.

`dataclasses.replace` checks every field and calls the frozen `__init__`, which sets each field
through `object.__setattr__`: about 17 µs for the complaint's 40 fields, twice an event, most of a
rebuild's time. The fold's records are plain frozen dataclasses with no `__post_init__`, so a copy
of the instance dictionary with the changes applied is the same record, made about six times
faster. It needs a `__dict__`, so those records are not slotted.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any, TypeVar

R = TypeVar("R")


_NAMES: dict[type, frozenset[str]] = {}


def _names(cls: type) -> frozenset[str]:
    if cls in _NAMES:
        return _NAMES[cls]
    if "__dict__" not in dir(cls) or getattr(cls, "__post_init__", None) is not None:
        raise TypeError(f"{cls.__name__}: changed() needs a __dict__ and no __post_init__")
    _NAMES[cls] = frozenset(f.name for f in fields(cls))
    return _NAMES[cls]


def changed(record: R, /, **changes: Any) -> R:
    """A copy of the frozen dataclass `record` with `changes`; an unknown name raises, as with
    `dataclasses.replace`."""
    cls: type[Any] = type(record)
    if not _names(cls).issuperset(changes):
        unknown = ", ".join(sorted(set(changes) - _names(cls)))
        raise TypeError(f"{cls.__name__} has no field {unknown}")
    new: R = object.__new__(cls)
    new.__dict__.update(record.__dict__, **changes)
    return new
