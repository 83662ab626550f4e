"""Formatters: one module per output format, chosen by name from a registry.

A formatter turns a result of the core into text; it never decides exit codes and never
prints. Modules are imported when their format is asked for, so `--format json` never pays
for rich.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class RenderOptions:
    color: bool = False
    width: int = 100
    quiet: bool = False


Formatter = Callable[[Any, RenderOptions], str]

# format name -> module under itsm_cli.output; each module defines `render_findings`
FINDINGS_FORMATS: dict[str, str] = {
    "text": "text",
    "json": "json",
    "sarif": "sarif",
    "github": "github",
    "gitlab": "gitlab",
    "junit": "junit",
    "markdown": "markdown",
}


def findings_formatter(name: str) -> Formatter:
    module = importlib.import_module(f"itsm_cli.output.{FINDINGS_FORMATS[name]}")
    formatter: Formatter = module.render_findings
    return formatter


# format name -> module under itsm_cli.output; each module defines `render_gap`
GAP_FORMATS: dict[str, str] = {
    "text": "gap_text",
    "json": "gap_json",
}


def gap_formatter(name: str) -> Formatter:
    module = importlib.import_module(f"itsm_cli.output.{GAP_FORMATS[name]}")
    formatter: Formatter = module.render_gap
    return formatter


# format name -> module; each module defines `render_due` (ics is another tool's format)
DUE_FORMATS: dict[str, str] = {
    "text": "itsm_cli.output.due_text",
    "json": "itsm_cli.output.due_json",
    "markdown": "itsm_cli.output.due_markdown",
    "ics": "itsm_cli.interop.ics",
}


def due_formatter(name: str) -> Formatter:
    module = importlib.import_module(DUE_FORMATS[name])
    formatter: Formatter = module.render_due
    return formatter
