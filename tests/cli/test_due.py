"""`itsm due`: every deadline ahead, soonest first (fixture: tests/fixtures/due, README there)."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import pytest

from tests.helpers import cli
from tests.helpers.paths import fixture

FIXTURE = fixture("due")
TODAY = "2026-11-23"

EXPECTED = [
    ("2026-12-01", "review", "SVC-PORTAL", "portal-owner", "DOC002"),
    ("2026-12-15", "capacity-action", "CAP-PORTAL", "platform-lead", "CAP004"),
    ("2026-12-31", "notice", "SUP-HOSTING", "supplier-manager", "SUP002"),
    ("2027-01-10", "continuity-test", "CON-PORTAL", "continuity-manager", "CON002"),
    ("2027-01-10", "review", "SLA-PORTAL", "service-level-manager", "DOC002"),
    ("2027-01-15", "waiver-expiry", "WVR-PORTAL-CAPACITY", "capacity-manager", "WVR001"),
    ("2027-02-15", "supplier-review", "SUP-HOSTING", "supplier-manager", "SUP003"),
    ("2027-03-31", "contract-end", "SUP-HOSTING", "supplier-manager", "SUP001"),
    ("2027-06-30", "agreement-end", "SLA-PORTAL", "service-level-manager", "SLM002"),
    ("2027-10-01", "review", "SUP-HOSTING", "supplier-manager", "DOC002"),
]


@pytest.fixture(autouse=True)
def in_fixture(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURE)


def due(*args: str) -> tuple[int, str]:
    result = cli.run("due", "--today", TODAY, *args)
    return result.exit_code, result.stdout


def test_every_deadline_ahead_soonest_first_in_json() -> None:
    code, out = due("-f", "json")
    assert code == 0
    data = json.loads(out)
    assert (data["version"], data["today"], data["within"]) == (1, TODAY, None)
    got = [
        (d["date"], d["deadline"], d["record"], d["owner"], d["rule"]) for d in data["deadlines"]
    ]
    assert got == EXPECTED


def test_each_deadline_points_at_its_line_and_shows_its_arithmetic() -> None:
    data = json.loads(due("-f", "json")[1])
    by_key = {(d["record"], d["deadline"]): d for d in data["deadlines"]}
    notice = by_key[("SUP-HOSTING", "notice")]
    assert notice["what"] == (
        "last day to give notice on contract HOST-2024-7: ends 2027-03-31 − P3M = 2026-12-31"
    )
    text = (FIXTURE / "records" / "deadlines.yaml").read_text().splitlines()
    assert text[notice["line"] - 1].strip().startswith("noticePeriod: P3M")
    review = by_key[("SVC-PORTAL", "review")]
    assert review["what"] == "review due: last reviewed 2026-06-01 + P6M = 2026-12-01"
    assert text[review["line"] - 1].strip().startswith("lastReviewed: 2026-06-01")
    assert notice["file"] == "records/deadlines.yaml"


def test_within_keeps_the_deadlines_up_to_today_plus_the_duration() -> None:
    data = json.loads(due("--within", "P38D", "-f", "json")[1])
    assert data["within"] == "P38D"
    # 2026-11-23 + P38D = 2026-12-31: the last day to give notice is still in.
    assert [d["date"] for d in data["deadlines"]] == ["2026-12-01", "2026-12-15", "2026-12-31"]


def test_a_deadline_falling_today_is_listed() -> None:
    result = cli.run("due", "--today", "2026-12-31", "-f", "json", "--within", "P0D")
    data = json.loads(result.stdout)
    assert [(d["record"], d["deadline"]) for d in data["deadlines"]] == [("SUP-HOSTING", "notice")]


def test_text_table_and_markdown() -> None:
    code, out = due("--no-color")
    assert code == 0
    assert "SVC-PORTAL" in out and "2026-12-01" in out
    assert "10 deadlines from 2026-11-23" in out
    assert "SVC-OLD-REVIEW" not in out and "WVR-DRAFT" not in out
    code, md = due("-f", "markdown", "--within", "P8D")
    assert md.splitlines()[0] == "### Deadlines from 2026-11-23 within P8D"
    assert "| 2026-12-01 | 8 | SVC-PORTAL | portal-owner | review due: last reviewed " in md
    assert md.count("\n| 20") == 1


def test_the_text_table_fits_the_width_and_wraps_the_deadline_under_its_column() -> None:
    for columns in ("100", "80"):
        result = cli.run("due", "--today", TODAY, "--no-color", env={"COLUMNS": columns})
        lines = result.stdout.splitlines()
        assert lines[0].split() == ["Date", "Days", "Record", "Owner", "Deadline", "Then"]
        deadline_at = lines[0].index("Deadline")
        table = lines[: lines.index(next(line for line in lines if "deadlines from" in line))]
        assert all(len(line) <= int(columns) for line in table)
        assert all(line == line.rstrip() for line in lines)
        notice = next(i for i, line in enumerate(lines) if "SUP002" in line)
        row = lines[notice].split()
        assert row[:3] == ["2026-12-31", "38", "SUP-HOSTING"]
        # At 100 columns every owner fits; at 80 the Owner column gives way to Deadline.
        assert row[3] == ("supplier-manager" if columns == "100" else "supplier-…")
        assert lines[notice].index("last day to give") == deadline_at
        # The rest of its text on the lines below, in the Deadline column, nothing else there.
        wrapped = []
        for line in lines[notice + 1 :]:
            if line[:deadline_at].strip():
                break
            wrapped.append(line[deadline_at:])
        assert wrapped, "the deadline should wrap at this width"
        whole = " ".join([lines[notice][deadline_at:].rsplit("SUP002")[0].strip(), *wrapped])
        assert whole == (
            "last day to give notice on contract HOST-2024-7: ends 2027-03-31 − P3M = 2026-12-31"
        )


def test_wide_characters_are_measured_in_cells(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Japanese owner is cut and a Japanese action wrapped by the cells they take on the
    screen (two per character), so no line of the table passes the width."""
    import shutil

    from rich.cells import cell_len

    repo = tmp_path / "due"
    shutil.copytree(FIXTURE, repo)
    records = repo / "records" / "deadlines.yaml"
    text = records.read_text(encoding="utf-8")
    text = text.replace("owner: portal-owner", "owner: 山田太郎サービス責任者")
    action = "ウェブノードを二台追加してロードバランサーの設定を更新する"
    text = text.replace("Add two web nodes", action)
    records.write_text(text, encoding="utf-8")
    monkeypatch.chdir(repo)
    result = cli.run("due", "--today", TODAY, "--no-color", env={"COLUMNS": "80"})
    lines = result.stdout.splitlines()
    table = lines[: next(i for i, line in enumerate(lines) if "deadlines from" in line)]
    assert max(cell_len(line) for line in table) <= 80
    portal = next(line for line in table if "SVC-PORTAL" in line)
    assert "山田太郎" in portal and "…" in portal
    # The action's row and the lines below it: the Deadline column alone, read back whole.
    deadline_at = table[0].index("Deadline")
    first = next(i for i, line in enumerate(table) if "CAP004" in line)
    rest = table[first + 1 :]
    rest = rest[: next((i for i, line in enumerate(rest) if line[:2] == "20"), len(rest))]
    column = [table[first][deadline_at:].replace("CAP004", "").strip()]
    column += [line[deadline_at:].strip() for line in rest]
    assert "".join(column) == (
        f"capacity actiondue: {action}"
    )


