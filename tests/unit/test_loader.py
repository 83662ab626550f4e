"""The loader: YAML 1.2 values, positions of every field, multi-document files, discovery,
and the repository index (E003, E004) on the valid fixture repository `tests/fixtures/valid/`."""

from __future__ import annotations

import datetime as dt
import io
import math
import shutil
from pathlib import Path
from typing import Any

import pytest

from itsm_cli.findings import Finding
from itsm_cli.records.index import load_repository
from itsm_cli.records.kinds.agreements import OLA, SLA
from itsm_cli.records.kinds.service import Service
from itsm_cli.records.kinds.supplier import Supplier
from itsm_cli.records.load import LoadResult, discover, load_bytes
from itsm_cli.records.workspace import load_workspace
from itsm_cli.records.yamlread import read_yaml_bytes
from tests.helpers import cli
from tests.helpers.paths import fixture

VALID = fixture("valid")
MAX = 5 * 1024 * 1024


def value_of(text: str) -> Any:
    """The value `v` gets from the YAML line `v: <text>`."""
    parsed = read_yaml_bytes(f"v: {text}\n".encode(), "value.yaml")
    assert parsed.findings == []
    return parsed.documents[0].data["v"]


def findings_of(text: str) -> list[tuple[str, int, int]]:
    parsed = read_yaml_bytes(text.encode(), "f.yaml")
    return [(f.rule, f.line, f.column) for f in parsed.findings]


def load_text(text: str, file: str = "f.yaml") -> LoadResult:
    result = LoadResult()
    load_bytes(text.encode(), file, result, MAX)
    return result


# --- YAML 1.2 scalars ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Only true/false are booleans: the YAML 1.1 words stay text (Norway's code is "no").
        ("no", "no"),
        ("yes", "yes"),
        ("on", "on"),
        ("off", "off"),
        ("y", "y"),
        ("NO", "NO"),
        ("true", True),
        ("false", False),
        ("True", True),
        ("FALSE", False),
        # Integers: decimal with leading zeros is still decimal; 0o and 0x prefixes.
        ("010", 10),
        ("0o10", 8),
        ("0x1F", 31),
        ("-42", -42),
        ("+7", 7),
        ("1_000", "1_000"),
        # Floats.
        ("99.9", 99.9),
        ("1e3", 1000.0),
        (".5", 0.5),
        ("-.inf", -math.inf),
        # Sexagesimal numbers and dates are not YAML 1.2: text, for Pydantic to parse.
        ("12:30", "12:30"),
        ("2026-02-01", "2026-02-01"),
        ("2026-02-01T10:00:00Z", "2026-02-01T10:00:00Z"),
        ("P12M", "P12M"),
        # Nulls.
        ("~", None),
        ("null", None),
        ("Null", None),
        ("", None),
        # Quoted values are always text.
        ('"true"', "true"),
        ("'010'", "010"),
        ('"2026-02-01"', "2026-02-01"),
        ("'~'", "~"),
        ('""', ""),
        ("'no'", "no"),
        # Block scalars are text.
        ("|\n  010\n", "010\n"),
    ],
)
def test_yaml_1_2_scalars(text: str, expected: Any) -> None:
    value = value_of(text)
    assert value == expected
    assert type(value) is type(expected)


def _ruamel() -> Any:
    from ruamel.yaml import YAML

    return YAML(typ="rt")  # YAML 1.2, the writer of `itsm new`, `init` and `fmt`


def _plain(value: Any) -> Any:
    """ruamel's scalar types (ScalarFloat, dates) as the plain values our loader gives."""
    if isinstance(value, bool) or value is None:
        return value
    for kind in (int, float):
        if isinstance(value, kind):
            return kind(value)
    if isinstance(value, dt.date):
        return value.isoformat()  # dates stay text for Pydantic to parse
    return str(value)


AGREED = ["010", "no", "1e3", "0x1F", ".5", "+1", "12:30", "2026-02-01", "~", "0o17", "-.5",
          "true", "True", "yes", "on", "null", "1.", "99.9", "-0", "P12M", ".inf", "1:20:30"]


