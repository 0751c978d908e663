"""The classroom's web server: pages and a JSON API over a
:class:`~negsim.studies.classroom_state.Classroom` (``docs/classroom.md``).

Needs the ``classroom`` extra (Starlette, Jinja2; Uvicorn to serve). The pages are three
static shells (``templates/``) and a little plain JavaScript and CSS (``static/``), all
served from here: no request leaves for anywhere else. Everything a student or the
instructor sees comes from the JSON API and is written into the page as text
(``textContent``), so a name holding HTML stays text; the one piece of HTML sent, a role
sheet, is made by :func:`negsim.present.report.html.html_report`, which escapes every
string.

Security, in short:

* a seat's requests carry its token in the ``X-Seat-Token`` header and its id in the path:
  a token that is not that seat's gets 403; the instructor's requests carry
  ``X-Instructor-Token``. Tokens travel in the page's URL fragment (``#...``), which the
  browser never sends to a server or in a ``Referer``;
* every state-changing request is a JSON ``POST`` (``Content-Type: application/json``,
  else 415) with the token header, which a cross-site form cannot send, and an ``Origin``
  or ``Sec-Fetch-Site`` header naming another site gets 403 (CSRF);
* bodies over :data:`MAX_BODY` bytes get 413, malformed JSON 400, unknown fields 400, an
  invalid or infeasible package 422, a move out of turn 409; nothing is stored then;
* every response says ``Content-Security-Policy: default-src 'self'`` (no inline script),
  ``X-Frame-Options: DENY``, ``Referrer-Policy: no-referrer``, and API answers
  ``Cache-Control: no-store``.
"""

from __future__ import annotations

import io
import json
import threading
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from negsim.studies.classroom_state import Classroom, ClassroomError

if TYPE_CHECKING:
    from negsim.analysis.records import Analysis

__all__ = ["MAX_BODY", "create_app"]

HERE = Path(__file__).resolve().parent
MAX_BODY = 16 * 1024
"""Bytes in a request body, at most."""
STATUS = {"invalid": 422, "forbidden": 403, "conflict": 409, "full": 409}
HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data: blob:; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


class HttpError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


