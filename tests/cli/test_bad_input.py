"""Bad input (DESIGN §6): every case is a finding with a location, never a traceback, never
a hang.

Each file in `tests/fixtures/bad_input/` is one case; its first lines say what is wrong with it and
what to expect. A test copies the valid fixture repository `tests/fixtures/valid/` into a temporary
folder, adds one case as `records/under-test/<name>` (so it can refer to, and collide with,
the valid records), runs the loader or `itsm validate`, and asserts the exact findings.
Cases too big to commit (deep nesting, a 50 MB file) and symbolic links are built in the
test's temporary folder.
"""

from __future__ import annotations

import importlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from itsm_cli.findings import Finding
from itsm_cli.records import yamlread
from itsm_cli.records.index import Repository, load_repository
from itsm_cli.records.load import LoadedRecord
from itsm_cli.records.workspace import load_workspace
from itsm_cli.records.yamlread import read_yaml_bytes
from tests.helpers import cli
from tests.helpers.paths import fixture

CASES = fixture("bad_input")
VALID = fixture("valid")
TODAY = "2026-11-23"
UNDER_TEST = "records/under-test"


Expected = tuple[str, int, int, str]
"""(rule, line, column, a fragment of the message)."""

# What each case in tests/fixtures/bad_input/ yields, in file order. The file is the case itself
# (records/under-test/<name>) unless the case names another.
BAD_INPUT: dict[str, list[Expected]] = {
    "syntax-error.yaml": [("E001", 11, 14, "YAML syntax error: did not find expected ','")],
    "invalid-utf8.yaml": [("E001", 7, 13, "invalid UTF-8: byte 0xe9")],
    "byte-order-mark.yaml": [],
    "tabs.yaml": [("E001", 9, 1, "tab character")],
    "duplicate-key.yaml": [("E001", 9, 3, "duplicate key 'title' (first defined at line 7)")],
    "alias-bomb.yaml": [("E006", 14, 12, "aliases expand to more than")],
    "python-tag.yaml": [("E006", 10, 16, "explicit YAML tag")],
    "explicit-tag.yaml": [("E006", 19, 18, "explicit YAML tag 'tag:yaml.org,2002:float'")],
    "list-document.yaml": [("E002", 2, 1, "must be a mapping")],
    "scalar-document.yaml": [("E002", 2, 1, "must be a mapping")],
    "empty.yaml": [("E002", 1, 1, "the file holds no record")],
    "comment-only.yaml": [("E002", 1, 1, "the file holds no record")],
    "nul-byte.yaml": [("E001", 10, 22, "NUL byte")],
    "undefined-alias.yaml": [("E001", 7, 10, "alias '*missing' names no anchor")],
    "complex-key.yaml": [("E001", 8, 3, "a mapping or list used as a key")],
    "unknown-api-version.yaml": [
        ("E005", 2, 1, "unknown apiVersion 'itsm/v2' (did you mean 'itsm/v1'?)")
    ],
    "unknown-kind.yaml": [("E005", 3, 1, "unknown kind 'Servise' (did you mean 'Service'?)")],
    "unknown-field.yaml": [
        ("E002", 6, 1, "missing required field 'owner' in metadata"),
        ("E002", 9, 3, "unknown field 'ownr' in metadata (did you mean 'owner'?)"),
        ("E002", 10, 1, "missing required field 'lifecycle' in spec"),
        ("E002", 12, 3, "unknown field 'lifecyle' in spec (did you mean 'lifecycle'?)"),
    ],
    "wrong-types.yaml": [
        ("E002", 11, 3, "spec.services: must be a list, not 'SVC-WEB'"),
        ("E002", 12, 3, "spec.validFrom: 'first of February' is not a date"),
        ("E002", 17, 7, "spec.targets[0].objective: must be a number, not 'high'"),
        ("E002", 19, 7, "spec.targets[0].window: must be 'calendar-month'"),
    ],
    "values-not-as-written.yaml": [
        ("E002", 22, 3, "spec.likelihood: must be a whole number, not '3'"),
        ("E002", 23, 3, "spec.impact: must be a whole number, not true"),
        ("E002", 25, 5, "spec.residual.likelihood: must be a whole number, not 1.0"),
        ("E002", 41, 5, "spec.effectiveness.effective: must be true or false, not 'yes'"),
        ("E002", 53, 26, "spec.lines[0].planned: must be a number, not '100'"),
    ],
    "exception-of-another-process.yaml": [
        ("E002", 12, 25, "'implemented-before-approval' is an exception "
         "of change reports, not of this incident report"),
    ],
    "bad-id.yaml": [
        ("E002", 6, 3, "metadata.id: 'svc_web_2' is not a valid id"),
        ("E002", 11, 15, "spec.dependsOn[0]: 'sup-dc' is not a valid id"),
    ],
    "approved-without-approval.yaml": [
        ("E002", 8, 3, "status is approved but `approved: {by, date}` is missing")
    ],
    "valid-from-after-until.yaml": [
        ("E002", 9, 3, "validUntil 2026-01-31 is before validFrom 2027-02-01")
    ],
    "duplicate-target-ids.yaml": [("E002", 17, 7, "id 'availability' is used twice")],
    "duplicate-record-id.yaml": [
        ("E003", 6, 3, "id 'SVC-WEB' is already used by the record at "
         "records/services/svc-web.yaml:4")
    ],
    "missing-reference.yaml": [
        ("E004", 9, 7, "'SVC-WEBB' names no Service (did you mean 'SVC-WEB'?)")
    ],
    "review-input-unknown-record.yaml": [("E004", 14, 21, "'RSK-NOPE' names no record")],
    "wrong-kind-reference.yaml": [
        ("E004", 8, 14, "'SUP-DC' is a Supplier, but a Service is expected here")
    ],
    "measurement-unknown-target.yaml": [
        ("E004", 14, 5, "SLA-WEB has no target 'p1-resolution' (did you mean 'p1-response'?)")
    ],
    "ola-provider-not-internal.yaml": [
        ("E004", 7, 3, "provider 'SUP-DC' is a Supplier, not a Supplier of type internal")
    ],
}

