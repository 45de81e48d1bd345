"""The body of every error response."""

from __future__ import annotations

from pydantic import BaseModel


class Problem(BaseModel):
    """An RFC 9457 problem detail."""

    type: str
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    code: str
    errors: list[dict[str, object]] | None = None
    # `policy-rule-broken`: the policy field that refused the request, the pinned policy, and the
    # values it allows where it lists them.
    rule: str | None = None
    policy: dict[str, object] | None = None
    allowed: list[str] | None = None
