"""``negsim classroom`` with a three-member committee in headless Chromium: the instructor
forms a group, the recognised member proposes, one member votes no, the other yes, and the
offer passes by majority; the instructor sees the result and the group debrief chart.
Screenshots go with the other classroom artifacts (``test_classroom_browser.py``)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("starlette", reason="the classroom extra: pip install -e '.[classroom]'")

from test_classroom_browser import (
    CHROMIUM_SKIP,
    WAIT,
    Watch,
    artifacts,
    charts_sent,
    ended,
    form_ready,
    join_class,
    launch,
    playwright,
    seat_of,
    server_for,
    shot,
    stray_requests,
    totals_match,
)

from negsim.format import bundled

__all__ = ["server_for"]  # the fixture, used by name

pytestmark = pytest.mark.slow


def test_a_committee_votes_in_headless_chromium(server_for: Any) -> None:
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip(CHROMIUM_SKIP)
    expect = playwright.expect
    scenario = bundled.resolve("coalition-split")
    assert scenario is not None
    server = server_for(Path(scenario))
    out = artifacts()
    watch = Watch()
    with playwright.sync_playwright() as p:
        browser = launch(p, chromium)
        try:
            teacher = watch.page(browser.new_context().new_page(), "instructor")
            charts = charts_sent(teacher)
            teacher.goto(server.instructor)
            expect(teacher.locator("#pair")).to_have_text("Form groups")
            expect(teacher.locator("#hand-seats select")).to_have_count(3)
            pages = {}
            for who in ("Ana", "Ben", "Cy"):
                page = watch.page(browser.new_context().new_page(), who)
                join_class(page, server, who)
                pages[who] = page
            expect(teacher.locator("#counts")).to_contain_text("3 joined", timeout=WAIT)
            teacher.locator("#pair").click()
            expect(teacher.locator("#pairs tbody tr")).to_have_count(1)
            expect(teacher.locator("#pairs tbody td").first).to_have_text("group-01")
            teacher.locator("#start").click()
            expect(teacher.locator("#class-status")).to_have_text("running")

            roles = {}
            for who, page in pages.items():
                seat, token = seat_of(page)
                roles[who] = server.get(f"/api/seat/{seat}", token)
            proposer = next(w for w, s in roles.items() if s["turn"] == "propose")
            voters = [w for w in pages if w != proposer]
            expect(pages[voters[0]].locator("#status-text")).to_contain_text("Waiting for")

            page = pages[proposer]
            form_ready(page, 1)
            page.locator("#issues select").select_option(index=3)
            totals_match(page)
            page.locator("#send").click()
            first, second = (pages[w] for w in voters)
            for voter in (first, second):
                expect(voter.locator("#table")).to_be_visible(timeout=WAIT)
                expect(voter.locator("#status-text")).to_contain_text("passes with 2 of 3 votes")
                expect(voter.locator("#pending")).to_contain_text("No other vote yet.")
            first.locator("#reject").click()
            expect(first.locator("#status-text")).to_contain_text("Waiting for")
            label = roles[voters[0]]["party_label"]
            expect(second.locator("#pending")).to_contain_text(f"Votes so far: {label} no")
            shot(second, out / "committee-student-voting.png")
            second.locator("#accept").click()
            for who in pages:
                assert ended(pages[who], server)["status"] == "agreement"
            expect(first.locator("#history tbody td").last).to_contain_text("passed")
            overview = server.get("/api/instructor", server.token)
            assert [g["status"] for g in overview["pairs"]] == ["agreement"]
            rows = teacher.locator("#pairs tbody tr")
            expect(rows.first.locator("td").nth(2)).to_have_text("agreement", timeout=WAIT)
            teacher.wait_for_function(
                "() => { const i = document.getElementById('debrief');"
                " return !i.hidden && i.complete && i.naturalWidth > 0; }",
                timeout=WAIT,
            )  # fmt: skip
            assert charts and charts[-1] == server.raw("/api/instructor/debrief.svg", server.token)
            shot(teacher, out / "committee-instructor.png")
            shot(first, out / "committee-student-result.png")
        finally:
            browser.close()
    assert not watch.errors, "\n".join(watch.errors)
    assert not stray_requests(watch.requests, server.netloc), watch.requests
