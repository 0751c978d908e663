"""``negsim classroom`` in a real browser: the server runs as ``negsim classroom`` does, and
headless Chromium, driven by Playwright, plays an instructor and four students.

One pair agrees (the offer composed with the keyboard only), the other ends with a
walk-away; the instructor pairs, starts and sees both results and the live debrief chart.
Every page must log no error and ask nothing of any other host. The screenshots are kept
as test artifacts, in ``$NEGSIM_TEST_ARTIFACTS`` (default ``test-artifacts/classroom/``).

No bundled two-party scenario gives a side an outside option, and a walk-away needs one
(``Session.can_walk``), so each run plays a copy of a bundled scenario whose second party
has one, written to the test's folder.
"""

from __future__ import annotations

import json
import os
import queue
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from ruamel.yaml import YAML

from negsim.format import bundled

pytest.importorskip("starlette", reason="the classroom extra: pip install -e '.[classroom]'")
playwright = pytest.importorskip(
    "playwright.sync_api", reason="playwright (the dev extra) drives the browser: "
    "pip install -e '.[dev]'"
)  # fmt: skip

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM_SKIP = (
    "chromium is not installed: .ci/run installs Debian's chromium; install it with "
    "apt-get install chromium"
)
WAIT = 20_000
"""Milliseconds any one step may take in the browser (the pages poll every 1.5 to 2 s)."""
SERVER_START = 60.0
"""Seconds the server may take to start listening."""
PHONE = {"width": 390, "height": 844}
OUTSIDE_OPTION = 0.3
"""The walk-away value given to the second party (its utility)."""

pytestmark = pytest.mark.slow


def artifacts() -> Path:
    folder = Path(os.environ.get("NEGSIM_TEST_ARTIFACTS") or ROOT / "test-artifacts" / "classroom")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def scenario_with_outside_option(name: str, folder: Path) -> Path:
    """A copy of bundled scenario ``name`` whose second party may walk away."""
    source = bundled.resolve(name)
    assert source is not None, name
    yaml = YAML()
    data = yaml.load(source.read_text(encoding="utf-8"))
    data.pop("sources", None)  # paths relative to the bundled folder
    second = list(data["parties"])[1]
    data["parties"][second]["outside_option"] = OUTSIDE_OPTION
    data["name"] = f"{data['name']} (with an outside option)"
    path = folder / f"{name}-walk.yaml"
    with path.open("w", encoding="utf-8") as out:
        yaml.dump(data, out)
    return path


# ----------------------------------------------------------------------------------------------
# The server, as a subprocess


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Process:
    """``negsim classroom`` running, its standard output read line by line in a thread."""

    def __init__(self, command: list[str], folder: Path, log: Path) -> None:
        env = dict(os.environ, PYTHONUNBUFFERED="1", NO_COLOR="1")
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
        with log.open("w", encoding="utf-8") as errors:
            self.popen = subprocess.Popen(
                command, cwd=folder, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                stderr=errors, text=True, encoding="utf-8",
            )  # fmt: skip
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.popen.stdout is not None
        for line in self.popen.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(timeout=10)
        self.reader.join(timeout=10)  # it reads to the end before the pipe is closed
        assert self.popen.stdout is not None
        self.popen.stdout.close()


@dataclass
class Server:
    process: Process
    join: str
    code: str
    instructor: str

    @property
    def origin(self) -> str:
        parts = urlsplit(self.join)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def netloc(self) -> str:
        return urlsplit(self.join).netloc

    @property
    def token(self) -> dict[str, str]:
        return {"X-Instructor-Token": urlsplit(self.instructor).fragment}

    def raw(self, path: str, headers: dict[str, str]) -> bytes:
        """The server's answer to a GET (the test's own view, outside the browser)."""
        request = urllib.request.Request(self.origin + path, headers=headers)
        with urllib.request.urlopen(request, timeout=60) as response:
            return bytes(response.read())

    def get(self, path: str, headers: dict[str, str]) -> Any:
        return json.loads(self.raw(path, headers).decode("utf-8"))


def start_server(scenario: Path, folder: Path, log: Path) -> tuple[Server | None, str]:
    """``negsim classroom`` on a free port: the server once it answers, else None and why
    (the process then stopped)."""
    command = [sys.executable, "-m", "negsim", "classroom", str(scenario),
               "--port", str(free_port()), "--state", str(folder / "x.sqlite")]  # fmt: skip
    process = Process(command, folder, log)
    seen: list[str] = []
    join = instructor = None
    deadline = time.monotonic() + SERVER_START
    server = None
    try:
        while join is None or instructor is None:
            try:
                line = process.lines.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                return None, "the server printed no URLs in time: " + "".join(seen)
            if line is None:
                return None, "the server stopped: " + "".join(seen)
            seen.append(line)
            join = join or re.search(r"^Join:\s+(http://\S+)\s+code\s+(\S+)", line)
            instructor = instructor or re.search(r"^Instructor:\s+(http://\S+#\S+)", line)
        while time.monotonic() < deadline:
            if process.popen.poll() is not None:
                return None, "the server stopped before listening"
            try:
                with urllib.request.urlopen(join[1], timeout=2) as response:
                    if response.status == 200:
                        server = Server(process, join[1], join[2], instructor[1])
                        return server, ""
            except OSError:  # URLError too
                time.sleep(0.2)
        return None, "the server did not answer in time"
    finally:
        if server is None:
            process.stop()


