"""The rest of the event catalogue over HTTP under hoc-2024: what the Code allows is appended and
shown in the view, what it does not is a problem+json that writes nothing, and an analyst never
sees the free text."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from app.services.keys import Role
from tests.api.conftest import MakeKey
from tests.api.event_checks import accepted, bearer, events_of, refused, view_of
from tests.api.factories import log

pytestmark = pytest.mark.asyncio


class TestClockStopping:
    async def test_hoc_2024_refuses_to_stop_or_restart_the_clock(
        self, client: httpx.AsyncClient, crm: dict[str, str]
    ) -> None:
        cid = (await log(client, crm))["id"]
        await accepted(client, crm, cid, "acknowledged", "2025-12-22T09:00:00+00:00")
        problem = await refused(
            client,
            crm,
            cid,
            "clock_stopped",
            "2025-12-23T09:00:00+00:00",
            code="clock-stopping-not-allowed",
            status=422,
            reason_category="awaiting_resident",
            reason="Waiting for Wilma's photos.",
        )
        assert problem["detail"] == (
            "policy hoc-2024 version 1 does not allow stopping the clock: "
            "agree an extension instead"
        )
        await refused(
            client,
            crm,
            cid,
            "clock_restarted",
            "2025-12-23T09:00:00+00:00",
            code="clock-stopping-not-allowed",
            status=422,
        )
        view = await view_of(client, crm, cid)
        assert view["stages"][0]["stops"] == []
        assert all(clock["paused"] is False for clock in view["sla"].values())

    async def test_an_unknown_reason_category_is_a_validation_error(
        self, client: httpx.AsyncClient, crm: dict[str, str]
    ) -> None:
        cid = (await log(client, crm))["id"]
        await refused(
            client,
            crm,
            cid,
            "clock_stopped",
            "2025-12-23T09:00:00+00:00",
            code="validation-error",
            status=422,
            reason_category="on_holiday",
            reason="x",
        )


class TestReopening:
    async def test_hoc_2024_refuses_to_reopen(
        self, client: httpx.AsyncClient, crm: dict[str, str]
    ) -> None:
        cid = (await log(client, crm))["id"]
        kwargs: dict[str, Any] = {"reason": "Wilma says the boiler failed again."}
        # Open: the policy is the reason, whatever the state.
        await refused(
            client,
            crm,
            cid,
            "reopened",
            "2025-12-22T09:00:00+00:00",
            code="reopening-not-allowed",
            status=422,
            **kwargs,
        )
        await accepted(client, crm, cid, "closed", "2025-12-22T10:00:00+00:00", reason="withdrawn")
        problem = await refused(
            client,
            crm,
            cid,
            "reopened",
            "2025-12-23T09:00:00+00:00",
            code="reopening-not-allowed",
            status=422,
            **kwargs,
        )
        assert problem["detail"] == (
            "policy hoc-2024 version 1 does not allow reopening a closed complaint: "
            "log a new complaint instead"
        )
        assert "Wilma" not in problem["detail"]
        view = await view_of(client, crm, cid)
        assert view["status"] == "closed"
        assert [(s["stage"], s["reopened"], s["closure_reason"]) for s in view["stages"]] == [
            (1, False, "withdrawn")
        ]


class TestActions:
    async def test_agreed_completed_after_closure_and_hidden_from_analysts(
        self, client: httpx.AsyncClient, crm: dict[str, str], make_key: MakeKey
    ) -> None:
        cid = (await log(client, crm))["id"]
        await accepted(client, crm, cid, "acknowledged", "2025-12-22T09:00:00+00:00")
        view = await accepted(
            client,
            crm,
            cid,
            "action_agreed",
            "2025-12-22T10:00:00+00:00",
            action_id="A-1",
            description="Replace Wilma's boiler.",
            due="2025-12-24",
            owner="heating contractor",
        )
        assert view["sla"]["actions"]["due"] == "2025-12-24"
        await accepted(
            client,
            crm,
            cid,
            "action_agreed",
            "2025-12-22T11:00:00+00:00",
            action_id="A-2",
            description="Refund the heaters Wilma bought.",
            due="2026-01-09",
        )
        await refused(
            client,
            crm,
            cid,
            "action_agreed",
            "2025-12-22T12:00:00+00:00",
            code="action-already-agreed",
            status=409,
            action_id="A-1",
            description="Again.",
            due="2025-12-24",
        )
        await refused(
            client,
            crm,
            cid,
            "action_agreed",
            "2025-12-22T12:00:00+00:00",
            code="invalid-due-date",
            status=422,
            action_id="A-3",
            description="Backwards.",
            due="2025-12-19",
        )
        await refused(
            client,
            crm,
            cid,
            "action_agreed",
            "2025-12-22T12:00:00+00:00",
            code="validation-error",
            status=422,
            action_id="not an id",
            description="Spaces.",
            due="2025-12-24",
        )
        await refused(
            client,
            crm,
            cid,
            "action_completed",
            "2025-12-23T09:00:00+00:00",
            code="unknown-action",
            status=422,
            action_id="A-9",
            summary="Nothing.",
        )
        view = await accepted(
            client,
            crm,
            cid,
            "action_completed",
            "2025-12-23T09:00:00+00:00",
            action_id="A-1",
            summary="Boiler replaced.",
        )
        await refused(
            client,
            crm,
            cid,
            "action_completed",
            "2025-12-23T10:00:00+00:00",
            code="action-already-completed",
            status=409,
            action_id="A-1",
            summary="Twice.",
        )
        assert view["sla"]["actions"]["due"] == "2026-01-09"
        then = await client.get(
            f"/v1/complaints/{cid}", params={"as_of": "2025-12-23T09:30:00Z"}, headers=crm
        )
        assert [(a["action_id"], a["status"]) for a in then.json()["actions"]] == [
            ("A-1", "met"),
            ("A-2", "pending"),
        ]
        # hoc-2024 does not make closure wait for actions; A-2 is completed after the closure.
        await accepted(
            client,
            crm,
            cid,
            "responded",
            "2025-12-23T11:00:00+00:00",
            outcome="upheld",
            summary="Boiler replaced.",
        )
        await accepted(client, crm, cid, "closed", "2025-12-24T09:00:00+00:00", reason="resolved")
        view = await accepted(
            client,
            crm,
            cid,
            "action_completed",
            "2026-01-12T09:00:00+00:00",
            action_id="A-2",
            summary="Refund paid.",
        )
        assert view["status"] == "closed"
        assert view["sla"]["actions"]["status"] == "met_late"
        assert view["sla"]["actions"]["met_at"] == "2026-01-12T09:00:00Z"
        assert view["actions"][1] == {
            "action_id": "A-2",
            "description": "Refund the heaters Wilma bought.",
            "due": "2026-01-09",
            "owner": None,
            "agreed_at": "2025-12-22T11:00:00Z",
            "completed_at": "2026-01-12T09:00:00Z",
            "summary": "Refund paid.",
            "status": "met_late",
        }

        analyst = bearer(await make_key(Role.analyst))
        seen = await view_of(client, analyst, cid)
        assert [(a["action_id"], a["description"], a["summary"]) for a in seen["actions"]] == [
            ("A-1", None, None),
            ("A-2", None, None),
        ]
        data = [e["data"] for e in await events_of(client, analyst, cid)]
        assert {"action_id": "A-1", "due": "2025-12-24", "owner": "heating contractor"} in data
        assert "Wilma" not in str(data[1:])


class TestSatisfaction:
    async def test_recorded_once_after_the_closure(
        self, client: httpx.AsyncClient, crm: dict[str, str], make_key: MakeKey
    ) -> None:
        cid = (await log(client, crm))["id"]
        fields: dict[str, Any] = {
            "satisfied": "fairly_dissatisfied",
            "comments": "Wilma waited a month.",
        }
        problem = await refused(
            client,
            crm,
            cid,
            "satisfaction_recorded",
            "2025-12-22T09:00:00+00:00",
            code="invalid-transition",
            status=409,
            **fields,
        )
        assert "the survey follows the closure" in problem["detail"]
        await accepted(client, crm, cid, "closed", "2025-12-22T10:00:00+00:00", reason="withdrawn")
        view = await accepted(
            client, crm, cid, "satisfaction_recorded", "2026-01-05T09:00:00+00:00", **fields
        )
        assert view["satisfaction"] == [
            {
                "recorded_at": "2026-01-05T09:00:00Z",
                "satisfied": "fairly_dissatisfied",
                "comments": "Wilma waited a month.",
            }
        ]
        assert "survey" not in view["sla"]  # hoc-2024 sets no survey deadline
        await refused(
            client,
            crm,
            cid,
            "satisfaction_recorded",
            "2026-01-06T09:00:00+00:00",
            code="invalid-transition",
            status=409,
            **fields,
        )
        await refused(
            client,
            crm,
            cid,
            "satisfaction_recorded",
            "2026-01-06T09:00:00+00:00",
            code="validation-error",
            status=422,
            satisfied="ecstatic",
        )
        analyst = bearer(await make_key(Role.analyst))
        assert (await view_of(client, analyst, cid))["satisfaction"][0]["comments"] is None
        last = (await events_of(client, analyst, cid))[-1]
        assert last["data"] == {"satisfied": "fairly_dissatisfied"}
