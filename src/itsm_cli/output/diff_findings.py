"""What `itsm diff` shows in a findings format (sarif, github, junit, gitlab): the findings
the change introduces, as a findings report, since those formats' readers (code scanning,
annotations, test dashboards, Code Quality) know findings, not changed records."""

from __future__ import annotations

from typing import TYPE_CHECKING

from itsm_cli.findings import FindingsReport

if TYPE_CHECKING:
    from itsm_cli.findings import FailOn
    from itsm_cli.gitops.diff import DiffResult


def introduced(result: DiffResult, fail_on: FailOn) -> FindingsReport:
    """The introduced findings, counted over the head's records and files."""
    return FindingsReport(
        result.introduced,
        len(result.records),
        result.parsed_files,
        command="diff",
        fail_on=fail_on,
    )
