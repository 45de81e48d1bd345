"""Tuntum Housing Association, Customer Feedback policy (April 2017).

Source: tuntum-customer-feedback-2017.txt.

The document has no numbered paragraphs: comments cite its headings. Choices where it is silent or
ambiguous are in docs/policies.md.
"""

from __future__ import annotations

from app.domain.complaint.events import DeclineReason
from app.domain.policies.model import Policy, ResponseFrom, StagePolicy

TUNTUM_2017 = Policy(
    id="tuntum-2017",
    version=1,
    name="Tuntum Housing Association Customer Feedback policy (2017)",
    stages=(
        StagePolicy(
            number=0,
            name="Stage 0 (quick fix)",  # "Stage Zero": "class it as a 'quick fix'"
            informal=True,
            acknowledge_days=None,  # "Stage Zero": a confirming letter, with no timescale
            # "Stage Zero": "If the person taking the complaint can resolve things for you within
            # one working day".
            response_days=1,
            response_from=ResponseFrom.start,
            extension_cap_days=0,  # a fix that takes longer is no longer a quick fix
            # "Stage Zero": "you can move onto the formal complaints process within five working
            # days".
            escalation_window_days=5,
            escalation_refusable=False,
        ),
        StagePolicy(
            number=1,
            name="Stage 1 (Officer stage)",  # "Stage 1 (Officer stage)"
            # "At Stage 1": "Acknowledge your complaint by telephone within three working days";
            # "Policy Statement": "within three working days of receipt".
            acknowledge_days=3,
            # "At Stage 1": the same call: "We will discuss your complaint".
            contact_days=3,
            # "At Stage 1": "Write to you within 10 working days"; "Policy Statement": "within
            # two weeks of the receipt of complaint", so from receipt.
            response_days=10,
            response_from=ResponseFrom.start,
            # "we will telephone you to agree when you will get a full response": no cap.
            extension_cap_days=None,
            # "Stage 2": "you can let us know within 20 working days why you are unsatisfied".
            escalation_window_days=20,
            escalation_reasons_required=True,
            # "Stage 2": "we may decline your request for escalation".
            escalation_refusable=True,
            refusal_reasons=(
                "the reason for escalation is not a failure in service or service standards",
                "we cannot meet the outcome you are asking for",
            ),
        ),
        StagePolicy(
            number=2,
            name="Stage 2 (Head of Service stage)",  # "Stage 2 (Head of Service Stage)"
            acknowledge_days=3,  # "Acknowledge your request in writing within three working days"
            # "Contact you in writing within 10 working days to let you know whether the original
            # action or response given is supported": counted from the request.
            response_days=10,
            response_from=ResponseFrom.start,
            # "we will agree with you by telephone ... when you can expect a full response".
            extension_cap_days=None,
            # The Independent Complaints Panel is a "designated person" (Localism Act 2011), a
            # referral outside the landlord's stages: Stage 2 is the last.
            escalation_refusable=False,
        ),
    ),
    # "Monitoring and Review": "an overall time frame of no more than 8 weeks for all stages":
    # 8 weeks of 5 working days.
    overall_limit_days=40,
    reopening_allowed=False,  # the policy provides no reopening
    exclusions=(
        DeclineReason.service_request,  # "A complaint is not: A request for service"
        DeclineReason.other_route,  # "Matters for which there is an alternative route of appeal"
        DeclineReason.other,  # "A request for information or explanation of a decision"
    ),
    source="tuntum-customer-feedback-2017.txt",
)