@pytest.mark.parametrize("text", AGREED)
def test_reading_agrees_with_the_yaml_1_2_writer(text: str) -> None:
    """Our loader and ruamel.yaml in YAML 1.2 mode read a plain scalar as the same value;
    writing back the value read, or the text as a string, reads back unchanged."""
    ruamel = _ruamel()
    ours = value_of(text)
    assert _plain(ruamel.load(f"v: {text}\n")["v"]) == ours
    for value in (ours, text):
        out = io.StringIO()
        ruamel.dump({"v": value}, out)
        again = read_yaml_bytes(out.getvalue().encode(), "value.yaml").documents[0].data["v"]
        assert (again, type(again)) == (value, type(value)), out.getvalue()


def test_itsm_new_writes_text_that_reads_back_as_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:


    (tmp_path / "records").mkdir()
    monkeypatch.chdir(tmp_path)
    result = cli.run("new", "Evidence", "EV-X", "--title", ".5e3")
    assert result.exit_code == 0, result.output
    (written,) = (tmp_path / "records").rglob("*.yaml")
    data = read_yaml_bytes(written.read_bytes(), "ev-x.yaml").documents[0].data
    assert data["metadata"]["title"] == ".5e3"


@pytest.mark.parametrize("text", [".inf", ".Inf", "+.INF"])
def test_infinity(text: str) -> None:
    assert value_of(text) == math.inf


@pytest.mark.parametrize("text", [".nan", ".NaN", ".NAN"])
def test_not_a_number(text: str) -> None:
    assert math.isnan(value_of(text))


def test_number_too_long_for_python_stays_text_and_the_file_is_read() -> None:
    digits = "1" * 5000  # over Python's 4,300-digit limit for int()
    parsed = read_yaml_bytes(f"a: {digits}\nb: 2\n".encode(), "f.yaml")
    assert parsed.findings == []
    assert parsed.documents[0].data == {"a": digits, "b": 2}


def test_dates_stay_text_in_raw_data_and_become_dates_in_the_model(tmp_path: Path) -> None:
    parsed = read_yaml_bytes((VALID / "records/agreements/sla-web.yaml").read_bytes(), "sla")
    assert parsed.documents[0].data["spec"]["validFrom"] == "2026-02-01"
    repository = load_repository(load_workspace(VALID))
    sla = repository.index.get("SLA-WEB", SLA)
    assert sla is not None
    assert sla.model.spec.valid_from.isoformat() == "2026-02-01"


def test_country_code_no_survives_into_a_record() -> None:
    result = load_text(
        "apiVersion: itsm/v1\nkind: Service\n"
        "metadata: {id: SVC-NO, title: Norway, owner: o, labels: {country: no}}\n"
        "spec: {description: d, lifecycle: live, criticality: low}\n"
    )
    assert result.findings == []
    assert result.records[0].model.metadata.labels == {"country": "no"}


def test_fields_left_out_get_an_empty_value_of_their_own() -> None:
    """`[]` and `{}` defaults are made fresh for each record (a factory, not a shared
    object), and the JSON Schema still shows them."""
    text = (
        "apiVersion: itsm/v1\nkind: Service\n"
        "metadata: {{id: {id}, title: T, owner: o}}\n"
        "spec: {{description: d, lifecycle: live, criticality: low}}\n"
    )
    result = load_text(text.format(id="SVC-A") + "---\n" + text.format(id="SVC-B"))
    first, second = (r.model for r in result.records)
    assert isinstance(first, Service) and isinstance(second, Service)
    assert first.spec.depends_on == [] and first.metadata.labels == {}
    assert first.spec.depends_on is not second.spec.depends_on
    assert first.metadata.labels is not second.metadata.labels
    schema = Service.model_json_schema(by_alias=True)
    assert schema["$defs"]["ServiceSpec"]["properties"]["dependsOn"]["default"] == []
    assert schema["$defs"]["Metadata"]["properties"]["labels"]["default"] == {}


# --- positions ---------------------------------------------------------------------------


