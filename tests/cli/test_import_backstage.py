"""`itsm import backstage` (fixture: tests/fixtures/interop/backstage, README there): draft Services
from catalogue files, re-imports that keep a person's work, and `--drift`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from itsm_cli.records.yamlread import read_yaml_bytes
from tests.helpers import cli
from tests.helpers.paths import fixture

CATALOGUE = fixture("interop") / "backstage" / "catalog"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "repo"
    (root / "records").mkdir(parents=True)
    (root / "itsm.toml").write_text('records = "records"\n')
    shutil.copytree(CATALOGUE, root / "catalog")
    monkeypatch.chdir(root)
    return root


def run(*args: str) -> tuple[int, str, str]:
    result = cli.run("import", "backstage", *args)
    return result.exit_code, result.stdout, result.stderr


def record(root: Path, record_id: str) -> dict[str, object]:
    path = root / "records" / "services" / f"{record_id.lower()}.yaml"
    (doc,) = read_yaml_bytes(path.read_bytes(), path.name).documents
    data: dict[str, object] = doc.data
    return data


EXPECTED = {
    "SVC-PAYMENTS": ("live", "Payments Team", ["SVC-PAY-API", "SVC-PAY-DB"], "medium"),
    "SVC-PAY-API": ("live", "Payments Team", ["SVC-FRAUD-CHECK", "SVC-PAY-DB"], "critical"),
    "SVC-FRAUD-CHECK": ("pipeline", "jane.doe", [], "medium"),
    "SVC-PAY-DB": ("live", "Payments Team", [], "medium"),
    "SVC-FINANCE-LEGACY-BILLING": ("live", "billing-team", ["SVC-PAY-DB"], "medium"),
    "SVC-CHECKOUT-WEB": ("live", "Payments Team", ["SVC-PAY-API"], "medium"),
}


def test_every_component_system_and_resource_becomes_a_draft_service(repo: Path) -> None:
    code, out, err = run("catalog")
    assert code == 0, out + err
    files = sorted(p.name for p in (repo / "records" / "services").iterdir())
    assert files == sorted(f"{i.lower()}.yaml" for i in EXPECTED)
    for record_id, (lifecycle, owner, depends, criticality) in EXPECTED.items():
        data = record(repo, record_id)
        meta, spec = data["metadata"], data["spec"]
        assert isinstance(meta, dict) and isinstance(spec, dict)
        assert (spec["lifecycle"], meta["owner"], spec["dependsOn"], spec["criticality"]) == (
            lifecycle, owner, depends, criticality,
        ), record_id
        assert meta["status"] == "draft"
    assert record(repo, "SVC-PAY-API")["metadata"]["labels"] == {  # type: ignore[index]
        "source": "component:default/pay-api"
    }
    assert "6 created, 0 updated, 0 unchanged, 0 refused of 6 Services from 7 entities" in out
    assert cli.run("validate", "--today", "2026-11-23").exit_code == 0


def test_what_cannot_be_mapped_is_listed_and_kept_as_a_comment(repo: Path) -> None:
    _, out, _ = run("catalog")
    assert "not mapped: lifecycle deprecated: imported as live; plan its retirement" in out
    assert "API pay-api is not mapped" in out
    text = (repo / "records" / "services" / "svc-finance-legacy-billing.yaml").read_text()
    assert "# not mapped: dependsOn component:mainframe: no such Component, Resource or " in text
    assert "# not mapped: lifecycle deprecated" in text


def test_importing_twice_changes_no_byte(repo: Path) -> None:
    run("catalog")
    before = {p: p.read_bytes() for p in (repo / "records").rglob("*.yaml")}
    code, out, _ = run("catalog")
    assert code == 0
    assert "0 created, 0 updated, 6 unchanged" in out
    assert {p: p.read_bytes() for p in (repo / "records").rglob("*.yaml")} == before


@pytest.mark.slow
def test_a_reimport_updates_only_what_the_catalogue_owns(repo: Path) -> None:
    run("catalog")
    path = repo / "records" / "services" / "svc-pay-api.yaml"
    edited = path.read_text().replace(
        "  criticality: critical\n", "  criticality: high   # agreed with the CIO\n"
        "  customers: [ACME Retail]\n"
    ).replace(
        "  status: draft\n",
        "  status: approved\n  approved: {by: Head of Service Delivery, date: 2026-11-01}\n",
    )
    path.write_text(edited)
    catalogue = repo / "catalog" / "catalog-info.yaml"
    catalogue.write_text(
        catalogue.read_text()
        .replace("Takes card and wallet payments for the web shops.", "Takes card payments.")
        .replace("  title: Payment API\n", "  title: Payments API\n")
    )
    code, out, _ = run("catalog")
    assert code == 0
    assert "updated records/services/svc-pay-api.yaml" in out
    after = path.read_text()
    assert after == edited.replace(
        "Takes card and wallet payments for the web shops.", "Takes card payments."
    ).replace("  title: Payment API\n", "  title: Payments API\n")


def test_dry_run_writes_nothing(repo: Path) -> None:
    code, out, _ = run("catalog", "--dry-run")
    assert code == 0
    assert "would create records/services/svc-pay-api.yaml" in out
    assert list((repo / "records").rglob("*.yaml")) == []


def test_a_person_s_record_with_the_same_id_is_not_touched(repo: Path) -> None:
    mine = repo / "records" / "services" / "svc-pay-db.yaml"
    mine.parent.mkdir()
    mine.write_text(
        "apiVersion: itsm/v1\nkind: Service\nmetadata: {id: SVC-PAY-DB, title: Our DB, "
        "owner: dba}\nspec: {description: d, lifecycle: live, criticality: high}\n"
    )
    before = mine.read_bytes()
    code, out, _ = run("catalog")
    assert code == 1
    assert "refused records/services/svc-pay-db.yaml" in out
    assert "exists and was not imported" in out and "let the import update what it owns" in out
    assert mine.read_bytes() == before


def test_two_entities_with_one_id_are_a_reported_clash(repo: Path) -> None:
    (repo / "catalog" / "clash.yaml").write_text(
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: pay_api}\n"
        "spec: {type: service, lifecycle: production, owner: team-payments}\n"
    )
    code, out, _ = run("catalog")
    assert code == 1
    assert "both map to SVC-PAY-API; only component:default/pay-api is imported" in out


def test_an_unreadable_catalogue_file_writes_nothing(repo: Path) -> None:
    (repo / "catalog" / "broken.yaml").write_text("apiVersion: backstage.io/v1alpha1\nkind: [\n")
    code, _, err = run("catalog")
    assert code == 2
    assert "catalog/broken.yaml:2:" in err and "nothing written" in err
    assert list((repo / "records").rglob("*.yaml")) == []


def test_drift_between_the_catalogue_and_the_records(repo: Path) -> None:
    run("catalog")
    services = repo / "records" / "services"
    (services / "svc-payments.yaml").unlink()
    (services / "svc-orphan.yaml").write_text(
        "apiVersion: itsm/v1\nkind: Service\nmetadata: {id: SVC-ORPHAN, title: Orphan, "
        "owner: o}\nspec: {description: d, lifecycle: live, criticality: low}\n"
    )
    api = services / "svc-pay-api.yaml"
    api.write_text(api.read_text().replace(
        "dependsOn: [SVC-FRAUD-CHECK, SVC-PAY-DB]", "dependsOn: [SVC-PAY-DB, SVC-ORPHAN]"
    ))
    (repo / "records" / "sla.yaml").write_text(
        "apiVersion: itsm/v1\nkind: SLA\nmetadata: {id: SLA-SHOP, title: Shop, owner: slm}\n"
        "spec:\n  customer: ACME\n  services: [SVC-CHECKOUT-WEB]\n  validFrom: 2026-01-01\n"
        "  validUntil: 2027-12-31\n  targets:\n    - {id: availability, metric: availability, "
        "objective: 99.5, unit: percent, window: calendar-month}\n"
    )
    before = {p: p.read_bytes() for p in (repo / "records").rglob("*.yaml")}
    code, out, _ = run("catalog", "--drift", "-f", "json")
    assert code == 1
    found = [(f["rule"], f["file"], f["record"]) for f in json.loads(out)["findings"]]
    assert found == [
        ("DRF001", "catalog/catalog-info.yaml", None),          # system payments: no Service
        ("DRF002", "catalog/catalog-info.yaml", "SVC-PAY-API"),  # no SLA covers it
        ("DRF002", "catalog/catalog-info.yaml", "SVC-PAY-DB"),
        ("DRF003", "records/services/svc-orphan.yaml", "SVC-ORPHAN"),
        ("DRF004", "records/services/svc-pay-api.yaml", "SVC-PAY-API"),
    ]
    messages = {f["rule"]: f["message"] for f in json.loads(out)["findings"]}
    assert messages["DRF004"] == (
        "dependencies of SVC-PAY-API differ from the catalogue's (only in the catalogue: "
        "SVC-FRAUD-CHECK; only in the record: SVC-ORPHAN)"
    )
    assert {p: p.read_bytes() for p in (repo / "records").rglob("*.yaml")} == before
    # CHECKOUT-WEB is covered by SLA-SHOP, LEGACY-BILLING is deprecated: neither is DRF002.
    assert "SVC-CHECKOUT-WEB" not in out and "LEGACY" not in out


def test_no_drift_passes(repo: Path) -> None:
    run("catalog")
    code, out, _ = run("catalog", "--drift", "--fail-on", "error", "--no-color")
    # Only DRF002 warnings (no SLA anywhere): below the fail level.
    assert code == 0, out
    assert "DRF001" not in out and "DRF003" not in out and "DRF004" not in out


def test_drift_rules_are_explained() -> None:
    result = cli.run("explain", "DRF004")
    assert result.exit_code == 0
    assert "dependsOn differs from its catalogue entity" in result.stdout


def test_a_resource_or_system_with_a_lifecycle_is_mapped_by_it(repo: Path) -> None:
    """Backstage defines no lifecycle for Resources and Systems (they become live), but a
    catalogue that gives one anyway is followed, as a Component's is."""
    (repo / "catalog" / "lifecycles.yaml").write_text(
        "apiVersion: backstage.io/v1alpha1\nkind: Resource\nmetadata: {name: cache-exp}\n"
        "spec: {type: cache, owner: team-payments, lifecycle: experimental}\n"
        "---\napiVersion: backstage.io/v1alpha1\nkind: Resource\nmetadata: {name: queue-beta}\n"
        "spec: {type: queue, owner: team-payments, lifecycle: beta}\n"
        "---\napiVersion: backstage.io/v1alpha1\nkind: System\nmetadata: {name: ledger}\n"
        "spec: {owner: team-payments, lifecycle: deprecated}\n"
    )
    code, out, err = run("catalog")
    assert code == 0, out + err
    lifecycles = {
        sid: record(repo, sid)["spec"]["lifecycle"]  # type: ignore[index]
        for sid in ("SVC-CACHE-EXP", "SVC-QUEUE-BETA", "SVC-LEDGER", "SVC-PAY-DB")
    }
    assert lifecycles == {
        "SVC-CACHE-EXP": "pipeline", "SVC-QUEUE-BETA": "pipeline", "SVC-LEDGER": "live",
        "SVC-PAY-DB": "live",  # a Resource without one
    }
    assert "lifecycle 'beta': imported as pipeline" in out
    assert "lifecycle deprecated: imported as live; plan its retirement" in out
    drift = cli.run("import", "backstage", "catalog", "--drift", "-f", "json")
    messages = [f["message"] for f in json.loads(drift.stdout)["findings"]]
    assert any("resource:default/pay-db is in production" in m for m in messages)
    assert not any("cache-exp" in m or "queue-beta" in m for m in messages)