def test_a_wide_terminal_gets_one_line_per_deadline() -> None:
    result = cli.run("due", "--today", TODAY, "--no-color", env={"COLUMNS": "200"})
    rows = [line for line in result.stdout.splitlines() if line[:2] == "20"]
    assert len(rows) == len(EXPECTED)
    assert [tuple(row.split()[:3]) for row in rows] == [
        (d, *_days_and_record(d, r)) for d, _, r, _, _ in EXPECTED
    ]


def _days_and_record(date: str, record: str) -> tuple[str, str]:
    days = (dt.date.fromisoformat(date) - dt.date.fromisoformat(TODAY)).days
    return str(days), record


def test_days_left_are_red_within_a_week_and_yellow_within_a_month() -> None:
    result = cli.run("due", "--today", "2026-11-25", env={"FORCE_COLOR": "1", "COLUMNS": "200"})
    rows = {line.split()[0]: line for line in result.stdout.splitlines() if line[:2] == "20"}
    assert "\x1b[1;31m" in rows["2026-12-01"]  # 6 days
    assert "\x1b[33m" in rows["2026-12-15"]  # 20 days
    assert "\x1b[" not in rows["2027-03-31"]  # 126 days: no colour
    assert result.stdout.startswith("\x1b[1mDate")


def test_no_deadline_ahead_says_so() -> None:
    code, out = due("--today", "2030-01-01", "--no-color")
    assert code == 0
    assert "No deadline ahead from 2030-01-01." in out


