"""Where a YAML error is reported, and what it says: where the author must fix the file.

Each file in `tests/fixtures/bad_input/positions/` is one case; its first lines say what is
wrong and what to expect, and its README tabulates them. Three kinds of case:

* a file ending in CRLF reports an error at its end where the same file with LF does;
* a quoted value or a flow collection the file ends inside is reported where it was opened,
  not at the end of the file;
* a NEL, LS or PS outside quotes, which YAML 1.1 parsers read as a line break where Git and an
  editor show none, is reported at the character itself rather than as the syntax error the
  parser meets on a line the author never wrote.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from itsm_cli.records import yamlread
from itsm_cli.records.index import load_repository
from itsm_cli.records.workspace import load_workspace
from itsm_cli.records.yamlread import read_yaml_bytes
from tests.helpers import cli
from tests.helpers.paths import fixture

CASES = fixture("bad_input") / "positions"
VALID = fixture("valid")
TODAY = "2026-11-23"
UNDER_TEST = "records/under-test"

NEVER_CLOSED = "is never closed (the file ends first)"
LIST = f"YAML syntax error: the list opened here with '[' {NEVER_CLOSED}"
DOUBLE = f"YAML syntax error: the double-quoted value opened here {NEVER_CLOSED}"
SINGLE = f"YAML syntax error: the single-quoted value opened here {NEVER_CLOSED}"
MAPPING = f"YAML syntax error: the mapping opened here with '{{' {NEVER_CLOSED}"
DIRECTIVE = "YAML syntax error: did not find expected <document start>"


def separator(name: str, code: str, escape: str) -> str:
    return (
        f"the line holds {name} ({code}) character, which YAML parsers read as a line break: "
        f'write it as "{escape}" inside double quotes, or remove it'
    )


NEL = separator("a NEL", "U+0085", "\\N")
LS = separator("an LS", "U+2028", "\\L")
PS = separator("a PS", "U+2029", "\\P")

Expected = tuple[int, int, str]
"""(line, column, message) of the one E001 of the case."""

# name → (its one E001, or None, and how many documents are read)
POSITIONS: dict[str, tuple[Expected | None, int]] = {
    "unclosed-flow-lf.yaml": ((13, 14, LIST), 0),
    "unclosed-flow-crlf.yaml": ((13, 14, LIST), 0),
    "unclosed-quote-lf.yaml": ((7, 10, DOUBLE), 0),
    "unclosed-quote-crlf.yaml": ((7, 10, DOUBLE), 0),
    "directive-at-end-lf.yaml": ((14, 10, DIRECTIVE), 1),
    "directive-at-end-crlf.yaml": ((14, 10, DIRECTIVE), 1),
    "unclosed-quote.yaml": ((7, 10, DOUBLE), 0),
    "unclosed-single-quote.yaml": ((8, 10, SINGLE), 0),
    "unclosed-mapping.yaml": ((10, 13, MAPPING), 0),
    "unclosed-after-comma.yaml": ((13, 14, LIST), 0),
    "nel-in-plain-value.yaml": ((7, 13, NEL), 0),
    "ls-in-plain-value.yaml": ((7, 13, LS), 0),
    "ps-in-plain-value.yaml": ((7, 13, PS), 0),
    "nel-in-plain-value-crlf.yaml": ((7, 13, NEL), 0),
    "nel-before-quote.yaml": ((7, 15, NEL), 0),
    "nel-in-comment.yaml": ((8, 30, LS), 0),
    "nel-in-block-scalar.yaml": ((11, 8, NEL), 0),
    "nel-in-second-document.yaml": ((18, 16, PS), 1),
    "quoted-nel-then-unclosed-list.yaml": ((13, 14, LIST), 0),
    "quoted-separators.yaml": (None, 1),
}


def test_every_fixture_file_is_a_case() -> None:
    assert {p.name for p in CASES.glob("*.yaml")} == set(POSITIONS)


def located(name: str) -> tuple[list[tuple[str, int, int, str]], int]:
    parsed = read_yaml_bytes((CASES / name).read_bytes(), name)
    for finding in parsed.findings:
        assert finding.hint == "Fix the YAML syntax at this position."
    found = [(f.rule, f.line, f.column, f.message) for f in parsed.findings]
    return found, len(parsed.documents)


def expected(name: str) -> tuple[list[tuple[str, int, int, str]], int]:
    finding, documents = POSITIONS[name]
    return ([("E001", *finding)] if finding else []), documents


@pytest.mark.parametrize("name", sorted(POSITIONS))
def test_parser_reports_the_case(name: str) -> None:
    assert located(name) == expected(name)


@pytest.mark.parametrize("name", sorted(POSITIONS))
def test_pure_python_parser_reports_the_case_at_the_same_place(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(yamlread, "_Loader", yaml.SafeLoader)
    found, documents = located(name)
    wanted, wanted_documents = expected(name)
    # The pure-Python parser words its own errors differently; ours are the same.
    assert [f[:3] for f in found] == [f[:3] for f in wanted]
    for (*_, message), (*_, wanted_message) in zip(found, wanted, strict=True):
        assert message == wanted_message or wanted_message == DIRECTIVE
    assert documents == wanted_documents


@pytest.mark.parametrize("stem", ["unclosed-flow", "unclosed-quote", "directive-at-end"])
def test_a_crlf_file_reports_where_the_lf_file_does(stem: str) -> None:
    crlf = (CASES / f"{stem}-crlf.yaml").read_bytes()
    lf = (CASES / f"{stem}-lf.yaml").read_bytes()
    assert crlf.count(b"\r\n") == lf.count(b"\n") and crlf.endswith(b"\r\n")
    (at_crlf,) = read_yaml_bytes(crlf, "f.yaml").findings
    (at_lf,) = read_yaml_bytes(lf, "f.yaml").findings
    assert (at_crlf.line, at_crlf.column, at_crlf.message) == (
        at_lf.line, at_lf.column, at_lf.message
    )


@pytest.mark.parametrize("text", ["a: [", "a: [\n", "a: [\r\n", "a: [1, 2\r\n", "a: [1,\r\n"])
def test_a_list_the_file_ends_inside_is_reported_at_its_bracket(text: str) -> None:
    (finding,) = yamlread.parse_yaml(text, "t.yaml").findings
    assert (finding.rule, finding.line, finding.column, finding.message) == ("E001", 1, 4, LIST)


def test_other_syntax_errors_keep_their_position() -> None:
    """A list left open before more lines: libyaml stops where the lines stop making sense,
    not at the end of the file, and that is where the finding stays."""
    data = (fixture("bad_input") / "syntax-error.yaml").read_bytes()
    (finding,) = read_yaml_bytes(data, "syntax-error.yaml").findings
    assert (finding.line, finding.column) == (11, 14)
    assert finding.message == (
        "YAML syntax error: did not find expected ',' or ']' (while parsing a flow sequence)"
    )


def test_separators_inside_quotes_load_as_before() -> None:
    (document,) = read_yaml_bytes((CASES / "quoted-separators.yaml").read_bytes(), "q").documents
    metadata = document.data["metadata"]
    assert metadata["title"] == "Web hosting"  # libyaml folds a raw NEL in quotes
    assert metadata["owner"] == "Service\u2028owner"
    assert document.data["spec"]["description"] == (
        "one\u2029two \x85 three \u2028 four \u2029 five"
    )
    assert document.positions[("spec", "lifecycle")] == (11, 3)


# --- what `itsm validate` shows ------------------------------------------------------------


def make_repo(tmp_path: Path, names: list[str]) -> Path:
    repo = tmp_path / "repo"
    shutil.copytree(VALID, repo)
    folder = repo / UNDER_TEST
    folder.mkdir()
    for name in names:
        shutil.copyfile(CASES / name, folder / name)
    return repo


def test_validate_shows_each_case_where_it_must_be_fixed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = ["unclosed-quote.yaml", "unclosed-flow-crlf.yaml", "nel-in-plain-value.yaml"]
    monkeypatch.chdir(make_repo(tmp_path, names))
    result = cli.run("validate", "--no-color", "--today", TODAY)
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code == 1
    lines = [line for line in result.stdout.splitlines() if line.startswith(UNDER_TEST)]
    assert lines == [
        f"{UNDER_TEST}/nel-in-plain-value.yaml:7:13: E001 {NEL}",
        f"{UNDER_TEST}/unclosed-flow-crlf.yaml:13:14: E001 {LIST}",
        f"{UNDER_TEST}/unclosed-quote.yaml:7:10: E001 {DOUBLE}",
    ]


def test_a_separator_refuses_only_its_own_document(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, ["nel-in-second-document.yaml", "quoted-separators.yaml"])
    repository = load_repository(load_workspace(repo))
    file = f"{UNDER_TEST}/nel-in-second-document.yaml"
    assert [(f.rule, f.file, f.line, f.column) for f in repository.findings] == [
        ("E001", file, 18, 16)
    ]
    assert {"SVC-FIRST", "SVC-QUOTED"} <= set(repository.index.by_id)
    assert "SVC-SECOND" not in repository.index.by_id
