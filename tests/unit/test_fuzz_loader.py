"""Random input never breaks the loader: whatever the bytes, it returns findings (E001–E006)
with a location, and never raises.

Three generators: raw bytes; YAML-ish text assembled from YAML's own tokens (keys, colons,
indentation, dashes, brackets, quotes, anchors, aliases, tags, tabs, document markers, the
line separators NEL, LS and PS); and valid records from `tests/fixtures/valid/` with one field
replaced by a random value, which exercises the schema's error messages rather than the
parser. Two operators found bugs past the loader and are fuzzed through to every output
format: file names that are not valid UTF-8, and control characters in values (they must
reach no terminal and no comment raw).
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from itsm_cli.findings import Finding, FindingsReport, Severity
from itsm_cli.output import FINDINGS, RenderOptions
from itsm_cli.records.index import build_index
from itsm_cli.records.load import LoadResult, load_bytes
from itsm_cli.records.yamlread import read_yaml_bytes
from tests.helpers.paths import ROOT, fixture

pytestmark = pytest.mark.slow

VALID = fixture("valid")
LOADER_RULES = {"E001", "E002", "E003", "E004", "E005", "E006"}
MAX = 5 * 1024 * 1024
FILE = "records/fuzz.yaml"

FUZZ = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def check(findings: list[Finding], files: tuple[str, ...] = (FILE,)) -> None:
    for finding in findings:
        assert finding.rule in LOADER_RULES, finding
        assert finding.file in files, finding
        assert finding.line >= 1 and finding.column >= 1, finding
        assert finding.message, finding
        assert "\n" not in finding.message and "\r" not in finding.message, finding


def read_and_load(data: bytes) -> None:
    parsed = read_yaml_bytes(data, FILE)
    check(parsed.findings)
    for document in parsed.documents:
        assert document.line >= 1 and document.column >= 1
        assert all(line >= 1 and column >= 1 for line, column in document.positions.values())
    result = LoadResult()
    load_bytes(data, FILE, result, MAX)
    check(result.findings)
    assert result.files == [FILE]
    if not result.findings:
        assert result.records  # a file without findings holds at least one record


# --- raw bytes -----------------------------------------------------------------------------


@FUZZ
@given(st.binary(max_size=2_000))
def test_random_bytes(data: bytes) -> None:
    read_and_load(data)


# --- YAML-ish text -------------------------------------------------------------------------

KEYS = ["apiVersion", "kind", "metadata", "spec", "id", "title", "owner", "status",
        "targets", "values", "a", "b", "<<", "? ", "1", "true", "no", "~", ""]
SCALARS = ["itsm/v1", "Service", "SLA", "Measurement", "SVC-A", "SLA-A", "x", "010", "0o7",
           "0x1F", "12:30", "2026-02-01", "P12M", ".inf", "-.nan", "1e400", "1" * 5_000,
           "null", "~", "yes", "true", "99.9", "é", "😀", "\\u0000", "\\ud800", "'", '"']
TOKENS = st.one_of(
    st.sampled_from(KEYS).map(lambda k: k + ":"),
    st.sampled_from(SCALARS),
    st.sampled_from([
        ": ", ":", " ", "  ", "    ", "\t", "\n", "\r\n", "\r", "- ", "-", "[", "]", "{", "}",
        ", ", ",", "'", '"', "&a ", "&b ", "*a", "*b", "*zz", "!!str ", "!!python/object ",
        "!!python/object/apply:os.system ", "!x ", "!<tag:x> ", "? ", "---\n", "...\n",
        "--- ", "# comment\n", "|\n", ">-\n", "%YAML 1.2\n", "%TAG ! tag:x:\n", "\x00",
        "\ufeff", "\x85", "\u2028", "\u2029", "\x07", "\\", "@", "`", "%",
        "\x1b]0;title\x07", "\x9b2J", "\u202e",
    ]),
)


@FUZZ
@given(st.lists(TOKENS, max_size=80))
def test_random_yaml_like_text(tokens: list[str]) -> None:
    text = "".join(tokens)
    read_and_load(text.encode("utf-8", "surrogatepass"))


@FUZZ
@given(st.lists(TOKENS, max_size=60), st.sampled_from(["utf-8-sig", "utf-16", "latin-1"]))
def test_random_yaml_like_text_in_other_encodings(tokens: list[str], encoding: str) -> None:
    text = "".join(tokens)
    read_and_load(text.encode(encoding, "replace"))


# --- valid records with one field replaced -------------------------------------------------


def _base() -> LoadResult:
    """Every kind of record: the valid fixture and the example records of the repository."""
    result = LoadResult()
    for top in (VALID, ROOT):
        for path in sorted(top.glob("records/**/*.yaml")):
            load_bytes(path.read_bytes(), path.relative_to(ROOT).as_posix(), result, MAX)
    return result


BASE = _base()
RECORDS = sorted(
    {r.id: r.document.data for r in BASE.records}.items()
)
""""(id, raw data) of every record to start from."""

