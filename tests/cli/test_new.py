"""`itsm new KIND ID`: a record from its template, in its folder, with placeholders that make
`itsm validate` fail until they are filled in (fixtures: tests/fixtures/authoring/new and
nested, copied to a temporary folder)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from itsm_cli.cli import authoring
from itsm_cli.records.models import KINDS
from tests.helpers import cli
from tests.helpers.paths import fixture

FIXTURES = fixture("authoring")


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(FIXTURES / "new", root)
    monkeypatch.chdir(root)
    return root


def new(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = cli.run("new", *args, input=stdin)
    assert "Traceback" not in result.output
    return result.exit_code, result.stdout, result.stderr


def validate(*args: str) -> tuple[int, str]:
    result = cli.run("validate", "--today", "2026-11-23", *args)
    return result.exit_code, result.stdout


def test_writes_the_template_into_the_conventional_folder(repo: Path) -> None:
    code, out, _ = new("sla", "SLA-WEB", "--no-input")
    assert code == 0
    path = repo / "records" / "agreements" / "sla-web.yaml"
    assert out.splitlines()[0] == "Created records/agreements/sla-web.yaml (SLA SLA-WEB)."
    text = path.read_text()
    lines = text.splitlines()
    assert lines[0] == "# yaml-language-server: $schema=../../schemas/sla.schema.json"
    assert "kind: SLA" in lines
    assert "  id: SLA-WEB" in lines
    assert "  status: draft" in lines
    assert '  customer: "<fill in: the customer the agreement is with>"' in lines


def test_placeholders_make_validate_fail_saying_what_to_fill_in(repo: Path) -> None:
    _, out, _ = new("sla", "SLA-WEB", "--no-input")
    assert "Still to fill in (`itsm validate` reports these until they are):" in out
    assert (
        "  records/agreements/sla-web.yaml:11:3: spec.customer: placeholder not filled in: "
        "the customer the agreement is with" in out.splitlines()
    )
    code, report = validate()
    assert code == 1
    assert (
        "records/agreements/sla-web.yaml:11:3: E002 spec.customer: placeholder not filled in: "
        "the customer the agreement is with" in report
    )
    for field in ("metadata.title", "metadata.owner", "spec.services[0]", "spec.validFrom",
                  "spec.validUntil", "spec.targets[0].objective"):
        assert f"E002 {field}: placeholder not filled in: " in report
    assert report.count("placeholder not filled in") == 7


def test_kind_is_case_insensitive(repo: Path) -> None:
    for kind, record_id, folder in (
        ("SLA", "SLA-A", "agreements"),
        ("Sla", "SLA-B", "agreements"),
        ("capacity-plan", "CAP-A", "capacity"),
        ("CONTINUITYPLAN", "CON-A", "continuity"),
    ):
        code, _, err = new(kind, record_id, "--no-input")
        assert code == 0, err
        assert (repo / "records" / folder / f"{record_id.lower()}.yaml").is_file()


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_template_fails_only_on_its_placeholders(repo: Path, kind: str) -> None:
    record_id = f"{kind.upper()[:3]}-NEW"
    code, out, _ = new(kind, record_id, "--no-input")
    assert code == 0
    file = out.split()[1]
    code, report = validate("--schema-only", file)
    findings = [line for line in report.splitlines() if ": E0" in line]
    assert code == 1
    assert findings
    assert all("placeholder not filled in: " in line for line in findings), findings


def test_title_and_set_fill_in_nested_values(repo: Path) -> None:
    code, out, err = new(
        "service", "SVC-PAYROLL", "--title", "Payroll", "--no-input",
        "--set", "metadata.owner=Jane Doe",
        "--set", "spec.description=Monthly payroll runs",
        "--set", "spec.lifecycle=live",
        "--set", "spec.criticality=medium",
        "--set", "spec.dependsOn=SVC-WEB",
        "--set", "metadata.labels.region=emea",
        "--set", "metadata.lastReviewed=2026-11-01",
    )
    assert code == 0, err
    assert "Still to fill in" not in out
    text = (repo / "records" / "services" / "svc-payroll.yaml").read_text()
    assert "  title: Payroll\n  owner: Jane Doe\n  status: draft\n" in text
    assert "  lastReviewed: 2026-11-01\n" in text
    assert "  labels:\n    region: emea\n" in text
    assert "  lifecycle: live\n  criticality: medium\n" in text
    assert "  dependsOn: [SVC-WEB]\n" in text
    assert validate("records/services/svc-payroll.yaml", "records/services/svc-web.yaml")[0] == 0


def test_set_values_are_read_as_yaml(repo: Path) -> None:
    new(
        "sla", "SLA-TYPES", "--no-input",
        "--set", "spec.targets.0.objective=99.95",
        "--set", "spec.services=[SVC-WEB, SVC-DRAFT]",
        "--set", "spec.validFrom=2026-01-01",
        "--set", "spec.serviceHours=24x7",
    )
    text = (repo / "records" / "agreements" / "sla-types.yaml").read_text()
    assert "      objective: 99.95\n" in text
    assert "  services: [SVC-WEB, SVC-DRAFT]\n" in text
    assert "  validFrom: 2026-01-01\n" in text
    assert "  serviceHours: 24x7\n" in text


def test_refuses_an_id_that_exists_anywhere(repo: Path) -> None:
    code, _, err = new("service", "SVC-WEB", "--no-input")
    assert code == 2
    assert "id SVC-WEB is already used: records/services/svc-web.yaml:4" in err
    code, _, err = new("sla", "SVC-WEB", "--no-input")
    assert code == 2
    # Also an id whose record does not validate, in an unusual folder.
    code, _, err = new("service", "SVC-DRAFT", "--no-input")
    assert code == 2
    assert (
        "id SVC-DRAFT is already used: records/elsewhere/draft.yaml (a record that does not "
        "validate yet)" in err
    )
    assert not (repo / "records" / "services" / "svc-draft.yaml").exists()


def test_refuses_a_bad_id(repo: Path) -> None:
    code, _, err = new("service", "svc-payroll", "--no-input")
    assert code == 2
    assert "'svc-payroll' is not a valid id: ids are upper case (did you mean SVC-PAYROLL?)" in err
    code, _, err = new("service", "SVC_PAYROLL", "--no-input")
    assert code == 2
    assert "capitals, digits and hyphens" in err


def test_refuses_an_unknown_kind(repo: Path) -> None:
    code, _, err = new("servce", "SVC-X", "--no-input")
    assert code == 2
    assert "unknown kind 'servce' (did you mean Service?)" in err


def test_refuses_a_bad_set(repo: Path) -> None:
    code, _, err = new("service", "SVC-X", "--no-input", "--set", "spec.lifecyle=live")
    assert code == 2
    assert "--set spec.lifecyle: spec has no field 'lifecyle' (did you mean 'lifecycle'?)" in err
    code, _, err = new("service", "SVC-X", "--no-input", "--set", "metadata.id=SVC-Y")
    assert code == 2
    assert "fixed by `itsm new KIND ID`" in err
    # the whole envelope part holding the id may not be replaced either
    code, _, err = new("service", "SVC-X", "--no-input", "--set", "metadata=5")
    assert code == 2
    assert "--set metadata: this field is fixed by `itsm new KIND ID`" in err
    assert not (repo / "records" / "services" / "svc-x.yaml").exists()
    code, _, err = new("service", "SVC-X", "--no-input", "--set", "spec.lifecycle")
    assert code == 2
    assert "write it as path=value" in err
    assert not (repo / "records" / "services" / "svc-x.yaml").exists()


def test_never_overwrites_without_force(repo: Path) -> None:
    path = repo / "records" / "services" / "svc-new.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("# my notes\n")
    code, _, err = new("service", "SVC-NEW", "--no-input")
    assert code == 2
    assert "records/services/svc-new.yaml already exists (use --force to replace it)" in err
    assert path.read_text() == "# my notes\n"
    code, _, _ = new("service", "SVC-NEW", "--no-input", "--force")
    assert code == 0
    assert "  id: SVC-NEW" in path.read_text()


def test_force_replaces_a_record_keeping_its_id(repo: Path) -> None:
    code, _, err = new("service", "SVC-WEB", "--no-input", "--force", "--title", "Web shop v2")
    assert code == 0, err
    assert "  title: Web shop v2" in (repo / "records/services/svc-web.yaml").read_text()


@pytest.mark.slow
def test_prompts_for_the_placeholders_on_a_terminal(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(authoring, "_interactive", lambda: True)
    answers = "Payroll\njane\n\nlive\nhigh\n"
    code, out, _ = new("service", "SVC-PAYROLL", stdin=answers)
    assert code == 0
    assert out.startswith(
        "The fields still to write (Enter leaves one to fill in later):\n"
        "metadata.title (name of the service, as customers know it):"
    )
    assert "spec.lifecycle (pipeline | live | retired):" in out
    text = (repo / "records" / "services" / "svc-payroll.yaml").read_text()
    assert "  title: Payroll\n  owner: jane\n" in text
    assert '  description: "<fill in: what the service does for its customers>"\n' in text
    assert "  lifecycle: live\n  criticality: high\n" in text
    assert out.count("placeholder not filled in") == 1


def test_prompted_list_answers_become_lists(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(authoring, "_interactive", lambda: True)
    answers = "Web SLA\nslm\nAcme\nSVC-WEB, SVC-DRAFT\n2026-01-01\n2026-12-31\n99.9\n"
    code, out, _ = new("sla", "SLA-ACME", stdin=answers)
    assert code == 0
    text = (repo / "records" / "agreements" / "sla-acme.yaml").read_text()
    assert "  services: [SVC-WEB, SVC-DRAFT]\n" in text
    assert "  validUntil: 2026-12-31\n" in text
    assert "Still to fill in" not in out


def test_no_input_never_prompts(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(authoring, "_interactive", lambda: True)
    code, out, _ = new("service", "SVC-PAYROLL", "--no-input", stdin="Payroll\n")
    assert code == 0
    assert "metadata.title (" not in out
    text = (repo / "records" / "services" / "svc-payroll.yaml").read_text()
    assert "<fill in: name of the service" in text


def test_records_root_from_the_configuration(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "nested"
    shutil.copytree(FIXTURES / "nested", root)
    monkeypatch.chdir(root)
    code, out, _ = new("evidence", "EV-POLICY", "--no-input")
    assert code == 0
    path = root / "data" / "records" / "evidence" / "ev-policy.yaml"
    assert out.startswith("Created data/records/evidence/ev-policy.yaml")
    first = path.read_text().splitlines()[0]
    assert first == "# yaml-language-server: $schema=../../../schemas/evidence.schema.json"


def test_force_never_replaces_a_file_holding_other_records(repo: Path) -> None:
    path = repo / "records" / "services" / "svc-web.yaml"
    path.write_text(path.read_text() + "---\n" + path.read_text().replace("SVC-WEB", "SVC-WEB2"))
    before = path.read_text()
    code, _, err = new("service", "SVC-WEB", "--no-input", "--force")
    assert code == 2
    assert "records/services/svc-web.yaml also holds SVC-WEB2; not replaced" in err
    assert path.read_text() == before
