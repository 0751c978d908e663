"""Role sheets: the ``public`` and ``brief`` fields of the format, and ``negsim handout``."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from negsim.errors import ScenarioError
from negsim.format.loader import load_scenario, load_scenario_text
from negsim.format.schema import json_schema
from negsim.present.report.model import Table

BRIEFED = """\
negsim: 1
name: Briefed
public: Everyone knows the *price* is open.
issues:
  price: {range: [0, 10], resolution: 11}
parties:
  seller:
    brief: |
      Sell high.

      Your **secret**: the plant closes.
    values: {price: {0: 0, 10: 1}}
  buyer:
    values: {price: {best: 0, worst: 10, exponent: 2}}
"""


def test_briefs_are_kept_on_the_model() -> None:
    scenario = load_scenario_text(BRIEFED, "b.yaml")
    assert scenario.public == "Everyone knows the *price* is open."
    assert scenario.party("seller").brief == "Sell high.\n\nYour **secret**: the plant closes.\n"
    assert scenario.party("buyer").brief is None
    plain = load_scenario_text(BRIEFED.replace("public: Everyone knows the *price* is open.\n", ""))
    assert plain.public is None


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "public: Everyone knows the *price* is open.",
            "public: [a, b]",
            "b.yaml:3:9: public: expected text, got a list",
        ),
        (
            "    brief: |\n      Sell high.\n\n      Your **secret**: the plant closes.\n",
            "    brief: 3\n",
            "b.yaml:8:12: parties.seller.brief: expected text, got 3",
        ),
    ],
)
def test_briefs_must_be_text(old: str, new: str, expected: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        load_scenario_text(BRIEFED.replace(old, new), "b.yaml")
    assert [str(problem) for problem in caught.value.problems] == [expected]


def test_a_misspelt_brief_is_named() -> None:
    with pytest.raises(ScenarioError) as caught:
        load_scenario_text(BRIEFED.replace("    brief: |", "    breif: |"), "b.yaml")
    (problem,) = caught.value.problems
    assert str(problem).startswith("b.yaml:8:5: parties.seller.breif: unknown key 'breif'")
    assert "brief" in str(problem).split("unknown key 'breif'")[1]


def test_schema_accepts_and_refuses_briefs() -> None:
    validator = Draft202012Validator(json_schema())
    schema = json_schema()
    assert schema["properties"]["public"]["type"] == "string"
    assert schema["$defs"]["Party"]["properties"]["brief"]["type"] == "string"
    data = {
        "negsim": 1,
        "name": "x",
        "public": "all know",
        "issues": {"price": {"range": [0, 1]}},
        "parties": {"a": {"brief": "mine"}, "b": {}},
    }
    assert list(validator.iter_errors(data)) == []
    assert list(validator.iter_errors({**data, "public": 3}))
    data["parties"] = {"a": {"brief": ["no"]}, "b": {}}
    assert list(validator.iter_errors(data))


def test_the_bundled_venezuela_scenario_has_briefs() -> None:
    from negsim.format.bundled import resolve

    scenario = load_scenario(resolve("venezuela-2025"))
    assert scenario.public and "one-week window" in scenario.public
    assert all(party.brief for party in scenario.parties)


# --------------------------------------------------------------------------------------------
# negsim handout

HOSTILE = """\
negsim: 1
name: "Hostile <i>talks</i>"
public: "Public <script>alert(1)</script> brief"
issues:
  price: {label: "<script>alert(2)</script> price", range: [0, 10], resolution: 3}
parties:
  seller:
    label: "<b>Seller</b>"
    brief: "Seller secret <img src=x onerror=alert(3)>"
    values: {price: {0: 0, 10: 1}}
    disagreement: 0.125
  buyer:
    values: {price: {best: 0, worst: 10}}
    disagreement: 0.375
"""

SHEETS = ("role-us", "role-maduro", "instructor")


def run(*args: str) -> Any:
    from typer.testing import CliRunner

    from negsim.cli import app

    return CliRunner().invoke(app, list(args), prog_name="negsim")


def sheet_text(path: Path) -> str:
    """What a reader sees of a sheet, its whitespace collapsed: Markdown without its
    escapes, HTML without its tags, the PDF's text."""
    if path.suffix == ".pdf":
        pypdf = pytest.importorskip("pypdf", reason="pypdf (the dev extra) reads the PDF")
        text = " ".join(page.extract_text() for page in pypdf.PdfReader(path).pages)
    elif path.suffix == ".html":
        text = html.unescape(re.sub(r"<[^>]+>", " ", path.read_text(encoding="utf-8")))
    else:
        text = path.read_text(encoding="utf-8").replace("\\", "")
    return " ".join(text.split())