def test_positions_of_keys_list_items_and_flow_values() -> None:
    text = (
        "a:\n"  # 1
        "  b: 1\n"  # 2
        "  c:\n"  # 3
        "    - x\n"  # 4
        "    - {d: 2, e: [3, 4]}\n"  # 5
    )
    (doc,) = read_yaml_bytes(text.encode(), "f.yaml").documents
    assert doc.positions[()] == (1, 1)
    assert doc.positions[("a",)] == (1, 1)
    assert doc.positions[("a", "b")] == (2, 3)
    assert doc.positions[("a", "c")] == (3, 3)
    assert doc.positions[("a", "c", 0)] == (4, 7)
    assert doc.positions[("a", "c", 1)] == (5, 7)
    assert doc.positions[("a", "c", 1, "d")] == (5, 8)
    assert doc.positions[("a", "c", 1, "e")] == (5, 14)
    assert doc.positions[("a", "c", 1, "e", 1)] == (5, 21)


def test_record_position_falls_back_to_the_nearest_written_parent() -> None:
    result = load_text((VALID / "records/agreements/sla-web.yaml").read_text())
    (record,) = result.records
    assert record.position(("spec", "targets", 1, "priority")) == (25, 7)
    assert record.position(("spec", "targets", 1, "comparator")) == (20, 7)  # not written
    assert record.position(("spec", "reporting", "frequency")) == (9, 1)  # spec itself


# --- multi-document files ------------------------------------------------------------------

SERVICE = (
    "apiVersion: itsm/v1\nkind: Service\nmetadata: {{id: {id}, title: t, owner: o}}\n"
    "spec: {{description: d, lifecycle: live, criticality: low}}\n"
)


def test_multi_document_file_keeps_each_documents_lines() -> None:
    text = SERVICE.format(id="SVC-A") + "---\n" + SERVICE.format(id="SVC-B")
    parsed = read_yaml_bytes(text.encode(), "f.yaml")
    # A document after `---` starts at its marker.
    assert [(d.index, d.line) for d in parsed.documents] == [(0, 1), (1, 5)]
    assert parsed.documents[1].positions[("metadata",)] == (8, 1)


def test_a_bad_document_does_not_hide_the_good_ones() -> None:
    text = (
        SERVICE.format(id="SVC-A")
        + "---\napiVersion: itsm/v1\nkind: Service\nkind: Service\n"  # duplicate key, line 8
        + "---\n"
        + SERVICE.format(id="SVC-C")
    )
    result = load_text(text)
    assert [r.id for r in result.records] == ["SVC-A", "SVC-C"]
    assert [(f.rule, f.line, f.column) for f in result.findings] == [("E001", 8, 1)]
    assert result.records[1].line == 9


def test_duplicate_keys_are_found_in_nested_and_flow_mappings() -> None:
    assert findings_of("a:\n  - {x: 1, y: 2, x: 3}\n") == [("E001", 2, 18)]
    assert findings_of("a:\n  b: 1\n  c:\n    d: 1\n    d: 2\n") == [("E001", 5, 5)]
    # Every duplicate is reported, not only the first.
    assert findings_of("a: 1\na: 2\nb: 1\nb: 2\n") == [("E001", 2, 1), ("E001", 4, 1)]
    # Same text, different values under YAML 1.2: `1` and `"1"` are different keys.
    assert findings_of('1: a\n"1": b\n') == []


def test_keys_equal_only_once_read_are_not_called_duplicates() -> None:
    """`1` and `true` are two different YAML keys, but one value in Python: the document is
    refused all the same (records have text keys only), with a message that says why."""
    parsed = read_yaml_bytes(b"labels:\n  1: a\n  true: b\n  ~: c\n  null: d\n", "f.yaml")
    assert [(f.rule, f.line, f.column, f.message) for f in parsed.findings] == [
        ("E001", 3, 3, "key true reads as the same value as the key 1 at line 2"),
        ("E001", 5, 3, "duplicate key 'null' (first defined at line 4)"),
    ]
    assert parsed.findings[0].hint == "Quote the keys: record keys are text."


def test_duplicate_key_fingerprint_does_not_change_when_lines_move() -> None:
    """The message names the line of the first occurrence, but the fingerprint (what `itsm
    diff`, SARIF and GitLab match findings by) never depends on a line number."""
    data = (fixture("bad_input") / "duplicate-key.yaml").read_bytes()
    (before,) = read_yaml_bytes(data, "records/svc.yaml").findings
    (after,) = read_yaml_bytes(b"# a new comment\n\n" + data, "records/svc.yaml").findings
    assert (before.line, after.line) == (9, 11)
    assert "(first defined at line 7)" in before.message
    assert "(first defined at line 9)" in after.message
    assert before.fingerprint == after.fingerprint


