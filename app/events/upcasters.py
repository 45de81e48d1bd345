"""Upcasters: old shapes of stored events brought to the current one on read. A stored event is
never rewritten (its hash covers what was written), so every old version stays readable forever.

`logged` v2 (2026-11): the complainant's `address` was one free-text string; it is now a postal
address with its lines and the postcode apart. A v1 address is split on line breaks and commas,
and a UK postcode at its end is lifted into `postcode`.

`escalation_refused` v2 and `extension_agreed` v2 (2026-12, issue 12): `reason` was free text; it is
now a code from the pinned policy's list (a refusal ground, an extension reason), with what the
resident was told in `explanation`, as `declined` has always had. A v1 event's words become its
explanation and its reason reads `not_recorded`: nobody chose a code then, and none is guessed.

`policy_published` v2 (2026-12, issue 12): a stage's `refusal_reasons` (sentences) became
`refusal_grounds` (a code and the words; the code is made from the words), and a policy gained
`extension_reasons`: a v1 policy reads with the categories every built-in policy offers, since
before them any reason was accepted.

`policy_published` v3 (2027-01, issue 12): a policy gained `arrears_offset_allowed`, whether
accepted compensation may be set against the resident's rent arrears (`compensation_offset`). Before
it nothing could be offset, so a v2 policy reads as not allowing it.

`policy_published` v4 (2026-12, issue 15): a policy gained `alert_days_before`, the deadline
alerts' warning points. A v3 policy reads with the points its clocks already turned due soon at:
its `warning_days` before the due date, and the due day itself.

`logged` v3 (2026-11): `tenure`, whether the complainant's home is rented or shared ownership (the
Tenant Satisfaction Measures count complaints per 1,000 homes of each). Nothing recorded before
says which, so a v2 event reads as tenure unknown (null), never as a guess.

`logged` v4 (2026-12, issue 12): `incident_at` (when the matter happened) and a late acceptance
(`late_acceptance_reason`, `late_acceptance_explanation`: why a matter older than the policy's
time limit was taken on); the complainant's `name` may be null on an anonymous complaint; a
representative has a `kind` (mp, councillor, advocate, family, other) and the resident's
`consent`; tenure may also be `leasehold` or `other`. A v3 event reads with each new field null
(not recorded then), never a guess: no incident date, no late acceptance, a representative of
unknown kind and consent. Its name and tenure are as they were.

`logged` v5 (2026-12, issue 16): `uprn`, the home's Unique Property Reference Number, for finding
a landlord's complaints about one property. None was recorded before: a v4 event reads with it
null.

`assigned` v2 (2026-12, issue 16): the handler's `team`, for the workload view. No team was
recorded before: a v1 event reads with it null.

`compensation_paid` v2 (2027-01, issue 12): a credit to the resident's rent account is paid only
at their request, recorded as `requested_on` and `requested_by`. A v1 event reads with both null
(no request recorded then), whatever its method: it is not guessed, and it is not refused either,
since a stored fact is never undone by a later rule.
"""

from __future__ import annotations

import re

from app.domain.complaint.events.vocabulary import NOT_RECORDED
from app.events.store import JsonValue

Data = dict[str, JsonValue]

LOGGED_VERSION = 5
COMPENSATION_PAID_VERSION = 2
POLICY_PUBLISHED_VERSION = 4

# A UK postcode (outward and inward code), at the end of the text, any case, space optional.
_POSTCODE = re.compile(
    r"(?:^|[\s,])([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9][A-Z]{2})\s*$", re.IGNORECASE
)


def postal_address(text: str) -> Data:
    """A v1 free-text address as a v2 postal address."""
    postcode = None
    match = _POSTCODE.search(text)
    if match:
        postcode = f"{match.group(1)} {match.group(2)}".upper()
        text = text[: match.start(1)]
    lines: list[JsonValue] = [part.strip() for part in re.split(r"[\n,]+", text) if part.strip()]
    return {"lines": lines, "postcode": postcode}


def logged_v1_to_v2(data: Data) -> Data:
    complainant = data.get("complainant")
    if not isinstance(complainant, dict):
        return data
    address = complainant.get("address")
    if not isinstance(address, str):
        return data
    return {**data, "complainant": {**complainant, "address": postal_address(address)}}


def logged_v2_to_v3(data: Data) -> Data:
    return {**data, "tenure": None}


def logged_v3_to_v4(data: Data) -> Data:
    upgraded: Data = {
        **data,
        "incident_at": None,
        "late_acceptance_reason": None,
        "late_acceptance_explanation": None,
    }
    representative = data.get("representative")
    if isinstance(representative, dict):
        upgraded["representative"] = {**representative, "kind": None, "consent": None}
    return upgraded


def logged_v4_to_v5(data: Data) -> Data:
    return {**data, "uprn": None}


ASSIGNED_VERSION = 2


def assigned_v1_to_v2(data: Data) -> Data:
    return {**data, "team": None}


def compensation_paid_v1_to_v2(data: Data) -> Data:
    return {**data, "requested_on": None, "requested_by": None}


def reason_to_explanation(data: Data) -> Data:
    """`escalation_refused` / `extension_agreed` v1 -> v2."""
    return {**data, "reason": NOT_RECORDED, "explanation": data.get("reason")}


def policy_published_v2_to_v3(data: Data) -> Data:
    policy = data.get("policy")
    if not isinstance(policy, dict):
        return data
    return {**data, "policy": {**policy, "arrears_offset_allowed": False}}


def policy_v3_to_v4(policy: Data) -> Data:
    """A policy document (an event's or a projection row's) with its warning points."""
    days = policy.get("warning_days")
    if "alert_days_before" in policy or not isinstance(days, int):
        # Left out, the model derives the points from its own default `warning_days`.
        return policy
    points: list[JsonValue] = list(dict.fromkeys((days, 0)))
    return {**policy, "alert_days_before": points}


def policy_published_v3_to_v4(data: Data) -> Data:
    policy = data.get("policy")
    if not isinstance(policy, dict):
        return data
    return {**data, "policy": policy_v3_to_v4(policy)}


def code_of(words: str) -> str:
    """A policy code made from a sentence: lower case words joined by `_`, at most 64."""
    code = "_".join(re.findall(r"[a-z0-9]+", words.lower()))[:64].strip("_")
    return code if code and code[0].isalpha() else f"g_{code}"[:64]


def policy_published_v1_to_v2(data: Data, extension_reasons: list[JsonValue]) -> Data:
    policy = data.get("policy")
    if not isinstance(policy, dict):
        return data
    stages: list[JsonValue] = []
    for stage in policy.get("stages") or []:
        if isinstance(stage, dict):
            reasons = stage.get("refusal_reasons")
            words = [str(r) for r in reasons] if isinstance(reasons, list) else []
            grounds: list[JsonValue] = [{"code": code_of(w), "text": w} for w in words]
            stage = {k: v for k, v in stage.items() if k != "refusal_reasons"}
            stage["refusal_grounds"] = grounds
        stages.append(stage)
    upgraded = {**policy, "stages": stages}
    upgraded.setdefault("extension_reasons", extension_reasons)
    return {**data, "policy": upgraded}
