"""Configuration: `itsm.toml` or `[tool.itsm]` in `pyproject.toml`, validated, then overlaid
by command-line options. One frozen model; nothing else holds configuration state."""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic.alias_generators import to_camel

from itsm_cli.dates import Duration
from itsm_cli.findings import FailOn, Severity
from itsm_cli.records.yamlread import DEFAULT_MAX_BYTES

CONFIG_FILE = "itsm.toml"


class ConfigError(Exception):
    """A configuration problem: one line with the file and what to change (exit 2)."""


def _check_duration(value: str) -> str:
    """A setting's ISO 8601 duration, checked (ValueError with a plain message)."""
    Duration.parse(value)
    return value


class EvidenceSettings(BaseModel):
    """`[evidence]`: what one Evidence record may claim."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    max_leaf_clauses: int = Field(default=8, gt=0, alias="maxLeafClauses")
    """Leaf clauses an Evidence record's `metadata.clauses` may expand to before DOC005
    calls it a binder."""


class WaiverSettings(BaseModel):
    """The `[waivers]` table; its keys are camelCase, as the README names them."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    max_term: str = Field(default="P12M", alias="maxTerm")
    """Longest term of a waiver after its approval date (ISO 8601); a longer `expires` is
    WVR005 and the waiver applies only until approval + maxTerm."""

    _duration = field_validator("max_term")(_check_duration)

    @property
    def term(self) -> Duration:
        return Duration.parse(self.max_term)


class ProblemSettings(BaseModel):
    """The `[problem]` table (problem management figures computed by `itsm import tickets`)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    root_cause_within: str = Field(default="P30D", alias="rootCauseWithin")
    """How long a problem may stay open without a root cause before it is the exception
    `no-root-cause` (ISO 8601 duration)."""

    _duration = field_validator("root_cause_within")(_check_duration)

    @property
    def within(self) -> Duration:
        return Duration.parse(self.root_cause_within)


class CustomerSettings(BaseModel):
    """Intervals of business relationship management (CUS001–CUS003), as ISO 8601
    durations. TOML keys as the design names them (`serviceReviewInterval`)."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, alias_generator=to_camel, use_attribute_docstrings=True
    )

    service_review_interval: str = "P12M"
    """Longest time between service reviews with a customer (CUS001)."""
    satisfaction_interval: str = "P12M"
    """Longest time between satisfaction measurements of a customer (CUS002)."""
    complaint_within: str = "P30D"
    """Longest time a complaint may stay open (CUS003)."""

    _durations = field_validator(
        "service_review_interval", "satisfaction_interval", "complaint_within"
    )(_check_duration)


class BudgetSettings(BaseModel):
    """Budget checks (BUD002)."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

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


class ReportSettings(BaseModel):
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
class RiskSettings(BaseModel):
    """`[risk]`: when a risk is high, and how often risks are assessed."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    high: int = Field(default=12, ge=1, le=25)
    """Score (likelihood × impact, 1–25) from which a risk is high (RSK001, RSK005)."""
    assessment_interval: str = Field(default="P12M", alias="assessmentInterval")
    """Longest time between two assessments of a risk (RSK004; ISO 8601)."""

    _duration = field_validator("assessment_interval")(_check_duration)

    @property
    def interval(self) -> Duration:
        return Duration.parse(self.assessment_interval)


class AuditSettings(BaseModel):
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


class ManagementReviewSettings(BaseModel):
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


