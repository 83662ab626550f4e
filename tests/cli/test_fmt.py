"""`itsm fmt`: the canonical layout, what it keeps, and how it refuses (fixture:
tests/fixtures/authoring/fmt, copied to a temporary folder before anything is written)."""

from __future__ import annotations

import os
import re
import shutil
import stat
from pathlib import Path

import pytest

from tests.helpers import cli
from tests.helpers.paths import ROOT, fixture

FIXTURES = fixture("authoring")
EXAMPLES = ROOT / "records"
SLA = "records/agreements/sla-messy.yaml"
WEB = "records/services/svc-web.yaml"
TYPO = "records/services/svc-typo.yaml"
MEASUREMENTS = "records/measurements/sla-messy.yaml"
UNCLOSED = "records/broken/svc-unclosed.yaml"
TAGGED = "records/broken/svc-tagged.yaml"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(FIXTURES / "fmt", root)
    monkeypatch.chdir(root)
    return root


@pytest.fixture
def clean(repo: Path) -> Path:
    """The fixture without its two broken files."""
    shutil.rmtree(repo / "records" / "broken")
    return repo


def fmt(*args: str) -> tuple[int, str, str]:
    result = cli.run("fmt", *args)
    assert "Traceback" not in result.output
    return result.exit_code, result.stdout, result.stderr


def comment_lines(text: str) -> list[str]:
    """Comments of the fixture files: every '#' that is not inside a value."""
    found = []
    for line in text.splitlines():
        match = re.search(r"(^|\s)(#.*)$", line)
        if match and "'#" not in line:
            found.append(match.group(2).rstrip())
    return found


def test_rewrites_a_messy_record_into_the_canonical_form(clean: Path) -> None:
    code, _, err = fmt(SLA)
    assert code == 0
    assert f"reformatted {SLA}" in err
    expected = (clean / "expected" / "sla-messy.yaml").read_text()
    assert (clean / SLA).read_text() == expected


def test_canonical_form_in_detail(clean: Path) -> None:
    fmt(SLA)
    lines = (clean / SLA).read_text().splitlines()
    # The modeline and the header stay first; the envelope follows in DESIGN order.
    assert lines[0] == "# yaml-language-server: $schema=../../schemas/sla.schema.json"
    keys = [line.split(":")[0] for line in lines if re.match(r"^[a-zA-Z]", line)]
    assert keys == ["apiVersion", "kind", "metadata", "spec"]
    # A comment above a key moves with it; an end-of-line comment stays on its line.
    assert lines[lines.index("apiVersion: itsm/v1") - 1] == "# The envelope version."
    assert "kind: SLA   # the kind" in lines
    # Metadata in model order, dates unquoted where the schema says date.
    start = lines.index("metadata:")
    assert lines[start + 1 : start + 7] == [
        "  id: SLA-MESSY",
        "  title: Web shop SLA",
        "  owner: service-level-manager",
        "  status: approved",
        "  approved: {by: Head of Service Delivery, date: 2026-01-05}",
        "  lastReviewed: 2026-06-30",
    ]
    # Target keys in schema order; 2-space indentation with dashes under their key.
    target = lines.index("    - id: availability")
    assert lines[target - 1] == "    # The availability target."
    assert lines[target + 1 : target + 5] == [
        "      metric: availability   # measured by the external probe",
        "      objective: 99.9",
        "      unit: percent",
        "      window: calendar-month",
    ]
    # The folded scalar keeps its text, re-indented under its key.
    folded = lines.index("  workloadLimits: >-")
    assert lines[folded + 1 : folded + 3] == [
        "    Up to 2,000 orders an hour",
        "    and 50 TB of traffic a month.",
    ]


def test_every_comment_is_kept(clean: Path) -> None:
    before = comment_lines((clean / SLA).read_text())
    fmt(SLA)
    after = comment_lines((clean / SLA).read_text())
    assert len(before) == 10
    assert sorted(after) == sorted(before)


def test_unknown_key_stays_after_the_key_it_followed(clean: Path) -> None:
    fmt(TYPO)
    assert (clean / TYPO).read_text() == (clean / "expected" / "svc-typo.yaml").read_text()


def test_multi_document_file_each_document_in_order(clean: Path) -> None:
    fmt(MEASUREMENTS)
    expected = (clean / "expected" / "measurements-sla-messy.yaml").read_text()
    assert (clean / MEASUREMENTS).read_text() == expected


def test_canonical_file_is_left_byte_for_byte(clean: Path) -> None:
    before = (clean / WEB).read_bytes()
    mtime = (clean / WEB).stat().st_mtime_ns
    code, _, err = fmt(WEB)
    assert code == 0
    assert "0 files reformatted, 1 left unchanged" in err
    assert (clean / WEB).read_bytes() == before
    assert (clean / WEB).stat().st_mtime_ns == mtime


def test_fmt_twice_changes_nothing(clean: Path) -> None:
    code, _, err = fmt()
    assert code == 0
    assert "3 files reformatted, 1 left unchanged" in err
    after_first = {p: p.read_bytes() for p in (clean / "records").rglob("*.yaml")}
    code, _, err = fmt()
    assert code == 0
    assert "0 files reformatted, 4 left unchanged" in err
    assert {p: p.read_bytes() for p in (clean / "records").rglob("*.yaml")} == after_first


