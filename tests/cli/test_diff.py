"""`itsm diff` and `itsm history` on real temporary Git repositories."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.helpers import cli
from tests.helpers.git import edit, fixed_identity, git, new_repository
from tests.helpers.paths import fixture

FIXTURE = fixture("gitops")
TODAY = "2026-11-23"


@pytest.fixture(autouse=True)
def _git_identity(monkeypatch: pytest.MonkeyPatch) -> None:
    fixed_identity(monkeypatch)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A Git repository whose first commit (tagged `base`) holds the fixture records."""
    root = new_repository(FIXTURE, tmp_path / "sms")
    git(root, "tag", "base")
    monkeypatch.chdir(root)
    return root


def run_diff(*args: str) -> tuple[int, str]:
    result = cli.run("diff", "--today", TODAY, "--no-color", *args)
    assert "Traceback" not in result.output
    return result.exit_code, result.stdout


def test_no_change_reports_nothing_and_passes(repo: Path) -> None:
    code, out = run_diff("--base", "base")
    assert code == 0
    assert "no record changed" in out
    assert "Findings introduced: 0" in out


def test_field_change_in_working_tree_is_shown_with_old_and_new_value(repo: Path) -> None:
    edit(repo / "records/agreements/sla-web.yaml", "objective: 99.9", "objective: 99.5")
    _code, out = run_diff("--base", "base", "-f", "json")
    data = json.loads(out)
    assert data["head"] == "working tree"
    [record] = data["records"]
    assert record["id"] == "SLA-WEB"
    assert record["status"] == "changed"
    assert record["changes"] == [
        {
            "path": "spec.targets[availability].objective",
            "change": "changed",
            "old": 99.9,
            "new": 99.5,
        }
    ]


def test_text_output_names_field_path_matched_by_target_id(repo: Path) -> None:
    # Reordering the targets is not a change; the objective is matched by the target's id.
    path = repo / "records/agreements/sla-web.yaml"
    text = path.read_text()
    head, targets = text.split("  targets:\n")
    first, second = targets.split("    - id: p1-response\n")
    path.write_text(head + "  targets:\n    - id: p1-response\n" + second + first.replace(
        "objective: 99.9", "objective: 99.95"))
    _code, out = run_diff("--base", "base")
    assert "SLA-WEB spec.targets[availability].objective: 99.9 → 99.95" in out
    assert "p1-response" not in out


@pytest.mark.slow
def test_rename_is_a_rename_and_introduces_no_finding(repo: Path) -> None:
    # Removing `exceptions` gives a finding; moving the file afterwards must not make it new.
    edit(repo / "records/agreements/sla-web.yaml",
         "  exceptions: [Planned maintenance announced 5 days ahead]\n", "")
    git(repo, "commit", "-qam", "Drop exceptions")
    git(repo, "tag", "before-move")
    (repo / "records/slas").mkdir()
    git(repo, "mv", "records/agreements/sla-web.yaml", "records/slas/acme-web.yaml")
    git(repo, "commit", "-qm", "Move the SLA")
    code, out = run_diff("--base", "before-move", "--head", "HEAD", "-f", "json")
    data = json.loads(out)
    assert code == 0
    [record] = data["records"]
    assert record["status"] == "renamed"
    assert record["file"] == "records/slas/acme-web.yaml"
    assert record["oldFile"] == "records/agreements/sla-web.yaml"
    assert data["introduced"] == [] and data["resolved"] == []


