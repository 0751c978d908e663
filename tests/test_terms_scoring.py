"""Reading typed packages (negsim.format.terms) and scoring deals (negsim.analysis.scoring):
property tests against plain Python definitions, and the messages a person sees."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from negsim.analysis.scoring import score_deal, score_deals
from negsim.format.loader import load_scenario_text
from negsim.format.model import CategoricalIssue, NumericIssue, SplitIssue
from negsim.format.terms import TermError, is_no_deal, read_terms
from negsim.space import OutcomeSpace
from tests.strategies import examples, scenarios

TEXT = """
negsim: 1
name: a car
issues:
  colour: {label: Paint colour, options: [red, green, blue]}
  price: {range: [0, 10], resolution: 11}
  pie: {split: {total: 1}, resolution: 5}
parties:
  buyer: {values: {colour: {red: 1, green: 0.5, blue: 0}, price: {0: 1, 10: 0}}}
  seller: {values: {colour: {red: 0, green: 0.5, blue: 1}, price: {0: 0, 10: 1}}}
"""


@pytest.fixture(scope="module")
def scenario():
    return load_scenario_text(TEXT)


@pytest.mark.parametrize(
    "typed",
    [
        "colour=green price=4 pie=buyer:0.25",
        "Paint colour = GREEN; price=4.0, pie=seller:0.75",
        "col=gr price=4 pie=buyer:0.25/seller:0.75",
    ],
)
def test_the_same_package_typed_several_ways(scenario, typed):
    assert read_terms(scenario, typed) == {
        "colour": "green",
        "price": 4.0,
        "pie": {"buyer": 0.25, "seller": 0.75},
    }


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (
            "colour=purple price=4 pie=buyer:0.5",
            "no option 'purple'.*the options are red, green, blue",
        ),
        ("colour=gren price=4 pie=buyer:0.5", "did you mean 'green'"),
        (
            "colour=red price=4.6 pie=buyer:0.5",
            r"price runs from 0 to 10 in steps of 1; 4.6 is not on it \(nearest: 4 or 5\)",
        ),
        ("colour=red price=cheap pie=buyer:0.5", "price takes a number, not 'cheap'"),
        ("colour=red price=4", "no term for pie"),
        ("colour=red colour=blue price=4 pie=buyer:0.5", "colour is given twice"),
        ("colour red", "is not a term: write ISSUE=OPTION"),
        ("size=big colour=red price=4 pie=buyer:0.5", "no issue 'size'"),
        ("colour=red price=4 pie=buyer:0.3", "shares add up to 1 in steps of 0.25"),
        ("colour=red price=nan pie=buyer:0.5", "finite number"),
    ],
)
def test_mistakes_say_what_fits(scenario, typed, message):
    with pytest.raises(TermError, match=message):
        read_terms(scenario, typed)


def test_no_deal_words():
    assert is_no_deal("No Deal") and is_no_deal("  no   deal ") and is_no_deal("none")
    assert not is_no_deal("red") and not is_no_deal("")


@settings(max_examples=examples(60), deadline=None)
@given(scenarios(max_packages=200, with_constraints=False), st.data())
def test_every_package_reads_back_from_its_own_words(scenario, data):
    """Writing a package as terms and reading it gives the same package, for every kind."""
    space = OutcomeSpace.from_scenario(scenario)
    position = data.draw(st.integers(0, space.n_feasible - 1))
    package = space.package(position)
    terms = []
    for issue in scenario.issues:
        value = package[issue.name]
        if isinstance(issue, CategoricalIssue):
            terms.append((issue.name, value))
        elif isinstance(issue, NumericIssue):
            terms.append((issue.name, repr(value)))
        else:
            assert isinstance(issue, SplitIssue)
            terms.append((issue.name, "/".join(f"{p}:{s!r}" for p, s in value.items())))
    assert space.position_of(read_terms(scenario, terms)) == position


def _plain_score(utilities: np.ndarray, point: np.ndarray) -> tuple[float, bool]:
    """Joint value left and Pareto-optimality by a loop over packages."""
    best = 0.0
    dominated = False
    for column in utilities.T:
        if all(column[i] >= point[i] - 1e-9 for i in range(len(point))):
            gain = float(sum(column[i] - point[i] for i in range(len(point))))
            best = max(best, gain)
            if any(column[i] > point[i] + 1e-9 for i in range(len(point))):
                dominated = True
    return (best if best > 1e-9 else 0.0), not dominated


@settings(max_examples=examples(80), deadline=None)
@given(scenarios(max_packages=150), st.data())
def test_scores_match_a_plain_loop(scenario, data):
    space = OutcomeSpace.from_scenario(scenario)
    position = data.draw(st.none() | st.integers(0, space.n_feasible - 1))
    score = score_deal(space, position)
    point = space.disagreement if position is None else space.utilities[:, position]
    left, optimal = _plain_score(space.utilities, point)
    assert score.joint_value_left == pytest.approx(left, abs=1e-9)
    assert score.pareto_optimal == (optimal and position is not None)
    assert (score.distance_to_frontier == 0.0) == (
        score.pareto_optimal or (position is None and score.distance_to_frontier == 0.0)
    )
    if score.better_position is not None:
        better = space.utilities[:, score.better_position]
        assert np.all(better >= point - 1e-9)
        assert better.sum() - point.sum() == pytest.approx(score.joint_value_left)
    # The distance is to the nearest Pareto-optimal package, by a plain loop.
    pareto = [
        column
        for column in space.utilities.T
        if not any(
            np.all(other >= column - 1e-9) and np.any(other > column + 1e-9)
            for other in space.utilities.T
        )
    ]
    nearest = min(float(np.linalg.norm(column - point)) for column in pareto)
    expected = 0.0 if score.pareto_optimal else nearest
    assert score.distance_to_frontier == pytest.approx(expected, abs=1e-9)


def test_a_worked_example(scenario):
    """Buyer and seller on colour and price: red at 4 leaves value on the table."""
    space = OutcomeSpace.from_scenario(scenario)
    red4 = space.position_of(read_terms(scenario, "colour=red price=4 pie=buyer:0.5"))
    scores = score_deals(space, [red4, None])
    assert not scores[0].pareto_optimal or scores[0].joint_value_left == 0.0
    assert scores[1].utilities.tolist() == space.disagreement.tolist()
    assert not scores[1].agreed and scores[0].agreed
    # Every package's score is consistent with a brute-force frontier.
    for position in itertools.islice(range(space.n_feasible), 0, None, 7):
        assert score_deal(space, position).joint_value_left >= 0.0


@pytest.mark.parametrize(
    "name", ["pie-split", "logrolling", "labor-contract", "venezuela-2025", "coalition-split"]
)
def test_a_written_package_reads_back_as_itself(name):
    """``term_text`` is the inverse of ``read_term``: every package of a bundled scenario,
    written term by term (exactly, and rounded on its grid) and read again, is the same
    package."""
    from negsim import load
    from negsim.format.terms import package_terms, read_term, term_text

    scenario = load(name)
    space = OutcomeSpace.from_scenario(scenario)
    for position in range(0, space.n_feasible, max(1, space.n_feasible // 200)):
        package = space.package(position)
        for written in (
            {name: term_text(value) for name, value in package.items()},
            package_terms(scenario, package),
        ):
            again = {issue.name: read_term(scenario, issue, written[issue.name])
                     for issue in scenario.issues}  # fmt: skip
            assert space.position_of(again) == position


@settings(max_examples=60, deadline=None)
@given(
    low=st.integers(-50, 50).map(lambda k: k / 4),
    width=st.sampled_from([1.0, 3.0, 7.5, 100.0, 0.3]),
    resolution=st.integers(2, 400),
)
def test_a_number_rounded_on_its_grid_reads_back_as_that_point(low, width, resolution):
    """Every grid point written to a tenth of a step reads back as itself and no other."""
    from negsim.format.terms import issue_step, read_term, term_text

    high = low + width
    text = (
        "negsim: 1\nname: grid\n"
        f"issues: {{x: {{range: [{low}, {high}], resolution: {resolution}}}}}\n"
        f"parties: {{a: {{values: {{x: {{{low}: 0, {high}: 1}}}}}}, "
        f"b: {{values: {{x: {{{low}: 1, {high}: 0}}}}}}}}\n"
    )
    scenario = load_scenario_text(text)
    issue = scenario.issues[0]
    step = issue_step(issue)
    for value in issue.grid().tolist():
        written = term_text(value, step)
        assert read_term(scenario, issue, written) == value, written
        assert abs(float(written) - value) <= step / 20 + 1e-12


def test_a_number_is_read_to_the_digits_written():
    from negsim.format.terms import package_terms

    text = """