def test_check_lists_files_that_would_change_and_writes_nothing(clean: Path) -> None:
    before = (clean / SLA).read_bytes()
    code, out, err = fmt("--check")
    assert code == 1
    assert out == ""
    for name in (SLA, TYPO, MEASUREMENTS):
        assert f"would reformat {name}" in err
    assert f"would reformat {WEB}" not in err
    assert "3 files would be reformatted, 1 left unchanged" in err
    assert (clean / SLA).read_bytes() == before


def test_check_passes_once_formatted(clean: Path) -> None:
    fmt()
    code, _, err = fmt("--check")
    assert code == 0
    assert "0 files would be reformatted, 4 left unchanged" in err


def test_diff_prints_a_unified_diff_and_writes_nothing(clean: Path) -> None:
    before = (clean / TYPO).read_bytes()
    code, out, err = fmt("--diff", TYPO)
    assert code == 0
    assert out.startswith(f"--- a/{TYPO}\n+++ b/{TYPO}\n@@ ")
    assert "-  criticality: low\n" in out
    assert "+  criticality: low\n" in out
    assert "\x1b[" not in out
    assert f"would reformat {TYPO}" in err
    assert (clean / TYPO).read_bytes() == before


def test_diff_with_check_exits_1(clean: Path) -> None:
    code, out, _ = fmt("--diff", "--check", TYPO)
    assert code == 1
    assert out.startswith("---")


def test_diff_is_coloured_when_colour_is_forced(
    clean: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    _, out, _ = fmt("--diff", TYPO)
    assert "\x1b[32m+  criticality: low\x1b[0m" in out
    _, out, _ = fmt("--diff", "--no-color", TYPO)
    assert "\x1b[" not in out


def test_refuses_a_file_that_does_not_parse_with_validates_reason(repo: Path) -> None:
    broken = {name: (repo / name).read_bytes() for name in (UNCLOSED, TAGGED)}
    code, _, err = fmt()
    assert code == 1
    refusals = [line for line in err.splitlines() if line.endswith("(not formatted)")]
    assert len(refusals) == 2
    tagged, unclosed = refusals
    assert unclosed.startswith(f"{UNCLOSED}:11:12:")
    assert " E001 YAML syntax error" in unclosed
    assert tagged.startswith(f"{TAGGED}:6:")
    assert " E006 explicit YAML tag '" in tagged
    assert "3 files reformatted, 1 left unchanged, 2 not formatted" in err
    for name, data in broken.items():
        assert (repo / name).read_bytes() == data
    # The other files were still formatted.
    assert (repo / SLA).read_text() == (repo / "expected" / "sla-messy.yaml").read_text()
    # Same location and message as `itsm validate`.
    result = cli.run("validate", "--schema-only", UNCLOSED, TAGGED)
    for refusal in refusals:
        location, _, rest = refusal.partition(": ")
        code_and_message = rest.removesuffix(" (not formatted)")
        assert f"{location}: {code_and_message}" in result.stdout


def test_check_also_fails_on_a_refused_file(repo: Path) -> None:
    code, _, err = fmt("--check", UNCLOSED)
    assert code == 1
    assert "not formatted" in err


def test_keeps_crlf_line_endings(clean: Path) -> None:
    path = clean / TYPO
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    fmt(TYPO)
    data = path.read_bytes()
    expected = (clean / "expected" / "svc-typo.yaml").read_bytes()
    assert data == expected.replace(b"\n", b"\r\n")
    assert data.count(b"\r\n") == data.count(b"\n")


def test_keeps_a_missing_final_newline_and_a_byte_order_mark(clean: Path) -> None:
    path = clean / TYPO
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().rstrip(b"\n"))
    fmt(TYPO)
    expected = (clean / "expected" / "svc-typo.yaml").read_bytes()
    assert path.read_bytes() == b"\xef\xbb\xbf" + expected.rstrip(b"\n")


def test_keeps_the_file_mode(clean: Path) -> None:
    path = clean / TYPO
    path.chmod(0o640)
    fmt(TYPO)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert path.read_text() == (clean / "expected" / "svc-typo.yaml").read_text()


def test_a_link_stays_a_link(clean: Path) -> None:
    target = clean / TYPO
    link = clean / "records" / "services" / "link.yaml"
    shutil.move(target, clean / "records" / "svc-typo.yaml")
    link.symlink_to(Path("..") / "svc-typo.yaml")
    fmt("records/services/link.yaml")
    assert link.is_symlink()
    expected = (clean / "expected" / "svc-typo.yaml").read_text()
    assert (clean / "records" / "svc-typo.yaml").read_text() == expected


