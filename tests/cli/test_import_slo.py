"""`itsm import openslo|sloth|pyrra` (fixtures: tests/fixtures/interop/slo, README there)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from itsm_cli.records.yamlread import read_yaml_bytes
from tests.helpers import cli
from tests.helpers.paths import fixture

SLO = fixture("interop") / "slo"
FILL = "<fill in: calendar-month | calendar-quarter | calendar-year | rolling-30d>"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "repo"
    (root / "records").mkdir(parents=True)
    (root / "itsm.toml").write_text('records = "records"\n')
    shutil.copytree(SLO, root / "slo")
    monkeypatch.chdir(root)
    return root


def run(*args: str) -> tuple[int, str, str]:
    result = cli.run("import", *args)
    return result.exit_code, result.stdout, result.stderr


def agreement(root: Path, record_id: str) -> dict[str, Any]:
    path = root / "records" / "agreements" / f"{record_id.lower()}.yaml"
    (doc,) = read_yaml_bytes(path.read_bytes(), path.name).documents
    data: dict[str, Any] = doc.data
    return data


def targets(data: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [
        (t["id"], t["metric"], t["objective"], t["comparator"], t["unit"], t["window"])
        for t in data["spec"]["targets"]
    ]


def test_openslo_v1_and_v1alpha(repo: Path) -> None:
    code, out, err = run("openslo", "slo/openslo-v1.yaml", "slo/openslo-v1alpha.yaml")
    assert code == 0, out + err
    web = agreement(repo, "SLA-WEB-SHOP")
    assert web["metadata"]["title"] == "Web shop"
    assert web["metadata"]["status"] == "draft"
    assert web["metadata"]["labels"] == {"source": "openslo:web-shop"}
    assert web["spec"]["services"] == ["SVC-WEB-SHOP"]
    assert targets(web) == [
        ("web-availability", "availability", 99.5, ">=", "percent", "calendar-month"),
        ("checkout-success", "availability", 99, ">=", "percent", FILL),
    ]
    assert targets(agreement(repo, "SLA-PAYMENTS-API")) == [
        ("api-uptime", "availability", 99.9, ">=", "percent", "calendar-quarter"),
    ]
    assert "SLO checkout-success: window rolling 28d has no itsm equivalent" in out
    assert "SLO web-latency: 99 % of events within a threshold (lte 500)" in out
    text = (repo / "records" / "agreements" / "sla-web-shop.yaml").read_text()
    assert "# not mapped: SLO web-latency:" in text
    assert "4 SLOs read, 2 created, 0 updated, 0 unchanged, 0 refused" in out


def test_sloth_both_forms(repo: Path) -> None:
    code, out, _ = run("sloth", "slo/sloth.yaml", "slo/sloth-k8s.yaml")
    assert code == 0
    assert targets(agreement(repo, "SLA-MYSERVICE")) == [
        ("requests-availability", "availability", 99.9, ">=", "percent", "rolling-30d"),
    ]
    assert targets(agreement(repo, "SLA-HOME-WIFI")) == [
        ("good-wifi-client-satisfaction", "other", 95, ">=", "percent", "rolling-30d"),
    ]
    assert "taken as `other`" in out


def test_a_metric_a_person_chose_for_an_other_target_stays(repo: Path) -> None:
    """`other` is the import saying it cannot tell: a person's metric survives re-imports,
    while the figures the SLO does say (the objective) still follow it."""
    run("sloth", "slo/sloth-k8s.yaml")
    path = repo / "records" / "agreements" / "sla-home-wifi.yaml"
    path.write_text(path.read_text().replace("metric: other", "metric: satisfaction"))
    source = repo / "slo" / "sloth-k8s.yaml"
    source.write_text(source.read_text().replace("objective: 95", "objective: 96"))
    code, out, _ = run("sloth", "slo/sloth-k8s.yaml")
    assert code == 0, out
    assert targets(agreement(repo, "SLA-HOME-WIFI")) == [
        ("good-wifi-client-satisfaction", "satisfaction", 96, ">=", "percent", "rolling-30d"),
    ]


def test_pyrra(repo: Path) -> None:
    code, out, _ = run("pyrra", "slo/pyrra.yaml")
    assert code == 0
    assert targets(agreement(repo, "SLA-MONITORING")) == [
        ("pyrra-api-errors", "availability", 99, ">=", "percent", FILL),
    ]
    assert "window rolling 2w has no itsm equivalent" in out
    assert "SLO pyrra-api-latency: 99.5 % of events within a threshold" in out


def test_importing_twice_changes_no_byte(repo: Path) -> None:
    run("openslo", "slo/openslo-v1.yaml")
    path = repo / "records" / "agreements" / "sla-web-shop.yaml"
    before = path.read_bytes()
    code, out, _ = run("openslo", "slo/openslo-v1.yaml")
    assert code == 0
    assert "unchanged records/agreements/sla-web-shop.yaml" in out
    assert path.read_bytes() == before


SLA = """\
# The agreement with ACME, kept by the service level manager.
apiVersion: itsm/v1
kind: SLA
metadata:
  id: SLA-ACME
  title: ACME web shop
  owner: service-level-manager
  status: draft
