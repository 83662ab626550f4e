"""Configuration: the settings of `itsm.toml` or `[tool.itsm]` in `pyproject.toml`, validated,
then overlaid by command-line options. One frozen model; nothing else holds configuration
state. Finding the repository and reading its file is `records/workspace.py`'s job."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic.alias_generators import to_camel

from itsm_cli.dates import Duration
from itsm_cli.findings import FailOn, Severity

CONFIG_FILE = "itsm.toml"
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
"""`maxFileSize`: a record file larger than this is refused (E006) before it is parsed."""


class ConfigError(Exception):
    """A configuration problem: one line with the file and what to change (exit 2)."""


class SettingsModel(BaseModel):
    """Base of the settings models. Their validators are built on first use, and their
    attribute docstrings (what `itsm init` writes above each setting) are read by
    `records.docstrings` when asked for: pydantic's `use_attribute_docstrings` parses this
    module again for each class, which every command paid at start-up."""

    model_config = ConfigDict(defer_build=True)


def _check_duration(value: str) -> str:
    """A setting's ISO 8601 duration, checked (ValueError with a plain message)."""
    Duration.parse(value)
    return value


class EvidenceSettings(SettingsModel):
    """`[evidence]`: what one Evidence record may claim."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    max_leaf_clauses: int = Field(default=8, gt=0, alias="maxLeafClauses", strict=True)
    """Leaf clauses an Evidence record's `metadata.clauses` may expand to before DOC005
    calls it a binder."""


class WaiverSettings(SettingsModel):
    """The `[waivers]` table; its keys are camelCase, as the README names them."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    max_term: str = Field(default="P12M", alias="maxTerm")
    """Longest term of a waiver after its approval date (ISO 8601); a longer `expires` is
    WVR005 and the waiver applies only until approval + maxTerm."""

    _duration = field_validator("max_term")(_check_duration)

    @property
    def term(self) -> Duration:
        return Duration.parse(self.max_term)


class ProblemSettings(SettingsModel):
    """The `[problem]` table (problem management figures computed by `itsm import tickets`)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    root_cause_within: str = Field(default="P30D", alias="rootCauseWithin")
    """How long a problem may stay open without a root cause before it is the exception
    `no-root-cause` (ISO 8601 duration)."""

    _duration = field_validator("root_cause_within")(_check_duration)

    @property
    def within(self) -> Duration:
        return Duration.parse(self.root_cause_within)


class CustomerSettings(SettingsModel):
    """Intervals of business relationship management (CUS001–CUS003), as ISO 8601
    durations. TOML keys as the design names them (`serviceReviewInterval`)."""

    model_config = ConfigDict(extra="forbid", frozen=True, alias_generator=to_camel)

    service_review_interval: str = "P12M"
    """Longest time between service reviews with a customer (CUS001)."""
    satisfaction_interval: str = "P12M"
    """Longest time between satisfaction measurements of a customer (CUS002)."""
    complaint_within: str = "P30D"
    """Longest time a complaint may stay open (CUS003)."""

    _durations = field_validator(
        "service_review_interval", "satisfaction_interval", "complaint_within"
    )(_check_duration)


class BudgetSettings(SettingsModel):
    """Budget checks (BUD002)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    variance: float = Field(default=10, ge=0, allow_inf_nan=False)
    """Percent by which a line's actual may differ from its planned amount without a note."""


LOGO_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".svg": "image/svg+xml",
    ".webp": "image/webp",
}
"""Image files a report cover may show, by suffix, with their media type."""
MAX_LOGO_BYTES = 1_000_000


class ReportSettings(SettingsModel):
    """`[report]`: the front matter of client-ready reports (the gap report's cover)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    client: str | None = None
    """The organisation the report is for."""
    assessor: str | None = None
    """Who made the assessment."""
    scope: str | None = None
    """The scope of the SMS assessed; without it, the approved scope Evidence of 4.3."""
    logo: str | None = None
    """A path in the repository to an image for the cover (PNG, JPEG, GIF, SVG, WebP),
    embedded in the report; never fetched from elsewhere."""
    paper: Literal["a4", "letter"] = "a4"
    """Paper size of printed and PDF reports."""

    @field_validator("paper", mode="before")
    @classmethod
    def _paper_lower(cls, value: Any) -> Any:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("logo")
    @classmethod
    def _logo_type(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if "://" in value or value.startswith("data:"):
            raise ValueError(f"'{value}' is not a path in the repository; a logo is never fetched")
        if Path(value).suffix.lower() not in LOGO_TYPES:
            raise ValueError(
                f"'{value}' is not an image a report can embed "
                f"(suffixes: {', '.join(LOGO_TYPES)})"
            )
        return value


class RiskSettings(SettingsModel):
    """`[risk]`: when a risk is high, and how often risks are assessed."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    high: int = Field(default=12, ge=1, le=25, strict=True)
    """Score (likelihood × impact, 1–25) from which a risk is high (RSK001, RSK005)."""
    assessment_interval: str = Field(default="P12M", alias="assessmentInterval")
    """Longest time between two assessments of a risk (RSK004; ISO 8601)."""

    _duration = field_validator("assessment_interval")(_check_duration)

    @property
    def interval(self) -> Duration:
        return Duration.parse(self.assessment_interval)