def test_a_name_too_long_for_a_file_is_refused_in_one_line(repo: Path) -> None:
    name = "a" * 300  # Backstage caps names at 63 characters; a file name at 255 bytes
    (repo / "catalog" / "long.yaml").write_text(
        f"apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {{name: {name}}}\n"
        "spec: {type: service, lifecycle: production, owner: team-payments}\n"
    )
    code, out, err = run("catalog")
    assert code == 1, out + err
    assert "Traceback" not in out + err and "internal error" not in err
    assert f"SVC-{name.upper()}" in out and "File name too long; not written" in out
    assert "6 created, 0 updated, 0 unchanged, 1 refused" in out


def test_fields_of_a_shape_the_import_cannot_read_are_listed(repo: Path) -> None:
    (repo / "catalog" / "shapes.yaml").write_text(
        "apiVersion: backstage.io/v1alpha1\nkind: Component\n"
        "metadata: {name: odd, title: {a: 1}, description: [1, 2]}\n"
        "spec: {type: service, lifecycle: production, owner: {x: 1},\n"
        "       dependsOn: ['resource:pay-db', null, {a: b}]}\n"
    )
    code, out, err = run("catalog")
    assert code == 0, out + err
    for note in (
        "metadata.title a mapping is not text; left out",
        "metadata.description a list is not text; left out",
        "spec.owner a mapping is not an entity reference; left out",
        "spec.dependsOn[1] (empty) is not an entity reference; left out",
        "spec.dependsOn[2] a mapping is not an entity reference; left out",
    ):
        assert f"  not mapped: {note}" in out, note
    text = (repo / "records" / "services" / "svc-odd.yaml").read_text()
    assert "# not mapped: spec.owner a mapping is not an entity reference" in text
    assert record(repo, "SVC-ODD")["spec"]["dependsOn"] == ["SVC-PAY-DB"]  # type: ignore[index]


