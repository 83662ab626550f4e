"""`itsm history ID` on real temporary Git repositories (the fixture `tests/fixtures/gitops/`):
deleted records, commit metadata holding separator and control characters, terminal escapes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import cli
from tests.helpers.git import commit, edit, fixed_identity, git, new_repository
from tests.helpers.paths import fixture

FIXTURE = fixture("gitops")


@pytest.fixture(autouse=True)
def _git_identity(monkeypatch: pytest.MonkeyPatch) -> None:
    fixed_identity(monkeypatch)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = new_repository(FIXTURE, tmp_path / "sms")
    monkeypatch.chdir(root)
    return root


def history(*args: str) -> tuple[int, str]:
    result = cli.run("history", *args)
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.exit_code, result.output


def history_json(record_id: str) -> dict[str, Any]:
    code, out = history(record_id, "-f", "json")
    assert code == 0, out
    document: dict[str, Any] = json.loads(out)
    return document


# --- deleted records -----------------------------------------------------------------------


def _delete_the_supplier(repo: Path) -> None:
    sup = repo / "records/suppliers/sup-dc.yaml"
    edit(sup, "criticality: medium", "criticality: low")
    git(repo, "commit", "-qam", "Supplier is less critical")
    (repo / "records/vendors").mkdir()
    git(repo, "mv", "records/suppliers/sup-dc.yaml", "records/vendors/dc.yaml")
    git(repo, "commit", "-qm", "Move the supplier")
    edit(repo / "records/services/svc-web.yaml", "dependsOn: [SUP-DC]", "dependsOn: []")
    git(repo, "rm", "-q", "records/vendors/dc.yaml")
    git(repo, "commit", "-qam", "Drop the data-centre supplier")
    edit(repo / "records/services/svc-web.yaml", "criticality: medium", "criticality: high")
    git(repo, "commit", "-qam", "Later change elsewhere")


@pytest.mark.slow
def test_history_of_a_deleted_record_ends_with_its_deletion(repo: Path) -> None:
    _delete_the_supplier(repo)
    data = history_json("SUP-DC")
    assert data["deleted"] is True
    assert data["file"] == "records/vendors/dc.yaml"
    commits = data["commits"]
    assert [(c["message"], c["status"]) for c in commits] == [
        ("Drop the data-centre supplier", "removed"),
        ("Move the supplier", "renamed"),
        ("Supplier is less critical", "changed"),
        ("Initial records", "added"),
    ]
    assert data["deletedIn"] == git(repo, "rev-parse", "HEAD~1")
    assert commits[2]["changes"][0]["path"] == "spec.criticality"

    code, text = history("SUP-DC", "--no-color")
    assert code == 0
    lines = text.splitlines()
    short = git(repo, "rev-parse", "--short=8", "HEAD~1")
    assert lines[0] == f"History of SUP-DC (records/vendors/dc.yaml), deleted in {short}"
    assert lines[1].endswith("Drop the data-centre supplier [deleted: records/vendors/dc.yaml]")


def test_record_deleted_from_a_file_that_stays(repo: Path) -> None:
    """A record removed from a file holding two records: the file lives on."""
    services = repo / "records/services/svc-web.yaml"
    mail = services.read_text().replace("SVC-WEB", "SVC-MAIL").replace("[SUP-DC]", "[]")
    services.write_text(services.read_text() + "---\n" + mail)
    git(repo, "commit", "-qam", "Add the mail service")
    services.write_text(services.read_text().split("---\n")[0])
    git(repo, "commit", "-qam", "Mail is gone")
    data = history_json("SVC-MAIL")
    assert [(c["message"], c["status"]) for c in data["commits"]] == [
        ("Mail is gone", "removed"),
        ("Add the mail service", "added"),
    ]


def test_record_deleted_in_the_working_tree_only(repo: Path) -> None:
    (repo / "records/suppliers/sup-dc.yaml").unlink()
    data = history_json("SUP-DC")
    assert (data["deleted"], data["deletedIn"]) == (True, None)
    assert [(c["message"], c["status"]) for c in data["commits"]] == [
        ("uncommitted changes", "removed"),
        ("Initial records", "added"),
    ]


@pytest.mark.slow
def test_an_id_no_commit_ever_held_is_still_unknown(repo: Path) -> None:
    _delete_the_supplier(repo)
    code, out = history("SUP-DCC")
    assert code == 2
    assert "no record with id 'SUP-DCC' in the working tree or its Git history" in out


def test_a_record_invalid_in_the_working_tree_is_there_not_deleted(repo: Path) -> None:
    """A schema error (E002) is a change to a record that still exists; a file that no
    longer parses (E006) too, though its fields cannot be compared."""
    supplier = repo / "records/suppliers/sup-dc.yaml"
    edit(supplier, "criticality: medium", "criticality: severe")
    data = history_json("SUP-DC")
    assert (data["deleted"], data["deletedIn"], data["invalid"]) == (False, None, ["E002"])
    assert [(c["message"], c["status"]) for c in data["commits"]] == [
        ("uncommitted changes", "changed"),
        ("Initial records", "added"),
    ]
    assert data["commits"][0]["changes"][0]["new"] == "severe"
    code, text = history("SUP-DC", "--no-color")
    assert code == 0
    assert text.splitlines()[0] == (
        "History of SUP-DC (records/suppliers/sup-dc.yaml), invalid in the working tree (E002)"
    )
    assert "deleted" not in text

    supplier.write_text(supplier.read_text() + "  extra: [unclosed\n")
    data = history_json("SUP-DC")
    assert data["deleted"] is False
    assert data["invalid"] == ["E001"]
    first = data["commits"][0]
    assert (first["message"], first["status"], first["changes"]) == (
        "uncommitted changes", "changed", [],
    )


def test_a_record_moved_into_another_file_keeps_its_earlier_commits(repo: Path) -> None:
    """Git sees a file deleted and another changed, not a rename: the record is followed."""
    services = repo / "records/services/svc-web.yaml"
    supplier_text = (repo / "records/suppliers/sup-dc.yaml").read_text().replace(
        "criticality: medium", "criticality: high"
    )
    edit(repo / "records/suppliers/sup-dc.yaml", "criticality: medium", "criticality: high")
    git(repo, "commit", "-qam", "Supplier is more critical")
    services.write_text(services.read_text() + "---\n" + supplier_text)
    git(repo, "rm", "-q", "records/suppliers/sup-dc.yaml")
    git(repo, "commit", "-qam", "Keep the supplier with its service")
    edit(services, "reference: CT-100", "reference: CT-200")
    git(repo, "commit", "-qam", "New contract")
    data = history_json("SUP-DC")
    assert data["file"] == "records/services/svc-web.yaml"
    assert [(c["message"], c["status"], c["oldFile"]) for c in data["commits"]] == [
        ("New contract", "changed", None),
        ("Keep the supplier with its service", "moved", "records/suppliers/sup-dc.yaml"),
        ("Supplier is more critical", "changed", None),
        ("Initial records", "added", None),
    ]
    assert data["commits"][1]["changes"] == []
    code, text = history("SUP-DC", "--no-color")
    assert code == 0
    assert (
        "Keep the supplier with its service "
        "[moved: records/suppliers/sup-dc.yaml → records/services/svc-web.yaml]"
    ) in text


def _supplier_into_the_service_file(repo: Path, subject: str) -> Path:
    """A change to SUP-DC, then SUP-DC written into the Service's file as a second document
    (committed with `subject`): the file it is in now."""
    edit(repo / "records/suppliers/sup-dc.yaml", "criticality: medium", "criticality: high")
    git(repo, "commit", "-qam", "Supplier is more critical")
    supplier = repo / "records/suppliers/sup-dc.yaml"
    services = repo / "records/services/svc-web.yaml"
    services.write_text(services.read_text() + "---\n" + supplier.read_text())
    git(repo, "commit", "-qam", subject)
    return services


def test_a_record_copied_into_another_file_keeps_the_original_commits(repo: Path) -> None:
    """A copy (an E003 duplicate while the original lives on) is followed to the original,
    whose later commits are the duplicate's, not the record's."""
    _supplier_into_the_service_file(repo, "Copy the supplier")
    git(repo, "rm", "-q", "records/suppliers/sup-dc.yaml")
    git(repo, "commit", "-qm", "Drop the original")
    data = history_json("SUP-DC")
    assert [(c["message"], c["status"], c["oldFile"]) for c in data["commits"]] == [
        ("Copy the supplier", "copied", "records/suppliers/sup-dc.yaml"),
        ("Supplier is more critical", "changed", None),
        ("Initial records", "added", None),
    ]


# --- what commit metadata may hold ---------------------------------------------------------


@pytest.mark.slow
def test_a_new_record_in_a_file_git_takes_for_a_copy_is_added_from_no_file(repo: Path) -> None:
    """Git may see a new file as a copy of a similar one; the record was never in that one,
    so its first commit is `added` with no `oldFile`."""
    web = repo / "records/services/svc-web.yaml"
    twin = repo / "records/services/svc-twin.yaml"
    twin.write_text(web.read_text().replace("SVC-WEB", "SVC-TWIN"))
    commit(repo, "A twin of the web service")
    [entry] = history_json("SVC-TWIN")["commits"]
    assert (entry["status"], entry["file"], entry["oldFile"]) == (
        "added", "records/services/svc-twin.yaml", None
    )


def test_subject_with_record_separator_and_author_with_unit_separator(repo: Path) -> None:
    """U+001E and U+001F were the old log format's own separators."""
    edit(repo / "records/agreements/sla-web.yaml", "objective: 99.9", "objective: 99.8")
    import os

    env = {**os.environ, "GIT_AUTHOR_NAME": "Ana\x1fBel", "GIT_AUTHOR_EMAIL": "ab@example.com"}
    git(repo, "commit", "-qam", "Lower\x1e the objective", env=env)
    data = history_json("SLA-WEB")
    first = data["commits"][0]
    assert first["message"] == "Lower\x1e the objective"
    assert (first["author"], first["email"]) == ("Ana\x1fBel", "ab@example.com")
    assert first["changes"][0]["path"] == "spec.targets[availability].objective"
    code, text = history("SLA-WEB", "--no-color")
    assert code == 0
    assert "Ana\\x1fBel — Lower\\x1e the objective [changed:" in text


