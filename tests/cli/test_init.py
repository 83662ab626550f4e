"""`itsm init [DIR]`: a records repository that validates, checks and is formatted from the
first minute, and a scaffold that never overwrites a file."""

from __future__ import annotations

import json
import re
import shutil
import tomllib
from pathlib import Path

import pytest
import yaml

from itsm_cli import __version__
from itsm_cli.config import Config
from itsm_cli.records.models import KINDS
from tests.helpers import cli
from tests.helpers.paths import ROOT

TODAY = "2026-11-23"
RECORDS = [
    "records/agreements/ola-database.yaml",
    "records/agreements/sla-webshop.yaml",
    "records/budgets/bud-year.yaml",
    "records/audits/aud-internal.yaml",
    "records/capacity/cap-webshop.yaml",
    "records/continuity/con-webshop.yaml",
    "records/customers/cus-retail.yaml",
    "records/evidence/ev-sms-manual.yaml",
    "records/measurements/sla-webshop.yaml",
    "records/nonconformities/ncr-sla-review.yaml",
    "records/operations/ops-incident.yaml",
    "records/reviews/mrv-annual.yaml",
    "records/risks/rsk-webshop-outage.yaml",
    "records/services/svc-webshop.yaml",
    "records/suppliers/sup-cloudhost.yaml",
]
"""One example per kind but Waiver: a waiver is a decision about a real finding."""


def init(*args: str) -> tuple[int, str, str]:
    result = cli.run("init", "--today", TODAY, *args)
    assert "Traceback" not in result.output
    return result.exit_code, result.stdout, result.stderr


def run_in(folder: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str]:
    monkeypatch.chdir(folder)
    result = cli.run(*args)
    return result.exit_code, result.stdout + result.stderr


@pytest.fixture
def scaffolded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    code, _, err = init("sms")
    assert code == 0, err
    return tmp_path / "sms"


@pytest.mark.slow
def test_creates_the_layout_and_lists_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, _ = init("sms")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Created in sms:"
    for name in ("itsm.toml", "README.md", ".pre-commit-config.yaml",
                 ".github/workflows/itsm.yml", "records/waivers/README.md", *RECORDS):
        assert f"  {name}" in lines
        assert (tmp_path / "sms" / name).is_file()
    for kind in KINDS:
        assert (tmp_path / "sms" / "schemas" / f"{kind.lower()}.schema.json").is_file()
    assert lines[-1] == "Next: cd sms && itsm validate, then itsm check."


@pytest.mark.slow
def test_one_example_per_kind_with_a_modeline_that_resolves(scaffolded: Path) -> None:
    kinds = []
    for name in RECORDS:
        path = scaffolded / name
        first = path.read_text().splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema=../../schemas/")
        schema = (path.parent / first.split("$schema=")[1]).resolve()
        assert schema.is_file(), schema
        kinds.append(yaml.safe_load(path.read_text())["kind"])
    assert sorted(kinds) == sorted(set(KINDS) - {"Waiver"})
    assert not list((scaffolded / "records" / "waivers").glob("*.y*ml"))


