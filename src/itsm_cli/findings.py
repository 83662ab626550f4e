"""Findings: what every check of the tool produces, with an exact location; and how their
messages, the reports and the exports write numbers (`figure`, `rounded`).

A finding is immutable. Its effective severity is stored on it (configuration can change a
rule's default severity), and its fingerprint identifies it across commits without using the
line number, so moving a record does not make its findings "new".
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from enum import StrEnum
from typing import Literal

FieldPath = tuple[str | int, ...]
FailOn = Literal["error", "warning", "info", "never"]
"""The lowest unwaived severity that fails a run (`--fail-on`, `fail-on`); here rather
than with the configuration so that the command line can name it without importing
Pydantic (`itsm --help`)."""

_LINE_NUMBER = re.compile(r"\bline \d+")
"""A line number quoted in a message (`first defined at line 7`): left out of fingerprints."""


class Severity(StrEnum):
    """How serious a finding is; ordered error > warning > info."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 3, "warning": 2, "info": 1}[self.value]


def text_bytes(text: str) -> bytes:
    """UTF-8 bytes of any text we hold, never an error: a file name that is not valid UTF-8
    reaches us with its bytes escaped as lone surrogates (`surrogateescape`, as `os` decodes
    it) and gets those original bytes back; any other lone surrogate is kept as it is."""
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass")


def format_path(path: FieldPath) -> str:
    """`("spec", "targets", 0, "objective")` → `spec.targets[0].objective`."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem found in the records, located to the file, line and column."""

    rule: str
    """Stable rule code, e.g. `E002` or `SLM001`."""
    severity: Severity
    message: str
    file: str
    """Path relative to the repository root, with forward slashes."""
    line: int
    """1-based line; 1 when the problem concerns the whole file."""
    column: int = 1
    """1-based column."""
    record: str | None = None
    """Id of the record the finding is about, when there is one."""
    path: FieldPath = ()
    """Field path inside the record (part of the fingerprint)."""
    clauses: tuple[str, ...] = ()
    hint: str = ""
    waived: bool = False
    waived_by: str | None = None
    related: tuple[str, ...] = field(default=())
    """Other locations (`file:line`) that explain the finding, e.g. a duplicate's first place."""
    path_key: str = ""
    """`path` as the fingerprint holds it when it goes through a list: each item named by
    what identifies it (`spec.reviews[date=2026-03-01]`, `records.identity`), so that an
    item added above it does not make the finding new. Empty: the path as it is."""

    @property
    def fingerprint(self) -> str:
        """rule + record id (or file) + field path (list items by what identifies them,
        `path_key`); never a line number. A finding about no
        record (a file that is not valid YAML, a missing mandatory document) adds its
        message, with any line number it quotes left out, to tell findings apart."""
        anchor = self.record if self.record else self.file
        raw = f"{self.rule}\x1f{anchor}\x1f{self.path_key or format_path(self.path)}\x1f"
        if not self.record:
            raw += _LINE_NUMBER.sub("line", self.message)
        return hashlib.sha256(text_bytes(raw)).hexdigest()[:32]

    @property
    def location(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.file, self.line, self.column, self.rule, self.message)

    def with_changes(self, **changes: object) -> Finding:
        return replace(self, **changes)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class Summary:
    """Counts shown at the end of every run and in the JSON `summary` object."""

    errors: int
    warnings: int
    infos: int
    waived: int
    records: int
    files: int

    @classmethod
    def of(cls, findings: Iterable[Finding], records: int, files: int) -> Summary:
        errors = warnings = infos = waived = 0
        for f in findings:
            if f.waived:
                waived += 1
            elif f.severity is Severity.ERROR:
                errors += 1
            elif f.severity is Severity.WARNING:
                warnings += 1
            else:
                infos += 1
        return cls(errors, warnings, infos, waived, records, files)

    def counts(self) -> dict[str, int]:
        """The counts by name, as the JSON `summary` object holds them."""
        return {
            "errors": self.errors,
            "warnings": self.warnings,
            "infos": self.infos,
            "waived": self.waived,
            "records": self.records,
            "files": self.files,
        }


@dataclass(frozen=True, slots=True)
class FindingsReport:
    """What `validate` and `check` hand to a formatter."""

    findings: Sequence[Finding]
    records: int
    files: int
    command: str = "validate"
    fail_on: str = "error"
    """The run's fail level, so a formatter can state the verdict (`fails`)."""
    subjects: Sequence[tuple[str, str, int]] = ()
    """(file, record id, line) of every record read, for formats that list each record
    (JUnit: one test case per record, passing or not)."""

    @property
    def summary(self) -> Summary:
        return Summary.of(self.findings, self.records, self.files)

    @property
    def failed(self) -> bool:
        """Whether an unwaived finding is at or above the fail level."""
        return fails(self.findings, self.fail_on)