class AuditSettings(SettingsModel):
    """`[audit]`: the internal audit programme."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    cycle: str = "P12M"
    """Time within which internal audits must cover every clause (AUD001, AUD002; ISO 8601)."""

    _duration = field_validator("cycle")(_check_duration)

    @property
    def period(self) -> Duration:
        return Duration.parse(self.cycle)


DEFAULT_REVIEW_INPUTS = (
    "previous-actions",
    "context-changes",
    "performance",
    "customer-satisfaction",
    "supplier-performance",
    "audit-results",
    "nonconformities",
    "risks",
    "improvement-opportunities",
    "resources",
)
"""The inputs a management review considers by default (MRV002)."""


class ManagementReviewSettings(SettingsModel):
    """`[managementReview]`: how often top management reviews the SMS, and on what."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    interval: str = "P12M"
    """Longest time between two approved management reviews (MRV001; ISO 8601)."""
    inputs: tuple[str, ...] = DEFAULT_REVIEW_INPUTS
    """Inputs every management review must record (MRV002)."""

    _duration = field_validator("interval")(_check_duration)

    @property
    def period(self) -> Duration:
        return Duration.parse(self.interval)


class NonconformitySettings(SettingsModel):
    """`[nonconformity]`: how soon a major nonconformity must be closed."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    major_within: str = Field(default="P90D", alias="majorWithin")
    """Time from `raised` within which a major nonconformity must be closed (NCR003)."""

    _duration = field_validator("major_within")(_check_duration)

    @property
    def limit(self) -> Duration:
        return Duration.parse(self.major_within)


class Config(SettingsModel):
    """Settings of one records repository. TOML keys are kebab-case; the keys inside the
    tables of thresholds (`[waivers]`) are camelCase (`waivers.maxTerm`)."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        alias_generator=lambda name: name.replace("_", "-"),
    )

    records: str = "records"
    """Records root, relative to the repository root."""
    select: tuple[str, ...] = ()
    """Rule codes or prefixes to run (empty: all)."""
    ignore: tuple[str, ...] = ()
    """Rule codes or prefixes to skip."""
    severity: dict[str, Severity] = {}
    """Severity per rule code, overriding its default."""
    review_intervals: dict[str, str] = {}
    """Default review interval per kind (ISO 8601), e.g. {SLA = "P6M"}; P12M otherwise."""
    edition: Literal["2018", "2011"] = "2018"
    fail_on: FailOn = "error"
    """Lowest unwaived severity that makes `check` exit 1."""
    templates: str = "templates"
    """Folder of report templates overriding the built-in ones."""
    max_file_size: int = Field(default=DEFAULT_MAX_BYTES, gt=0, strict=True)
    """Largest record file read, in bytes."""
    evidence: EvidenceSettings = Field(default_factory=EvidenceSettings)
    """`maxLeafClauses`: leaf clauses one Evidence record may name before DOC005 calls it
    a binder (default 8)."""
    waivers: WaiverSettings = Field(default_factory=WaiverSettings)
    """Waivers: maxTerm, the longest term after approval (ISO 8601 duration)."""
    problem: ProblemSettings = Field(default_factory=ProblemSettings)
    """Problems: rootCauseWithin, how long one may stay open without a root cause."""
    customer: CustomerSettings = Field(default_factory=CustomerSettings)
    """Business relationship management: serviceReviewInterval, satisfactionInterval
    (default P12M each), complaintWithin (default P30D)."""
    budget: BudgetSettings = Field(default_factory=BudgetSettings)
    """Budgeting: variance, the percent a line may differ from plan without a note (10)."""
    report: ReportSettings = Field(default_factory=ReportSettings)
    """Front matter of client-ready reports: client, assessor, scope, logo, paper."""
    risk: RiskSettings = Field(default_factory=RiskSettings)
    """Risks: high, the score from which a risk is high (default 12); assessmentInterval,
    the longest time between assessments (default P12M)."""
    audit: AuditSettings = Field(default_factory=AuditSettings)
    """Internal audits: cycle, the time within which they cover every clause (P12M)."""
    management_review: ManagementReviewSettings = Field(
        default_factory=ManagementReviewSettings, alias="managementReview"
    )
    """Management reviews: interval (P12M) and the inputs each must record."""
    nonconformity: NonconformitySettings = Field(default_factory=NonconformitySettings)
    """Nonconformities: majorWithin, the time to close a major one (P90D)."""

    @field_validator("review_intervals")
    @classmethod
    def _durations(cls, value: dict[str, str], info: ValidationInfo) -> dict[str, str]:
        # The kinds come from the caller (`parse_config`); without them, any key is taken.
        kinds: tuple[str, ...] = (info.context or {}).get("kinds", ())
        for kind, text in value.items():
            if kinds and kind not in kinds:
                lowered = {k.lower(): k for k in kinds}
                guess = difflib.get_close_matches(kind.lower(), list(lowered), n=1, cutoff=0.6)
                tip = (
                    f"did you mean '{lowered[guess[0]]}'?" if guess
                    else "kinds: " + ", ".join(kinds)
                )
                raise ValueError(f"'{kind}' is not a kind ({tip})")
            Duration.parse(text)  # raises ValueError with a plain message
        return value

    @field_validator("select", "ignore", mode="before")
    @classmethod
    def _upper_codes(cls, value: Any) -> Any:
        """Rule codes are upper case; `slm` selects SLM001… as on the command line."""
        if isinstance(value, list | tuple):
            return tuple(c.strip().upper() if isinstance(c, str) else c for c in value)
        return value

    @field_validator("severity", mode="before")
    @classmethod
    def _upper_severity_codes(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {k.strip().upper() if isinstance(k, str) else k: v for k, v in value.items()}
        return value

    @field_validator("edition", mode="before")
    @classmethod
    def _edition_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) else value

    def review_interval(self, kind: str) -> Duration:
        return Duration.parse(self.review_intervals.get(kind, "P12M"))

    def overlay(self, **options: Any) -> Config:
        """A copy with the command-line options that were given (None means not given)."""
        changes = {k: v for k, v in options.items() if v is not None}
        return self.model_copy(update=changes) if changes else self


