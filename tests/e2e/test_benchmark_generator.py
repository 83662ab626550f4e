"""The benchmark's record generator (`benchmarks/generate.py`) writes record sets that
`itsm validate` accepts without a single finding, laid out like a real records repository,
and the same bytes for the same seed."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.helpers import cli
from tests.helpers.paths import ROOT

pytestmark = pytest.mark.slow

GENERATOR = ROOT / "benchmarks" / "generate.py"


def _load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("benchmark_generate", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


gen = _load_generator()


def validate(root: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    monkeypatch.chdir(root)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    result = cli.run("validate", "--format", "json")
    assert "Traceback" not in result.output
    report: dict[str, object] = json.loads(result.stdout)
    assert report["findings"] == [], report["findings"]
    assert result.exit_code == 0
    return report


def documents(path: Path) -> int:
    return 1 + sum(1 for line in path.read_text().splitlines() if line == "---")


def snapshot(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): p.read_text() for p in sorted(root.rglob("*.yaml"))}


@pytest.mark.parametrize("one_per_file", [False, True])
def test_200_records_validate_without_findings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, one_per_file: bool
) -> None:
    made = gen.generate(200, tmp_path, seed=3, one_per_file=one_per_file)

    report = validate(tmp_path, monkeypatch)

    summary = report["summary"]
    assert isinstance(summary, dict)
    assert summary["records"] == 200
    assert summary["files"] == len(made.files)


@pytest.mark.parametrize("n", [0, 1, 2, 9, 31])
def test_small_sets_are_exact_and_valid(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, n: int
) -> None:
    made = gen.generate(n, tmp_path, seed=1)

    assert len(made.records) == n
    if n:
        report = validate(tmp_path, monkeypatch)
        assert report["summary"]["records"] == n  # type: ignore[index]


def test_mix_of_kinds_is_realistic(tmp_path: Path) -> None:
    counts = gen.generate(1000, tmp_path, seed=0).counts()

    assert sum(counts.values()) == 1000
    assert set(counts) == set(gen.SCHEMA_FILES)  # every kind appears
    for kind in ("Service", "SLA", "Supplier", "Evidence", "Measurement"):
        assert counts[kind] >= 80, (kind, counts)
    for kind in ("OLA", "CapacityPlan", "ContinuityPlan", "Waiver", "ProcessReport",
                 "Customer", "Budget", "Risk", "Audit", "ManagementReview", "Nonconformity"):
        assert 0 < counts[kind] < 80, (kind, counts)


def test_every_kind_validates_clean_with_references_resolving(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nonconformities name the audits that raised them, audits list them among their
    findings, reviews and risks name services, suppliers, audits and risks that exist."""
    made = gen.generate(1000, tmp_path, seed=4)

    assert set(made.counts()) == set(gen.SCHEMA_FILES)
    report = validate(tmp_path, monkeypatch)
    assert report["summary"]["records"] == 1000  # type: ignore[index]
    texts = "".join(p.read_text() for p in (tmp_path / "records" / "audits").glob("*.yaml"))
    assert "nonconformity: NCR-" in texts


def test_layout_follows_the_folder_convention_with_one_kind_per_file(tmp_path: Path) -> None:
    made = gen.generate(300, tmp_path, seed=5)

    assert (tmp_path / "itsm.toml").read_text().splitlines()[-1] == 'records = "records"'
    folders = {Path(f).parts[1] for f in made.files}
    assert folders == {gen.FOLDERS[kind] for kind in made.counts()}
    assert {"services", "agreements", "suppliers", "capacity", "continuity", "evidence",
            "measurements", "waivers", "operations", "customers", "budgets", "risks",
            "audits", "nonconformities"} <= folders
    for record in made.records:
        assert made.files[record.file] == record.kind
        assert Path(record.file).parts[1] == gen.FOLDERS[record.kind]
    sizes = [documents(tmp_path / f) for f in made.files]
    assert 1 in sizes and max(sizes) > 1  # some files hold one record, others several
    service_file = next(f for f, kind in made.files.items() if kind == "Service")
    assert (tmp_path / service_file).read_text().startswith(
        "# yaml-language-server: $schema=../../schemas/service.schema.json\n"
    )


def test_one_per_file_writes_a_single_document_per_file(tmp_path: Path) -> None:
    made = gen.generate(300, tmp_path, seed=5, one_per_file=True)

    assert len(made.files) == 300
    assert all(documents(tmp_path / f) == 1 for f in made.files)


def test_same_seed_same_bytes_other_seed_other_records(tmp_path: Path) -> None:
    gen.generate(150, tmp_path / "a", seed=11)
    gen.generate(150, tmp_path / "b", seed=11)
    gen.generate(150, tmp_path / "c", seed=12)

    assert snapshot(tmp_path / "a") == snapshot(tmp_path / "b")
    assert snapshot(tmp_path / "a") != snapshot(tmp_path / "c")


def test_refuses_to_overwrite_records_without_force(tmp_path: Path) -> None:
    gen.generate(20, tmp_path, seed=0)

    with pytest.raises(FileExistsError):
        gen.generate(20, tmp_path, seed=1)
    made = gen.generate(10, tmp_path, seed=1, force=True)
    assert len(list((tmp_path / "records").rglob("*.yaml"))) == len(made.files)


def test_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert gen.main(["40", str(tmp_path), "--seed", "2"]) == 0
    assert capsys.readouterr().out.startswith("40 records in ")
    assert gen.main(["40", str(tmp_path)]) == 2
    assert "not empty" in capsys.readouterr().err