def fails(findings: Iterable[Finding], fail_on: str) -> bool:
    """True when an unwaived finding is at or above `fail_on` (error | warning | info | never)."""
    if fail_on == "never":
        return False
    threshold = Severity(fail_on).rank
    return any(not f.waived and f.severity.rank >= threshold for f in findings)


FINDINGS_PER_FILE = 100
"""Findings shown per file; the rest are counted in one summary finding (a file of 241,000
unknown keys would otherwise take a minute to describe and print 88 MB of JSON)."""
_MORE = re.compile(r"^([0-9,]+) more findings? in this file not shown\b")
MORE_FINDINGS_HINT = (
    "Fix the findings shown (often one mistake repeated) and run again to see the rest."
)


def more_findings(
    first: Finding, count: int, severity: Severity | None = None, shown: int = FINDINGS_PER_FILE
) -> Finding:
    """The one finding that stands for `count` findings of `first.file` left out: at the
    place of the first one left out and with its rule (so `--select`, waivers and the
    fingerprint treat it like the findings it stands for), and the highest severity among
    them (so `--fail-on` still fails)."""
    noun = "finding" if count == 1 else "findings"
    return first.with_changes(
        message=f"{count:,} more {noun} in this file not shown (the first {shown} are)",
        severity=severity or first.severity,
        path=(),
        hint=MORE_FINDINGS_HINT,
        related=(),
    )


def hidden_count(finding: Finding) -> int:
    """How many findings a summary from `more_findings` stands for; 0 for any other."""
    if finding.hint != MORE_FINDINGS_HINT:
        return 0
    match = _MORE.match(finding.message)
    return int(match.group(1).replace(",", "")) if match else 0


def _capped(file: str) -> bool:
    """Record files are capped; findings about the repository as a whole (a missing
    mandatory document, a clause no audit covered) name the records folder and are not."""
    return file.lower().endswith((".yaml", ".yml"))


def cap_per_file(findings: Sequence[Finding], limit: int = FINDINGS_PER_FILE) -> list[Finding]:
    """At most `limit` findings per record file, in the given order, and then one summary
    finding for the rest of that file (earlier summaries folded into it)."""
    per_file: dict[str, int] = {}
    for f in findings:
        if _capped(f.file):
            per_file[f.file] = per_file.get(f.file, 0) + 1
    if all(n <= limit for n in per_file.values()) and not any(map(hidden_count, findings)):
        return list(findings)
    kept: list[Finding] = []
    shown: dict[str, int] = {}
    left_out: dict[str, list[Finding]] = {}
    for f in findings:
        folded = hidden_count(f)
        if not _capped(f.file):
            kept.append(f)
        elif folded or shown.get(f.file, 0) >= limit:
            left_out.setdefault(f.file, []).append(f)
        else:
            shown[f.file] = shown.get(f.file, 0) + 1
            kept.append(f)
    for group in left_out.values():
        count = sum(hidden_count(f) or 1 for f in group)
        first = min(group, key=lambda f: (f.line, f.column))
        unwaived = [f for f in group if not f.waived] or group
        severity = max((f.severity for f in unwaived), key=lambda s: s.rank)
        summary = more_findings(first, count, severity, limit)
        kept.append(summary.with_changes(waived=all(f.waived for f in group)))
    return kept


# --- numbers in messages ---------------------------------------------------------------------


def figure(value: float | Decimal) -> str:
    """A value from a record as it was written: 99.9999999, 99.9, 4, 0.25, 120000.

    Fifteen significant digits are as many as a float keeps of any decimal text, so a value
    read from YAML comes back as written, trailing zeros dropped (`99.90` reads 99.9), while
    the noise of float arithmetic (0.30000000000000004) is not shown. Nothing is rounded
    that could move a value across a target: 99.9999999 never reads as 100. Never in
    exponent form (0.00001, not 1e-05). Every rule message, report and export writes
    recorded values through here, so all three show the same digits."""
    if isinstance(value, Decimal):
        exact = value
    else:
        if not math.isfinite(value):
            return str(value)
        exact = Decimal(format(value, ".15g"))
    text = format(exact.normalize(), "f")
    return "0" if text == "-0" else text


def rounded(value: float, digits: int = 2) -> str:
    """A computed figure (minutes of downtime, a ceiling, a predicted value) for reading:
    320, 43.2, 0.43, at most `digits` decimals. Never for a value a record holds: that is
    `figure`, which does not round."""
    return figure(round(value, digits) + 0.0)  # + 0.0 turns -0.0 into 0.0