def test_ics_reads_back_with_one_all_day_event_per_deadline(tmp_path: Path) -> None:
    icalendar = pytest.importorskip("icalendar")
    target = tmp_path / "deadlines.ics"
    code, _ = due("-f", "ics", "-o", str(target))
    assert code == 0
    calendar = icalendar.Calendar.from_ical(target.read_bytes())
    events = list(calendar.walk("VEVENT"))
    got = [(e.decoded("dtstart"), str(e["uid"]), str(e["summary"]).split(":")[0]) for e in events]
    assert [(d.isoformat(), r) for d, _, r in got] == [(x[0], x[2]) for x in EXPECTED]
    assert all(type(e.decoded("dtstart")) is dt.date for e in events)  # all-day
    assert events[0].decoded("dtend") - events[0].decoded("dtstart") == dt.timedelta(days=1)
    assert str(events[2]["uid"]) == "sup-hosting.notice@itsm-cli"
    assert "SUP002" in str(events[2]["description"])
    assert len({str(e["uid"]) for e in events}) == len(events)


def test_ics_is_the_same_byte_for_byte_and_keeps_its_uids(tmp_path: Path) -> None:
    pytest.importorskip("icalendar")
    first, second = tmp_path / "a.ics", tmp_path / "b.ics"
    due("-f", "ics", "-o", str(first))
    due("-f", "ics", "-o", str(second))
    assert first.read_bytes() == second.read_bytes()
    # A later run (one deadline passed) keeps the UIDs of the others: a calendar updates them.
    later = tmp_path / "later.ics"
    cli.run("due", "--today", "2026-12-02", "-f", "ics", "-o", str(later))
    uids = [line for line in later.read_text().splitlines() if line.startswith("UID:")]
    assert "UID:svc-portal.review@itsm-cli" not in uids
    assert "UID:sup-hosting.notice@itsm-cli" in uids


def test_ics_without_the_extra_is_a_one_line_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "icalendar", None)
    result = cli.run("due", "--today", TODAY, "-f", "ics")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "itsm: error: --format ics needs the icalendar library: pip install 'itsm-cli[ics]'"
    )


def test_a_bad_within_is_a_usage_error() -> None:
    result = cli.run("due", "--within", "60 days")
    assert result.exit_code == 2
    assert "not an ISO 8601 duration such as P60D" in result.stderr


