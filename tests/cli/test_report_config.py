"""`[report]` in the configuration: the front matter of client-ready reports (README
"Configuration"). Every mistake is one line naming the setting, exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from itsm_cli.records.workspace import load_workspace
from tests.helpers import cli


def _repo(tmp_path: Path, table: str) -> Path:
    (tmp_path / "records").mkdir()
    (tmp_path / "itsm.toml").write_text(table, encoding="utf-8")
    return tmp_path


def _error(repo: Path) -> tuple[int, str]:
    result = cli.run("report", "gap", "--today", "2026-11-23", cwd=repo)
    assert "Traceback" not in result.output
    return result.exit_code, result.stderr


def test_report_table_is_read(tmp_path: Path) -> None:
    (tmp_path / "brand").mkdir()
    (tmp_path / "brand" / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    repo = _repo(
        tmp_path,
        '[report]\nclient = "Fabrikam"\nassessor = "A. Consultant"\nscope = "Hosting"\n'
        'logo = "brand/logo.png"\npaper = "letter"\n',
    )
    report = load_workspace(repo).config.report
    assert (report.client, report.assessor) == ("Fabrikam", "A. Consultant")
    assert report.scope == "Hosting"
    assert (report.logo, report.paper) == ("brand/logo.png", "letter")


def test_defaults_without_a_report_table(tmp_path: Path) -> None:
    report = load_workspace(_repo(tmp_path, 'records = "records"\n')).config.report
    assert (report.client, report.assessor, report.scope, report.logo) == (None,) * 4
    assert report.paper == "a4"


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (
            '[report]\nlogo = "logo.png"\n',
            "itsm.toml: setting 'report.logo': 'logo.png' not found",
        ),
        (
            '[report]\nlogo = "brand"\n',
            "itsm.toml: setting 'report.logo': 'brand' is not an image a report can embed "
            "(suffixes: .png, .jpg, .jpeg, .gif, .svg, .webp)",
        ),
        (
            '[report]\nlogo = "https://example.com/logo.png"\n',
            "itsm.toml: setting 'report.logo': 'https://example.com/logo.png' is not a path "
            "in the repository; a logo is never fetched",
        ),
        (
            '[report]\nlogo = "../outside.png"\n',
            "itsm.toml: setting 'report.logo': '../outside.png' is outside the repository",
        ),
        (
            '[report]\npaper = "a3"\n',
            "itsm.toml: setting 'report.paper': must be 'a4' or 'letter'",
        ),
        (
            '[report]\nclinet = "Fabrikam"\n',
            "itsm.toml: unknown setting 'report.clinet' (did you mean 'report.client'?)",
        ),
        (
            "[report]\nclient = 3\n",
            "itsm.toml: setting 'report.client': must be text in quotes",
        ),
    ],
)
def test_report_table_mistakes_are_one_line(tmp_path: Path, table: str, message: str) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    (tmp_path / "outside.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (repo / "brand").mkdir()
    code, stderr = _error(_repo(repo, table))
    assert code == 2
    assert message in stderr, stderr
    assert len(stderr.strip().splitlines()) == 1


def test_a_logo_too_large_is_refused_with_its_size(tmp_path: Path) -> None:
    repo = _repo(tmp_path, '[report]\nlogo = "big.png"\n')
    (repo / "big.png").write_bytes(b"\0" * 1_000_001)
    code, stderr = _error(repo)
    assert code == 2
    assert (
        "setting 'report.logo': 'big.png' is 1,000,001 bytes; a logo may have 1,000,000"
        in stderr
    )


def test_a_templates_folder_the_configuration_names_must_exist(tmp_path: Path) -> None:
    """Named but missing (or a file), its templates would be ignored without a word."""
    repo = _repo(tmp_path, 'templates = "brand-templates"\n')
    code, err = _error(repo)
    assert code == 2
    assert "itsm.toml: setting 'templates': 'brand-templates' not found" in err
    (repo / "brand-templates").write_text("not a folder\n")
    code, err = _error(repo)
    assert (code, "'brand-templates' is not a folder" in err) == (2, True)
    (repo / "brand-templates").unlink()
    (repo / "brand-templates").mkdir()
    assert _error(repo)[0] == 0


@pytest.mark.parametrize(
    ("table", "said"),
    [
        ("[risk]\nhigh = true\n", "setting 'risk.high': must be a whole number"),
        ("max-file-size = 1.5\n", "setting 'max-file-size': must be a whole number"),
        ("[evidence]\nmaxLeafClauses = false\n",
         "setting 'evidence.maxLeafClauses': must be a whole number"),
    ],
)
def test_a_whole_number_setting_takes_no_boolean_or_fraction(
    tmp_path: Path, table: str, said: str
) -> None:
    """`true` is 1 to Python, not to a person writing a threshold."""
    code, err = _error(_repo(tmp_path, table))
    assert code == 2
    assert f"itsm.toml: {said}" in err
