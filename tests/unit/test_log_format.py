"""`REDRESS_LOG_FORMAT=json`: one JSON object a line, the access log's fields as its keys."""

from __future__ import annotations

import json
import logging

from app.logs import JsonFormatter, log_config


def test_json_lines_carry_the_access_fields() -> None:
    record = logging.LogRecord("redress.access", logging.INFO, __file__, 1, "GET %s", ("/x",), None)
    record.fields = {"method": "GET", "route": "/x", "status": 200, "request_id": "r1"}
    line = json.loads(JsonFormatter().format(record))
    assert (line["message"], line["status"], line["request_id"], line["level"]) == (
        "GET /x", 200, "r1", "info"
    )  # fmt: skip


def test_the_config_names_the_format() -> None:
    assert log_config("info", "json")["formatters"]["default"] == {"()": JsonFormatter}
    assert "format" in log_config("debug", "text")["formatters"]["default"]
