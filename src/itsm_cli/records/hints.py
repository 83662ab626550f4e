"""The fix hints of E003–E005 that have one fixed text. The loader and the index emit these
codes, below the rules layer, so the text lives here: `rules/records.py` declares the codes
with these same strings, and a finding cannot say something other than `itsm explain`."""

from __future__ import annotations

from itsm_cli.records.models import API_VERSION, KINDS

DUPLICATE_ID = "Give one of the two records another id."
"""E003."""

MISSING_REFERENCE = "Correct the id, or add the missing record."
"""E004, for a reference that names no record (its other cases name what is expected)."""

UNKNOWN_KIND = (
    f"Use `apiVersion: {API_VERSION}` and one of the kinds {', '.join(KINDS)} "
    "(see the README, section Records)."
)
"""E005, for an unknown apiVersion and an unknown kind alike."""
