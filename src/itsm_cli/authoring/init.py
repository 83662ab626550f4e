"""`itsm init [DIR]`: scaffold a records repository.

It writes `itsm.toml` (every setting at its default, commented out), the conventional folder
layout (README, section Records) with one example record per kind (they validate together:
every reference resolves), the JSON Schemas the records' modelines point at, a
`.pre-commit-config.yaml` with itsm-cli's hooks, a GitHub Actions workflow and a short
README. Example dates are set relative to `today`, so the examples are in force and reviewed
whenever `init` runs.

It refuses a folder that is not empty unless `force` is given, and even then never
overwrites a file: it adds what is missing and lists what it skipped.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path

from pydantic import BaseModel

from itsm_cli.authoring.writer import WriteError, ensure_inside, write_text
from itsm_cli.config import CONFIG_FILE, Config
from itsm_cli.dates import Period
from itsm_cli.records.docstrings import attribute_docstrings

TEMPLATE_SUFFIX = ".tmpl"
RECORDS_DIR = "records"
_RENAMED = {
    "README.md": "README.md",
    "pre-commit-config.yaml": ".pre-commit-config.yaml",
    "github-workflow.yml": ".github/workflows/itsm.yml",
}
_EXAMPLES = {
    "select": '["E", "SLM", "SUP"]',
    "ignore": '["SLM003"]',
    "severity": '{ SLM003 = "error", DOC002 = "info" }',
    "review-intervals": '{ SLA = "P6M", Supplier = "P6M" }',
}
"""An example value for the settings whose default (empty) says little."""
_DESCRIBED = {
    "edition": "ISO/IEC 20000-1 edition of the clause catalogue and gap analysis: 2018 or 2011.",
}
"""Descriptions for settings whose model field has no docstring."""


class InitError(Exception):
    """The repository cannot be scaffolded as asked (exit 2)."""


@dataclass(slots=True)
class InitResult:
    root: Path
    created: list[str] = field(default_factory=list)
    """Files written, relative to `root`."""
    skipped: list[str] = field(default_factory=list)
    """Files that already existed and were left alone."""
    git: str = ""
    """What `--git` did: "initialised", "already a Git repository", or "" when not asked."""


def _toml_value(value: object) -> str:
    if isinstance(value, BaseModel):  # a nested table (`[evidence]`), by its TOML keys
        value = value.model_dump(by_alias=True, exclude_none=True)  # TOML has no null
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, (tuple, list)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        return "{ " + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + " }"
    return str(value)


def config_text() -> str:
    """itsm.toml with every setting commented out at its default, described by the
    configuration model's own docstrings."""
    lines = [
        "# itsm-cli settings for this repository. Every setting is shown at its default,",
        "# commented out: uncomment a line to change it. `itsm --help` lists the commands.",
        "",
    ]
    defaults = Config()
    described = attribute_docstrings(Config)
    for name, info in Config.model_fields.items():
        key = info.alias or name
        description = info.description or described.get(name) or _DESCRIBED.get(key, "")
        lines.extend(f"# {text}" for text in description.splitlines())
        lines.append(f"# {key} = {_toml_value(getattr(defaults, name))}")
        if key in _EXAMPLES:
            lines.append(f"#   for example: {key} = {_EXAMPLES[key]}")
        lines.append("")
    return "\n".join(lines)


def _tokens(today: dt.date) -> dict[str, str]:
    # REP001's last complete month, so that the example's one Measurement is the one due
    last_month = Period.last_complete(today, quarterly=False)
    months = [last_month.shift(-k).start for k in range(3)]
    return {
        "@TODAY@": today.isoformat(),
        "@YEAR@": f"{today.year:04d}",
        "@TODAY_YEAR@": str(today.year),
        "@YEAR_START@": dt.date(today.year, 1, 1).isoformat(),
        # The example SLA starts with the last complete month, which its one Measurement
        # reports: every period due (REP001) is measured.
        "@LAST_PERIOD_START@": last_month.start.isoformat(),
        "@NEXT_YEAR_END@": dt.date(today.year + 1, 12, 31).isoformat(),
        "@LAST_PERIOD@": last_month.text,
        "@MONTH_1@": months[0].isoformat(),
        "@MONTH_2@": months[1].isoformat(),
        "@MONTH_3@": months[2].isoformat(),
    }