def test_a_missing_owner_or_description_is_listed_with_its_placeholder(repo: Path) -> None:
    (repo / "catalog" / "bare.yaml").write_text(
        "apiVersion: backstage.io/v1alpha1\nkind: Component\n"
        "metadata: {name: bare}\nspec: {type: service, lifecycle: production}\n"
    )
    code, out, err = run("catalog")
    assert code == 0, out + err
    for note in (
        "owner: the catalogue names none; fill in the accountable person or role",
        "description: not in the catalogue; a placeholder to replace",
    ):
        assert f"  not mapped: {note}" in out, note
    text = (repo / "records" / "services" / "svc-bare.yaml").read_text()
    assert "# not mapped: owner: the catalogue names none" in text
    assert "# not mapped: description: not in the catalogue" in text
    assert record(repo, "SVC-BARE")["metadata"]["owner"].startswith("<fill in:")  # type: ignore[index]


def test_a_supplier_a_person_added_to_depends_on_stays(repo: Path) -> None:
    """No catalogue names Suppliers: a re-import keeps one a person added to `dependsOn`,
    and still owns the Service dependencies (one the catalogue dropped goes)."""
    (repo / "records" / "suppliers").mkdir()
    (repo / "records" / "suppliers" / "sup-cloud.yaml").write_text(
        "apiVersion: itsm/v1\nkind: Supplier\nmetadata: {id: SUP-CLOUD, title: Cloud, owner: o}\n"
        "spec:\n  type: external\n  criticality: high\n  supports: [SVC-PAY-API]\n"
        "  contract: {reference: C-1, start: 2026-01-01, end: 2027-12-31}\n"
    )
    run("catalog")
    path = repo / "records" / "services" / "svc-pay-api.yaml"
    text = path.read_text()
    assert "dependsOn: [SVC-FRAUD-CHECK, SVC-PAY-DB]" in text
    path.write_text(text.replace("dependsOn: [SVC-FRAUD-CHECK, SVC-PAY-DB]",
                                 "dependsOn: [SVC-FRAUD-CHECK, SVC-PAY-DB, SUP-CLOUD]"))
    code, out, _ = run("catalog")
    assert code == 0 and "unchanged records/services/svc-pay-api.yaml" in out
    catalogue = repo / "catalog" / "catalog-info.yaml"
    catalogue.write_text(
        catalogue.read_text()
        .replace("dependsOn: [resource:pay-db, component:default/fraud-check]",
                 "dependsOn: [resource:pay-db]")
        .replace("  subcomponentOf: pay-api\n", "")
    )
    code, out, _ = run("catalog")
    assert code == 0, out
    assert record(repo, "SVC-PAY-API")["spec"]["dependsOn"] == [  # type: ignore[index]
        "SVC-PAY-DB", "SUP-CLOUD",
    ]


