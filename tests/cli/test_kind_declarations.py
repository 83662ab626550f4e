"""Every kind is declared once, by its class in `records/kinds/`: its `kind:` value,
folder, clauses, review, key order and description (`KIND_MODULES` in `records/models.py`
says only which module defines it, so that a run imports just the kinds it meets). A
throwaway kind defined here is picked up by `itsm new`, `validate`, `fmt`, `schema export`,
`clauses`, `gap`, `init` and the configuration's `review-intervals` without another line
anywhere; and no module of `src/` holds a second table of the kinds."""

from __future__ import annotations

import ast
import datetime as dt
import json
import re
import sys
from collections.abc import Iterator
from importlib.resources import files
from pathlib import Path
from typing import Literal

import pytest
import yaml

from itsm_cli.authoring import fmt, new
from itsm_cli.authoring.init import destination, scaffold_files
from itsm_cli.records.fields import IsoDate, RecordId, Text
from itsm_cli.records.models import KINDS, Record, Spec, kinds_evidencing
from itsm_cli.records.schema import file_name
from itsm_cli.rules import all_rules
from tests.helpers import cli
from tests.helpers.paths import ROOT

SRC = ROOT / "src" / "itsm_cli"

GIZMO_TEMPLATE = """\
apiVersion: itsm/v1
kind: Gizmo
metadata:
  id: GIZ-TEMPLATE
  title: "<fill in: what the gizmo is called>"
  owner: gizmo-keeper
  status: approved
  approved: {by: Head of Gizmos, date: 2026-10-01}
  lastReviewed: 2026-10-01
spec:
  purpose: "<fill in: what the gizmo is for>"
  since: "2026-09-01"
  size: 3
"""
"""What `itsm new gizmo` starts from: the purpose last of the spec in the template, first
after the size once written (the kind's KEY_ORDER), the date unquoted (its field is a
date)."""


@pytest.fixture
def gizmo(monkeypatch: pytest.MonkeyPatch) -> Iterator[type[Record]]:
    """A kind that exists only for the test: one class, and its `itsm new` template."""

    class GizmoSpec(Spec):
        KEY_ORDER = ("size", "purpose")

        purpose: Text
        """What the gizmo is for."""
        since: IsoDate
        """When it was put in service."""
        size: int
        """How big it is."""
        services: list[RecordId] = []
        """Ids of the Services it serves."""

    class Gizmo(Record):
        """A gizmo kept for the asset register (ISO/IEC 20000-1:2018 8.2.5), written for the
        test of the kind declarations."""

        KIND = "Gizmo"
        FOLDER = "gizmos"
        CLAUSES = ("8.2.5",)
        REVIEWED = True
        kind: Literal["Gizmo"]
        """Always Gizmo."""
        spec: GizmoSpec
        """The fields of a Gizmo record."""

    real_template = new.template
    monkeypatch.setattr(
        new, "template", lambda kind: GIZMO_TEMPLATE if kind == "Gizmo" else real_template(kind)
    )
    try:
        yield Gizmo
    finally:
        KINDS.unregister("Gizmo")
        fmt.key_order.cache_clear()
        fmt.is_date.cache_clear()


def invoke(*args: str) -> tuple[int, str]:
    result = cli.run(*list(args))
    assert "Traceback" not in result.output
    return result.exit_code, result.stdout + result.stderr


