"""The compliance rules: one module per process area, each declaring its rules with
`@rule(...)` (see `registry`). This face of the package lists the rule modules, once.

A new process area is a module in this package plus its name in the import list of
`all_rules`; the registry refuses a code declared twice. The modules are imported on first use,
not when the package is, so `itsm --version` and `itsm validate` do not pay for them.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from itsm_cli.rules.registry import REGISTRY, Rule, sorted_rules

if TYPE_CHECKING:
    from itsm_cli.config import Config

def all_rules() -> dict[str, Rule]:
    """Every rule, in code order. The first call imports the rule modules, which register
    their rules: this import list is the one list of them."""
    from itsm_cli.rules import (  # noqa: F401
        audits,
        budgets,
        capacity,
        continuity,
        customers,
        documents,
        drift,
        event_dates,
        management_reviews,
        nonconformities,
        operations,
        record_codes,
        risks,
        service_catalogue,
        service_level,
        service_reporting,
        suppliers,
        waivers,
    )

    return sorted_rules()


def effective_rules(config: Config) -> dict[str, Rule]:
    """Every rule with the severity the configuration gives it (its default otherwise)."""
    return {
        code: replace(entry, severity=config.severity[code]) if code in config.severity else entry
        for code, entry in all_rules().items()
    }


__all__ = ["REGISTRY", "Rule", "all_rules", "effective_rules"]
