"""Service level objectives of OpenSLO, sloth and pyrra → agreement targets.

Each SLO becomes one target (`id` from the SLO's name):

* the objective in percent: OpenSLO `target` (a ratio, 0–1) × 100 or `targetPercent`; sloth
  `objective` (percent); pyrra `target` (percent, written as a string);
* the window: OpenSLO `1M`/`1Q`/`1Y` calendar windows → calendar-month/quarter/year, a rolling
  `30d` → rolling-30d; sloth's period is a rolling 30 days; pyrra's `window` `30d` →
  rolling-30d. Any other window (7d, 28d, 2w, a rolling month) has no itsm equivalent: it is
  reported and the target's window is left for a person to fill in (never rounded);
* the metric: `availability` only where the SLO says it is one (its name or description
  speaks of availability, uptime, errors or success); other ratios are `other` — an
  availability target feeds SLM004's ceiling and CON005's downtime budget, so a latency ratio
  must not pass for one;
* a latency SLO ("99 % of requests under 500 ms": an OpenSLO threshold objective or
  thresholdMetric SLI, a pyrra latency indicator) needs a share-of-items target, which an
  itsm target expresses only per incident: it is reported, with its figures, and kept as a
  comment for a person to decide.

Input that breaks its own format (an OpenSLO SLO with two time windows, a ratio above 1, a
percentage over 100, a pyrra target that is no number) is an error naming the file and line;
nothing is written then.
"""

from __future__ import annotations

import re
from collections.abc import Container, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from itsm_cli.findings import figure
from itsm_cli.interop.record_files import PlannedRecord
from itsm_cli.interop.source_files import SourceError, Where, located_objects, yaml_files

WINDOW_PLACEHOLDER = "<fill in: calendar-month | calendar-quarter | calendar-year | rolling-30d>"
_AVAILABILITY_WORDS = re.compile(r"availab|uptime|error|success", re.IGNORECASE)

OPENSLO_VERSIONS = ("openslo/v1", "openslo/v1alpha")
PYRRA_VERSION = "pyrra.dev/v1alpha1"


class SloError(SourceError):
    """A file that breaks its own format; the message names the file and line."""


@dataclass
class Objective:
    """One SLO, as an agreement target to be."""

    source: str
    """`openslo`, `sloth` or `pyrra`."""
    service: str
    """The service the SLO is about, as the source tool names it."""
    name: str
    target_id: str
    objective: float | None
    """Percent; None when the SLO cannot become a target (a latency SLO)."""
    metric: str
    window: str | None
    """An itsm window, or None when the source's window has none."""
    file: str
    line: int
    description: str | None = None
    notes: list[str] = field(default_factory=list)

    def target(self) -> dict[str, Any] | None:
        if self.objective is None:
            return None
        return {
            "id": self.target_id,
            "metric": self.metric,
            "objective": self.objective,
            "comparator": ">=",
            "unit": "percent",
            "window": self.window or WINDOW_PLACEHOLDER,
        }


@dataclass
class SloFile:
    objectives: list[Objective] = field(default_factory=list)
    titles: dict[str, str] = field(default_factory=dict)
    """Service name → display name (OpenSLO Service objects)."""
    notes: list[str] = field(default_factory=list)


def target_id(name: str) -> str:
    text = re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-._")
    return text or "objective"


def _percent(value: float) -> float:
    """A percentage as written (99.9; 99 for 99.0), every digit kept: never rounded."""
    return int(value) if value == int(value) and abs(value) < 1e15 else value


def _ratio_percent(ratio: float) -> float:
    """A ratio (0.999) in percent as a person writes it, 99.9: the decimal point moved, so
    neither float noise (99.90000000000001) nor a rounding to hide it."""
    return float(Decimal(repr(ratio)) * 100)


def _number(value: Any, where: Where, what: str) -> float:
    if isinstance(value, bool) or value is None:
        raise SloError(f"{where}: {what} must be a number, not {value!r}")
    try:
        return float(value)
    except (TypeError, ValueError) as exc:
        raise SloError(f"{where}: {what} must be a number, not {value!r}") from exc


def _metric(name: str, description: str | None) -> tuple[str, list[str]]:
    if _AVAILABILITY_WORDS.search(f"{name} {description or ''}"):
        return "availability", []
    return "other", [
        "metric: the SLO does not say that it measures availability; taken as `other`"
    ]


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


# --- OpenSLO --------------------------------------------------------------------------------

_OPENSLO_CALENDAR = {"1M": "calendar-month", "1Q": "calendar-quarter", "1Y": "calendar-year"}
_V1ALPHA_UNITS = {"month": "M", "quarter": "Q", "year": "Y", "day": "d", "week": "w"}


