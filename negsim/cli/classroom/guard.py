"""The classroom server's guards: security headers, body size, the ``Host`` check and rate
limits (``docs/classroom.md``, "Security").

* :class:`Guard` (ASGI middleware) adds :data:`HEADERS` to every response, refuses a body
  whose ``Content-Length`` is over :data:`MAX_BODY` before reading it (413) and, when the
  server listens on this machine only, a ``Host`` header naming any other host (400): a web
  page elsewhere cannot reach the class through a name it points at 127.0.0.1 (DNS
  rebinding).
* :class:`RateLimit` is a token bucket per key (a client address, a seat): ``rate``
  requests a second on average, ``burst`` at once; the server answers 429 with
  ``Retry-After`` beyond that.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = [
    "HEADERS",
    "LOOPBACK_HOSTS",
    "MAX_BODY",
    "Guard",
    "HttpError",
    "RateLimit",
    "error_response",
]

MAX_BODY = 16 * 1024
"""Bytes in a request body, at most."""
HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data: blob:; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "[::1]"})
"""The names a server listening on this machine only answers to."""


class HttpError(Exception):
    """A request refused with an HTTP ``status`` and a message for the page."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.headers = headers or {}


def error_response(status: int, text: str, headers: dict[str, str] | None = None) -> JSONResponse:
    """``{"error": text}`` with ``status``, never cached."""
    headers = {"Cache-Control": "no-store", **(headers or {})}
    return JSONResponse({"error": text}, status_code=status, headers=headers)


def host_name(header: str) -> str:
    """The host of a ``Host`` header, without its port, in lower case."""
    header = header.strip().lower()
    if header.startswith("["):
        return header.partition("]")[0] + "]"
    return header.rpartition(":")[0] if header.count(":") == 1 else header


class Guard:
    """Security headers, the body limit and, with ``allowed_hosts``, the ``Host`` check."""

    def __init__(self, app: ASGIApp, allowed_hosts: frozenset[str] | None = None):
        self.app = app
        self.allowed_hosts = allowed_hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = [(k.lower().encode(), v.encode()) for k, v in HEADERS.items()]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        length = headers.get(b"content-length", b"0")
        refused = None
        if not length.isdigit() or int(length) > MAX_BODY:
            refused = error_response(413, f"a request body holds at most {MAX_BODY} bytes")
        elif self.allowed_hosts is not None:
            host = host_name(headers.get(b"host", b"").decode("latin-1"))
            if host not in self.allowed_hosts:
                refused = error_response(400, "this server answers to localhost only")
        if refused is not None:
            await refused(scope, receive, send_with_headers)
            return
        await self.app(scope, receive, send_with_headers)


class RateLimit:
    """A token bucket per key: ``rate`` requests a second, ``burst`` at once; the least
    recently used keys are forgotten beyond ``keys``."""

    def __init__(
        self, rate: float, burst: float, *, keys: int = 4096,
        clock: Callable[[], float] = time.monotonic,
    ):  # fmt: skip
        self.rate, self.burst, self.keys, self.clock = rate, burst, keys, clock
        self.buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def check(self, key: str, what: str) -> None:
        """Take a token for ``key``; an :class:`HttpError` 429 when there is none."""
        now = self.clock()
        tokens, then = self.buckets.pop(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - then) * self.rate)
        if tokens < 1.0:
            self.buckets[key] = (tokens, now)
            wait = math.ceil((1.0 - tokens) / self.rate)
            raise HttpError(429, f"too many {what}; wait {wait} s", {"Retry-After": str(wait)})
        self.buckets[key] = (tokens - 1.0, now)
        while len(self.buckets) > self.keys:
            self.buckets.popitem(last=False)
