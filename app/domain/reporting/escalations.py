"""The self-assessment's escalation figures: the requests to go to each stage, what became of them,
and the refusals, counted by the policy's grounds and by whether the resident was told; and how
often a stage was handled by someone already involved at an earlier one."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from app.domain.reporting.explained import by_code, explained
from app.domain.reporting.facts import ItemKind, RequestOutcome
from app.domain.reporting.figures import Count, Ratio, TextCount, ratio, text_counts
from app.domain.reporting.period import Period
from app.domain.reporting.selection import ReportData
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


def escalations(data: ReportData, period: Period, wording: Wording) -> list[EscalationFigures]:
    requests = data.items_in(period, ItemKind.escalation_request)
    refusals = data.items_in(period, ItemKind.escalation_refusal)
    shown = ItemKind.escalation_refusal in wording.shown
    targets = sorted({i.stage for i in [*requests, *refusals] if i.stage is not None} | {2})
    figures = []
    for target in targets:
        asked = [i for i in requests if i.stage == target]
        outcome = Counter(i.status for i in asked)
        refused = [i for i in refusals if i.stage == target]
        figures.append(
            EscalationFigures(
                to_stage=target,
                requested=len(asked),
                escalated=outcome[RequestOutcome.escalated.value],
                refused=ratio(outcome[RequestOutcome.refused.value], len(asked)),
                pending=outcome[RequestOutcome.pending.value],
                ended=outcome[RequestOutcome.ended.value],
                refusals=Refusals(
                    refused=len(refused),
                    by_ground=by_code(refused),
                    explained=explained(data, refused),
                    text_shown=shown,
                    reasons=text_counts(wording.of(i, "explanation") for i in refused)
                    if shown
                    else [],
                ),
            )
        )
    return figures
