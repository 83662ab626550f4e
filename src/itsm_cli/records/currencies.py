"""ISO 4217 currency codes, from the list kept as package data (`currencies.txt`)."""

from __future__ import annotations

from functools import cache
from importlib import resources


@cache
def currency_codes() -> frozenset[str]:
    text = resources.files("itsm_cli.records").joinpath("currencies.txt").read_text("utf-8")
    return frozenset(
        code
        for line in text.splitlines()
        if not line.startswith("#")
        for code in line.split()
    )


def is_currency(code: str) -> bool:
    return code in currency_codes()
