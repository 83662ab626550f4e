"""Imports every rule module once, so the registry holds every rule.

Add a new process-area module here; the registry refuses duplicate codes at import.
"""

from itsm_cli.rules import (  # noqa: F401
    audits,
    budgets,
    capacity,
    catalogue,
    continuity,
    customers,
    documents,
    drift,
    event_dates,
    management_reviews,
    nonconformities,
    operations,
    records,
    reporting,
    risks,
    service_level,
    suppliers,
    waivers,
)
