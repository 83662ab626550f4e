"""E001–E006 in the registry, so `itsm rules`, `itsm explain` and SARIF describe every code.
They are declared in `records/codes.py`, below this layer, because the loader and the index
build their findings from them; they have no check function here."""

from __future__ import annotations

from itsm_cli.records.codes import RECORD_CODES
from itsm_cli.rules.registry import Rule, register

for _code in RECORD_CODES.values():
    register(
        Rule(
            _code.code,
            _code.severity,
            _code.clauses,
            _code.summary,
            _code.rationale,
            _code.hint,
            failing=_code.failing,
            passing=_code.passing,
        )
    )