class NonconformitySettings(BaseModel):
    """`[nonconformity]`: how soon a major nonconformity must be closed."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    major_within: str = Field(default="P90D", alias="majorWithin")
    """Time from `raised` within which a major nonconformity must be closed (NCR003)."""

    _duration = field_validator("major_within")(_check_duration)

    @property
    def limit(self) -> Duration:
        return Duration.parse(self.major_within)


class Config(BaseModel):
    """Settings of one records repository. TOML keys are kebab-case; the keys inside the
    tables of thresholds (`[waivers]`) are camelCase (`waivers.maxTerm`)."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        alias_generator=lambda name: name.replace("_", "-"),
        use_attribute_docstrings=True,
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
    max_file_size: int = Field(default=DEFAULT_MAX_BYTES, gt=0)
    """Largest record file read, in bytes."""
    evidence: EvidenceSettings = EvidenceSettings()
    """`maxLeafClauses`: leaf clauses one Evidence record may name before DOC005 calls it
    a binder (default 8)."""
    waivers: WaiverSettings = WaiverSettings()
    """Waivers: maxTerm, the longest term after approval (ISO 8601 duration)."""
    problem: ProblemSettings = ProblemSettings()
    """Problems: rootCauseWithin, how long one may stay open without a root cause."""
    customer: CustomerSettings = CustomerSettings()
    """Business relationship management: serviceReviewInterval, satisfactionInterval
    (default P12M each), complaintWithin (default P30D)."""
    budget: BudgetSettings = BudgetSettings()
    """Budgeting: variance, the percent a line may differ from plan without a note (10)."""
    report: ReportSettings = ReportSettings()
    """Front matter of client-ready reports: client, assessor, scope, logo, paper."""
    risk: RiskSettings = RiskSettings()
    """Risks: high, the score from which a risk is high (default 12); assessmentInterval,
    the longest time between assessments (default P12M)."""
    audit: AuditSettings = AuditSettings()
    """Internal audits: cycle, the time within which they cover every clause (P12M)."""
    management_review: ManagementReviewSettings = Field(
        default=ManagementReviewSettings(), alias="managementReview"
    )
    """Management reviews: interval (P12M) and the inputs each must record."""
    nonconformity: NonconformitySettings = NonconformitySettings()
    """Nonconformities: majorWithin, the time to close a major one (P90D)."""

    @field_validator("review_intervals")
    @classmethod
    def _durations(cls, value: dict[str, str]) -> dict[str, str]:
        from itsm_cli.records.models import KINDS

        for kind, text in value.items():
            if kind not in KINDS:
                lowered = {k.lower(): k for k in KINDS}
                guess = difflib.get_close_matches(kind.lower(), list(lowered), n=1, cutoff=0.6)
                tip = (
                    f"did you mean '{lowered[guess[0]]}'?" if guess
                    else "kinds: " + ", ".join(KINDS)
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


@dataclass(frozen=True, slots=True)
class Workspace:
    """Where things are: the repository root, the config file used, the settings."""

    root: Path
    config: Config
    config_file: Path | None

    @property
    def records_root(self) -> Path:
        return self.root / self.config.records


def _has_tool_itsm(pyproject: Path) -> bool:
    """Whether a pyproject.toml has a `[tool.itsm]` entry (of any shape: a wrong one is
    reported when the file is read as the configuration)."""
    try:
        tool = _load_toml(pyproject).get("tool", {})
    except (OSError, ValueError, RecursionError):
        # Not TOML: ours to judge only if it means to configure us, so that a broken
        # [tool.itsm] table is an error rather than a configuration silently ignored.
        try:
            text = pyproject.read_bytes().decode("utf-8-sig", errors="replace")
        except OSError:
            return False
        return _TOOL_ITSM_HEADER.search(text) is not None
    return isinstance(tool, dict) and "itsm" in tool


_TOOL_ITSM_HEADER = re.compile(r"^[ \t]*\[[ \t]*tool[ \t]*\.[ \t]*itsm\b", re.MULTILINE)
_MAX_NAME_BYTES = 255
_MAX_PATH_BYTES = 4095


def _load_toml(path: Path) -> dict[str, Any]:
    """A TOML file as a table; a UTF-8 byte-order mark (Windows editors write one) is
    allowed. Raises OSError, UnicodeDecodeError or TOMLDecodeError."""
    return tomllib.loads(path.read_bytes().decode("utf-8-sig"))


def _label(path: Path) -> str:
    """A configuration file as messages name it."""
    return path.name


def find_root(start: Path) -> Path:
    """The nearest folder upwards with itsm.toml, [tool.itsm] or .git; else `start`.

    A symbolic link named as `start` is not followed: the search begins at the folder that
    holds it, so a link leading out of a repository cannot make its target the root."""
    start = Path(os.path.abspath(start))
    while start.is_symlink() or start.is_file():
        start = start.parent
    for folder in (start, *start.parents):
        if (folder / CONFIG_FILE).is_file() or (folder / ".git").exists():
            return folder.resolve()
        if (folder / "pyproject.toml").is_file() and _has_tool_itsm(folder / "pyproject.toml"):
            return folder.resolve()
    return start.resolve()


def _read_table(path: Path) -> dict[str, Any]:
    label = _label(path)
    try:
        data = _load_toml(path)
    except OSError as exc:
        raise ConfigError(f"{label}: cannot read: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        before = exc.object[: exc.start]
        line, column = before.count(b"\n") + 1, exc.start - before.rfind(b"\n")
        raise ConfigError(
            f"{label}: not UTF-8 text (line {line}, column {column}); save it as UTF-8"
        ) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{label}: invalid TOML: {exc}") from exc
    except RecursionError as exc:  # tomllib recurses into nested arrays and tables
        raise ConfigError(
            f"{label}: invalid TOML: values nested too deeply to read; "
            "the configuration needs only tables of plain values"
        ) from exc
    if path.name == "pyproject.toml":
        tool = data.get("tool", {})
        table = tool.get("itsm", {}) if isinstance(tool, dict) else None
        if not isinstance(table, dict):
            raise ConfigError(
                f"{label}: 'tool.itsm' must be a table: a [tool.itsm] header with one "
                "setting per line below it"
            )
        return table
    return data


"""Settings that are tables of their own settings, for "did you mean" inside them."""

_TYPE_WORDS = (
    ("must be a valid tuple", "must be a list"),
    ("must be a valid list", "must be a list"),
    ("must be a valid dictionary", "must be a table"),
    ("must be a valid string", "must be text in quotes"),
    ("must be a valid integer", "must be a whole number"),
)


def _config_error(path: Path, exc: ValidationError) -> ConfigError:
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
        return ConfigError(f"{_label(path)}: unknown setting '{key}'{tip}")
    detail = first["msg"].removeprefix("Value error, ").replace("Input should be", "must be")
    for pydantic_words, ours in _TYPE_WORDS:
        detail = detail.replace(pydantic_words, ours)
    detail = detail.split(", unable to parse")[0].split(" or instance of ")[0]
    return ConfigError(f"{_label(path)}: setting '{key}': {detail}")


def load_workspace(start: Path, config_file: Path | None = None) -> Workspace:
    """Find the repository root from `start` and read its configuration."""
    if config_file is not None:
        if not config_file.is_file():
            problem = "is not a regular file" if config_file.exists() else "not found"
            raise ConfigError(f"configuration file {problem}: {config_file}")
        root = config_file.resolve().parent
        path: Path | None = config_file
    else:
        root = find_root(start)
        path = None
        for candidate in (root / CONFIG_FILE, root / "pyproject.toml"):
            if candidate.is_file() and (
                candidate.name == CONFIG_FILE or _has_tool_itsm(candidate)
            ):
                path = candidate
                break
    if path is None:
        return Workspace(root, Config(), None)
    table = _read_table(path)
    try:
        config = Config.model_validate(table)
    except ValidationError as exc:
        raise _config_error(path, exc) from exc
    records = Path(os.path.normpath(root / config.records))
    if len(os.fsencode(records)) > _MAX_PATH_BYTES or any(
        len(os.fsencode(part)) > _MAX_NAME_BYTES for part in Path(config.records).parts
    ):
        raise ConfigError(
            f"{_label(path)}: setting 'records': the path is longer than file systems allow; "
            'give the records folder\'s path, e.g. records = "records"'
        )
    if records != root and root not in records.parents:
        raise ConfigError(
            f"{_label(path)}: setting 'records': '{config.records}' is outside the repository; "
            'give a folder inside it, e.g. records = "records"'
        )
    _check_logo(path, root, config.report.logo)
    return Workspace(root, config, path)


def _check_logo(path: Path, root: Path, logo: str | None) -> None:
    """A configured logo must be an image file inside the repository, of a size a report
    can carry: named in the error otherwise, before any report is rendered."""
    if logo is None:
        return
    # Resolved, so that a link cannot lead out of the repository either.
    target = (root / logo).resolve()
    problem = None
    if root.resolve() not in target.parents:
        problem = "is outside the repository"
    elif not target.is_file():
        problem = "is not a file" if target.exists() else "not found"
    elif target.stat().st_size > MAX_LOGO_BYTES:
        problem = f"is {target.stat().st_size:,} bytes; a logo may have {MAX_LOGO_BYTES:,}"
    if problem is not None:
        raise ConfigError(f"{_label(path)}: setting 'report.logo': '{logo}' {problem}")
