"""Johnnie Johnson Housing "Talk to Us" policy, version 3 (April 2020): jjh-talk-to-us-2020.txt.

Section numbers below are the document's. Choices where it is silent are in docs/policies.md.
"""

from __future__ import annotations

from app.domain.complaint.events import DeclineReason
from app.domain.policies.model import Policy, ResponseFrom, StagePolicy

JJH_2020 = Policy(
    id="jjh-2020",
    version=1,
    name='Johnnie Johnson Housing "Talk to Us" policy v3 (2020)',
    stages=(
        StagePolicy(
            number=0,
            # 4: "Complaints resolved at first point of contact - Stage 0".
            name="Stage 0 (first point of contact)",
            informal=True,
            acknowledge_days=None,  # 4: no acknowledgement, the concern is resolved there and then
            # 4: "resolve their concerns quickly ... at first point of contact": due the same day.
            response_days=0,
            response_from=ResponseFrom.start,
            # 4.2: a matter needing more is "an investigation", i.e. Stage 1, not a later date.
            extension_cap_days=0,
            # 5.1: "If JJH is unable to resolve the complaint at Stage 0, a manager ... will
            # investigate": moving on is the landlord's step, with no window and no refusal.
            escalation_refusable=False,
        ),
        StagePolicy(
            number=1,
            name="Stage 1 (investigation)",  # 5: "Investigation - Stage 1"
            acknowledge_days=None,  # the policy sets no acknowledgement timescale
            # 6.3 "At all stages ...": "speak to the complainant within 2 working days".
            contact_days=2,
            # 5.2: "provide a response within 10 working days" (from receipt: no other start).
            response_days=10,
            response_from=ResponseFrom.start,
            # 5.2: "contact the complainant to agree a revised date": no cap.
            extension_cap_days=None,
            # 6.1: "If a complainant remains dissatisfied ... a Senior Manager ... will review":
            # a right, with no window and no ground to refuse.
            escalation_window_days=None,
            escalation_refusable=False,
            # 6.1: the review considers "the complainant's reasons for wishing to escalate".
            escalation_reasons_required=True,
        ),
        StagePolicy(
            number=2,
            name="Stage 2 (review)",  # 6: "Review - Stage 2"
            acknowledge_days=None,
            contact_days=2,  # 6.3: "speak to the complainant within 2 working days"
            response_days=15,  # 6.2: "provide a response within 15 working days"
            response_from=ResponseFrom.start,
            extension_cap_days=None,  # 6.2: "the Senior Manager will ... agree a revised date"
            escalation_refusable=False,  # the last stage: 6.9 designated person or Ombudsman
        ),
    ),
    # 6.7: "a satisfaction survey within five working days of the complaint closure".
    survey_days_after_closure=5,
    # 6.6: "JJH will close the complaint once all the actions have been completed".
    closure_waits_for_actions=True,
    reopening_allowed=False,  # the policy provides no reopening
    exclusions=(
        DeclineReason.service_request,  # 2.4: "requests for specific services"
        DeclineReason.other_route,  # 2.4: "appeals ... under other JJH policies", HR matters
        DeclineReason.legal_proceedings,  # 2.4: "issues that are in court"
        DeclineReason.insurance_claim,  # 2.4: "insurance claims ... referred to JJH's insurers"
        DeclineReason.previously_considered,  # 2.5: "already been responded to previously"
        DeclineReason.out_of_time,  # 2.5: "service failures that occurred over 12 months ago"
    ),
    source="jjh-talk-to-us-2020.txt",
)