@pytest.mark.slow
def test_the_new_repository_validates_and_is_formatted(
    scaffolded: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out = run_in(scaffolded, monkeypatch, "validate", "--today", TODAY)
    assert code == 0, out
    assert f"{len(RECORDS)} records in {len(RECORDS)} files: no findings" in out
    code, out = run_in(scaffolded, monkeypatch, "fmt", "--check")
    assert code == 0, out


@pytest.mark.slow
def test_check_lists_the_mandatory_documents_still_to_write_and_waives_nothing(
    scaffolded: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out = run_in(scaffolded, monkeypatch, "check", "--today", TODAY, "-f", "json")
    assert code == 1, out
    findings = json.loads(out)["findings"]
    assert [(f["rule"], f["clauses"], f["waived"]) for f in findings] == [
        ("DOC001", ["8.5.1.1"], False),
        ("DOC001", ["8.7.3.1"], False),
        ("DOC001", ["8.2.2"], False),
    ]
    assert "DOC001" in (scaffolded / "README.md").read_text()


@pytest.mark.slow
def test_example_dates_follow_today(scaffolded: Path) -> None:
    sla = yaml.safe_load((scaffolded / RECORDS[1]).read_text())
    assert str(sla["spec"]["validFrom"]) == "2026-10-01"  # the month its Measurement reports
    assert str(sla["spec"]["validUntil"]) == "2027-12-31"
    assert str(sla["metadata"]["lastReviewed"]) == TODAY
    measurement = yaml.safe_load((scaffolded / "records/measurements/sla-webshop.yaml").read_text())
    assert measurement["metadata"]["id"] == "MEAS-WEBSHOP-2026-10"


@pytest.mark.slow
def test_configuration_shows_every_default_commented(scaffolded: Path) -> None:
    text = (scaffolded / "itsm.toml").read_text()
    assert tomllib.loads(text) == {}
    settings = [line[2:] for line in text.splitlines() if re.match(r"# [a-zA-Z-]+ = ", line)]
    uncommented = tomllib.loads("\n".join(settings))
    assert set(uncommented) == {f.alias or n for n, f in Config.model_fields.items()}
    assert Config.model_validate(uncommented) == Config()
    assert "# Records root, relative to the repository root.\n# records = \"records\"" in text


@pytest.mark.slow
def test_pre_commit_and_ci_use_the_projects_hooks_and_commands(scaffolded: Path) -> None:
    hooks = yaml.safe_load((scaffolded / ".pre-commit-config.yaml").read_text())
    repo = hooks["repos"][0]
    assert repo["repo"] == "local"
    assert [h["id"] for h in repo["hooks"]] == ["itsm-fmt", "itsm-validate", "itsm-check"]
    workflow = yaml.safe_load((scaffolded / ".github" / "workflows" / "itsm.yml").read_text())
    runs = [step.get("run", "") for step in workflow["jobs"]["records"]["steps"]]
    assert "itsm fmt --check" in runs
    assert "itsm check" in runs
    assert any(r.startswith("itsm diff --base") for r in runs)


@pytest.mark.slow
def test_ci_and_pre_commit_install_the_package_by_name_not_an_unreleased_pin(
    scaffolded: Path,
) -> None:
    """The version being built (`__version__`) need not exist on the package index, nor as a
    tag: nothing written pins it; the comments say how to pin a released one."""
    workflow_text = (scaffolded / ".github" / "workflows" / "itsm.yml").read_text()
    workflow = yaml.safe_load(workflow_text)
    runs = [step.get("run", "") for step in workflow["jobs"]["records"]["steps"]]
    assert "pip install itsm-cli" in runs
    assert 'pip install "itsm-cli==X.Y.Z"' in workflow_text  # the comment on pinning
    pre_commit_text = (scaffolded / ".pre-commit-config.yaml").read_text()
    for hook in yaml.safe_load(pre_commit_text)["repos"][0]["hooks"]:
        assert hook["additional_dependencies"] == ["itsm-cli"], hook["id"]
    assert 'additional_dependencies: ["itsm-cli==X.Y.Z"]' in pre_commit_text
    for text in (workflow_text, pre_commit_text):
        assert __version__ not in text
        assert "rev:" not in text.replace("`rev:`", "")


HOOK_KEYS = ("name", "entry", "language", "files", "types", "pass_filenames", "always_run",
             "require_serial")


@pytest.mark.slow
def test_pre_commit_hooks_are_those_the_repository_declares(scaffolded: Path) -> None:
    """Same ids, commands and files as `.pre-commit-hooks.yaml`, so moving from the written
    local hooks to `repo: <itsm-cli>` with a `rev:` changes nothing but where they come from."""
    declared_file = ROOT / ".pre-commit-hooks.yaml"
    declared = {h["id"]: h for h in yaml.safe_load(declared_file.read_text())}
    written = yaml.safe_load((scaffolded / ".pre-commit-config.yaml").read_text())
    for hook in written["repos"][0]["hooks"]:
        expected = {k: declared[hook["id"]].get(k) for k in HOOK_KEYS}
        assert {k: hook.get(k) for k in HOOK_KEYS} == expected, hook["id"]


def test_refuses_a_folder_that_is_not_empty(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.txt").write_text("mine\n")
    code, out, err = init(".")
    assert code == 2
    assert "is not empty; use --force to add the missing files" in err
    assert out == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


@pytest.mark.slow
def test_force_adds_what_is_missing_and_overwrites_nothing(
    scaffolded: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mine = "# my own settings\nrecords = \"records\"\n"
    (scaffolded / "itsm.toml").write_text(mine)
    (scaffolded / "README.md").unlink()
    shutil.rmtree(scaffolded / "records" / "services")
    monkeypatch.chdir(scaffolded)
    code, out, _ = init("--force")
    assert code == 0
    created, skipped = out.split("Skipped (already there, left as they are) in .:\n")
    assert created.splitlines()[1:] == [
        "  README.md", "  records/services/svc-webshop.yaml",
    ]
    assert "  itsm.toml" in skipped.splitlines()
    assert (scaffolded / "itsm.toml").read_text() == mine
    assert out.splitlines()[-1] == "Next: itsm validate, then itsm check."


@pytest.mark.slow
def test_an_existing_git_folder_counts_as_empty(tmp_path: Path) -> None:
    (tmp_path / "sms" / ".git").mkdir(parents=True)
    code, _, err = init(str(tmp_path / "sms"))
    assert code == 0, err


def test_refuses_a_file(tmp_path: Path) -> None:
    (tmp_path / "sms").write_text("")
    code, _, err = init(str(tmp_path / "sms"))
    assert code == 2
    assert "is a file, not a folder" in err


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_git_initialises_a_repository_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, _ = init("sms", "--git")
    assert code == 0
    assert (tmp_path / "sms" / ".git").is_dir()
    assert "Git: initialised." in out
    code, out, _ = init("sms", "--git", "--force")
    assert code == 0
    assert "Git: already a Git repository." in out


def test_help_names_the_folder_dir_as_the_readme_does() -> None:
    result = cli.run("init", "--help")
    assert result.exit_code == 0
    assert result.stdout.startswith("Usage: itsm init [OPTIONS] [DIR]\n")
    assert "directory" not in result.stdout
