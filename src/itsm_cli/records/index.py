"""The repository index: every record by id and by kind, with the cross-record checks
(E003 duplicate ids, E004 broken references) that need all of them."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

from itsm_cli.findings import Finding
from itsm_cli.records import codes
from itsm_cli.records.errors import suggest
from itsm_cli.records.load import (
    InvalidRecord,
    LoadedRecord,
    LoadResult,
    Omission,
    discover,
    load_files,
)
from itsm_cli.records.models import Record
from itsm_cli.records.workspace import Workspace

if TYPE_CHECKING:
    from itsm_cli.records.cache import ResultsCache

R = TypeVar("R", bound=Record)
T = TypeVar("T")
_CLAUSES = ("7.5.3",)


@dataclass(slots=True)
class RepoIndex:
    """All valid records of a repository, looked up by id or kind."""

    records: list[LoadedRecord[Record]]
    by_id: dict[str, LoadedRecord[Record]] = field(default_factory=dict)
    by_kind: dict[str, list[LoadedRecord[Record]]] = field(default_factory=dict)
    broken: dict[str, str] = field(default_factory=dict)
    derived: dict[Callable[..., Any], Any] = field(default_factory=dict, repr=False, compare=False)
    """What `derive` worked out, by the function that worked it out."""

    def derive(self, question: Callable[[RepoIndex], T]) -> T:
        """`question(self)`, worked out once per index and kept: an index is not changed once
        built, and reports ask the same question for each of their records (asked each time,
        the cost was the product of two sizes). The answer is shared: read it, never change
        it."""
        try:
            return cast(T, self.derived[question])
        except KeyError:
            answer = self.derived[question] = question(self)
            return answer

    def of_kind(self, cls: type[R]) -> list[LoadedRecord[R]]:
        """Records of one kind, in file order."""
        return cast(list[LoadedRecord[R]], self.by_kind.get(cls.KIND, []))

    def get(self, record_id: str, cls: type[R] | None = None) -> LoadedRecord[R] | None:
        """The record with this id, if it exists (and is of `cls` when given)."""
        found = self.by_id.get(record_id)
        if found is None or (cls is not None and not isinstance(found.model, cls)):
            return None
        return cast(LoadedRecord[R], found)

    def __len__(self) -> int:
        return len(self.records)


def _duplicates(records: Sequence[LoadedRecord[Record]], index: RepoIndex) -> Iterator[Finding]:
    for record in records:
        first = index.by_id.get(record.id)
        if first is None:
            index.by_id[record.id] = record
            index.by_kind.setdefault(record.kind, []).append(record)
            continue
        where = f"{first.file}:{first.position(('metadata', 'id'))[0]}"
        finding = record.record_code_finding(
            codes.E003,
            f"id '{record.id}' is already used by the record at {where}",
            ("metadata", "id"),
        )
        yield finding.with_changes(related=(where,))


SUGGESTION_BUDGET = 50
"""Distinct missing ids that get a "did you mean": each search compares the id with every
record's (about 15 ms in 10,000 records), so a file of thousands of broken references must
not make the run hang."""


def _references(index: RepoIndex) -> Iterator[Finding]:
    candidates: dict[tuple[str, ...], list[str]] = {}
    guesses: dict[tuple[str, tuple[str, ...]], str | None] = {}
    for record in index.records:
        if index.by_id.get(record.id) is not record:
            continue  # a duplicate: already reported
        for path, ref, kinds in record.model.references():
            target = index.by_id.get(ref)
            if target is None:
                if ref in index.broken:
                    continue  # its own E002 already explains it
                if (ref, kinds) in guesses:
                    guess = guesses[ref, kinds]
                elif len(guesses) < SUGGESTION_BUDGET:
                    if kinds not in candidates:
                        candidates[kinds] = [
                            r.id for r in index.records if not kinds or r.kind in kinds
                        ]
                    guess = guesses[ref, kinds] = suggest(ref, candidates[kinds])
                else:
                    guess = None
                expected = " or ".join(kinds) if kinds else "record"
                message = f"'{ref}' names no {expected}"
                if guess:
                    message += f" (did you mean '{guess}'?)"
                yield record.record_code_finding(codes.E004, message, path)
            elif kinds and target.kind not in kinds:
                yield record.record_code_finding(
                    codes.E004,
                    f"'{ref}' is a {target.kind}, but a {' or '.join(kinds)} is expected here",
                    path,
                    f"Name a {' or '.join(kinds)} here.",
                )
        yield from _kind_specific(record, index)


def _kind_specific(record: LoadedRecord[Record], index: RepoIndex) -> Iterator[Finding]:
    # Told apart by `KIND` before any class is named, so that a run meeting no Measurement
    # and no OLA never imports their models.
    kind = record.model.KIND
    if kind == "Measurement":
        yield from _unknown_targets(record, index)
    elif kind == "OLA":
        yield from _provider_not_internal(record, index)


def _unknown_targets(record: LoadedRecord[Record], index: RepoIndex) -> Iterator[Finding]:
    from itsm_cli.records.kinds.agreements import OLA, SLA
    from itsm_cli.records.kinds.measurement import Measurement

    model = record.model
    assert isinstance(model, Measurement)
    agreement = index.by_id.get(model.spec.agreement)
    if agreement is None or not isinstance(agreement.model, (SLA, OLA)):
        return
    target_ids = [t.id for t in agreement.model.spec.targets]
    for key in model.spec.values:
        if key not in target_ids:
            guess = suggest(key, target_ids)
            tip = f" (did you mean '{guess}'?)" if guess else ""
            yield record.record_code_finding(
                codes.E004,
                f"{agreement.id} has no target '{key}'{tip}",
                ("spec", "values", key),
                "Targets of that agreement: " + ", ".join(target_ids) + ".",
            )


def _provider_not_internal(record: LoadedRecord[Record], index: RepoIndex) -> Iterator[Finding]:
    from itsm_cli.records.kinds.agreements import OLA
    from itsm_cli.records.kinds.supplier import Supplier

    model = record.model
    assert isinstance(model, OLA)
    provider = index.by_id.get(model.spec.provider)
    if provider is not None and not (
        isinstance(provider.model, Supplier) and provider.model.spec.type == "internal"
    ):
        yield record.record_code_finding(
            codes.E004,
            f"provider '{provider.id}' is a {provider.kind}, not a Supplier of type internal",
            ("spec", "provider"),
            codes.E004_INTERNAL_PROVIDER,
        )


def build_index(
    loaded: LoadResult, cross_checks: bool = True
) -> tuple[RepoIndex, list[Finding]]:
    """Index the valid records; E003 and E004 findings for what does not fit together
    (none when `cross_checks` is off, e.g. for a pre-commit hook that sees only some files)."""
    index = RepoIndex(records=loaded.records, broken=dict(loaded.broken))
    findings = list(_duplicates(loaded.records, index))  # also fills the index
    if not cross_checks:
        return index, []
    findings.extend(_references(index))
    return index, findings


@dataclass(slots=True)
class Repository:
    """What one run loaded: the index, every finding so far, and the files read."""

    workspace: Workspace
    index: RepoIndex
    findings: list[Finding]
    files: list[str]
    focus: frozenset[str] | None = None
    """When the user named paths inside the records root: the files they named. Everything
    under the root is loaded (rules need every record), but only these files are reported."""
    left_out: list[Omission] = field(default_factory=list)
    """What is in no rule's or report's view, and why: files not read, records that failed
    validation, the second record of a duplicate id."""
    invalid: list[InvalidRecord] = field(default_factory=list)
    """The records with an id that failed validation, as written (`history` and `diff`
    follow them too)."""

    def invalid_records(self) -> dict[str, tuple[InvalidRecord, tuple[str, ...]]]:
        """Each record that failed validation and is not also a valid record (the first,
        when an id is written twice), with the E00x codes that made it invalid: its own
        findings' codes, else those of its file (a file that did not parse names no record)."""
        own: dict[str, set[str]] = {}
        in_file: dict[str, set[str]] = {}
        for finding in self.findings:
            if finding.rule in codes.RECORD_CODES:
                in_file.setdefault(finding.file, set()).add(finding.rule)
                if finding.record:
                    own.setdefault(finding.record, set()).add(finding.rule)
        found: dict[str, tuple[InvalidRecord, tuple[str, ...]]] = {}
        for record in self.invalid:
            if record.id in found or record.id in self.index.by_id:
                continue
            codes_found = own.get(record.id) or in_file.get(record.file) or {"E002"}
            found[record.id] = (record, tuple(sorted(codes_found)))
        return found

    def in_focus(self, findings: Iterable[Finding]) -> list[Finding]:
        """The findings about the named files (all of them when no path was named)."""
        if self.focus is None:
            return list(findings)
        return [f for f in findings if f.file in self.focus]

    @property
    def reported_files(self) -> int:
        return len(self.files) if self.focus is None else len(self.focus)

    @property
    def reported_records(self) -> int:
        if self.focus is None:
            return len(self.index)
        return sum(1 for r in self.index.records if r.file in self.focus)