def _openslo_window(spec: dict[str, Any], where: Where, v1alpha: bool) -> tuple[str | None, str]:
    key = "timeWindows" if v1alpha else "timeWindow"
    windows = spec.get(key)
    if windows is None and not v1alpha:
        windows = spec.get("timeWindows")
        key = "timeWindows" if windows is not None else key
    if not isinstance(windows, list) or not windows:
        raise SloError(f"{where.at('spec', key)}: an SLO needs one {key} entry")
    if len(windows) > 1:
        raise SloError(
            f"{where.at('spec', key, 1)}: an SLO has exactly one time window; this one has "
            f"{len(windows)}"
        )
    window = _dict(windows[0])
    rolling = window.get("isRolling") is True
    if v1alpha:
        unit = _V1ALPHA_UNITS.get(str(window.get("unit", "")).lower(), "?")
        duration = f"{window.get('count', '?')}{unit}"
    else:
        duration = str(window.get("duration", "")).strip()
    shown = f"{'rolling' if rolling else 'calendar'} {duration}"
    if not rolling and duration in _OPENSLO_CALENDAR:
        return _OPENSLO_CALENDAR[duration], shown
    if rolling and duration == "30d":
        return "rolling-30d", shown
    return None, shown


def _openslo_objective(
    item: dict[str, Any], where: Where
) -> tuple[float | None, bool]:
    """(percent, is a threshold objective) of one OpenSLO objective (`where`: the objective)."""
    if "targetPercent" in item:
        at = where.at("targetPercent")
        percent = _number(item["targetPercent"], at, "targetPercent")
        if not 0 <= percent <= 100:
            raise SloError(f"{at}: targetPercent {figure(percent)} is not between 0 and 100")
        if "target" in item:
            ratio = _number(item["target"], where.at("target"), "target")
            if _ratio_percent(ratio) != percent:
                raise SloError(
                    f"{where.at('target')}: target {figure(ratio)} and targetPercent "
                    f"{figure(percent)} disagree; give one of them"
                )
    elif "target" in item:
        at = where.at("target")
        ratio = _number(item["target"], at, "target")
        if not 0 <= ratio <= 1:
            raise SloError(
                f"{at}: target {figure(ratio)} is a ratio between 0 and 1 (write targetPercent "
                "for a percentage)"
            )
        percent = _ratio_percent(ratio)
    else:
        raise SloError(f"{where}: an objective needs a target or a targetPercent")
    return _percent(percent), "value" in item or "op" in item


def _read_openslo(items: list[tuple[dict[str, Any], Where]], result: SloFile) -> None:
    slis: dict[str, dict[str, Any]] = {}
    for item, _where in items:
        if item.get("kind") == "SLI":
            slis[str(_dict(item.get("metadata")).get("name"))] = _dict(item.get("spec"))
        elif item.get("kind") == "Service":
            meta = _dict(item.get("metadata"))
            name = str(meta.get("name", ""))
            title = meta.get("displayName") or _dict(item.get("spec")).get("description")
            if name and isinstance(title, str):
                result.titles[name] = title
    for item, where in items:
        if item.get("kind") != "SLO":
            continue
        v1alpha = str(item.get("apiVersion")) == "openslo/v1alpha"
        meta = _dict(item.get("metadata"))
        spec = _dict(item.get("spec"))
        name = str(meta.get("name") or "")
        if not name:
            raise SloError(f"{where}: the SLO has no metadata.name")
        service = str(spec.get("service") or "")
        if not service:
            raise SloError(f"{where}: SLO {name} names no spec.service")
        window, shown_window = _openslo_window(spec, where, v1alpha)
        objectives = spec.get("objectives")
        if not isinstance(objectives, list) or not objectives:
            raise SloError(f"{where.at('spec', 'objectives')}: SLO {name} has no objectives")
        sli = _dict(spec.get("indicator")).get("spec") or slis.get(str(spec.get("indicatorRef")))
        threshold_sli = isinstance(sli, dict) and "thresholdMetric" in sli
        description = spec.get("description") if isinstance(spec.get("description"), str) else None
        for i, raw in enumerate(objectives):
            obj = _dict(raw)
            percent, threshold = _openslo_objective(obj, where.at("spec", "objectives", i))
            label = obj.get("displayName") or obj.get("name")
            full = name if len(objectives) == 1 else f"{name}-{label or i + 1}"
            _add(result, "openslo", service, full, percent, threshold or threshold_sli,
                 window, shown_window, where, description,
                 f"{obj.get('op', 'lte')} {obj.get('value')}" if "value" in obj else "")


