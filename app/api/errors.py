"""The one place where errors become HTTP: `application/problem+json` (RFC 9457), with a stable
`type` per kind of error. Domain errors carry a code, never a status; the status is chosen here."""

from __future__ import annotations

import logging
from collections.abc import Mapping

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from sqlalchemy import exc as sa_exc
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from app.db import is_unavailable
from app.domain.errors import DomainError
from app.events.store import ConcurrencyError
from app.projections.complaints import InvalidCursor
from app.services.versions import StaleVersion

PROBLEM_TYPE_PREFIX = "urn:redress:problem:"
PROBLEM_MEDIA_TYPE = "application/problem+json"

log = logging.getLogger("redress.api")

# Long enough that clients do not hammer a database that is restarting or failing over (seconds),
# short enough that they are back soon after it is.
RETRY_AFTER_SECONDS = 5
DATABASE_UNAVAILABLE = "database-unavailable"

# Domain refusals that contradict the complaint's current state are conflicts; the rest of the
# domain errors are about the request itself and are unprocessable. What the complaint's policy
# forbids outright (`stage-not-in-policy`, `extension-beyond-cap`, `clock-stopping-not-allowed`)
# is unprocessable: no later state of the complaint would accept the same request.
CONFLICT_CODES = frozenset(
    {
        "already-logged",
        "invalid-transition",
        "already-received",
        "feedback-step-refused",
        "restriction-step-refused",
        "restriction-already-challenged",
        "restriction-in-force",
        "already-erased",
        "already-acknowledged",
        "already-responded",
        "no-further-stage",
        "complaint-closed",
        "landlord-exists",
        "policy-id-reserved",
        "policy-version-conflict",
        "action-already-agreed",
        "action-already-completed",
        "actions-outstanding",
        "offer-already-made",
        "offer-already-answered",
        "offer-not-accepted",
        "letter-not-issuable",
    }
)

# Refusals of an evidence file by what it is, answered as HTTP says of a body.
BODY_CODES = {"attachment-too-large": 413, "unsupported-attachment-type": 415}

STATUS_CODES = {
    400: "bad-request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    406: "not-acceptable",
    409: "conflict",
    412: "stale-version",
    413: "payload-too-large",
    415: "unsupported-media-type",
    422: "validation-error",
    429: "too-many-requests",
    500: "internal-error",
    503: "unavailable",
}


class ApiError(Exception):
    """An error raised by the HTTP layer itself (authentication, lookups, headers)."""

    def __init__(
        self,
        status: int,
        code: str,
        detail: str,
        headers: dict[str, str] | None = None,
        **extensions: object,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail
        self.headers = headers or {}
        # Members of the problem beside `detail` that a client can act on without parsing it.
        self.extensions = extensions


def problem(
    status: int,
    code: str,
    detail: str | None,
    *,
    instance: str | None = None,
    headers: dict[str, str] | None = None,
    fields: Mapping[str, object] | None = None,
    **extensions: object,
) -> Response:
    title = code.replace("-", " ").capitalize()
    body: dict[str, object] = {
        "type": PROBLEM_TYPE_PREFIX + code,
        "title": title,
        "status": status,
        "code": code,
    }
    if detail is not None:
        body["detail"] = detail
    if instance is not None:
        body["instance"] = instance
    body.update(fields or {})
    body.update(extensions)
    return Response(
        orjson.dumps(body), status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers
    )


def database_unavailable(detail: str, *, instance: str | None = None) -> Response:
    return problem(
        503,
        DATABASE_UNAVAILABLE,
        detail,
        instance=instance,
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


def _allowed_methods(app: FastAPI, request: Request) -> set[str]:
    allowed: set[str] = set()
    for route in app.router.routes:
        match, _ = route.matches({**request.scope, "method": "GET"})
        methods = getattr(route, "methods", None)
        if match is not Match.NONE and methods:
            allowed.update(methods)
    return allowed


def _path(request: Request) -> str:
    return request.url.path


def install(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(request: Request, error: ApiError) -> Response:
        return problem(
            error.status,
            error.code,
            error.detail,
            instance=_path(request),
            headers=error.headers,
            fields=error.extensions,
        )

    @app.exception_handler(DomainError)
    async def _domain_error(request: Request, error: DomainError) -> Response:
        status = 409 if error.code in CONFLICT_CODES else BODY_CODES.get(error.code, 422)
        # A broken policy rule names the rule, the policy version and the allowed values.
        fields: dict[str, object] = getattr(error, "fields", {})
        return problem(status, error.code, error.message, instance=_path(request), fields=fields)

    @app.exception_handler(StaleVersion)
    async def _stale_version(request: Request, error: StaleVersion) -> Response:
        return problem(
            412,
            "stale-version",
            f"If-Match names version {error.expected} but the {error.what} is at version "
            f"{error.actual}; read it again and retry.",
            instance=_path(request),
            current_version=error.actual,
        )

    @app.exception_handler(ConcurrencyError)
    async def _concurrency(request: Request, error: ConcurrencyError) -> Response:
        return problem(
            409,
            "concurrent-modification",
            "The complaint changed while this request was being handled; read it and retry.",
            instance=_path(request),
        )

    @app.exception_handler(InvalidCursor)
    async def _invalid_cursor(request: Request, error: InvalidCursor) -> Response:
        return problem(422, "invalid-cursor", str(error), instance=_path(request))

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, error: RequestValidationError) -> Response:
        # The offending input is not echoed back: it may hold a resident's personal data.
        errors: list[dict[str, object]] = [
            {"loc": list(item.get("loc", ())), "msg": item.get("msg"), "type": item.get("type")}
            for item in error.errors()
        ]
        return problem(
            422,
            "validation-error",
            "The request is not valid; see `errors`.",
            instance=_path(request),
            errors=errors,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, error: StarletteHTTPException) -> Response:
        code = STATUS_CODES.get(error.status_code, "http-error")
        headers = dict(error.headers) if error.headers else {}
        if error.status_code == 405:
            # Starlette names only the first route matching the path; a path served by several
            # routes (GET and POST) must list every method it allows.
            headers["Allow"] = ", ".join(sorted(_allowed_methods(app, request)))
        return problem(
            error.status_code, code, str(error.detail), instance=_path(request), headers=headers
        )

    # Errors of these kinds mean the database is away only when `is_unavailable` says so; any other
    # (an IntegrityError, a ProgrammingError) is a fault and goes on to become a 500 below.
    async def _database(request: Request, error: Exception) -> Response:
        if not is_unavailable(error):
            raise error
        log.warning(
            "database unavailable on %s %s: %s",
            request.method,
            _path(request),
            type(error).__name__,
        )
        return database_unavailable(
            "The database cannot be reached or did not answer in time; retry after the number "
            "of seconds in Retry-After.",
            instance=_path(request),
        )

    for kind in (sa_exc.DBAPIError, sa_exc.TimeoutError, TimeoutError, OSError):
        app.add_exception_handler(kind, _database)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, error: Exception) -> Response:
        log.error(
            "unhandled error on %s %s: %s", request.method, _path(request), type(error).__name__
        )
        return problem(500, "internal-error", "An unexpected error occurred.")
