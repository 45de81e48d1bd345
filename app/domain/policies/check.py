"""The policy check: each way a policy diverges from the Housing Ombudsman Code (hoc-2024).

Only divergences that make things worse for the resident are listed: a shorter timescale, an
overall limit or a survey is no breach of the Code. Stages are compared by number; a stage the
Code does not have (a stage 0, a third stage) is flagged as such, and its escalation terms are
compared with the Code's stage 1, the stage a resident enters the Code's process at.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from app.domain.policies.builtin import HOC_2024
from app.domain.policies.model import Policy, ResponseFrom, StagePolicy

# Rules: the stable names a client can key on.
INFORMAL_STAGE = "informal_stage"
EXTRA_STAGE = "extra_stage"
MISSING_STAGE = "missing_stage"
ACKNOWLEDGEMENT_MISSING = "acknowledgement_missing"
ACKNOWLEDGEMENT_LONGER = "acknowledgement_longer"
RESPONSE_LONGER = "response_longer"
EXTENSION_UNCAPPED = "extension_uncapped"
EXTENSION_LONGER = "extension_longer"
ESCALATION_WINDOW = "escalation_window"
ESCALATION_REFUSAL_GROUNDS = "escalation_refusal_grounds"
ESCALATION_REFUSABLE = "escalation_refusable"
ESCALATION_REASONS_REQUIRED = "escalation_reasons_required"
EXCLUSION = "exclusion"
CLOCK_STOPPING = "clock_stopping"
HANDLER_INDEPENDENCE = "handler_independence"
TIME_LIMIT_SHORTER = "time_limit_shorter"
ARREARS_OFFSET = "arrears_offset"

# The Code's provisions (the 2024 Code's numbering), by stage where the Code has one per stage.
_STAGES = "Code 5.3: two stages, no more"
_ACK = {1: "Code 6.2", 2: "Code 6.11"}
_RESPONSE = {1: "Code 6.3", 2: "Code 6.14"}
_EXTENSION = {1: "Code 6.4", 2: "Code 6.15"}
_ESCALATION = "Code 6.10: a complaint not resolved at stage 1 must be progressed to stage 2"
_REFUSAL = "Code 2.2: the circumstances in which a matter will not be escalated"
_REASONS = "Code 6.12: residents must not be required to explain why they want stage 2"
_DEFINITION = "Code 5.2: no extra named stages, such as 'stage 0' or 'informal complaint'"
_EXCLUSIONS = "Code 2.2: acceptable exclusions"
_TIME_LIMIT = "Code 2.3: complaints made within 12 months of the issue must be accepted"
_INDEPENDENCE = "Code 6.13: stage 2 is not considered by the person who considered stage 1"
_REMEDIES = "Code section 7: putting things right"


@dataclass(frozen=True, kw_only=True, slots=True)
class Divergence:
    rule: str
    code_section: str
    stage: int | None
    field: str
    policy_value: str
    code_value: str
    message: str


def check_policy(policy: Policy, code: Policy = HOC_2024) -> list[Divergence]:
    """Every divergence of `policy` from `code`, by stage then policy-wide; none for the Code."""
    return [*_stage_count(policy, code), *_stages(policy, code), *_policy_wide(policy, code)]


def _days(days: int | None) -> str:
    return "none" if days is None else f"{days} working days"


def _section(sections: dict[int, str], n: int) -> str:
    return sections.get(n, sections[max(sections)])


def _stage_count(policy: Policy, code: Policy) -> Iterator[Divergence]:
    code_numbers = {s.number for s in code.stages}
    for s in policy.stages:
        if s.number in code_numbers:
            continue
        if s.number < code.first_stage:
            yield Divergence(
                rule=INFORMAL_STAGE,
                code_section=_DEFINITION,
                stage=s.number,
                field="stages",
                policy_value=s.name,
                code_value="none",
                message=f"{s.name} handles complaints before the formal process the Code requires",
            )
        else:
            yield Divergence(
                rule=EXTRA_STAGE,
                code_section=_STAGES,
                stage=s.number,
                field="stages",
                policy_value=s.name,
                code_value=f"{len(code.stages)} stages",
                message=f"{s.name} is a stage beyond the Code's last, delaying the Ombudsman",
            )
    for n in sorted(code_numbers - {s.number for s in policy.stages}):
        yield Divergence(
            rule=MISSING_STAGE,
            code_section=_STAGES,
            stage=n,
            field="stages",
            policy_value="none",
            code_value=code.stage(n).name,
            message=f"the policy has no stage {n}, which the Code requires",
        )


def _latest_response(s: StagePolicy) -> int | None:
    """Working days from stage start to the latest response date; None when unbounded."""
    if s.response_from is ResponseFrom.start:
        return s.response_days
    if s.acknowledge_days is None:
        return None
    return s.acknowledge_days + s.response_days


def _stages(policy: Policy, code: Policy) -> Iterator[Divergence]:
    for s in policy.stages:
        if code.has_stage(s.number):
            yield from _timescales(s, code.stage(s.number))
            yield from _independence(s, code.stage(s.number))
        if policy.next_stage(s.number) is not None:
            target = code.stage(s.number) if code.has_stage(s.number) else code.stages[0]
            yield from _escalation(s, target)


def _independence(s: StagePolicy, c: StagePolicy) -> Iterator[Divergence]:
    if c.handler_independence == "required" and s.handler_independence != "required":
        yield Divergence(
            rule=HANDLER_INDEPENDENCE,
            code_section=_INDEPENDENCE,
            stage=s.number,
            field="handler_independence",
            policy_value=s.handler_independence or "no rule",
            code_value="required",
            message=f"stage {s.number} may be handled by someone involved at an earlier stage",
        )


def _timescales(s: StagePolicy, c: StagePolicy) -> Iterator[Divergence]:
    n = s.number
    if c.acknowledge_days is not None and s.acknowledge_days is None:
        yield _diverge(ACKNOWLEDGEMENT_MISSING, _ACK, n, "acknowledge_days", None, c)
    elif (
        c.acknowledge_days is not None
        and s.acknowledge_days is not None
        and s.acknowledge_days > c.acknowledge_days
    ):
        yield _diverge(ACKNOWLEDGEMENT_LONGER, _ACK, n, "acknowledge_days", s.acknowledge_days, c)
    latest, code_latest = _latest_response(s), _latest_response(c)
    if code_latest is not None and (latest is None or latest > code_latest):
        yield Divergence(
            rule=RESPONSE_LONGER,
            code_section=_section(_RESPONSE, n),
            stage=n,
            field="response_days",
            policy_value=f"{s.response_days} working days from {s.response_from}",
            code_value=f"{c.response_days} working days from {c.response_from}",
            message=f"stage {n} may be answered up to {_days(latest)} after it starts, "
            f"later than the Code's {code_latest}",
        )
    if c.extension_cap_days is not None:
        if s.extension_cap_days is None:
            yield _diverge(EXTENSION_UNCAPPED, _EXTENSION, n, "extension_cap_days", None, c)
        elif s.extension_cap_days > c.extension_cap_days:
            cap = s.extension_cap_days
            yield _diverge(EXTENSION_LONGER, _EXTENSION, n, "extension_cap_days", cap, c)


def _diverge(
    rule: str, sections: dict[int, str], n: int, field: str, value: int | None, c: StagePolicy
) -> Divergence:
    code_value: int | None = getattr(c, field)
    what = {"acknowledge_days": "acknowledgement", "extension_cap_days": "extension"}[field]
    if value is None and field == "acknowledge_days":
        said = f"stage {n} has no acknowledgement deadline"
    elif value is None:
        said = f"stage {n} extensions are an agreed revised date, with no limit"
    else:
        said = f"stage {n} {what} may take {_days(value)}"
    return Divergence(
        rule=rule,
        code_section=_section(sections, n),
        stage=n,
        field=field,
        policy_value=_days(value),
        code_value=_days(code_value),
        message=f"{said}; the Code allows at most {_days(code_value)}",
    )


def _escalation(s: StagePolicy, c: StagePolicy) -> Iterator[Divergence]:
    n = s.number
    window, code_window = s.escalation_window_days, c.escalation_window_days
    if window is not None and (code_window is None or window < code_window):
        code_says = "no window" if code_window is None else f"{_days(code_window)}"
        yield Divergence(
            rule=ESCALATION_WINDOW,
            code_section=_ESCALATION,
            stage=n,
            field="escalation_window_days",
            policy_value=_days(window),
            code_value=_days(code_window),
            message=f"after stage {n} the resident must ask for the next stage within "
            f"{_days(window)}; the Code sets {code_says}",
        )
    if s.escalation_refusable and not c.escalation_refusable:
        yield Divergence(
            rule=ESCALATION_REFUSABLE,
            code_section=_REFUSAL,
            stage=n,
            field="escalation_refusable",
            policy_value="yes",
            code_value="no",
            message=f"escalation from stage {n} may be refused, which the Code does not allow",
        )
    extra = [g.code for g in s.refusal_grounds if g.code not in c.refusal_codes()]
    if s.escalation_refusable and extra:
        yield Divergence(
            rule=ESCALATION_REFUSAL_GROUNDS,
            code_section=_REFUSAL,
            stage=n,
            field="refusal_grounds",
            policy_value=", ".join(extra),
            code_value=", ".join(c.refusal_codes()) or "only a valid reason, explained",
            message=f"escalation from stage {n} may be refused on grounds the Code does not "
            f"accept: {', '.join(extra)}",
        )
    if s.escalation_reasons_required and not c.escalation_reasons_required:
        yield Divergence(
            rule=ESCALATION_REASONS_REQUIRED,
            code_section=_REASONS,
            stage=n,
            field="escalation_reasons_required",
            policy_value="yes",
            code_value="no",
            message=f"the resident must explain why they want to escalate from stage {n}",
        )


def _policy_wide(policy: Policy, code: Policy) -> Iterator[Divergence]:
    for reason in policy.exclusions:
        if reason not in code.exclusions:
            yield Divergence(
                rule=EXCLUSION,
                code_section=_EXCLUSIONS,
                stage=None,
                field="exclusions",
                policy_value=str(reason),
                code_value=", ".join(code.exclusions),
                message=f"the policy declines complaints as {reason}, not a reason the Code lists",
            )
    if policy.clock_stopping_allowed and not code.clock_stopping_allowed:
        yield Divergence(
            rule=CLOCK_STOPPING,
            code_section=_EXTENSION[1],
            stage=None,
            field="clock_stopping_allowed",
            policy_value="yes",
            code_value="no",
            message="the policy stops the clock, where the Code's only tool is an extension",
        )
    if policy.arrears_offset_allowed and not code.arrears_offset_allowed:
        yield Divergence(
            rule=ARREARS_OFFSET,
            code_section=_REMEDIES,
            stage=None,
            field="arrears_offset_allowed",
            policy_value="yes",
            code_value="no",
            message="the policy sets compensation against rent arrears instead of paying it, "
            "which the Code does not provide for",
        )
    limit, code_limit = policy.complaint_time_limit_months, code.complaint_time_limit_months
    if limit is not None and code_limit is not None and limit < code_limit:
        yield Divergence(
            rule=TIME_LIMIT_SHORTER,
            code_section=_TIME_LIMIT,
            stage=None,
            field="complaint_time_limit_months",
            policy_value=f"{limit} months",
            code_value=f"{code_limit} months",
            message=f"the policy turns away matters older than {limit} months without a "
            f"recorded reason; the Code allows {code_limit}",
        )
