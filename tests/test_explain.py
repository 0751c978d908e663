"""``negsim explain``: the teaching note's numbers are ``negsim solve``'s, its "what if"
is a second solve of the changed scenario, hostile names print as written in Markdown and
HTML, and the command's files and exit statuses."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

import negsim
from negsim.analysis.records import Analysis
from negsim.cli import app
from negsim.present.explain import Note, explain, markdown_escape
from negsim.present.explain.render import MARKDOWN_SPECIALS
from negsim.present.explain.what_if import choose_change
from negsim.present.words import percent, utility_text

SCENARIOS = ("venezuela-2025", "venezuela-2025-private", "pie-split")

HOSTILE = r"""
negsim: 1
name: "<script>alert(1)</script> *bold* _x_ | \\section{} & $x$"
description: "A [link](http://evil.example) <img src=x onerror=alert(1)> # head"
issues:
  terms:
    label: "<b>Terms</b> *star* | pipe & $y$"
    options: [x_bold_, a__b, plain]
  money:
    label: "Money `code` [x] \\section{}"
    range: [0, 10]
    resolution: 3
    unit: "<i>$</i>"
parties:
  alice:
    label: "<script>alert(1)</script> Alice *A*"
    weights: {terms: 0.7, money: 0.3}
    values:
      terms: {x_bold_: 1, a__b: 0.5, plain: 0}
      money: {0: 0, 10: 1}
    disagreement:
      lottery:
        - {p: 0.5, value: 0.4, label: "<b>win</b> & $\\alpha$"}
        - {p: 0.5, value: 0.0, label: "_lose_ | *x*"}
    discount: 0.9
  bob:
    label: "Bob \\section{B} | _b_ & $z$"
    weights: {terms: 0.4, money: 0.6}
    values:
      terms: {x_bold_: 0, a__b: 0.6, plain: 1}
      money: {0: 1, 10: 0}
    disagreement: 0.1
    discount: 0.8
protocol:
  kind: alternating_offers
  first_proposer: alice
  deadline: 3