# Cases about reading YAML alone: the parser must already report them (no schema involved).
PARSER_CASES = [
    "syntax-error.yaml",
    "invalid-utf8.yaml",
    "byte-order-mark.yaml",
    "tabs.yaml",
    "duplicate-key.yaml",
    "alias-bomb.yaml",
    "python-tag.yaml",
    "explicit-tag.yaml",
    "nul-byte.yaml",
    "undefined-alias.yaml",
    "complex-key.yaml",
]


def test_every_fixture_file_is_a_case() -> None:
    on_disk = {p.name for p in CASES.glob("*.yaml")}
    assert on_disk == set(BAD_INPUT)


# --- helpers ---------------------------------------------------------------------------


def make_repo(tmp_path: Path, files: dict[str, bytes]) -> Path:
    """A copy of tests/fixtures/valid with `files` (name → bytes) added under
    records/under-test/."""
    repo = tmp_path / "repo"
    shutil.copytree(VALID, repo)
    folder = repo / UNDER_TEST
    folder.mkdir()
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return repo


def repo_with_case(tmp_path: Path, name: str) -> Path:
    return make_repo(tmp_path, {name: (CASES / name).read_bytes()})


def load(repo: Path) -> Repository:
    return load_repository(load_workspace(repo))


def located(findings: list[Finding]) -> list[tuple[str, str, int, int]]:
    return [(f.rule, f.file, f.line, f.column) for f in sorted(findings, key=Finding.sort_key)]


def assert_matches(findings: list[Finding], expected: list[Expected], file: str) -> None:
    ordered = sorted(findings, key=Finding.sort_key)
    assert located(ordered) == [(rule, file, line, col) for rule, line, col, _ in expected]
    for finding, (_, _, _, fragment) in zip(ordered, expected, strict=True):
        assert fragment in finding.message
        assert "\n" not in finding.message
        assert finding.hint or finding.rule == "E002"


def validate(repo: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str, str]:
    """`itsm validate` in `repo`; no traceback in either stream, ever."""
    monkeypatch.chdir(repo)
    result = cli.run("validate", *args, "--today", TODAY)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.stdout
    assert "Traceback" not in result.stderr
    return result.exit_code, result.stdout, result.stderr


# --- every committed case --------------------------------------------------------------


