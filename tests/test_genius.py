"""``negsim import-genius``: every GENIUS domain in ``tests/data/genius`` imports to a valid
scenario whose package count, Pareto count and Nash package match a computation written
here directly from the XML (GENIUS's model: evaluation / max evaluation, weights as
written, reservation values as disagreement; ``docs/genius.md``)."""

from __future__ import annotations

import itertools
import math
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

from negsim import api
from negsim.format.genius import convert
from negsim.format.loader import load_scenario_text

DATA = Path(__file__).parent / "data" / "genius"
TOL = 1e-9

# (folder, domain file, profiles in party order: sorted by file name, as GENIUS folders are
# read; politics and bank robbery use their first two of several profiles)
DOMAINS = [
    ("AirportSiteSelectionA", "AirportSiteSelection-A-domain.xml", ("prof1", "prof2")),
    ("CameraB", "Camera-B-domain.xml", ("Camera-B-prof1", "Camera-B-prof2")),
    ("Car-A-domain", "Car-A-domain.xml", ("Car-A-prof1", "Car-A-prof2")),
    ("DefensiveCharms", "DefensiveCharms.xml", ("util1", "util2")),
    ("EnglandZimbabwe", "EnglandZimbabwe_domain.xml", ("England", "Zimbabwe")),
    ("FiftyFifty", "FiftyFifty-domain.xml", ("prof1", "prof2")),
    ("Grocery", "Grocery_domain.xml", ("mary", "sam")),
    ("ItexvsCypress", "ItexvsCypress_domain.xml", ("Cypress", "Itex")),
    ("Jobs", "Jobs.xml", ("util1", "util2")),
    ("Laptop", "Laptop-C-domain.xml", ("prof1", "prof2")),
    ("RentalHouseC", "RentalHouse-C-domain.xml", ("prof1", "prof2")),
    ("Ultimatum", "Ultimatum.xml", ("util1", "util2")),
    ("group2-politics", "Politics.xml", ("util1", "util2")),
    ("group3-bank_robbery", "Bank_Robbery.xml", ("util1", "util2")),
    ("thompson", "thompson_employment.xml", ("employee", "employer")),
]


def profile_files(folder: str, domain: str, keys: tuple[str, ...]) -> list[Path]:
    files = sorted(p for p in (DATA / folder).glob("*.xml") if p.name != domain)
    return [next(p for p in files if key in p.stem) for key in keys]


def test_every_shared_domain_is_covered():
    assert sorted(folder for folder, _, _ in DOMAINS) == sorted(
        p.name for p in DATA.iterdir() if p.is_dir()
    )


# ---- the independent computation, straight from the XML ------------------------------------


def genius_outcomes(domain: Path) -> list[tuple[int, str, list[str]]]:
    issues = ET.parse(domain).getroot().find("utility_space").find("objective").findall("issue")
    return [
        (int(i.get("index")), i.get("name"), [item.get("value") for item in i.findall("item")])
        for i in issues
    ]


def genius_utility(profile: Path):
    """GENIUS's additive utility, ``min(sum w * eval / max eval, 1)``, and the reservation."""
    root = ET.parse(profile).getroot()
    objective = root.find("objective")
    weights = {int(w.get("index")): float(w.get("value")) for w in objective.findall("weight")}
    values = {}
    for issue in objective.findall("issue"):
        evals = {item.get("value"): float(item.get("evaluation")) for item in issue.findall("item")}
        top = max(evals.values())
        values[int(issue.get("index"))] = {
            k: (v / top if top >= 1e-5 else 0.0) for k, v in evals.items()
        }
    reservation = root.find("reservation")
    r = float(reservation.get("value")) if reservation is not None else 0.0

    def utility(indices, outcome):
        total = sum(weights[i] * values[i][x] for i, x in zip(indices, outcome, strict=True))
        return min(total, 1.0)

    return utility, r


def pareto_count(points: list[tuple[float, ...]]) -> int:
    """Brute force: a point is dominated by one at least as good for all (within 1e-12)
    and better for one."""
    u = np.array(points)
    count = 0
    for p in u:
        weakly = np.all(u >= p - 1e-12, axis=1)
        strictly = np.any(u > p + 1e-12, axis=1)
        count += not np.any(weakly & strictly)
    return count


SLOW = {"Car-A-domain", "group2-politics"}  # 15,625 and 23,040 packages: tens of seconds