spec:
  customer: ACME Retail
  services: [SVC-WEB-SHOP]
  validFrom: 2026-01-01
  validUntil: 2027-12-31
  targets:
    - id: support-response      # agreed in the contract, not an SLO
      metric: response-time
      objective: 4
      unit: h
      window: per-incident
"""


def test_into_an_existing_agreement_keeping_a_person_s_work(repo: Path) -> None:
    path = repo / "records" / "acme.yaml"
    path.write_text(SLA)
    code, out, _ = run("openslo", "slo/openslo-v1.yaml", "--agreement", "SLA-ACME")
    assert code == 0, out
    assert "updated records/acme.yaml (SLA-ACME, 1 target)" in out
    assert "target checkout-success: not added to SLA-ACME, whose window is yours" in out
    text = path.read_text()
    assert text.startswith("# not mapped: SLO checkout-success")
    assert "# The agreement with ACME, kept by the service level manager.\n" in text
    assert "- id: support-response      # agreed in the contract, not an SLO\n" in text
    assert FILL not in text  # the agreement still validates, so the next import finds it
    data = read_yaml_bytes(path.read_bytes(), "acme.yaml").documents[0].data
    assert [t["id"] for t in data["spec"]["targets"]] == ["support-response", "web-availability"]
    assert "E002" not in cli.run("validate", "--no-cache").stdout  # (E004: no SVC-WEB-SHOP)
    code, out, _ = run("openslo", "slo/openslo-v1.yaml", "--agreement", "SLA-ACME")
    assert "unchanged records/acme.yaml" in out and path.read_text() == text
    # A person adds the 28d SLO with the window they decide; objectives change upstream.
    decided = text + (
        "    - id: checkout-success\n"
        "      metric: availability\n"
        "      objective: 99\n"
        "      comparator: '>='\n"
        "      unit: percent\n"
        "      window: rolling-30d   # 28d upstream: we agreed on 30 days\n"
    )
    path.write_text(decided)
    source = repo / "slo" / "openslo-v1.yaml"
    source.write_text(source.read_text().replace("target: 0.995", "target: 0.998")
                      .replace("targetPercent: 99\n", "targetPercent: 99.5\n"))
    code, out, _ = run("openslo", "slo/openslo-v1.yaml", "--agreement", "SLA-ACME")
    assert code == 0
    after = path.read_text()
    assert after == decided.replace("objective: 99.5", "objective: 99.8").replace(
        "objective: 99\n", "objective: 99.5\n"
    )
    # And once more: nothing left to change.
    code, out, _ = run("openslo", "slo/openslo-v1.yaml", "--agreement", "SLA-ACME")
    assert "unchanged records/acme.yaml" in out
    assert path.read_text() == after


def test_an_unknown_agreement_is_a_usage_error(repo: Path) -> None:
    code, _, err = run("sloth", "slo/sloth.yaml", "--agreement", "SLA-NOPE")
    assert code == 2
    assert "--agreement SLA-NOPE: no SLA or OLA with that id" in err


@pytest.mark.parametrize(
    ("fmt", "text", "message"),
    [
        (
            "openslo",
            "apiVersion: openslo/v1\nkind: SLO\nmetadata: {name: two}\nspec:\n  service: s\n"
            "  timeWindow:\n    - {duration: 1M}\n    - {duration: 1w}\n"
            "  objectives: [{target: 0.9}]\n",
            "bad.yaml:8: an SLO has exactly one time window; this one has 2",
        ),
        (
            "openslo",
            "apiVersion: openslo/v1\nkind: SLO\nmetadata: {name: ratio}\nspec:\n  service: s\n"
            "  timeWindow: [{duration: 1M}]\n  objectives: [{target: 1.5}]\n",
            "bad.yaml:7: target 1.5 is a ratio between 0 and 1",
        ),
        (
            "openslo",
            "apiVersion: openslo/v1\nkind: SLO\nmetadata: {name: both}\nspec:\n  service: s\n"
            "  timeWindow: [{duration: 1M}]\n  objectives: [{target: 0.99, targetPercent: 99.5}]\n",
            "bad.yaml:7: target 0.99 and targetPercent 99.5 disagree; give one of them",
        ),
        (
            "openslo",  # a top-level list: the line within the second object
            "- apiVersion: openslo/v1\n  kind: SLO\n  metadata: {name: ok}\n  spec:\n"
            "    service: s\n    timeWindow: [{duration: 1M}]\n    objectives: [{target: 0.9}]\n"
            "- apiVersion: openslo/v1\n  kind: SLO\n  metadata: {name: ratio}\n  spec:\n"
            "    service: s\n    timeWindow: [{duration: 1M}]\n    objectives:\n"
            "      - {target: 1.5}\n",
            "bad.yaml:15: target 1.5 is a ratio between 0 and 1",
        ),
        (
            "pyrra",
            "apiVersion: pyrra.dev/v1alpha1\nkind: ServiceLevelObjective\nmetadata: {name: x}\n"
            "spec: {target: ninety-nine, window: 30d}\n",
            "bad.yaml:4: SLO x target 'ninety-nine' is not a number",
        ),
        (
            "sloth",
            "version: prometheus/v1\nservice: s\nslos: [{name: a, objective: 120}]\n",
            "bad.yaml:3: SLO a objective 120 is not a percentage",
        ),
        (
            # the value as written: `:g` would have printed "100", a percentage
            "sloth",
            "version: prometheus/v1\nservice: s\nslos: [{name: a, objective: 100.0000001}]\n",
            "bad.yaml:3: SLO a objective 100.0000001 is not a percentage",
        ),
    ],
)
def test_input_that_breaks_its_format_writes_nothing(
    repo: Path, fmt: str, text: str, message: str
) -> None:
    """The error names the line of the field at fault (the second time window, the
    objective's target), not the line the object starts on."""
    (repo / "bad.yaml").write_text(text)
    code, _, err = run(fmt, "bad.yaml", "slo/sloth.yaml", "slo/openslo-v1.yaml")
    assert code == 2
    assert message in err and "nothing written" in err
    assert list((repo / "records").rglob("*.yaml")) == []


@pytest.mark.parametrize(
    ("objective", "percent"),
    [("target: 0.999", 99.9), ("target: 0.9995", 99.95), ("target: 0.123456789", 12.3456789),
     ("targetPercent: 99.123456789", 99.123456789), ("target: 1", 100),
     ("target: 0.995, targetPercent: 99.5", 99.5)],
)
def test_objectives_keep_every_digit_and_gain_no_float_noise(
    repo: Path, objective: str, percent: float
) -> None:
    (repo / "slo" / "one.yaml").write_text(
        "apiVersion: openslo/v1\nkind: SLO\nmetadata: {name: uptime}\nspec:\n"
        "  service: shop\n  description: Availability of the shop.\n"
        "  timeWindow:\n    - {duration: 1M, isRolling: false}\n"
        f"  objectives: [{{{objective}}}]\n"
    )
    code, out, err = run("openslo", "slo/one.yaml")
    assert code == 0, out + err
    assert targets(agreement(repo, "SLA-SHOP"))[0][2] == percent
    text = (repo / "records" / "agreements" / "sla-shop.yaml").read_text()
    assert f"objective: {percent}" in text


@pytest.mark.parametrize(
    ("tool", "file", "old", "new", "said"),
    [
        ("pyrra", "pyrra.yaml", "pyrra.dev/v1alpha1", "pyrra.dev/v9",
         "apiVersion 'pyrra.dev/v9' is not one this import knows (pyrra.dev/v1alpha1); skipped"),
        ("openslo", "openslo-v1.yaml", "openslo/v1", "openslo/v9",
         "apiVersion 'openslo/v9' is not OpenSLO; skipped"),
    ],
)
def test_an_unknown_version_is_skipped_with_a_note(
    repo: Path, tool: str, file: str, old: str, new: str, said: str
) -> None:
    """A version this import was not written for is skipped and said, never read as if it
    were the known one (nor half read into a misleading error)."""
    path = repo / "slo" / file
    path.write_text(path.read_text().replace(f"apiVersion: {old}\n", f"apiVersion: {new}\n"))
    _, out, err = run(tool, f"slo/{file}")
    assert said in out + err
    assert "timeWindow" not in out + err
    assert not (repo / "records" / "agreements").exists()


MYSERVICE_OPENSLO = """\
apiVersion: openslo/v1
kind: SLO
metadata: {name: myservice-availability}
spec:
  service: myservice
  timeWindow: [{duration: 1M}]
  objectives: [{target: 0.995}]
"""


def test_a_second_tool_for_the_same_service_is_told_how_to_add_its_targets(repo: Path) -> None:
    """Sloth wrote SLA-MYSERVICE, a draft whose placeholders are not filled in: OpenSLO
    SLOs of the same service are refused with what to do, not with 'fix it, then import
    again' (which would be refused as well); once the draft validates, --agreement adds
    them."""
    run("sloth", "slo/sloth.yaml")
    (repo / "myservice.yaml").write_text(MYSERVICE_OPENSLO)
    code, out, _ = run("openslo", "myservice.yaml")
    assert code == 1
    assert (
        "SLA-MYSERVICE was imported from sloth:myservice into "
        "records/agreements/sla-myservice.yaml, which does not validate yet (E002); not "
        "touched (fill in its placeholders, `itsm validate` says where; then `itsm import "
        "openslo … --agreement SLA-MYSERVICE` adds these targets to it)"
    ) in out
    path = repo / "records" / "agreements" / "sla-myservice.yaml"
    text = path.read_text()
    for placeholder, value in (
        ("<fill in: accountable person or role>", "slm"),
        ("<fill in: the customer this agreement is with>", "ACME"),
        ("<fill in: first day, YYYY-MM-DD>", "2026-01-01"),
        ("<fill in: last day, YYYY-MM-DD>", "2026-12-31"),
    ):
        text = text.replace(f"'{placeholder}'", value).replace(placeholder, value)
    path.write_text(text)
    code, out, _ = run("openslo", "myservice.yaml")
    assert code == 1
    assert "SLA-MYSERVICE was imported from sloth:myservice; not touched (`itsm import " \
        "openslo … --agreement SLA-MYSERVICE` adds these targets to it)" in out
    code, out, _ = run("openslo", "myservice.yaml", "--agreement", "SLA-MYSERVICE")
    assert code == 0, out
    assert "myservice-availability" in [t[0] for t in targets(agreement(repo, "SLA-MYSERVICE"))]


def test_a_draft_for_a_service_not_in_the_records_says_so(repo: Path) -> None:
    _, out, _ = run("sloth", "slo/sloth.yaml")
    note = ("services: SVC-MYSERVICE is not a Service in the records yet: add it (`itsm "
            "import backstage` maps a catalogue) or correct the id")
    assert f"not mapped: {note}" in out
    assert f"# not mapped: {note}" in (
        repo / "records" / "agreements" / "sla-myservice.yaml"
    ).read_text()
    (repo / "records" / "svc.yaml").write_text(
        "apiVersion: itsm/v1\nkind: Service\nmetadata: {id: SVC-MYSERVICE, title: t, owner: o}\n"
        "spec: {description: d, lifecycle: live, criticality: low}\n"
    )
    shutil.rmtree(repo / "records" / "agreements")
    _, out, _ = run("sloth", "slo/sloth.yaml")
    assert "is not a Service in the records" not in out


def test_a_pyrra_slo_naming_no_service_says_its_name_was_taken(repo: Path) -> None:
    (repo / "bare.yaml").write_text(
        "apiVersion: pyrra.dev/v1alpha1\nkind: ServiceLevelObjective\nmetadata: {name: api}\n"
        "spec: {target: '99.5', window: 30d}\n"
    )
    code, out, _ = run("pyrra", "bare.yaml")
    assert code == 0, out
    assert ("SLO api: no `service` or `app` label and no namespace name its service; the "
            "SLO's own name 'api' is taken as the service") in out
    assert agreement(repo, "SLA-API")["spec"]["services"] == ["SVC-API"]
