"""The event catalogue's aftercare over HTTP under hoc-2024: compensation, referrals and the
Ombudsman's evidence, learning; what the Code does not allow is a problem+json that writes
nothing, and an analyst never sees the free text."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from app.services.keys import Role
from tests.api.conftest import MakeKey
from tests.api.event_checks import accepted, bearer, events_of, refused, view_of
from tests.api.factories import append, log

pytestmark = pytest.mark.asyncio


class TestCompensation:
    async def test_offered_and_answered_once_and_hidden_from_analysts(
        self, client: httpx.AsyncClient, crm: dict[str, str], make_key: MakeKey
    ) -> None:
        cid = (await log(client, crm))["id"]
        offer: dict[str, Any] = {
            "offer_id": "C-1",
            "amount_pence": 15_000,
            "kind": "time_and_trouble",
            "reason": "Wilma took two days off work for missed visits.",
        }
        await accepted(client, crm, cid, "compensation_offered", "2025-12-22T09:00:00Z", **offer)
        await refused(
            client,
            crm,
            cid,
            "compensation_offered",
            "2025-12-22T10:00:00Z",
            code="offer-already-made",
            status=409,
            **offer,
        )
        for amount in (0, -5, 100_000_001):
            await refused(
                client,
                crm,
                cid,
                "compensation_offered",
                "2025-12-22T10:00:00Z",
                code="validation-error",
                status=422,
                **{**offer, "offer_id": "C-2", "amount_pence": amount},
            )
        await accepted(
            client,
            crm,
            cid,
            "compensation_offered",
            "2025-12-22T11:00:00Z",
            **{**offer, "offer_id": "C-2", "amount_pence": 5_000, "kind": "goodwill"},
        )
        await refused(
            client,
            crm,
            cid,
            "compensation_accepted",
            "2025-12-23T09:00:00Z",
            code="unknown-offer",
            status=422,
            offer_id="C-3",
        )
        await accepted(
            client, crm, cid, "compensation_declined", "2025-12-23T09:00:00Z", offer_id="C-1"
        )
        await refused(
            client,
            crm,
            cid,
            "compensation_accepted",
            "2025-12-23T10:00:00Z",
            code="offer-already-answered",
            status=409,
            offer_id="C-1",
        )
        await accepted(client, crm, cid, "closed", "2025-12-23T11:00:00Z", reason="withdrawn")
        view = await accepted(
            client, crm, cid, "compensation_accepted", "2026-01-05T09:00:00Z", offer_id="C-2"
        )
        assert [
            (o["offer_id"], o["amount_pence"], o["kind"], o["status"], o["answered_at"])
            for o in view["compensation"]
        ] == [
            ("C-1", 15_000, "time_and_trouble", "declined", "2025-12-23T09:00:00Z"),
            ("C-2", 5_000, "goodwill", "accepted", "2026-01-05T09:00:00Z"),
        ]
        assert view["compensation"][0]["reason"] == offer["reason"]

        analyst = bearer(await make_key(Role.analyst))
        seen = await view_of(client, analyst, cid)
        assert [o["reason"] for o in seen["compensation"]] == [None, None]
        assert seen["compensation"][1]["amount_pence"] == 5_000
        data = [e["data"] for e in await events_of(client, analyst, cid)]
        assert {"offer_id": "C-1", "amount_pence": 15_000, "kind": "time_and_trouble"} in data
        assert "Wilma" not in str(data[1:])


class TestReferralAndOmbudsmanEvidence:
    async def test_after_the_closure_with_the_evidence_clock(
        self, client: httpx.AsyncClient, crm: dict[str, str], make_key: MakeKey
    ) -> None:
        cid = (await log(client, crm))["id"]
        await accepted(client, crm, cid, "closed", "2025-12-22T10:00:00Z", reason="withdrawn")
        await refused(
            client,
            crm,
            cid,
            "ombudsman_evidence_provided",
            "2026-01-05T09:00:00Z",
            code="invalid-transition",
            status=409,
        )
        await refused(
            client,
            crm,
            cid,
            "referred",
            "2026-01-05T09:00:00Z",
            code="validation-error",
            status=422,
            to="the_press",
        )
        view = await accepted(
            client,
            crm,
            cid,
            "referred",
            "2026-01-05T09:00:00Z",
            to="housing_ombudsman",
            reason="Wilma says the withdrawal was pressured.",
        )
        assert view["referrals"] == [
            {
                "referred_at": "2026-01-05T09:00:00Z",
                "to": "housing_ombudsman",
                "reason": "Wilma says the withdrawal was pressured.",
            }
        ]
        await refused(
            client,
            crm,
            cid,
            "ombudsman_evidence_requested",
            "2026-01-12T09:00:00Z",
            code="invalid-due-date",
            status=422,
            due="2026-01-09",
        )
        view = await accepted(
            client,
            crm,
            cid,
            "ombudsman_evidence_requested",
            "2026-01-12T09:00:00Z",
            due="2026-01-26",
        )
        assert view["sla"]["ombudsman_evidence"]["due"] == "2026-01-26"
        await refused(
            client,
            crm,
            cid,
            "ombudsman_evidence_requested",
            "2026-01-13T09:00:00Z",
            code="invalid-transition",
            status=409,
            due="2026-01-30",
        )
        soon = await client.get(
            f"/v1/complaints/{cid}", params={"as_of": "2026-01-22T12:00:00Z"}, headers=crm
        )
        assert soon.json()["sla"]["ombudsman_evidence"]["status"] == "due_soon"
        assert soon.json()["ombudsman_evidence"][0]["status"] == "due_soon"
        view = await accepted(
            client, crm, cid, "ombudsman_evidence_provided", "2026-01-23T15:00:00Z"
        )
        assert view["status"] == "closed"
        assert view["sla"]["ombudsman_evidence"]["status"] == "met"
        assert view["ombudsman_evidence"] == [
            {
                "requested_at": "2026-01-12T09:00:00Z",
                "due": "2026-01-26",
                "provided_at": "2026-01-23T15:00:00Z",
                "status": "met",
            }
        ]

        analyst = bearer(await make_key(Role.analyst))
        seen = await view_of(client, analyst, cid)
        assert seen["referrals"][0] == {
            "referred_at": "2026-01-05T09:00:00Z",
            "to": "housing_ombudsman",
            "reason": None,
        }
        data = [e["data"] for e in await events_of(client, analyst, cid)]
        assert {"to": "housing_ombudsman"} in data
        assert "Wilma" not in str(data[1:])


class TestLearning:
    async def test_recorded_after_the_closure_and_hidden_from_analysts(
        self, client: httpx.AsyncClient, crm: dict[str, str], make_key: MakeKey
    ) -> None:
        cid = (await log(client, crm))["id"]
        await accepted(client, crm, cid, "closed", "2025-12-22T10:00:00Z", reason="withdrawn")
        lesson: dict[str, Any] = {
            "root_cause": "Wilma's boiler was serviced by an unqualified engineer.",
            "lesson": "Check engineers' registration before a visit.",
            "improvement": "Registration is now checked when a job is booked.",
        }
        view = await accepted(
            client, crm, cid, "learning_recorded", "2026-01-05T09:00:00Z", **lesson
        )
        assert view["learning"] == [{"recorded_at": "2026-01-05T09:00:00Z", **lesson}]
        await refused(
            client,
            crm,
            cid,
            "learning_recorded",
            "2026-01-05T09:00:00Z",
            code="validation-error",
            status=422,
            root_cause="Only a cause.",
        )
        analyst = bearer(await make_key(Role.analyst))
        seen = await view_of(client, analyst, cid)
        assert seen["learning"] == [
            {
                "recorded_at": "2026-01-05T09:00:00Z",
                "root_cause": None,
                "lesson": None,
                "improvement": None,
            }
        ]
        assert (await events_of(client, analyst, cid))[-1]["data"] == {}
        # Analysts read; they never write.
        write = await append(
            client, analyst, cid, "learning_recorded", "2026-01-06T09:00:00Z", **lesson
        )
        assert write.status_code == 403
        assert (await view_of(client, crm, cid))["version"] == 3
