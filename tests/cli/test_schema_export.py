"""`itsm schema export` and the committed JSON Schemas in `schemas/`.

- `schemas/` is what the models export today (byte for byte);
- every schema is valid draft-07 and uses no keyword of later drafts;
- every record in `records/` carries a modeline pointing at its kind's schema and validates
  against it, with `jsonschema` and with `check-jsonschema`;
- the schemas accept and refuse what the loader accepts and refuses: the fixture folders
  under `tests/fixtures/schemas/` (see its README) hold one case per file.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from itsm_cli.findings import format_path
from itsm_cli.records.load import validate_document
from itsm_cli.records.models import KINDS
from itsm_cli.records.schema import FORBIDDEN_KEYWORDS, file_name, keywords
from itsm_cli.records.yamlread import read_yaml_bytes
from tests.helpers import cli
from tests.helpers.paths import ROOT, fixture

SCHEMAS = ROOT / "schemas"
RECORDS = ROOT / "records"
FIXTURES = fixture("schemas")
MODELINE = re.compile(r"^# yaml-language-server: \$schema=(\S+)$")
EXPECTED_FILES = sorted(file_name(kind) for kind in KINDS)


def invoke(*args: str) -> tuple[int, str]:
    result = cli.run(*args)
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.exit_code, result.output


@cache
def schema(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    return data


def validator(name: str) -> jsonschema.Draft7Validator:
    return jsonschema.Draft7Validator(
        schema(name), format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER
    )


def documents(path: Path) -> list[Any]:
    """The documents of a file as our loader reads them (YAML 1.2, dates as strings)."""
    parsed = read_yaml_bytes(path.read_bytes(), path.name)
    assert not parsed.findings, f"{path}: {parsed.findings}"
    return [doc for doc in parsed.documents if doc.data is not None]


def modeline_target(path: Path) -> Path | None:
    first = path.read_text(encoding="utf-8").splitlines()[0] if path.stat().st_size else ""
    match = MODELINE.match(first)
    return (path.parent / match.group(1)).resolve() if match else None


def record_files() -> list[Path]:
    return sorted(p for p in RECORDS.rglob("*") if p.suffix in (".yaml", ".yml"))


def fixtures(folder: str) -> list[Path]:
    return sorted((FIXTURES / folder).glob("*.yaml"))


def schema_errors(path: Path) -> list[str]:
    """Paths of the schema errors of a one-record fixture, validated against the schema its
    modeline names."""
    target = modeline_target(path)
    assert target is not None and target.parent == SCHEMAS.resolve(), f"{path}: no modeline"
    (doc,) = documents(path)
    errors = validator(target.name).iter_errors(doc.data)
    return [format_path(tuple(e.absolute_path)) for e in errors]


def loader_errors(path: Path) -> list[str]:
    """Paths of the loader's findings on a one-record fixture (none: the loader accepts it)."""
    (doc,) = documents(path)
    record, findings = validate_document(doc, path.name)
    assert (record is None) == bool(findings)
    return [format_path(f.path) for f in findings]


def wrong_field(path: Path) -> str:
    match = re.search(r"^# wrong: (\S+)$", path.read_text(encoding="utf-8"), re.MULTILINE)
    assert match, f"{path} has no `# wrong: <field path>` line"
    return match.group(1)


def at_or_above(reported: list[str], field: str) -> bool:
    """Some error is at `field` or at one of its parents (a missing or unknown key is reported
    at the object that holds it by JSON Schema)."""
    return any(
        field == r or field.startswith(f"{r}.") or field.startswith(f"{r}[") for r in reported
    )


# --- the committed schemas ------------------------------------------------------------


@pytest.mark.slow
def test_committed_schemas_are_up_to_date(tmp_path: Path) -> None:
    code, _ = invoke("schema", "export", str(tmp_path))
    assert code == 0
    exported = sorted(p.name for p in tmp_path.iterdir())
    committed = sorted(p.name for p in SCHEMAS.glob("*.schema.json"))
    assert exported == EXPECTED_FILES
    stale = [
        name
        for name in exported
        if not (SCHEMAS / name).is_file()
        or (SCHEMAS / name).read_bytes() != (tmp_path / name).read_bytes()
    ]
    extra = sorted(set(committed) - set(exported))
    assert not stale and not extra, (
        f"schemas/ is out of date with the models (changed: {stale}, not exported: {extra}); "
        "run `itsm schema export` and commit schemas/"
    )


