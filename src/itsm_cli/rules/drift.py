"""DRF001–DRF004: where the Backstage catalogue and the records disagree. `itsm import
backstage --drift` reports them (they need the catalogue's files, so `itsm check` does not
run them); they are registered here so `itsm rules` and `itsm explain` describe them."""

from __future__ import annotations

from itsm_cli.findings import Severity
from itsm_cli.rules.registry import Rule, register

_CATALOGUE = ("8.2.4",)

register(
    Rule(
        "DRF001", Severity.ERROR, _CATALOGUE,
        "A catalogue entity in production has no Service record.",
        "The service catalogue (8.2.4) must hold every service the provider delivers; a "
        "component running in production that no Service records is outside the SMS: no SLA, "
        "no capacity or continuity planning, no supplier cover is checked for it.",
        "Run `itsm import backstage` on the catalogue file to write a draft Service, or add "
        "`labels: {source: <entity ref>}` to the Service that records it.",
        failing="# catalog-info.yaml\nkind: Component\nmetadata: {name: pay-api}\n"
        "spec: {lifecycle: production}\n# and no Service SVC-PAY-API",
        passing="kind: Service\nmetadata:\n  id: SVC-PAY-API\n"
        "  labels: {source: component:default/pay-api}",
    )
)
register(
    Rule(
        "DRF002", Severity.WARNING, ("8.2.4", "8.3.3"),
        "A catalogue entity in production has a Service that no SLA covers.",
        "A service in production without an agreement has no agreed level to be measured "
        "against (8.3.3).",
        "Agree an SLA for the service (or an OLA where an internal team consumes it).",
        failing="# catalog-info.yaml: component pay-api, lifecycle production\n"
        "kind: Service\nmetadata: {id: SVC-PAY-API}\n# and no SLA names SVC-PAY-API",
        passing="kind: SLA\nspec:\n  services: [SVC-PAY-API]",
    )
)
register(
    Rule(
        "DRF003", Severity.WARNING, _CATALOGUE,
        "A Service record has no entity in the catalogue files read.",
        "A Service the engineering catalogue does not know is either retired in practice, or "
        "runs without the ownership and dependency data the catalogue holds.",
        "Retire the Service if it is no longer delivered, or add it to the catalogue (and "
        "`labels: {source: <entity ref>}` to the record).",
        failing="kind: Service\nmetadata: {id: SVC-ORPHAN}   # no entity in the catalogue",
        passing="kind: Service\nmetadata:\n  id: SVC-ORPHAN\n  status: retired",
    )
)
register(
    Rule(
        "DRF004", Severity.WARNING, _CATALOGUE,
        "A Service's dependsOn differs from its catalogue entity's dependencies.",
        "SLM004 and CON005 compute what a service can promise from its dependencies; when "
        "the records and the catalogue disagree, one of them misstates the service.",
        "Run `itsm import backstage` again to take the catalogue's dependencies, or correct "
        "the catalogue.",
        failing="# catalogue: pay-api dependsOn [resource:pay-db]\n"
        "kind: Service\nmetadata: {id: SVC-PAY-API}\nspec:\n  dependsOn: [SVC-LEGACY-DB]",
        passing="kind: Service\nmetadata: {id: SVC-PAY-API}\nspec:\n  dependsOn: [SVC-PAY-DB]",
    )
)