def test_explicit_document_markers_and_empty_documents() -> None:
    text = "%YAML 1.2\n---\n" + SERVICE.format(id="SVC-A") + "...\n---\n---\n"
    result = load_text(text)
    assert [r.id for r in result.records] == ["SVC-A"]
    assert result.findings == []


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("a: &x 1\nb: *x\n", None),  # a scalar alias is fine
        ("a: &x [1, 2]\nb: *x\n", None),
        ("a: &x [*x]\n", "E001"),  # an alias inside its own anchor is undefined there
        ("? [a, b]\n: 1\n", "E001"),  # a list as a key
        ("a: !custom x\n", "E006"),
        ("!!map\na: 1\n", "E006"),
        ("--- !!str\nx\n", "E006"),
    ],
)
def test_anchors_keys_and_tags(text: str, rule: str | None) -> None:
    parsed = read_yaml_bytes(text.encode(), "f.yaml")
    assert [f.rule for f in parsed.findings] == ([rule] if rule else [])


def test_utf16_with_its_mark_is_read() -> None:
    data = SERVICE.format(id="SVC-U16").encode("utf-16")
    result = LoadResult()
    load_bytes(data, "f.yaml", result, MAX)
    assert result.findings == []
    assert [r.id for r in result.records] == ["SVC-U16"]


def test_windows_line_endings_are_read() -> None:
    result = load_text(SERVICE.format(id="SVC-CRLF").replace("\n", "\r\n"))
    assert result.findings == []
    assert result.records[0].position(("spec",)) == (4, 1)


# --- records, schema, envelope -------------------------------------------------------------


def test_non_text_kind_and_api_version_are_explained() -> None:
    kind_list = load_text("apiVersion: itsm/v1\nkind: [Service]\nmetadata: {}\nspec: {}\n")
    assert [(f.rule, f.line, f.message) for f in kind_list.findings] == [
        ("E005", 2, "unknown kind: a list where a kind name is expected")
    ]
    api_number = load_text("apiVersion: 1\nkind: Service\nmetadata: {}\nspec: {}\n")
    assert [(f.rule, f.line, f.message) for f in api_number.findings] == [
        ("E005", 1, "unknown apiVersion 1 (supported: itsm/v1)")
    ]


def test_missing_envelope_field() -> None:
    result = load_text("kind: Service\nmetadata: {id: SVC-A}\nspec: {}\n")
    (finding,) = result.findings
    assert (finding.rule, finding.line, finding.record) == ("E002", 1, "SVC-A")
    assert finding.message == "missing required field 'apiVersion'"


def test_an_objective_in_percent_is_a_percentage() -> None:
    """An availability of 150 % (a typo for 99.95?) would make SLM004's ceiling and CON005's
    downtime budget nonsense: E002 at the objective. Other units have no such bound."""
    result = load_text(
        "apiVersion: itsm/v1\nkind: Supplier\n"
        "metadata: {id: SUP-A, title: t, owner: o}\n"
        "spec:\n  type: external\n  criticality: low\n  supports: []\n"
        "  contract:\n    reference: R-1\n    start: 2026-01-01\n    end: 2026-12-31\n"
        "    targets:\n"
        "      - {id: availability, metric: availability, objective: 150, unit: percent,\n"
        "         window: calendar-month}\n"
        "      - {id: fix, metric: resolution-time, objective: 150, unit: min,\n"
        "         window: per-incident}\n"
    )
    (finding,) = result.findings
    assert (finding.rule, finding.record, finding.line, finding.column) == ("E002", "SUP-A", 13, 50)
    assert finding.message == "objective 150 is not a percentage (0 to 100)"
    assert finding.path == ("spec", "contract", "targets", 0, "objective")


def test_non_text_keys_are_a_schema_error() -> None:
    result = load_text(
        "apiVersion: itsm/v1\nkind: Measurement\n"
        "metadata: {id: MEAS-A, title: t, owner: o}\n"
        "spec:\n  agreement: SLA-WEB\n  period: '2026-10'\n  values:\n    1: 99.9\n"
    )
    (finding,) = result.findings
    assert (finding.rule, finding.line, finding.column) == ("E002", 8, 5)
    assert "must be text" in finding.message