@pytest.mark.parametrize("name", EXPECTED_FILES)
def test_schema_is_valid_draft_07(name: str) -> None:
    data = schema(name)
    assert data["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert data["$id"] == f"urn:itsm-cli:schema:v1:{name.removesuffix('.schema.json')}"
    jsonschema.Draft7Validator.check_schema(data)
    later = sorted(set(keywords(data)) & FORBIDDEN_KEYWORDS)
    assert not later, f"{name} uses keywords draft-07 does not know: {later}"


@pytest.mark.parametrize("name", EXPECTED_FILES)
def test_schema_is_written_for_editors(name: str) -> None:
    """References resolve and carry no ignored siblings; objects refuse unknown keys; every
    property has a title; kind and apiVersion are constants."""
    data = schema(name)
    text = (SCHEMAS / name).read_text(encoding="utf-8")
    assert text.endswith("}\n") and "\t" not in text
    definitions = data.get("definitions", {})

    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            if "$ref" in node:
                assert set(node) == {"$ref"}, f"{where}: draft-07 ignores keywords beside $ref"
                target = node["$ref"].removeprefix("#/definitions/")
                assert target in definitions, f"{where}: {node['$ref']} does not resolve"
            if node.get("type") == "object" and "properties" in node:
                assert node.get("additionalProperties") is False, f"{where}: allows any key"
                for key, sub in node["properties"].items():
                    assert sub.get("title"), f"{where}.{key}: no title"
            for key, sub in node.items():
                walk(sub, f"{where}/{key}")
        elif isinstance(node, list):
            for i, sub in enumerate(node):
                walk(sub, f"{where}/{i}")

    walk(data, name)
    kind = next(k for k in KINDS if file_name(k) == name)
    assert data["properties"]["kind"]["const"] == kind
    assert data["properties"]["apiVersion"]["const"] == "itsm/v1"
    assert data["required"] == ["apiVersion", "kind", "metadata", "spec"]
    assert data["title"] == f"itsm/v1 {kind}" and data["description"]


def test_descriptions_come_from_the_attribute_docstrings() -> None:
    sla = schema("sla.schema.json")
    metadata = sla["definitions"]["Metadata"]["properties"]
    assert metadata["id"]["description"].startswith("Unique id in the repository")
    assert metadata["lastReviewed"]["title"] == "Last reviewed"
    assert metadata["status"] == {
        "allOf": [{"$ref": "#/definitions/Status"}],
        "default": "draft",
        "description": "draft | approved | retired.",
        "title": "Status",
    }
    target = sla["definitions"]["Target"]["properties"]
    assert target["window"]["description"] == "Period over which the objective is measured."
    plan = schema("continuityplan.schema.json")["definitions"]["ContinuityTest"]["properties"]
    assert plan["achievedRto"]["title"] == "Achieved RTO"


# --- the example records ----------------------------------------------------------------


@pytest.mark.parametrize("path", record_files(), ids=lambda p: p.relative_to(RECORDS).as_posix())
def test_record_has_a_modeline_to_its_schema(path: Path) -> None:
    target = modeline_target(path)
    assert target is not None, (
        f"{path.relative_to(ROOT)}: the first line is not "
        "`# yaml-language-server: $schema=<relative path to schemas/KIND.schema.json>`"
    )
    assert target.is_file(), f"{path.relative_to(ROOT)}: the modeline points at {target}"
    assert target.parent == SCHEMAS.resolve()
    kinds = {doc.data.get("kind") for doc in documents(path)}
    assert {file_name(str(kind)) for kind in kinds} == {target.name}


@pytest.mark.parametrize("path", record_files(), ids=lambda p: p.relative_to(RECORDS).as_posix())
def test_record_validates_against_its_schema(path: Path) -> None:
    for doc in documents(path):
        errors = [
            f"{path.relative_to(ROOT)}:{doc.line}: {format_path(tuple(e.absolute_path))}: "
            f"{e.message}"
            for e in validator(file_name(doc.data["kind"])).iter_errors(doc.data)
        ]
        assert not errors, "\n".join(errors)


def test_schema_refuses_a_record_of_another_kind() -> None:
    (doc,) = documents(FIXTURES / "valid" / "sla-minimal.yaml")
    errors = list(validator("ola.schema.json").iter_errors(doc.data))
    assert "kind" in {format_path(tuple(e.absolute_path)) for e in errors}


# --- the schemas agree with the loader ------------------------------------------------------


@pytest.mark.parametrize("path", fixtures("valid"), ids=lambda p: p.name)
def test_valid_fixture_is_accepted_by_loader_and_schema(path: Path) -> None:
    assert loader_errors(path) == []
    assert schema_errors(path) == []


@pytest.mark.parametrize("path", fixtures("invalid"), ids=lambda p: p.name)
def test_invalid_fixture_is_refused_by_loader_and_schema(path: Path) -> None:
    field = wrong_field(path)
    loader, schema_ = loader_errors(path), schema_errors(path)
    assert at_or_above(loader, field), f"loader: {loader}"
    assert at_or_above(schema_, field), f"schema: {schema_}"


DIVERGENT = {
    "sla-valid-until-before-valid-from.yaml": "loader",
    "sla-duplicate-target-ids.yaml": "loader",
}
"""Which side refuses each known divergence (see tests/fixtures/schemas/README.md)."""


def test_divergent_fixtures_are_the_known_ones() -> None:
    assert sorted(p.name for p in fixtures("divergent")) == sorted(DIVERGENT)


@pytest.mark.parametrize("path", fixtures("divergent"), ids=lambda p: p.name)
def test_divergent_fixture_is_refused_by_one_side_only(path: Path) -> None:
    field = wrong_field(path)
    loader, schema_ = loader_errors(path), schema_errors(path)
    if DIVERGENT[path.name] == "loader":
        assert at_or_above(loader, field) and schema_ == [], (loader, schema_)
    else:
        assert loader == [] and at_or_above(schema_, field), (loader, schema_)


# --- check-jsonschema ------------------------------------------------------------------


def check_jsonschema(schema_file: Path, files: list[Path]) -> tuple[int, dict[str, Any]]:
    executable = Path(sys.executable).parent / "check-jsonschema"
    assert executable.is_file(), "check-jsonschema is missing: install the dev extra"
    result = subprocess.run(
        [str(executable), "--output-format", "json", "--schemafile", str(schema_file)]
        + [str(f) for f in files],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    report: dict[str, Any] = json.loads(result.stdout)
    return result.returncode, report


@pytest.mark.slow
def test_check_jsonschema_accepts_the_example_slas() -> None:
    files = sorted(RECORDS.glob("agreements/sla-*.yaml"))
    assert files
    code, report = check_jsonschema(SCHEMAS / "sla.schema.json", files)
    assert (code, report["status"]) == (0, "ok"), report


@pytest.mark.slow
def test_check_jsonschema_refuses_every_broken_sla_fixture() -> None:
    files = sorted((FIXTURES / "invalid").glob("sla-*.yaml"))
    assert len(files) >= 10
    code, report = check_jsonschema(SCHEMAS / "sla.schema.json", files)
    assert code == 1 and report["status"] == "fail"
    failed = {Path(e["filename"]).name for e in report["errors"]}
    assert failed == {f.name for f in files}, report
    dates = [e for e in report["errors"] if e["filename"].endswith("sla-impossible-date.yaml")]
    assert [e["path"] for e in dates] == ["$.spec.validUntil"]


# --- the command -------------------------------------------------------------------------


@pytest.mark.slow
def test_export_writes_every_kind_then_reports_up_to_date(tmp_path: Path) -> None:
    target = tmp_path / "out"
    code, out = invoke("schema", "export", str(target))
    assert code == 0
    assert sorted(p.name for p in target.iterdir()) == EXPECTED_FILES  # no temporary files
    assert out.splitlines() == [f"created {target.as_posix()}/{name}" for name in (
        file_name(kind) for kind in KINDS
    )]
    before = {p.name: p.stat().st_mtime_ns for p in target.iterdir()}
    code, out = invoke("schema", "export", str(target))
    assert (code, out) == (0, f"{target.as_posix()}: {len(KINDS)} schema files up to date\n")
    assert {p.name: p.stat().st_mtime_ns for p in target.iterdir()} == before


@pytest.mark.slow
def test_export_rewrites_only_what_changed(tmp_path: Path) -> None:
    invoke("schema", "export", str(tmp_path))
    (tmp_path / "sla.schema.json").write_text("{}\n")
    code, out = invoke("schema", "export", str(tmp_path))
    assert (code, out) == (0, f"updated {tmp_path.as_posix()}/sla.schema.json\n")
    assert (tmp_path / "sla.schema.json").read_bytes() == (SCHEMAS / "sla.schema.json").read_bytes()


@pytest.mark.slow
def test_check_lists_stale_files_and_writes_nothing(tmp_path: Path) -> None:
    invoke("schema", "export", str(tmp_path))
    (tmp_path / "waiver.schema.json").write_text("{}\n")
    (tmp_path / "ola.schema.json").unlink()
    code, out = invoke("schema", "export", "--check", str(tmp_path))
    assert code == 1
    assert f"would create {tmp_path.as_posix()}/ola.schema.json" in out
    assert f"would update {tmp_path.as_posix()}/waiver.schema.json" in out
    assert f"2 of {len(KINDS)} schema files are out of date; run `itsm schema export`" in out
    assert (tmp_path / "waiver.schema.json").read_text() == "{}\n"
    assert not (tmp_path / "ola.schema.json").exists()


@pytest.mark.slow
def test_check_passes_on_the_committed_schemas(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT / "records" / "agreements")
    code, out = invoke("schema", "export", "--check")
    assert (code, out) == (0, f"../../schemas: {len(KINDS)} schema files up to date\n")


@pytest.mark.slow
def test_check_on_a_missing_folder_creates_nothing(tmp_path: Path) -> None:
    code, out = invoke("schema", "export", "--check", str(tmp_path / "none"))
    assert code == 1 and out.count("would create") == len(KINDS)
    assert not (tmp_path / "none").exists()


@pytest.mark.slow
def test_quiet_prints_nothing(tmp_path: Path) -> None:
    assert invoke("schema", "export", "--quiet", str(tmp_path)) == (0, "")
    assert invoke("schema", "export", "-q", "--check", str(tmp_path)) == (0, "")
    assert len(list(tmp_path.iterdir())) == len(KINDS)


@pytest.mark.slow
def test_default_folder_is_schemas_at_the_repository_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "itsm.toml").write_text('records = "records"\n')
    (tmp_path / "records" / "services").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "records" / "services")
    code, out = invoke("schema", "export")
    assert code == 0
    assert "created ../../schemas/sla.schema.json" in out.splitlines()
    assert sorted(p.name for p in (tmp_path / "schemas").iterdir()) == EXPECTED_FILES


def test_a_file_in_place_of_the_folder_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "schemas").write_text("not a folder\n")
    code, out = invoke("schema", "export", str(tmp_path / "schemas"))
    assert code == 2
    message = f"itsm: error: {tmp_path.as_posix()}/schemas is not a folder"
    assert out.strip().splitlines() == [message]


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs a non-root POSIX user")
def test_an_unwritable_folder_is_a_one_line_error(tmp_path: Path) -> None:
    tmp_path.chmod(0o500)
    try:
        code, out = invoke("schema", "export", str(tmp_path))
    finally:
        tmp_path.chmod(0o700)
    assert code == 2
    assert out.startswith("itsm: error: cannot write") and len(out.strip().splitlines()) == 1


def test_help_shows_examples() -> None:
    code, out = invoke("schema", "export", "--help")
    assert code == 0
    assert "itsm schema export --check" in out
    assert "# yaml-language-server: $schema=../../schemas/sla.schema.json" in out
