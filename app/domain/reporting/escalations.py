"""The self-assessment's escalation figures: the requests to go to each stage, what became of them,
and the refusals, counted by the policy's grounds and by whether the resident was told; and how
often a stage was handled by someone already involved at an earlier one."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from app.domain.reporting.explained import at_stage, by_code, explained, reasons
from app.domain.reporting.facts import ItemKind, RequestOutcome
from app.domain.reporting.figures import Count, Ratio, TextCount, ratio
from app.domain.reporting.tallies import Tallies
from app.domain.reporting.wording import Wording


@dataclass(frozen=True, slots=True, kw_only=True)
class Refusals:
    refused: int  # refusals recorded in the period
    by_ground: list[Count]  # by the policy's refusal ground
    explained: Ratio  # the resident was told (`resident_informed` about the refusal)
    text_shown: bool  # false for a caller the catalogue hides the reasons from
    reasons: list[TextCount]  # empty unless text_shown


@dataclass(frozen=True, slots=True, kw_only=True)
class EscalationFigures:
    to_stage: int
    requested: int  # requests made in the period; what became of them:
    escalated: int
    refused: Ratio  # of the requests
    pending: int
    ended: int  # the complaint closed before a decision
    refusals: Refusals


def escalations(tallies: Tallies, wording: Wording) -> list[EscalationFigures]:
    requests, refusals = tallies.requests, tallies.refusals
    shown = ItemKind.escalation_refusal in wording.shown
    asked = {stage for stage, _ in requests} | {stage for stage, _, _ in refusals}
    targets = sorted({stage for stage in asked if stage is not None} | {2})
    figures = []
    for target in targets:
        outcome: Counter[str | None] = Counter()
        for (stage, status), n in requests.items():
            if stage == target:
                outcome[status] += n
        refused = at_stage(refusals, target)
        figures.append(
            EscalationFigures(
                to_stage=target,
                requested=sum(outcome.values()),
                escalated=outcome[RequestOutcome.escalated.value],
                refused=ratio(outcome[RequestOutcome.refused.value], sum(outcome.values())),
                pending=outcome[RequestOutcome.pending.value],
                ended=outcome[RequestOutcome.ended.value],
                refusals=Refusals(
                    refused=sum(refused.values()),
                    by_ground=by_code(refused),
                    explained=explained(refused),
                    text_shown=shown,
                    reasons=reasons(tallies, wording, ItemKind.escalation_refusal, target),
                ),
            )
        )
    return figures
