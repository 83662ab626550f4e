"""Generate a records repository of N valid itsm/v1 records, for benchmarks and tests.

    python benchmarks/generate.py 10000 ../sms-bench [--seed 7] [--one-per-file] [--force]

writes `../sms-bench/itsm.toml` and `../sms-bench/records/` laid out like DESIGN §2 (`services/`,
`agreements/`, `suppliers/`, `capacity/`, `continuity/`, `evidence/`, `measurements/`,
`waivers/`, `operations/`, `customers/`, `budgets/`, `risks/`, `audits/`, `reviews/`,
`nonconformities/`). The mix is what a large managed-service provider keeps: mostly
Services, SLAs, Suppliers, Evidence and monthly Measurements, some OLAs, capacity and
continuity plans, waivers, process reports, customers, budgets, risks, audits, management
reviews and nonconformities. Every reference resolves (services, dependencies, supplier
support, measured agreements and their target ids, waived records, the audit that raised a
nonconformity and the nonconformity an audit finding names), so `itsm validate` reports
nothing; the compliance rules of `itsm check` do find the gaps a real record set has
(lapsed contracts, overdue reviews, missed targets, services in no budget).

Each file holds records of one kind only. By default some files hold several documents
(the measurements of one agreement, a family of services, a batch of evidence) and others
one; `--one-per-file` writes one record per file, which is what tools that read a single
YAML document per file (check-jsonschema) need.

The output depends only on N, the seed and the layout: the same arguments give the same bytes.
Importable: `generate(n, outdir, seed)` returns a `GeneratedSet` listing what was written.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import shutil
import sys
import textwrap
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from itsm_cli.authoring.new import FOLDERS  # the folder of each kind, as `itsm new` uses

BASE_DATE = dt.date(2026, 11, 23)
"""The "today" the generated records are written for (pass it to `--today`)."""

SCHEMA_FILES = {
    "Service": "service",
    "SLA": "sla",
    "OLA": "ola",
    "Supplier": "supplier",
    "CapacityPlan": "capacityplan",
    "ContinuityPlan": "continuityplan",
    "Evidence": "evidence",
    "Measurement": "measurement",
    "Waiver": "waiver",
    "ProcessReport": "processreport",
    "Customer": "customer",
    "Budget": "budget",
    "Risk": "risk",
    "Audit": "audit",
    "ManagementReview": "managementreview",
    "Nonconformity": "nonconformity",
}
"""Kind -> the stem of its exported JSON Schema (`schemas/<stem>.schema.json`)."""

# Share of each kind in the set; Measurements take whatever is left (about 29 %).
MIX = {
    "Service": 0.15,
    "Supplier": 0.08,
    "SLA": 0.10,
    "OLA": 0.02,
    "CapacityPlan": 0.03,
    "ContinuityPlan": 0.03,
    "Evidence": 0.20,
    "Waiver": 0.01,
    # the kinds of DESIGN 1.1: monthly process figures, the customers behind the SLAs,
    # yearly and quarterly budgets, a risk register, audits with their nonconformities
    # and the management reviews that consider them
    "ProcessReport": 0.03,
    "Customer": 0.02,
    "Budget": 0.005,
    "Risk": 0.02,
    "Audit": 0.004,
    "ManagementReview": 0.002,
    "Nonconformity": 0.008,
}

# --- vocabulary -----------------------------------------------------------------------

CUSTOMERS = [
    "ACME Retail plc", "Contoso Bank", "Fabrikam Logistics", "Tailspin Toys",
    "Woodgrove Insurance", "Litware Health", "Adatum Energy", "Proseware Media",
    "Wingtip Airlines", "Lucerne Publishing", "Fourth Coffee", "Coho Vineyard",
    "Alpine Ski House", "Trey Research", "Humongous Insurance", "Wide World Importers",
    "Southridge Video", "Relecloud", "VanArsdel Foods", "Consolidated Messenger",
    "Northwind Traders", "Graphic Design Institute", "Bellows College", "Munson Pickles",
]
DOMAINS = [
    ("HOSTING", "Managed hosting", "Private-cloud virtual machines in two colocation halls"),
    ("NETWORK", "Managed network", "WAN, LAN and internet edge, monitored around the clock"),
    ("BACKUP", "Backup and restore", "Nightly backups with off-site copies and restores"),
    ("DESK", "Service desk", "Single point of contact for incidents and service requests"),
    ("WORKPLACE", "Managed workplace", "Laptops, Microsoft 365 and end-user support"),
    ("SECURITY", "Security monitoring", "SIEM-based monitoring and incident response"),
    ("DATABASE", "Managed databases", "PostgreSQL and SQL Server operated for customers"),
    ("STORAGE", "Object storage", "S3-compatible storage with immutable buckets"),
    ("ERP", "ERP application support", "Second and third line support for the ERP suite"),
    ("WEB", "Web application hosting", "Load-balanced web platforms with a CDN in front"),
    ("IDENTITY", "Identity and access", "Directory, single sign-on and privileged access"),
    ("VOICE", "Unified communications", "Telephony, contact centre and video meetings"),
    ("PATCHING", "Patch management", "Monthly operating-system and application patching"),
    ("MONITORING", "Infrastructure monitoring", "Event monitoring and capacity dashboards"),
    ("CONTAINERS", "Container platform", "Managed Kubernetes clusters on the private cloud"),
    ("DWH", "Data warehouse", "Nightly loads and reporting marts for business users"),
    ("EDI", "EDI gateway", "Exchange of orders and invoices with trading partners"),
    ("PRINT", "Managed print", "Printer fleet, consumables and secure print release"),
]
SUPPLIER_TRADES = [
    ("COLO", "Data Centres Ltd", "colocation", "facilities"),
    ("FIBRE", "Fibre Networks", "internet transit and dark fibre", "network"),
    ("CLOUD", "Cloud Services", "public cloud capacity", "cloud"),
    ("SIEM", "Security Analytics", "SIEM platform and threat intelligence", "security"),
    ("VAULT", "Vault Storage", "off-site tape vaulting", "facilities"),
    ("SOFT", "Software Partners", "software licences and vendor support", "software"),
    ("HW", "Hardware Maintenance", "hardware maintenance and spares", "hardware"),
    ("TELCO", "Telecom", "SIP trunks and mobile connectivity", "network"),
]
SUPPLIER_NAMES = [
    "Meridian", "Skyline", "Cloudline", "Bastion", "Ironvault", "Harbour", "Keystone",
    "Redwood", "Summit", "Granite", "Northgate", "Silverline", "Oakfield", "Bluewater",
]
INTERNAL_TEAMS = [
    "Group Network Operations", "Group Facilities", "Group Information Security",
    "Group Finance Systems", "Group HR Systems", "Shared Service Centre",
]
OWNERS = {
    "Service": ["head-of-hosting", "head-of-network-services", "head-of-workplace-services",
                "service-desk-manager", "head-of-security-services", "head-of-applications"],
    "SLA": ["service-level-manager", "account-manager"],
    "OLA": ["service-level-manager", "head-of-network-services"],
    "Supplier": ["supplier-manager", "procurement-manager"],
    "CapacityPlan": ["capacity-manager"],
    "ContinuityPlan": ["continuity-manager"],
    "Evidence": ["sms-manager", "quality-manager", "managing-director", "ciso",
                 "change-manager"],
    "Measurement": ["service-level-manager", "service-reporting-analyst"],
    "Waiver": ["sms-manager", "supplier-manager", "service-level-manager"],
    "ProcessReport": ["incident-manager", "change-manager", "problem-manager",
                      "service-desk-manager"],
    "Customer": ["business-relationship-manager", "account-manager"],
    "Budget": ["finance-business-partner", "head-of-service-delivery"],
    "Risk": ["risk-manager", "security-manager", "head-of-service-delivery"],
    "Audit": ["internal-auditor", "sms-manager"],
    "ManagementReview": ["managing-director"],
    "Nonconformity": ["sms-manager", "quality-manager", "supplier-manager"],
}
APPROVERS = [
    "Head of Service Delivery", "Managing Director", "Service Level Manager", "SMS Manager",
    "Chief Information Security Officer",
]
PEOPLE = [
    "Priya Shah", "Tomasz Kowalski", "Sarah Mitchell", "Gareth Hughes", "Amara Okafor",
    "Lukas Becker", "Sofia Rossi", "James O'Neill", "Mei Lin", "Carlos Mendes", "Anna Berg",
    "David Cohen", "Fatima Al-Sayed", "Oliver Grant", "Hannah Vogel", "Ravi Patel",
]
ROLES = [
    "Account Manager", "Service Delivery Manager", "Head of IT", "Procurement Lead",
    "Operations Manager", "Duty Manager", "Chief Information Officer",
]
EVIDENCE_TOPICS = [
    ("SMS scope statement", "policy", ["4.3"]),
    ("SMS process descriptions", "procedure", ["4.4"]),
    ("Service management policy", "policy", ["5.1", "5.2"]),
    ("Service management objectives", "plan", ["6.2"]),
    ("Service management plan", "plan", ["6.3"]),
    ("Risk and opportunity register", "record", ["6.1"]),
    ("Competence matrix", "record", ["7.2"]),
    ("Awareness briefing minutes", "minutes", ["7.3"]),
    ("Communication plan", "plan", ["7.4"]),
    ("Document control procedure", "procedure", ["7.5.3"]),
    ("Configuration management procedure", "procedure", ["8.2.6"]),
    ("Service requirements register", "record", ["8.2.2"]),
    ("Business relationship procedure", "procedure", ["8.3.2"]),
    ("Budget and accounting for services", "report", ["8.4.1"]),
    ("Change management policy", "policy", ["8.5.1.1"]),
    ("Change management procedure", "procedure", ["8.5.1.2", "8.5.1.3"]),
    ("Release and deployment procedure", "procedure", ["8.5.3"]),
    ("Incident management procedure", "procedure", ["8.6.1"]),
    ("Service request procedure", "procedure", ["8.6.2"]),
    ("Problem management procedure", "procedure", ["8.6.3"]),
    ("Information security policy", "policy", ["8.7.3.1"]),
    ("Information security controls", "record", ["8.7.3.2"]),
    ("Internal audit report", "report", ["9.2"]),
    ("Management review minutes", "minutes", ["9.3"]),
    ("Service report pack", "report", ["9.4"]),
    ("Nonconformity and corrective action log", "record", ["10.1"]),
    ("Improvement register", "record", ["10.2"]),
]
PROCESSES = ["incident", "request", "problem", "change", "release", "security-incident"]
PROCESS_COUNTS = {
    "incident": ["opened", "closed", "major", "backlog"],
    "request": ["opened", "closed", "breached", "backlog"],
    "problem": ["opened", "closed", "backlog"],
    "change": ["opened", "closed", "emergency", "failed"],
    "release": ["opened", "closed", "failed"],
    "security-incident": ["opened", "closed", "major"],
}
PROCESS_EXCEPTIONS = {
    "incident": ("INC", "major-without-review"),
    "problem": ("PRB", "no-root-cause"),
    "change": ("CHG", "emergency-without-review"),
    "release": ("RLS", "release-without-approval"),
}
RISKS = [
    ("security", "Ransomware encrypts customer workplaces and file shares"),
    ("security", "Stolen administrator credentials give access to customer platforms"),
    ("availability", "A storage array fails during the monthly patch window"),
    ("continuity", "Loss of the primary data centre hall (power, cooling, fire)"),
    ("supplier", "The carrier's core network fails and the standby route is saturated"),
    ("service", "Demand for service requests outgrows the service desk's staffing"),
    ("sms", "Only two people can change the core network design"),
]
RISK_CONTROLS = [
    "EDR on every managed device", "Immutable backups with a daily restore test",
    "Hall B failover tested yearly", "Privileged access through the vault only",
    "Standby carrier contracted", "Monthly staffing forecast at the service review",
]
NONCONFORMITY_TOPICS = [
    ("8.3.4.1", "A supplier contract renewal started after its notice date"),
    ("7.5.3", "A policy passed its review date without a review"),
    ("8.5.1.2", "Emergency changes were not reviewed at the next CAB"),
    ("8.6.1", "Major incidents were closed without a major incident review"),
    ("9.1", "Service figures are kept in spreadsheets nobody checks"),
    ("8.7.1", "A continuity plan was not tested within its interval"),
]
REVIEW_INPUTS = [
    "previous-actions", "context-changes", "performance", "customer-satisfaction",
    "supplier-performance", "audit-results", "nonconformities", "risks",
    "improvement-opportunities",
]
BUDGET_CATEGORIES = ["people", "licences", "infrastructure", "external-services", "facilities",
                     "other"]
WAIVABLE_RULES = ["SLM003", "SUP002", "SUP003", "DOC002", "CAP004", "CON002", "REP001"]
TARGET_SHAPES: list[tuple[str, str, list[float], str, str, str, str | None]] = [
    # id, metric, objective choices, comparator, unit, window, priority
    ("availability", "availability", [99.5, 99.8, 99.9, 99.95], ">=", "percent",
     "calendar-month", None),
    ("p1-response", "response-time", [15, 30], "<=", "min", "per-incident", "P1"),
    ("p1-resolution", "resolution-time", [4, 8], "<=", "h", "per-incident", "P1"),
    ("p2-resolution", "resolution-time", [8, 12, 24], "<=", "h", "per-incident", "P2"),
    ("request-fulfilment", "resolution-time", [3, 5], "<=", "d", "calendar-month", None),
    ("satisfaction", "satisfaction", [4.0, 4.2, 4.5], ">=", "score", "calendar-quarter", None),
    ("changes-delivered", "throughput", [40, 60, 100], ">=", "count", "calendar-month", None),
]


# --- a tiny YAML writer ---------------------------------------------------------------
#
# Records are written the way people write them (flow lists of ids, flow mappings for short
# entries, folded paragraphs, comments), not the way a dumper would, so the parser benchmark
# reads realistic text.


class Flow:
    """A list or mapping written in flow style: `[a, b]` or `{k: v}`."""

    def __init__(self, value: list[Any] | dict[str, Any]) -> None:
        self.value = value


class Comment:
    """A comment line, used as a mapping key (its value is ignored)."""

    def __init__(self, text: str) -> None:
        self.text = text


_PLAIN_BLOCK = re.compile(r"^[A-Za-z][A-Za-z0-9 ,.()/&+'@%;:_-]*$")
_PLAIN_FLOW = re.compile(r"^[A-Za-z][A-Za-z0-9 .()/&+'@%;_-]*$")
_SPECIAL = {"true", "false", "null", "yes", "no", "on", "off", "y", "n"}


def _scalar(value: Any, flow: bool = False) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    plain = (_PLAIN_FLOW if flow else _PLAIN_BLOCK).match(text)
    if (
        plain
        and text.lower() not in _SPECIAL
        and not text.endswith((" ", ":"))
        and ": " not in text
    ):
        return text
    return json.dumps(text, ensure_ascii=False)


def _flow(value: Any) -> str:
    if isinstance(value, Flow):
        value = value.value
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    return _scalar(value, flow=True)


def _emit_mapping(data: dict[Any, Any], indent: int, out: list[str], first: str = "") -> None:
    """Write a block mapping; `first` replaces the indentation of the first line ("- ")."""
    pad = " " * indent
    for key, value in data.items():
        lead, first = (first or pad), ""
        if isinstance(key, Comment):
            out.append(f"{lead}# {key.text}")
            continue
        if isinstance(value, Flow):
            out.append(f"{lead}{key}: {_flow(value)}")
        elif isinstance(value, dict):
            out.append(f"{lead}{key}:")
            _emit_mapping(value, indent + 2, out)
        elif isinstance(value, list):
            out.append(f"{lead}{key}:")
            _emit_sequence(value, indent + 2, out)
        elif isinstance(value, str) and len(value) > 72:
            out.append(f"{lead}{key}: >-")
            out.extend(textwrap.wrap(value, 90 - indent - 2, initial_indent=pad + "  ",
                                     subsequent_indent=pad + "  "))
        else:
            out.append(f"{lead}{key}: {_scalar(value)}")


def _emit_sequence(items: list[Any], indent: int, out: list[str]) -> None:
    pad = " " * indent
    for item in items:
        if isinstance(item, dict):
            _emit_mapping(item, indent + 2, out, first=pad + "- ")
        elif isinstance(item, Flow):
            out.append(f"{pad}- {_flow(item)}")
        else:
            out.append(f"{pad}- {_scalar(item)}")


def to_yaml(record: dict[Any, Any]) -> str:
    out: list[str] = []
    _emit_mapping(record, 0, out)
    return "\n".join(out) + "\n"


# --- the record set -------------------------------------------------------------------


@dataclass
class GeneratedRecord:
    kind: str
    id: str
    file: str
    """Path relative to the output folder (records/...)."""


@dataclass
class GeneratedSet:
    """What `generate` wrote."""

    root: Path
    seed: int
    records: list[GeneratedRecord] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)
    """Relative file path -> the kind of every record in it."""

    @property
    def records_root(self) -> Path:
        return self.root / "records"

    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for record in self.records:
            counts[record.kind] = counts.get(record.kind, 0) + 1
        return counts

    def files_of_kind(self, kind: str) -> list[Path]:
        return [self.root / f for f, k in self.files.items() if k == kind]


def _counts(n: int) -> dict[str, int]:
    counts = {kind: int(n * share) for kind, share in MIX.items()}
    if n >= 1:
        counts["Service"] = max(1, counts["Service"])
    agreements = counts["SLA"] + counts["OLA"]
    rest = n - sum(counts.values())
    counts["Measurement"] = rest if agreements else 0
    if not agreements:
        counts["Evidence"] += rest
    # Plans and supplier support need services; for tiny n keep the total exact.
    return counts


def _ids(prefix: str, count: int, names: Sequence[str], rng: random.Random) -> list[str]:
    return [f"{prefix}-{rng.choice(names)}-{i + 1:05d}" for i in range(count)]


class _Builder:
    def __init__(self, n: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.counts = _counts(n)
        rng = self.rng
        domain_keys = [d[0] for d in DOMAINS]
        self.services = _ids("SVC", self.counts["Service"], domain_keys, rng)
        self.service_domain = {s: s.split("-")[1] for s in self.services}
        # lifecycle: mostly live, some in the pipeline, a few retired
        self.lifecycle = {
            s: rng.choices(["live", "pipeline", "retired"], [85, 10, 5])[0] for s in self.services
        }
        self.live = [s for s in self.services if self.lifecycle[s] == "live"] or self.services
        n_sup = self.counts["Supplier"]
        self.suppliers = [
            f"SUP-{rng.choice(SUPPLIER_NAMES).upper()}-{rng.choice(SUPPLIER_TRADES)[0]}-{i + 1:05d}"
            for i in range(n_sup)
        ]
        # about one supplier in eight is an internal group team (OLAs can name those)
        self.supplier_type = {
            s: rng.choices(["external", "internal", "customer-as-supplier"], [85, 12, 3])[0]
            for s in self.suppliers
        }
        self.internal = [s for s in self.suppliers if self.supplier_type[s] == "internal"]
        customer_keys = [re.sub(r"[^A-Z]", "", c.split()[0].upper()) for c in CUSTOMERS]
        self.customer_of: dict[str, str] = {}
        self.slas = []
        for i in range(self.counts["SLA"]):
            c = rng.randrange(len(CUSTOMERS))
            sla = f"SLA-{customer_keys[c]}-{rng.choice(domain_keys)}-{i + 1:05d}"
            self.slas.append(sla)
            self.customer_of[sla] = CUSTOMERS[c]
        self.olas = [
            f"OLA-{rng.choice(domain_keys)}-{i + 1:05d}" for i in range(self.counts["OLA"])
        ]
        self.targets: dict[str, list[str]] = {}
        self.frequency: dict[str, str] = {}
        # Audits first: a nonconformity raised by an audit names it, and the audit lists
        # it among its findings.
        self.audits = [f"AUD-{i + 1:05d}" for i in range(self.counts["Audit"])]
        self.audit_state = {
            a: rng.choices(["done", "planned", "cancelled"], [75, 20, 5])[0] for a in self.audits
        }
        done = [a for a in self.audits if self.audit_state[a] == "done"]
        self.nonconformities = [f"NCR-{i + 1:05d}" for i in range(self.counts["Nonconformity"])]
        self.raised_by: dict[str, str] = {}
        for ncr in self.nonconformities:
            if done and rng.random() < 0.6:
                self.raised_by[ncr] = rng.choice(done)
        self.risks = [f"RSK-{i + 1:05d}" for i in range(self.counts["Risk"])]

    # -- helpers -------------------------------------------------------------------------

    def day(self, lo: int, hi: int) -> dt.date:
        """A date between `lo` and `hi` days after BASE_DATE (negative: before)."""
        return BASE_DATE + dt.timedelta(days=self.rng.randint(lo, hi))

    def metadata(
        self, kind: str, rid: str, title: str, status: str | None = None,
        approved: dt.date | None = None,
    ) -> dict[Any, Any]:
        rng = self.rng
        if status is None:
            status = rng.choices(["approved", "draft"], [88, 12])[0]
        meta: dict[Any, Any] = {"id": rid, "title": title, "owner": rng.choice(OWNERS[kind])}
        meta["status"] = status
        if status == "approved":
            approved = approved or self.day(-700, -30)
            meta["approved"] = Flow({"by": rng.choice(APPROVERS), "date": approved})
            if rng.random() < 0.9:
                # reviewed since approval: most within the year, some overdue (DOC002)
                latest = (BASE_DATE - approved).days - 5
                meta["lastReviewed"] = approved + dt.timedelta(days=rng.randint(0, latest))
        elif status == "retired" and rng.random() < 0.5:
            meta["lastReviewed"] = self.day(-900, -400)
        if rng.random() < 0.15:
            meta["reviewInterval"] = rng.choice(["P6M", "P3M", "P24M"])
        if kind != "Evidence" and rng.random() < 0.08:
            meta["clauses"] = Flow([rng.choice(["8.1", "8.2.6", "7.5.3", "9.1"])])
        if rng.random() < 0.25:
            meta["labels"] = Flow({"region": rng.choice(["emea", "apac", "amer"]),
                                   "tier": rng.choice(["gold", "silver", "bronze"])})
        return meta

    def envelope(self, kind: str, meta: dict[Any, Any], spec: dict[Any, Any],
                 comment: str | None = None) -> dict[Any, Any]:
        record: dict[Any, Any] = {}
        if comment:
            record[Comment(comment)] = None
        record["apiVersion"] = "itsm/v1"
        record["kind"] = kind
        record["metadata"] = meta
        record["spec"] = spec
        return record

    def contact(self, dated: bool = False) -> Flow:
        rng = self.rng
        name = rng.choice(PEOPLE)
        entry: dict[str, Any] = {"name": name, "role": rng.choice(ROLES)}
        if rng.random() < 0.6:
            entry["email"] = name.lower().replace(" ", ".").replace("'", "") + "@example.com"
        if dated:
            entry["date"] = self.day(-700, -30)
        return Flow(entry)

    def agreement_targets(self) -> list[dict[str, Any]]:
        rng = self.rng
        shapes = [TARGET_SHAPES[0], *rng.sample(TARGET_SHAPES[1:], rng.randint(1, 4))]
        targets = []
        for tid, metric, objectives, comparator, unit, window, priority in shapes:
            target: dict[str, Any] = {"id": tid, "metric": metric,
                                      "objective": rng.choice(objectives)}
            if rng.random() < 0.7:
                target["comparator"] = comparator
            target["unit"] = unit
            target["window"] = window
            if priority:
                target["priority"] = priority
            targets.append(target)
        return targets

    # -- kinds ---------------------------------------------------------------------------

    def service(self, index: int) -> dict[Any, Any]:
        rng = self.rng
        sid = self.services[index]
        key, name, blurb = next(d for d in DOMAINS if d[0] == self.service_domain[sid])
        lifecycle = self.lifecycle[sid]
        status = {"retired": "retired", "pipeline": "draft"}.get(lifecycle)
        meta = self.metadata("Service", sid, f"{name} {index + 1}", status)
        spec: dict[Any, Any] = {
            "description": f"{blurb}, delivered to {rng.choice(CUSTOMERS)} and other customers "
            f"under the {name.lower()} service line ({key.lower()}-{index + 1}).",
            "lifecycle": lifecycle,
            "criticality": rng.choices(["critical", "high", "medium", "low"], [15, 35, 35, 15])[0],
        }
        if rng.random() < 0.7:
            spec["customers"] = Flow(rng.sample(CUSTOMERS, rng.randint(1, 3)))
        deps = [s for s in self.services[max(0, index - 40):index]
                if self.lifecycle[s] != "retired"]
        chosen = rng.sample(deps, min(len(deps), rng.randint(0, 2)))
        if self.suppliers and rng.random() < 0.7:
            chosen += rng.sample(self.suppliers, min(len(self.suppliers), rng.randint(1, 2)))
        if chosen:
            spec["dependsOn"] = chosen if rng.random() < 0.5 else Flow(chosen)
        if rng.random() < 0.6:
            spec["serviceHours"] = rng.choice(
                ["24x7", "24x7x365", "Mon-Fri 08:00-18:00 UK time", "Mon-Sat 07:00-22:00 CET"]
            )
        comment = "Retired: kept for the record." if lifecycle == "retired" else None
        return self.envelope("Service", meta, spec, comment)

    def sla(self, index: int) -> dict[Any, Any]:
        rng = self.rng
        sid = self.slas[index]
        customer = self.customer_of[sid]
        services = rng.sample(self.live, min(len(self.live), rng.randint(1, 3)))
        meta = self.metadata("SLA", sid, f"Service levels for {customer} ({index + 1})")
        start = self.day(-900, -60)
        # most in force, some lapsed (SLM002 finds the approved ones)
        end = start + dt.timedelta(days=rng.choice([365, 730, 1095, 1095, 1460]))
        targets = self.agreement_targets()
        self.targets[sid] = [t["id"] for t in targets]
        frequency = rng.choices(["monthly", "quarterly"], [85, 15])[0]
        self.frequency[sid] = frequency
        spec: dict[Any, Any] = {
            "customer": customer,
            "services": Flow(services),
            "validFrom": start,
            "validUntil": end,
            "serviceHours": "24x7x365; planned maintenance Sundays 01:00-05:00, 10 days' notice",
        }
        if rng.random() < 0.9:
            spec["workloadLimits"] = (
                f"Up to {rng.randint(50, 800)} virtual machines and {rng.randint(10, 400)} "
                f"standard service requests a week; growth beyond these limits is agreed "
                f"through change control."
            )
        if rng.random() < 0.9:
            spec["exceptions"] = [
                "Planned maintenance announced at least 10 days in advance",
                "Outages caused by changes the customer makes to its own systems",
            ][: rng.randint(1, 2)]
        spec["targets"] = targets
        spec["reporting"] = {"frequency": frequency,
                             "recipients": Flow([f"{customer} IT director"])}
        spec["signatories"] = [self.contact(dated=True) for _ in range(2)]
        return self.envelope("SLA", meta, spec)

    def ola(self, index: int) -> dict[Any, Any]:
        rng = self.rng
        oid = self.olas[index]
        if self.internal and rng.random() < 0.6:
            provider = rng.choice(self.internal)
        else:
            provider = rng.choice(INTERNAL_TEAMS)
        meta = self.metadata("OLA", oid, f"Operational levels with {provider}")
        targets = self.agreement_targets()
        self.targets[oid] = [t["id"] for t in targets]
        self.frequency[oid] = "monthly"
        spec: dict[Any, Any] = {
            "provider": provider,
            "services": Flow(rng.sample(self.live, min(len(self.live), rng.randint(1, 3)))),
            "validFrom": self.day(-700, -100),
            "validUntil": self.day(100, 900),
            "workloadLimits": f"Up to {rng.randint(20, 90)} standard changes a month.",
            "exceptions": ["Faults in carrier circuits, handled under the carrier contract"],
            "targets": targets,
            "reporting": {"frequency": "monthly"},
        }
        return self.envelope("OLA", meta, spec)

    def supplier(self, index: int) -> dict[Any, Any]:
        rng = self.rng
        sid = self.suppliers[index]
        trade = next(t for t in SUPPLIER_TRADES if t[0] == sid.split("-")[2])
        name = f"{sid.split('-')[1].title()} {trade[1]}"
        kind = self.supplier_type[sid]
        if kind == "internal":
            name = rng.choice(INTERNAL_TEAMS)
        meta = self.metadata("Supplier", sid, f"{name} ({trade[2]})")
        if rng.random() < 0.5:
            meta["labels"] = Flow({"category": trade[3]})
        start = self.day(-1400, -200)
        end = start + dt.timedelta(days=rng.choice([730, 1095, 1461, 1826]))
        contract: dict[str, Any] = {
            "reference": f"{sid.split('-')[1][:3]}-{start.year}-{rng.randint(100, 9999):04d}",
            "start": start,
            "end": end,
        }
        if rng.random() < 0.8:
            contract["noticePeriod"] = rng.choice(["P30D", "P90D", "P3M", "P6M"])
        if rng.random() < 0.75:
            contract["targets"] = [{
                "id": "availability", "metric": "availability",
                "objective": rng.choice([99.9, 99.95, 99.99, 99.999]), "comparator": ">=",
                "unit": "percent", "window": rng.choice(["calendar-month", "calendar-year"]),
            }]
        spec: dict[Any, Any] = {
            "type": kind,
            "criticality": rng.choices(["critical", "high", "medium", "low"], [15, 35, 35, 15])[0],
            "supports": Flow(rng.sample(self.live, min(len(self.live), rng.randint(1, 3)))),
            "contract": contract,
            "contacts": [self.contact() for _ in range(rng.randint(1, 2))],
        }
        if rng.random() < 0.6:
            spec["interfaces"] = [f"Incidents through the {name} customer portal",
                                  "Quarterly service review with the Supplier Manager"]
        reviews = []
        for _ in range(rng.randint(0, 3)):
            outcome = rng.choices(["meets", "partially-meets", "fails"], [75, 20, 5])[0]
            reviews.append(Flow({"date": self.day(-500, -10), "outcome": outcome,
                                 "notes": "Quarterly performance review."}))
        if reviews:
            spec["reviews"] = reviews
        if rng.random() < 0.05:
            spec["disputes"] = [{"date": self.day(-200, -10),
                                 "summary": "Service credits for the outage of last quarter",
                                 "status": rng.choice(["open", "closed"])}]
        return self.envelope("Supplier", meta, spec)

    def capacity_plan(self, index: int) -> dict[Any, Any]:
        rng = self.rng
        pid = f"CAP-{rng.choice(DOMAINS)[0]}-{index + 1:05d}"
        meta = self.metadata("CapacityPlan", pid, f"Capacity plan {index + 1}")
        resources = []
        for _ in range(rng.randint(2, 5)):
            rtype, unit, capacity = rng.choice([
                ("technical", "vCPU", 1536), ("technical", "TB", 400),
                ("technical", "Gbit/s", 20), ("human", "FTE", 9),
                ("financial", "GBP thousand", 850), ("information", "licences", 2500),
            ])
            resource: dict[str, Any] = {
                "name": f"{unit} pool {rng.randint(1, 99)}", "type": rtype, "unit": unit,
                "capacity": capacity, "threshold": rng.choice([70, 80, 85, 90]),
            }
            if rtype == "technical" and rng.random() < 0.8:
                level, growth = capacity * rng.uniform(0.4, 0.7), rng.uniform(-0.01, 0.03)
                usage = []
                for month in range(rng.randint(3, 7), 0, -1):
                    day = (BASE_DATE.replace(day=1) - dt.timedelta(days=30 * month)).replace(day=1)
                    usage.append(Flow({"date": day, "value": round(level, 1)}))
                    level *= 1 + growth
                resource["usage"] = usage
            resources.append(resource)
        spec: dict[Any, Any] = {
            "services": Flow(rng.sample(self.live, min(len(self.live), rng.randint(1, 4)))),
            "horizon": rng.choice(["P12M", "P18M", "P24M"]),
            "resources": resources,
        }
        if rng.random() < 0.7:
            spec["actions"] = [
                {"description": "Order additional capacity ahead of the forecast peak",
                 "owner": "capacity-manager", "due": self.day(-60, 200),
                 "status": rng.choice(["open", "done"])}
            ]
        return self.envelope("CapacityPlan", meta, spec,
                             "Usage figures are taken on the 1st of each month.")

    def continuity_plan(self, index: int) -> dict[Any, Any]:
        rng = self.rng
        pid = f"CON-{rng.choice(DOMAINS)[0]}-{index + 1:05d}"
        meta = self.metadata("ContinuityPlan", pid, f"Continuity plan {index + 1}")
        scenarios = [
            {"id": "loss-of-primary-site",
             "description": "Loss of the primary hall (power, cooling, fire, access denial)",
             "strategy": "Fail over replicated workloads to the secondary site with the "
                         "orchestration runbook and re-point the internet edge."},
            {"id": "ransomware", "description": "Destructive malware on the platform",
             "strategy": "Isolate the affected clusters and restore from immutable copies."},
            {"id": "loss-of-carrier", "description": "Loss of the primary carrier",
             "strategy": "Route traffic over the standby carrier."},
        ][: rng.randint(1, 3)]
        spec: dict[Any, Any] = {
            "services": Flow(rng.sample(self.live, min(len(self.live), rng.randint(1, 3)))),
            "invocation": "Invoked by the duty Major Incident Manager with the Head of Service "
                          "Delivery when the primary site is down for more than 15 minutes.",
            "scenarios": scenarios,
            "rto": rng.choice(["PT30M", "PT1H", "PT4H", "PT8H"]),
            "rpo": rng.choice(["PT15M", "PT1H", "PT24H"]),
            "availabilityWhileInvoked": rng.choice([95.0, 99.0]),
            "returnToNormal": "Fail back in a planned change window once the primary site is "
                              "certified and replication has caught up.",
            "testInterval": "P12M",
            "contacts": [self.contact()],
        }
        tests = []
        for _ in range(rng.randint(0, 2)):
            result = rng.choices(["pass", "partial", "fail"], [75, 20, 5])[0]
            test: dict[str, Any] = {"date": self.day(-500, -20),
                                    "type": rng.choice(["tabletop", "walkthrough", "failover"]),
                                    "result": result}
            if test["type"] == "failover":
                test["achievedRto"] = rng.choice(["PT24M", "PT50M", "PT3H"])
            if result != "pass" or rng.random() < 0.3:
                test["findings"] = ["A runbook step referred to a decommissioned server"]
                test["actions"] = ["Runbook corrected and re-approved"]
            tests.append(test)
        if tests:
            spec["tests"] = tests
        return self.envelope("ContinuityPlan", meta, spec)

    def evidence(self, index: int) -> dict[Any, Any]:
        rng = self.rng
        title, etype, clauses = rng.choice(EVIDENCE_TOPICS)
        eid = f"EV-{index + 1:05d}"
        meta = self.metadata("Evidence", eid, f"{title} ({index + 1})")
        meta["clauses"] = Flow(list(clauses))
        slug = title.lower().replace(" ", "-")
        spec: dict[Any, Any] = {
            "type": etype,
            "location": f"https://intranet.example.com/sms/{slug}-{index + 1}",
        }
        if rng.random() < 0.6:
            spec["description"] = (
                f"{title}, maintained in the document management system and reviewed at "
                f"the management review."
            )
        return self.envelope("Evidence", meta, spec)

    def measurement(self, agreement: str, back: int) -> dict[Any, Any]:
        """The measurement of `agreement` for the period `back` periods before the last."""
        rng = self.rng
        if self.frequency[agreement] == "quarterly":
            q = (BASE_DATE.year * 4 + (BASE_DATE.month - 1) // 3) - 1 - back
            period = f"{q // 4}-Q{q % 4 + 1}"
        else:
            m = (BASE_DATE.year * 12 + BASE_DATE.month - 1) - 1 - back
            period = f"{m // 12}-{m % 12 + 1:02d}"
        mid = f"MEAS-{agreement}-{period}"
        if self.frequency[agreement] == "quarterly":
            ends = dt.date(q // 4, (q % 4) * 3 + 3, 1) + dt.timedelta(days=31)
        else:
            ends = dt.date(m // 12, m % 12 + 1, 1) + dt.timedelta(days=31)
        reported = ends.replace(day=rng.randint(3, 10))  # early in the month after
        meta = self.metadata("Measurement", mid, f"{agreement} {period}", "approved", reported)
        values: dict[str, Any] = {}
        for tid in self.targets[agreement]:
            if tid == "availability":
                values[tid] = round(rng.uniform(99.4, 100.0), 2)
            elif tid.startswith("p1") and rng.random() < 0.4:
                continue  # no P1 incident that period
            elif tid == "satisfaction":
                values[tid] = round(rng.uniform(3.8, 4.9), 1)
            elif tid == "changes-delivered":
                values[tid] = rng.randint(30, 120)
            else:
                values[tid] = round(rng.uniform(1, 20), 1)
        spec: dict[Any, Any] = {"agreement": agreement, "period": period, "values": values}
        if rng.random() < 0.2:
            spec["notes"] = "Figures from monitoring and the ITSM tool."
        return self.envelope("Measurement", meta, spec)

    def waiver(self, index: int, pool: Sequence[str]) -> dict[Any, Any]:
        rng = self.rng
        wid = f"WVR-{index + 1:05d}"
        meta = self.metadata("Waiver", wid, f"Accepted deviation {index + 1}", "approved")
        spec: dict[Any, Any] = {
            "rule": rng.choice(WAIVABLE_RULES),
            "records": Flow(rng.sample(list(pool), min(len(pool), rng.randint(1, 2)))),
            "reason": "Accepted by the Service Management Board until the renewal is signed; "
                      "the risk is tracked in the risk register.",
            "approvedBy": rng.choice(APPROVERS),
            "expires": self.day(-30, 300),
        }
        return self.envelope("Waiver", meta, spec)

    def process_report(self, index: int) -> dict[Any, Any]:
        rng = self.rng
        process = PROCESSES[index % len(PROCESSES)]
        m = (BASE_DATE.year * 12 + BASE_DATE.month - 1) - 1 - index // len(PROCESSES) % 24
        period = f"{m // 12}-{m % 12 + 1:02d}"
        rid = f"OPS-{process.upper()}-{period}-{index + 1:05d}"
        meta = self.metadata("ProcessReport", rid, f"{process.title()} management {period}")
        counts: dict[str, int] = {}
        for name in PROCESS_COUNTS[process]:
            counts[name] = rng.randint(0, 6) if name in ("major", "emergency", "failed",
                                                         "breached") else rng.randint(10, 400)
        spec: dict[Any, Any] = {
            "process": process,
            "period": period,
            "source": f"ServiceNow {process} export {period}",
        }
        if rng.random() < 0.5:
            spec["services"] = Flow(rng.sample(self.live, min(len(self.live), rng.randint(1, 3))))
        spec["counts"] = Flow(counts)
        if process in PROCESS_EXCEPTIONS and rng.random() < 0.3:
            prefix, issue = PROCESS_EXCEPTIONS[process]
            spec["exceptions"] = [Flow({"ref": f"{prefix}{rng.randint(10000, 99999):07d}",
                                        "issue": issue})]
        return self.envelope("ProcessReport", meta, spec)

    def customer(self, index: int) -> dict[Any, Any]:
        rng = self.rng
        name = CUSTOMERS[index % len(CUSTOMERS)]
        key = re.sub(r"[^A-Z]", "", name.split()[0].upper())
        cid = f"CUS-{key}-{index + 1:05d}"
        meta = self.metadata("Customer", cid, f"{name} ({index + 1})")
        spec: dict[Any, Any] = {
            "relationshipManager": rng.choice(PEOPLE),
            "services": Flow(rng.sample(self.live, min(len(self.live), rng.randint(1, 4)))),
            "contacts": [self.contact() for _ in range(rng.randint(1, 2))],
        }
        reviews = []
        for quarter in range(rng.randint(0, 4)):
            review: dict[str, Any] = {"date": self.day(-95 * (quarter + 1), -95 * quarter - 5)}
            if rng.random() < 0.6:
                review["notes"] = f"Quarterly service review {quarter + 1}; figures agreed."
            if rng.random() < 0.3:
                review["actions"] = Flow(["Add restore tests to the next quarter's plan"])
            reviews.append(Flow(review) if len(review) < 3 else review)
        if reviews:
            spec["serviceReviews"] = reviews
        if rng.random() < 0.7:
            asked = rng.randint(10, 60)
            spec["satisfaction"] = [Flow({
                "date": self.day(-400, -20), "method": "survey", "asked": asked,
                "responses": rng.randint(1, asked), "score": round(rng.uniform(3.2, 4.9), 1),
                "scaleMax": 5,
            })]
        complaints = []
        for c in range(rng.choices([0, 1, 2], [60, 30, 10])[0]):
            raised = self.day(-300, -2)
            complaint: dict[str, Any] = {"id": f"CMP-{index + 1:05d}-{c + 1}", "date": raised,
                                         "summary": "Monthly report sent late",
                                         "state": rng.choice(["open", "closed"])}
            if complaint["state"] == "closed":
                complaint["closed"] = raised + dt.timedelta(days=rng.randint(0, 2))
            complaints.append(Flow(complaint))
        if complaints:
            spec["complaints"] = complaints
        return self.envelope("Customer", meta, spec)

    def budget(self, index: int) -> dict[Any, Any]:
        rng = self.rng
        year = BASE_DATE.year - index % 2
        period = str(year) if rng.random() < 0.7 else f"{year}-Q{rng.randint(1, 4)}"
        bid = f"BUD-{period.replace('-', '')}-{index + 1:05d}"
        meta = self.metadata("Budget", bid, f"Service budget {period} ({index + 1})")
        lines = []
        for category in rng.sample(BUDGET_CATEGORIES, rng.randint(2, 4)):
            planned = rng.randint(10, 900) * 1000
            line: dict[str, Any] = {"category": category, "planned": float(planned)}
            if rng.random() < 0.9:
                line["actual"] = round(planned * rng.uniform(0.7, 1.05), 2)
            if rng.random() < 0.7:
                line["forecast"] = round(planned * rng.uniform(0.9, 1.15), 2)
            if rng.random() < 0.2:
                line["note"] = "Spend moved to the next quarter with the hardware refresh."
            lines.append(Flow(line) if "note" not in line else line)
        spec: dict[Any, Any] = {
            "period": period,
            "currency": rng.choice(["GBP", "EUR", "USD"]),
            "services": Flow(rng.sample(self.live, min(len(self.live), rng.randint(1, 5)))),
            "lines": lines,
        }
        return self.envelope("Budget", meta, spec)

    def risk(self, index: int) -> dict[Any, Any]:
        rng = self.rng
        rid = self.risks[index]
        category, description = rng.choice(RISKS)
        meta = self.metadata("Risk", rid, f"{description} ({index + 1})")
        likelihood, impact = rng.randint(1, 5), rng.randint(1, 5)
        treatment = rng.choices(["mitigate", "transfer", "avoid", "accept"], [70, 10, 5, 15])[0]
        spec: dict[Any, Any] = {
            "category": category,
            "description": f"{description}.",
            "likelihood": likelihood,
            "impact": impact,
            "treatment": treatment,
            "assessed": self.day(-420, -10),
        }
        if rng.random() < 0.8:
            spec["scope"] = Flow(rng.sample(self.live, min(len(self.live), rng.randint(1, 3))))
        spec["controls"] = Flow(rng.sample(RISK_CONTROLS, rng.randint(1, 3)))
        if treatment == "mitigate" and rng.random() < 0.6:
            spec["actions"] = [Flow({"description": "Run the recovery drill with the customer",
                                     "owner": rng.choice(OWNERS["Risk"]),
                                     "due": self.day(-60, 240),
                                     "status": rng.choice(["open", "done"])})]
        if rng.random() < 0.7:
            spec["residual"] = Flow({"likelihood": max(1, likelihood - 1),
                                     "impact": max(1, impact - rng.randint(0, 1))})
        if treatment == "accept":
            spec["acceptance"] = Flow({"by": rng.choice(APPROVERS), "date": self.day(-300, -10)})
        return self.envelope("Risk", meta, spec)

    def audit(self, index: int) -> dict[Any, Any]:
        rng = self.rng
        aid = self.audits[index]
        state = self.audit_state[aid]
        kind = rng.choices(["internal", "external", "certification", "supplier"],
                           [70, 10, 10, 10])[0]
        status = "draft" if state == "planned" else None
        meta = self.metadata("Audit", aid, f"{kind.title()} audit {index + 1}", status)
        start = self.day(20, 300) if state == "planned" else self.day(-500, -20)
        spec: dict[Any, Any] = {
            "type": kind,
            "state": state,
            "date": start,
            "auditor": rng.choice(["Internal audit team", "External certification body",
                                   "Group internal audit"]),
            "scope": Flow(sorted(rng.sample(["4", "5", "6", "7", "8", "9", "10"],
                                            rng.randint(2, 7)), key=int)),
            "end": start + dt.timedelta(days=rng.randint(0, 4)),
        }
        if rng.random() < 0.7:
            spec["criteria"] = "ISO/IEC 20000-1:2018 and the SMS manual"
        if rng.random() < 0.4:
            spec["services"] = Flow(rng.sample(self.live, min(len(self.live), rng.randint(1, 3))))
        if state == "done":
            spec["report"] = f"https://intranet.example.com/sms/audits/{aid.lower()}"
            findings: list[Flow] = []
            for ncr in (n for n, a in self.raised_by.items() if a == aid):
                clause, text = NONCONFORMITY_TOPICS[int(ncr[-5:]) % len(NONCONFORMITY_TOPICS)]
                findings.append(Flow({"id": f"F{len(findings) + 1}", "type": "minor",
                                      "clause": clause, "description": f"{text}.",
                                      "nonconformity": ncr}))
            if rng.random() < 0.5:
                findings.append(Flow({"id": f"F{len(findings) + 1}", "type": "observation",
                                      "clause": "9.1",
                                      "description": "Incident figures are kept in "
                                                     "spreadsheets only."}))
            if findings:
                spec["findings"] = findings
        return self.envelope("Audit", meta, spec)

    def management_review(self, index: int) -> dict[Any, Any]:
        rng = self.rng
        rid = f"MRV-{index + 1:05d}"
        meta = self.metadata("ManagementReview", rid, f"Management review {index + 1}")
        inputs: dict[str, Any] = {}
        pools = {
            "performance": self.slas, "supplier-performance": self.suppliers,
            "audit-results": self.audits, "nonconformities": self.nonconformities,
            "risks": self.risks,
        }
        for name in REVIEW_INPUTS:
            pool = pools.get(name)
            if pool:
                inputs[name] = Flow(rng.sample(pool, min(len(pool), rng.randint(1, 3))))
            else:
                inputs[name] = "Reviewed; nothing to add since the last review."
        spec: dict[Any, Any] = {
            "date": self.day(-360, -5),
            "attendees": Flow(["Managing Director", "Head of Service Delivery", "SMS manager"]),
            "inputs": inputs,
            "decisions": ["Fund a second storage shelf for the hosting platform."],
        }
        if rng.random() < 0.7:
            spec["actions"] = [Flow({"description": "Train a third network architect",
                                     "owner": "head-of-service-delivery",
                                     "due": self.day(-30, 300),
                                     "status": rng.choice(["open", "done"])})]
        return self.envelope("ManagementReview", meta, spec)

    def nonconformity(self, index: int) -> dict[Any, Any]:
        rng = self.rng
        nid = self.nonconformities[index]
        clause, text = NONCONFORMITY_TOPICS[int(nid[-5:]) % len(NONCONFORMITY_TOPICS)]
        meta = self.metadata("Nonconformity", nid, text)
        audit = self.raised_by.get(nid)
        raised = self.day(-400, -10)
        state = rng.choices(["open", "action-taken", "closed"], [30, 30, 40])[0]
        spec: dict[Any, Any] = {
            "source": "audit" if audit else rng.choice(["incident", "complaint", "review",
                                                        "measurement"]),
            "raised": raised,
            "severity": rng.choices(["major", "minor", "observation"], [10, 80, 10])[0],
            "clauses": Flow([clause]),
            "description": f"{text}.",
            "state": state,
        }
        if audit:
            spec["audit"] = audit
        if state != "open":
            spec["cause"] = "The check was kept in a spreadsheet nobody watched."
            spec["actions"] = [Flow({"description": "Put the check in the itsm due calendar",
                                     "owner": rng.choice(OWNERS["Nonconformity"]),
                                     "due": raised + dt.timedelta(days=rng.randint(20, 90)),
                                     "status": "done" if state == "closed" else "open"})]
        if state == "closed":
            closed = raised + dt.timedelta(days=rng.randint(30, 120))
            spec["effectiveness"] = Flow({"date": closed, "by": "Internal auditor",
                                          "effective": True})
            spec["closed"] = closed
        return self.envelope("Nonconformity", meta, spec)

    # -- putting it together -------------------------------------------------------------

    def groups(self) -> Iterator[tuple[str, str, list[dict[Any, Any]]]]:
        """(kind, file stem, records) in a fixed order; each group may become one file."""
        c = self.counts
        yield from (("Service", "", [self.service(i)]) for i in range(c["Service"]))
        yield from (("Supplier", "", [self.supplier(i)]) for i in range(c["Supplier"]))
        yield from (("SLA", "", [self.sla(i)]) for i in range(c["SLA"]))
        yield from (("OLA", "", [self.ola(i)]) for i in range(c["OLA"]))
        yield from (("CapacityPlan", "", [self.capacity_plan(i)])
                    for i in range(c["CapacityPlan"]))
        yield from (("ContinuityPlan", "", [self.continuity_plan(i)])
                    for i in range(c["ContinuityPlan"]))
        yield from (("Evidence", "", [self.evidence(i)]) for i in range(c["Evidence"]))
        agreements = self.slas + self.olas
        per: dict[str, list[dict[Any, Any]]] = {a: [] for a in agreements}
        for i in range(c["Measurement"]):
            agreement = agreements[i % len(agreements)]
            per[agreement].append(self.measurement(agreement, i // len(agreements)))
        for agreement in agreements:
            if per[agreement]:
                yield "Measurement", agreement.lower(), per[agreement][::-1]
        pool = self.services + self.suppliers + self.slas
        yield from (("Waiver", "", [self.waiver(i, pool)]) for i in range(c["Waiver"]))
        yield from (("ProcessReport", "", [self.process_report(i)])
                    for i in range(c["ProcessReport"]))
        yield from (("Customer", "", [self.customer(i)]) for i in range(c["Customer"]))
        yield from (("Budget", "", [self.budget(i)]) for i in range(c["Budget"]))
        yield from (("Risk", "", [self.risk(i)]) for i in range(c["Risk"]))
        yield from (("Audit", "", [self.audit(i)]) for i in range(c["Audit"]))
        yield from (("ManagementReview", "", [self.management_review(i)])
                    for i in range(c["ManagementReview"]))
        yield from (("Nonconformity", "", [self.nonconformity(i)])
                    for i in range(c["Nonconformity"]))


def _file_text(kind: str, records: list[dict[Any, Any]], depth: int) -> str:
    schema = "../" * depth + f"schemas/{SCHEMA_FILES[kind]}.schema.json"
    docs = [to_yaml(r) for r in records]
    return f"# yaml-language-server: $schema={schema}\n" + "---\n".join(docs)


def generate(n: int, outdir: Path | str, seed: int = 0, *, one_per_file: bool = False,
             force: bool = False) -> GeneratedSet:
    """Write `n` valid records under `outdir/records/` and `outdir/itsm.toml`."""
    if n < 0:
        raise ValueError("the number of records must be 0 or more")
    root = Path(outdir)
    records_root = root / "records"
    if records_root.exists() and any(records_root.iterdir()):
        if not force:
            raise FileExistsError(f"{records_root} is not empty (use --force to replace it)")
        shutil.rmtree(records_root)
    records_root.mkdir(parents=True, exist_ok=True)
    (root / "itsm.toml").write_text(
        f"# Generated by benchmarks/generate.py: {n} records, seed {seed}.\n"
        f'records = "records"\n',
        encoding="utf-8",
    )
    builder = _Builder(n, seed)
    result = GeneratedSet(root=root, seed=seed)
    # Multi-document layout: a family of services or a batch of evidence per file, the
    # measurements of an agreement in one file; the other kinds one per file.
    batch_sizes = {"Service": (1, 3), "Evidence": (1, 4), "Waiver": (1, 2), "Risk": (1, 5),
                   "ProcessReport": (1, 6), "Nonconformity": (1, 3)}
    layout_rng = random.Random(seed + 1)
    batch: list[dict[Any, Any]] = []
    batch_kind, batch_size = "", 0

    def write(kind: str, stem: str, docs: list[dict[Any, Any]]) -> None:
        rel = f"records/{FOLDERS[kind]}/{stem}.yaml"
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_file_text(kind, docs, rel.count("/")), encoding="utf-8")
        result.files[rel] = kind
        result.records.extend(GeneratedRecord(kind, d["metadata"]["id"], rel) for d in docs)

    def write_batch() -> None:
        if batch:
            write(batch_kind, batch[0]["metadata"]["id"].lower(), list(batch))
            batch.clear()

    for kind, stem, docs in builder.groups():
        if one_per_file:
            for doc in docs:
                write(kind, doc["metadata"]["id"].lower(), [doc])
        elif kind in batch_sizes:
            if kind != batch_kind or len(batch) >= batch_size:
                write_batch()
                batch_kind, batch_size = kind, layout_rng.randint(*batch_sizes[kind])
            batch.extend(docs)
        else:
            write_batch()
            write(kind, stem or docs[0]["metadata"]["id"].lower(), docs)
    write_batch()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Write N valid itsm/v1 records under OUTDIR/records/ and OUTDIR/itsm.toml."
    )
    parser.add_argument("n", type=int, metavar="N", help="number of records")
    parser.add_argument("outdir", type=Path, metavar="OUTDIR")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--one-per-file", action="store_true",
                        help="one record per file (for tools that read one document per file)")
    parser.add_argument("--force", action="store_true",
                        help="replace OUTDIR/records if it is not empty")
    args = parser.parse_args(argv)
    try:
        result = generate(args.n, args.outdir, args.seed, one_per_file=args.one_per_file,
                          force=args.force)
    except (ValueError, OSError) as exc:
        print(f"generate.py: {exc}", file=sys.stderr)
        return 2
    counts = ", ".join(f"{k} {v}" for k, v in sorted(result.counts().items()))
    print(f"{len(result.records)} records in {len(result.files)} files under "
          f"{result.records_root} ({counts})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
