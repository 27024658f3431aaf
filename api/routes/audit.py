"""Self-evaluation depth audits over HTTP: stored scores with sub-scores, spans and flags, a run
that audits (and stores) documents, and the page /audit; plus the dashboard's score histogram."""

from __future__ import annotations

import statistics
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse

from reportmine import audit
from reportmine.errors import NotFound
from reportmine.store import Store

from .. import charts
from ..deps import Settings, SettingsDep, StoreDep, WriteAuth
from .documents import DocType, Offset, all_rows, page_dict
from .ui import render

router = APIRouter(tags=["audit"])
PAGES = [("/audit", "Audit")]
OUTLIER_Z = 1.5  # as audit.rank: |z| at or above marks a report far from the others


def audits_data(store: Store, *, doc_type: str | None = None, limit: int = 50, offset: int = 0) -> dict[str, Any]:
    """One page of stored audits, best first, each with its z-score against all stored audits."""
    page = page_dict(store.audits(doc_type=doc_type, limit=limit, offset=offset))
    scores = [r["score"] for r in all_rows(lambda lim, off: store.audits(doc_type=doc_type, limit=lim, offset=off))]
    mean = statistics.fmean(scores) if scores else 0.0
    spread = statistics.pstdev(scores) if len(scores) > 1 else 0.0
    for row in page["rows"]:
        row["z"] = round((row["score"] - mean) / spread, 2) if spread else 0.0
        row["outlier"] = abs(row["z"]) >= OUTLIER_Z
    page["mean"] = round(mean, 1)
    return page


def dashboard_charts(settings: Settings, store: Store) -> list[charts.Chart]:
    """A histogram of audit scores, once there are audits."""
    scores = [r["score"] for r in all_rows(lambda lim, off: store.audits(limit=lim, offset=off))]
    if not scores:
        return []
    return [charts.histogram("Self-evaluation depth scores (audits)", scores, lo=0, hi=100, bins=10,
                             note=f"{len(scores)} audited reports; 0 = boilerplate, 100 = quantified and candid")]


@router.get("/api/audit", summary="Stored audits, best first")
def get_audits(store: StoreDep, doc_type: DocType | None = None,
               limit: Annotated[int, Query(ge=1, le=1000)] = 50, offset: Offset = 0) -> dict[str, Any]:
    return audits_data(store, doc_type=doc_type, limit=limit, offset=offset)


@router.get("/api/audit/{doc_id}", summary="One document's stored audit")
def get_audit(store: StoreDep, doc_id: str) -> dict[str, Any]:
    full_id = store.document(doc_id)["id"]
    for row in all_rows(lambda lim, off: store.audits(limit=lim, offset=off)):
        if row["doc_id"] == full_id:
            return dict(row)
    raise NotFound(f"document {doc_id!r} has not been audited: POST /api/audit with its id")


@router.post("/api/audit", summary="Audit documents and store the results", dependencies=[WriteAuth])
async def post_audit(settings: SettingsDep,
                     doc_ids: Annotated[list[str] | None, Body(embed=True, max_length=10_000)] = None) -> dict[str, Any]:
    """Audit the given documents (ids or id prefixes), or every self-evaluation and evaluation report."""
    return await run_in_threadpool(_run, settings, doc_ids)


def _run(settings: Settings, doc_ids: list[str] | None) -> dict[str, Any]:
    with settings.writing() as store:
        ids = None if doc_ids is None else [store.document(d)["id"] for d in doc_ids]
        results = audit.audit_stored(store, ids)
        return {"ok": True, "audited": len(results), "rank": audit.rank(results), "by_unit": audit.by_unit(results)}


@router.get("/audit", response_class=HTMLResponse, include_in_schema=False)
def audit_page(request: Request, settings: SettingsDep, store: StoreDep, doc_type: DocType | None = None,
               offset: Offset = 0) -> HTMLResponse:
    page = audits_data(store, doc_type=doc_type, limit=25, offset=offset)
    return render(request, "audit.html", page=page, weights=audit.WEIGHTS, needs_token=bool(settings.token),
                  params={"doc_type": doc_type} if doc_type else {})
