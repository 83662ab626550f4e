"""Markdown reports show a record's text, never obey it: a title or a note written as a link,
an image, raw HTML, an @mention or emphasis renders as the characters written, in every
Markdown report (the filter `md_cell`, and the Markdown environment's finalize for any value
a template prints without it). The records are a copy of the bundled example with every
Service's title, one Supplier's title and one of its review notes rewritten."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.helpers import cli
from tests.helpers.paths import ROOT

HOSTILE = (
    "[pay here](https://evil.example/x) ![pixel](https://t.example/p.png) <b>x</b> "
    "@ops-team **urgent**"
)


@pytest.fixture(scope="module")
def repository(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    shutil.copytree(ROOT / "records", root / "records")
    (root / "itsm.toml").write_text('records = "records"\n', encoding="utf-8")
    supplier = root / "records" / "suppliers" / "sup-bastion-siem.yaml"
    text = supplier.read_text(encoding="utf-8")
    text = text.replace(
        "title: Bastion Security Analytics Inc. (hosted SIEM platform)", f"title: '{HOSTILE}'"
    )
    text = text.replace(
        "notes: Two ingestion delays over 30 minutes in February.", f"notes: '{HOSTILE}'"
    )
    supplier.write_text(text, encoding="utf-8")
    for service in (root / "records" / "services").glob("*.yaml"):
        text = service.read_text(encoding="utf-8")
        text = re.sub(r"(?m)^  title: .*$", f"  title: '{HOSTILE}'", text, count=1)
        service.write_text(text, encoding="utf-8")
    return root


def _report(repository: Path, name: str) -> str:
    result = cli.run("report", name, "-f", "md", "--today", "2026-11-23", cwd=repository)
    assert result.exit_code == 0, result.output
    return result.stdout


REPORTS_SHOWING_TITLES = ["suppliers", "service", "customers", "budget", "capacity", "continuity"]


@pytest.mark.parametrize("name", REPORTS_SHOWING_TITLES)
def test_a_hostile_title_is_shown_not_obeyed(repository: Path, name: str) -> None:
    text = _report(repository, name)
    assert r"\[pay here\](https:" in text  # the title is there, as written
    # no link, image or autolink: the brackets are escaped, the URL defused
    assert "](https://" not in text
    assert not re.search(r"(?<!\\)\[pay here(?<!\\)\]", text)
    assert "https://evil" not in text
    # no raw HTML, no mention, no emphasis of the record's making
    assert "<b>x</b>" not in text
    assert "@ops-team" not in text
    assert "**urgent**" not in text


def test_the_supplier_report_still_shows_the_text(repository: Path) -> None:
    text = _report(repository, "suppliers")
    assert "&lt;b>x&lt;/b>" in text
    assert r"\*\*urgent\*\*" in text


def test_our_own_code_spans_stay_code(repository: Path) -> None:
    """The gap report's advice names fields as code (`metadata.clauses`): kept as code."""
    assert "`metadata.clauses`" in _report(repository, "gap")
