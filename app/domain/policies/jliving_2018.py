"""JLiving complaints policy (2018): jliving-complaints-2018.txt.

Section numbers below are the document's. Choices where it is silent are in docs/policies.md.
"""

from __future__ import annotations

from app.domain.complaint.events import DeclineReason
from app.domain.policies.model import Policy, ResponseFrom, StagePolicy

# 4.4: "Complaints that have been upheld will not be escalated unless there is a clear resolution
# sought by the complainant".
_UPHELD = "the complaint was upheld and no clear resolution is sought"

JLIVING_2018 = Policy(
    id="jliving-2018",
    version=1,
    name="JLiving complaints policy (2018)",
    stages=(
        StagePolicy(
            number=0,
            name="Informal resolution",  # 3.7: "resolve an issue or complaints informally"
            informal=True,
            acknowledge_days=None,
            # 4: "the Housing Manager or their Team Leader who will contact the complainant
            # within 3 working days".
            contact_days=3,
            # 3.7: "We will try to agree a way forward within 3 working days".
            response_days=3,
            response_from=ResponseFrom.start,
            extension_cap_days=0,  # 3.7: otherwise "we will generally escalate"
            escalation_refusable=False,  # 3.7: JLiving escalates, the resident need not ask
        ),
        StagePolicy(
            number=1,
            name="Stage 1 (Director)",  # 4.1: "a Director will speak to the complainant"
            acknowledge_days=None,  # no acknowledgement timescale
            # 4.1: "We will aim to complete this stage within 10 working days".
            response_days=10,
            response_from=ResponseFrom.start,
            extension_cap_days=None,  # 4.1: "we will keep the complainant informed of any delays"
            # 4.2: "within 10 working days of the Stage 1 outcome letter".
            escalation_window_days=10,
            escalation_refusable=True,
            refusal_reasons=(_UPHELD,),  # 4.4
        ),
        StagePolicy(
            number=2,
            name="Stage 2 (Chief Executive review)",  # 4.2: "Chief Exec Review"
            acknowledge_days=None,
            response_days=15,  # 4.2: "aim to respond within 15 working days"
            response_from=ResponseFrom.start,
            extension_cap_days=None,  # 4.2: "keeping the complainant informed of any delays"
            # 4.3: "received within 10 working days of the Stage 2 outcome letter".
            escalation_window_days=10,
            escalation_refusable=True,
            refusal_reasons=(_UPHELD,),  # 4.4
        ),
        StagePolicy(
            number=3,
            # 4.3: "Panel Review": "two or three Board members".
            name="Stage 3 (Board panel review)",
            acknowledge_days=None,
            # 4.3: "hold the meeting within 20 working days of the request received".
            response_days=20,
            response_from=ResponseFrom.start,
            # 4.3: "an alternative date within a reasonable timescale": no cap.
            extension_cap_days=None,
            escalation_refusable=False,  # 4.5: "The Panel's decision is final"
        ),
    ),
    # 4.5: "Closed complaints will not be re-opened".
    reopening_allowed=False,
    exclusions=(
        DeclineReason.service_request,  # 3.2.2: "not a first attempt to request for a service"
        DeclineReason.other_route,  # 3.2.3: "decisions where there is already a right of appeal"
        DeclineReason.legal_proceedings,  # 3.3: "dealt with by a solicitor"
        DeclineReason.insurance_claim,  # 3.3: "dealt with by our insurers"
        DeclineReason.previously_considered,  # 3.3: "already been through the process"
        DeclineReason.other,  # 3.3: "outside our jurisdiction (e.g. complaints about utilities)"
    ),
    source="jliving-complaints-2018.txt",
)
