"""The committed OpenAPI document is the one the app serves."""

from __future__ import annotations

from pathlib import Path

from app.cli.serve import openapi_json
from app.main import create_app

SPEC = Path(__file__).resolve().parents[2] / "openapi" / "openapi.json"


def test_committed_spec_matches_the_app() -> None:
    assert SPEC.read_text() == openapi_json(create_app()), (
        "openapi/openapi.json is out of date: run `redress openapi`"
    )


def test_every_error_response_is_problem_json() -> None:
    import json

    document = json.loads(SPEC.read_text())
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                if int(status) >= 400:
                    assert list(response["content"]) == ["application/problem+json"], (
                        method,
                        path,
                        status,
                    )