@pytest.mark.slow
def test_introduced_error_fails_and_resolving_it_passes(repo: Path) -> None:
    # A broken reference (E004) introduced in the working tree fails the diff…
    edit(repo / "records/agreements/sla-web.yaml", "services: [SVC-WEB]", "services: [SVC-WEBB]")
    code, out = run_diff("--base", "base")
    assert code == 1
    assert "+ records/agreements/sla-web.yaml:" in out
    assert "E004 'SVC-WEBB' names no Service" in out
    # …and once committed, diffing the next fix against it shows the finding resolved.
    git(repo, "commit", "-qam", "Typo")
    edit(repo / "records/agreements/sla-web.yaml", "services: [SVC-WEBB]", "services: [SVC-WEB]")
    code, out = run_diff("--base", "HEAD", "-f", "json")
    data = json.loads(out)
    assert code == 0
    # The fixed reference also makes the SLA cover SVC-WEB again (SLM001 resolved).
    assert sorted(f["rule"] for f in data["resolved"]) == ["E004", "SLM001"]


@pytest.mark.slow
def test_fail_on_warning_and_exit_zero(repo: Path) -> None:
    edit(repo / "records/agreements/sla-web.yaml",
         "  exceptions: [Planned maintenance announced 5 days ahead]\n", "")
    # SLM003 is a warning, below the default fail level, but 8.3.3 drops to partial.
    code, out = run_diff("--base", "base")
    assert code == 1, out
    assert "8.3.3 Service level management: covered → partial" in out
    code, _ = run_diff("--base", "base", "--allow-coverage-drop")
    assert code == 0
    code, _ = run_diff("--base", "base", "--allow-coverage-drop", "--fail-on", "warning")
    assert code == 1
    code, _ = run_diff("--base", "base", "--fail-on", "warning", "--exit-zero")
    assert code == 0


def test_added_and_removed_records(repo: Path) -> None:
    (repo / "records/suppliers/sup-dc.yaml").unlink()
    shutil.copy(repo / "records/services/svc-web.yaml", repo / "records/services/svc-mail.yaml")
    edit(repo / "records/services/svc-mail.yaml", "id: SVC-WEB", "id: SVC-MAIL")
    edit(repo / "records/services/svc-mail.yaml", "dependsOn: [SUP-DC]", "dependsOn: []")
    edit(repo / "records/services/svc-web.yaml", "dependsOn: [SUP-DC]", "dependsOn: []")
    _code, out = run_diff("--base", "base", "-f", "json")
    statuses = {r["id"]: r["status"] for r in json.loads(out)["records"]}
    assert statuses["SUP-DC"] == "removed"
    assert statuses["SVC-MAIL"] == "added"
    assert statuses["SVC-WEB"] == "changed"


@pytest.mark.slow
def test_coverage_before_and_after_with_lost_clause_failing(repo: Path) -> None:
    # Retiring the only supplier record loses evidence for 8.3.4.1 (external suppliers).
    edit(repo / "records/suppliers/sup-dc.yaml", "status: approved", "status: retired")
    code, out = run_diff("--base", "base", "-f", "json")
    coverage = json.loads(out)["coverage"]
    moved = {c["id"]: (c["before"], c["after"]) for c in coverage["clauses"]}
    assert moved["8.3.4.1"][1] == "missing"
    assert moved["8.3.4.1"][0] != "missing"
    assert coverage["after"] < coverage["before"]
    assert code == 1
    code, out = run_diff("--base", "base", "--allow-coverage-drop", "--fail-on", "never")
    assert code == 0
    assert "Coverage:" in out and "8.3.4.1" in out


def test_markdown_comment_has_marker_and_verdict(repo: Path) -> None:
    edit(repo / "records/agreements/sla-web.yaml", "services: [SVC-WEB]", "services: [SVC-WEBB]")
    _code, out = run_diff("--base", "base", "-f", "markdown")
    assert out.startswith("<!-- itsm-diff -->\n### ❌ itsm:")
    assert "| E004 |" in out
    assert "`spec.services`: `[\"SVC-WEB\"]` → `[\"SVC-WEBB\"]`" in out


def test_unknown_base_is_one_line_error(repo: Path) -> None:
    result = cli.run("diff", "--base", "no-such-branch")
    assert result.exit_code == 2
    assert "unknown revision 'no-such-branch'" in result.output
    assert "Traceback" not in result.output


