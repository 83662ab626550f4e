"""Attribute docstrings as field descriptions, found by a line scan of the module's source.

Pydantic's `use_attribute_docstrings` parses the whole module once per class; for the record
and settings models that was more than half of defining them, which every command pays at
start-up. The models' base classes call `describe_fields` instead."""

from __future__ import annotations

import ast
import inspect
import re
import sys
from functools import cache
from typing import Any

_CLASS = re.compile(r"class ([A-Za-z_]\w*)")
_FIELD = re.compile(r"    ([A-Za-z_]\w*)\s*:(?!=)")
_STRING_START = re.compile(r"    [rRuU]?(\"\"\"|\'\'\'|\"|\')")


def _module_docstrings(lines: list[str]) -> dict[str, dict[str, str]] | None:
    """Class name → {attribute: docstring} for the classes at the top level of a module
    written in this package's style (4-space indents, a docstring right under its annotated
    attribute); None when two classes share a name. A line scan: parsing the module as
    pydantic's `use_attribute_docstrings` does, class by class, cost more than half of
    defining the models, which every command pays at start-up."""
    classes: dict[str, dict[str, str]] = {}
    body: dict[str, str] | None = None
    pending: str | None = None
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line.startswith(" "):
            found = _CLASS.match(line)
            if found and found.group(1) in classes:
                return None
            body = classes.setdefault(found.group(1), {}) if found else None
            pending = None
            continue
        if body is None:
            continue
        if not line.startswith("    ") or line.startswith("     "):
            continue  # the rest of a statement, or the body of a method
        string = _STRING_START.match(line)
        if string:
            quote = string.group(1)
            text = line.strip()
            start = text.index(quote) + len(quote)
            while quote not in text[start:] and index < len(lines):
                text += "\n" + lines[index]
                index += 1
            if pending is not None:
                body[pending] = inspect.cleandoc(_string_value(text, quote))
            pending = None
            continue
        if line[4] in ")]}":
            continue  # the closing bracket of an annotation that spans lines
        field = _FIELD.match(line)
        pending = field.group(1) if field else None
    return classes


def _string_value(text: str, quote: str) -> str:
    """The value of a string literal; read as written when it holds no escapes (compiling
    each of some 250 docstrings would cost more than the rest of the scan)."""
    if text.startswith(quote) and text.endswith(quote) and "\\" not in text:
        return text[len(quote) : -len(quote)]
    value = ast.literal_eval(text)
    return value if isinstance(value, str) else str(value)


@cache
def _docstrings_of(path: str) -> dict[str, dict[str, str]] | None:
    try:
        with open(path, encoding="utf-8") as handle:
            return _module_docstrings(handle.read().splitlines())
    except (OSError, UnicodeDecodeError, ValueError, SyntaxError):
        return None


def attribute_docstrings(cls: type) -> dict[str, str]:
    """The docstrings under the annotated attributes of `cls`, as pydantic's
    `use_attribute_docstrings` finds them; a class that is not at the top level of its
    module (one defined in a function) is left to pydantic's own search."""
    module = sys.modules.get(cls.__module__)
    path = getattr(module, "__file__", None)
    if path is not None and cls.__qualname__ == cls.__name__:
        classes = _docstrings_of(path)
        if classes is not None and cls.__name__ in classes:
            return classes[cls.__name__]
    from pydantic._internal._docs_extraction import extract_docstrings_from_cls

    return extract_docstrings_from_cls(cls, use_inspect=True)


def describe_fields(cls: Any) -> None:
    """Give each pydantic field of `cls` without a description its attribute docstring;
    called from `__pydantic_init_subclass__`, before a deferred schema is built."""
    docs = attribute_docstrings(cls)
    for name, info in cls.__pydantic_fields__.items():
        if info.description is None and name in docs:
            info.description = docs[name]
