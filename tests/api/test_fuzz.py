"""schemathesis against the running app, from the committed OpenAPI document: no 5xx, and every
response matches the document (status codes, media types, schemas)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from app.services.keys import Role
from tests.api.conftest import MakeKey
from tests.api.factories import RESIDENT, log
from tests.depth import DEEP, examples

SPEC = Path(__file__).resolve().parents[2] / "openapi" / "openapi.json"
# Evidence files the fuzzer cannot make by itself: a real header then noise, or noise alone (which
# the upload must refuse, 415 or 422, never 5xx).
for media_type, magic in (
    ("application/pdf", b"%PDF-1.7\n"),
    ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", b"PK\x03\x04"),
    ("image/heic", b"\x00\x00\x00\x18ftypheic"),
):
    schemathesis.openapi.media_type(
        media_type, st.one_of(st.binary(max_size=64), st.binary(max_size=64).map(magic.__add__))
    )
schema = schemathesis.openapi.from_path(SPEC)
# The spec's worked examples (one per event type, tests/api/test_event_examples.py) are sent as
# they are only in the deep run: quick, the fuzz generates.
PHASES = list(Phase) if DEEP else [Phase.generate]


@pytest_asyncio.fixture
async def crm_token(make_key: MakeKey) -> str:
    return await make_key()


@schema.parametrize()
@settings(
    max_examples=examples(8, 100),
    phases=PHASES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_and_never_fails(
    case: schemathesis.Case[Any], server_url: str, crm_token: str
) -> None:
    # Schema-valid requests that break a business rule (a date before receipt, a stage the policy
    # lacks, an opaque cursor that is not ours) are rightly 4xx, so positive_data_acceptance is off.
    case.call_and_validate(
        base_url=server_url,
        headers={"Authorization": f"Bearer {crm_token}"},
        excluded_checks=[positive_data_acceptance],
    )


FORBIDDEN = [RESIDENT["name"], RESIDENT["email"], "1 Nowhere Lane"]


@pytest_asyncio.fixture
async def role_tokens(
    backend: str, make_key: MakeKey, client: httpx.AsyncClient
) -> dict[str, dict[str, str]]:
    """A complaint by the fixture resident, and keys that must never see that person: an analyst,
    and a portal acting for another resident; plus an admin, who may."""
    if backend != "sqlite":
        # What a role may see does not depend on the database; the CRM fuzz runs on both.
        pytest.skip("role fuzzing runs on SQLite only, to keep the suite quick")
    crm = {"Authorization": f"Bearer {await make_key()}"}
    await log(client, crm)
    return {
        "analyst": {"Authorization": f"Bearer {await make_key(Role.analyst)}"},
        "portal": {
            "Authorization": f"Bearer {await make_key(Role.portal)}",
            "X-Resident-Id": "R-9999",
        },
        "admin": {"Authorization": f"Bearer {await make_key(Role.admin)}"},
    }


@schema.parametrize()
@settings(
    max_examples=examples(2, 30),
    phases=PHASES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_every_role_gets_no_5xx_and_nothing_it_may_not_see(
    case: schemathesis.Case[Any],
    server_url: str,
    role_tokens: dict[str, dict[str, str]],
) -> None:
    for role, headers in role_tokens.items():
        response = case.call(base_url=server_url, headers=headers)
        # The role's own headers replace any the case generated (an over-long X-Resident-Id,
        # say), so a "negative" case may arrive valid: the CRM fuzz above checks rejections.
        case.validate_response(
            response, excluded_checks=[positive_data_acceptance, negative_data_rejection]
        )
        if role != "admin":
            leaked = [value for value in FORBIDDEN if value in response.text]
            assert leaked == [], (role, case.method, case.path)
