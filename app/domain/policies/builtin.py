"""The built-in policies, as data. Each one is written from its source document."""

from __future__ import annotations

from app.domain.complaint.errors import UnknownPolicy
from app.domain.complaint.events import DeclineReason
from app.domain.policies.jjh_2020 import JJH_2020
from app.domain.policies.jliving_2018 import JLIVING_2018
from app.domain.policies.model import Policy, ResponseFrom, StagePolicy
from app.domain.policies.policy_2022 import POLICY_2022
from app.domain.policies.tuntum_2017 import TUNTUM_2017

# Housing Ombudsman Complaint Handling Code, statutory from 1 April 2024.
HOC_2024 = Policy(
    id="hoc-2024",
    version=1,
    name="Housing Ombudsman Complaint Handling Code (2024)",
    stages=(
        StagePolicy(
            number=1,
            name="Stage 1",
            # Code 5.4: acknowledge within 5 working days of receipt.
            acknowledge_days=5,
            # Code 5.6: respond within 10 working days of the acknowledgement.
            response_days=10,
            response_from=ResponseFrom.acknowledgement,
            # Code 5.7: an extension must be no more than 10 further working days.
            extension_cap_days=10,
            # The Code sets no window for asking for stage 2, and lets a landlord refuse it only
            # for a valid reason it explains (no ground is listed here, so none beyond that).
            escalation_window_days=None,
            escalation_refusable=True,
        ),
        StagePolicy(
            number=2,
            name="Stage 2",
            # Code 5.13: acknowledge within 5 working days of the escalation request; the
            # stage's start is that request, not the moment the landlord escalates.
            acknowledge_days=5,
            # Code 5.16: respond within 20 working days of the acknowledgement.
            response_days=20,
            response_from=ResponseFrom.acknowledgement,
            # Code 5.17: an extension must be no more than 20 further working days.
            extension_cap_days=20,
        ),
    ),
    warning_days=2,
    exclusions=(
        # Code 1.2-1.3: a service request is not a complaint (until it is handled badly).
        DeclineReason.service_request,
        # Code 4.1: the valid reasons not to accept a complaint.
        DeclineReason.out_of_time,  # "occurred over twelve months ago"
        DeclineReason.legal_proceedings,  # "legal proceedings have started"
        DeclineReason.previously_considered,  # "previously been considered"
    ),
    # The Code's tool for more time is the extension (5.7, 5.17): the clock never stops.
    clock_stopping_allowed=False,
    source="Housing Ombudsman Complaint Handling Code, April 2024",
)

# hoc-2024 first: it is the default, and the one every other policy is checked against.
BUILTIN_POLICIES: dict[str, Policy] = {
    p.id: p for p in (HOC_2024, JJH_2020, TUNTUM_2017, JLIVING_2018, POLICY_2022)
}


def get_policy(policy_id: str, version: int) -> Policy:
    """The built-in policy `policy_id` at `version`; any other id or version is UnknownPolicy."""
    policy = BUILTIN_POLICIES.get(policy_id)
    if policy is None or policy.version != version:
        raise UnknownPolicy(policy_id, version)
    return policy