def _add(
    result: SloFile, source: str, service: str, name: str, percent: float | None,
    latency: bool, window: str | None, shown_window: str, where: Where,
    description: str | None, threshold: str = "",
) -> None:
    file, _, line = where.rpartition(":")
    notes: list[str] = []
    metric, why = _metric(name, description)
    if latency:
        notes.append(
            f"SLO {name}: {'?' if percent is None else figure(percent)} % of events within a "
            "threshold "
            f"({threshold or 'latency'}) over {shown_window}: a share-of-items target, which "
            "an itsm target holds only per incident; not written as a target, for a person to "
            "decide"
        )
        percent = None
    else:
        notes.extend(f"SLO {name}: {n}" for n in why)
        if window is None:
            notes.append(
                f"SLO {name}: window {shown_window} has no itsm equivalent; the target's window "
                "is left for a person to decide"
            )
    result.objectives.append(
        Objective(
            source=source, service=service, name=name, target_id=target_id(name),
            objective=percent, metric=metric, window=window, file=file,
            line=int(line) if line.isdigit() else 1, description=description, notes=notes,
        )
    )


# --- sloth and pyrra ---------------------------------------------------------------------------


def _read_sloth(item: dict[str, Any], where: Where, result: SloFile) -> None:
    crd = item.get("kind") == "PrometheusServiceLevel"
    spec = _dict(item.get("spec")) if crd else item
    inside: tuple[str, ...] = ("spec",) if crd else ()
    service = str(spec.get("service") or "")
    if not service:
        raise SloError(f"{where}: a sloth spec names its service (`service:`)")
    slos = spec.get("slos")
    if not isinstance(slos, list) or not slos:
        raise SloError(f"{where}: a sloth spec lists its SLOs under `slos:`")
    for i, raw in enumerate(slos):
        slo = _dict(raw)
        name = str(slo.get("name") or "")
        if not name:
            raise SloError(f"{where.at(*inside, 'slos', i)}: every sloth SLO has a name")
        at = where.at(*inside, "slos", i, "objective")
        percent = _number(slo.get("objective"), at, f"SLO {name} objective")
        if not 0 <= percent <= 100:
            raise SloError(f"{at}: SLO {name} objective {figure(percent)} is not a percentage")
        description = slo.get("description") if isinstance(slo.get("description"), str) else None
        _add(result, "sloth", service, name, _percent(percent), False, "rolling-30d",
             "rolling 30d", where, description)


def _read_pyrra(item: dict[str, Any], where: Where, result: SloFile) -> None:
    meta = _dict(item.get("metadata"))
    spec = _dict(item.get("spec"))
    name = str(meta.get("name") or "")
    if not name:
        raise SloError(f"{where}: the ServiceLevelObjective has no metadata.name")
    labels = _dict(meta.get("labels"))
    service = str(labels.get("service") or labels.get("app") or meta.get("namespace") or "")
    named_by_slo = not service
    service = service or name
    at = where.at("spec", "target")
    try:
        percent = float(str(spec.get("target", "")).strip())
    except ValueError as exc:
        raise SloError(
            f"{at}: SLO {name} target {spec.get('target')!r} is not a number (pyrra writes "
            'it as a string of a percentage, e.g. "99.5")'
        ) from exc
    if not 0 <= percent <= 100:
        raise SloError(f"{at}: SLO {name} target {figure(percent)} is not a percentage")
    raw_window = str(spec.get("window", "")).strip()
    window = "rolling-30d" if raw_window == "30d" else None
    indicator = _dict(spec.get("indicator"))
    latency = "latency" in indicator or "latencyNative" in indicator
    description = spec.get("description") if isinstance(spec.get("description"), str) else None
    _add(result, "pyrra", service, name, _percent(percent), latency, window,
         f"rolling {raw_window or '(none)'}", where, description, "latency indicator")
    if named_by_slo:
        result.objectives[-1].notes.append(
            f"SLO {name}: no `service` or `app` label and no namespace name its service; the "
            f"SLO's own name {name!r} is taken as the service"
        )


# --- reading ---------------------------------------------------------------------------------


FORMATS = ("openslo", "sloth", "pyrra")