@pytest.mark.parametrize(
    ("folder", "domain", "keys"),
    [pytest.param(*d, id=d[0], marks=[pytest.mark.slow] if d[0] in SLOW else []) for d in DOMAINS],
)
def test_import_matches_an_independent_computation(folder, domain, keys):
    domain_path = DATA / folder / domain
    profiles = profile_files(folder, domain, keys)
    imported = convert(
        (domain_path.name, domain_path.read_text()),
        [(p.name, p.read_text()) for p in profiles],
        rounds=1,
    )
    scenario = load_scenario_text(imported.text, f"{folder}.yaml")
    analysis = api.solve(scenario)

    issues = genius_outcomes(domain_path)
    indices = [i for i, _, _ in issues]
    outcomes = list(itertools.product(*(values for _, _, values in issues)))
    ufuns = [genius_utility(p) for p in profiles]
    points = [tuple(u(indices, o) for u, _ in ufuns) for o in outcomes]
    reservations = [r for _, r in ufuns]
    assert analysis.counts.packages == len(outcomes)
    # the cap at 1 is not expressed in the scenario; it never changes who dominates whom here
    assert analysis.counts.pareto == pareto_count(points)

    def product(p):
        return math.prod(u - r for u, r in zip(p, reservations, strict=True))

    rational = [
        p for p in points if all(u >= r - TOL for u, r in zip(p, reservations, strict=False))
    ]
    best = max(product(p) for p in rational)
    nash = analysis.solutions["nash"]
    if best <= TOL:  # no package gives both more than disagreement (FiftyFifty)
        assert nash is None
        return
    package = analysis.space.package(nash.position)
    outcome = tuple(
        # map the scenario's option names back to GENIUS's values through the import
        next(
            v
            for v in values
            if imported.data["issues"][name]["options"][values.index(v)] == package[name]
        )
        for (_, _, values), name in zip(issues, imported.data["issues"], strict=True)
    )
    utilities = points[outcomes.index(outcome)]
    assert product(utilities) == pytest.approx(best, abs=1e-9)
    assert list(nash.utilities) == pytest.approx([min(u, 1 + 1e-4) for u in utilities], abs=1e-4)


# ---- the command ---------------------------------------------------------------------------


def run(*args: str):
    from typer.testing import CliRunner

    from negsim.cli import app

    return CliRunner().invoke(app, ["import-genius", *args])


LAPTOP = [
    str(DATA / "Laptop" / f)
    for f in ("Laptop-C-domain.xml", "Laptop-C-prof1.xml", "Laptop-C-prof2.xml")
]


def test_writes_refuses_to_overwrite_and_forces(tmp_path):
    out = tmp_path / "laptop.yaml"
    assert run(*LAPTOP, "-o", str(out)).exit_code == 0
    assert api.load(str(out)).party_names == ("Laptop-C-prof1", "Laptop-C-prof2")
    again = run(*LAPTOP, "-o", str(out))
    assert again.exit_code == 2 and "already exists" in again.output
    assert run(*LAPTOP, "-o", str(out), "--force").exit_code == 0


def test_standard_output():
    result = run(*LAPTOP, "-o", "-")
    assert result.exit_code == 0
    assert result.stdout.startswith("# A negotiation imported from GENIUS XML files")


def test_malformed_and_missing_files_give_one_line(tmp_path):
    bad = tmp_path / "bad.xml"
    bad.write_text("<negotiation_template>\n<utility_space>\n</negotiation_template>\n")
    result = run(str(bad), *LAPTOP[1:], "-o", "-")
    assert result.exit_code == 2
    assert f"{bad}:3: malformed XML" in result.output
    assert "Traceback" not in result.output
    missing = run(str(tmp_path / "none.xml"), *LAPTOP[1:], "-o", "-")
    assert missing.exit_code == 2 and "no such file" in missing.output


def test_entity_declarations_are_refused(tmp_path):
    bomb = tmp_path / "bomb.xml"
    bomb.write_text('<!DOCTYPE x [<!ENTITY a "aaaa">]><negotiation_template/>')
    result = run(str(bomb), *LAPTOP[1:], "-o", "-")
    assert result.exit_code == 2 and "DOCTYPE" in result.output


def test_integer_and_real_issues_become_exact_value_functions():
    domain = """<negotiation_template><utility_space><objective index="0" name="r">
<issue index="1" name="count" type="integer" lowerbound="10" upperbound="20"/>
<issue index="2" name="size" type="real"><range lowerbound="0" upperbound="2"/></issue>
</objective></utility_space></negotiation_template>"""
    profile = """<utility_space><objective index="0" name="r">
<issue index="1" name="count" type="integer" lowerbound="10" upperbound="20">
<evaluator ftype="linear" slope="0.2" offset="-0.5"/></issue>
<issue index="2" name="size" type="real"><range lowerbound="0" upperbound="2"/>
<evaluator ftype="linear" parameter0="1" parameter1="-0.25"/></issue>
<weight index="1" value="0.5"/><weight index="2" value="0.5"/></objective>
<reservation value="0.1"/><discount_factor value="0.5"/></utility_space>"""
    imported = convert(("d.xml", domain), [("a.xml", profile), ("b.xml", profile)], rounds=4)
    party = imported.data["parties"]["a"]
    # clamp(-0.5 + 0.2 (n - 10), 0, 1): 0 up to 12.5, 1 from 17.5
    assert party["values"]["count"] == {10: 0.0, 12.5: 0.0, 17.5: 1.0, 20: 1.0}
    assert party["values"]["size"] == {0: 1.0, 2: 0.5}
    assert imported.data["issues"]["count"]["resolution"] == 11
    assert party["discount"] == pytest.approx(0.5**0.25)
    assert party["disagreement"] == 0.1
    assert load_scenario_text(imported.text).party_names == ("a", "b")