def test_a_kind_declared_by_its_class_alone_is_known_to_every_command(
    gizmo: type[Record], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert list(KINDS)[-1] == "Gizmo" and KINDS["Gizmo"] is gizmo
    (tmp_path / "itsm.toml").write_text('[review-intervals]\nGizmo = "P6M"\n')
    (tmp_path / "records").mkdir()
    monkeypatch.chdir(tmp_path)

    code, out = invoke("new", "gizmo", "GIZ-ONE", "--title", "The first gizmo",
                       "--set", "spec.purpose=Testing the kinds", "--no-input")
    assert code == 0, out
    assert out.splitlines()[0] == "Created records/gizmos/giz-one.yaml (Gizmo GIZ-ONE)."
    text = (tmp_path / "records" / "gizmos" / "giz-one.yaml").read_text()
    assert text.splitlines()[0] == (
        "# yaml-language-server: $schema=../../schemas/gizmo.schema.json"
    )
    spec = text[text.index("spec:\n"):].splitlines()
    assert spec == ["spec:", "  size: 3", "  purpose: Testing the kinds", "  since: 2026-09-01"]

    assert invoke("validate", "--today", "2026-11-23") == (
        0, "✔ 1 record in 1 file: no findings\n"
    )
    assert invoke("fmt", "--check")[0] == 0

    code, _ = invoke("schema", "export", "schemas")
    assert code == 0
    schema = json.loads((tmp_path / "schemas" / "gizmo.schema.json").read_text())
    assert schema["title"] == "itsm/v1 Gizmo"
    assert schema["description"] == (
        "A gizmo kept for the asset register (ISO/IEC 20000-1:2018 8.2.5), written for the "
        "test of the kind declarations."
    )
    assert schema["definitions"]["GizmoSpec"]["required"] == ["purpose", "since", "size"]

    code, out = invoke("clauses", "-f", "json")
    by_id = {c["id"]: c for c in json.loads(out)["clauses"]}
    assert by_id["8.2.5"]["kinds"] == ["Gizmo"]

    code, out = invoke("gap", "-f", "json", "--today", "2026-11-23")
    by_id = {c["id"]: c for c in json.loads(out)["clauses"]}
    assert (by_id["8.2.5"]["status"], by_id["8.2.5"]["evidence"]) == ("covered", ["GIZ-ONE"])
    # 8.2.4 is the Service kind's: without a Service record it is missing, and says so.
    assert by_id["8.2.4"]["status"] == "missing"

    # Reviewed every six months (the configured interval): overdue by 2027-04-02.
    code, out = invoke("check", "--today", "2027-04-02", "--select", "DOC002")
    assert (
        "records/gizmos/giz-one.yaml:11:3: DOC002 last reviewed 2026-10-01 + P6M (configured "
        "for Gizmo) = 2027-04-01" in out
    )


def test_a_kind_goes_where_its_class_says_in_init(gizmo: type[Record]) -> None:
    assert destination("records/Gizmo/giz-example.yaml") == "records/gizmos/giz-example.yaml"
    assert destination("records/SLA/sla-webshop.yaml") == "records/agreements/sla-webshop.yaml"
    assert destination("README.md") == "README.md"
    assert kinds_evidencing("8.2.5") == ("Gizmo",)
    assert kinds_evidencing("8.2.5", "2011") == ()


def test_a_kind_declared_half_way_fails_when_it_is_defined() -> None:
    with pytest.raises(TypeError, match="`kind` must be Literal\\['Widget'\\]"):

        class Widget(Record):
            """A widget."""

            KIND = "Widget"
            FOLDER = "widgets"
            kind: Literal["Gadget"]

    with pytest.raises(TypeError, match="needs a FOLDER and a docstring"):

        class Gadget(Record):
            KIND = "Gadget"
            FOLDER = "gadgets"
            kind: Literal["Gadget"]

    assert "Widget" not in KINDS and "Gadget" not in KINDS


# --- the sixteen kinds and their files --------------------------------------------------------


def _kind_of(text: str) -> str:
    found = re.search(r"^kind: (\w+)$", text, re.MULTILINE)
    assert found is not None
    return found.group(1)


def test_every_kind_has_its_template_its_example_and_its_schema() -> None:
    scaffold = files("itsm_cli.authoring").joinpath("scaffold")
    templates = {item.name: item for item in scaffold.joinpath("new").iterdir()}
    assert sorted(templates) == sorted(f"{kind.lower()}.yaml" for kind in KINDS)
    for kind in KINDS:
        assert _kind_of(templates[f"{kind.lower()}.yaml"].read_text(encoding="utf-8")) == kind

    # The init examples sit in a folder named after their kind, and land in its FOLDER.
    examples = scaffold.joinpath("init", "records")
    assert sorted(item.name for item in examples.iterdir()) == sorted(KINDS)
    for folder in examples.iterdir():
        for item in folder.iterdir():
            if item.name.endswith(".yaml.tmpl"):
                assert _kind_of(item.read_text(encoding="utf-8")) == folder.name, item.name
    written = scaffold_files(dt.date(2026, 12, 2))
    records = [name for name in written if name.startswith("records/")]
    for name in records:
        if name.endswith(".yaml"):
            kind = yaml.safe_load(written[name])["kind"]
            assert name.split("/")[1] == KINDS[kind].FOLDER, name
    assert {name.split("/")[1] for name in records} == {cls.FOLDER for cls in KINDS.values()}

    schemas = sorted(path.name for path in (ROOT / "schemas").glob("*.schema.json"))
    assert schemas == sorted(file_name(kind) for kind in KINDS)
    for kind, cls in KINDS.items():
        assert kind == cls.KIND and cls.FOLDER and cls.DESCRIPTION, kind


def test_the_readme_table_of_kinds_lists_every_kind_in_order() -> None:
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| `Service` |"))
    table = []
    for line in lines[start:]:
        if not line.startswith("| `"):
            break
        table.append(line.split("`")[1])
    assert table == list(KINDS)


def test_the_doc002_explanation_names_the_kinds_under_review() -> None:
    rationale = " ".join(all_rules()["DOC002"].rationale.split())
    sentence = rationale[rationale.index("Only documents are checked:") :].split(".")[0]
    named = set(re.findall(r"\w+", sentence)) & set(KINDS)
    assert named == {kind for kind, cls in KINDS.items() if cls.REVIEWED} | {"Evidence"}


# --- no second table --------------------------------------------------------------------------


def _docstrings(tree: ast.AST) -> set[int]:
    """ids of the string constants that are docstrings (prose, not tables)."""
    found: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list):
            for first, after in zip([None, *body], body, strict=False):
                if (
                    isinstance(after, ast.Expr)
                    and isinstance(after.value, ast.Constant)
                    and isinstance(after.value.value, str)
                    and (first is None or isinstance(first, (ast.Assign, ast.AnnAssign)))
                ):
                    found.add(id(after.value))
    return found


