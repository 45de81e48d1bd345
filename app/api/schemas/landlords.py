"""The bodies of /v1/landlords: a landlord's registration and changes, its view and history, and
the policy versions it publishes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.api.schemas.inputs import DAY_RANGE, Day
from app.domain.complaint.events import LetterKind
from app.domain.policies.check import Divergence
from app.domain.policies.model import Policy

SLUG = r"^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$"
POLICY_ID = r"^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$"
Region = Literal["england-and-wales", "scotland", "northern-ireland"]
HomesCount = Annotated[int, Field(ge=0, le=10_000_000)]
Closures = Annotated[list[Day], Field(max_length=1000)]
RetentionYears = Annotated[
    int,
    Field(
        ge=1,
        le=100,
        description="Years after closure a complaint's personal data is kept "
        "(`redress retention run` erases it after).",
    ),
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PolicyChoiceIn(_Strict):
    id: str = Field(min_length=1, max_length=40, pattern=POLICY_ID)
    version: int | None = Field(
        default=None, ge=1, le=10_000, description="The latest version when omitted."
    )


class HomesIn(_Strict):
    rented: HomesCount = 0
    shared_ownership: HomesCount = 0


class HomesPatch(_Strict):
    rented: HomesCount | None = None
    shared_ownership: HomesCount | None = None


class LandlordCreate(_Strict):
    id: str = Field(min_length=1, max_length=32, pattern=SLUG, description="A slug, e.g. `acme`.")
    name: str = Field(min_length=1, max_length=200)
    region: Region = "england-and-wales"
    closures: Closures = Field(
        default_factory=list,
        description=f"Extra days the office is shut, e.g. 29-31 December. {DAY_RANGE}",
    )
    homes: HomesIn = Field(default_factory=HomesIn)
    default_policy: PolicyChoiceIn | None = Field(
        default=None, description="The policy new complaints are logged under; hoc-2024 if omitted."
    )
    retention_years: RetentionYears = 6


class LandlordPatch(_Strict):
    """Only the fields given change; `closures` replaces the whole list."""

    name: str | None = Field(default=None, min_length=1, max_length=200)
    region: Region | None = None
    closures: Closures | None = Field(
        default=None, description=f"Replaces the landlord's closure days. {DAY_RANGE}"
    )
    homes: HomesPatch | None = None
    default_policy: PolicyChoiceIn | None = None
    retention_years: RetentionYears | None = None


class PolicyRefView(BaseModel):
    id: str
    version: int


class PublishedPolicyView(BaseModel):
    id: str
    version: int
    published_at: datetime


class HomesView(BaseModel):
    rented: int
    shared_ownership: int
    total: int


class CalendarView(BaseModel):
    region: str
    holidays_version: str = Field(description="The `holidays` package whose bank holidays count.")
    closures: list[date]


class LandlordView(BaseModel):
    id: str
    name: str
    region: str
    closures: list[date]
    homes: HomesView
    default_policy: PolicyRefView
    retention_years: int
    policies: list[PublishedPolicyView] = Field(description="The landlord's own policy versions.")
    calendar: CalendarView
    version: int
    registered_at: datetime
    changed_at: datetime


class LandlordList(BaseModel):
    items: list[LandlordView]


class FieldChange(BaseModel):
    before: object | None
    after: object | None


class LetterTemplateRef(BaseModel):
    kind: LetterKind
    version: int


class LandlordEventView(BaseModel):
    version: int
    type: str
    occurred_at: datetime
    recorded_at: datetime
    actor: object | None = Field(description="The key (or `cli`) that made the change.")
    changes: dict[str, FieldChange]
    policy: PolicyRefView | None = Field(description="The version published, for policy events.")
    letter_template: LetterTemplateRef | None = Field(
        default=None, description="The version published, for letter template events."
    )


class LandlordHistory(BaseModel):
    items: list[LandlordEventView]


class PublishPolicyRequest(_Strict):
    policy: Policy = Field(
        description="The policy as `GET /v1/policies/{id}` shows one; `version` must be the next "
        "version of its id (1 for a new id)."
    )
    make_default: bool = Field(
        default=False, description="Log new complaints under this version from now on."
    )


class PublishedPolicy(BaseModel):
    policy: Policy
    complies: bool = Field(description="True when no divergence from the Code was found.")
    divergences: list[Divergence]
