"""The classroom's web server: pages, a JSON API and live updates over a
:class:`~negsim.studies.classroom_state.Classroom` (``docs/classroom.md``).

Needs the ``classroom`` extra (Starlette, Jinja2, segno; Uvicorn to serve). The pages are
three static shells (``templates/``) and a little plain JavaScript and CSS (``static/``),
all served from here: no request leaves for anywhere else. Everything a student or the
instructor sees comes from the JSON API and is written into the page as text
(``textContent``), so a name holding HTML stays text; the one piece of HTML sent, a role
sheet, is made by :func:`negsim.present.report.html.html_report`, which escapes every
string.

**Live updates** are server-sent events: ``GET /api/seat/{id}/events`` and
``GET /api/instructor/events`` send the seat's view (the instructor's overview) at once
and again whenever it changes, and a comment every :data:`KEEP_ALIVE` seconds. The pages
read them with ``fetch`` (so the token stays in a header) and fall back to asking every
few seconds while the stream is down. A background task ends the talks when the class's
clock runs out.

Security, in short (the guards are :mod:`.guard`):

* a seat's requests carry its token in the ``X-Seat-Token`` header and its id in the path:
  a token that is not that seat's gets 403; the instructor's requests carry
  ``X-Instructor-Token``. Tokens travel in the page's URL fragment (``#...``), which the
  browser never sends to a server or in a ``Referer``;
* every state-changing request is a JSON ``POST`` (``Content-Type: application/json``,
  else 415) with the token header, which a cross-site form cannot send, and an ``Origin``
  or ``Sec-Fetch-Site`` header naming another site gets 403 (CSRF);
* bodies over :data:`MAX_BODY` bytes get 413, malformed JSON 400, unknown fields 400, an
  invalid or infeasible package 422, a move out of turn 409, too many requests 429;
  nothing is stored then;
* every response says ``Content-Security-Policy: default-src 'self'`` (no inline script),
  ``X-Frame-Options: DENY``, ``Referrer-Policy: no-referrer``, and API answers
  ``Cache-Control: no-store``.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import zipfile
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp

from negsim.cli.classroom.debrief import LiveDebrief, role_sheets
from negsim.cli.classroom.guard import MAX_BODY, Guard, HttpError, RateLimit, error_response
from negsim.studies.classroom_state import MAX_STUDENTS, Classroom, ClassroomError

__all__ = ["KEEP_ALIVE", "MAX_BODY", "Changes", "create_app"]

HERE = Path(__file__).resolve().parent
STATUS = {"invalid": 422, "forbidden": 403, "conflict": 409, "full": 409}
KEEP_ALIVE = 15.0
"""Seconds between keep-alive comments on an event stream."""
MAX_STREAMS = 2 * MAX_STUDENTS + 20
"""Event streams open at once, at most (a student may have two tabs open)."""
JOINS = (2.0, 120.0)
"""Joins a second per client address, and at once: a room behind one address joins at
once, a script slowly."""
INSTRUCTOR_EVERY = 1.0
"""Seconds between two overviews on the instructor's stream, at least (a class of 60
moves several times a second; the page needs no more)."""
SEAT_REQUESTS = (20.0, 60.0)
"""Requests a second per seat, and at once: far above what a page sends."""


class Changes:
    """Wakes the event streams when the class changes (one event loop)."""

    def __init__(self) -> None:
        self._event: asyncio.Event | None = None

    def current(self) -> asyncio.Event:
        """The event the next change sets; take it *before* reading the state."""
        if self._event is None:
            self._event = asyncio.Event()
        return self._event

    def notify(self) -> None:
        if self._event is not None:
            self._event.set()
            self._event = None


def _json(data: Any) -> JSONResponse:
    return JSONResponse(data, headers={"Cache-Control": "no-store"})


def _same_origin(request: Request) -> None:
    """403 when the browser says the request comes from another site."""
    origin = request.headers.get("origin")
    host = request.headers.get("host", "")
    if origin is not None and origin not in (f"http://{host}", f"https://{host}"):
        raise HttpError(403, "cross-site request refused")
    if request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
        raise HttpError(403, "cross-site request refused")


async def _body(request: Request, fields: set[str]) -> dict[str, Any]:
    """The JSON object of a POST, checked for origin, type, size and its fields."""
    _same_origin(request)
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/json":
        raise HttpError(415, "send JSON (Content-Type: application/json)")
    raw = b""
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > MAX_BODY:
            raise HttpError(413, f"a request body holds at most {MAX_BODY} bytes")
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise HttpError(400, "the body is not valid JSON") from None
    if not isinstance(data, dict):
        raise HttpError(400, "the body must be a JSON object")
    unknown = sorted(set(data) - fields)
    if unknown:
        raise HttpError(400, f"unknown field {unknown[0][:40]!r}")
    return data


class Streams:
    """Server-sent events of a view that changes: sent at once, then on every change."""

    def __init__(self, changes: Changes) -> None:
        self.changes = changes
        self.open = 0

    def response(
        self, version: Callable[[], object], view: Callable[[], Any], every: float = 0.0
    ) -> Response:
        """The stream of ``view()``, sent whenever ``version()`` changes, at most once in
        ``every`` seconds."""
        if self.open >= MAX_STREAMS:
            raise HttpError(503, "too many open pages; reload later")
        events = self._events(version, view, every)
        return StreamingResponse(events, media_type="text/event-stream",
                                 headers={"Cache-Control": "no-store",
                                          "X-Accel-Buffering": "no"})  # fmt: skip

    async def _events(
        self, version: Callable[[], object], view: Callable[[], Any], every: float
    ) -> AsyncIterator[str]:
        self.open += 1
        try:
            sent: object = None
            number = 0
            while True:
                wake = self.changes.current()
                now = version()
                if now != sent:
                    sent, number = now, number + 1
                    try:
                        data = json.dumps(view())
                    except (KeyError, ClassroomError):  # the seat was removed: the page stops
                        return
                    yield f"id: {number}\nevent: state\ndata: {data}\n\n"
                    if every:
                        await asyncio.sleep(every)
                        continue
                try:
                    await asyncio.wait_for(wake.wait(), KEEP_ALIVE)
                except TimeoutError:
                    yield ": keep-alive\n\n"
        finally:
            self.open -= 1


def create_app(
    classroom: Classroom, *, sheets: dict[str, str] | None = None, join_url: str | None = None,
    allowed_hosts: frozenset[str] | None = None, chart_apart: bool = False,
) -> ASGIApp:  # fmt: skip
    """The web app of ``classroom``.

    ``sheets``: each party's role sheet as HTML (default: ``negsim handout``'s);
    ``join_url``: the address students open, for the QR code (default: the address the
    instructor's page was opened at); ``allowed_hosts``: the ``Host`` names served (None:
    any; the command passes :data:`~.guard.LOOPBACK_HOSTS` when listening on this machine
    only); ``chart_apart``: draw the live debrief in a worker process (the command does).

    Long because it declares every route next to the checks it makes, so that who may do
    what reads in one place.
    """
    if sheets is None:
        sheets = role_sheets(classroom)
    pages = Environment(
        loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"])
    )
    title = classroom.scenario.name
    changes = Changes()
    streams = Streams(changes)
    seat_limit = RateLimit(*SEAT_REQUESTS)
    join_limit = RateLimit(*JOINS)

    def page(name: str) -> Any:
        async def endpoint(request: Request) -> HTMLResponse:
            text = pages.get_template(name).render(title=title)
            return HTMLResponse(text, headers={"Cache-Control": "no-store"})

        return endpoint

    def student_of(request: Request) -> int:
        try:
            student_id = int(request.path_params["sid"])
        except ValueError:
            raise HttpError(404, "no such seat") from None
        classroom.student(student_id, request.headers.get("x-seat-token"))
        seat_limit.check(str(student_id), "requests from this page")
        return student_id

    def instructor(request: Request) -> None:
        classroom.check_instructor(request.headers.get("x-instructor-token"))

    def changed(data: Any) -> JSONResponse:
        changes.notify()
        return _json(data)

    async def join(request: Request) -> Response:
        join_limit.check(request.client.host if request.client else "?", "joins from this address")
        data = await _body(request, {"name", "code"})
        student_id, token = classroom.join(data.get("name"), data.get("code"))
        return changed({"id": student_id, "token": token,
                        "page": f"/student#{student_id}.{token}"})  # fmt: skip

    async def seat(request: Request) -> Response:
        return _json(classroom.seat_view(student_of(request)))

    async def seat_events(request: Request) -> Response:
        student_id = student_of(request)
        return streams.response(lambda: classroom.seat_version(student_id),
                                lambda: classroom.seat_view(student_id))  # fmt: skip

    async def sheet(request: Request) -> Response:
        found = classroom.seat(student_of(request))
        if found is None:
            raise HttpError(409, "no role yet: wait for the instructor to pair the class")
        return _json({"html": sheets[found[1]]})

    async def form(request: Request) -> Response:
        found = classroom.seat(student_of(request))
        if found is None:
            raise HttpError(409, "no role yet")
        return _json({"issues": classroom.choices(found[1])})

    async def preview(request: Request) -> Response:
        student_id = student_of(request)
        data = await _body(request, {"package"})
        return _json(classroom.preview(student_id, data.get("package")))

    async def offer(request: Request) -> Response:
        student_id = student_of(request)
        data = await _body(request, {"package"})
        classroom.offer(student_id, data.get("package"))
        return changed(classroom.seat_view(student_id))

    async def answer(request: Request) -> Response:
        student_id = student_of(request)
        data = await _body(request, {"response"})
        classroom.answer(student_id, data.get("response"))
        return changed(classroom.seat_view(student_id))

    def overview(request: Request) -> dict[str, Any]:
        data = classroom.overview()
        data["join_url"] = join_url or f"{request.base_url}?code={classroom.code}"
        return data

    async def instructor_view(request: Request) -> Response:
        instructor(request)
        return _json(overview(request))

    async def instructor_events(request: Request) -> Response:
        instructor(request)
        return streams.response(lambda: classroom.changes, lambda: overview(request),
                                every=INSTRUCTOR_EVERY)  # fmt: skip

    def action(run: Callable[[], object]) -> Any:
        async def endpoint(request: Request) -> Response:
            instructor(request)
            await _body(request, set())
            run()
            return changed(overview(request))

        return endpoint

    async def pair_by_hand(request: Request) -> Response:
        instructor(request)
        data = await _body(request, {"students"})
        chosen = data.get("students")
        n = classroom.scenario.n_parties
        if not isinstance(chosen, list) or len(chosen) != n:
            raise HttpError(400, f"students is a list of {n} ids, one a party in order (null "
                                 "for the computer)")  # fmt: skip
        classroom.pair_students(*chosen)
        return changed(overview(request))

    async def unpair(request: Request) -> Response:
        instructor(request)
        data = await _body(request, {"pair"})
        classroom.unpair(data.get("pair"))
        return changed(overview(request))

    async def replace(request: Request) -> Response:
        instructor(request)
        data = await _body(request, {"student", "by"})
        classroom.replace_student(data.get("student"), data.get("by"))
        return changed(overview(request))

    async def remove(request: Request) -> Response:
        instructor(request)
        data = await _body(request, {"student"})
        classroom.remove_student(data.get("student"))
        return changed(overview(request))

    async def join_qr(request: Request) -> Response:
        import segno

        instructor(request)
        buffer = io.BytesIO()
        address = join_url or f"{request.base_url}?code={classroom.code}"
        segno.make(address, error="m").save(buffer, kind="svg", scale=8, border=2,
                                            title="Join the class negotiation")  # fmt: skip
        return Response(buffer.getvalue(), media_type="image/svg+xml",
                        headers={"Cache-Control": "no-store"})  # fmt: skip

    async def export_zip(request: Request) -> Response:
        instructor(request)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, record in classroom.transcripts().items():
                archive.writestr(f"{name}.json", json.dumps(record, indent=2) + "\n")
            archive.writestr("agreements.csv", classroom.agreements_csv())
        return Response(buffer.getvalue(), media_type="application/zip", headers={
            "Content-Disposition": 'attachment; filename="classroom-transcripts.zip"',
            "Cache-Control": "no-store"})  # fmt: skip

    async def export_csv(request: Request) -> Response:
        instructor(request)
        return Response(classroom.agreements_csv(), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="agreements.csv"',
                                 "Cache-Control": "no-store"})  # fmt: skip

    async def export_json(request: Request) -> Response:
        instructor(request)
        return _json(classroom.transcripts())

    live = LiveDebrief(classroom, apart=chart_apart)

    async def debrief_chart(request: Request) -> Response:
        instructor(request)
        svg = await run_in_threadpool(live.svg)
        if svg is None:  # no pair has finished yet
            return Response(status_code=204, headers={"Cache-Control": "no-store"})
        return Response(svg, media_type="image/svg+xml",
                        headers={"Cache-Control": "no-store"})  # fmt: skip

    def set_status(status: str) -> Callable[[], None]:
        return lambda: classroom.set_status(status)

    routes = [
        Route("/", page("join.html")),
        Route("/student", page("student.html")),
        Route("/instructor", page("instructor.html")),
        Route("/api/join", join, methods=["POST"]),
        Route("/api/seat/{sid}", seat),
        Route("/api/seat/{sid}/events", seat_events),
        Route("/api/seat/{sid}/sheet", sheet),
        Route("/api/seat/{sid}/form", form),
        Route("/api/seat/{sid}/preview", preview, methods=["POST"]),
        Route("/api/seat/{sid}/offer", offer, methods=["POST"]),
        Route("/api/seat/{sid}/answer", answer, methods=["POST"]),
        Route("/api/instructor", instructor_view),
        Route("/api/instructor/events", instructor_events),
        Route("/api/instructor/pair", action(classroom.pair_up), methods=["POST"]),
        Route("/api/instructor/pair-by-hand", pair_by_hand, methods=["POST"]),
        Route("/api/instructor/unpair", unpair, methods=["POST"]),
        Route("/api/instructor/replace", replace, methods=["POST"]),
        Route("/api/instructor/remove", remove, methods=["POST"]),
        Route("/api/instructor/start", action(set_status("running")), methods=["POST"]),
        Route("/api/instructor/stop", action(set_status("stopped")), methods=["POST"]),
        Route("/api/instructor/join-qr.svg", join_qr),
        Route("/api/instructor/transcripts.zip", export_zip),
        Route("/api/instructor/transcripts.json", export_json),
        Route("/api/instructor/agreements.csv", export_csv),
        Route("/api/instructor/debrief.svg", debrief_chart),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]

    async def refused(request: Request, error: Exception) -> Response:
        if isinstance(error, ClassroomError):
            return error_response(STATUS.get(error.kind, 400), str(error))
        assert isinstance(error, HttpError)
        return error_response(error.status, str(error), error.headers)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async def clock() -> None:  # ends the talks when the class's time is up
            while True:
                await asyncio.sleep(0.5)
                if classroom.tick():
                    changes.notify()

        task = asyncio.create_task(clock())
        try:
            yield
        finally:
            task.cancel()
            live.close()

    app = Starlette(routes=routes, lifespan=lifespan,
                    exception_handlers={ClassroomError: refused, HttpError: refused})  # fmt: skip
    return Guard(app, allowed_hosts)