def read_slos(fmt: str, paths: Sequence[Path], shown: dict[Path, str]) -> SloFile:
    result = SloFile()
    items: list[tuple[dict[str, Any], Where]] = []
    for path in yaml_files(paths):
        for item, where in located_objects(path, shown.get(path, str(path))):
            if not isinstance(item, dict):
                result.notes.append(f"{where}: not an object; skipped")
                continue
            items.append((item, where))
    for item, where in items:
        api = str(item.get("apiVersion") or item.get("version") or "")
        if fmt == "openslo":
            if api not in OPENSLO_VERSIONS:
                result.notes.append(f"{where}: apiVersion {api!r} is not OpenSLO; skipped")
            elif item.get("kind") not in ("SLO", "SLI", "Service"):
                result.notes.append(f"{where}: OpenSLO {item.get('kind')} is not mapped")
        elif fmt == "sloth":
            if api == "prometheus/v1" or (
                api.startswith("sloth.slok.dev/") and item.get("kind") == "PrometheusServiceLevel"
            ):
                _read_sloth(item, where, result)
            else:
                result.notes.append(f"{where}: not a sloth prometheus/v1 spec; skipped")
        elif api == PYRRA_VERSION and item.get("kind") == "ServiceLevelObjective":
            _read_pyrra(item, where, result)
        elif api.startswith("pyrra.dev/") and item.get("kind") == "ServiceLevelObjective":
            result.notes.append(
                f"{where}: apiVersion {api!r} is not one this import knows ({PYRRA_VERSION}); "
                "skipped"
            )
        else:
            result.notes.append(f"{where}: not a pyrra ServiceLevelObjective; skipped")
    if fmt == "openslo":
        _read_openslo(
            [(i, w) for i, w in items if str(i.get("apiVersion", "")) in OPENSLO_VERSIONS],
            result,
        )
    return result


# --- agreements ---------------------------------------------------------------------------------

_FILL = "<fill in: {}>"


def _record_word(name: str) -> str:
    return re.sub(r"[^A-Z0-9]+", "-", name.upper()).strip("-") or "UNNAMED"


def plan_agreements(
    slos: SloFile, fmt: str, agreement: tuple[str, str] | None = None,
    known_ids: Container[str] | None = None,
) -> tuple[list[PlannedRecord], list[str]]:
    """The agreements to write: one draft SLA per service (`SLA-<SERVICE>`, covering
    `SVC-<SERVICE>`), or every target into `agreement` ((kind, id)) when given. Also what is
    left out: services none of whose SLOs could become a target. `known_ids`: the record ids
    of the repository, so that a draft SLA covering a Service not there yet says so."""
    by_service: dict[str, list[Objective]] = {}
    for objective in slos.objectives:
        by_service.setdefault(objective.service, []).append(objective)
    plans: list[PlannedRecord] = []
    skipped: list[str] = []
    groups = (
        [(agreement[1], [o for group in by_service.values() for o in group])]
        if agreement is not None
        else [(f"SLA-{_record_word(s)}", group) for s, group in sorted(by_service.items())]
    )
    for record_id, group in groups:
        targets = [t for t in (o.target() for o in group) if t is not None]
        notes = [n for o in group for n in o.notes]
        services = sorted({o.service for o in group})
        if agreement is not None:
            # A window to decide would be a placeholder in an agreement that validates
            # today (most often approved): its checks would stop, and so would the next
            # import into it. Such a target is left to a person, with a note.
            undecided = [t for t in targets if t.get("window") == WINDOW_PLACEHOLDER]
            notes += [
                f"target {t['id']}: not added to {record_id}, whose window is yours to "
                f"choose: add a target {t['id']} with it, and later imports keep its "
                "objective up to date"
                for t in undecided
            ]
            plans.append(
                PlannedRecord(
                    kind=agreement[0], id=record_id,
                    source=f"{fmt}:{','.join(services)}", data={}, owned=(), notes=notes,
                    targets=[t for t in targets if t not in undecided], adopt=True,
                    undecided_targets=undecided,
                )
            )
            continue
        service = services[0]
        service_id = f"SVC-{_record_word(service)}"
        if known_ids is not None and service_id not in known_ids:
            notes = [*notes, f"services: {service_id} is not a Service in the records yet: add "
                     "it (`itsm import backstage` maps a catalogue) or correct the id"]
        if not targets:
            skipped.append(
                f"{service}: none of its SLOs could become a target; no SLA written"
            )
            continue
        plans.append(
            PlannedRecord(
                kind="SLA",
                id=record_id,
                source=f"{fmt}:{service}",
                data={
                    "apiVersion": "itsm/v1",
                    "kind": "SLA",
                    "metadata": {
                        "id": record_id,
                        "title": slos.titles.get(service, f"Service levels of {service}"),
                        "owner": _FILL.format("accountable person or role"),
                        "status": "draft",
                        "labels": {"source": f"{fmt}:{service}"},
                    },
                    "spec": {
                        "customer": _FILL.format("the customer this agreement is with"),
                        "services": [service_id],
                        "validFrom": _FILL.format("first day, YYYY-MM-DD"),
                        "validUntil": _FILL.format("last day, YYYY-MM-DD"),
                        "targets": targets,
                    },
                },
                owned=(("metadata", "labels", "source"),),
                notes=notes,
                taken_hint=f"`itsm import {fmt} … --agreement {record_id}` adds these "
                "targets to it",
                header=f"Imported from {fmt} SLOs of {service} by `itsm import {fmt}`; a draft: "
                "fill in the customer, the validity and the owner, then approve it.",
                targets=targets,
            )
        )
    return plans, skipped
