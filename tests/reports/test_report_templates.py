"""Report templates from the records repository: they override the built-in ones by name,
run in Jinja's sandbox (no way to Python internals), and a broken one is a one-line error
naming the template file and line, exit 2 — never a traceback."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.helpers import cli
from tests.helpers.cli import Result

FIXTURE = Path(__file__).parent / "fixture"
TODAY = "2026-11-23"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the report fixture with an empty `templates/` folder, as the working
    directory."""
    root = tmp_path / "sms"
    shutil.copytree(FIXTURE, root)
    (root / "templates").mkdir()
    monkeypatch.chdir(root)
    return root


def report(*args: str) -> Result:
    result = cli.run("report", *args, "--today", TODAY, "--no-color")
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result


def one_line_error(result: Result) -> str:
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.mark.slow
def test_user_template_overrides_the_built_in_one(repo: Path) -> None:
    (repo / "templates/gap.md.j2").write_text(
        "# Our gap review\n\nScore {{ score | num(1) }}; "
        "{{ documents | selectattr('satisfied', 'false') | list | length }} documents missing.\n"
        '{% include "provenance.md.j2" %}'
    )
    out = report("gap", "-f", "md")
    assert out.exit_code == 0, out.output
    assert out.stdout.startswith("# Our gap review\n\nScore 10.5; 7 documents missing.\n_Records:")
    # The other reports and formats keep their built-in templates.
    html = report("gap", "-f", "html")
    assert "<h2>Executive summary</h2>" in html.stdout


@pytest.mark.slow
def test_user_html_template_can_extend_the_built_in_layout(repo: Path) -> None:
    (repo / "templates/continuity.html.j2").write_text(
        '{% extends "base.html.j2" %}\n'
        "{% block content %}<p>{{ plans | map(attribute='id') | join(', ') }}</p>{% endblock %}\n"
    )
    out = report("continuity", "-f", "html")
    assert out.exit_code == 0, out.output
    assert "<p>CON-DESK, CON-WEB</p>" in out.stdout
    assert "Today taken as 2026-11-23" in out.stdout  # the layout's provenance


def test_templates_folder_is_configurable(repo: Path) -> None:
    config = repo / "itsm.toml"
    config.write_text('templates = "report-templates"\n' + config.read_text())
    (repo / "report-templates").mkdir()
    (repo / "report-templates/capacity.md.j2").write_text("custom capacity\n")
    (repo / "templates/capacity.md.j2").write_text("not this one\n")
    out = report("capacity", "-f", "md")
    assert (out.exit_code, out.stdout) == (0, "custom capacity\n")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("{{ ''.__class__.__mro__ }}", "access to attribute '__class__' of 'str' object"),
        ("{{ cycler.__init__.__globals__ }}", "access to attribute '__init__' of 'type' object"),
        ("{{ lipsum.__globals__['os'] }}", "access to attribute '__globals__'"),
        ("{{ score | attr('__class__') }}", "access to attribute '__class__' of 'float' object"),
        ('{{ "{0.__class__}".format(score) }}', "access to attribute '__class__'"),
        ("{{ provenance.__init__ }}", "access to attribute '__init__' of 'Provenance'"),
        ("{{ documents.append(1) }}", "access to attribute 'append' of 'list' object"),
    ],
)
def test_template_reaching_python_internals_fails_in_the_sandbox(
    repo: Path, expression: str, message: str
) -> None:
    (repo / "templates/gap.md.j2").write_text(f"# Gap\n\n{expression}\n")
    line = one_line_error(report("gap", "-f", "md"))
    assert line.startswith("itsm: error: templates/gap.md.j2:3: SecurityError: ")
    assert message in line


def test_template_with_a_syntax_error_names_file_and_line(repo: Path) -> None:
    (repo / "templates/gap.html.j2").write_text(
        '{% extends "base.html.j2" %}\n{% block content %}\n{% if %}\n{% endblock %}\n'
    )
    line = one_line_error(report("gap", "-f", "html"))
    assert line.startswith("itsm: error: templates/gap.html.j2:3: TemplateSyntaxError: ")


def test_template_with_an_undefined_name_fails(repo: Path) -> None:
    (repo / "templates/capacity.md.j2").write_text("# Capacity\n{{ plans | length }}\n{{ nope }}\n")
    line = one_line_error(report("capacity", "-f", "md"))
    assert line == "itsm: error: templates/capacity.md.j2:3: UndefinedError: 'nope' is undefined"


def test_template_with_an_undefined_attribute_fails(repo: Path) -> None:
    (repo / "templates/continuity.md.j2").write_text(
        "{% for p in plans %}\n{{ p.no_such_field }}\n{% endfor %}\n"
    )
    line = one_line_error(report("continuity", "-f", "md"))
    assert line.startswith("itsm: error: templates/continuity.md.j2:2: UndefinedError: ")
    assert "no_such_field" in line


def test_broken_template_in_report_all_stops_with_exit_2(repo: Path, tmp_path: Path) -> None:
    (repo / "templates/gap.md.j2").write_text("{{ ''.__class__ }}\n")
    result = report("all", "-f", "md", "--out-dir", str(tmp_path / "out"), "--quiet")
    assert result.exit_code == 2
    assert "templates/gap.md.j2:1: SecurityError" in result.stderr