negsim: 1
name: thirtieths
issues:
  x: {range: [0, 1], resolution: 31}
  pie: {split: {total: 1}, resolution: 31}
parties:
  a: {values: {x: {0: 0, 1: 1}}}
  b: {values: {x: {0: 1, 1: 0}}}
  c: {values: {x: {0: 1, 1: 0}}}
"""
    scenario = load_scenario_text(text)
    read = read_terms(scenario, "x=0.17 pie=a:0.167/b:0.5")
    assert read["x"] == 1 / 6 and read["pie"]["a"] == pytest.approx(1 / 6, abs=1e-15)
    assert read["pie"]["c"] == pytest.approx(1 / 3)
    assert read_terms(scenario, "x=0.1 pie=a:0.3/b:0.3/c:0.4")["x"] == 0.1
    with pytest.raises(TermError, match=r"steps of 0\.0333333; 0\.15 is not on it"):
        read_terms(scenario, "x=0.15 pie=a:0.5/b:0.5/c:0")  # 0.1333 and 0.1667 both 1/60 off
    with pytest.raises(TermError, match="is not one of them"):
        read_terms(scenario, "x=0 pie=a:0.15/b:0.25/c:0.6")  # 0.15 is no thirtieth
    assert package_terms(scenario, {"x": 1 / 6, "pie": {"a": 1 / 6, "b": 0.5, "c": 1 / 3}}) == {
        "x": "0.167", "pie": "a:0.167/b:0.5/c:0.333"}  # fmt: skip


def test_numbers_are_written_exactly():
    from negsim.format.terms import term_text

    for value in (0.1, 1 / 3, 40.0, 123456.7891234, -2.5e-7):
        assert float(term_text(value)) == value
    assert term_text(1 / 3) == repr(1 / 3) and term_text(0.6) == "0.6"