def test_uids_of_different_deadlines_never_meet() -> None:
    """`SUP-X`'s supplier review and `SUP-X-SUPPLIER`'s review: an id never holds a dot."""
    from itsm_cli.rules.deadlines import Deadline

    def uid(record: str, deadline: str) -> str:
        day = dt.date(2027, 1, 1)
        return Deadline(day, deadline, "", record, "Supplier", "o", None, "f", 1, 1).uid

    assert uid("SUP-X", "supplier-review") == "sup-x.supplier-review@itsm-cli"
    assert uid("SUP-X", "supplier-review") != uid("SUP-X-SUPPLIER", "review")


def test_ics_takes_a_deadline_on_the_last_day_a_date_can_have(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An SLA valid until 9999-12-31: the day after it has no date, so the event has no
    DTEND (a DATE event without one lasts its day); it was an internal error."""
    icalendar = pytest.importorskip("icalendar")
    (tmp_path / "itsm.toml").write_text('records = "records"\n')
    (tmp_path / "records").mkdir()
    (tmp_path / "records" / "deadlines.yaml").write_text(
        (FIXTURE / "records" / "deadlines.yaml").read_text()
        .replace("validUntil: 2027-06-30", "validUntil: 9999-12-31")
    )
    monkeypatch.chdir(tmp_path)
    result = cli.run("due", "--today", TODAY, "-f", "ics")
    assert result.exit_code == 0, result.output
    events = list(icalendar.Calendar.from_ical(result.stdout).walk("VEVENT"))
    last = next(e for e in events if e.decoded("dtstart") == dt.date.max)
    assert "dtend" not in last


RISK_WITH_ACTIONS = """\
apiVersion: itsm/v1
kind: Risk
metadata: {{id: RSK-A, title: Outage, owner: risk-owner}}
spec:
  category: availability
  description: The data centre fails
  likelihood: 2
  impact: 4
  treatment: mitigate
  assessed: 2026-10-01
  actions:
{actions}"""


def test_an_action_keeps_its_event_uid_when_another_is_inserted_before_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each action's UID follows its description, not its position: a calendar importing the
    newer file moves no date or text onto another action's event."""
    pytest.importorskip("icalendar")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "itsm.toml").write_text('records = "records"\n')
    (tmp_path / "records").mkdir()
    record = tmp_path / "records" / "risk.yaml"
    second = "    - {description: Second site, owner: it, due: 2027-03-01, status: open}\n"
    first = "    - {description: Test the failover, owner: it, due: 2027-02-01, status: open}\n"

    def uids() -> dict[str, str]:
        import icalendar

        result = cli.run("due", "--today", TODAY, "-f", "ics")
        assert result.exit_code == 0, result.output
        calendar = icalendar.Calendar.from_ical(result.stdout)
        return {str(e["summary"]): str(e["uid"]) for e in calendar.walk("VEVENT")}

    record.write_text(RISK_WITH_ACTIONS.format(actions=second))
    before = uids()
    record.write_text(RISK_WITH_ACTIONS.format(actions=first + second))
    after = uids()
    [(summary, uid)] = [(s, u) for s, u in before.items() if "Second site" in s]
    assert after[summary] == uid
    actions = {s: u for s, u in after.items() if "risk action due" in s}
    assert len(set(actions.values())) == len(actions) == 2


def test_a_record_that_fails_validation_is_said_to_be_left_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its deadlines cannot be listed; an empty list must not read as all there is."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "itsm.toml").write_text('records = "records"\n')
    (tmp_path / "records").mkdir()
    action = "    - {description: Second site, owner: it, due: 2027-03-01, status: open}\n"
    (tmp_path / "records" / "risk.yaml").write_text(
        RISK_WITH_ACTIONS.format(actions=action).replace("treatment: mitigate", "treatment: x")
    )
    result = cli.run("due", "--today", TODAY)
    assert result.exit_code == 0
    assert result.stdout.strip() == f"No deadline ahead from {TODAY}."
    assert result.stderr.strip() == (
        "itsm: warning: 1 record left out: RSK-A failed validation (E002 at "
        "records/risk.yaml:9). Their deadlines are not listed."
    )