def test_no_module_but_the_models_holds_a_table_of_the_kinds() -> None:
    kinds = set(KINDS)
    tables: list[str] = []
    for path in sorted(SRC.rglob("*.py")):
        if path == SRC / "records" / "models.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        prose = _docstrings(tree)
        for node in ast.walk(tree):
            where = f"{path.relative_to(SRC)}:{getattr(node, 'lineno', 0)}"
            items: list[ast.expr | None] = []
            if isinstance(node, ast.Dict):
                items = list(node.keys)
            elif isinstance(node, (ast.Set, ast.List, ast.Tuple)):
                items = list(node.elts)
            named = {i.value for i in items if isinstance(i, ast.Constant) and i.value in kinds}
            if len(named) >= 3:
                tables.append(f"{where}: {sorted(named)}")
            if (
                isinstance(node, ast.keyword)
                and node.arg == "folder"
                and isinstance(node.value, ast.Constant)
            ):
                tables.append(f"{where}: a kind's folder named again")
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in prose
                and len(set(re.findall(r"\w+", node.value)) & kinds) >= 4
            ):
                tables.append(f"{where}: a text listing kinds")
    for path in sorted(SRC.rglob("*.yaml")):
        if re.search(r"^\s*kinds:", path.read_text(encoding="utf-8"), re.MULTILINE):
            tables.append(f"{path.relative_to(SRC)}: `kinds:`")
    assert tables == []


def test_field_descriptions_are_the_attribute_docstrings_pydantic_would_find() -> None:
    """The models read their attribute docstrings with a line scan (start-up time); it finds
    exactly what pydantic's own `use_attribute_docstrings` parse finds."""
    import inspect

    from pydantic._internal._docs_extraction import extract_docstrings_from_cls

    from itsm_cli.records import models
    from itsm_cli.records.docstrings import attribute_docstrings
    from itsm_cli.records.fields import RecordModel

    modules = [models, *(sys.modules[cls.__module__] for cls in KINDS.values())]
    classes = [
        cls
        for module in dict.fromkeys(modules)
        for cls in vars(module).values()
        if inspect.isclass(cls)
        and issubclass(cls, RecordModel)
        and cls.__module__ == module.__name__
    ]
    assert len(classes) > 50
    for cls in classes:
        assert attribute_docstrings(cls) == extract_docstrings_from_cls(cls, use_inspect=True)
    assert models.Target.model_fields["objective"].description == "The number to meet, in `unit`."


def test_settings_docstrings_are_what_pydantic_would_find_and_init_writes_them() -> None:
    """The settings models of `itsm.toml` are read by the same line scan; `itsm init` writes
    each top-level setting's docstring above it."""
    import inspect

    from pydantic._internal._docs_extraction import extract_docstrings_from_cls

    from itsm_cli import config
    from itsm_cli.authoring.init import config_text
    from itsm_cli.records.docstrings import attribute_docstrings

    classes = [
        cls
        for cls in vars(config).values()
        if inspect.isclass(cls)
        and issubclass(cls, config.SettingsModel)
        and cls is not config.SettingsModel
    ]
    assert len(classes) >= 11
    for cls in classes:
        assert attribute_docstrings(cls) == extract_docstrings_from_cls(cls, use_inspect=True)
    text = config_text()
    for name, docstring in attribute_docstrings(config.Config).items():
        key = config.Config.model_fields[name].alias or name
        commented = "\n".join(f"# {line}" for line in docstring.splitlines())
        assert f"{commented}\n# {key} = " in text
    assert "# Lowest unwaived severity that makes `check` exit 1.\n# fail-on = " in text


def test_the_schemas_readme_lists_every_schema_file() -> None:
    text = (ROOT / "schemas" / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `([a-z]+\.schema\.json)` \| (\w+) \|$", text, re.MULTILINE)
    assert rows == [(file_name(kind), kind) for kind in KINDS]


def test_every_kind_module_is_where_kind_modules_says() -> None:
    """A kind added to `records/kinds/` but not to `KIND_MODULES` would never be imported,
    so never known: every module there defines exactly the kinds the table places in it."""
    import importlib
    import pkgutil

    from itsm_cli.records import kinds
    from itsm_cli.records.models import KIND_MODULES

    defined: dict[str, str] = {}
    for info in pkgutil.iter_modules(kinds.__path__):
        module = importlib.import_module(f"{kinds.__name__}.{info.name}")
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, Record)
                and value.__module__ == module.__name__
                and value.KIND
            ):
                defined[value.KIND] = info.name
    assert defined == KIND_MODULES
    assert list(KINDS)[: len(KIND_MODULES)] == list(KIND_MODULES)
    assert all(KINDS[kind].__module__.endswith(f".{name}") for kind, name in defined.items())
