"""Imports every rule module once, so the registry holds every rule.

Add a new process-area module here; the registry refuses duplicate codes at import.
"""

from itsm_cli.rules import (  # noqa: F401
    budgets,
    capacity,
    catalogue,
    continuity,
    customers,
    documents,
    drift,
    event_dates,
    operations,
    records,
    reporting,
    service_level,
    suppliers,
    waivers,
)
