"""The risks report: 5 × 5 heat maps of inherent and residual score (counts per cell), the
risk register sorted by score, and the risk actions open past their due date (RSK002).

Retired risks are left out. A risk without `residual` appears in the residual map at its
inherent score: nothing has been recorded to reduce it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from itsm_cli.records.fields import Status
from itsm_cli.records.kinds.risk import Risk

if TYPE_CHECKING:
    from itsm_cli.reports.registry import ReportInput


def _grid() -> list[list[int]]:
    return [[0] * 5 for _ in range(5)]


def build(data: ReportInput) -> dict[str, Any]:
    from itsm_cli.reports.charts import heat_map

    high = data.workspace.config.risk.high
    everything = data.repository.index.of_kind(Risk)
    risks = [r for r in everything if r.model.metadata.status is not Status.RETIRED]
    inherent, residual = _grid(), _grid()
    rows: list[dict[str, Any]] = []
    for risk in risks:
        spec = risk.model.spec
        res = spec.residual
        r_l, r_i = (res.likelihood, res.impact) if res else (spec.likelihood, spec.impact)
        inherent[spec.likelihood - 1][spec.impact - 1] += 1
        residual[r_l - 1][r_i - 1] += 1
        overdue = [
            {"description": a.description, "owner": a.owner, "due": a.due,
             "late": (data.today - a.due).days}
            for a in spec.actions if a.status == "open" and a.due < data.today
        ]
        rows.append({
            "id": risk.id,
            "title": risk.model.metadata.title,
            "owner": risk.model.metadata.owner,
            "status": risk.model.metadata.status.value,
            "category": spec.category,
            "likelihood": spec.likelihood,
            "impact": spec.impact,
            "score": spec.score,
            "residual": res.score if res else None,
            "residual_text": f"{r_l} × {r_i} = {r_l * r_i}" if res else "–",
            "high": spec.score >= high,
            "treatment": spec.treatment,
            "assessed": spec.assessed,
            "controls": len(spec.controls),
            "actions": len(spec.actions),
            "overdue": overdue,
            "accepted": spec.acceptance.by if spec.acceptance else "",
            "findings": data.findings_by_record.rows(risk.id, "RSK"),
            "file": risk.file,
        })
    rows.sort(key=lambda r: (-r["score"], -(r["residual"] or 0), r["id"]))
    return {
        "title": "Risks",
        "high": high,
        "risks": rows,
        "retired": len(everything) - len(risks),
        "inherent": inherent,
        "residual": residual,
        "inherent_map": heat_map(inherent, "Inherent risk: likelihood × impact", high),
        "residual_map": heat_map(residual, "Residual risk: likelihood × impact", high),
        "overdue": [dict(a, risk=r["id"]) for r in rows for a in r["overdue"]],
        "summary": {
            "risks": len(rows),
            "high": sum(1 for r in rows if r["high"]),
            "residual_high": sum(
                1 for r in rows if (r["residual"] if r["residual"] is not None else r["score"])
                >= high
            ),
            "overdue": sum(len(r["overdue"]) for r in rows),
        },
    }
