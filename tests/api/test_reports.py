"""/v1/reports over real HTTP: formats, roles, periods, the page's structure and charts, no
personal data in any form of any report, and no free text for an analyst."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from app.domain.reporting.period import year_of
from app.services.keys import Role
from tests.api.conftest import LANDLORD, MakeKey
from tests.contract.report_fixture import REFUSAL, SURVEY, WORDS, write_fixture_year

pytestmark = pytest.mark.asyncio
YEAR = {"from": "2025-04-01", "to": "2026-04-01"}
# Void elements and self-closed SVG shapes need no end tag.
VOID = {"meta", "br", "hr", "img", "input", "link"}


class PageShape(HTMLParser):
    """Checks that tags nest and close, and collects what the checks below look at."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.count: dict[str, int] = {}
        self.svg_text: list[str] = []
        self.captions: list[str] = []
        self.titles: list[str] = []
        self.links: list[str] = []
        self._text_in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.count[tag] = self.count.get(tag, 0) + 1
        self.links += [v or "" for k, v in attrs if k in ("src", "href")]
        if tag not in VOID:
            self.stack.append(tag)
        if tag in ("text", "figcaption", "title"):
            self._text_in = tag

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.count[tag] = self.count.get(tag, 0) + 1

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
            return
        self.stack.pop()
        self._text_in = None

    def handle_data(self, data: str) -> None:
        if self._text_in == "text" and "svg" in self.stack:
            self.svg_text.append(data)
        elif self._text_in == "figcaption":
            self.captions.append(data)
        elif self._text_in == "title" and "svg" not in self.stack:
            self.titles.append(data)


def shape(html: str) -> PageShape:
    parser = PageShape()
    parser.feed(html)
    parser.close()
    return parser


