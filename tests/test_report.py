"""``negsim report``: the report's files, their sections in order, self-contained HTML with
every chart an inline SVG, escaped scenario text, a PDF with its pages, the data equal to
``negsim solve --format json``, the folder rules, and the committed ``reports/`` up to date
with the code. The HTML is also opened in a real headless Chromium where one is installed."""

from __future__ import annotations

import html
import json
import math
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import negsim
from negsim.cli import app
from negsim.format.comments import comment_of_line, tagged_comments
from negsim.present.report import SECTION_HEADINGS
from negsim.present.report.markdown import escape

ROOT = Path(__file__).resolve().parent.parent
SIMULATION = str(ROOT / "tests" / "data" / "report-simulation.yaml")
HOSTILE = """\
negsim: 1
name: "<script>alert(1)</script> *x* | & $ \\\\ talks"
description: "Labels with <b>markup</b>, *stars*, a | pipe, & $5 and a \\\\ backslash."
issues:
  pie:
    label: "<script>alert(1)</script> share *x* | & $"
    split: {total: 1}
    resolution: 11
parties:
  a: {label: "<img src=x onerror=alert(1)> A*", discount: 0.9}
  b: {label: "B | $ & \\\\", discount: 0.8}
protocol: {kind: alternating_offers, first_proposer: a, deadline: 3}
"""


def run(*args: str) -> object:
    return CliRunner().invoke(app, list(args), prog_name="negsim")


