"""Property: `itsm fmt` never loses anything. Random valid records (v1 format) are written as
YAML in random layouts (keys shuffled, 2- or 4-space indentation, dashes indented or not,
flow or block lists, folded or literal text, quoted or plain dates, blank lines) with
numbered comments in random places; after
`fmt` the loader reads the same data, every comment is there exactly once, the record is
still valid, the envelope is in DESIGN order, and a second `fmt` changes nothing."""

from __future__ import annotations

import datetime as dt
import json
import re
import string
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from itsm_cli.authoring.fmt import ENVELOPE, format_bytes, same_data
from itsm_cli.records.load import validate_document
from itsm_cli.records.yamlread import read_yaml_bytes

pytestmark = pytest.mark.slow

# --- records -------------------------------------------------------------------------------

WORDS = st.text(alphabet=string.ascii_letters + string.digits + " ,.-'&:#%", min_size=1,
                max_size=24).map(str.strip).filter(bool)
IDS = st.from_regex(r"[A-Z][A-Z0-9]{1,4}(-[A-Z0-9]{1,4}){0,2}", fullmatch=True)
DATES = st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31)).map(dt.date.isoformat)
NUMBERS = st.one_of(st.integers(0, 5000), st.floats(0, 100, allow_nan=False).map(
    lambda f: round(f, 3)))
PERCENTS = st.one_of(st.integers(0, 100), st.floats(0, 100, allow_nan=False).map(
    lambda f: round(f, 3)))
CRITICALITY = st.sampled_from(["critical", "high", "medium", "low"])


def optional(draw: st.DrawFn, record: dict[str, Any], key: str, strategy: Any) -> None:
    if draw(st.booleans()):
        record[key] = draw(strategy)


@st.composite
def metadata(draw: st.DrawFn) -> dict[str, Any]:
    meta: dict[str, Any] = {"id": draw(IDS), "title": draw(WORDS), "owner": draw(WORDS)}
    if draw(st.booleans()):
        meta["status"] = "approved"
        meta["approved"] = {"by": draw(WORDS), "date": draw(DATES)}
    optional(draw, meta, "lastReviewed", DATES)
    optional(draw, meta, "reviewInterval", st.sampled_from(["P12M", "P6M", "P90D"]))
    optional(draw, meta, "clauses", st.lists(st.sampled_from(["5.2", "8.3.3", "9.4"]),
                                             min_size=1, max_size=3))
    optional(draw, meta, "labels", st.dictionaries(
        st.from_regex(r"[a-z]{2,8}", fullmatch=True), WORDS, min_size=1, max_size=3))
    return meta


@st.composite
def targets(draw: st.DrawFn) -> list[dict[str, Any]]:
    names = draw(st.lists(st.from_regex(r"[a-z][a-z0-9-]{1,10}", fullmatch=True),
                          min_size=1, max_size=3, unique=True))
    found = []
    for name in names:
        unit = draw(st.sampled_from(["percent", "min", "h"]))
        target: dict[str, Any] = {
            "id": name,
            "metric": draw(st.sampled_from(["availability", "response-time", "other"])),
            # an objective in percent lies within 0-100 (E002 otherwise)
            "objective": draw(PERCENTS if unit == "percent" else NUMBERS),
            "unit": unit,
            "window": draw(st.sampled_from(["calendar-month", "per-incident"])),
        }
        optional(draw, target, "comparator", st.sampled_from([">=", "<="]))
        optional(draw, target, "priority", st.sampled_from(["P1", "P2"]))
        found.append(target)
    return found


@st.composite
def period(draw: st.DrawFn) -> tuple[str, str]:
    a, b = sorted([draw(DATES), draw(DATES)])
    return a, b


@st.composite
def service(draw: st.DrawFn) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "description": draw(WORDS),
        "lifecycle": draw(st.sampled_from(["pipeline", "live", "retired"])),
        "criticality": draw(CRITICALITY),
    }
    optional(draw, spec, "customers", st.lists(WORDS, min_size=1, max_size=3))
    optional(draw, spec, "dependsOn", st.lists(IDS, min_size=1, max_size=3))
    optional(draw, spec, "serviceHours", WORDS)
    return {"kind": "Service", "spec": spec}


