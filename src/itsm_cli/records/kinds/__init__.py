"""The record kinds of itsm/v1, one module per kind (SLA and OLA share one): each kind's spec,
the models inside it and its record class. `KINDS` in `itsm_cli.records.models` imports a
kind's module the first time its class is asked for, so a run defines only the models of the
kinds it meets."""
