"""Configuration: `itsm.toml` or `[tool.itsm]` in `pyproject.toml`, validated, then overlaid
by command-line options. One frozen model; nothing else holds configuration state."""

from __future__ import annotations

import difflib
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from itsm_cli.dates import Duration
from itsm_cli.findings import Severity
from itsm_cli.records.yamlread import DEFAULT_MAX_BYTES

CONFIG_FILE = "itsm.toml"
FailOn = Literal["error", "warning", "info", "never"]


class ConfigError(Exception):
    """A configuration problem: one line with the file and what to change (exit 2)."""


class Config(BaseModel):
    """Settings of one records repository. TOML keys are kebab-case."""

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

    @field_validator("review_intervals")
    @classmethod
    def _durations(cls, value: dict[str, str]) -> dict[str, str]:
        for kind, text in value.items():
            Duration.parse(text)  # raises ValueError with a plain message
            del kind
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
    try:
        with pyproject.open("rb") as fh:
            return "itsm" in tomllib.load(fh).get("tool", {})
    except (OSError, tomllib.TOMLDecodeError):
        return False


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
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except OSError as exc:
        raise ConfigError(f"{path.name}: cannot read: {exc.strerror}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path.name}: invalid TOML: {exc}") from exc
    if path.name == "pyproject.toml":
        table = data.get("tool", {}).get("itsm", {})
        return table if isinstance(table, dict) else {}
    return data


def _config_error(path: Path, exc: ValidationError) -> ConfigError:
    first = exc.errors(include_url=False)[0]
    key = ".".join(str(p) for p in first["loc"])
    if first["type"] == "extra_forbidden":
        options = [f.alias or n for n, f in Config.model_fields.items()]
        guess = difflib.get_close_matches(str(first["loc"][0]), options, n=1)
        tip = f" (did you mean '{guess[0]}'?)" if guess else f" (known: {', '.join(options)})"
        return ConfigError(f"{path.name}: unknown setting '{key}'{tip}")
    detail = first["msg"].removeprefix("Value error, ").replace("Input should be", "must be")
    return ConfigError(f"{path.name}: setting '{key}': {detail}")


def load_workspace(start: Path, config_file: Path | None = None) -> Workspace:
    """Find the repository root from `start` and read its configuration."""
    if config_file is not None:
        if not config_file.is_file():
            raise ConfigError(f"configuration file not found: {config_file}")
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
    return Workspace(root, config, path)
