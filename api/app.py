"""``create_app(db_path)``: the FastAPI app serving the JSON API under /api and the web UI.

Every error, whatever raised it, leaves in one shape, ``{"ok": false, "error": …, "status": …}``
(JSON for API clients, the same message on an HTML page for browsers on UI pages).
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from reportmine.errors import ReportmineError
from reportmine.store import Store

from .deps import Settings
from .guard import Guard, error_body
from .routes import READ_ONLY_POSTS, ROUTERS
from .routes.ui import render

log = logging.getLogger(__name__)
STATIC = Path(__file__).resolve().parent / "static"


def create_app(db_path: str, *, token: str | None = None, max_upload_bytes: int = 64 * 1024 * 1024,
               max_files: int = 50, register_wait: float = 5.0) -> FastAPI:
    """The app over the store at ``db_path``.

    Args:
        db_path: SQLite file (created and migrated if missing).
        token: bearer token required on writes; defaults to ``$REPORTMINE_TOKEN``; None or "" = open.
        max_upload_bytes: the largest request body accepted (413 beyond).
        max_files: the most files one upload may carry (413 beyond).
        register_wait: seconds a register view waits for a rebuild before answering "rebuilding".
    """
    if db_path == ":memory:":
        raise ValueError("the API needs a database file: each request thread opens its own connection")
    Store(db_path).close()  # create and migrate once, before request threads race to do it
    settings = Settings(db_path, token or os.environ.get("REPORTMINE_TOKEN") or None, max_upload_bytes, max_files,
                        register_wait, read_only_posts=READ_ONLY_POSTS)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        settings.close()

    app = FastAPI(title="reportmine", summary="Figures, statements and rectification tracking in Chinese "
                  "public-finance documents.", version="0.1.0", lifespan=lifespan)
    app.state.settings = settings
    for router in ROUTERS:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    _add_error_handlers(app)
    app.add_middleware(Guard, settings=settings)
    return app


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ReportmineError)
    async def reportmine_error(request: Request, exc: ReportmineError) -> Response:
        return _error(request, exc.message, exc.status)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = str(exc.detail)
        if exc.status_code == 404 and message == "Not Found":
            message = f"not found: {request.url.path}"
        elif exc.status_code == 405:
            message = f"method {request.method} is not allowed on {request.url.path}"
        return _error(request, message, exc.status_code, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        return _error(request, "invalid request: " + "; ".join(_describe(e) for e in exc.errors()), 422)

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception) -> Response:
        log.exception("internal error on %s %s", request.method, request.url.path)
        return _error(request, "internal error; the server log has the details", 500)


def _describe(error: dict[str, object]) -> str:
    where = ".".join(str(p) for p in error.get("loc", ()) if p != "body")  # type: ignore[attr-defined]
    return f"{where}: {error.get('msg')}" if where else str(error.get("msg"))


def _error(request: Request, message: str, status: int, headers: Mapping[str, str] | None = None) -> Response:
    if _wants_html(request):
        return render(request, "error.html", status=status, error=error_body(message, status))
    return JSONResponse(error_body(message, status), status_code=status, headers=headers)


def _wants_html(request: Request) -> bool:
    path = request.url.path
    return (request.method == "GET" and not path.startswith(("/api/", "/health", "/static/", "/docs", "/openapi"))
            and "text/html" in request.headers.get("accept", ""))
