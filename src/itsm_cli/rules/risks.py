"""RSK001–RSK005: actions to address risks (ISO/IEC 20000-1:2018, 6.1; 8.7.3.2 for
information security risks).

A Risk retired as a record (`metadata.status: retired`) is history and is not checked. A
draft risk is checked like an approved one: a risk being assessed is still a risk.
The inherent score is likelihood × impact (1–25); `risk.high` (default 12) is the score from
which a risk is high.
"""

from __future__ import annotations

from collections.abc import Iterator

from itsm_cli.findings import Finding, Severity
from itsm_cli.records.kinds.risk import Risk, RiskSpec
from itsm_cli.records.load import LoadedRecord
from itsm_cli.records.queries import not_retired
from itsm_cli.rules.registry import RuleContext, rule
from itsm_cli.rules.wording import overdue_actions

_RSK = ("6.1",)
_SECURITY = ("6.1", "8.7.3.2")


def current_risks(ctx: RuleContext) -> Iterator[LoadedRecord[Risk]]:
    """Risks that are not retired."""
    return not_retired(ctx.index, Risk)


def risk_clauses(spec: RiskSpec) -> tuple[str, ...]:
    """6.1, with 8.7.3.2 for a security risk (RSK001, RSK004)."""
    return _SECURITY if spec.category == "security" else _RSK


def is_accepted(spec: RiskSpec) -> bool:
    return spec.treatment == "accept" or spec.acceptance is not None


@rule(
    "RSK001", Severity.ERROR, _SECURITY,
    summary="A risk with inherent score (likelihood × impact) ≥ risk.high (default 12) and "
    "treatment mitigate, transfer or avoid has no action and no control.",
    hint="Record the controls in place under `spec.controls`, or the actions that will treat "
    "the risk under `spec.actions` (description, owner, due, status).",
    failing="""
        kind: Risk
        spec:
          likelihood: 4
          impact: 4            # score 16 >= 12
          treatment: mitigate  # and no controls, no actions
    """,
    passing="""
        kind: Risk
        spec:
          likelihood: 4
          impact: 4
          treatment: mitigate
          controls: [Nightly off-site backups with restore tests]
    """,
)
def find_high_risks_untreated(ctx: RuleContext) -> Iterator[Finding]:
    """6.1 asks for actions to address the risks determined. A high risk whose chosen
    treatment is to mitigate, transfer or avoid it, but which names no control in place and
    no action planned, is treated on paper only: the auditor asks what is being done about
    it and the record has no answer. An accepted risk is RSK003's subject."""
    high = ctx.config.risk.high
    for risk in current_risks(ctx):
        spec = risk.model.spec
        if spec.treatment == "accept" or spec.score < high or spec.actions or spec.controls:
            continue
        yield ctx.finding(
            risk,
            f"{risk.id}: score {spec.likelihood} × {spec.impact} = {spec.score} ≥ {high} "
            f"(risk.high) and treatment {spec.treatment}, but no controls and no actions",
            ("spec", "treatment"),
            clauses=risk_clauses(spec),
        )


@rule(
    "RSK002", Severity.WARNING, _RSK,
    summary="A risk action is open past its due date.",
    hint="Finish the action and set its status to done, or agree a new due date.",
    failing="""
        kind: Risk
        spec:
          actions:
            - {description: Add a second carrier, owner: network-manager, due: 2026-09-30,
               status: open}   # before today
    """,
    passing="""
        kind: Risk
        spec:
          actions:
            - {description: Add a second carrier, owner: network-manager, due: 2026-09-30,
               status: done}
    """,
)
def find_overdue_risk_actions(ctx: RuleContext) -> Iterator[Finding]:
    """A risk action still open after its due date leaves the risk as high as it was
    while the register says it is being treated (6.1)."""
    for risk in current_risks(ctx):
        for k, _, words in overdue_actions(ctx.today, risk.model.spec.actions):
            yield ctx.finding(risk, words, ("spec", "actions", k, "due"))