"""
HOSTILE_TEXTS = (
    "<script>alert(1)</script> *bold* _x_ | \\section{} & $x$",
    "<script>alert(1)</script> Alice *A*",
    "Bob \\section{B} | _b_ & $z$",
    "<b>Terms</b> *star* | pipe & $y$",
    "<b>win</b> & $\\alpha$",
    "_lose_ | *x*",
)


def run(args: list[str]) -> Result:
    result = CliRunner().invoke(app, args)
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"unexpected exception: {result.exception!r}"
    )
    return result


@cache
def analysis_of(name: str) -> Analysis:
    return negsim.solve(name)


@cache
def note_of(name: str) -> Note:
    return explain(analysis_of(name), negsim.solve)


@cache
def solve_json(name: str) -> dict:
    result = run(["solve", name, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# --------------------------------------------------------------------------------------------
# Escaping


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


@pytest.mark.parametrize("special", list(MARKDOWN_SPECIALS))
def test_markdown_escape_escapes_every_special(special):
    escaped = markdown_escape(f"a{special}b")
    assert escaped == f"a\\{special}b"
    assert _unescape(escaped) == f"a{special}b"


def test_markdown_escape_keeps_plain_text_and_flattens_lines():
    assert markdown_escape("Nicolás Maduro 0.280 (day 7)") == "Nicolás Maduro 0.280 (day 7)"
    assert markdown_escape("two\nlines\tand  spaces") == "two lines and spaces"
    for text in HOSTILE_TEXTS:
        escaped = markdown_escape(text)
        assert _unescape(escaped) == text
        # no special character is left bare
        assert not re.search(r"(?<!\\)[*_`<>|$&\[\]]", escaped.replace("\\\\", ""))


# --------------------------------------------------------------------------------------------
# The numbers are the solver's


def _assert_quoted(note: Note, key: str, value: float, text: str) -> None:
    assert note.values[key] == pytest.approx(value, abs=1e-12), key
    assert text in note.markdown(), f"{key}: {text} not in the note"


@pytest.mark.parametrize("name", SCENARIOS)
def test_numbers_match_solve_json(name):
    note, data = note_of(name), solve_json(name)
    for party, value in data["disagreement"].items():
        _assert_quoted(note, f"disagreement.{party}", value, utility_text(value))
    for party, value in data["solutions"]["nash"]["utilities"].items():
        _assert_quoted(note, f"nash.u.{party}", value, utility_text(value))
    for party, value in data["solutions"]["kalai_smorodinsky"]["utilities"].items():
        _assert_quoted(note, f"ks.u.{party}", value, utility_text(value))
    equilibrium = data["equilibrium"]
    assert note.values["equilibrium.round"] == equilibrium["round"]
    for party, value in equilibrium["utilities"].items():
        _assert_quoted(note, f"equilibrium.u.{party}", value, utility_text(value))
    for party, value in equilibrium["payoffs"].items():
        assert note.values[f"equilibrium.payoff.{party}"] == pytest.approx(value, abs=1e-12)
    section = note.section("equilibrium")
    assert section is not None
    for party, value in equilibrium["utilities"].items():
        assert utility_text(value) in section.text, party


def test_disagreement_lottery_is_worked_out():
    text = note_of("venezuela-2025").section("walk_away").text  # type: ignore[union-attr]
    assert "0.280 = 0.6 × 0.6 + 0.4 × (-0.2)" in text
    assert "0.575 = 0.5 × 0.85 + 0.5 × 0.3" in text


def test_screening_numbers_match_solve_json():
    note, data = note_of("venezuela-2025-private"), solve_json("venezuela-2025-private")
    screening = data["screening"]
    deal = 1 - screening["no_agreement_probability"]
    _assert_quoted(note, "screening.deal_probability", deal, percent(deal))
    share = screening["final_round_share"]
    _assert_quoted(note, "screening.final_round_share", share, percent(share))
    for party, value in screening["expected_payoffs"].items():
        _assert_quoted(note, f"screening.payoff.{party}", value, utility_text(value))


def test_sections_are_numbered_and_skipped_where_they_do_not_apply():
    keys = [section.key for section in note_of("pie-split").sections]
    assert "screening" not in keys
    assert [s.number for s in note_of("pie-split").sections] == list(range(1, len(keys) + 1))
    assert "screening" in [section.key for section in note_of("venezuela-2025-private").sections]
    markdown = note_of("venezuela-2025").markdown()
    assert "## 1. The negotiation at a glance" in markdown
    assert "## 8. What if?" in markdown


def test_last_word_under_the_deadline():
    text = note_of("venezuela-2025").section("equilibrium").text  # type: ignore[union-attr]
    proposals = solve_json("venezuela-2025")["equilibrium"]["proposals"]
    last = proposals[-1]
    assert "United States proposes on the last day (day 7)" in text
    assert f"it keeps {utility_text(last['utilities']['us'])}" in text


# --------------------------------------------------------------------------------------------
# What if


@pytest.mark.parametrize("name", SCENARIOS)
def test_what_if_is_a_second_solve(name):
    scenario = negsim.load(name)
    change = choose_change(scenario)
    direct = negsim.solve(scenario.replace({change.path: change.new}))
    note = note_of(name)
    for party, value in direct.by_party(direct.equilibrium.payoffs).items():
        _assert_quoted(note, f"what_if.equilibrium.payoff.{party}", value, utility_text(value))
    if direct.screening is not None:
        deal = 1 - float(direct.screening.solution.no_agreement_probability)
        _assert_quoted(note, "what_if.screening.deal_probability", deal, percent(deal))


def test_what_if_changes():
    assert choose_change(negsim.load("venezuela-2025")).path == "protocol.deadline"
    assert choose_change(negsim.load("venezuela-2025")).new == 8
    assert choose_change(negsim.load("pie-split")).path == "parties.player2.discount"
    ultimatum = choose_change(negsim.load("territorial-dispute"))
    assert (ultimatum.path, ultimatum.new) == ("protocol.first_proposer", "B")


def test_what_if_that_cannot_be_solved_says_so():
    def failing(scenario):
        raise ValueError("too large")

    note = explain(analysis_of("pie-split"), failing)
    section = note.section("what_if")
    assert section is not None
    assert "could not be solved: too large" in section.text


# --------------------------------------------------------------------------------------------
# Hostile text


@pytest.fixture(scope="module")
def hostile_note() -> Note:
    return explain(negsim.solve(negsim.load(HOSTILE)), negsim.solve)


def test_hostile_text_in_html_is_escaped(hostile_note):
    page = hostile_note.html()
    assert "<script" not in page
    assert "<b>" not in page and "<i>" not in page and "<img" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert not re.search(r"<[^>]*\b(src|href)\s*=", page)
    for text in HOSTILE_TEXTS:
        assert text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") in page


def test_hostile_text_in_markdown_is_escaped(hostile_note):
    markdown = hostile_note.markdown()
    for text in HOSTILE_TEXTS:
        assert markdown_escape(text) in markdown
    assert "<script>" not in markdown and "<b>" not in markdown
    assert "\\<script\\>alert(1)\\</script\\>" in markdown
    assert "$x$" not in markdown and "\\$x\\$" in markdown
    assert "\\\\section{}" in markdown
    # every table row keeps its number of cells: escaped pipes do not split a cell
    for block in markdown.split("\n\n"):
        lines = block.splitlines()
        if lines and lines[0].startswith("| "):
            counts = {len(re.findall(r"(?<!\\)\|", line)) for line in lines}
            assert len(counts) == 1, block


# --------------------------------------------------------------------------------------------
# The command


def test_cli_markdown_on_standard_output():
    result = run(["explain", "pie-split"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("# Splitting a pie (Rubinstein 1982)")
    assert result.stdout == note_of("pie-split").markdown()


def test_cli_html_is_a_self_contained_page():
    result = run(["explain", "venezuela-2025", "--format", "html"])
    assert result.exit_code == 0, result.output
    page = result.stdout
    assert page.startswith("<!DOCTYPE html>")
    assert "http://" not in page and "https://" not in page
    assert not re.search(r"<[^>]*\b(src|href)\s*=", page)
    assert "<script" not in page
    assert "<h2>1. The negotiation at a glance</h2>" in page


def test_cli_writes_a_file_and_refuses_to_overwrite(tmp_path: Path):
    out = tmp_path / "note.html"
    result = run(["explain", "pie-split", "--format", "html", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    out.write_text("keep me", encoding="utf-8")
    refused = run(["explain", "pie-split", "-o", str(out)])
    assert refused.exit_code == 2
    assert "already exists" in refused.stderr
    assert out.read_text(encoding="utf-8") == "keep me"
    forced = run(["explain", "pie-split", "-o", str(out), "--force"])
    assert forced.exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("# Splitting a pie")


def test_cli_invalid_scenario_exits_2(tmp_path: Path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("negsim: 1\nname: x\nissues: {}\nparties: {}\n", encoding="utf-8")
    result = run(["explain", str(bad)])
    assert result.exit_code == 2
    assert f"{bad}:" in result.stderr
    assert run(["explain", "no-such-example"]).exit_code == 2
    assert run(["explain", "pie-split", "--format", "pdf"]).exit_code == 2
