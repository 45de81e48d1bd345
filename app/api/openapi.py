"""The OpenAPI document: FastAPI's, with every error response described as problem+json."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from app.api.errors import PROBLEM_MEDIA_TYPE
from app.api.schemas.problem import Problem

# Errors any authenticated /v1 route can answer with.
COMMON_ERRORS = {
    "401": "No API key, or not a valid one.",
    "403": "The key's role may not do this.",
    "413": "The request body is too large.",
    "422": "The request is not valid.",
}
DESCRIPTIONS = {
    "400": "The body could not be read as JSON.",
    "404": "No such resource for this key.",
    "409": "Impossible in the complaint's current state, or a concurrent change.",
    "412": "If-Match names a version that is no longer current.",
    "503": "Not ready, or the database (for reads that may lag, the read replica) is away; retry "
    "after Retry-After.",
}


def build_openapi(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(
        title=app.title,
        version=app.version,
        summary=app.summary,
        description=app.description,
        routes=app.routes,
    )
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["Problem"] = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    for name in ("HTTPValidationError", "ValidationError"):
        components.pop(name, None)
    problem_content = {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for path, operations in schema.get("paths", {}).items():
        for operation in operations.values():
            responses: dict[str, Any] = operation.setdefault("responses", {})
            if path.startswith("/v1/"):
                for status, text in COMMON_ERRORS.items():
                    responses.setdefault(status, {"description": text})
                if "{" in path:
                    responses.setdefault("404", {"description": DESCRIPTIONS["404"]})
                if "requestBody" in operation:
                    responses.setdefault("400", {"description": DESCRIPTIONS["400"]})
            for status, response in responses.items():
                if status.isdigit() and int(status) >= 400:
                    response["content"] = problem_content
                    response["description"] = (
                        COMMON_ERRORS.get(status) or DESCRIPTIONS.get(status) or "Error."
                    )
    app.openapi_schema = schema
    return schema
