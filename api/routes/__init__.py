"""Routers, one module per area; ``create_app`` includes the router of every module in ``MODULES``.

Adding a service (proposal answering, self-evaluation audits) is one new module here with a
``router`` for its ``/api/...`` routes and its page, and ``PAGES = [(path, label)]`` for the top
bar, ``dashboard_charts(settings, store)`` if it has charts for the dashboard, and
``READ_ONLY_POSTS`` for POST routes that compute without writing (no token needed); list it in
``MODULES``. The UI module stays last so its pages never shadow an API route.
"""

from fastapi import APIRouter

from . import answer, audit, documents, queries, recommendations, ui

MODULES = [documents, queries, recommendations, answer, audit, ui]
ROUTERS: list[APIRouter] = [m.router for m in MODULES]
ui.NAV.extend(page for m in MODULES for page in getattr(m, "PAGES", ()) if page not in ui.NAV)
ui.DASHBOARD.extend(m.dashboard_charts for m in MODULES if hasattr(m, "dashboard_charts"))
READ_ONLY_POSTS: frozenset[str] = frozenset(p for m in MODULES for p in getattr(m, "READ_ONLY_POSTS", ()))
