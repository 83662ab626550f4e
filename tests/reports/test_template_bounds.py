"""Hostile report templates (a pull request can bring any file, and links, into `templates/`):
a template and everything it includes must resolve inside the templates folder, which must
resolve inside the repository; a render is bounded in time, loop steps and the size of what it
builds. Each refusal is one line naming the template file and line, exit 2.

The links are made here in tmp_path (links stored in Git are awkward as fixtures)."""

from __future__ import annotations

import os
import shutil
import threading
import time
from pathlib import Path

import pytest

from itsm_cli.reports import sandbox
from itsm_cli.reports.environment import ReportError, make_environment, render_template
from tests.helpers import cli
from tests.helpers.cli import Result

FIXTURE = Path(__file__).parent / "fixture"
TODAY = "2026-11-23"
SECRET = "SECRET-TOKEN-4242"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the report fixture with an empty `templates/` folder, as the working folder,
    and a secret file outside it."""
    root = tmp_path / "sms"
    shutil.copytree(FIXTURE, root)
    (root / "templates").mkdir()
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside/secret.txt").write_text(f"{SECRET}\n")
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
    assert SECRET not in result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def gap_template(repo: Path, text: str) -> str:
    """The error line of `itsm report gap -f md` with `text` as templates/gap.md.j2."""
    (repo / "templates/gap.md.j2").write_text(text)
    return one_line_error(report("gap", "-f", "md"))


# Links


def test_include_through_a_folder_link_out_is_refused(repo: Path) -> None:
    (repo / "templates/root").symlink_to(repo.parent / "outside", target_is_directory=True)
    line = gap_template(repo, '# Gap\n\n{% include "root/secret.txt" %}\n')
    assert line == (
        "itsm: error: templates/gap.md.j2:3: TemplateOutsideFolder: template root/secret.txt "
        "resolves outside the templates folder (a link out); a template and everything it "
        "includes must stay inside it"
    )


def test_template_that_is_a_link_out_is_refused_not_replaced_by_the_built_in(repo: Path) -> None:
    (repo / "templates/gap.md.j2").symlink_to(repo.parent / "outside/secret.txt")
    line = one_line_error(report("gap", "-f", "md"))
    assert line.startswith(
        "itsm: error: templates/gap.md.j2: TemplateOutsideFolder: template gap.md.j2 resolves "
        "outside the templates folder"
    )


def test_import_and_extends_through_a_link_out_are_refused(repo: Path) -> None:
    (repo / "templates/lib.j2").symlink_to(repo.parent / "outside/secret.txt")
    line = gap_template(repo, '{% import "lib.j2" as lib %}\n')
    assert "templates/gap.md.j2:1: TemplateOutsideFolder: template lib.j2" in line
    line = gap_template(repo, '\n{% extends "lib.j2" %}\n')
    assert "templates/gap.md.j2:2: TemplateOutsideFolder: template lib.j2" in line


def test_templates_folder_that_is_a_link_out_is_refused(repo: Path) -> None:
    (repo / "templates").rmdir()
    (repo / "outside-templates").mkdir()  # a near miss: a link to a folder inside is fine
    (repo / "outside-templates/gap.md.j2").write_text("inside\n")
    (repo / "templates").symlink_to(repo / "outside-templates", target_is_directory=True)
    assert report("gap", "-f", "md").stdout == "inside\n"

    (repo / "templates").unlink()
    (repo.parent / "outside/gap.md.j2").write_text("{{ 1 }}\n")
    (repo / "templates").symlink_to(repo.parent / "outside", target_is_directory=True)
    line = one_line_error(report("gap", "-f", "md"))
    assert line.endswith(
        "TemplateOutsideFolder: the templates folder templates resolves outside the "
        "repository (a link out); report templates must live inside it"
    )


def test_nothing_is_read_from_the_git_folder(repo: Path) -> None:
    config = repo / "itsm.toml"
    config.write_text('templates = "."\n' + config.read_text())
    (repo / ".git").mkdir()
    (repo / ".git/config").write_text(f"[http]\n  extraheader = AUTHORIZATION: {SECRET}\n")
    (repo / "gap.md.j2").write_text('{% include ".git/config" %}\n')
    line = one_line_error(report("gap", "-f", "md"))
    assert line == (
        "itsm: error: gap.md.j2:1: TemplateOutsideFolder: template .git/config is inside the "
        "repository's .git folder; refused"
    )


def test_links_that_stay_inside_the_folder_are_followed(repo: Path) -> None:
    (repo / "templates/parts").mkdir()
    (repo / "templates/parts/intro.md.j2").write_text("Score {{ score | num(1) }}\n")
    (repo / "templates/shared").symlink_to(repo / "templates/parts", target_is_directory=True)
    (repo / "templates/real-gap.md.j2").write_text('# Ours\n{% include "shared/intro.md.j2" %}')
    (repo / "templates/gap.md.j2").symlink_to(repo / "templates/real-gap.md.j2")
    result = report("gap", "-f", "md")
    assert (result.exit_code, result.stdout) == (0, "# Ours\nScore 10.5\n")


def test_parent_folder_in_an_include_is_not_found(repo: Path) -> None:
    line = gap_template(repo, '{% include "../outside/secret.txt" %}\n')
    assert line == "itsm: error: templates/gap.md.j2:1: template not found: ../outside/secret.txt"


# The fixture folder of hostile templates (see its README)

HOSTILE = Path(__file__).parent / "hostile_templates"


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(p.name for p in HOSTILE.glob("*.j2")))
def test_hostile_template_fixture(repo: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    monkeypatch.setattr(sandbox, "RENDER_SECONDS", 1.0)
    text = (HOSTILE / name).read_text()
    expected = text.splitlines()[0].removeprefix("{# expect: ").removesuffix(" #}")
    (repo / "templates/gap.md.j2").write_text(text)
    result = report("gap", "-f", "md")
    if expected == "ok":
        assert result.exit_code == 0, result.output
        assert result.stdout.split() == ["900", "1000000", "100000", "8388608", "True"]
    else:
        assert one_line_error(result) == f"itsm: error: templates/gap.md.j2:{expected}"


def test_every_hostile_template_is_in_the_readme() -> None:
    readme = (HOSTILE / "README.md").read_text()
    assert all(f"`{p.name}`" in readme for p in HOSTILE.glob("*.j2"))


# Time and steps


@pytest.mark.slow
def test_render_is_stopped_after_its_time_limit(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sandbox, "RENDER_SECONDS", 0.5)
    started = time.monotonic()
    line = gap_template(
        repo,
        "# Gap\n{% for i in range(100000) %}\n{% for j in range(100000) %}{% endfor %}"
        "{% endfor %}\n",
    )
    assert time.monotonic() - started < 8
    assert line == (
        "itsm: error: templates/gap.md.j2:3: TemplateTimeout: rendering templates/gap.md.j2 "
        "took longer than 0.5 s, the limit for one report"
    )


@pytest.mark.slow
def test_time_limit_is_checked_at_every_slow_filter(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 40 iterations of a filter over a million items: far fewer loop steps than the 512
    # between two clock readings in a loop, so only the check at each filter stops it.
    monkeypatch.setattr(sandbox, "RENDER_SECONDS", 0.3)
    line = gap_template(
        repo,
        "{% set big = (range(100000) | list) * 10 %}\n"
        "{% for i in range(40) %}{{ big | join(',') | length }}{% endfor %}\n",
    )
    assert line.endswith(
        "TemplateTimeout: rendering templates/gap.md.j2 took longer than "
        "0.3 s, the limit for one report"
    )


def test_render_is_stopped_after_its_loop_steps(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sandbox, "MAX_STEPS", 1000)
    # Each iteration is a step, and so is each call (of range): 40 + 40 × 30 + 41 steps.
    line = gap_template(
        repo, "{% for i in range(40) %}\n{% for j in range(30) %}{% endfor %}{% endfor %}\n"
    )
    assert line == (
        "itsm: error: templates/gap.md.j2:2: TemplateTimeout: rendering templates/gap.md.j2 "
        "stopped after 1,000 loop steps and calls, the limit for one report"
    )
    # A near miss: 30 + 30 × 29 + 31 = 931 steps.
    (repo / "templates/gap.md.j2").write_text(
        "{% for i in range(30) %}{% for j in range(29) %}{% endfor %}{% endfor %}done\n"
    )
    assert report("gap", "-f", "md").stdout == "done\n"


@pytest.mark.slow
def test_time_limit_works_off_the_main_thread(tmp_path: Path) -> None:
    (tmp_path / "slow.md.j2").write_text(
        "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
    )
    env = make_environment("md", tmp_path, tmp_path)
    errors: list[BaseException] = []

    def render() -> None:
        try:
            render_template(env, "slow.md.j2", {}, seconds=0.3)
        except ReportError as exc:
            errors.append(exc)

    worker = threading.Thread(target=render)
    worker.start()
    worker.join(timeout=10)
    assert not worker.is_alive()
    assert len(errors) == 1
    assert "took longer than 0.3 s" in str(errors[0])


# Sizes


@pytest.mark.slow
@pytest.mark.parametrize(
    ("expression", "message"),
    [
        (
            "([1] * 10**9) | length",
            "repeating a list 1,000,000,000 times would hold 1,000,000,000 items, "
            "over the limit of 1,000,000",
        ),
        ("'ab' * 600000", "would hold 1,200,000 characters, over the limit of 1,000,000"),
        (
            "((['xxxxxx'] * 1000000) | join) + ((['xxxxx'] * 1000000) | join)",
            "the sum would hold 11,000,000 characters, over the limit of 10,000,000",
        ),
        ("10 ** 100000", "the power would hold 332,193 bits, over the limit of 100,000"),
        ("'x'.ljust(10**9)", "str.ljust would hold 1,000,000,000 characters"),
        (
            "('x' * 10000).replace('', 'y' * 1000)",
            "the replacement would hold 10,011,000 characters, over the limit of 10,000,000",
        ),
        ("'%0999999999d' % 1", "the format string '%0999999999d' asks for a width"),
        ("'{:>999999999}'.format(1)", "the format string '{:>999999999}' asks for a width"),
        ("'x' | center(10**9)", "the center filter would hold 1,000,000,000 characters"),
        ("[1] | batch(10**9, 0) | list", "the batch filter would hold 1,000,000,000 items"),
        ("'%*d' | format(10**9, 1)", "the format string '%*d' asks for"),
        ("lipsum(10**7)", "lipsum would hold 1,000,000,000 words, over the limit of 100,000"),
        ("range(10**9) | list", "Range too big"),
        ("[[1] * 1000] * 1000", "the printed value holds over 1,000,000 items and characters"),
        ("'a' ~ [['x'] * 1000] * 1000", "a `~` operand holds over 1,000,000 items"),
        ("([['x'] * 10000] * 1000) | tojson", "the tojson filter holds over 10,000,000 items"),
        ("'%s' % ([['x'] * 1000] * 1000,)", "the formatted value holds over 1,000,000"),
        ("([['x'] * 10000] * 1000) | join(',')", "the join filter holds over 10,000,000"),
    ],
)
def test_template_building_something_huge_is_refused(
    repo: Path, expression: str, message: str
) -> None:
    line = gap_template(repo, f"# Gap\n\n{{{{ {expression} }}}}\n")
    assert line.startswith("itsm: error: templates/gap.md.j2:3: "), line
    assert message in line


def test_doubling_a_string_in_a_loop_is_stopped(repo: Path) -> None:
    line = gap_template(
        repo,
        '{% set ns = namespace(s="xx") %}\n{% for i in range(100) %}\n'
        "{% set ns.s = ns.s ~ ns.s %}\n{% endfor %}{{ ns.s | length }}\n",
    )
    assert line == (
        "itsm: error: templates/gap.md.j2:3: TemplateLimitError: the joined text would hold "
        "16,777,216 characters, over the limit of 10,000,000"
    )


def test_rendered_text_is_bounded(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sandbox, "MAX_OUTPUT", 10_000)
    line = gap_template(repo, "{% for i in range(2000) %}\n{{ 'abcdef' }}\n{% endfor %}\n")
    assert line.endswith("TemplateLimitError: the rendered text would exceed 10,000 characters")


def test_ordinary_operators_methods_and_filters_still_work(repo: Path) -> None:
    (repo / "templates/gap.md.j2").write_text(
        "{{ 'ab' * 3 }} {{ [1, 2] + [3] }} {{ 2 ** 10 }} {{ '%5.1f' % 3.14159 }} "
        "{{ '{:>4}'.format('x') }} {{ 'x'.ljust(3) }}| {{ 'a-b' | replace('-', '--') }} "
        "{{ [1, 2] | join(', ') }} {{ 'x' | center(5) }}| {{ '%d EUR' | format(2500000) }} "
        "{{ range(3) | batch(2) | list }} {{ 'abc' ~ 1 }}\n"
        "{% for i in range(3) %}{{ loop.index }}{% if loop.last %}.{% endif %}{% endfor %}"
        "{% for i in [] %}x{% else %}none{% endfor %}\n"
    )
    result = report("gap", "-f", "md")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "ababab [1, 2, 3] 1024   3.1    x x  | a--b 1, 2   x  | 2500000 EUR "
        "[[0, 1], [2]] abc1\n123.none"
    )


# Broken templates


def test_macro_calling_itself_is_exit_2_with_file_and_line(repo: Path) -> None:
    line = gap_template(repo, "# Gap\n{% macro f(x) %}{{ f(x) }}{% endmacro %}\n{{ f(1) }}\n")
    assert line.startswith("itsm: error: templates/gap.md.j2:")
    # Python words the error after the frame the limit is met in ("... while calling a
    # Python object" when it is a call from C): the product only passes it on.
    assert ": RecursionError: maximum recursion depth exceeded" in line


def test_filter_given_an_impossible_argument_is_exit_2(repo: Path) -> None:
    line = gap_template(repo, "# Gap\n\n{{ 'hello world' | truncate(-5) }}\n")
    assert line.startswith("itsm: error: templates/gap.md.j2:3: AssertionError: ")


def test_template_that_is_not_utf8_or_too_big_is_exit_2(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (repo / "templates/gap.md.j2").write_bytes(b"# Gap \xff\n")
    line = one_line_error(report("gap", "-f", "md"))
    assert "cannot read template gap.md.j2" in line
    monkeypatch.setattr(sandbox, "MAX_TEMPLATE_BYTES", 100)
    (repo / "templates/gap.md.j2").write_text("x" * 101)
    line = one_line_error(report("gap", "-f", "md"))
    assert line.endswith("template gap.md.j2 is 101 bytes, over the limit of 100")


@pytest.mark.skipif(os.name != "posix", reason="links and permissions as on POSIX")
def test_unreadable_template_is_exit_2(repo: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root reads any file")
    path = repo / "templates/gap.md.j2"
    path.write_text("x\n")
    path.chmod(0)
    try:
        assert "cannot read template gap.md.j2" in one_line_error(report("gap", "-f", "md"))
    finally:
        path.chmod(0o644)