async def test_the_annual_page_has_its_charts_with_their_numbers(
    client: httpx.AsyncClient, make_key: MakeKey, db: AsyncEngine
) -> None:
    await write_fixture_year(db)
    analyst = {"Authorization": f"Bearer {await make_key(Role.analyst)}"}
    response = await client.get(
        "/v1/reports/annual", params={"year": "2025"}, headers={**analyst, "Accept": "text/html"}
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    page = shape(response.text)
    assert page.errors == []
    assert page.stack == []
    assert response.text.startswith("<!DOCTYPE html>")
    assert page.titles == ["Annual complaints performance and service improvement report"]
    assert page.count.get("script", 0) == 0
    assert page.links == []  # nothing fetched from anywhere
    assert page.count["svg"] >= 5
    assert page.count["rect"] >= 10
    assert page.count["figcaption"] == page.count["svg"]
    # The numbers beside the bars: repairs 11 of the 19 complaints received; stage 1 responses
    # 6 upheld of 16; compensation paid in financial offers £300.00; the median 9.5 days.
    for shown in ("11 (57.9%)", "6 (37.5%)", "£300.00 (1 payment)", "9.5 days", "18 days"):
        assert shown in page.svg_text, shown
    assert "Working days (our calendar)" in page.svg_text  # an axis label
    # An analyst sees how many lessons there were, not their wording.
    assert "Check repairs are completed" not in response.text
    assert "3 lessons recorded in the year. Their wording is not shown to this key" in response.text
    assert "None in this period." not in response.text  # no empty table of lessons under it
    assert "`" not in response.text  # nothing of markup leaks into board-facing text


async def test_every_form_of_every_report_for_analysts_and_admins(
    client: httpx.AsyncClient, make_key: MakeKey, db: AsyncEngine
) -> None:
    await write_fixture_year(db)
    keys = {role: {"Authorization": f"Bearer {await make_key(role)}"} for role in Role}
    paths = [
        ("/v1/reports/code-compliance", YEAR),
        ("/v1/reports/tsm", {"year": "2025"}),
        ("/v1/reports/annual", {"year": "2025"}),
    ]
    for path, params in paths:
        for role in (Role.portal, Role.crm):
            refused = await client.get(path, params=params, headers=keys[role])
            assert refused.status_code == 403
        for role in (Role.analyst, Role.admin):
            as_json = await client.get(path, params=params, headers=keys[role])
            assert as_json.status_code == 200
            assert as_json.json()["landlord"] == LANDLORD
            as_csv = await client.get(path, params={**params, "format": "csv"}, headers=keys[role])
            assert as_csv.headers["content-type"] == "text/csv; charset=utf-8"
            assert "attachment" in as_csv.headers["content-disposition"]
            rows = list(csv.reader(io.StringIO(as_csv.text)))
            assert rows[0] == ["figure", "numerator", "denominator", "percent", "value", "unit"]
            assert ["landlord", "", "", "", LANDLORD, ""] in rows
            by_accept = await client.get(
                path, params=params, headers={**keys[role], "Accept": "text/csv, */*"}
            )
            assert by_accept.text == as_csv.text
            as_html = await client.get(
                path, params={**params, "format": "html"}, headers=keys[role]
            )
            assert shape(as_html.text).errors == []
            for body in (as_json.text, as_csv.text, as_html.text):
                # Complainants are "Resident A1" ... in the fixture: never in a report.
                assert re.search(r"Resident [A-H][0-9]|R-[A-H][0-9]", body) is None
                if role is Role.analyst:  # nor, for an analyst, a reason or a lesson
                    assert [w for w in WORDS if w in body] == []

    code = (await client.get(paths[0][0], params=YEAR, headers=keys[Role.analyst])).json()
    assert [s["received"] for s in code["stages"]] == [3, 17, 3]
    tsm_rows = list(
        csv.reader(
            io.StringIO(
                (
                    await client.get(
                        "/v1/reports/tsm",
                        params={"year": "2025", "format": "csv"},
                        headers=keys[Role.analyst],
                    )
                ).text
            )
        )
    )
    assert ["ch01[rented].stage_1", "9", "1000", "", "9.0", "per 1,000 homes"] in tsm_rows
    assert ["ch02[all].stage_1.within_timescale", "14", "16", "87.5", "", "percent"] in tsm_rows

    lessons = {}
    for role in (Role.analyst, Role.admin):
        annual = await client.get("/v1/reports/annual", params={"year": 2025}, headers=keys[role])
        lessons[role] = annual.json()["learning"]
    assert lessons[Role.analyst] == {"recorded": 3, "text_shown": False, "by_root_cause": []}
    assert lessons[Role.admin]["text_shown"] is True
    assert lessons[Role.admin]["by_root_cause"][0]["root_cause"] == "Repairs not followed up"

    # Reasons: the admin's grouped by wording, the analyst's counted only.
    codes = {
        role: (await client.get(paths[0][0], params=YEAR, headers=keys[role])).json()
        for role in (Role.analyst, Role.admin)
    }
    extended = {role: codes[role]["stages"][1]["extensions"] for role in codes}
    refusals = {role: codes[role]["escalations"][1]["refusals"] for role in codes}
    # The codes and whether the resident was told are structured facts: every reader gets them.
    codes_and_told = {
        "by_reason": [{"key": "other", "count": 3}],
        "explained": {"numerator": 0, "denominator": 3, "percent": 0.0},
    }
    assert extended[Role.admin] == {
        "agreed": 3,
        "stages_extended": 3,
        **codes_and_told,
        "text_shown": True,
        "reasons": [
            {"text": SURVEY, "count": 2},
            {"text": "Resident away until June", "count": 1},
        ],
    }
    assert extended[Role.analyst] == {
        "agreed": 3,
        "stages_extended": 3,
        **codes_and_told,
        "text_shown": False,
        "reasons": [],
    }
    assert refusals[Role.admin]["reasons"] == [{"text": REFUSAL, "count": 1}]
    assert refusals[Role.analyst] == {
        **refusals[Role.admin],
        "text_shown": False,
        "reasons": [],
    }
    page = await client.get(
        paths[0][0], params={**YEAR, "format": "html"}, headers=keys[Role.analyst]
    )
    assert "4 extensions were agreed." in page.text


@pytest.mark.parametrize(
    "params",
    [
        {"from": "2026-04-01", "to": "2025-04-01"},
        {"from": "2025-04-01", "to": "2025-04-01"},
        {"from": "2000-01-01", "to": "2020-01-01"},
        {"from": "2025-04-01"},
        {"from": "1 April", "to": "2026-04-01"},
    ],
)
async def test_a_period_that_is_not_one_is_refused(
    client: httpx.AsyncClient, make_key: MakeKey, params: dict[str, str]
) -> None:
    analyst = {"Authorization": f"Bearer {await make_key(Role.analyst)}"}
    response = await client.get("/v1/reports/code-compliance", params=params, headers=analyst)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"


async def test_a_year_out_of_range_and_an_unknown_format_are_refused(
    client: httpx.AsyncClient, make_key: MakeKey
) -> None:
    analyst = {"Authorization": f"Bearer {await make_key(Role.analyst)}"}
    for params in ({"year": "1999"}, {"year": "2025", "format": "pdf"}, {"year": "2025", "x": "1"}):
        response = await client.get("/v1/reports/tsm", params=params, headers=analyst)
        assert response.status_code == 422, params


async def test_an_empty_year_has_every_figure_at_zero(
    client: httpx.AsyncClient, make_key: MakeKey
) -> None:
    analyst = {"Authorization": f"Bearer {await make_key(Role.analyst)}"}
    response = await client.get("/v1/reports/annual", params={"year": "2030"}, headers=analyst)
    assert response.status_code == 200
    assert response.json()["volumes"]["received"] == 0
    html = await client.get(
        "/v1/reports/annual", params={"year": "2030", "format": "html"}, headers=analyst
    )
    assert "None in this period: nothing to draw." in html.text  # not an empty 0-1 axis
    assert "We received 0 complaints in the year." in html.text
    assert shape(html.text).errors == []


async def test_a_running_year_is_to_date_and_the_landlord_is_named(
    client: httpx.AsyncClient, make_key: MakeKey
) -> None:
    analyst = {"Authorization": f"Bearer {await make_key(Role.analyst)}"}
    today = datetime.now(UTC).astimezone(ZoneInfo("Europe/London")).date()
    year = str(year_of(today))
    figures = await client.get("/v1/reports/annual", params={"year": year}, headers=analyst)
    assert figures.json()["to_date"] == today.isoformat()
    assert figures.json()["landlord_name"] == f"{LANDLORD} (test)"
    page = await client.get(
        "/v1/reports/annual", params={"year": year, "format": "html"}, headers=analyst
    )
    assert f"{LANDLORD} (test), {year}/{(int(year) + 1) % 100:02d} to date" in page.text
    assert f"as at {today.day} {today:%B %Y}" in page.text
    past = await client.get("/v1/reports/annual", params={"year": "2024"}, headers=analyst)
    assert past.json()["to_date"] is None
