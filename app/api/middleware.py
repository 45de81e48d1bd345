"""ASGI middleware: request metrics and the access log, a bound on request bodies, response
security headers, and a request id on every response."""

from __future__ import annotations

import logging
import re
import time
import uuid
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.errors import problem

# One line per request: method, route template (never the path: it holds complaint ids and
# references), status, duration and request id. Never the query string, a header or a body.
access = logging.getLogger("redress.access")
REQUEST_ID = b"x-request-id"
_SAFE_ID = re.compile(rb"[A-Za-z0-9._:-]{1,64}")

SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"cache-control", b"no-store"),
    (b"referrer-policy", b"no-referrer"),
]


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "redress_http_requests_total",
            "HTTP requests by route template, method and status.",
            ["route", "method", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "redress_http_request_seconds",
            "HTTP request latency by route template and method.",
            ["route", "method"],
            registry=self.registry,
        )
        # Webhooks (read from the database at each scrape, so they hold whichever process
        # delivers): one series per subscription.
        labels = ["subscription", "landlord"]
        self.webhook_behind = Gauge(
            "redress_webhook_positions_behind",
            "Positions of the event log after the last one examined for the subscription.",
            labels,
            registry=self.registry,
        )
        self.webhook_lag = Gauge(
            "redress_webhook_delivery_lag_seconds",
            "Seconds since the oldest event not yet delivered was recorded (0: caught up).",
            labels,
            registry=self.registry,
        )
        self.webhook_failures = Gauge(
            "redress_webhook_consecutive_failures",
            "Failed attempts in a row at the subscription's next event.",
            labels,
            registry=self.registry,
        )
        self.webhook_failed = Gauge(
            "redress_webhook_failed_attempts",
            "Failed delivery attempts in the subscription's delivery log.",
            labels,
            registry=self.registry,
        )
        self.webhook_disabled = Gauge(
            "redress_webhook_disabled",
            "1 when the subscription is disabled.",
            labels,
            registry=self.registry,
        )


# The route an evidence file is uploaded to (app/api/attachments.py).
_UPLOAD = re.compile(r"/v1/complaints/[^/]+/attachments")


class BodyTooLarge(HTTPException):
    """Raised while the body streams in; FastAPI passes HTTP exceptions through untouched, so the
    client gets the same 413 problem as when Content-Length announces a body too large."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"Request bodies are limited to {limit} bytes.")


class HttpMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        metrics: Metrics,
        max_body_bytes: int,
        upload_bytes: int | None = None,
    ) -> None:
        self.app = app
        self.metrics = metrics
        self.max_body_bytes = max_body_bytes
        # An evidence file's upload is the one body allowed past the JSON limit, up to its own.
        self.upload_bytes = max_body_bytes if upload_bytes is None else upload_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500
        headers = dict(scope.get("headers") or [])
        # The caller's id for the request (a CRM's trace id), if it is a plain token; else ours.
        given = headers.get(REQUEST_ID, b"")
        request_id = given if _SAFE_ID.fullmatch(given) else uuid.uuid4().hex.encode()
        limit = self.max_body_bytes
        if scope.get("method") == "POST" and _UPLOAD.fullmatch(scope.get("path", "")):
            limit = self.upload_bytes
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await problem(
                413,
                "payload-too-large",
                f"Request bodies are limited to {limit} bytes.",
            )(scope, receive, send)
            self._observe(scope, 413, started, request_id)
            return

        received = 0

        async def bounded_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [
                    *message.get("headers", []),
                    *SECURITY_HEADERS,
                    (REQUEST_ID, request_id),
                ]
            await send(message)

        try:
            await self.app(scope, bounded_receive, send_with_headers)
        finally:
            self._observe(scope, status, started, request_id)

    def _observe(self, scope: Scope, status: int, started: float, request_id: bytes) -> None:
        route: Any = scope.get("route")
        template = getattr(route, "path", "unmatched")
        method = scope.get("method", "")
        elapsed = time.perf_counter() - started
        self.metrics.requests.labels(template, method, str(status)).inc()
        self.metrics.latency.labels(template, method).observe(elapsed)
        if access.isEnabledFor(logging.INFO):
            fields = {
                "method": method,
                "route": template,
                "status": status,
                "duration_ms": round(elapsed * 1000, 1),
                "request_id": request_id.decode(),
            }
            access.info(
                "%s %s %d %.1fms %s", method, template, status, elapsed * 1000,
                fields["request_id"], extra={"fields": fields},
            )  # fmt: skip
