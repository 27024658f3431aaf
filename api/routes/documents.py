"""/api/documents: list, one document with everything found in it, and uploads.

The functions above the routes build plain dicts; the JSON routes return them and the UI pages
render the very same dicts, so the two can never disagree.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Query, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from reportmine.document import DOC_TYPES, to_jsonable
from reportmine.errors import ReportmineError
from reportmine.store import Page, Store

from ..deps import SettingsDep, StoreDep, WriteAuth
from ..guard import error_body
from ..uploads import Upload, check_name, ingest_uploads

router = APIRouter(tags=["documents"])
DocType = Literal[DOC_TYPES]  # type: ignore[valid-type]
Limit = Annotated[int, Query(ge=1, le=1000, description="Rows per page (1..1000).")]
Offset = Annotated[int, Query(ge=0, description="Rows to skip.")]
_ALL_BATCH = 1000  # the store's largest page


class TooManyFiles(ReportmineError):
    """More files in one upload than the server accepts."""

    status = 413


def page_dict(page: Page) -> dict[str, Any]:
    """A Page as JSON, with the offsets of the neighbouring pages (None at either end)."""
    nxt = page.offset + page.limit
    return {"total": page.total, "limit": page.limit, "offset": page.offset,
            "next_offset": nxt if nxt < page.total else None,
            "prev_offset": max(0, page.offset - page.limit) if page.offset else None,
            "rows": page.rows}


def list_documents(store: Store, *, doc_type: str | None = None, region: str | None = None,
                   year: int | None = None, limit: int = 50, offset: int = 0) -> dict[str, Any]:
    return page_dict(store.documents(doc_type=doc_type, region=region, year=year, limit=limit, offset=offset))


def all_rows(fetch: Callable[[int, int], Page]) -> list[dict[str, Any]]:
    """Every row of a listing, page by page (a long budget report can hold thousands of figures)."""
    rows: list[dict[str, Any]] = []
    while True:
        page = fetch(_ALL_BATCH, len(rows))
        rows += page.rows
        if not page.rows or len(rows) >= page.total:
            return rows


def document_detail(store: Store, ref: str) -> dict[str, Any]:
    """A document's metadata, text, sections and every item extracted from it.

    Each figure carries the checks it takes part in, so a reader sees at once whether the
    arithmetic around a number holds.
    """
    row = store.document(ref)
    doc_id = row["id"]
    text = row.pop("text")
    sections = [to_jsonable(s) for s in store.load_document(doc_id).sections]
    checks = all_rows(lambda lim, off: store.checks(doc_id=doc_id, limit=lim, offset=off))
    figures = all_rows(lambda lim, off: store.figures(doc_id=doc_id, limit=lim, offset=off))
    statements = all_rows(lambda lim, off: store.statements(doc_id=doc_id, limit=lim, offset=off))
    for figure in figures:
        span = [figure["start"], figure["end"]]
        figure["checks"] = [c["id"] for c in checks if span in c["figure_spans"]]
    return {"document": row, "text": text, "sections": sections, "figures": figures, "checks": checks,
            "statements": statements, "claims": store.claims(doc_id)}


@router.get("/api/documents", summary="List documents")
def get_documents(store: StoreDep, doc_type: DocType | None = None,
                  region: Annotated[str | None, Query(max_length=100)] = None,
                  year: Annotated[int | None, Query(ge=1900, le=2200)] = None,
                  limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
    return list_documents(store, doc_type=doc_type, region=region, year=year, limit=limit, offset=offset)


@router.get("/api/documents/{ref}", summary="One document: meta, text, sections and extracted items")
def get_document(store: StoreDep, ref: str) -> dict[str, Any]:
    return document_detail(store, ref)


@router.post("/api/documents", summary="Upload and ingest files", dependencies=[WriteAuth],
             responses={207: {"description": "Some files failed"}, 413: {"description": "Too many or too large"},
                        422: {"description": "No file could be ingested"}})
async def post_documents(settings: SettingsDep,
                         files: Annotated[list[UploadFile], File(description="One or more documents.")]) -> JSONResponse:
    """Ingest the uploaded files synchronously and report each one.

    200 when every file was added or already stored, 207 when some failed, 422 when none could be
    read. A failed file stores nothing. Names that are paths or carry control characters refuse the
    whole request with 400 before anything is written.
    """
    if len(files) > settings.max_files:
        raise TooManyFiles(f"{len(files)} files in one upload; the limit is {settings.max_files}")
    uploads = [Upload(check_name(f.filename), f.file) for f in files]
    results = await run_in_threadpool(_ingest_locked, settings, uploads)
    failed = sum(r["status"] == "failed" for r in results)
    if failed == len(results):
        body = error_body("no file could be ingested: " + "; ".join(r["error"] for r in results), 422)
        return JSONResponse({**body, "files": results}, status_code=422)
    status = 207 if failed else 200
    return JSONResponse({"ok": not failed, "status": status, "files": results}, status_code=status)


def _ingest_locked(settings: Any, uploads: list[Upload]) -> list[dict[str, Any]]:
    # One writer at a time: SQLite allows a single write transaction, and ingest checks
    # "already stored?" before it writes, which two concurrent uploads of one file would race.
    with settings.writing() as store:
        return ingest_uploads(uploads, store)
