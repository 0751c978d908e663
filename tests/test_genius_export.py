"""``negsim export-genius``: a scenario written as GENIUS XML reads back (``import-genius``)
with the same utility for every party on every package, the reservation values and the
discount over the deadline; GENIUS's own domains survive import, export and re-import
unchanged; what GENIUS cannot express is refused or noted (``docs/genius.md``)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import numpy as np
import pytest
from hypothesis import given, settings
from typer.testing import CliRunner

from negsim.cli import app
from negsim.format.genius import convert
from negsim.format.loader import load_scenario_text
from negsim.format.scenario import Scenario
from negsim.present.genius_export import export_genius
from negsim.space import OutcomeSpace
from tests.strategies import examples, scenarios
from tests.test_genius import DATA, DOMAINS, profile_files

EXACT = 1e-12


def round_trip(scenario: Scenario, rounds: int | None = None) -> OutcomeSpace:
    """Export ``scenario`` and import the files again."""
    exported = export_genius(OutcomeSpace.from_scenario(scenario), rounds)
    imported = convert(exported.domain, exported.profiles, rounds=rounds or 100)
    return OutcomeSpace.from_scenario(load_scenario_text(imported.text, "again.yaml"))


def plain_issue_utilities(scenario: Scenario, space: OutcomeSpace) -> np.ndarray:
    """Each party's utility of every package, by plain sums of ``w * v~`` over the issues
    (the spec's formula, without interactions: the export refuses them)."""
    grids = [u for u in space.issue_utilities]
    index = np.indices(space.shape).reshape(len(space.shape), -1)
    total = np.zeros((scenario.n_parties, index.shape[1]))
    for k, grid in enumerate(grids):
        total += grid[:, index[k]]
    return total + np.array([p.agreement_value for p in scenario.parties])[:, None]


@settings(max_examples=examples(60), deadline=None)
@given(scenarios(max_packages=200, with_constraints=False, with_interactions=False))
def test_every_package_keeps_its_utilities_up_to_an_announced_change(scenario):
    """Utilities come back exactly, or (agreement values, negative values, a best above 1)
    as ``(u - shift) / scale`` for one shift and one positive scale per party, with the
    reservation value moved the same way."""
    space = OutcomeSpace.from_scenario(scenario)
    again = round_trip(scenario)
    assert again.shape == space.shape
    original = plain_issue_utilities(scenario, space)
    for party in range(scenario.n_parties):
        before, after = original[party], again.utilities[party]
        spread = before.max() - before.min()
        if spread < 1e-9:
            continue
        scale = spread / (after.max() - after.min())
        shift = before.min() - scale * after.min()
        assert scale > 0
        assert before == pytest.approx(scale * after + shift, abs=1e-9)
        assert space.disagreement[party] == pytest.approx(
            scale * again.disagreement[party] + shift, abs=1e-9
        )
        unchanged = (
            scenario.parties[party].agreement_value == 0
            and min(float(u[party].min()) for u in space.issue_utilities) >= 0
            and sum(float(u[party].max()) for u in space.issue_utilities) <= 1
        )
        if unchanged:
            assert after == pytest.approx(before, abs=EXACT)


def test_the_discount_spans_the_deadline():
    scenario = load_scenario_text(
        """
negsim: 1
name: discounted
issues: {x: {options: [a, b]}}
parties:
  p: {values: {x: {a: 1, b: 0}}, discount: 0.9, disagreement: 0.25}
  q: {values: {x: {a: 0, b: 1}}, discount: 0.8}
protocol: {deadline: 5}
"""
    )
    exported = export_genius(OutcomeSpace.from_scenario(scenario))
    factors = [
        float(ET.fromstring(text.split("\n", 1)[1]).find("discount_factor").get("value"))
        for _, text in exported.profiles
    ]
    assert factors == pytest.approx([0.9**5, 0.8**5], rel=1e-15)
    again = round_trip(scenario, rounds=5)
    assert [p.discount for p in again.scenario.parties] == pytest.approx([0.9, 0.8], rel=1e-12)
    assert again.disagreement.tolist() == pytest.approx([0.25, 0.0])


@pytest.mark.parametrize(("folder", "domain", "keys"), [pytest.param(*d, id=d[0]) for d in DOMAINS])
def test_genius_domains_survive_import_export_and_import(folder, domain, keys):
    domain_path = DATA / folder / domain
    files = [(domain_path.name, domain_path.read_text())] + [
        (p.name, p.read_text()) for p in profile_files(folder, domain, keys)
    ]
    first = load_scenario_text(convert(files[0], files[1:], rounds=10).text, "first.yaml")
    space = OutcomeSpace.from_scenario(first)
    exported = export_genius(space, rounds=10)
    second = load_scenario_text(convert(exported.domain, exported.profiles, rounds=10).text)
    again = OutcomeSpace.from_scenario(second)
    assert [i.options for i in second.issues] == [i.options for i in first.issues]
    # Laptop's weights sum to 1.0000518, so its best package is above GENIUS's cap of 1:
    # the export divides those utilities by the best one, and says so
    best = space.utilities.max(axis=1)
    scale = np.where(best > 1 + 1e-12, best, 1.0)  # float noise of 1 ulp is not a change
    assert (scale > 1.0).any() == (folder == "Laptop")
    assert any("Laptop" in note for note in exported.notes) == (folder == "Laptop")
    assert again.utilities * scale[:, None] == pytest.approx(space.utilities, abs=EXACT)
    assert again.disagreement * scale == pytest.approx(space.disagreement, abs=EXACT)
    discounts = [[p.discount for p in s.parties] for s in (first, second)]
    assert discounts[1] == pytest.approx(discounts[0], rel=1e-12)


# ---- the command ---------------------------------------------------------------------------


def run(*args: str):
    return CliRunner().invoke(app, ["export-genius", *args])


def test_the_command_writes_files_that_import(tmp_path):
    out = tmp_path / "xml"
    result = run("logrolling", "-o", str(out))
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    assert names == ["a.xml", "b.xml", "logrolling-domain.xml"]
    back = CliRunner().invoke(
        app,
        ["import-genius", *(str(out / n) for n in names[::-1][:1] + names[:2]), "-o", "-"],
    )
    assert back.exit_code == 0, back.output
    again = OutcomeSpace.from_scenario(load_scenario_text(back.stdout))
    from negsim import load

    original = OutcomeSpace.from_scenario(load("logrolling"))
    assert again.utilities == pytest.approx(original.utilities, abs=EXACT)


def test_a_folder_with_files_needs_force(tmp_path):
    (tmp_path / "keep.txt").write_text("mine")
    result = run("logrolling", "-o", str(tmp_path))
    assert result.exit_code == 2 and "not empty" in result.output
    assert run("logrolling", "-o", str(tmp_path), "--force").exit_code == 0
    assert (tmp_path / "keep.txt").read_text() == "mine"


def test_what_genius_cannot_express_is_refused_or_noted(tmp_path):
    refused = run("venezuela-2025", "-o", str(tmp_path / "v"))
    assert refused.exit_code == 2
    assert "GENIUS cannot express" in refused.output and "constraint" in refused.output
    assert not (tmp_path / "v").exists()
    noted = run("territorial-dispute", "-o", str(tmp_path / "t"))
    assert noted.exit_code == 0
    assert "note: the protocol (ultimatum) is left out" in noted.output
