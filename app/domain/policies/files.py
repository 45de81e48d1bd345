"""The built-in policies' data files: `data/<id>.toml`, read and validated as a whole.

A file's keys are the `Policy` and `StagePolicy` field names (also the API's JSON names), one
`[[stages]]` table per stage, enums as their string values. TOML has no null, so a day count
that a policy leaves unset is written `"none"`; the fields with no default (`acknowledge_days`,
`extension_cap_days`) must still be written out, which keeps "no deadline" a visible choice.

Every file is checked before any policy is used: if one is wrong the service must not start,
since complaints pinned to a policy would otherwise get deadlines from a half-read file. All the
problems of all the files are reported together, each with its file name.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterator, Sequence
from dataclasses import fields
from datetime import date, time
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Any, get_args, get_type_hints

from pydantic import TypeAdapter, ValidationError
from pydantic_core import ErrorDetails

from app.domain.policies.model import Policy, StagePolicy

DATA: Traversable = files(__package__) / "data"
SUFFIX = ".toml"
NONE = "none"

_POLICY = TypeAdapter(Policy)


def _nullable_days(cls: type) -> frozenset[str]:
    return frozenset(
        name
        for name, hint in get_type_hints(cls).items()
        if set(get_args(hint)) == {int, type(None)}
    )


_POLICY_NULLABLE = _nullable_days(Policy)
_STAGE_NULLABLE = _nullable_days(StagePolicy)
_POLICY_FIELDS = frozenset(f.name for f in fields(Policy))
_STAGE_FIELDS = frozenset(f.name for f in fields(StagePolicy))


class PolicyFilesError(ValueError):
    """One or more policy files are invalid; `problems` holds (file name, problem) pairs."""

    def __init__(self, directory: Traversable, problems: Sequence[tuple[str, str]]) -> None:
        self.problems = tuple(problems)
        lines = "\n".join(f"  {name}: {problem}" for name, problem in self.problems)
        super().__init__(f"invalid policy files in {directory}:\n{lines}")


def load_policies(directory: Traversable, *, required: Sequence[str] = ()) -> dict[str, Policy]:
    """Every policy in `directory`, keyed by id: the `required` ids first, then the rest by id.

    Raises PolicyFilesError, naming each file and every problem found in any of them.
    """
    problems: list[tuple[str, str]] = []
    policies: dict[str, Policy] = {}
    named: dict[str, str] = {}  # id -> the first file giving it
    entries = [e for e in directory.iterdir() if e.name.endswith(SUFFIX) and e.is_file()]
    for entry in sorted(entries, key=lambda e: e.name):
        raw, found = _read(entry)
        policy_id = None if raw is None else raw.get("id")
        if isinstance(policy_id, str):
            if policy_id != entry.name.removesuffix(SUFFIX):
                found.append(f"id {policy_id!r} does not match the file name (<id>{SUFFIX})")
            if policy_id in named:
                found.append(f"id {policy_id!r} is also the id in {named[policy_id]}")
            named.setdefault(policy_id, entry.name)
        policy = None if raw is None else _validate(raw, found)
        problems += [(entry.name, problem) for problem in found]
        if policy is not None and not found:
            policies[policy.id] = policy
    for policy_id in required:
        if policy_id not in named:
            problems.append((policy_id + SUFFIX, "missing: complaints may be pinned to it"))
    if problems:
        raise PolicyFilesError(directory, problems)
    return {
        policy_id: policies[policy_id]
        for policy_id in [*required, *sorted(policies.keys() - set(required))]
    }


def _read(entry: Traversable) -> tuple[dict[str, Any] | None, list[str]]:
    """The file's table (None when it is not TOML) and the problems seen without pydantic."""
    try:
        raw = tomllib.loads(entry.read_bytes().decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        return None, [f"not a TOML file: {error}"]
    # pydantic would ignore unknown keys: a misspelt `acknowledge_day` must not leave the
    # real field to its default.
    found = [f"{_where(loc)}: unknown field" for loc in _unknown_keys(raw)]
    found += [f"{_where(loc)}: a date or time is no policy value" for loc in _dates(raw, ())]
    return raw, found


def _validate(raw: dict[str, Any], problems: list[str]) -> Policy | None:
    """`raw` as a Policy, or None after adding pydantic's and __post_init__'s objections."""
    try:
        # Strict JSON mode: TOML arrays become tuples and strings enums, as they would from
        # JSON, but `true` or "5" is never taken for a number of days. TOML's dates are not
        # JSON: they were reported by _read, and stand in as text only so the rest is checked.
        return _POLICY.validate_json(json.dumps(_nulls(raw), default=str), strict=True)
    except ValidationError as error:
        problems += [_describe(e) for e in error.errors(include_url=False)]
        return None


def _nulls(raw: dict[str, Any]) -> dict[str, Any]:
    """`raw` with "none" turned into null where a field is a number of days or none."""

    def fix(table: dict[str, Any], nullable: frozenset[str]) -> dict[str, Any]:
        return {k: None if k in nullable and v == NONE else v for k, v in table.items()}

    result = fix(raw, _POLICY_NULLABLE)
    stages = raw.get("stages")
    if isinstance(stages, list):
        result["stages"] = [fix(s, _STAGE_NULLABLE) if isinstance(s, dict) else s for s in stages]
    return result


def _unknown_keys(raw: dict[str, Any]) -> Iterator[tuple[str | int, ...]]:
    yield from ((k,) for k in raw if k not in _POLICY_FIELDS)
    stages = raw.get("stages")
    if isinstance(stages, list):
        for index, stage in enumerate(stages):
            if isinstance(stage, dict):
                yield from (("stages", index, k) for k in stage if k not in _STAGE_FIELDS)


def _dates(value: object, loc: tuple[str | int, ...]) -> Iterator[tuple[str | int, ...]]:
    if isinstance(value, date | time):
        yield loc
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _dates(item, (*loc, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _dates(item, (*loc, index))


def _describe(error: ErrorDetails) -> str:
    if error["type"] == "value_error":
        # A __post_init__ check: its own message says what is wrong, without pydantic's prefix.
        message = str((error.get("ctx") or {}).get("error", error["msg"]))
    elif error["type"] == "missing":
        message = "missing"
    else:
        found = repr(error["input"])
        message = f"{error['msg']} (found {found if len(found) <= 60 else found[:57] + '...'})"
    return f"{_where(error['loc'])}: {message}" if error["loc"] else message


def _where(loc: Sequence[str | int]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text