def _templates(folder: Traversable, prefix: str = "") -> Iterator[tuple[str, Traversable]]:
    for item in sorted(folder.iterdir(), key=lambda t: t.name):
        if item.is_dir():
            yield from _templates(item, f"{prefix}{item.name}/")
        elif item.name.endswith(TEMPLATE_SUFFIX):
            yield f"{prefix}{item.name.removesuffix(TEMPLATE_SUFFIX)}", item


def destination(name: str) -> str:
    """Where `init` writes the scaffold file `name`: the examples sit in folders named after
    their kind (`records/SLA/sla-webshop.yaml`), written to the kind's own folder
    (`records/agreements/sla-webshop.yaml`), so that the folder is declared by the kind
    alone (`Record.FOLDER`)."""
    from itsm_cli.records.models import KINDS

    parts = name.split("/")
    if parts[0] == RECORDS_DIR and len(parts) > 2:
        parts[1] = KINDS[parts[1]].FOLDER
        return "/".join(parts)
    return _RENAMED.get(name, name)


def scaffold_files(today: dt.date) -> dict[str, str]:
    """Relative path → text of every file `init` writes."""
    tokens = _tokens(today)
    files: dict[str, str] = {CONFIG_FILE: config_text()}
    root = resources.files("itsm_cli.authoring").joinpath("scaffold", "init")
    written: list[tuple[str, str]] = []
    for name, source in _templates(root):
        text = source.read_text(encoding="utf-8")
        for token, value in tokens.items():
            text = text.replace(token, value)
        written.append((destination(name), text))
    # In the order of the folders written, as a listing of the result shows them.
    records = sorted(
        (item for item in written if item[0].startswith(f"{RECORDS_DIR}/")),
        key=lambda item: item[0].split("/"),
    )
    others = [item for item in written if not item[0].startswith(f"{RECORDS_DIR}/")]
    files.update(others)
    files.update(records)
    files.update(_schemas())
    return files


def _schemas() -> dict[str, str]:
    from itsm_cli.records.schema import export_texts

    return {f"schemas/{name}": text for name, text in export_texts().items()}


def _is_empty(folder: Path) -> bool:
    return not any(entry.name != ".git" for entry in folder.iterdir())


def _git_init(root: Path) -> str:
    git = shutil.which("git")
    if git is None:
        raise InitError("--git: the git command was not found; the files are written")
    inside = subprocess.run(
        [git, "-C", str(root), "rev-parse", "--is-inside-work-tree"],
        capture_output=True, text=True, check=False,
    )
    if inside.returncode == 0 and inside.stdout.strip() == "true":
        return "already a Git repository"
    done = subprocess.run(
        [git, "init", "--quiet", str(root)], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        detail = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "failed"
        raise InitError(f"--git: git init failed: {detail}")
    return "initialised"


def init_repository(
    target: Path, *, today: dt.date, force: bool = False, git: bool = False
) -> InitResult:
    """Scaffold a records repository in `target` (created if missing)."""
    if target.exists() and not target.is_dir():
        raise InitError(f"{target} is a file, not a folder")
    if target.is_dir() and not _is_empty(target) and not force:
        raise InitError(
            f"{target} is not empty; use --force to add the missing files "
            "(existing files are never overwritten)"
        )
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InitError(f"cannot create {target}: {exc.strerror or exc}") from exc
    try:
        files = scaffold_files(today)
    except (ValueError, OverflowError) as exc:  # a date past 9999-12-31
        raise InitError(
            f"--today {today.isoformat()}: the example records run to the end of the next "
            "year, past the last date there is; give an earlier date"
        ) from exc
    # Every path to be written is checked before anything is: a folder of it linked out of
    # the repository (`records/` pointing elsewhere) refuses the whole run. Files that exist
    # (links included) are skipped, never written through.
    for name in files:
        if (target / name).exists() or (target / name).is_symlink():
            continue
        try:
            ensure_inside(target / name, target, name)
        except WriteError as exc:
            raise InitError(f"{exc}; nothing written") from exc
    result = InitResult(target)
    for name, text in files.items():
        path = target / name
        if path.exists() or path.is_symlink():
            result.skipped.append(name)
            continue
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_text(path, text, exclusive=True, within=target)
        except WriteError as exc:
            if path.exists():
                result.skipped.append(name)
                continue
            raise InitError(str(exc)) from exc
        except OSError as exc:
            raise InitError(f"cannot create {path}: {exc.strerror or exc}") from exc
        result.created.append(name)
    if git:
        result.git = _git_init(target)
    return result