@pytest.mark.parametrize("name", PARSER_CASES)
def test_parser_reports_the_case(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    parsed = read_yaml_bytes((CASES / name).read_bytes(), name)
    assert_matches(parsed.findings, BAD_INPUT[name], name)
    # A refused document is dropped whole; the one valid case gives its one document.
    assert len(parsed.documents) == (0 if parsed.findings else 1)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err


@pytest.mark.parametrize("name", PARSER_CASES)
def test_pure_python_parser_reports_the_case_at_the_same_place(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without libyaml the loader falls back to PyYAML's pure-Python parser: slower, and
    worded differently, but every case is found at the same place."""
    monkeypatch.setattr(yamlread, "_Loader", yaml.SafeLoader)
    parsed = read_yaml_bytes((CASES / name).read_bytes(), name)
    expected = BAD_INPUT[name]
    assert located(parsed.findings) == [(rule, name, line, col) for rule, line, col, _ in expected]


def test_without_libyaml_validate_warns_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(yamlread, "_Loader", yaml.SafeLoader)
    repo = repo_with_case(tmp_path, "syntax-error.yaml")
    code, out, err = validate(repo, monkeypatch, "--no-color", "--no-cache")
    assert code == 1
    assert err == (
        "itsm: warning: libyaml is not available; "
        "the records were read with the slower pure-Python parser\n"
    )
    assert f"{UNDER_TEST}/syntax-error.yaml:11:14: E001 YAML syntax error" in out


@pytest.mark.parametrize("name", sorted(BAD_INPUT))
def test_loader_reports_the_case(name: str, tmp_path: Path) -> None:
    repo = repo_with_case(tmp_path, name)
    repository = load(repo)
    assert_matches(repository.findings, BAD_INPUT[name], f"{UNDER_TEST}/{name}")
    # The six valid records are still read, whatever the case did.
    assert {"SVC-WEB", "SLA-WEB", "MEAS-WEB-2026-10"} <= set(repository.index.by_id)


@pytest.mark.parametrize("name", sorted(BAD_INPUT))
def test_validate_reports_the_case(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = repo_with_case(tmp_path, name)
    code, out, err = validate(repo, monkeypatch, "--format", "json")
    expected = BAD_INPUT[name]
    assert code == (1 if expected else 0)
    assert err == ""
    findings = json.loads(out)["findings"]
    file = f"{UNDER_TEST}/{name}"
    assert [(f["rule"], f["file"], f["line"], f["column"]) for f in findings] == [
        (rule, file, line, col) for rule, line, col, _ in expected
    ]
    for finding, (_, _, _, fragment) in zip(findings, expected, strict=True):
        assert fragment in finding["message"]
        assert finding["severity"] == "error"
        assert finding["clauses"] == ["7.5.3"]


def test_byte_order_mark_record_is_read(tmp_path: Path) -> None:
    repo = repo_with_case(tmp_path, "byte-order-mark.yaml")
    repository = load(repo)
    assert repository.findings == []
    record: LoadedRecord[Any] | None = repository.index.get("SVC-BOM")
    assert record is not None
    assert record.file == f"{UNDER_TEST}/byte-order-mark.yaml"
    # The mark takes no column: `id` is where an editor shows it.
    assert record.position(("metadata", "id")) == (6, 3)


def test_duplicate_record_id_names_both_places(tmp_path: Path) -> None:
    repo = repo_with_case(tmp_path, "duplicate-record-id.yaml")
    (finding,) = load(repo).findings
    assert finding.record == "SVC-WEB"
    assert finding.related == ("records/services/svc-web.yaml:4",)


def test_text_output_points_at_each_case(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = ["syntax-error.yaml", "alias-bomb.yaml", "missing-reference.yaml"]
    repo = make_repo(tmp_path, {n: (CASES / n).read_bytes() for n in names})
    code, out, _ = validate(repo, monkeypatch, "--no-color")
    assert code == 1
    lines = [line for line in out.splitlines() if line.startswith(UNDER_TEST)]
    assert lines == [
        f"{UNDER_TEST}/alias-bomb.yaml:14:12: E006 aliases expand to more than 10,000 nodes",
        f"{UNDER_TEST}/missing-reference.yaml:9:7: E004 'SVC-WEBB' names no Service "
        "(did you mean 'SVC-WEB'?)",
        f"{UNDER_TEST}/syntax-error.yaml:11:14: E001 YAML syntax error: did not find expected "
        "',' or ']' (while parsing a flow sequence)",
    ]
    assert out.rstrip().endswith("✖ 3 errors, 0 warnings in 7 records in 9 files")


@pytest.mark.slow
def test_real_process_exits_1_and_prints_locations(tmp_path: Path) -> None:
    """`python -m itsm_cli validate` in a real process: exit status and plain lines."""
    names = ["syntax-error.yaml", "nul-byte.yaml", "python-tag.yaml", "empty.yaml"]
    repo = make_repo(tmp_path, {n: (CASES / n).read_bytes() for n in names})
    proc = subprocess.run(
        [sys.executable, "-m", "itsm_cli", "validate", "--today", TODAY],
        cwd=repo, capture_output=True, text=True, timeout=120, env=_plain_env(),
    )
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    assert proc.stderr == ""
    for location in (
        f"{UNDER_TEST}/empty.yaml:1:1: E002 ",
        f"{UNDER_TEST}/nul-byte.yaml:10:22: E001 ",
        f"{UNDER_TEST}/python-tag.yaml:10:16: E006 ",
        f"{UNDER_TEST}/syntax-error.yaml:11:14: E001 ",
    ):
        assert any(line.startswith(location) for line in proc.stdout.splitlines()), location


def _plain_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "GITHUB_ACTIONS")}
    env["PYTHONIOENCODING"] = "utf-8"
    return env


# --- deep nesting (built here: 10,000 levels) --------------------------------------------

DEPTH = 10_000


def _deep_cases() -> dict[str, tuple[bytes, tuple[int, int]]]:
    """name → (file content, where the refusal points)."""
    header = b"apiVersion: itsm/v1\nkind: Service\nmetadata: {id: SVC-DEEP, title: t, owner: o}\n"
    flow_seq = header + b"spec: " + b"[" * DEPTH + b"]" * DEPTH + b"\n"
    # libyaml's scanner takes time quadratic in the open flow levels: read to its end, this
    # file (just under the 5 MB limit) would take hours. Reading stops at the refusal.
    flow_limit = header + b"spec: " + b"[" * 2_600_000 + b"]" * 2_600_000 + b"\n"
    flow_map = header + b"spec: " + b"{a: " * DEPTH + b"1" + b"}" * DEPTH + b"\n"
    block_seq = header + b"spec:\n  " + b"- " * DEPTH + b"x\n"
    # Indented block mappings: 2,000 levels with one-space steps stay under the 5 MB limit.
    block_map = header + b"spec:\n" + b"".join(
        b" " * (i + 1) + b"a:\n" for i in range(2_000)
    ) + b" " * 2_001 + b"x\n"
    # The record's mapping is level 1, so the 64th collection under `spec:` is level 65:
    # the first one over MAX_DEPTH (64), where the refusal points.
    return {
        "flow-sequence.yaml": (flow_seq, (4, 7 + 63)),
        "flow-sequence-5mb.yaml": (flow_limit, (4, 7 + 63)),
        "flow-mapping.yaml": (flow_map, (4, 7 + 63 * 4)),
        "block-sequence.yaml": (block_seq, (5, 3 + 63 * 2)),
        "block-mapping.yaml": (block_map, (5 + 63, 1 + 64)),
    }


@pytest.fixture(scope="module")
def deep_files() -> dict[str, tuple[bytes, tuple[int, int]]]:
    return _deep_cases()


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(_deep_cases()))
def test_deep_nesting_is_refused_by_the_parser(
    name: str, deep_files: dict[str, tuple[bytes, tuple[int, int]]]
) -> None:
    data, (line, column) = deep_files[name]
    parsed = read_yaml_bytes(data, name)
    assert parsed.documents == []
    (finding,) = parsed.findings
    assert (finding.rule, finding.line, finding.column) == ("E006", line, column)
    assert finding.message == (
        "nesting deeper than 64 levels is refused; the rest of the file is not read"
    )


@pytest.mark.slow
def test_deep_nesting_through_validate(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    deep_files: dict[str, tuple[bytes, tuple[int, int]]],
) -> None:
    repo = make_repo(tmp_path, {name: data for name, (data, _) in deep_files.items()})
    code, out, _ = validate(repo, monkeypatch, "--format", "json")
    assert code == 1
    found = sorted(
        (f["rule"], f["file"], f["line"], f["column"]) for f in json.loads(out)["findings"]
    )
    assert found == sorted(
        ("E006", f"{UNDER_TEST}/{name}", line, column)
        for name, (_, (line, column)) in deep_files.items()
    )


@pytest.mark.slow
def test_deep_nesting_does_not_crash_a_real_process(
    tmp_path: Path, deep_files: dict[str, tuple[bytes, tuple[int, int]]]
) -> None:
    """A C-level recursion would kill the interpreter (SIGSEGV) rather than raise: only a
    separate process shows that it does not happen."""
    repo = make_repo(tmp_path, {name: data for name, (data, _) in deep_files.items()})
    proc = subprocess.run(
        [sys.executable, "-m", "itsm_cli", "validate", "--today", TODAY],
        cwd=repo, capture_output=True, text=True, timeout=300, env=_plain_env(),
    )
    assert proc.returncode == 1, (proc.returncode, proc.stderr[-2000:])
    assert "Traceback" not in proc.stdout + proc.stderr
    for name, (_, (line, column)) in deep_files.items():
        assert f"{UNDER_TEST}/{name}:{line}:{column}: E006 nesting deeper" in proc.stdout


# --- a 50 MB file ----------------------------------------------------------------------

BIG = 50 * 1024 * 1024


@pytest.mark.slow
def test_fifty_megabyte_file_is_refused_unread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = make_repo(tmp_path, {})
    big = repo / UNDER_TEST / "huge.yaml"
    with big.open("wb") as fh:
        fh.write(b"apiVersion: itsm/v1\nkind: Service\nmetadata:\n  labels:\n")
        line = b"    k: " + b"x" * 1017 + b"\n"  # 1 KiB a line, valid YAML all the way
        for _ in range(BIG // len(line) + 1):
            fh.write(line)
    assert big.stat().st_size > BIG

    read: list[Path] = []
    original = Path.read_bytes

    def spy(self: Path) -> bytes:
        read.append(self)
        return original(self)

    monkeypatch.setattr(Path, "read_bytes", spy)
    repository = load(repo)
    assert big not in read and all(p.name != "huge.yaml" for p in read)
    (finding,) = repository.findings
    assert (finding.rule, finding.file, finding.line, finding.column) == (
        "E006", f"{UNDER_TEST}/huge.yaml", 1, 1,
    )
    assert "over the 5,242,880-byte limit" in finding.message
    assert "max-file-size" in finding.hint

    code, out, _ = validate(repo, monkeypatch, "--no-color")
    assert code == 1
    assert f"{UNDER_TEST}/huge.yaml:1:1: E006 file is " in out


def test_a_refused_document_is_skipped_and_the_next_one_read() -> None:
    """After a refusal at a shallow level the parser skips to the next document."""
    record = (CASES / "byte-order-mark.yaml").read_bytes()
    data = b"a: !!str [[[[[[[[[[x]]]]]]]]]]\n---\n" + record
    parsed = read_yaml_bytes(data, "f.yaml")
    assert [(f.rule, f.line, f.column) for f in parsed.findings] == [("E006", 1, 4)]
    assert parsed.findings[0].message == "explicit YAML tag 'tag:yaml.org,2002:str' is refused"
    assert [d.data["metadata"]["id"] for d in parsed.documents] == ["SVC-BOM"]


def test_a_refused_document_nesting_past_the_limit_ends_the_reading() -> None:
    data = b"a: !x " + b"[" * 100_000 + b"]" * 100_000 + b"\n---\nb: 1\n"
    parsed = read_yaml_bytes(data, "f.yaml")
    assert parsed.documents == []
    assert [(f.rule, f.line, f.column, f.message) for f in parsed.findings] == [
        ("E006", 1, 4, "explicit YAML tag '!x' is refused; the rest of the file is not read")
    ]


def test_parser_refuses_oversized_bytes_before_decoding() -> None:
    data = b"\xff" * 2048  # invalid UTF-8 too: the size check comes first
    (finding,) = read_yaml_bytes(data, "big.yaml", max_bytes=1024).findings
    assert (finding.rule, finding.line, finding.column) == ("E006", 1, 1)
    assert "2,048 bytes, over the 1,024-byte limit" in finding.message


# --- symbolic links out of the repository ------------------------------------------------


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder outside the repository holding a valid record."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    (folder / "svc-outside.yaml").write_bytes((CASES / "byte-order-mark.yaml").read_bytes())
    return folder


def _symlink(link: Path, target: Path) -> None:
    try:
        link.symlink_to(target, target_is_directory=target.is_dir())
    except OSError as exc:  # pragma: no cover - e.g. Windows without the privilege
        pytest.skip(f"cannot create symbolic links here: {exc}")


def test_file_link_out_of_the_repo_is_refused(
    tmp_path: Path, outside: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = make_repo(tmp_path, {})
    _symlink(repo / UNDER_TEST / "linked.yaml", outside / "svc-outside.yaml")
    repository = load(repo)
    assert located(repository.findings) == [("E006", f"{UNDER_TEST}/linked.yaml", 1, 1)]
    assert "leads outside the repository" in repository.findings[0].message
    assert repository.index.get("SVC-BOM") is None  # the outside file was not read

    code, out, _ = validate(repo, monkeypatch, "--no-color")
    assert code == 1
    assert f"{UNDER_TEST}/linked.yaml:1:1: E006 file link leads outside the repository" in out


def test_folder_link_out_of_the_repo_is_refused(
    tmp_path: Path, outside: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = make_repo(tmp_path, {})
    _symlink(repo / UNDER_TEST / "linked-folder", outside)
    repository = load(repo)
    assert located(repository.findings) == [("E006", f"{UNDER_TEST}/linked-folder", 1, 1)]
    assert repository.index.get("SVC-BOM") is None

    code, out, _ = validate(repo, monkeypatch, "--no-color")
    assert code == 1
    assert f"{UNDER_TEST}/linked-folder:1:1: E006 folder link leads outside" in out


def test_link_named_on_the_command_line_is_refused(
    tmp_path: Path, outside: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = make_repo(tmp_path, {})
    _symlink(repo / UNDER_TEST / "linked.yaml", outside / "svc-outside.yaml")
    code, out, _ = validate(repo, monkeypatch, "--no-color", f"{UNDER_TEST}/linked.yaml")
    assert code == 1
    assert out.startswith(f"{UNDER_TEST}/linked.yaml:1:1: E006 file link leads outside")


def test_link_inside_the_repo_is_followed(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {})
    target = repo / "shared" / "svc-shared.yaml"
    target.parent.mkdir()
    target.write_bytes((CASES / "byte-order-mark.yaml").read_bytes())
    _symlink(repo / UNDER_TEST / "linked.yaml", target)
    repository = load(repo)
    assert repository.findings == []
    record: LoadedRecord[Any] | None = repository.index.get("SVC-BOM")
    assert record is not None and record.file == f"{UNDER_TEST}/linked.yaml"


def test_a_yaml_library_limit_below_ours_is_still_one_e006() -> None:
    """libyaml 0.2.6 and later have a nesting limit of their own; where it stops the reading
    before ours would, the refusal is still E006 (not a syntax error), once per document."""
    # The nesting-limit functions are libyaml's own, absent from the yaml stubs.
    _yaml: Any = importlib.import_module("yaml._yaml")

    if not hasattr(_yaml, "_set_max_nest_level"):
        pytest.skip("this libyaml has no nesting limit of its own")
    previous = _yaml._get_max_nest_level()
    _yaml._set_max_nest_level(10)
    try:
        parsed = read_yaml_bytes(b"a: " + b"[" * 30 + b"]" * 30 + b"\n", "deep.yaml")
    finally:
        _yaml._set_max_nest_level(previous)
    (finding,) = parsed.findings
    assert finding.rule == "E006"
    assert finding.message == (
        "nesting deeper than the YAML library's limit is refused; the rest of the file is not read"
    )
    assert "Fix the YAML syntax" not in finding.hint


def test_a_quoted_amount_gets_the_hint_every_quoted_number_gets(tmp_path: Path) -> None:
    repo = load(repo_with_case(tmp_path, "values-not-as-written.yaml"))
    hints = {f.message.split(":")[0]: f.hint for f in repo.findings}
    assert hints["spec.lines[0].planned"] == hints["spec.likelihood"]
    assert hints["spec.lines[0].planned"] == (
        "Write the number without quotes: quoted, it is text."
    )