@st.composite
def sla(draw: st.DrawFn) -> dict[str, Any]:
    start, end = draw(period())
    spec: dict[str, Any] = {
        "customer": draw(WORDS),
        "services": draw(st.lists(IDS, min_size=1, max_size=3)),
        "validFrom": start,
        "validUntil": end,
        "targets": draw(targets()),
    }
    optional(draw, spec, "exceptions", st.lists(WORDS, min_size=1, max_size=2))
    optional(draw, spec, "workloadLimits", WORDS)
    if draw(st.booleans()):
        spec["reporting"] = {"frequency": draw(st.sampled_from(["monthly", "quarterly"])),
                             "recipients": draw(st.lists(WORDS, max_size=2))}
    if draw(st.booleans()):
        spec["signatories"] = [{"name": draw(WORDS), "role": draw(WORDS), "date": draw(DATES)}]
    return {"kind": "SLA", "spec": spec}


@st.composite
def supplier(draw: st.DrawFn) -> dict[str, Any]:
    start, end = draw(period())
    contract: dict[str, Any] = {"reference": draw(WORDS), "start": start, "end": end}
    optional(draw, contract, "noticePeriod", st.sampled_from(["P3M", "P90D"]))
    optional(draw, contract, "targets", targets())
    spec: dict[str, Any] = {
        "type": draw(st.sampled_from(["external", "internal"])),
        "criticality": draw(CRITICALITY),
        "supports": draw(st.lists(IDS, max_size=2)),
        "contract": contract,
    }
    optional(draw, spec, "reviews", st.lists(st.fixed_dictionaries(
        {"date": DATES, "outcome": st.sampled_from(["meets", "fails"])},
        optional={"notes": WORDS}), min_size=1, max_size=3))
    return {"kind": "Supplier", "spec": spec}


@st.composite
def measurement(draw: st.DrawFn) -> dict[str, Any]:
    spec = {
        "agreement": draw(IDS),
        "period": draw(st.from_regex(r"20[2-3][0-9]-(0[1-9]|1[0-2]|Q[1-4])", fullmatch=True)),
        "values": draw(st.dictionaries(st.from_regex(r"[a-z][a-z0-9-]{1,8}", fullmatch=True),
                                       NUMBERS, min_size=1, max_size=3)),
    }
    return {"kind": "Measurement", "spec": spec}


@st.composite
def records(draw: st.DrawFn) -> dict[str, Any]:
    body = draw(st.one_of(service(), sla(), supplier(), measurement()))
    return {"apiVersion": "itsm/v1", "kind": body["kind"], "metadata": draw(metadata()),
            "spec": body["spec"]}


# --- a YAML writer with random layout and comments -------------------------------------------

_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9 ,.'&%-]*\Z")
_RESERVED = {"true", "false", "null", "True", "False", "Null", "TRUE", "FALSE", "NULL"}