def test_original_untouched_when_the_write_fails(
    clean: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = clean / TYPO
    before = path.read_bytes()

    def fail(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    code, _, err = fmt(TYPO)
    assert code == 1
    assert f"{TYPO}: cannot write: No space left on device" in err
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["svc-typo.yaml", "svc-web.yaml"]


def test_refuses_to_write_a_result_that_would_lose_data(
    clean: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The safety net: a faulty layout (simulated) is caught before anything is written."""
    from itsm_cli.authoring import fmt as fmt_module

    def lossy(text: str) -> tuple[str, list[tuple[int, str]]]:
        return text.replace("# followed", "# changed").replace("low", "high"), []

    monkeypatch.setattr(fmt_module, "format_text", lossy)
    before = (clean / TYPO).read_bytes()
    code, _, err = fmt(TYPO)
    assert code == 1
    assert f"{TYPO}:1:1: internal error: formatting would change the data" in err
    assert (clean / TYPO).read_bytes() == before


def test_refuses_to_write_a_result_that_would_lose_a_comment(
    clean: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from itsm_cli.authoring import fmt as fmt_module

    def lossy(text: str) -> tuple[str, list[tuple[int, str]]]:
        return text.replace("# A key the schema", "# The key the schema"), []

    monkeypatch.setattr(fmt_module, "format_text", lossy)
    code, _, err = fmt(TYPO)
    assert code == 1
    assert "internal error: formatting would lose or change a comment" in err


def test_layout_it_cannot_move_is_kept_and_said(clean: Path) -> None:
    odd = clean / "records" / "services" / "svc-odd.yaml"
    odd.write_text(
        "apiVersion: itsm/v1\nkind: Service\nmetadata:\n  id: SVC-ODD\n  title: Odd\n"
        "  owner: me\n  labels:\n    ? region\n    : emea\nspec: {description: d}\n"
    )
    before = odd.read_bytes()
    code, _, err = fmt("records/services/svc-odd.yaml")
    assert code == 0
    assert "records/services/svc-odd.yaml:8: layout left as written (a complex mapping key)" in err
    assert odd.read_bytes() == before


def test_path_not_found_is_a_usage_error(clean: Path) -> None:
    code, _, err = fmt("records/nope.yaml")
    assert code == 2
    assert "path not found: records/nope.yaml" in err


def test_quiet_prints_no_summary(clean: Path) -> None:
    code, _, err = fmt("--quiet", WEB)
    assert code == 0
    assert err == ""


def test_the_bundled_example_records_are_canonical(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(EXAMPLES.parent)
    code, _, err = fmt("--check", "records")
    assert code == 0, err


def test_keys_keep_their_order_in_a_document_with_aliases(clean: Path) -> None:
    path = clean / "records" / "services" / "svc-alias.yaml"
    path.write_text(
        "kind: Service\napiVersion: itsm/v1\nmetadata:\n    owner: &me jane\n    id: SVC-ALIAS\n"
        "    title: Alias\nspec:\n    description: *me\n    lifecycle: live\n"
        "    criticality: low\n"
    )
    code, _, err = fmt("records/services/svc-alias.yaml")
    assert code == 0
    assert (
        "records/services/svc-alias.yaml:1: keys kept in their order: the document uses "
        "YAML aliases" in err
    )
    assert path.read_text() == (
        "kind: Service\napiVersion: itsm/v1\nmetadata:\n  owner: &me jane\n  id: SVC-ALIAS\n"
        "  title: Alias\nspec:\n  description: *me\n  lifecycle: live\n  criticality: low\n"
    )


def test_two_processes_format_exactly_what_one_formats(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With many files a forked child formats the last part (as the loader parses); what
    is written, refused and reported is the same as formatting them all in one process."""
    if not hasattr(os, "fork") or (os.cpu_count() or 1) < 2:
        pytest.skip("no fork or one core: fmt always runs in one process")
    from itsm_cli.authoring import fmt as fmt_module
    from itsm_cli.records import load

    sequential = tmp_path / "sequential"
    shutil.copytree(repo, sequential)
    monkeypatch.setattr(load, "os", _NoFork(os))
    monkeypatch.chdir(sequential)
    one = fmt()
    monkeypatch.undo()

    monkeypatch.chdir(repo)
    monkeypatch.setattr(load, "PARALLEL_FROM", 2)
    formatted_here: list[str] = []
    format_bytes = fmt_module.format_bytes

    def counted(data: bytes, rel: str, max_bytes: int) -> fmt_module.FormatOutcome:
        formatted_here.append(rel)
        return format_bytes(data, rel, max_bytes)

    monkeypatch.setattr(fmt_module, "format_bytes", counted)
    two = fmt()
    assert two == one and one[0] == 1  # the broken files are refused in both
    files = sorted(p.relative_to(repo).as_posix() for p in repo.rglob("*.yaml"))
    assert files == sorted(p.relative_to(sequential).as_posix() for p in sequential.rglob("*.yaml"))
    for rel in files:
        assert (repo / rel).read_bytes() == (sequential / rel).read_bytes(), rel
    # The parent formatted only its share; the child did the rest.
    assert 0 < len(formatted_here) < len(files)


class _NoFork:
    """The `os` module as the loader sees it, without `fork`: one process."""

    def __init__(self, real: object) -> None:
        self._real = real

    def __getattr__(self, name: str) -> object:
        if name == "fork":
            raise AttributeError(name)
        return getattr(self._real, name)
