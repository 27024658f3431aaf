"""A pure ASGI guard in front of every request: write auth, same-origin writes, body size, headers.

It works below FastAPI on purpose. FastAPI parses a request body before it resolves any
dependency, so a token check or a size check in a dependency would come only after a 1 GB
upload had been spooled to disk. Here an unauthenticated or oversized write is answered before
its first body byte is read.
"""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .deps import WRITE_METHODS, Settings

log = logging.getLogger(__name__)

# Our pages load nothing from elsewhere and run no inline script; /docs is FastAPI's page and
# needs its own rules, so it is left out of the policy.
_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
_NO_CSP = ("/docs", "/redoc", "/openapi.json")


def error_body(message: str, status: int) -> dict[str, Any]:
    """The one error shape every endpoint answers with (datasette's ``error_body``)."""
    return {"ok": False, "error": message, "status": status}


class Guard:
    """Checks writes before their body is read and adds security headers to every response."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        send = self._with_headers(scope, send)
        if scope["method"] in WRITE_METHODS:
            computes_only = scope["method"] == "POST" and scope["path"] in self.settings.read_only_posts
            refusal = self._refuse(Headers(scope=scope), writes=not computes_only)
            if refusal:
                await _answer(send, *refusal)
                return
            await self._limited(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def _refuse(self, headers: Headers, *, writes: bool) -> tuple[int, str, dict[str, str]] | None:
        origin = headers.get("origin")
        if origin and origin != "null" and urlsplit(origin).netloc != headers.get("host"):
            # A page on another site may post a form here; only this server's own pages may write.
            return 403, f"cross-origin write from {origin} refused", {}
        if writes and not self.settings.token_ok(headers.get("authorization")):
            return (401, "this server needs 'Authorization: Bearer <token>' on write requests",
                    {"www-authenticate": "Bearer"})
        length = headers.get("content-length")
        if length is not None:
            if not length.isdigit():
                return 400, "Content-Length is not a number", {}
            if int(length) > self.settings.max_upload_bytes:
                return 413, self._too_large(int(length)), {}
        return None

    def _too_large(self, size: int | None) -> str:
        limit = self.settings.max_upload_bytes
        got = f"{size / 2**20:.1f} MiB" if size is not None else "more"
        return f"request body too large: {got}; the limit is {limit / 2**20:.1f} MiB"

    async def _limited(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Counts body bytes as they arrive (a chunked body has no Content-Length to check)."""
        seen = 0
        refused = False

        async def counted_receive() -> Message:
            nonlocal seen, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.settings.max_upload_bytes:
                    refused = True
                    await _answer(send, 413, self._too_large(None), {})
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            if not refused:  # the app's own answer to the disconnect is dropped: 413 went out
                await send(message)

        try:
            await self.app(scope, counted_receive, guarded_send)
        except Exception:
            if not refused:
                raise
            log.debug("request abandoned after the 413", exc_info=True)

    @staticmethod
    def _with_headers(scope: Scope, send: Send) -> Send:
        path = scope.get("path", "")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer"),
                            (b"x-frame-options", b"DENY")]
                if not path.startswith(_NO_CSP):
                    headers.append((b"content-security-policy", _CSP.encode()))
                message = {**message, "headers": headers}
            await send(message)

        return send_with_headers


async def _answer(send: Send, status: int, message: str, extra: dict[str, str]) -> None:
    body = json.dumps(error_body(message, status), ensure_ascii=False).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    headers += [(k.encode(), v.encode()) for k, v in extra.items()]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