def test_terminal_escapes_in_values_and_subjects_are_shown_not_sent(repo: Path) -> None:
    osc = "\x1b]8;;https://evil.example\x07click\x1b]8;;\x07"
    edit(repo / "records/agreements/sla-web.yaml", "customer: Acme", f'customer: "{_yaml(osc)}"')
    git(repo, "commit", "-qam", "Retitle \x1b[2J\x9b31m")
    code, text = history("SLA-WEB", "--no-color")
    assert code == 0
    for raw in ("\x1b", "\x07", "\x9b"):
        assert raw not in text
    assert "Retitle \\x1b[2J\\x9b31m" in text
    assert "spec.customer: Acme → \\x1b]8;;https://evil.example\\x07click" in text
    assert text.count("\n") == len(text.splitlines())  # newlines are the only line breaks
    # JSON keeps the exact values: its escaping is the reader's business.
    assert history_json("SLA-WEB")["commits"][0]["changes"][0]["new"] == osc


def _yaml(text: str) -> str:
    """`text` inside a double-quoted YAML scalar (control characters as \\x escapes)."""
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text)


@pytest.mark.slow
def test_merges_and_subjects_that_look_like_log_output(repo: Path) -> None:
    """A merged branch (no combined diff is read) and a subject shaped like a raw diff line."""
    git(repo, "checkout", "-q", "-b", "feature")
    edit(repo / "records/agreements/sla-web.yaml", "objective: 99.9", "objective: 99.8")
    git(repo, "commit", "-qam", ":100644 100644 " + "0" * 40 + " " + "0" * 40 + " D")
    git(repo, "checkout", "-q", "main")
    edit(repo / "records/services/svc-web.yaml", "criticality: medium", "criticality: high")
    git(repo, "commit", "-qam", "Service on main")
    git(repo, "merge", "-q", "--no-ff", "-m", "Merge feature", "feature")
    data = history_json("SLA-WEB")
    assert [(c["message"][:8], c["status"]) for c in data["commits"]] == [
        (":100644 ", "changed"),
        ("Initial ", "added"),
    ]
    assert data["commits"][0]["changes"][0]["new"] == 99.8
    code, out = history("--", "-SLA-WEB")
    assert code == 2
    assert "'-SLA-WEB' is not a record id" in out  # never passed to git as an option


@pytest.mark.parametrize("given", ["", " ", "-S"])
def test_an_argument_git_could_misread_is_a_usage_error(given: str) -> None:
    result = cli.run("history", "--", given)
    assert result.exit_code == 2
    assert f"'{given}' is not a record id: capitals, digits and hyphens" in result.output
    assert "switch" not in result.output