def test_broken_record_is_remembered_so_references_to_it_are_not_reported(
    tmp_path: Path,
) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(VALID, repo)
    # Break the supplier the service depends on: one E002, and no E004 for SVC-WEB.dependsOn.
    path = repo / "records/suppliers/sup-dc.yaml"
    path.write_text(path.read_text().replace("type: external", "type: outsourced"))
    repository = load_repository(load_workspace(repo))
    assert [(f.rule, f.file, f.line) for f in repository.findings] == [
        ("E002", "records/suppliers/sup-dc.yaml", 10)
    ]


# --- the repository index ------------------------------------------------------------------


def test_valid_fixture_repository_loads_clean() -> None:
    repository = load_repository(load_workspace(VALID))
    assert repository.findings == []
    assert len(repository.index) == 6
    assert repository.files == [
        "records/agreements/ola-netops.yaml",
        "records/agreements/sla-web.yaml",
        "records/measurements/sla-web.yaml",
        "records/services/svc-web.yaml",
        "records/suppliers/sup-dc.yaml",
        "records/suppliers/sup-netops.yaml",
    ]
    index = repository.index
    assert [r.id for r in index.of_kind(Supplier)] == ["SUP-DC", "SUP-NETOPS"]
    assert index.get("SVC-WEB", Service) is not None
    assert index.get("SVC-WEB", SLA) is None  # exists, but is not an SLA
    assert index.get("NOPE") is None
    ola = index.get("OLA-NETOPS", OLA)
    assert ola is not None and ola.model.spec.provider == "SUP-NETOPS"


def _repo_with(tmp_path: Path, files: dict[str, str]) -> Path:
    repo = tmp_path / "repo"
    shutil.copytree(VALID, repo)
    for name, text in files.items():
        (repo / "records" / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / "records" / name).write_text(text)
    return repo


def _located(findings: list[Finding]) -> list[tuple[str, str, int, int]]:
    return [(f.rule, f.file, f.line, f.column) for f in sorted(findings, key=Finding.sort_key)]


def test_duplicate_id_in_one_file_names_the_first_document(tmp_path: Path) -> None:
    text = SERVICE.format(id="SVC-TWICE") + "---\n" + SERVICE.format(id="SVC-TWICE")
    repo = _repo_with(tmp_path, {"services/twice.yaml": text})
    (finding,) = load_repository(load_workspace(repo)).findings
    assert (finding.rule, finding.line, finding.column) == ("E003", 8, 12)
    assert "records/services/twice.yaml:3" in finding.message


def test_waiver_naming_a_missing_record(tmp_path: Path) -> None:
    waiver = (
        "apiVersion: itsm/v1\nkind: Waiver\n"
        "metadata: {id: WVR-A, title: t, owner: o}\n"
        "spec:\n"
        "  rule: SLM003\n"
        "  records: ['*', SLA-WEB, SLA-WBE]\n"
        "  reason: r\n  approvedBy: b\n  expires: 2027-01-01\n"
    )
    repo = _repo_with(tmp_path, {"waivers/wvr-a.yaml": waiver})
    findings = load_repository(load_workspace(repo)).findings
    assert _located(findings) == [("E004", "records/waivers/wvr-a.yaml", 6, 27)]
    assert findings[0].message == "'SLA-WBE' names no record (did you mean 'SLA-WEB'?)"


def test_measurement_of_a_service_is_a_wrong_kind(tmp_path: Path) -> None:
    text = (
        "apiVersion: itsm/v1\nkind: Measurement\n"
        "metadata: {id: MEAS-X, title: t, owner: o}\n"
        "spec: {agreement: SVC-WEB, period: '2026-10', values: {availability: 99}}\n"
    )
    repo = _repo_with(tmp_path, {"measurements/x.yaml": text})
    findings = load_repository(load_workspace(repo)).findings
    assert _located(findings) == [("E004", "records/measurements/x.yaml", 4, 8)]
    assert findings[0].message == "'SVC-WEB' is a Service, but a SLA or OLA is expected here"


def test_ola_provider_may_be_a_team_name(tmp_path: Path) -> None:
    text = (VALID / "records/agreements/ola-netops.yaml").read_text()
    text = text.replace("OLA-NETOPS", "OLA-TEAM").replace("SUP-NETOPS", "Network team")
    repo = _repo_with(tmp_path, {"agreements/ola-team.yaml": text})
    assert load_repository(load_workspace(repo)).findings == []


