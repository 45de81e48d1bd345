"""A landlord's complaints policy (review January 2022): complaints-policy-2022.txt.

The document has no numbered paragraphs: comments cite its headings. Choices where it is silent or
ambiguous are in docs/policies.md.
"""

from __future__ import annotations

from app.domain.policies.model import Policy, ResponseFrom, StagePolicy

POLICY_2022 = Policy(
    id="policy-2022",
    version=1,
    name="Complaints policy (2022)",
    stages=(
        StagePolicy(
            number=1,
            name="Stage 1",  # "Resolving complaints as quickly as we can": "'stage 1' complaints"
            acknowledge_days=None,  # the policy sets no acknowledgement timescale
            # "When we first receive a complaint, we aim to agree a solution ... within ten
            # working days": from receipt.
            response_days=10,
            response_from=ResponseFrom.start,
            extension_cap_days=10,  # "we may need a further ten days" (read as working days)
            # "Right to ask for a review": "they have a right to review": no window, no refusal.
            escalation_window_days=None,
            escalation_refusable=False,
        ),
        StagePolicy(
            number=2,
            name="Stage 2 (review)",  # "When a complaint is reviewed, it's known as a 'stage 2'"
            acknowledge_days=None,
            # "We aim to have a decision on these complaints within 20 working days".
            response_days=20,
            response_from=ResponseFrom.start,
            # "we may not be able to respond for a further 30 days" (read as working days).
            extension_cap_days=30,
            escalation_refusable=False,  # the last stage: "When we can't reach an agreement"
        ),
    ),
    reopening_allowed=False,  # the policy provides no reopening
    # "We won't close a complaint until we've tried everything ...": an aim, not a rule about
    # agreed actions, so closure does not wait for them.
    closure_waits_for_actions=False,
    exclusions=(),  # the policy lists no exclusions
    source="complaints-policy-2022.txt",
)