@pytest.mark.slow
def test_shallow_clone_says_how_to_fetch_more(repo: Path, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    edit(repo / "records/agreements/sla-web.yaml", "objective: 99.9", "objective: 99.8")
    git(repo, "commit", "-qam", "Lower objective")
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo}", str(clone)],
                   check=True, capture_output=True)
    monkeypatch.chdir(clone)
    result = cli.run("diff", "--base", "HEAD~1")
    assert result.exit_code == 2
    assert "shallow clone" in result.output
    assert "fetch-depth: 0" in result.output
    # A typo is not called missing history: the message leaves both causes open.
    result = cli.run("diff", "--base", "mian")
    assert result.stderr == (
        "itsm: error: unknown revision 'mian' — this is a shallow clone, which may not have "
        "it yet: fetch more history (`git fetch --unshallow`, or `fetch-depth: 0` in "
        "actions/checkout), or check the name\n"
    )


def test_records_root_missing_at_base_counts_everything_as_added(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "new"
    root.mkdir()
    (root / "README.md").write_text("SMS records\n")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-qm", "Empty repository")
    shutil.copytree(FIXTURE / "records", root / "records")
    shutil.copy(FIXTURE / "itsm.toml", root / "itsm.toml")
    monkeypatch.chdir(root)
    code, out = run_diff("--base", "HEAD", "-f", "json", "--fail-on", "never")
    data = json.loads(out)
    assert code == 0
    assert sorted(r["status"] for r in data["records"]) == ["added"] * 3
    assert data["coverage"]["before"] == 0.0


@pytest.mark.slow
def test_base_read_from_git_objects_leaves_working_tree_untouched(repo: Path) -> None:
    edit(repo / "records/agreements/sla-web.yaml", "objective: 99.9", "objective: 99.7")
    before = git(repo, "status", "--porcelain")
    run_diff("--base", "base")
    assert git(repo, "status", "--porcelain") == before
    assert "objective: 99.7" in (repo / "records/agreements/sla-web.yaml").read_text()


@pytest.mark.slow
def test_history_follows_renames_and_shows_field_changes(repo: Path) -> None:
    edit(repo / "records/agreements/sla-web.yaml", "objective: 99.9", "objective: 99.95")
    git(repo, "commit", "-qam", "Raise availability objective")
    edit(repo / "records/services/svc-web.yaml", "criticality: medium", "criticality: high")
    git(repo, "commit", "-qam", "Service change only")
    (repo / "records/slas").mkdir()
    git(repo, "mv", "records/agreements/sla-web.yaml", "records/slas/acme-web.yaml")
    git(repo, "commit", "-qm", "Move the SLA")
    result = cli.run("history", "SLA-WEB", "-f", "json")
    assert result.exit_code == 0, result.output
    commits = json.loads(result.output)["commits"]
    assert [c["message"] for c in commits] == [
        "Move the SLA",
        "Raise availability objective",
        "Initial records",
    ]
    assert [c["status"] for c in commits] == ["renamed", "changed", "added"]
    assert commits[1]["changes"] == [
        {"path": "spec.targets[availability].objective", "change": "changed",
         "old": 99.9, "new": 99.95}
    ]
    assert commits[1]["author"] == "Dana Auditor"
    text = cli.run("history", "SLA-WEB", "--no-color").output
    assert "spec.targets[availability].objective: 99.9 → 99.95" in text


def test_history_shows_uncommitted_changes_first(repo: Path) -> None:
    edit(repo / "records/services/svc-web.yaml", "criticality: medium", "criticality: critical")
    result = cli.run("history", "SVC-WEB", "--no-color")
    lines = result.output.splitlines()
    assert lines[1].startswith("uncommitted working tree [changed")
    assert "spec.criticality: medium → critical" in lines[2]


def test_history_of_unknown_id_suggests_the_closest(repo: Path) -> None:
    result = cli.run("history", "SLA-WEBB")
    assert result.exit_code == 2
    assert "no record with id 'SLA-WEBB'" in result.output
    assert "did you mean 'SLA-WEB'?" in result.output


@pytest.mark.slow
def test_markdown_comment_says_why_it_fails_and_follows_allow_coverage_drop(repo: Path) -> None:
    # Retiring the only supplier record loses 8.3.4.1 (introduced findings do not fail here).
    edit(repo / "records/suppliers/sup-dc.yaml", "status: approved", "status: retired")
    code, out = run_diff("--base", "base", "-f", "markdown", "--fail-on", "never")
    assert code == 1
    assert out.splitlines()[1].startswith("### ❌ itsm:")
    fails = next(line for line in out.splitlines() if line.startswith("**Fails:**"))
    assert "coverage lost on" in fails and "8.3.4.1" in fails
    assert "introduced finding" not in fails
    # Accepting the drop turns the verdict green, as it turns the exit status to 0.
    code, out = run_diff(
        "--base", "base", "-f", "markdown", "--fail-on", "never", "--allow-coverage-drop"
    )
    assert code == 0
    assert out.splitlines()[1].startswith("### ✅ itsm:")
    assert "**Fails:**" not in out


@pytest.mark.slow
def test_markdown_comment_counts_in_words_and_says_when_nothing_changed(repo: Path) -> None:
    code, out = run_diff("--base", "HEAD", "-f", "markdown")
    assert code == 0
    assert out.splitlines()[1] == (
        "### ✅ itsm: 0 findings introduced, 0 resolved; coverage "
        + out.splitlines()[1].split("coverage ")[1]
    )
    assert "No record changed." in out
    edit(repo / "records/agreements/sla-web.yaml", "services: [SVC-WEB]", "services: [SVC-WEBB]")
    _code, out = run_diff("--base", "base", "-f", "markdown")
    assert "(s)" not in out
    fails = next(line for line in out.splitlines() if line.startswith("**Fails:**"))
    assert fails.startswith("**Fails:** 2 introduced findings at or above `error` (")
    assert "E004" in fails


def test_markdown_comment_shows_angle_brackets_in_values_as_text(repo: Path) -> None:
    edit(repo / "records/agreements/sla-web.yaml", "workloadLimits: Up to 500 requests a second.",
         'workloadLimits: "<b>500</b> orders an hour"')
    _code, out = run_diff("--base", "base", "-f", "markdown")
    # In a code span, which GitHub renders as the very characters (no HTML)
    assert "→ `'<b>500</b> orders an hour'`" in out
    assert out.count("<b>") == 1


@pytest.mark.slow
def test_diff_is_the_same_when_parsing_is_shared_with_a_second_process(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from itsm_cli.records import load

    edit(repo / "records/agreements/sla-web.yaml", "objective: 99.9", "objective: 99.5")
    _code, alone = run_diff("--base", "base", "-f", "json")
    monkeypatch.setattr(load, "PARALLEL_FROM", 2)
    _code, shared = run_diff("--base", "base", "-f", "json")
    assert json.loads(shared) == json.loads(alone)
    assert json.loads(shared)["records"][0]["id"] == "SLA-WEB"


# --- a record invalid on one side ----------------------------------------------------------


def _break_sla(repo: Path) -> None:
    """SLA-WEB loses its required `customer` (E002) and its objective changes."""
    path = repo / "records/agreements/sla-web.yaml"
    edit(path, "  customer: Acme\n", "")
    edit(path, "objective: 99.9", "objective: 99.5")


@pytest.mark.slow
def test_record_invalid_at_base_is_changed_with_its_fields(repo: Path) -> None:
    _break_sla(repo)
    git(repo, "commit", "-qam", "Broken SLA")
    git(repo, "tag", "broken")
    edit(repo / "records/agreements/sla-web.yaml", "  services:", "  customer: Acme\n  services:")
    _code, out = run_diff("--base", "broken", "-f", "json")
    [record] = json.loads(out)["records"]
    assert record["status"] == "changed"
    assert record["invalid"] == {"base": ["E002"], "head": []}
    assert {c["path"]: (c["old"], c["new"]) for c in record["changes"]} == {
        "spec.customer": (None, "Acme")
    }
    _code, text = run_diff("--base", "broken")
    assert "~ SLA-WEB (SLA) changed (invalid at base: E002): records/agreements/sla-web.yaml" in (
        text
    )
    assert "SLA-WEB spec.customer: (absent) → Acme" in text
    assert "added" not in text.split("Findings introduced")[0]
    _code, markdown = run_diff("--base", "broken", "-f", "markdown")
    assert "- **SLA-WEB** (SLA) changed (invalid at base: E002)" in markdown


def test_record_invalid_at_head_is_changed_not_removed(repo: Path) -> None:
    _break_sla(repo)
    code, out = run_diff("--base", "base", "-f", "json")
    [record] = json.loads(out)["records"]
    assert (record["status"], record["invalid"]) == ("changed", {"base": [], "head": ["E002"]})
    assert [c["path"] for c in record["changes"]] == [
        "spec.customer", "spec.targets[availability].objective"
    ]
    assert code == 1  # the E002 is an introduced error
    _code, text = run_diff("--base", "base")
    assert "~ SLA-WEB (SLA) changed (invalid at head: E002)" in text


@pytest.mark.parametrize(
    ("tail", "code"),
    [("spec: [unclosed\n", "E001"), ("extra: !!python/name:os.system x\n", "E006")],
)
def test_record_whose_file_stops_parsing_is_changed_not_removed(
    repo: Path, tail: str, code: str
) -> None:
    """The parser gives no record at all, but the file's text names it: changed and
    invalid at head (as for E002), never removed."""
    path = repo / "records/agreements/sla-web.yaml"
    path.write_text(path.read_text() + tail)
    _exit, out = run_diff("--base", "base", "-f", "json")
    document = json.loads(out)
    [record] = document["records"]
    assert (record["id"], record["kind"], record["status"]) == ("SLA-WEB", "SLA", "changed")
    assert record["invalid"] == {"base": [], "head": [code]}
    assert record["changes"] == []  # nothing to compare with a file that did not parse
    assert {f["rule"] for f in document["introduced"] if f["rule"].startswith("E")} == {code}


def test_valid_records_say_nothing_of_validity(repo: Path) -> None:
    edit(repo / "records/agreements/sla-web.yaml", "objective: 99.9", "objective: 99.5")
    _code, out = run_diff("--base", "base", "-f", "json")
    [record] = json.loads(out)["records"]
    assert record["invalid"] == {"base": [], "head": []}
    _code, text = run_diff("--base", "base")
    assert "~ SLA-WEB (SLA) changed: records/agreements/sla-web.yaml" in text


def test_debug_reaches_the_rules_of_both_sides(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dataclasses import replace

    from itsm_cli.cli import main as cli_main
    from itsm_cli.findings import Finding
    from itsm_cli.rules import all_rules
    from itsm_cli.rules.registry import REGISTRY, RuleContext

    def explode(_context: RuleContext) -> list[Finding]:
        raise ZeroDivisionError("the rule divided by zero")

    monkeypatch.setitem(REGISTRY, "CAT001", replace(all_rules()["CAT001"], check=explode))
    _code, out = run_diff("--base", "base", "-f", "json", "--fail-on", "never")
    assert json.loads(out)["introduced"] == []  # the same crash on both sides
    with pytest.raises(ZeroDivisionError):
        cli_main.run(["diff", "--base", "base", "--today", TODAY, "--debug"])


def test_an_older_review_added_above_the_latest_changes_no_finding(repo: Path) -> None:
    """SUP004 points at the latest review; the fingerprint names that review by its date,
    not its place in the list, so writing an earlier review above it introduces nothing."""
    supplier = repo / "records/suppliers/sup-dc.yaml"
    original = supplier.read_text()

    def with_reviews(*reviews: str) -> None:
        block = "".join(f"    - {{{review}}}\n" for review in reviews)
        supplier.write_text(original.replace("spec:\n", "spec:\n  reviews:\n" + block, 1))

    with_reviews("date: 2026-06-30, outcome: fails")
    git(repo, "commit", "-qam", "A failed review")
    with_reviews("date: 2026-01-15, outcome: meets", "date: 2026-06-30, outcome: fails")
    code, out = run_diff("--base", "HEAD", "-f", "json")
    data = json.loads(out)
    assert [c["status"] for c in data["records"]] == ["changed"]
    assert (data["introduced"], data["resolved"]) == ([], [])
    assert code == 0
    # A later failed review is another finding: the old one resolved, the new introduced.
    with_reviews("date: 2026-06-30, outcome: fails", "date: 2026-07-01, outcome: fails")
    data = json.loads(run_diff("--base", "HEAD", "-f", "json")[1])
    assert [f["rule"] for f in data["introduced"]] == ["SUP004"]
    assert [f["rule"] for f in data["resolved"]] == ["SUP004"]


def test_a_copy_of_a_record_in_a_new_file_is_a_duplicate_not_a_rename(repo: Path) -> None:
    """The copy sorts first (`records/agreements/` before `records/suppliers/`), so the
    index holds it; the diff still compares the record where it was and reports E003."""
    copy = (repo / "records/suppliers/sup-dc.yaml").read_text().replace(
        "criticality: medium", "criticality: high"
    )
    (repo / "records/agreements/sup-dc-copy.yaml").write_text(copy)
    code, out = run_diff("--base", "base", "-f", "json")
    data = json.loads(out)
    assert code == 1
    assert [(c["id"], c["status"]) for c in data["records"]] == []
    assert "E003" in [f["rule"] for f in data["introduced"]]


def test_each_side_is_read_with_its_own_records_root(repo: Path) -> None:
    """A change that points the records root at an empty folder removes every record (and
    fails); one that moves the records with it renames them and introduces nothing."""
    config = repo / "itsm.toml"
    edit(config, 'records = "records"', 'records = "elsewhere"')
    code, out = run_diff("--base", "base", "-f", "json")
    data = json.loads(out)
    assert code == 1
    assert {c["status"] for c in data["records"]} == {"removed"}
    assert len(data["records"]) == 3
    assert data["coverage"]["after"] < data["coverage"]["before"]

    git(repo, "mv", "records", "elsewhere")
    code, out = run_diff("--base", "base", "-f", "json")
    data = json.loads(out)
    assert code == 0, out
    assert {c["status"] for c in data["records"]} == {"renamed"}
    assert (data["introduced"], data["resolved"]) == ([], [])
    git(repo, "commit", "-qam", "Move the records")
    code, out = run_diff("--base", "base", "--head", "HEAD", "-f", "json")
    assert code == 0
    assert {c["status"] for c in json.loads(out)["records"]} == {"renamed"}


def test_a_setting_changed_in_the_change_shows_in_its_findings(repo: Path) -> None:
    """Turning a rule off in itsm.toml resolves its findings in the diff, in plain view,
    rather than hiding them on both sides."""
    edit(repo / "records/agreements/sla-web.yaml", "services: [SVC-WEB]", "services: []")
    git(repo, "commit", "-qam", "An SLA for no service")
    git(repo, "tag", "broken")
    (repo / "itsm.toml").write_text('ignore = ["SLM001"]\n' + (repo / "itsm.toml").read_text())
    data = json.loads(run_diff("--base", "broken", "-f", "json")[1])
    assert "SLM001" in [f["rule"] for f in data["resolved"]]
