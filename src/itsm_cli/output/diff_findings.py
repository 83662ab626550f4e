"""What `itsm diff` shows in a findings format (sarif, github, junit, gitlab): the findings
the change introduces, as a findings report, since those formats' readers (code scanning,
annotations, test dashboards, Code Quality) know findings, not changed records."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from itsm_cli.findings import FindingsReport

if TYPE_CHECKING:
    from itsm_cli.findings import FailOn
    from itsm_cli.gitops.diff import DiffResult
    from itsm_cli.output import RenderOptions


def introduced(result: DiffResult, fail_on: FailOn) -> FindingsReport:
    """The introduced findings, counted over the head's records and files."""
    return FindingsReport(
        result.introduced,
        len(result.records),
        result.parsed_files,
        command="diff",
        fail_on=fail_on,
    )


def diff_renderer(
    render_findings: Callable[[FindingsReport, RenderOptions], str],
) -> Callable[..., str]:
    """A findings format's `render_diff`: its `render_findings` of the introduced findings
    (coverage is no finding, so `allow_coverage_drop` changes nothing here)."""

    def render_diff(
        result: DiffResult,
        options: RenderOptions,
        fail_on: FailOn = "error",
        allow_coverage_drop: bool = False,
    ) -> str:
        return render_findings(introduced(result, fail_on), options)

    return render_diff