_TYPE_WORDS = (
    ("must be a valid tuple", "must be a list"),
    ("must be a valid list", "must be a list"),
    ("must be a valid dictionary", "must be a table"),
    ("must be a valid string", "must be text in quotes"),
    ("must be a valid integer", "must be a whole number"),
)


def _config_error(label: str, exc: ValidationError) -> ConfigError:
    first = exc.errors(include_url=False)[0]
    key = ".".join(str(p) for p in first["loc"])
    if first["type"] == "extra_forbidden":
        # A key inside a nested table (`[evidence]`, `[waivers]`) is matched against that
        # table's own keys, named with the table as the README writes them.
        table: type[BaseModel] = Config
        prefix = ""
        for part in first["loc"][:-1]:
            fields = {f.alias or n: f.annotation for n, f in table.model_fields.items()}
            inner = fields.get(str(part))
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                table, prefix = inner, f"{prefix}{part}."
        options = [prefix + (f.alias or n) for n, f in table.model_fields.items()]
        guess = difflib.get_close_matches(key, options, n=1)
        tip = f" (did you mean '{guess[0]}'?)" if guess else f" (known: {', '.join(options)})"
        return ConfigError(f"{label}: unknown setting '{key}'{tip}")
    detail = first["msg"].removeprefix("Value error, ").replace("Input should be", "must be")
    for pydantic_words, ours in _TYPE_WORDS:
        detail = detail.replace(pydantic_words, ours)
    detail = detail.split(", unable to parse")[0].split(" or instance of ")[0]
    return ConfigError(f"{label}: setting '{key}': {detail}")


def parse_config(table: dict[str, Any], label: str, kinds: Sequence[str]) -> Config:
    """The settings of one configuration table (`label` names its file in errors). `kinds`
    are the record kinds, which `[reviewIntervals]` keys must name: the caller knows them,
    since the configuration sits below the record models."""
    try:
        return Config.model_validate(table, context={"kinds": tuple(kinds)})
    except ValidationError as exc:
        raise _config_error(label, exc) from exc
