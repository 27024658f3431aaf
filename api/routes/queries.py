"""Read-only queries across documents: figures, checks, statements, search, summary, health."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from reportmine.document import CATEGORIES, FIGURE_UNITS, STATEMENT_KINDS
from reportmine.store import Store

from ..deps import StoreDep
from .documents import DocType, Limit, Offset, page_dict

router = APIRouter(tags=["queries"])
Unit = Literal[FIGURE_UNITS]  # type: ignore[valid-type]
Kind = Literal[STATEMENT_KINDS]  # type: ignore[valid-type]
Category = Literal[CATEGORIES]  # type: ignore[valid-type]
Region = Annotated[str | None, Query(max_length=100, description="Substring of the region, e.g. 临江.")]
Year = Annotated[int | None, Query(ge=1900, le=2200)]


def search_results(store: Store, q: str, *, limit: int = 20, offset: int = 0,
                   doc_type: str | None = None, region: str | None = None) -> dict[str, Any]:
    return {"query": q, **page_dict(store.search(q, limit=limit, offset=offset, doc_type=doc_type, region=region))}


@router.get("/api/figures", summary="Figures across documents")
def get_figures(store: StoreDep, label: Annotated[str | None, Query(max_length=100)] = None,
                unit: Unit | None = None, min: float | None = None, max: float | None = None,
                region: Region = None, year: Year = None, inconsistent: bool = False,
                limit: Limit = 100, offset: Offset = 0) -> dict[str, Any]:
    """Money values are in yuan; ``inconsistent=true`` keeps figures in a check that does not hold."""
    return page_dict(store.figures(label=label, unit=unit, min_value=min, max_value=max, region=region,
                                   year=year, inconsistent=inconsistent, limit=limit, offset=offset))


@router.get("/api/checks", summary="Arithmetic checks")
def get_checks(store: StoreDep, inconsistent: bool = False, doc_id: str | None = None,
               limit: Limit = 100, offset: Offset = 0) -> dict[str, Any]:
    return page_dict(store.checks(doc_id=doc_id, inconsistent=inconsistent, limit=limit, offset=offset))


@router.get("/api/statements", summary="Issue / recommendation / measure / rectification statements")
def get_statements(store: StoreDep, kind: Kind | None = None, category: Category | None = None,
                   region: Region = None, year: Year = None, doc_id: str | None = None,
                   limit: Limit = 100, offset: Offset = 0) -> dict[str, Any]:
    return page_dict(store.statements(kind=kind, category=category, region=region, year=year, doc_id=doc_id,
                                      limit=limit, offset=offset))


@router.get("/api/search", summary="Full-text search over passages")
def get_search(store: StoreDep, q: Annotated[str, Query(min_length=1, max_length=200)],
               doc_type: DocType | None = None, region: Region = None,
               limit: Annotated[int, Query(ge=1, le=100)] = 20, offset: Offset = 0) -> dict[str, Any]:
    return search_results(store, q, limit=limit, offset=offset, doc_type=doc_type, region=region)


@router.get("/api/summary", summary="What the store holds")
def get_summary(store: StoreDep) -> dict[str, Any]:
    return store.summary()


@router.get("/health", summary="Liveness and store reachability")
def health(store: StoreDep) -> dict[str, Any]:
    return {"ok": True, "documents": store.documents(limit=1).total}