@dataclass
class Writer:
    draw: st.DrawFn
    step: int
    indented_dashes: bool
    comments: list[str] = field(default_factory=list)
    block_scalar_last: bool = False

    def comment(self) -> str:
        text = f"# c{len(self.comments)} {self.draw(WORDS)}"
        self.comments.append(text)
        return text

    def maybe_eol(self, line: str) -> str:
        return f"{line}  {self.comment()}" if self.draw(st.integers(0, 4)) == 0 else line

    def maybe_above(self, indent: int, out: list[str]) -> None:
        choice = self.draw(st.integers(0, 7))
        if choice == 0:
            out.append(" " * indent + self.comment())
        elif choice == 1:
            out.append("")

    def scalar(self, value: Any, in_flow: bool = False) -> str:
        if isinstance(value, bool) or value is None:
            raise AssertionError(value)
        if isinstance(value, (int, float)):
            return repr(value)
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) and self.draw(st.booleans()):
            return f"'{value}'"
        if _PLAIN.match(value) and value not in _RESERVED and ": " not in value and (
            not value.endswith(":") and not (in_flow and "," in value)
        ):
            return str(value)
        return json.dumps(value)

    def flow(self, value: Any) -> str:
        if isinstance(value, dict):
            return "{" + ", ".join(f"{k}: {self.flow(v)}" for k, v in value.items()) + "}"
        if isinstance(value, list):
            return "[" + ", ".join(self.flow(v) for v in value) + "]"
        return self.scalar(value, in_flow=True)

    def shuffled(self, mapping: dict[str, Any]) -> list[tuple[str, Any]]:
        return self.draw(st.permutations(list(mapping.items())))

    def mapping(self, value: dict[str, Any], indent: int, out: list[str],
                first_prefix: str | None = None) -> None:
        for number, (key, item) in enumerate(self.shuffled(value)):
            prefix = " " * indent
            if number == 0 and first_prefix is not None:
                prefix = first_prefix
            else:
                self.maybe_above(indent, out)
            self.entry(key, item, prefix, indent, out)
        if self.draw(st.integers(0, 6)) == 0:
            # Below a block scalar a deeper-indented "# …" line would be part of the text,
            # not a comment: keep it at the mapping's own indentation there.
            deeper = 0 if self.block_scalar_last else self.draw(st.integers(0, 2))
            out.append(" " * (indent + deeper) + self.comment())

    def entry(self, key: str, value: Any, prefix: str, indent: int, out: list[str]) -> None:
        self.block_scalar_last = False
        head = f"{prefix}{key}:"
        simple = isinstance(value, (dict, list)) and all(
            not isinstance(v, (dict, list)) for v in (value.values() if isinstance(value, dict)
                                                      else value)
        )
        style = self.draw(st.integers(0, 5))
        if isinstance(value, str) and style < 2 and re.fullmatch(r"[^ ]+( [^ ]+)+", value):
            # A block scalar: folded over several lines, or literal on one line.
            out.append(self.maybe_eol(f"{head} {'>-' if style == 0 else '|-'}"))
            words = value.split(" ") if style == 0 else [value]
            out.extend(" " * (indent + self.step) + word for word in words)
            self.block_scalar_last = True
            return
        elif not isinstance(value, (dict, list)):
            out.append(self.maybe_eol(f"{head} {self.scalar(value)}"))
        elif not value or (simple and self.draw(st.booleans())):
            out.append(self.maybe_eol(f"{head} {self.flow(value)}"))
        elif isinstance(value, dict):
            out.append(self.maybe_eol(head))
            self.mapping(value, indent + self.step, out)
        else:
            out.append(self.maybe_eol(head))
            self.sequence(value, indent + (self.step if self.indented_dashes else 0), out)

    def sequence(self, value: list[Any], dash: int, out: list[str]) -> None:
        for item in value:
            self.maybe_above(dash, out)
            if isinstance(item, dict) and item and self.draw(st.booleans()):
                self.mapping(item, dash + 2, out, first_prefix=" " * dash + "- ")
            else:
                out.append(self.maybe_eol(" " * dash + "- " + self.flow(item)))


@st.composite
def documents(draw: st.DrawFn) -> tuple[dict[str, Any], str, list[str]]:
    record = draw(records())
    writer = Writer(draw, draw(st.sampled_from([2, 4])), draw(st.booleans()))
    out: list[str] = []
    if draw(st.booleans()):
        modeline = "# yaml-language-server: $schema=../../schemas/x.schema.json"
        writer.comments.append(modeline)
        out.append(modeline)
    writer.mapping(record, 0, out)
    return record, "\n".join(out) + "\n", writer.comments


def load(data: bytes) -> Any:
    parsed = read_yaml_bytes(data, "r.yaml")
    assert parsed.findings == []
    assert len(parsed.documents) == 1
    return parsed.documents[0]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_fmt_keeps_data_and_every_comment(case: tuple[dict[str, Any], str, list[str]]) -> None:
    record, text, comments = case
    original = text.encode()
    before = load(original)
    assert same_data(before.data, record)
    assert validate_document(before, "r.yaml")[0] is not None, text

    outcome = format_bytes(original, "r.yaml")
    assert outcome.refusals == (), (outcome.refusals, text)
    assert outcome.formatted is not None
    formatted = outcome.formatted.decode()

    after = load(outcome.formatted)
    assert same_data(after.data, record), formatted
    assert set(after.data) == set(record)
    assert set(after.data["spec"]) == set(record["spec"])
    for comment in comments:
        assert formatted.count(comment) == 1, (comment, text, formatted)
    assert validate_document(after, "r.yaml")[0] is not None
    assert list(after.data) == [key for key in ENVELOPE if key in record]

    again = format_bytes(outcome.formatted, "r.yaml")
    assert again.formatted == outcome.formatted, (formatted, again.formatted)