class SecurityHeaders:
    """Adds :data:`HEADERS` to every response, and refuses a body longer than
    :data:`MAX_BODY` by its ``Content-Length`` before reading it."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope["headers"]).get(b"content-length", b"0")
        too_long = not length.isdigit() or int(length) > MAX_BODY

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [(k.lower().encode(), v.encode()) for k, v in HEADERS.items()]
                message["headers"] = headers
            await send(message)

        if too_long:
            response = _error(413, f"a request body holds at most {MAX_BODY} bytes")
            await response(scope, receive, send_with_headers)
            return
        await self.app(scope, receive, send_with_headers)


def _error(status: int, text: str) -> JSONResponse:
    return JSONResponse({"error": text}, status_code=status, headers={"Cache-Control": "no-store"})


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


def create_app(classroom: Classroom, *, sheets: dict[str, str] | None = None) -> ASGIApp:
    """The web app of ``classroom``; ``sheets``: each party's role sheet as HTML (default:
    made with :func:`negsim.present.handout.role_sheet`).

    Long because it declares every route next to the checks it makes, so that who may do
    what reads in one place.
    """
    if sheets is None:
        sheets = role_sheets(classroom)
    pages = Environment(
        loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"])
    )
    title = classroom.scenario.name

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
        return student_id

    def instructor(request: Request) -> None:
        classroom.check_instructor(request.headers.get("x-instructor-token"))

    async def join(request: Request) -> Response:
        data = await _body(request, {"name", "code"})
        student_id, token = classroom.join(data.get("name"), data.get("code"))
        return _json({"id": student_id, "token": token, "page": f"/student#{student_id}.{token}"})

    async def seat(request: Request) -> Response:
        return _json(classroom.seat_view(student_of(request)))

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
        return _json(classroom.seat_view(student_id))

    async def answer(request: Request) -> Response:
        student_id = student_of(request)
        data = await _body(request, {"response"})
        classroom.answer(student_id, data.get("response"))
        return _json(classroom.seat_view(student_id))

    async def overview(request: Request) -> Response:
        instructor(request)
        return _json(classroom.overview())

    def action(run: Any) -> Any:
        async def endpoint(request: Request) -> Response:
            instructor(request)
            await _body(request, set())
            run()
            return _json(classroom.overview())

        return endpoint

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

    live = LiveDebrief(classroom)

    async def debrief_chart(request: Request) -> Response:
        instructor(request)
        svg = await run_in_threadpool(live.svg)
        if svg is None:  # no pair has finished yet
            return Response(status_code=204, headers={"Cache-Control": "no-store"})
        return Response(svg, media_type="image/svg+xml",
                        headers={"Cache-Control": "no-store"})  # fmt: skip

    routes = [
        Route("/", page("join.html")),
        Route("/student", page("student.html")),
        Route("/instructor", page("instructor.html")),
        Route("/api/join", join, methods=["POST"]),
        Route("/api/seat/{sid}", seat),
        Route("/api/seat/{sid}/sheet", sheet),
        Route("/api/seat/{sid}/form", form),
        Route("/api/seat/{sid}/preview", preview, methods=["POST"]),
        Route("/api/seat/{sid}/offer", offer, methods=["POST"]),
        Route("/api/seat/{sid}/answer", answer, methods=["POST"]),
        Route("/api/instructor", overview),
        Route("/api/instructor/pair", action(classroom.pair_up), methods=["POST"]),
        Route(
            "/api/instructor/start",
            action(lambda: classroom.set_status("running")),
            methods=["POST"],
        ),
        Route(
            "/api/instructor/stop",
            action(lambda: classroom.set_status("stopped")),
            methods=["POST"],
        ),
        Route("/api/instructor/transcripts.zip", export_zip),
        Route("/api/instructor/transcripts.json", export_json),
        Route("/api/instructor/agreements.csv", export_csv),
        Route("/api/instructor/debrief.svg", debrief_chart),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]

    async def refused(request: Request, error: Exception) -> Response:
        if isinstance(error, ClassroomError):
            return _error(STATUS.get(error.kind, 400), str(error))
        assert isinstance(error, HttpError)
        return _error(error.status, str(error))

    app = Starlette(routes=routes, exception_handlers={ClassroomError: refused, HttpError: refused})
    return SecurityHeaders(app)


class LiveDebrief:
    """The instructor's live debrief: ``negsim debrief``'s chart of the finished pairs'
    deals against the frontier, the Nash and Kalai-Smorodinsky points, the equilibrium and
    the walk-away values, drawn from the same CSV the export gives, and drawn again only
    when a result changes."""

    def __init__(self, classroom: Classroom) -> None:
        self.classroom = classroom
        self.lock = threading.Lock()
        self.analysis: Analysis | None = None
        self.results: str | None = None
        self.drawn: bytes | None = None

    def svg(self) -> bytes | None:
        """The chart as SVG, or None while no pair has finished."""
        from negsim.analysis.pipeline import analyze
        from negsim.format.class_results import read_csv_text
        from negsim.present.charts.debrief import debrief_figure
        from negsim.present.charts.style import chart_style, figure_bytes
        from negsim.studies.debrief import debrief

        results = self.classroom.agreements_csv()
        with self.lock:
            if results == self.results:
                return self.drawn
            deals, skipped = read_csv_text(self.classroom.scenario, results, "classroom")
            drawn = None
            if deals:
                if self.analysis is None:
                    self.analysis = analyze(self.classroom.space)
                with chart_style("classroom"):
                    record = debrief(self.analysis, deals, skipped)
                    drawn = figure_bytes(debrief_figure(record), "svg")
            self.results, self.drawn = results, drawn
            return drawn


def role_sheets(classroom: Classroom) -> dict[str, str]:
    """Each party's confidential role sheet (``negsim handout``'s) as an HTML fragment."""
    from negsim.present.handout import role_sheet
    from negsim.present.report.html import html_report

    def no_figure(figure: object) -> bytes:
        raise ValueError("a role sheet has no charts")

    out: dict[str, str] = {}
    for party in classroom.scenario.party_names:
        text = html_report(role_sheet(classroom.scenario, party), no_figure)
        body = text.partition("<body>")[2].rpartition("</body>")[0]
        out[party] = body.replace("<nav>", '<nav hidden="">', 1)
    return out
