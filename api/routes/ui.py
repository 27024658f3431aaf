"""The web UI: server-rendered pages over the same dicts the JSON routes return."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader

from reportmine.document import CATEGORIES, DOC_TYPES, STATEMENT_KINDS
from reportmine.store import Store

from .. import charts
from ..deps import Settings, SettingsDep, StoreDep
from ..highlight import Mark, highlight
from .documents import DocType, Offset, document_detail, list_documents
from .queries import Region, Year, search_results

router = APIRouter(include_in_schema=False)
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
# Autoescape on for every template, whatever its extension: document text is untrusted.
templates = Jinja2Templates(env=Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True))
# Pages in the top bar; a service's routes module adds its page here when it is wired in.
NAV: list[tuple[str, str]] = [("/", "Dashboard"), ("/documents", "Documents"), ("/search", "Search"),
                              ("/upload", "Upload")]
# Services add charts to the dashboard: each hook returns its charts (empty ones say "no data").
DASHBOARD: list[Callable[[Settings, Store], list[charts.Chart]]] = []
_HIT = re.compile(r"^(\d{1,9})-(\d{1,9})$")


def format_value(row: dict[str, Any]) -> str:
    """A figure's value for people: money in 亿元/万元/元, percentages with %, counts with their word."""
    v = float(row["value_num"] if row.get("value_num") is not None else row["value"])
    unit = row.get("unit")
    hi = f"–{_plain(float(row['value_max']))}" if row.get("value_max") not in (None, "None") else ""
    if unit == "CNY":
        for scale, name in ((1e8, "亿元"), (1e4, "万元")):
            if abs(v) >= scale:
                top = f"–{_plain(float(row['value_max']) / scale)}" if hi else ""
                return f"{_plain(v / scale)}{top} {name}"
        return f"{_plain(v)}{hi} 元"
    if unit == "percent":
        return f"{_plain(v)}{hi}%"
    word = row.get("measure_word") or ("分" if unit == "score" else "")
    return f"{_plain(v)}{hi}{(' ' + word) if word else ''}"


def _plain(v: float) -> str:
    return f"{v:,.4f}".rstrip("0").rstrip(".")


templates.env.filters["value"] = format_value
templates.env.globals.update(nav=NAV, doc_types=DOC_TYPES, kinds=STATEMENT_KINDS, categories=CATEGORIES)


def render(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    return templates.TemplateResponse(request, name, context, status_code=status)


def dashboard_data(store: Store) -> dict[str, Any]:
    """Counts and trend charts for the dashboard."""
    years = store.by_year()
    labels = [str(y["year"]) for y in years]
    kinds = {k: [float(y["by_kind"].get(k, 0)) for y in years] for k in STATEMENT_KINDS}
    return {
        "summary": store.summary(),
        "charts": [
            charts.bar_chart("Documents per year", labels, {"documents": [float(y["documents"]) for y in years]}),
            charts.bar_chart("Money cited per year (亿元)", labels, {"亿元": [y["money"] / 1e8 for y in years]},
                             fmt="{:,.1f}", note="sum of every amount in yuan the documents state; sub-items and "
                                                 "totals both count, so read it as a trend, not a budget"),
            charts.bar_chart("Statements per year by kind", labels, kinds),
            charts.bar_chart("Figures per year", labels, {"figures": [float(y["figures"]) for y in years]}),
        ],
        "recent": list_documents(store, limit=10)["rows"],
    }


def document_view(store: Store, ref: str, hit: str | None = None) -> dict[str, Any]:
    """The document dict plus its text as highlighted HTML and the details each mark shows on hover."""
    data = document_detail(store, ref)
    items: dict[str, dict[str, Any]] = {}
    marks: list[Mark] = []
    checks = {c["id"]: c for c in data["checks"]}
    for i, f in enumerate(data["figures"]):
        key = f"f{i}"
        f["key"], f["display"] = key, format_value(f)
        items[key] = _figure_item(f, checks)
        css = "fig bad" if any(not checks[c]["consistent"] for c in f["checks"]) else "fig"
        marks.append(Mark(f["start"], f["end"], 3, css, key, f"ref-{key}", f"{f['display']} · {f.get('label') or ''}"))
    for i, s in enumerate(data["statements"]):
        key = f"s{i}"
        s["key"] = key
        items[key] = {"type": "statement", "kind": s["kind"], "category": s["category"],
                      "confidence": s["confidence"], "section": s["section"]}
        marks.append(Mark(s["start"], s["end"], 2, f"st {s['kind']}", key, f"ref-{key}", f"{s['kind']} · {s['category']}"))
    for i, sec in enumerate(data["sections"]):
        marks.append(Mark(sec["heading_span"]["start"], sec["heading_span"]["end"], 1, "heading", anchor=f"sec-{i}"))
    hit_span = _hit(hit)
    if hit_span:
        marks.append(Mark(*hit_span, 0, "hit", anchor="hit"))
    return {**data, "html": highlight(data["text"], marks), "items": items}


def _figure_item(f: dict[str, Any], checks: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return {"type": "figure", "text": f["text"], "value": f["display"], "raw_value": f["value"], "unit": f["unit"],
            "qualifier": f["qualifier"], "direction": f["direction"], "label": f["label"], "period": f["period"],
            "checks": [{k: checks[c][k] for k in ("relation", "consistent", "stated", "computed", "explanation")}
                       for c in f["checks"]]}


def _hit(raw: str | None) -> tuple[int, int] | None:
    m = _HIT.match(raw or "")
    return (int(m.group(1)), int(m.group(2))) if m else None


@router.get("/", response_class=HTMLResponse)
def dashboard_page(request: Request, settings: SettingsDep, store: StoreDep) -> HTMLResponse:
    data = dashboard_data(store)
    for hook in DASHBOARD:
        data["charts"] += hook(settings, store)
    return render(request, "dashboard.html", **data)


@router.get("/documents", response_class=HTMLResponse)
def documents_page(request: Request, store: StoreDep, doc_type: DocType | None = None,
                   region: Region = None, year: Year = None,
                   offset: Offset = 0) -> HTMLResponse:
    page = list_documents(store, doc_type=doc_type, region=region, year=year, limit=50, offset=offset)
    filters = {"doc_type": doc_type or "", "region": region or "", "year": year or ""}
    params = {k: v for k, v in filters.items() if v}
    return render(request, "documents.html", page=page, filters=filters, params=params)


@router.get("/documents/{ref}", response_class=HTMLResponse)
def document_page(request: Request, store: StoreDep, ref: str,
                  hit: Annotated[str | None, Query(max_length=24)] = None) -> HTMLResponse:
    return render(request, "document.html", **document_view(store, ref, hit))


@router.get("/search", response_class=HTMLResponse)
def search_page(request: Request, store: StoreDep, q: Annotated[str, Query(max_length=200)] = "",
                offset: Offset = 0) -> HTMLResponse:
    results = search_results(store, q, limit=20, offset=offset) if q.strip() else None
    return render(request, "search.html", q=q, results=results)


@router.get("/upload", response_class=HTMLResponse)
def upload_page(request: Request, settings: SettingsDep) -> HTMLResponse:
    return render(request, "upload.html", needs_token=bool(settings.token), max_files=settings.max_files,
                  max_mib=settings.max_upload_bytes / 2**20)
