"""`itsm diff --format markdown`: a compact pull-request comment, under GitHub's 65,536
character limit (truncated with a note)."""

from __future__ import annotations

from itsm_cli.findings import Finding
from itsm_cli.gitops.changes import show_value
from itsm_cli.gitops.diff import DiffResult
from itsm_cli.output import RenderOptions
from itsm_cli.output.markdown import cell as _cell
from itsm_cli.output.markdown import code as _code
from itsm_cli.output.markdown import plural

LIMIT = 65_000
MARKER = "<!-- itsm-diff -->"


def _finding_row(finding: Finding) -> str:
    waived = " (waived)" if finding.waived else ""
    return (
        f"| {_code(f'{finding.file}:{finding.line}')} | {finding.rule} "
        f"| {finding.severity.value}{waived} "
        f"| {_cell(finding.record or '')} | {_cell(finding.message)} |"
    )


def render_diff(
    result: DiffResult,
    options: RenderOptions,
    fail_on: str = "error",
    allow_coverage_drop: bool = False,
) -> str:
    failing = result.failing(fail_on)
    lost = [] if allow_coverage_drop else result.lost_coverage
    verdict = "❌" if failing or lost else "✅"
    delta = result.score_after - result.score_before
    head = [
        MARKER,
        f"### {verdict} itsm: {plural(len(result.introduced), 'finding')} introduced, "
        f"{len(result.resolved)} resolved; coverage {result.score_before:.1f} → "
        f"{result.score_after:.1f} ({delta:+.1f})",
        "",
        f"Compared {_code(result.base, False)} → {_code(result.head, False)}.",
        "",
    ]
    reasons = []
    if failing:
        reasons.append(
            f"{plural(len(failing), 'introduced finding')} at or above `{fail_on}` "
            f"({', '.join(sorted({f.rule for f in failing}))})"
        )
    if lost:
        reasons.append("coverage lost on " + ", ".join(c.id for c in lost))
    if reasons:
        head += ["**Fails:** " + "; ".join(reasons) + ".", ""]
    if not result.records:
        head += ["No record changed.", ""]
    body: list[str] = []
    for heading, findings in (
        ("Introduced findings", result.introduced),
        ("Resolved findings", result.resolved),
    ):
        if findings:
            body += [
                f"#### {heading}",
                "",
                "| where | rule | severity | record | message |",
                "|---|---|---|---|---|",
            ]
            body += [_finding_row(f) for f in findings]
            body.append("")
    if result.clauses:
        body += ["#### Clause coverage", "", "| clause | before | after |", "|---|---|---|"]
        for c in result.clauses:
            after = f"**{c.after}**" if c.worse else c.after
            body.append(f"| {c.id} {_cell(c.title)} | {c.before} | {after} |")
        body.append("")
    if result.records:
        body += [f"<details><summary>Changed records ({len(result.records)})</summary>", ""]
        for record in result.records:
            where = (
                f"{_code(record.old_file, False)} → {_code(record.file, False)}"
                if record.old_file
                else _code(record.file, False)
            )
            body.append(f"- **{_cell(record.id)}** ({record.kind}) {record.status_text}: {where}")
            for change in record.changes:
                # Keys and values are the record's text, shown as code: inert (no link,
                # image, mention or HTML).
                body.append(
                    f"  - {_code(change.path, False)}: {_code(show_value(change.old), False)} → "
                    f"{_code(show_value(change.new), False)}"
                )
        body += ["", "</details>", ""]
    text = "\n".join(head)
    for index, line in enumerate(body):
        if len(text) + len(line) + 200 > LIMIT:
            text += (
                f"\n\n_… truncated: {len(body) - index} more line(s) left out to stay within "
                "GitHub's comment limit; run `itsm diff` locally for the rest._\n"
            )
            return text
        text += "\n" + line
    return text + "\n"