def headings(text: str, tag: str) -> list[str]:
    return [html.unescape(found) for found in re.findall(rf"<{tag}>(.*?)</{tag}>", text)]


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The reports of venezuela-2025, its private variant and a scenario with agents."""
    base = tmp_path_factory.mktemp("reports")
    made = {}
    for name, source in (("venezuela-2025", "venezuela-2025"),
                         ("venezuela-2025-private", "venezuela-2025-private"),
                         ("simulation", SIMULATION)):  # fmt: skip
        result = run("report", source, "-o", str(base / name))
        assert result.exit_code == 0, result.output
        made[name] = base / name
    return made


@pytest.mark.parametrize("name", ["venezuela-2025", "venezuela-2025-private", "simulation"])
def test_the_report_has_its_files_and_sections_in_order(reports, name):
    folder = reports[name]
    for file in ("report.html", "report.pdf", "report.md", "data.json"):
        assert (folder / file).stat().st_size > 0
    html = (folder / "report.html").read_text(encoding="utf-8")
    found = headings(html, "h2")
    expected = [h for h in SECTION_HEADINGS.values() if h in found]
    assert found == expected
    required = {"glance", "zopa", "solutions", "equilibrium", "sensitivity", "assumptions"}
    if name != "venezuela-2025":
        required.add("uncertainty")
    assert {SECTION_HEADINGS[key] for key in required} <= set(found)
    markdown = (folder / "report.md").read_text(encoding="utf-8")
    assert re.findall(r"^## (.*)$", markdown, re.MULTILINE) == [escape(h) for h in found]


@pytest.mark.parametrize("name", ["venezuela-2025", "venezuela-2025-private", "simulation"])
def test_every_chart_is_inline_and_nothing_is_fetched(reports, name):
    folder = reports[name]
    html = (folder / "report.html").read_text(encoding="utf-8")
    pngs = sorted(path.stem for path in (folder / "charts").glob("*.png"))
    figures = re.findall(r'<figure id="figure-([^"]+)"><svg ', html)
    assert sorted(figures) == pngs and len(figures) >= 4
    assert "<img" not in html and "<script" not in html.lower() and "<link" not in html
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", html)
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", html)
    assert "@media print" in html
    markdown = (folder / "report.md").read_text(encoding="utf-8")
    assert sorted(re.findall(r"\]\(charts/([^)]+)\.png\)", markdown)) == pngs


def test_the_screening_and_simulation_charts_are_there(reports):
    assert (reports["venezuela-2025-private"] / "charts" / "screening.png").exists()
    assert (reports["simulation"] / "charts" / "agreements.png").exists()
    html = (reports["simulation"] / "report.html").read_text(encoding="utf-8")
    assert "400 simulated negotiations with seed 5" in html


@pytest.mark.parametrize("name", ["venezuela-2025", "simulation"])
def test_data_json_is_the_solve_json(reports, name):
    source = "venezuela-2025" if name == "venezuela-2025" else SIMULATION
    result = run("solve", source, "--format", "json")
    assert result.exit_code == 0
    assert (reports[name] / "data.json").read_text(encoding="utf-8") == result.stdout


def test_the_pdf_opens_with_its_pages(reports):
    pypdf = pytest.importorskip("pypdf", reason="pypdf (the dev extra) reads the PDF")
    folder = reports["venezuela-2025"]
    reader = pypdf.PdfReader(folder / "report.pdf")
    html = (folder / "report.html").read_text(encoding="utf-8")
    sections = headings(html, "h2")
    # a title page, then each section from a new page
    assert len(reader.pages) >= 1 + len(sections)
    texts = [page.extract_text() or "" for page in reader.pages]
    assert "Contents" in texts[0]
    starts = []
    for k, heading in enumerate(sections, start=1):
        start = next(i for i, text in enumerate(texts) if f"{k}. {heading}" in text)
        starts.append(start)
    assert starts == sorted(starts) and starts[0] == 1
    width, height = (float(x) for x in reader.pages[0].mediabox[2:])
    assert (round(width), round(height)) == (595, 842)  # A4


def test_the_same_report_gives_the_same_bytes(reports, tmp_path):
    result = run("report", SIMULATION, "-o", str(tmp_path / "again"))
    assert result.exit_code == 0, result.output
    again, first = tmp_path / "again", reports["simulation"]
    for name in ("report.html", "report.pdf", "report.md", "data.json", "charts/terms-price.png"):
        assert (again / name).read_bytes() == (first / name).read_bytes()


def test_hostile_text_stays_text(tmp_path):
    scenario = tmp_path / "hostile.yaml"
    scenario.write_text(HOSTILE, encoding="utf-8")
    result = run("report", str(scenario), "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "<script" not in html and "<img" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    markdown = (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    assert not re.search(r"(?<!\\)<(script|img|b>)", markdown)
    assert r"\<script\>alert(1)\</script\> \*x\* \| \& \$ \\ talks" in markdown
    for line in markdown.splitlines():  # no table gains a column from a pipe in a label
        if line.startswith("|") and "---" not in line:
            assert line.count("|") - line.count(r"\|") >= 2


def test_markdown_escape():
    assert escape("*x* | <a> & $1 \\ _y_ icc_case") == (r"\*x\* \| \<a\> \& \$1 \\ \_y\_ icc_case")


def test_a_folder_that_holds_other_files_needs_force(tmp_path):
    folder = tmp_path / "busy"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    result = run("report", "pie-split", "-o", str(folder))
    assert result.exit_code == 2
    assert "not empty" in result.output and "--force" in result.output
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt"]
    (tmp_path / "file").write_text("x", encoding="utf-8")
    assert run("report", "pie-split", "-o", str(tmp_path / "file")).exit_code == 2


def test_force_writes_beside_other_files(tmp_path):
    folder = tmp_path / "busy"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    result = run("report", "territorial-dispute", "-o", str(folder), "--force")
    assert result.exit_code == 0, result.output
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert (folder / "report.html").exists()
    assert f"Wrote {folder / 'report.pdf'}" in result.output


def test_a_bad_scenario_exits_2_with_its_problems(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("negsim: 1\nname: x\nissues: {}\n", encoding="utf-8")
    result = run("report", str(bad), "-o", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert "bad.yaml" in result.output
    assert run("report", "no-such-example", "-o", str(tmp_path / "o2")).exit_code == 2


def test_tagged_comments_map_to_their_paths():
    text = (ROOT / "scenarios" / "venezuela-2025.yaml").read_text(encoding="utf-8")
    found = {c.path: c for c in tagged_comments(text)}
    assert found["protocol.deadline"].tag == "reported"
    assert found["protocol.deadline"].value == 7
    assert found["parties.maduro.discount"].note.startswith("per day")
    assert found["parties.us.disagreement.lottery[1]"].value["value"] == 0.3
    assert found["constraints[0]"].note.startswith("a US red line")
    assert "negsim" not in found  # "format: ..." is not a tag
    assert comment_of_line("label: 'a # b'  # assumption: x") == "assumption: x"
    assert comment_of_line('label: "a # b"') is None
    assert comment_of_line("label: it's # reported") == "reported"


def differences(fresh: Any, kept: Any, path: str = "") -> list[str]:
    """Where two JSON documents differ: the paths of values not equal, numbers compared to
    a relative 1e-9 (another release of NumPy or SciPy may change a last digit)."""
    if isinstance(fresh, dict) and isinstance(kept, dict):
        if set(fresh) != set(kept):
            return [f"{path}: keys {sorted(set(fresh) ^ set(kept))}"]
        return [d for key in fresh for d in differences(fresh[key], kept[key], f"{path}/{key}")]
    if isinstance(fresh, list) and isinstance(kept, list):
        if len(fresh) != len(kept):
            return [f"{path}: {len(fresh)} items, not {len(kept)}"]
        return [d for i, (a, b) in enumerate(zip(fresh, kept, strict=True))
                for d in differences(a, b, f"{path}[{i}]")]  # fmt: skip
    if isinstance(fresh, bool) or isinstance(kept, bool):
        return [] if fresh is kept else [path]
    numbers = (int, float)
    if isinstance(fresh, numbers) and isinstance(kept, numbers):
        return [] if math.isclose(fresh, kept, rel_tol=1e-9, abs_tol=1e-12) else [path]
    return [] if fresh == kept else [path]


def test_differences_are_found_to_the_last_digit_that_matters():
    assert differences({"a": [1.0, "x"]}, {"a": [1.0 + 1e-15, "x"]}) == []
    assert differences({"a": [1.0, "x"]}, {"a": [1.001, "x"]}) == ["/a[0]"]
    assert differences({"a": 1}, {"b": 1}) == [": keys ['a', 'b']"]
    assert differences({"a": True}, {"a": 1.0}) == ["/a"]


@pytest.mark.parametrize("name", [example.name for example in negsim.examples()])
def test_the_committed_reports_are_up_to_date(name):
    """``reports/NAME/data.json`` is what the code gives today (the data, not the pixels):
    regenerate with ``python reports/make_reports.py``."""
    committed = ROOT / "reports" / name / "data.json"
    assert committed.exists(), f"no report for {name}: run python reports/make_reports.py"
    fresh = json.loads(negsim.solve(name).to_json())
    differ = differences(fresh, json.loads(committed.read_text(encoding="utf-8")))
    assert not differ, (
        f"reports/{name} is out of date ({', '.join(differ[:5])}): run python "
        f"reports/make_reports.py {name}"
    )
    for file in ("report.html", "report.pdf", "report.md"):
        assert (ROOT / "reports" / name / file).exists()


CHROMIUM_SKIP = (
    "chromium is not installed: .ci/run installs Debian's chromium; install it with "
    "apt-get install chromium"
)


def test_the_html_renders_in_headless_chromium(reports, tmp_path):
    """No network, every chart drawn; the screenshot is kept in the test's folder."""
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip(CHROMIUM_SKIP)
    page = (reports["venezuela-2025"] / "report.html").resolve()
    flags = [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
    ]  # fmt: skip
    shot = tmp_path / "report-screenshot.png"
    done = subprocess.run(
        [chromium, *flags, f"--screenshot={shot}", "--window-size=1280,2400", page.as_uri()],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    print(f"screenshot: {shot}")
    assert shot.exists() and shot.stat().st_size > 20_000, done.stderr[-2000:]
    from PIL import Image

    with Image.open(shot) as image:
        colours = image.convert("L").getextrema()
    assert colours[0] < 60 and colours[1] > 200  # dark text on a light page: not blank
    dom = subprocess.run(
        [chromium, *flags, "--dump-dom", "--enable-logging=stderr", "--v=0", page.as_uri()],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert dom.returncode == 0, dom.stderr[-2000:]
    html = (reports["venezuela-2025"] / "report.html").read_text(encoding="utf-8")
    assert dom.stdout.count("<svg") == html.count("<svg") >= 4
    assert "<h2>Assumptions and sources</h2>" in dom.stdout
    log = dom.stderr
    assert "CONSOLE" not in log and "Uncaught" not in log, log[-2000:]
    assert not re.search(r"https?://(?!www\.w3\.org)", log), log[-2000:]
