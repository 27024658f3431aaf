"""Routers, one module per area; ``create_app`` includes every router listed in ``ROUTERS``.

Adding a service (the recommendation register, proposal answering, self-evaluation audits) is
one new module here, e.g. ``recommendations.py`` with a ``router`` for ``/api/recommendations``
and its page, listed below; a page it adds goes into ``ui.NAV`` so the top bar shows it. The UI
router stays last so that its catch-free paths never shadow an API route.
"""

from fastapi import APIRouter

from . import documents, queries, ui

ROUTERS: list[APIRouter] = [documents.router, queries.router, ui.router]
