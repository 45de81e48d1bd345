"""The built-in policies' data files: `data/<id>/v<N>.toml`, read and validated as a whole.

One folder per policy id and one file per version, side by side: a complaint pins (id, version),
so publishing a new version adds a file and leaves the ones complaints are pinned to in place.
Each file's own `id` and `version` must be its folder and its N, since those are what a pin is
looked up by.

A file's keys are the `Policy` and `StagePolicy` field names (also the API's JSON names), one
`[[stages]]` table per stage, enums as their string values. TOML has no null, so a day count
that a policy leaves unset is written `"none"`; the fields with no default (`acknowledge_days`,
`extension_cap_days`) must still be written out, which keeps "no deadline" a visible choice.

Every file is checked before any policy is used: if one is wrong the service must not start,
since complaints pinned to a policy would otherwise get deadlines from a half-read file. All the
problems of all the files are reported together, each with its file name (`<id>/v<N>.toml`).
"""

from __future__ import annotations

import json
import re
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
from app.domain.policies.registry import PolicyRegistry

DATA: Traversable = files(__package__) / "data"
SUFFIX = ".toml"
LAYOUT = f"<id>/v<N>{SUFFIX}"
_VERSION_FILE = re.compile(rf"v(?P<version>[1-9][0-9]*){re.escape(SUFFIX)}")
_GAP = "missing: versions run from v1 with no gap, and complaints may be pinned to it"
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


def load_policies(directory: Traversable = DATA, *, required: Sequence[str] = ()) -> PolicyRegistry:
    """Every version of every policy in `directory`: the `required` ids first, then by id.

    Raises PolicyFilesError, naming each file and every problem found in any of them.
    """
    problems: list[tuple[str, str]] = []
    policies: list[Policy] = []
    found_ids: set[str] = set()
    for entry in sorted(directory.iterdir(), key=lambda e: e.name):
        if entry.is_file() and entry.name.endswith(SUFFIX):
            # A file left in the old one-file-per-id layout would otherwise be silently skipped.
            problems.append((entry.name, f"not in a policy's folder: write it as {LAYOUT}"))
        elif entry.is_dir():
            loaded, found = _load_folder(entry)
            policies += loaded
            problems += found
            if loaded or found:
                found_ids.add(entry.name)
    for policy_id in required:
        if policy_id not in found_ids:
            problems.append((f"{policy_id}/v1{SUFFIX}", "missing: complaints may be pinned to it"))
    if problems:
        raise PolicyFilesError(directory, problems)
    order = {policy_id: n for n, policy_id in enumerate(required)}
    return PolicyRegistry(
        sorted(policies, key=lambda p: (order.get(p.id, len(order)), p.id, p.version))
    )


def _load_folder(folder: Traversable) -> tuple[list[Policy], list[tuple[str, str]]]:
    """The versions in one policy's folder, and the problems of its files (named `<id>/<file>`)."""
    problems: list[tuple[str, str]] = []
    numbered: dict[int, Traversable] = {}
    for entry in folder.iterdir():
        if not (entry.is_file() and entry.name.endswith(SUFFIX)):
            continue
        matched = _VERSION_FILE.fullmatch(entry.name)
        if matched is None:
            name = f"{folder.name}/{entry.name}"
            problems.append((name, f"not a version's file name: write it as {LAYOUT}"))
        else:
            numbered[int(matched["version"])] = entry
    policies: list[Policy] = []
    for number in range(1, max(numbered, default=0) + 1):
        name = f"{folder.name}/v{number}{SUFFIX}"
        file = numbered.get(number)
        if file is None:
            # Versions are only ever added: a gap is a deleted file, stranding its complaints.
            problems.append((name, _GAP))
            continue
        raw, found = _read(file)
        if raw is not None:
            found += _names_match(raw, folder.name, number)
        policy = None if raw is None else _validate(raw, found)
        problems += [(name, problem) for problem in found]
        if policy is not None and not found:
            policies.append(policy)
    return policies, problems


def _names_match(raw: dict[str, Any], folder: str, number: int) -> list[str]:
    """The file's own id and version against its folder and name, which are what get looked up."""
    problems: list[str] = []
    policy_id, version = raw.get("id"), raw.get("version")
    if isinstance(policy_id, str) and policy_id != folder:
        problems.append(f"id {policy_id!r} does not match its folder ({LAYOUT})")
    # Only a real integer: anything else is pydantic's to report, with its type.
    if type(version) is int and version != number:
        problems.append(f"version {version} does not match the file name ({LAYOUT})")
    return problems


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
