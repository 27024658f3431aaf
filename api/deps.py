"""Shared dependencies: settings, the store, the write lock and the token check.

Each request borrows a :class:`Store` (its own SQLite connection) from a small pool and gives it
back when done: one connection shared by the threadpool would interleave transactions, and a
thread-local one is not safe either, because FastAPI may run a dependency and its endpoint on
different threads. WAL mode lets these connections read while an upload writes; writes
themselves are serialised by one lock per app.
"""

from __future__ import annotations

import queue
import secrets
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from reportmine.errors import ReportmineError
from reportmine.store import Store

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class Unauthorized(ReportmineError):
    """A write request without the configured bearer token."""

    status = 401


@dataclass(slots=True)
class Settings:
    """What ``create_app`` was given; kept on ``app.state.settings``."""

    db_path: str
    token: str | None = None
    max_upload_bytes: int = 64 * 1024 * 1024
    max_files: int = 50
    register_wait: float = 5.0  # seconds a request waits for a register rebuild before serving the old one
    write_lock: threading.Lock = field(default_factory=threading.Lock)
    generation: int = 0  # bumped by every write through this app: keys caches of derived views
    services: dict[str, Any] = field(default_factory=dict)  # per-app state of services (rebuilders, caches)
    read_only_posts: frozenset[str] = frozenset()  # POST paths that compute without writing: no token needed
    _idle: queue.LifoQueue[Store] = field(default_factory=queue.LifoQueue)

    @contextmanager
    def writing(self) -> Iterator[Store]:
        """A store under the write lock; derived views cached before it are void afterwards."""
        with self.write_lock, self.store() as store:
            try:
                yield store
            finally:
                self.generation += 1

    @contextmanager
    def store(self) -> Iterator[Store]:
        """Borrow a store for the length of one request; opened on first need, then reused."""
        try:
            store = self._idle.get_nowait()
        except queue.Empty:
            store = Store(self.db_path)
        try:
            yield store
        finally:
            self._idle.put(store)

    def close(self) -> None:
        while not self._idle.empty():
            self._idle.get_nowait().close()

    def token_ok(self, authorization: str | None) -> bool:
        """True when no token is configured or ``authorization`` carries it (constant-time compare)."""
        if not self.token:
            return True
        scheme, _, given = (authorization or "").partition(" ")
        return scheme.lower() == "bearer" and secrets.compare_digest(given.strip().encode(), self.token.encode())


# The dependencies are ``async`` although they do no I/O: FastAPI runs a sync dependency in a
# worker thread, and two thread hops (three for a generator) per request were most of a cheap
# listing's cost under load. Borrowing from the pool never waits; opening a store (until the pool
# holds one per concurrent request) takes a millisecond.
async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_settings)]


async def get_store(settings: SettingsDep) -> AsyncIterator[Store]:
    with settings.store() as store:
        yield store


StoreDep = Annotated[Store, Depends(get_store)]

# auto_error=False: the guard middleware already answered 401 in our error shape; this
# dependency documents the scheme in /docs and re-checks for routes mounted without it.
_bearer = HTTPBearer(auto_error=False, description="Needed on writes when the server has a token.")


def require_token(settings: SettingsDep,
                  credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> None:
    header = f"{credentials.scheme} {credentials.credentials}" if credentials else None
    if not settings.token_ok(header):
        raise Unauthorized("this server needs 'Authorization: Bearer <token>' on write requests")


WriteAuth = Depends(require_token)