def test_cross_checks_off_skips_duplicates_and_references(tmp_path: Path) -> None:
    text = SERVICE.format(id="SVC-WEB").replace(
        "criticality: low", "criticality: low, dependsOn: [SUP-NONE]"
    )
    repo = _repo_with(tmp_path, {"services/again.yaml": text})
    workspace = load_workspace(repo)
    assert _located(load_repository(workspace).findings) == [
        ("E004", "records/services/again.yaml", 4, 71),  # SUP-NONE
        ("E003", "records/services/svc-web.yaml", 4, 3),  # read after again.yaml
    ]
    assert load_repository(workspace, cross_checks=False).findings == []


# --- discovery -----------------------------------------------------------------------------


def test_discovery_reads_yaml_and_yml_and_skips_hidden_and_other_files(tmp_path: Path) -> None:
    root = tmp_path
    for name in (
        "records/a.yaml",
        "records/b.yml",
        "records/c.json",
        "records/README.md",
        "records/.hidden.yaml",
        "records/.git/x.yaml",
        "records/sub/.cache/y.yaml",
        "records/sub/d.YAML.bak",
        "records/sub/e.yaml",
    ):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("x: 1\n")
    files, findings = discover([root / "records"], root)
    assert [rel for _, rel in files] == ["records/a.yaml", "records/b.yml", "records/sub/e.yaml"]
    assert findings == []


def test_discovery_of_a_single_file_and_overlapping_paths(tmp_path: Path) -> None:
    (tmp_path / "records/sub").mkdir(parents=True)
    (tmp_path / "records/sub/a.yaml").write_text("x: 1\n")
    files, _ = discover(
        [tmp_path / "records", tmp_path / "records/sub/a.yaml", tmp_path / "records/sub"],
        tmp_path,
    )
    assert [rel for _, rel in files] == ["records/sub/a.yaml"]


def test_configured_file_size_limit(tmp_path: Path) -> None:
    big = SERVICE.format(id="SVC-BIG").replace("description: d", "description: " + "d" * 700)
    repo = _repo_with(tmp_path, {"services/big.yaml": big})
    (repo / "itsm.toml").write_text('records = "records"\nmax-file-size = 600\n')
    findings = load_repository(load_workspace(repo)).findings
    assert _located(findings) == [("E006", "records/services/big.yaml", 1, 1)]
    assert "over the 600-byte limit" in findings[0].message


def test_records_in_an_unreadable_file_are_not_reported_missing(tmp_path: Path) -> None:
    """A syntax error in the SLA file hides the SLA; the Measurement that names it gets no
    E004 on top of the E001 (it exists, it just cannot be read yet)."""
    repo = tmp_path / "repo"
    shutil.copytree(VALID, repo)
    sla = repo / "records/agreements/sla-web.yaml"
    sla.write_text(sla.read_text().replace("services: [SVC-WEB]", "services: [SVC-WEB"))
    findings = load_repository(load_workspace(repo)).findings
    assert _located(findings) == [("E001", "records/agreements/sla-web.yaml", 12, 12)]


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("{agreement: SLA-WEB, period: '2026-13', values: {}}",
         "spec.period: '2026-13' is not a period: write a month (2026-10) or a quarter "
         "(2026-Q4)"),
        ("{agreement: SLA-WEB, period: 2026-Q5, values: {}}",
         "spec.period: '2026-Q5' is not a period: write a month (2026-10) or a quarter "
         "(2026-Q4)"),
        # digits of another script are not a year: REP001 would never match them
        ("{agreement: SLA-WEB, period: \u0662\u0660\u0662\u0666-10, values: {}}",
         "spec.period: '\u0662\u0660\u0662\u0666-10' is not a period: write a month "
         "(2026-10) or a quarter (2026-Q4)"),
    ],
)
def test_a_value_of_the_wrong_form_is_explained_in_words(spec: str, message: str) -> None:
    """Periods, clause numbers, rule codes and target ids that do not fit their pattern are
    described in words, never by the regular expression."""
    result = load_text(
        "apiVersion: itsm/v1\nkind: Measurement\n"
        f"metadata: {{id: MEAS-A, title: t, owner: o}}\nspec: {spec}\n"
    )
    assert [f.message for f in result.findings] == [message]


