"""The recommendation register over HTTP: items with their links, status counts, rates, and the
decisions people make (confirm or reject a link, set an item's status); and its page, /register.

The register is derived data: ``tracking`` rebuilds it when documents were added since it was
built, and on a large store that takes long (37 s for 10,000 documents). So the rebuild runs in
a background thread under the app's write lock; a request waits for it at most
``register_wait`` seconds and otherwise answers ``"rebuilding": true`` with no rows (tracking's
readers would start the same rebuild in the request itself) rather than hang.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Query, Request
from fastapi.responses import HTMLResponse

from reportmine import tracking
from reportmine.document import CATEGORIES
from reportmine.store import Store

from .. import charts
from ..deps import Settings, SettingsDep, StoreDep, WriteAuth
from .documents import Offset
from .queries import Region, Year
from .ui import render

router = APIRouter(tags=["recommendations"])
PAGES = [("/register", "Register")]
Status = Literal[tracking.STATUSES + ("overdue",)]  # type: ignore[valid-type]
ItemKind = Literal["recommendation", "issue"]
Category = Literal[CATEGORIES]  # type: ignore[valid-type]
RateBy = Literal["region", "category", "year", "unit", "doc"]
Note = Annotated[str | None, Body(embed=True, max_length=2000, description="Why (kept with the decision).")]
_BATCH = 1000
_CACHE_TTL = 300.0
_START = threading.Lock()  # two requests must not both start a rebuild
log = logging.getLogger(__name__)


def _linked(settings: Settings, store: Store) -> bool:
    """True when the register is up to date, after waiting a little for a rebuild it starts if needed."""
    now, built = store.register_fingerprint()
    if now == built:
        return True
    with _START:
        thread = settings.services.get("relink")
        if thread is None or not thread.is_alive():
            thread = threading.Thread(target=_relink, args=(settings,), name="relink", daemon=True)
            settings.services["relink"] = thread
            thread.start()
    thread.join(settings.register_wait)
    return not thread.is_alive()


def wait_for_register(settings: Settings, store: Store) -> None:
    """Block until the register is current: for services that read it (tracking would rebuild it in-request)."""
    while not _linked(settings, store):
        pass


def _relink(settings: Settings) -> None:
    try:
        with settings.writing() as store:
            tracking.ensure_linked(store)
    except Exception:  # a background thread has nobody to raise to: log, and the next request retries
        log.exception("rebuilding the recommendation register failed")


def register_data(settings: Settings, store: Store, *, status: str | None = None, region: str | None = None,
                  category: str | None = None, kind: str = "recommendation", year: int | None = None,
                  doc_id: str | None = None, limit: int = 50, offset: int = 0) -> dict[str, Any]:
    """One page of register items with their links, the filtered total and counts by status."""
    if not _linked(settings, store):
        return {"total": 0, "limit": limit, "offset": offset, "next_offset": None, "prev_offset": None,
                "rebuilding": True, "counts": dict.fromkeys(tracking.STATUSES, 0), "rows": []}
    filters = {"region": region, "category": category, "kind": kind, "year": year, "doc_id": doc_id}
    counts = _cached(settings, store, ("counts", *filters.values()),
                     lambda: {s: store.register_rows(status=s, limit=1, **filters).total for s in tracking.STATUSES})
    if status == "overdue":
        # "overdue" is a flag, not a stored status: tracking filters it after paging, so page here.
        everything = _all_items(store, status="overdue", **filters)
        rows, total = everything[offset:offset + limit], len(everything)
    else:
        rows = tracking.recommendations(store, status=status, limit=limit, offset=offset, **filters)
        total = store.register_rows(status=status, limit=1, **filters).total
    nxt = offset + limit
    return {"total": total, "limit": limit, "offset": offset, "next_offset": nxt if nxt < total else None,
            "prev_offset": max(0, offset - limit) if offset else None, "rebuilding": False, "counts": counts,
            "rows": rows}


def _all_items(store: Store, **filters: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    total = store.register_rows(limit=1, **{k: v for k, v in filters.items() if k != "status"}).total
    for off in range(0, total, _BATCH):
        items += tracking.recommendations(store, limit=_BATCH, offset=off, **filters)
    return items


def rates_data(settings: Settings, store: Store, by: str) -> list[dict[str, Any]]:
    """``tracking.rates``, cached (it aggregates the whole register in Python: 10 s on 61,000 items)."""
    if not _linked(settings, store):
        return []
    return _cached(settings, store, ("rates", by), lambda: tracking.rates(store, by))  # type: ignore[no-any-return]


def _cached(settings: Settings, store: Store, name: tuple[Any, ...], compute: Any) -> Any:
    """``compute()`` once per register state: valid until the next write through this app, or the TTL
    (which catches decisions made with the CLI). One lock, so a burst of requests computes it once."""
    key = (*name, settings.generation, store.register_fingerprint()[1])
    cache: dict[tuple[Any, ...], tuple[float, Any]] = settings.services.setdefault("register_cache", {})
    with settings.services.setdefault("register_cache_lock", threading.Lock()):
        hit = cache.get(key)
        if hit is None or time.monotonic() - hit[0] > _CACHE_TTL:
            if len(cache) > 256:
                cache.clear()
            hit = cache[key] = (time.monotonic(), compute())
    return hit[1]



def dashboard_charts(settings: Settings, store: Store) -> list[charts.Chart]:
    """Rectification rate per region, and items per category by status."""
    note = "" if _linked(settings, store) else "the register is being rebuilt; reload in a minute"
    by_region = [r for r in rates_data(settings, store, "region") if r["total"]]
    by_category = [r for r in rates_data(settings, store, "category") if r["total"]]
    return [
        charts.bar_chart("Rectification rate by region (%)", [str(r["region"] or "?") for r in by_region],
                         {"rectified %": [100 * (r["rectified_rate"] or 0) for r in by_region]}, fmt="{:.0f}",
                         note=note or "share of recommendations whose rectification is evidenced or claimed"),
        charts.bar_chart("Recommendations by category and status", [str(r["category"] or "?") for r in by_category],
                         {s: [float(r[s]) for r in by_category] for s in tracking.STATUSES}, note=note,
                         classes=[f"status-{s}" for s in tracking.STATUSES]),
    ]


@router.get("/api/recommendations", summary="The recommendation register")
def get_recommendations(settings: SettingsDep, store: StoreDep, status: Status | None = None, region: Region = None,  # type: ignore[valid-type]
                        category: Category | None = None, kind: ItemKind = "recommendation", year: Year = None,
                        doc_id: str | None = None, limit: Annotated[int, Query(ge=1, le=1000)] = 50,
                        offset: Offset = 0) -> dict[str, Any]:
    """Items with their links (evidence, reason, score, status words) and counts by status."""
    return register_data(settings, store, status=status, region=region, category=category, kind=kind,
                         year=year, doc_id=doc_id, limit=limit, offset=offset)


@router.get("/api/recommendations/rates", summary="Rectification rates by region, category, year, unit or doc")
def get_rates(settings: SettingsDep, store: StoreDep, by: RateBy = "region") -> dict[str, Any]:
    return {"by": by, "rows": rates_data(settings, store, by)}


@router.post("/api/links/{link_id}/confirm", summary="Confirm a link", dependencies=[WriteAuth])
def post_confirm(settings: SettingsDep, link_id: str, note: Note = None) -> dict[str, Any]:
    return _decide(settings, tracking.confirm_link, link_id, note)


@router.post("/api/links/{link_id}/reject", summary="Reject a link", dependencies=[WriteAuth])
def post_reject(settings: SettingsDep, link_id: str, note: Note = None) -> dict[str, Any]:
    return _decide(settings, tracking.reject_link, link_id, note)


@router.put("/api/recommendations/{rec_id}/status", summary="Set an item's status", dependencies=[WriteAuth])
def put_status(settings: SettingsDep, rec_id: str,
               status: Annotated[Literal[tracking.STATUSES], Body(embed=True)],  # type: ignore[valid-type]
               note: Note = None) -> dict[str, Any]:
    with settings.writing() as store:
        return {"ok": True, "decision": tracking.set_status(store, rec_id, status, note)}


def _decide(settings: Settings, action: Any, target: str, note: str | None) -> dict[str, Any]:
    with settings.writing() as store:
        return {"ok": True, "decision": action(store, target, note)}


@router.get("/register", response_class=HTMLResponse, include_in_schema=False)
def register_page(request: Request, settings: SettingsDep, store: StoreDep, status: Status | None = None, region: Region = None,  # type: ignore[valid-type]
                  category: Category | None = None, year: Year = None, offset: Offset = 0) -> HTMLResponse:
    filters = {"status": status or "", "region": region or "", "category": category or "", "year": year or ""}
    page = register_data(settings, store, status=status, region=region, category=category, year=year,
                         limit=25, offset=offset)
    return render(request, "register.html", page=page, filters=filters,
                  params={k: v for k, v in filters.items() if v}, statuses=tracking.STATUSES,
                  needs_token=bool(settings.token))
