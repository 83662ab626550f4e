"""The workspace: the repository root (found from where a command starts), the configuration
file it holds, and the settings read from it."""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from itsm_cli.config import CONFIG_FILE, MAX_LOGO_BYTES, Config, ConfigError, parse_config
from itsm_cli.records.models import KINDS


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
        return has_tool_itsm(pyproject.read_bytes())
    except OSError:
        return False


def has_tool_itsm(raw: bytes) -> bool:
    """`_has_tool_itsm` of a pyproject.toml's bytes."""
    try:
        tool = tomllib.loads(raw.decode("utf-8-sig")).get("tool", {})
    except (ValueError, RecursionError):
        # Not TOML: ours to judge only if it means to configure us, so that a broken
        # [tool.itsm] table is an error rather than a configuration silently ignored.
        return _TOOL_ITSM_HEADER.search(raw.decode("utf-8-sig", errors="replace")) is not None
    return isinstance(tool, dict) and "itsm" in tool


_TOOL_ITSM_HEADER = re.compile(r"^[ \t]*\[[ \t]*tool[ \t]*\.[ \t]*itsm\b", re.MULTILINE)
_MAX_NAME_BYTES = 255
_MAX_PATH_BYTES = 4095


def _label(path: Path) -> str:
    """A configuration file as messages name it."""
    return path.name


def find_root(start: Path) -> Path:
    """The nearest folder upwards with itsm.toml, [tool.itsm] or .git; else `start`.

    A symbolic link named as `start` is not followed: the search begins at the folder that
    holds it, so a link leading out of a repository cannot make its target the root."""
    found = marked_root(start)
    if found is not None:
        return found
    start = Path(os.path.abspath(start))
    while start.is_symlink() or start.is_file():
        start = start.parent
    return start.resolve()


def marked_root(start: Path) -> Path | None:
    """The nearest folder upwards from `start` with itsm.toml, [tool.itsm] or .git; None
    when there is none."""
    start = Path(os.path.abspath(start))
    while start.is_symlink() or start.is_file():
        start = start.parent
    for folder in (start, *start.parents):
        if (folder / CONFIG_FILE).is_file() or (folder / ".git").exists():
            return folder.resolve()
        if (folder / "pyproject.toml").is_file() and _has_tool_itsm(folder / "pyproject.toml"):
            return folder.resolve()
    return None


def _read_table(path: Path) -> dict[str, Any]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{_label(path)}: cannot read: {exc.strerror or exc}") from exc
    return _table_of(data, _label(path), path.name)


def _table_of(raw: bytes, label: str, name: str) -> dict[str, Any]:
    """The settings in a configuration file's bytes (`name`: itsm.toml or pyproject.toml,
    whose `[tool.itsm]` table they are)."""
    try:
        data = tomllib.loads(raw.decode("utf-8-sig"))
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
    if name == "pyproject.toml":
        tool = data.get("tool", {})
        table = tool.get("itsm", {}) if isinstance(tool, dict) else None
        if not isinstance(table, dict):
            raise ConfigError(
                f"{label}: 'tool.itsm' must be a table: a [tool.itsm] header with one "
                "setting per line below it"
            )
        return table
    return data


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
    label = _label(path)
    config = _checked(parse_config(_read_table(path), label, list(KINDS)), root, label)
    _check_logo(path, root, config.report.logo)
    return Workspace(root, config, path)


def config_from_bytes(raw: bytes, path: Path, root: Path, where: str) -> Config:
    """The configuration a file had elsewhere (at a commit: `where` says which), checked as
    `load_workspace` checks it but for the logo, which is read from the working tree only
    (reports are rendered there)."""
    label = f"{_label(path)} at {where}"
    return _checked(parse_config(_table_of(raw, label, path.name), label, list(KINDS)), root, label)


def _checked(config: Config, root: Path, label: str) -> Config:
    records = Path(os.path.normpath(root / config.records))
    if len(os.fsencode(records)) > _MAX_PATH_BYTES or any(
        len(os.fsencode(part)) > _MAX_NAME_BYTES for part in Path(config.records).parts
    ):
        raise ConfigError(
            f"{label}: setting 'records': the path is longer than file systems allow; "
            'give the records folder\'s path, e.g. records = "records"'
        )
    if records != root and root not in records.parents:
        raise ConfigError(
            f"{label}: setting 'records': '{config.records}' is outside the repository; "
            'give a folder inside it, e.g. records = "records"'
        )
    return config


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
