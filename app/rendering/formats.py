"""One report, three forms: JSON (the API's document), CSV (one row per figure) and an HTML page
with charts. The API and the `redress report` command render through here alike."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import TypeAdapter

from app.domain.reporting.annual import AnnualReport
from app.domain.reporting.code_compliance import CodeComplianceReport
from app.domain.reporting.tsm import TsmReport
from app.rendering.board import annual_page, code_compliance_page
from app.rendering.flat import to_csv
from app.rendering.tsm_board import tsm_page

AnyReport = CodeComplianceReport | TsmReport | AnnualReport


class Format(StrEnum):
    json = "json"
    csv = "csv"
    html = "html"


MEDIA_TYPES = {
    Format.json: "application/json",
    Format.csv: "text/csv; charset=utf-8",
    Format.html: "text/html; charset=utf-8",
}


def render(report: AnyReport, fmt: Format, *, indent: int | None = None) -> str:
    adapter: TypeAdapter[Any] = TypeAdapter(type(report))
    match fmt:
        case Format.json:
            return str(adapter.dump_json(report, indent=indent).decode())
        case Format.csv:
            return to_csv(adapter.dump_python(report, mode="json"))
        case Format.html:
            return _page(report)


def _page(report: AnyReport) -> str:
    if isinstance(report, CodeComplianceReport):
        return code_compliance_page(report)
    if isinstance(report, TsmReport):
        return tsm_page(report)
    return annual_page(report)