VALUES = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=True, allow_infinity=True),
        st.text(max_size=30),
        st.sampled_from(["SVC-WEB", "SUP-DC", "SLA-WEB", "svc-web", "2026-02-30", "P12M",
                         "live", "approved", "*", "itsm/v1", "Service", "a\nb", "\x00",
                         "a\x85b", "a\u2028b", "a\u2029b", "\x1b]0;pwned\x07", "\x1b[2J",
                         "[x](https://e.example) @team <img src=x>"]),
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.one_of(st.text(max_size=12), st.integers()), children, max_size=4),
    ),
    max_leaves=12,
)


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            found.extend(_paths(value, (*prefix, key)))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            found.extend(_paths(value, (*prefix, i)))
    return found


def _replace(data: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    data[path[0]] = _replace(data[path[0]], path[1:], value)
    return data


@FUZZ
@given(st.data())
def test_valid_records_with_a_random_field(data: st.DataObject) -> None:
    record_id, record = data.draw(st.sampled_from(RECORDS))
    record = copy.deepcopy(record)
    path = data.draw(st.sampled_from(_paths(record)))
    mutated = _replace(record, path, data.draw(VALUES))
    # JSON is YAML: a faithful way to write any of these values (NaN and infinities too).
    text = json.dumps(mutated, indent=2, allow_nan=True, ensure_ascii=data.draw(st.booleans()))
    text = text.replace("NaN", ".nan").replace("-Infinity", "-.inf").replace("Infinity", ".inf")
    data_bytes = text.encode("utf-8", "surrogatepass")
    read_and_load(data_bytes)
    # Among the other records (the original left out): duplicate ids and references too.
    result = LoadResult(
        records=[r for r in BASE.records if r.id != record_id],
        files=list(BASE.files),
        broken=dict(BASE.broken),
    )
    load_bytes(data_bytes, FILE, result, MAX)
    _, cross = build_index(result)
    check(result.findings + cross, (FILE, *BASE.files))


# --- what reaches a terminal or a comment ---------------------------------------------------

RAW_CONTROLS = {chr(c) for c in (*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0))}
RAW_CONTROLS |= {"\u2028", "\u2029", "\u202e"}
"""What no line of text, GitHub or Markdown output may hold (a line feed separates lines)."""
SCREENED = ("text", "github", "markdown")


def render_all(findings: list[Finding]) -> dict[str, str]:
    """Every findings format over `findings`; none may raise."""
    report = FindingsReport(findings=findings, records=1, files=1, command="check")
    out = {name: FINDINGS.renderer(name)(report, RenderOptions()) for name in FINDINGS.names()}
    for finding in findings:
        assert len(finding.fingerprint) == 32
    for name in SCREENED:
        assert not RAW_CONTROLS & set(out[name]), (name, out[name])
    return out


CONTROL_TEXT = st.text(
    st.one_of(
        st.characters(codec="utf-8", exclude_characters="\n"),
        st.sampled_from(["\x1b", "\x07", "\x85", "\u2028", "\u2029", "\x9b", "\u202e", "@",
                         "[", "]", "(", "`", "|", "<", "\r"]),
    ),
    min_size=1,
    max_size=40,
)


@FUZZ
@given(st.sampled_from(RECORDS), CONTROL_TEXT)
def test_control_characters_in_values_reach_no_output_raw(record: Any, value: str) -> None:
    _, data = record
    mutated = copy.deepcopy(data)
    mutated["metadata"]["id"] = value  # an id the schema refuses, quoted in its message
    mutated["metadata"]["title"] = value
    text = json.dumps(mutated, indent=2, ensure_ascii=False)
    result = LoadResult()
    load_bytes(text.encode("utf-8", "surrogatepass"), FILE, result, MAX)
    check(result.findings)
    # The loader quotes values with repr(); rules quote free text as it is, and file names
    # come from the disk: both raw here, as a rule or the walk would give them.
    file = "records/" + value.replace("/", "_") + ".yaml"
    quoted = Finding("SLM001", Severity.ERROR, f"customer {value} has no SLA", file, 3,
                     record="SLA-A", path=("spec", "customer"), hint=f"Ask {value}.")
    render_all([*result.findings, quoted])


FILE_NAME_BYTES = st.binary(min_size=1, max_size=16).filter(
    lambda raw: b"/" not in raw and b"\0" not in raw
)


@FUZZ
@given(FILE_NAME_BYTES, st.binary(max_size=200))
def test_file_names_that_are_not_utf8_reach_every_format(name: bytes, data: bytes) -> None:
    # As `os.scandir` gives them: undecodable bytes as lone surrogates.
    rel = "records/" + (name + b".yaml").decode("utf-8", "surrogateescape")
    result = LoadResult()
    load_bytes(b"a: [\n" + data, rel, result, MAX)  # never a record: file-level findings
    assert result.findings
    assert all(f.file == rel for f in result.findings)
    out = render_all(result.findings)
    json.loads(out["sarif"])
    json.loads(out["gitlab"])