def test_clause_rule_code_and_target_id_of_the_wrong_form() -> None:
    waiver = load_text(
        "apiVersion: itsm/v1\nkind: Waiver\n"
        "metadata: {id: WVR-A, title: t, owner: o, clauses: ['8.3.3', '11.1']}\n"
        "spec: {rule: slm003, records: ['*'], reason: r, approvedBy: b, expires: 2027-01-01}\n"
    )
    assert [(f.message, f.hint) for f in waiver.findings] == [
        ("metadata.clauses[1]: '11.1' is not a clause number of ISO/IEC 20000-1 (4 to 10, "
         "e.g. 8.3.3)", "`itsm clauses` lists the clauses."),
        ("spec.rule: 'slm003' is not a rule code (e.g. SLM003)", "`itsm rules` lists the rules."),
    ]
    sla = load_text(
        "apiVersion: itsm/v1\nkind: OLA\nmetadata: {id: OLA-A, title: t, owner: o}\n"
        "spec:\n  provider: ops\n  services: [SVC-A]\n  targets:\n"
        "    - {id: p1 response, metric: other, objective: 1, unit: h, window: per-incident}\n"
    )
    assert [f.message for f in sla.findings] == [
        "spec.targets[0].id: 'p1 response' is not a target id (letters, digits, '.', '_' and "
        "'-', e.g. availability)"
    ]


def test_a_clause_the_standard_does_not_have_is_an_error() -> None:
    """`8.3.9` has the form of a clause number but ISO/IEC 20000-1:2018 has no such clause:
    the record would evidence nothing for it, silently (and `itsm gap` would not say)."""
    result = load_text(
        "apiVersion: itsm/v1\nkind: Evidence\n"
        "metadata:\n  id: EV-A\n  title: t\n  owner: o\n"
        '  clauses: ["5.2", "8.3.9", "9.4.1", "4.0"]\n'
        "spec: {type: policy, location: docs/policy.md}\n"
    )
    assert result.records == []
    assert [(f.rule, f.line, f.column, f.message) for f in result.findings] == [
        ("E002", 7, 20, "'8.3.9' is not a clause of ISO/IEC 20000-1:2018 (8.3 has 8.3.1, "
         "8.3.2, 8.3.3, 8.3.4)"),
        ("E002", 7, 29, "'9.4.1' is not a clause of ISO/IEC 20000-1:2018 (9.4 has no "
         "subclauses)"),
        ("E002", 7, 38, "'4.0' is not a clause of ISO/IEC 20000-1:2018 (4 has 4.1, 4.2, 4.3, "
         "4.4)"),
    ]


def test_an_audit_or_nonconformity_naming_a_clause_the_standard_lacks_is_an_error() -> None:
    """An audit scope of `10.9` would claim an audit of nothing; a nonconformity against it,
    or an audit finding at it, points nowhere."""
    audit = load_text(
        "apiVersion: itsm/v1\nkind: Audit\nmetadata: {id: AUD-A, title: t, owner: o}\n"
        "spec:\n  type: internal\n  state: done\n  date: 2026-10-01\n  auditor: a\n"
        '  scope: ["9.2", "10.9"]\n'
        '  findings: [{id: F1, type: observation, clause: "8.3.3.9", description: d}]\n'
    )
    assert audit.records == []
    assert [(f.line, f.path, f.message) for f in audit.findings] == [
        (9, ("spec", "scope", 1),
         "'10.9' is not a clause of ISO/IEC 20000-1:2018 (10 has 10.1, 10.2)"),
        (10, ("spec", "findings", 0, "clause"),
         "'8.3.3.9' is not a clause of ISO/IEC 20000-1:2018 (8.3.3 has no subclauses)"),
    ]
    nonconformity = load_text(
        "apiVersion: itsm/v1\nkind: Nonconformity\nmetadata: {id: NCR-A, title: t, owner: o}\n"
        "spec:\n  source: audit\n  raised: 2026-10-01\n  severity: minor\n"
        '  clauses: ["4.4.4"]\n  description: d\n  state: open\n'
    )
    assert [(f.rule, f.line, f.path) for f in nonconformity.findings] == [
        ("E002", 8, ("spec", "clauses", 0)),
    ]