def _under(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except (ValueError, OSError, RuntimeError):
        return False
    return True


def load_repository(
    workspace: Workspace,
    paths: Sequence[Path] = (),
    cross_checks: bool = True,
    keep_data: bool = True,
    parallel: bool = False,
    cache: ResultsCache | None = None,
) -> Repository:
    """Load, validate and index the records under `paths` (default: the records root).

    Paths inside the records root are checked in the context of every record there (a
    reference from a named file to another file is not "missing"); paths elsewhere are a
    record set of their own. `cross_checks=False` skips E003 and E004 (duplicate ids,
    references), which need every record: schema checks of the named files only.
    `keep_data=False` drops each valid record's plain data (`document.data`) once its model
    is built, for commands that read only models and positions (a quarter less memory).
    `parallel=True` parses many files in a second, forked process (the CLI's choice; off by
    default, since a library must not fork its caller unasked). A results `cache`
    (`records.cache`) spares parsing the files that did not change."""
    root = workspace.records_root
    focus: frozenset[str] | None = None
    named_findings: list[Finding] = []
    targets = list(paths) or [root]
    # realpath, not resolve(): a looping link given as a path must become a finding, and
    # resolve() raises on it
    naming_root = any(os.path.realpath(p) == os.path.realpath(root) for p in paths)
    if (
        paths
        and not naming_root
        and cross_checks
        and root.is_dir()
        and all(_under(p, root) for p in paths)
    ):
        named, named_findings = discover(targets, workspace.root)
        focus = frozenset([rel for _, rel in named] + [f.file for f in named_findings])
        targets = [root]
    files, findings = discover(targets, workspace.root)
    if focus is not None:
        # What discovering the named paths found (a pipe, a broken link) is reported even
        # where the walk of the whole root words it differently or does not meet it.
        seen = {(f.rule, f.file) for f in findings}
        findings.extend(f for f in named_findings if (f.rule, f.file) not in seen)
    loaded = load_files(files, workspace.config.max_file_size, keep_data, parallel, cache)
    index, cross = build_index(loaded, cross_checks)
    left_out = [Omission.of(f, "could not be read", whole_file=True) for f in findings]
    left_out.extend(loaded.left_out)
    left_out.extend(duplicates_left_out(index))
    findings.extend(loaded.findings)
    findings.extend(cross)
    return Repository(workspace, index, findings, loaded.files, focus, left_out, loaded.invalid)


def duplicates_left_out(index: RepoIndex) -> list[Omission]:
    """The records not indexed because an earlier record has their id (E003)."""
    return [
        Omission(
            record.id,
            record.file,
            record.position(("metadata", "id"))[0],
            "E003",
            "repeats the id of another record",
        )
        for record in index.records
        if index.by_id.get(record.id) is not record
    ]