@pytest.fixture(scope="module")
def venezuela(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("handout") / "out"
    result = run("handout", "venezuela-2025", "-o", str(folder))
    assert result.exit_code == 0, result.output
    return folder


def test_handout_writes_every_sheet_in_every_format(venezuela: Path) -> None:
    from negsim.cli.handout import handout_files

    names = sorted(path.name for path in venezuela.iterdir())
    assert names == sorted(handout_files(("us", "maduro")))
    assert len(names) == 9
    for path in venezuela.iterdir():
        assert path.stat().st_size > 500


# each party's own brief, an own number, and what must never show on its sheet
OWN = {
    "us": ("You negotiate for the United States.", "57.5", "0.99", "pressure works quickly"),
    "maduro": ("You negotiate for Nicolás Maduro.", "-20", "0.97", "removed by force"),
}


@pytest.mark.parametrize("suffix", [".md", ".html", ".pdf"])
@pytest.mark.parametrize(("party", "other"), [("us", "maduro"), ("maduro", "us")])
def test_role_sheets_keep_the_other_side_secret(
    venezuela: Path, party: str, other: str, suffix: str
) -> None:
    text = sheet_text(venezuela / f"role-{party}{suffix}")
    assert "November 2025." in text  # the public brief
    for own in OWN[party]:
        assert own in text
    brief, expected, discount, branch = OWN[other]
    for secret in (brief, f"{expected} points", discount, branch):
        assert secret not in text
    assert ("sweeping amnesty" in text) == (party == "maduro")
    assert "Planning worksheet" in text and "Questions to ask" in text


@pytest.mark.parametrize("suffix", [".md", ".html", ".pdf"])
def test_the_instructor_key_holds_everything(venezuela: Path, suffix: str) -> None:
    text = sheet_text(venezuela / f"instructor{suffix}")
    for party in OWN.values():
        assert party[0] in text and party[3] in text
    assert "The Nash bargaining solution" in text and "Works cited" in text


def test_points_are_weight_times_value() -> None:
    from negsim.format.bundled import resolve
    from negsim.present.handout import role_sheet

    scenario = load_scenario(resolve("venezuela-2025"))
    sheet = role_sheet(scenario, "us")
    points = next(s for s in sheet.sections if s.key == "points")
    table = next(b for b in points.blocks if isinstance(b, Table))
    rows = {(row[1]): row[3] for row in table.rows}
    assert rows["joint_commission"] == "21"  # 0.7 x 0.30 x 100
    assert rows["opposition"] == "15"  # the last option named opposition: governments
    assert rows["30 days"] == "8.8"  # 0.35 x 0.25 x 100, rounded


def test_role_sheet_play_and_debrief_count_the_same_points(tmp_path: Path) -> None:
    """One unit: a party's walk-away value is its utility x 100 on its role sheet, at the
    terminal of ``negsim play`` and in ``negsim debrief``."""
    from negsim.format.bundled import resolve
    from negsim.format.model import POINTS
    from negsim.present.handout import role_sheet

    assert POINTS == 100
    scenario = load_scenario(resolve("venezuela-2025"))
    party = scenario.party("us")
    points = 100 * party.disagreement.expected
    text = f"{points:.1f}".removesuffix(".0")  # one decimal at most, as the sheet writes it
    sheet = role_sheet(scenario, "us")
    rows = [
        row
        for section in sheet.sections
        for block in section.blocks
        if isinstance(block, Table)
        for row in block.rows
    ]
    assert ("Your walk-away value (points)", text) in rows
    played = run("play", "venezuela-2025", "--as", "us", "--transcript", str(tmp_path / "t.json"))
    assert f"No deal is worth {text} points to you" in played.stdout
    csv = Path(__file__).resolve().parent.parent / "docs" / "debrief-example.csv"
    debriefed = run("debrief", "venezuela-2025", str(csv))
    assert f"Walk-away values (points): {party.label} {text}," in debriefed.stdout


def test_hostile_text_stays_text_and_a_sure_walk_away(tmp_path: Path) -> None:
    scenario = tmp_path / "hostile.yaml"
    scenario.write_text(HOSTILE, encoding="utf-8")
    folder = tmp_path / "out"
    result = run("handout", str(scenario), "-o", str(folder))
    assert result.exit_code == 0, result.output
    for stem in ("role-seller", "role-buyer", "instructor"):
        page = (folder / f"{stem}.html").read_text(encoding="utf-8")
        assert "<script>alert" not in page and "<img" not in page and "<b>Seller" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    seller = sheet_text(folder / "role-seller.md")
    assert "Seller secret <img src=x onerror=alert(3)>" in seller
    assert "you get 12.5 points: your walk-away value" in seller
    buyer = sheet_text(folder / "role-buyer.md")
    assert "Seller secret" not in buyer and "12.5" not in buyer
    assert "No further instructions." in buyer and "37.5" in buyer


def test_handout_refuses_a_folder_with_files(tmp_path: Path) -> None:
    scenario = tmp_path / "hostile.yaml"
    scenario.write_text(HOSTILE, encoding="utf-8")
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "keep.txt").write_text("mine", encoding="utf-8")
    result = run("handout", str(scenario), "-o", str(folder))
    assert result.exit_code == 2
    assert "not empty" in result.output and "--force" in result.output
    assert sorted(p.name for p in folder.iterdir()) == ["keep.txt"]
    result = run("handout", str(scenario), "-o", str(folder), "--force")
    assert result.exit_code == 0, result.output
    assert (folder / "keep.txt").read_text(encoding="utf-8") == "mine"
    assert (folder / "role-seller.pdf").is_file()
    file = tmp_path / "file"
    file.write_text("x", encoding="utf-8")
    assert run("handout", str(scenario), "-o", str(file)).exit_code == 2


def test_a_split_issue_interactions_trust_and_costs_on_a_sheet() -> None:
    from negsim.format.template import template_text
    from negsim.present.handout import role_sheet
    from negsim.present.report.markdown import markdown_report

    scenario = load_scenario_text(template_text("Supply"), "supply.yaml")
    buyer = " ".join(markdown_report(role_sheet(scenario, "buyer")).replace("\\", "").split())
    assert "| your share 30 of 100 | 0.3 | 15 |" in buyer  # weight 0.5: 0.3 x 0.5 x 100
    assert (
        "Bonus: 5 points when Warranty period is three_years and Delivery time is at most 14"
        in buyer
    )
    assert "Warranty period (90%)" in buyer  # trust 0.7, raised by the mediator's guarantee
    assert "Each week of talks also costs you 1 point." in buyer
    assert "you get 20 points: your walk-away value" in buyer
    assert "You buy for a plant that cannot stop" in buyer
    for secret in ("another buyer signs", "Your new process saves money", "18 points"):
        assert secret not in buyer