def test_messages_quoting_input_stay_on_one_line(tmp_path: Path) -> None:
    """A finding is one `file:line:col: CODE message` line, whatever the input quoted."""
    assert read_yaml_bytes(b'"a\\nb": 1\n"a\\nb": 2\n', "f.yaml").findings[0].message == (
        "duplicate key 'a\\nb' (first defined at line 1)"
    )
    kind = load_text('apiVersion: itsm/v1\nkind: "Serv\\nice"\nmetadata: {}\nspec: {}\n')
    assert kind.findings[0].message == "unknown kind 'Serv\\nice' (did you mean 'Service'?)"
    waiver = (
        "apiVersion: itsm/v1\nkind: Waiver\n"
        "metadata: {id: WVR-A, title: t, owner: o}\n"
        'spec: {rule: SLM003, records: ["SLA-\\r\\nWEB"], reason: r, approvedBy: b, '
        "expires: 2027-01-01}\n"
    )
    measurement = (
        "apiVersion: itsm/v1\nkind: Measurement\n"
        "metadata: {id: MEAS-A, title: t, owner: o}\n"
        "spec: {agreement: SLA-WEB, period: '2026-10', values: {\"avail\\u2028ability\": 1}}\n"
    )
    repo = _repo_with(tmp_path, {"w.yaml": waiver, "m.yaml": measurement})
    messages = sorted(f.message for f in load_repository(load_workspace(repo)).findings)
    assert messages == [
        "'SLA-\\r\\nWEB' names no record (did you mean 'SLA-WEB'?)",
        "SLA-WEB has no target 'avail\\u2028ability' (did you mean 'availability'?)",
    ]


def test_did_you_mean_is_searched_for_a_bounded_number_of_missing_ids(tmp_path: Path) -> None:
    """Each search compares with every record id: thousands of broken references must not
    make the run hang, so only the first SUGGESTION_BUDGET distinct ids get one."""
    from itsm_cli.records.index import SUGGESTION_BUDGET

    refs = [f"SVC-WEB{i}" for i in range(SUGGESTION_BUDGET + 10)] + ["SVC-WEB0"]
    text = SERVICE.format(id="SVC-MANY").replace(
        "criticality: low", f"criticality: low, dependsOn: [{', '.join(refs)}]"
    )
    repo = _repo_with(tmp_path, {"services/many.yaml": text})
    findings = load_repository(load_workspace(repo)).findings
    messages = [f.message for f in sorted(findings, key=Finding.sort_key)]
    assert len(messages) == len(refs)
    assert messages[0] == "'SVC-WEB0' names no Service or Supplier (did you mean 'SVC-WEB'?)"
    assert messages[-1] == messages[0]  # the same id again: the same suggestion
    suggested = [m for m in messages if "did you mean" in m]
    assert len(suggested) == SUGGESTION_BUDGET + 1
    assert messages[-2] == f"'SVC-WEB{SUGGESTION_BUDGET + 9}' names no Service or Supplier"


def _submodels(value: Any) -> list[Any]:
    """Every model inside `value`, found by walking all attributes (not the loader's list)."""
    from pydantic import BaseModel

    found: list[Any] = []
    todo = [value]
    while todo:
        current = todo.pop()
        if isinstance(current, BaseModel):
            found.append(current)
            todo.extend(current.__dict__.values())
        elif isinstance(current, (list, tuple)):
            todo.extend(current)
        elif isinstance(current, dict):
            todo.extend(current.values())
    return found


def test_loaded_models_share_one_fields_set_per_class_and_fields() -> None:
    """Memory: the loader gives every model of a class with the same fields written one
    `model_fields_set`, and each still names exactly the fields its YAML wrote."""
    repository = load_repository(load_workspace(VALID))
    by_value: dict[tuple[type, frozenset[str]], set[str]] = {}
    models = [m for record in repository.index.records for m in _submodels(record.model)]
    assert len(models) > 3 * len(repository.index.records)
    for model in models:
        fields_set = model.model_fields_set
        assert by_value.setdefault((type(model), frozenset(fields_set)), fields_set) is fields_set
    for record in repository.index.records:
        fresh = type(record.model).model_validate(record.document.data)
        assert [m.model_fields_set for m in _submodels(fresh)] == [
            m.model_fields_set for m in _submodels(record.model)
        ]
