"""The body of every error response."""

from __future__ import annotations

from pydantic import BaseModel, Field


class Problem(BaseModel):
    """An RFC 9457 problem detail."""

    type: str
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    code: str
    errors: list[dict[str, object]] | None = None
    # `policy-rule-broken`: the policy field that refused the request and the pinned policy.
    rule: str | None = None
    policy: dict[str, object] | None = None
    event_type: str | None = Field(
        default=None, description="`event-not-allowed`: the event type the key may not record."
    )
    allowed: list[str] | None = Field(
        default=None,
        description="`event-not-allowed`: the event types this key may record here; "
        "`policy-rule-broken`: the values the policy allows, where it lists them.",
    )