def test_an_id_the_catalogue_does_not_decide_on_stays_in_depends_on(repo: Path) -> None:
    """A Service the catalogue does not list (a legacy host with no record yet) and a Supplier
    with no record yet: both are a person's, kept by a re-import."""
    run("catalog")
    path = repo / "records" / "services" / "svc-pay-api.yaml"
    path.write_text(path.read_text().replace(
        "dependsOn: [SVC-FRAUD-CHECK, SVC-PAY-DB]",
        "dependsOn: [SVC-FRAUD-CHECK, SVC-PAY-DB, SVC-MAINFRAME, SUP-CLOUDHOST]",
    ))
    code, out, _ = run("catalog")
    assert code == 0, out
    assert "unchanged records/services/svc-pay-api.yaml" in out
    assert record(repo, "SVC-PAY-API")["spec"]["dependsOn"] == [  # type: ignore[index]
        "SVC-FRAUD-CHECK", "SVC-PAY-DB", "SVC-MAINFRAME", "SUP-CLOUDHOST",
    ]


def test_a_service_a_person_renamed_is_depended_on_under_its_new_id(repo: Path) -> None:
    """SVC-PAY-DB renamed SVC-PAYMENTS-DB, its `labels.source` kept: the import finds it by
    its source and writes the new id into the records that depend on it."""
    run("catalog")
    services = repo / "records" / "services"
    old = services / "svc-pay-db.yaml"
    (services / "svc-payments-db.yaml").write_text(
        old.read_text().replace("id: SVC-PAY-DB", "id: SVC-PAYMENTS-DB")
    )
    old.unlink()
    for path in services.glob("*.yaml"):
        path.write_text(path.read_text().replace("SVC-PAY-DB", "SVC-PAYMENTS-DB"))
    code, out, _ = run("catalog")
    assert code == 0, out
    assert not old.exists()
    assert record(repo, "SVC-PAY-API")["spec"]["dependsOn"] == [  # type: ignore[index]
        "SVC-FRAUD-CHECK", "SVC-PAYMENTS-DB",
    ]
    assert cli.run("validate").exit_code in (0, 1)
    assert "E004" not in cli.run("validate").stdout
