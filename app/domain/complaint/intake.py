"""What logging a complaint checks beyond its stage: who it is from and how old its matter is.

- The complainant's name is required unless the complaint is anonymous (the Code and
  policy-2022 take anonymous complaints: "we'll still record and monitor anonymous complaints").
- `incident_at`, when given, is the day the matter complained about happened: not after the day
  the complaint was received (London days). Where the pinned policy sets a time limit
  (`complaint_time_limit_months`: the Code's twelve months, 4.1) and the matter is older than the
  limit at receipt, the complaint is logged only with a late acceptance, a reason code (and what
  the landlord explains): else `policy-rule-broken`, rule `complaint_time_limit_months`. A late
  acceptance is refused where nothing is late (`late-acceptance-not-needed`), so the reports
  count exactly the complaints taken on out of time.

"Older than N months" is calendar months: a matter of 15 March 2025 is within twelve months of a
complaint received on 15 March 2026, and out of time for one received on 16 March 2026. A limit
date that does not exist (29 February, the 31st) is the month's last day.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime

from app.domain.clocks.calendar import london_date
from app.domain.complaint.commands import LogComplaint
from app.domain.complaint.errors import (
    ComplainantNameRequired,
    InvalidIncidentAt,
    InvalidReceivedAt,
    InvalidTransition,
    LateAcceptanceNotNeeded,
    PolicyRuleBroken,
)
from app.domain.complaint.events import Logged
from app.domain.policies.model import Policy

TIME_LIMIT_RULE = "complaint_time_limit_months"


def months_before(day: date, months: int) -> date:
    """The same day `months` calendar months earlier (the month's last day where it has none)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def out_of_time(incident_at: date, received_on: date, limit_months: int | None) -> bool:
    """Whether a matter of `incident_at` is older than the limit on the day of receipt."""
    return limit_months is not None and incident_at < months_before(received_on, limit_months)


def check_intake(command: LogComplaint, policy: Policy) -> None:
    """Refuse the log command where who or when breaks a rule; return None where it may be
    logged."""
    if command.complainant.name is None and not command.anonymous:
        raise ComplainantNameRequired()
    if command.late_acceptance_explanation is not None and command.late_acceptance_reason is None:
        raise LateAcceptanceNotNeeded("an explanation needs its reason")
    received_on = london_date(command.received_at)
    incident = command.incident_at
    if incident is None:
        if command.late_acceptance_reason is not None:
            raise LateAcceptanceNotNeeded("without incident_at nothing is known to be late")
        return
    if incident > received_on:
        raise InvalidIncidentAt("it is after the day the complaint was received")
    limit = policy.complaint_time_limit_months
    late = out_of_time(incident, received_on, limit)
    if late and command.late_acceptance_reason is None:
        raise PolicyRuleBroken(
            policy.id,
            policy.version,
            TIME_LIMIT_RULE,
            f"the matter happened more than {limit} months before the complaint was received "
            f"(on or after {months_before(received_on, limit or 0)} is within the limit): "
            "log it with a late_acceptance giving the reason it is taken on",
        )
    if not late and command.late_acceptance_reason is not None:
        why = "the policy sets no time limit" if limit is None else f"it is within {limit} months"
        raise LateAcceptanceNotNeeded(why)


def logged(command: LogComplaint, policy: Policy, now: datetime) -> Logged:
    """Log at the policy's first stage, or at stage 1 where the first is an informal stage 0.

    SPEC: a complaint starts at stage 0 only where the policy has one, else at stage 1; starting
    part-way through (at stage 2) would leave clocks and reports without the earlier stage.
    """
    if (command.policy_id, command.policy_version) != (policy.id, policy.version):
        raise ValueError("decide was given a policy other than the one the command names")
    if command.received_at > now:
        raise InvalidReceivedAt("it is in the future")
    if command.received_at > command.occurred_at:
        raise InvalidReceivedAt("it is after occurred_at: a complaint is received, then logged")
    stage = policy.first_stage if command.stage is None else command.stage
    policy.stage(stage)  # raises StageNotInPolicy
    allowed = [policy.first_stage]
    if policy.first_stage == 0 and policy.has_stage(1):
        allowed.append(1)
    if stage not in allowed:
        listed = " or ".join(str(s) for s in allowed)
        raise InvalidTransition(f"a complaint can only be logged at stage {listed}, not {stage}")
    check_intake(command, policy)
    return Logged(
        occurred_at=command.occurred_at,
        reference=command.reference,
        landlord=command.landlord,
        policy_id=command.policy_id,
        policy_version=command.policy_version,
        channel=command.channel,
        received_at=command.received_at,
        stage=stage,
        category=command.category,
        description=command.description,
        desired_outcome=command.desired_outcome,
        complainant=command.complainant,
        representative=command.representative,
        anonymous=command.anonymous,
        vulnerability=command.vulnerability,
        reasonable_adjustments=command.reasonable_adjustments,
        tenure=command.tenure,
        incident_at=command.incident_at,
        late_acceptance_reason=command.late_acceptance_reason,
        late_acceptance_explanation=command.late_acceptance_explanation,
        uprn=command.uprn,
    )