@pytest.fixture
def server_for(tmp_path: Path) -> Iterator[Any]:
    """Starts ``negsim classroom`` on a scenario (on another free port if the first was
    taken meanwhile); always stops it."""
    started: list[Server] = []

    def start(scenario: Path) -> Server:
        why = ""
        for attempt in range(3):
            log = tmp_path / f"server-{attempt}.log"
            server, why = start_server(scenario, tmp_path, log)
            if server is not None:
                started.append(server)
                return server
            why += "\n" + log.read_text(encoding="utf-8")[-3000:]
            if "address already in use" not in why.lower():
                break
        pytest.fail(f"negsim classroom did not start: {why}")

    yield start
    for server in started:
        server.process.stop()


# ----------------------------------------------------------------------------------------------
# The browser


class Watch:
    """Every page's console errors, uncaught exceptions and requests."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.requests: list[str] = []

    def page(self, page: Any, who: str) -> Any:
        page.on("console", lambda m: m.type == "error" and self.errors.append(
            f"{who}: console: {m.text} ({m.location.get('url')})"))  # fmt: skip
        page.on("pageerror", lambda e: self.errors.append(f"{who}: uncaught: {e}"))
        page.on("request", lambda r: self.requests.append(r.url))
        page.set_default_timeout(WAIT)
        return page


def launch(p: Any, chromium: str) -> Any:
    """Headless Chromium (the system's), with nothing in the background asking the
    network."""
    return p.chromium.launch(
        executable_path=chromium, timeout=60_000,
        args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
              "--disable-background-networking", "--disable-component-update",
              "--disable-sync", "--no-first-run"],
    )  # fmt: skip


def charts_sent(teacher: Any) -> list[bytes]:
    """The debrief charts the instructor's page is sent, as they arrive."""
    charts: list[bytes] = []

    def keep_chart(route: Any) -> None:
        response = route.fetch()
        if response.status == 200:
            charts.append(response.body())
        route.fulfill(response=response)

    teacher.route("**/api/instructor/debrief.svg", keep_chart)
    return charts


def stray_requests(urls: list[str], netloc: str) -> list[str]:
    """The requests that went anywhere but the server (data: and blob: URLs stay in the
    page)."""
    out = []
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob"):
            continue
        if parts.scheme != "http" or parts.netloc != netloc:
            out.append(url)
    return out


def seat_of(page: Any) -> tuple[int, dict[str, str]]:
    """The seat id and token header a student's page holds in its URL fragment."""
    fragment = urlsplit(page.url).fragment
    seat, _, token = fragment.partition(".")
    assert seat.isdigit() and token, page.url
    return int(seat), {"X-Seat-Token": token}


def join_class(page: Any, server: Server, name: str) -> None:
    """Types the name and the code on the join page and clicks Join."""
    expect = playwright.expect
    page.goto(server.join)
    page.locator("#name").click()
    page.keyboard.type(name)
    page.locator("#code").click()
    page.keyboard.type(server.code)
    page.get_by_role("button", name="Join").click()
    page.wait_for_url(re.compile(r"/student#\d+\."))
    expect(page.locator("#who")).to_have_text(name, timeout=WAIT)
    expect(page.locator("#status-text")).to_contain_text("Wait for the instructor")


def form_ready(page: Any, issues: int) -> None:
    """Waits for the compose form: one menu an issue, the total worked out."""
    expect = playwright.expect
    expect(page.locator("#compose")).to_be_visible(timeout=WAIT)
    expect(page.locator("#issues select")).to_have_count(issues)
    totals_match(page)


def totals_match(page: Any) -> None:
    """Waits until the package's total worth shown matches the points of the chosen options
    (each option shows its points on its issue)."""
    page.wait_for_function(
        """() => {
          const total = parseFloat(document.getElementById("total").textContent);
          const selects = document.querySelectorAll("#issues select");
          let sum = 0;
          for (const s of selects) {
            const m = /\\((-?[\\d.]+) pts\\)$/.exec(s.options[s.selectedIndex].text);
            if (!m) return false;
            sum += parseFloat(m[1]);
          }
          return selects.length > 0 && Number.isFinite(total)
            && Math.abs(total - sum) <= 0.06 * selects.length + 0.01;
        }""",
        timeout=WAIT,
    )


def composed(page: Any) -> dict[str, str]:
    return dict(page.eval_on_selector_all(
        "#issues select", "ss => ss.map(s => [s.dataset.issue, s.value])"))  # fmt: skip


def tab_to(page: Any, selector: str, presses: int = 30) -> None:
    """Presses Tab until the element focused matches ``selector``."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)",
                         selector):  # fmt: skip
            return
    raise AssertionError(f"Tab never reached {selector}")


def no_horizontal_overflow(page: Any, what: str, picture: Path) -> None:
    """The page is no wider than its window (else a screenshot, ``picture``, and the
    elements that stick out)."""
    sizes = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    if sizes[0] > sizes[1]:
        wide = page.evaluate(
            """() => Array.from(document.querySelectorAll("body *"))
                .filter(e => e.getBoundingClientRect().right > window.innerWidth)
                .slice(0, 8).map(e => e.tagName + (e.id ? "#" + e.id : "")
                  + (e.className ? "." + e.className : "") + " "
                  + Math.round(e.getBoundingClientRect().right))"""
        )  # fmt: skip
        shot(page, picture)
        raise AssertionError(f"{what}: the page is {sizes[0]} px wide in {sizes[1]} px: {wide}")


def shot(page: Any, path: Path) -> None:
    page.screenshot(path=str(path), full_page=True, animations="disabled")
    assert path.stat().st_size > 10_000, path


def ended(page: Any, server: Server) -> dict[str, Any]:
    """Waits for the result on a student's page; checks it against the server's."""
    expect = playwright.expect
    expect(page.locator("#ended")).to_be_visible(timeout=WAIT)
    seat, token = seat_of(page)
    ending: dict[str, Any] = server.get(f"/api/seat/{seat}", token)["ending"]
    expect(page.locator("#result p").first).to_have_text(ending["words"])
    expect(page.locator("#result .score")).to_contain_text(f"Your points: {ending['points']:g}")
    return ending


def agree_by_keyboard(proposer: Any, responder: Any, server: Server, issues: int) -> None:
    """The proposer uses the keyboard only: Tab to each menu, a key changes its option, Tab
    to Send and Enter; the responder sees the offer and accepts it."""
    expect = playwright.expect
    form_ready(proposer, issues)
    before = composed(proposer)
    proposer.evaluate("() => document.activeElement && document.activeElement.blur()")
    for k, keys in enumerate([["End"]] + [["ArrowDown", "ArrowDown"]] * (issues - 1)):
        tab_to(proposer, f"#issues label:nth-child({k + 1}) select")
        for key in keys:
            proposer.keyboard.press(key)
    chosen = composed(proposer)
    assert all(chosen[k] != before[k] for k in chosen), (before, chosen)
    totals_match(proposer)
    tab_to(proposer, "#send")
    proposer.keyboard.press("Enter")
    expect(proposer.locator("#status-text")).to_contain_text("Waiting for")
    seat, token = seat_of(proposer)
    assert [m["package"] for m in server.get(f"/api/seat/{seat}", token)["moves"]] == [chosen]

    expect(responder.locator("#table")).to_be_visible(timeout=WAIT)
    seat, token = seat_of(responder)
    pending = server.get(f"/api/seat/{seat}", token)["pending"]
    expect(responder.locator("#pending li")).to_have_text(
        [f"{t['issue']}: {t['term']}" for t in pending["terms"]]
    )
    expect(responder.locator("#walk")).to_be_visible()  # the second party may walk away
    responder.locator("#accept").click()
    for page in (responder, proposer):
        assert ended(page, server)["status"] == "agreement"


def walk_away(proposer: Any, responder: Any, server: Server, issues: int, out: Path) -> None:
    """The proposer (on a phone) picks an option with a menu and sends; the responder walks
    away, confirming it."""
    expect = playwright.expect
    form_ready(proposer, issues)
    compose = out.with_name(out.name + "-compose.png")
    no_horizontal_overflow(proposer, "the compose form on a phone", compose)
    shot(proposer, compose)
    proposer.locator("#issues select").last.select_option(index=1)
    totals_match(proposer)
    proposer.locator("#send").click()
    expect(proposer.locator("#status-text")).to_contain_text("Waiting for")
    expect(responder.locator("#table")).to_be_visible(timeout=WAIT)
    asked: list[str] = []

    def confirm(dialog: Any) -> None:
        asked.append(dialog.message)
        dialog.accept()

    responder.once("dialog", confirm)
    responder.locator("#walk").click()
    assert ended(responder, server)["status"] == "walked_away"
    assert len(asked) == 1 and "walk away" in asked[0].lower(), asked
    expect(responder.locator("#result")).to_contain_text("you walked away")
    assert ended(proposer, server)["status"] == "walked_away"
    expect(proposer.locator("#result")).to_contain_text("your partner walked away")
    proposer.locator("#sheet-card summary").click()
    expect(proposer.locator("#sheet")).to_be_visible()
    no_horizontal_overflow(proposer, "the result and the role sheet on a phone",
                           out.with_name(out.name + ".png"))  # fmt: skip


def results_shown(teacher: Any, server: Server, charts: list[bytes]) -> None:
    """The instructor's table shows both results as the server has them, and the debrief
    chart is the server's chart of both."""
    expect = playwright.expect
    overview = server.get("/api/instructor", server.token)
    assert [p["status"] for p in overview["pairs"]] == ["agreement", "walked_away"]
    assert overview["pairs"][0]["deal"] and overview["pairs"][1]["deal"] is None
    rows = teacher.locator("#pairs tbody tr")
    expect(rows).to_have_count(2)
    for row, pair in enumerate(overview["pairs"]):
        cells = rows.nth(row).locator("td")
        expect(cells.nth(0)).to_have_text(pair["pair"])
        expect(cells.nth(2)).to_have_text(pair["status"].replace("_", " "), timeout=WAIT)
        expect(cells.nth(4)).to_have_text(str(pair["offers"]))
        expect(cells.nth(5)).to_have_text(pair["deal"] or "")
        for label, points in pair["points"].items():
            expect(cells.nth(6)).to_contain_text(f"{label} {points:g}")
    final = server.raw("/api/instructor/debrief.svg", server.token)
    assert final.lstrip().startswith((b"<?xml", b"<svg")), final[:100]
    deadline = time.monotonic() + WAIT / 1000
    while not charts or charts[-1] != final:
        assert time.monotonic() < deadline, "the debrief chart was not drawn again"
        teacher.wait_for_timeout(250)
    expect(teacher.locator("#debrief")).to_be_visible(timeout=WAIT)
    expect(teacher.locator("#debrief-note")).to_be_hidden()
    teacher.wait_for_function(
        "() => { const i = document.getElementById('debrief');"
        " return i.complete && i.naturalWidth > 0 && i.naturalHeight > 0; }",
        timeout=WAIT,
    )  # fmt: skip


# ----------------------------------------------------------------------------------------------
# The test


@pytest.mark.parametrize("name", ["logrolling", "labor-contract"])
def test_a_class_plays_in_headless_chromium(name: str, tmp_path: Path, server_for: Any) -> None:
    """Pair 1 (Ana, Ben) agrees, the offer composed with the keyboard only; pair 2 (Chloe,
    on a phone, and Dev) ends with Dev walking away."""
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip(CHROMIUM_SKIP)
    expect = playwright.expect
    scenario = scenario_with_outside_option(name, tmp_path)
    issues = len(YAML(typ="safe").load(scenario.read_text(encoding="utf-8"))["issues"])
    server = server_for(scenario)
    out = artifacts()
    watch = Watch()
    with playwright.sync_playwright() as p:
        browser = launch(p, chromium)
        try:
            teacher = watch.page(browser.new_context().new_page(), "instructor")
            charts = charts_sent(teacher)
            teacher.goto(server.instructor)
            expect(teacher.locator("#code")).to_have_text(server.code)
            students = []
            for who in ("Ana", "Ben", "Chloe", "Dev"):  # one at a time: pairs go by joining
                context = browser.new_context(viewport=PHONE if who == "Chloe" else None)
                page = watch.page(context.new_page(), who)
                join_class(page, server, who)
                students.append(page)
            ana, ben, chloe, dev = students
            expect(teacher.locator("#counts")).to_contain_text("4 joined", timeout=WAIT)

            teacher.locator("#pair").click()
            expect(teacher.locator("#pairs tbody tr")).to_have_count(2)
            for page in students:
                expect(page.locator("#status-text")).to_contain_text("Read your role sheet")
                expect(page.locator("#sheet-card")).to_be_visible()
            teacher.locator("#start").click()
            expect(teacher.locator("#class-status")).to_have_text("running")
            expect(teacher.locator("#start")).to_be_disabled()

            agree_by_keyboard(ana, ben, server, issues)
            walk_away(chloe, dev, server, issues, out / f"{name}-student-phone")
            results_shown(teacher, server, charts)

            shot(teacher, out / f"{name}-instructor.png")
            shot(ana, out / f"{name}-student-agreement.png")
            shot(dev, out / f"{name}-student-walked-away.png")
            shot(chloe, out / f"{name}-student-phone.png")
            print(f"screenshots: {out}")
        finally:
            browser.close()
    assert not watch.errors, "\n".join(watch.errors)
    assert not stray_requests(watch.requests, server.netloc), watch.requests
    assert any("/api/seat/" in url for url in watch.requests)
