"""Where a DOC001 finding (a mandatory document with no record) is placed: on a file, line 1,
so SARIF, GitHub annotations and GitLab Code Quality can attach it — the configuration file
(itsm.toml, pyproject.toml with [tool.itsm], `--config FILE`), else the repository's README,
else the records root's README, else README.md at the root. On copies of the fixture in
`tests/rules/documents/` (see its README: three DOC001 findings)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.helpers import cli

FIXTURE = Path(__file__).parent / "documents"
TODAY = "2026-11-23"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    copy = tmp_path / "repo"
    shutil.copytree(FIXTURE, copy)
    monkeypatch.chdir(copy)
    return copy


def _check(fmt: str, *args: str) -> str:
    result = cli.run("check", "--today", TODAY, "--select", "DOC001", "-f", fmt, *args)
    assert result.exit_code == 1, result.output
    return result.stdout


def _places(*args: str) -> set[tuple[str, int, int]]:
    findings = json.loads(_check("json", *args))["findings"]
    assert [f["rule"] for f in findings] == ["DOC001"] * 3
    return {(f["file"], f["line"], f["column"]) for f in findings}


def test_on_itsm_toml(repo: Path) -> None:
    assert _places() == {("itsm.toml", 1, 1)}


def test_on_pyproject_toml_when_the_configuration_is_there(repo: Path) -> None:
    (repo / "itsm.toml").unlink()
    (repo / "pyproject.toml").write_text(
        '[project]\nname = "sms"\n\n[tool.itsm]\nrecords = "records"\n', encoding="utf-8"
    )
    assert _places() == {("pyproject.toml", 1, 1)}


def test_on_the_file_named_by_config(repo: Path) -> None:
    (repo / "itsm.toml").rename(repo / "ci.toml")
    assert _places("--config", "ci.toml") == {("ci.toml", 1, 1)}


def test_on_the_readme_without_a_configuration_file(repo: Path) -> None:
    (repo / "itsm.toml").unlink()
    assert (repo / "README.md").is_file()
    assert _places() == {("README.md", 1, 1)}


def test_on_the_records_readme_when_the_repository_has_none(repo: Path) -> None:
    (repo / "itsm.toml").unlink()
    (repo / "README.md").rename(repo / "records" / "README.md")
    assert _places() == {("records/README.md", 1, 1)}


def test_on_readme_md_at_the_root_when_nothing_exists(repo: Path) -> None:
    """Near miss: a folder is never the place, even when no file fits."""
    (repo / "itsm.toml").unlink()
    (repo / "README.md").unlink()
    assert _places() == {("README.md", 1, 1)}


def test_sarif_github_and_gitlab_carry_the_file(repo: Path) -> None:
    sarif = json.loads(_check("sarif"))
    locations = [
        r["locations"][0]["physicalLocation"] for r in sarif["runs"][0]["results"]
    ]
    assert {(p["artifactLocation"]["uri"], p["region"]["startLine"]) for p in locations} == {
        ("itsm.toml", 1)
    }
    annotations = _check("github").splitlines()
    assert sum(a.startswith("::error file=itsm.toml,line=1,col=1,title=DOC001::")
               for a in annotations) == 3
    gitlab = json.loads(_check("gitlab"))
    assert {(g["location"]["path"], g["location"]["lines"]["begin"]) for g in gitlab} == {
        ("itsm.toml", 1)
    }