@rule(
    "RSK003", Severity.ERROR, _RSK,
    summary="A risk with treatment accept has no acceptance {by, date}.",
    hint="Record who accepted the risk and when: `acceptance: {by: <risk owner or top "
    "management>, date: YYYY-MM-DD}`.",
    failing="""
        kind: Risk
        spec:
          treatment: accept   # and no acceptance
    """,
    passing="""
        kind: Risk
        spec:
          treatment: accept
          acceptance: {by: Head of Service Delivery, date: 2026-03-02}
    """,
)
def find_unaccepted_accepted_risks(ctx: RuleContext) -> Iterator[Finding]:
    """Accepting a risk is a decision somebody with the authority takes and can be asked
    about (6.1): "accept" with nobody named is a risk nobody owns."""
    for risk in current_risks(ctx):
        spec = risk.model.spec
        if spec.treatment == "accept" and spec.acceptance is None:
            yield ctx.finding(
                risk,
                f"{risk.id} has treatment accept but no acceptance {{by, date}}: nobody is "
                "recorded as having accepted it",
                ("spec", "treatment"),
            )


@rule(
    "RSK004", Severity.WARNING, _SECURITY,
    summary="A risk's assessed + risk.assessmentInterval (default P12M) is before today.",
    hint="Reassess the risk (likelihood, impact, controls) and set `spec.assessed` to the "
    "date of the assessment.",
    failing="""
        kind: Risk
        spec:
          assessed: 2025-06-12   # + P12M = 2026-06-12, before today
    """,
    passing="""
        kind: Risk
        spec:
          assessed: 2026-06-12   # + P12M = 2027-06-12
    """,
)
def find_stale_risk_assessments(ctx: RuleContext) -> Iterator[Finding]:
    """Risks change with the services, the suppliers and the threats; 6.1 expects them to
    be determined and reviewed, not written once. A risk not reassessed within
    `risk.assessmentInterval` (by the calendar) is out of date. An assessment dated after
    today has not happened (DOC004) and is not overdue here either."""
    interval = ctx.config.risk.interval
    for risk in current_risks(ctx):
        spec = risk.model.spec
        due = interval.after(spec.assessed)
        if due < ctx.today:
            yield ctx.finding(
                risk,
                f"assessed {spec.assessed.isoformat()} + {interval} (risk.assessmentInterval) "
                f"= {due.isoformat()}: the reassessment is overdue",
                ("spec", "assessed"),
                clauses=risk_clauses(spec),
            )


@rule(
    "RSK005", Severity.WARNING, _RSK,
    summary="A risk has at least one action, every action is done, its residual score is "
    "still ≥ risk.high, and it is not accepted.",
    hint="Plan further actions, or have the residual risk accepted (`acceptance: {by, date}`).",
    failing="""
        kind: Risk
        spec:
          treatment: mitigate
          actions:
            - {description: Add a second carrier, owner: network-manager, due: 2026-09-30,
               status: done}
          residual: {likelihood: 3, impact: 4}   # 12 >= 12, not accepted
    """,
    passing="""
        kind: Risk
        spec:
          treatment: mitigate
          actions:
            - {description: Add a second carrier, owner: network-manager, due: 2026-09-30,
               status: done}
          residual: {likelihood: 2, impact: 4}   # 8 < 12
    """,
)
def find_high_residual_risks(ctx: RuleContext) -> Iterator[Finding]:
    """When every planned action is done and the residual risk is still high, treatment
    has stopped short: either more is done, or somebody accepts what is left (6.1)."""
    high = ctx.config.risk.high
    for risk in current_risks(ctx):
        spec = risk.model.spec
        residual = spec.residual
        if (
            not spec.actions
            or any(a.status != "done" for a in spec.actions)
            or residual is None
            or residual.score < high
            or is_accepted(spec)
        ):
            continue
        n = len(spec.actions)
        done = "its one action is done" if n == 1 else f"all {n} actions are done"
        yield ctx.finding(
            risk,
            f"{risk.id}: {done}, but residual score "
            f"{residual.likelihood} × {residual.impact} = {residual.score} ≥ {high} "
            "(risk.high) and the risk is not accepted",
            ("spec", "residual"),
        )
