"""Any report as CSV: one row per figure, in the order of the JSON document.

Columns: `figure` (its path in the JSON, list items named by their stage, tenure, key or text:
`stages[1].responses.within_timescale`), then `numerator`, `denominator`, `percent` for a share,
`numerator` (count) and `denominator` (homes) with `value` (per 1,000 homes) for a rate, and
`value` alone for anything else; `unit` says what the numbers count in (`percent`,
`per 1,000 homes`, `pence`, `working days`, `date`; empty for a count). Booleans are written
`true` and `false`, as in the JSON. Long format, so a spreadsheet can filter and pivot it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence

Json = object
HEADERS = ("figure", "numerator", "denominator", "percent", "value", "unit")
# The field that names an item of a list, in order of preference; it becomes part of the path.
LABELS = ("stage", "to_stage", "tenure", "key", "text")
FlatRow = tuple[str, Json, Json, Json, Json]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def flatten(document: Mapping[str, Json]) -> list[tuple[FlatRow, str]]:
    """The rows, each with its unit (`unit`)."""
    rows: list[tuple[FlatRow, str]] = []
    _walk("", document, rows)
    return rows


def _walk(path: str, node: Json, rows: list[tuple[FlatRow, str]]) -> None:
    if isinstance(node, Mapping):
        keys = set(node)
        if {"numerator", "denominator", "percent"} <= keys:
            share = (path, node["numerator"], node["denominator"], node["percent"], None)
            rows.append((share, "percent"))
            return
        if {"count", "homes", "per_1000_homes"} == keys:
            rate = (path, node["count"], node["homes"], None, node["per_1000_homes"])
            rows.append((rate, "per 1,000 homes"))
            return
        for key, value in node.items():
            _walk(f"{path}.{key}" if path else str(key), value, rows)
    elif isinstance(node, Sequence) and not isinstance(node, str):
        for index, item in enumerate(node):
            label = _label(item)
            name = f"{path}[{index if label is None else label[1]}]"
            if label is not None and isinstance(item, Mapping):
                item = {k: v for k, v in item.items() if k != label[0]}
            _walk(name, item, rows)
    else:
        rows.append(((path, None, None, None, node), unit(path, node)))


def _label(item: Json) -> tuple[str, Json] | None:
    if isinstance(item, Mapping):
        for key in LABELS:
            if key in item:
                return key, item[key]
    return None


def _cell(value: Json) -> Json:
    if value is None:
        return ""
    if isinstance(value, bool):  # as JSON writes it, not Python's True/False
        return "true" if value else "false"
    # A spreadsheet would run landlord text such as "=HYPERLINK(...)" as a formula.
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def unit(path: str, value: Json) -> str:
    """What a single value is counted in: `pence`, `working days`, `date`; empty for a count or
    a word. (A share's numbers are a `percent`, a rate's value `per 1,000 homes`.)"""
    leaf = path.rsplit(".", 1)[-1].split("[", 1)[0]
    if leaf.endswith("pence"):
        return "pence"
    if ".working_days." in f".{path}." and leaf in ("median", "percentile_90"):
        return "working days"
    if isinstance(value, str) and _is_day(value):
        return "date"
    return ""


def _is_day(text: str) -> bool:
    return len(text) == 10 and text[4] == "-" and text[7] == "-" and text[:4].isdigit()


def to_csv(document: Mapping[str, Json]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADERS)
    for row, counted_in in flatten(document):
        writer.writerow([*(_cell(value) for value in row), counted_in])
    return out.getvalue()
