"""`itsm check` on the bundled example records and on copies of them with a configuration:
rule selection, fail levels, severity overrides, review intervals, waivers."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import cli
from tests.helpers.paths import ROOT

TODAY = "2026-11-23"


def check(*args: str) -> tuple[int, str]:
    result = cli.run("check", "--today", TODAY, "--no-color", *args)
    assert "Traceback" not in result.output
    return result.exit_code, result.stdout


def check_json(*args: str) -> tuple[int, dict[str, Any]]:
    code, out = check("-f", "json", *args)
    return code, json.loads(out)


@pytest.fixture
def sms(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the example records in its own folder, to add a configuration to."""
    shutil.copytree(ROOT / "records", tmp_path / "records")
    (tmp_path / "itsm.toml").write_text('records = "records"\n')
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_example_records_show_the_documented_gaps(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    code, data = check_json("records/")
    assert code == 1  # DOC001 and CON002 are errors
    found = {(f["rule"], f["record"], f["waived"]) for f in data["findings"]}
    assert found == {
        ("DOC001", None, False),
        ("DOC002", "EV-INFOSEC-POLICY", False),
        ("SLM003", "SLA-CONTOSO-SOC", False),
        ("SUP002", "SUP-SKYLINE-FIBRE", True),
        ("CAP002", "CAP-HOSTING-PLATFORM", False),
        ("CON002", "CON-SERVICE-DESK", False),
        ("REP002", "MEAS-TAILSPIN-NETWORK-2026-10", False),
        # months since validFrom without a Measurement (20 findings, listed in
        # tests/rules/test_reporting_rules.py)
        ("REP001", "SLA-ACME-HOSTING", False),
        ("REP001", "SLA-CONTOSO-SOC", False),
        ("REP001", "SLA-FABRIKAM-WORKPLACE", False),
        ("REP001", "SLA-TAILSPIN-NETWORK", False),
        ("CUS003", "CUS-FABRIKAM-LOGISTICS", False),
        ("CUS004", "SLA-TAILSPIN-NETWORK", False),
        ("BUD001", "SVC-SECURITY-MONITORING", False),
        ("BUD002", "BUD-2026-INFRASTRUCTURE", False),
        ("RSK002", "RSK-RANSOMWARE", False),
        ("RSK004", "RSK-KEY-STAFF", False),
        ("MRV002", "MRV-2026-09", False),
        ("NCR001", "NCR-2026-POLICY-REVIEW", False),
        ("NCR004", "NCR-2026-POLICY-REVIEW", False),
    }
    assert data["summary"] == {
        "errors": 2, "warnings": 33, "infos": 0, "waived": 1, "records": 78, "files": 63,
    }


def test_text_output_sorted_by_file_and_line_with_summary_by_area(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(ROOT)
    _, out = check("records/")
    located = [line.split(": ", 1)[0] for line in out.splitlines() if ": " in line
               and not line.startswith(("  ", "by area"))]
    keys = [(loc.rsplit(":", 2)[0], int(loc.rsplit(":", 2)[1])) for loc in located]
    assert keys == sorted(keys)
    assert "records/agreements/sla-contoso-soc.yaml:14:1: SLM003" in out
    assert "(waived by WVR-SKYLINE-RENEWAL)" in out
    assert "✖ 2 errors, 33 warnings, 1 waived in 78 records in 63 files" in out
    assert "by area: service reporting 21, documented information 2, business relationship 2" in out


@pytest.mark.slow
def test_select_and_ignore_by_prefix_or_code(sms: Path) -> None:
    code, data = check_json("--select", "SUP,SLM")
    assert {f["rule"] for f in data["findings"]} == {"SUP002", "SLM003"}
    assert code == 0  # SLM003 is a warning, SUP002 is waived
    _, data = check_json("--ignore", "DOC", "--ignore", "CAP002")
    assert not {f["rule"] for f in data["findings"]} & {"DOC001", "DOC002", "CAP002"}


@pytest.mark.slow
def test_fail_on_levels(sms: Path) -> None:
    assert check("--select", "SLM")[0] == 0
    assert check("--select", "SLM", "--fail-on", "warning")[0] == 1
    assert check("--fail-on", "never")[0] == 0
    code = cli.run("check", "--fail-on", "sometimes").exit_code
    assert code == 2


@pytest.mark.slow
def test_configuration_overrides_severity_and_selection(sms: Path) -> None:
    (sms / "itsm.toml").write_text(
        'records = "records"\nselect = ["SLM"]\nfail-on = "error"\n\n'
        '[severity]\nSLM003 = "error"\n'
    )
    code, data = check_json()
    [finding] = data["findings"]
    assert (finding["rule"], finding["severity"]) == ("SLM003", "error")
    assert code == 1
    # The command line wins over the file.
    assert check("--fail-on", "never")[0] == 0


def test_configured_review_interval_for_a_kind(sms: Path) -> None:
    (sms / "itsm.toml").write_text(
        'records = "records"\n\n[review-intervals]\nEvidence = "P24M"\n'
    )
    _, data = check_json("--select", "DOC002")
    assert data["findings"] == []


def test_configuration_in_pyproject(sms: Path) -> None:
    (sms / "itsm.toml").unlink()
    (sms / "pyproject.toml").write_text(
        '[project]\nname = "sms"\n\n[tool.itsm]\nrecords = "records"\nignore = ["DOC"]\n'
    )
    _, data = check_json()
    assert not any(f["rule"].startswith("DOC") for f in data["findings"])


def test_unknown_setting_is_a_one_line_error_with_a_suggestion(sms: Path) -> None:
    (sms / "itsm.toml").write_text('records = "records"\nfail_on = "warning"\n')
    result = cli.run("check")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "itsm: error: itsm.toml: unknown setting 'fail_on' (did you mean 'fail-on'?)"
    )


def test_bad_review_interval_in_configuration(sms: Path) -> None:
    (sms / "itsm.toml").write_text('[review-intervals]\nSLA = "twelve months"\n')
    result = cli.run("check")
    assert result.exit_code == 2
    assert "review-intervals" in result.stderr
    assert "ISO 8601" in result.stderr


WAIVER = """\
apiVersion: itsm/v1
kind: Waiver
metadata:
  id: WVR-TEST
  title: Test waiver
  owner: Quality manager
  status: approved
  approved: {{by: Head of Quality, date: 2026-01-05}}
  lastReviewed: 2026-01-05
spec:
  rule: {rule}
  records: [{records}]
  reason: Accepted while the renewal is negotiated.
  approvedBy: Head of Quality
  expires: {expires}
"""


def add_waiver(sms: Path, rule: str, records: str, expires: str) -> None:
    (sms / "records/waivers/wvr-test.yaml").write_text(
        WAIVER.format(rule=rule, records=records, expires=expires)
    )


@pytest.mark.slow
def test_waiver_suppresses_until_it_expires(sms: Path) -> None:
    add_waiver(sms, "SLM003", "SLA-CONTOSO-SOC", "2027-03-31")
    code, data = check_json("--select", "SLM,WVR")
    [slm003] = [f for f in data["findings"] if f["rule"] == "SLM003"]
    assert slm003["waived"] is True
    assert code == 0
    add_waiver(sms, "SLM003", "SLA-CONTOSO-SOC", "2026-10-31")
    _, data = check_json("--select", "SLM,WVR")
    rules = {f["rule"]: f for f in data["findings"]}
    assert rules["SLM003"]["waived"] is False
    assert rules["WVR001"]["record"] == "WVR-TEST"
    assert "expired on 2026-10-31" in rules["WVR001"]["message"]
    assert rules["WVR001"]["line"] == 15  # the `expires` line


@pytest.mark.parametrize(("expires", "waived"), [("2026-11-23", True), ("2026-11-22", False)])
def test_a_waiver_holds_on_its_expiry_day(sms: Path, expires: str, waived: bool) -> None:
    """`expires` is the last day the waiver applies: on that day (today, 2026-11-23) it
    still suppresses; from the day after, WVR001 says it expired."""
    add_waiver(sms, "SLM003", "SLA-CONTOSO-SOC", expires)
    _, data = check_json("--select", "SLM,WVR")
    rules = {f["rule"]: f for f in data["findings"]}
    assert rules["SLM003"]["waived"] is waived
    assert ("WVR001" in rules) is not waived


@pytest.mark.slow
def test_waiver_of_unknown_rule_and_unused_waiver(sms: Path) -> None:
    add_waiver(sms, "SLM033", "SLA-CONTOSO-SOC", "2027-03-31")
    code, data = check_json("--select", "WVR")
    [wvr002] = [f for f in data["findings"] if f["rule"] == "WVR002"]
    assert wvr002["line"] == 11 and "SLM033" in wvr002["message"]
    assert code == 1
    add_waiver(sms, "SLM002", "\"*\"", "2027-03-31")
    _, data = check_json("--select", "WVR,SLM")
    [wvr003] = [f for f in data["findings"] if f["rule"] == "WVR003"]
    assert wvr003["severity"] == "info" and wvr003["record"] == "WVR-TEST"


def test_a_named_file_is_checked_in_the_context_of_every_record(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The SLA names services and is measured in other files; none of that is "missing"
    # (REP001 names only the months nobody measured), and findings about other files
    # (DOC001, CON002, …) are not shown.
    monkeypatch.chdir(ROOT)
    code, data = check_json("records/agreements/sla-contoso-soc.yaml")
    assert [(f["rule"], f["record"], f["message"].split()[3]) for f in data["findings"]] == [
        ("SLM003", "SLA-CONTOSO-SOC", "no"),
        ("REP001", "SLA-CONTOSO-SOC", "2026-05,"),
        ("REP001", "SLA-CONTOSO-SOC", "2026-06,"),
        ("REP001", "SLA-CONTOSO-SOC", "2026-07,"),
    ]
    assert (data["summary"]["records"], data["summary"]["files"]) == (1, 1)
    assert code == 0


@pytest.mark.slow
def test_a_broken_record_is_shown_whatever_select_says(sms: Path) -> None:
    sla = sms / "records/agreements/sla-contoso-soc.yaml"
    sla.write_text(sla.read_text().replace("customer:", "custmer:"))
    code, data = check_json("--select", "SUP")
    rules = sorted({f["rule"] for f in data["findings"]})
    assert rules == ["E002", "SUP002"]
    assert code == 1
    _, data = check_json("--select", "SUP", "--ignore", "E002")
    assert sorted({f["rule"] for f in data["findings"]}) == ["SUP002"]
