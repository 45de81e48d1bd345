"""Any report as CSV: one row per figure, in the order of the JSON document.

Columns: `figure` (its path in the JSON, list items named by their stage, tenure, key or text:
`stages[1].responses.within_timescale`), then `numerator`, `denominator`, `percent` for a share,
`numerator` (count) and `denominator` (homes) with `value` (per 1,000 homes) for a rate, and
`value` alone for anything else. Long format, so a spreadsheet can filter and pivot it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence

Json = object
HEADERS = ("figure", "numerator", "denominator", "percent", "value")
# The field that names an item of a list, in order of preference; it becomes part of the path.
LABELS = ("stage", "to_stage", "tenure", "key", "text")
FlatRow = tuple[str, Json, Json, Json, Json]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def flatten(document: Mapping[str, Json]) -> list[FlatRow]:
    rows: list[FlatRow] = []
    _walk("", document, rows)
    return rows


def _walk(path: str, node: Json, rows: list[FlatRow]) -> None:
    if isinstance(node, Mapping):
        keys = set(node)
        if {"numerator", "denominator", "percent"} <= keys:
            rows.append((path, node["numerator"], node["denominator"], node["percent"], None))
            return
        if {"count", "homes", "per_1000_homes"} == keys:
            rows.append((path, node["count"], node["homes"], None, node["per_1000_homes"]))
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
        rows.append((path, None, None, None, node))


def _label(item: Json) -> tuple[str, Json] | None:
    if isinstance(item, Mapping):
        for key in LABELS:
            if key in item:
                return key, item[key]
    return None


def _cell(value: Json) -> Json:
    if value is None:
        return ""
    # A spreadsheet would run landlord text such as "=HYPERLINK(...)" as a formula.
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def to_csv(document: Mapping[str, Json]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADERS)
    for row in flatten(document):
        writer.writerow([_cell(value) for value in row])
    return out.getvalue()
