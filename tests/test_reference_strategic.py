"""Reference tests: strategic (non-cooperative) bargaining, the ``equilibrium`` block.

Every case here is a published result listed in ``tests/published-cases.yaml`` (a copy of
the project's shared reference set), encoded as scenario files under ``tests/reference/``
(each with a header citing the source and explaining the encoding) and reproduced through
negsim's public interface, ``negsim solve FILE --format json`` (``spec/cli.md``). Expected
numbers are read from ``published-cases.yaml`` by case id, never retyped here; derived
quantities (a formula evaluated at the case's inputs, a share from a package, an
expectation over recognition) are computed in the test from the case's inputs and the JSON.

Where a case has a parameter with many numeric values (Stahl's deadlines, RUB-04's period
lengths, a variant with one input changed), the test writes a copy of the case's scenario
file with that input changed to ``tmp_path`` and solves the copy: the inputs are never
rounded by hand.

Fields compared (``spec/cli.md``):

* ``equilibrium.utilities`` / ``payoffs``: the agreed package's utilities and their value
  under the payoff convention (equal when the agreement is in round 0);
* ``equilibrium.proposals``: with no deadline, each party's stationary proposal in
  proposing order from ``first_proposer`` (so "when 2 proposes" is the second entry); with
  a deadline, the offer of every round; for ``random_proposer``, each party's proposal when
  recognised;
* ``equilibrium.package``: the (interpolated) agreed package, shares in units of the total;
* ``ranges`` and ``solutions.nash.hull`` for Fearon's bargaining range and the naive Nash
  predictors.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from published import (
    expected,
    inputs,
    load_yaml,
    scenario_file,
    solve,
    tolerance,
    variant,
)

RUB01 = "RUB-01-rubinstein-discount-factors"
RUB02 = "RUB-02-stahl-finite-horizon-T1-10"
RUB03 = "RUB-03-stahl-deadline-with-conflict-payoffs"
RUB04 = "RUB-04-brw-short-period-limit-rates"
RUB05 = "RUB-05-rubinstein-nonlinear-frontier-converges-to-nash"
RUB06 = "RUB-06-rubinstein-fixed-bargaining-costs"
RUB07 = "RUB-07-ultimatum"
OO01 = "OO-01-outside-option-principle-discrete"
OO02 = "OO-02-deal-me-out-vs-split-the-difference"
RB01 = "RB-01-risk-of-breakdown"
NP01 = "NP-01-baron-ferejohn-closed-rule"
MI03 = "MI-03-package-deal-vs-issue-by-issue-deadline"
WAR02 = "WAR-02-fearon-bargaining-range"

FLOAT_SLACK = 1e-9
"""The spec's comparison tolerance: utilities within 1e-9 are equal, for acceptance too
(spec/scenario.md, payoff convention)."""


# --------------------------------------------------------------------------------------------
# Helpers


def close(value: Any, tol: float) -> Any:
    """``pytest.approx`` with an absolute tolerance only."""
    return pytest.approx(value, abs=tol, rel=0)


def vector(data: dict[str, Any], by_party: dict[str, float]) -> list[float]:
    """A ``{party: float}`` JSON object as a list in party order."""
    assert set(by_party) == set(data["parties"])
    return [float(by_party[party]) for party in data["parties"]]


def equilibrium(data: dict[str, Any]) -> dict[str, Any]:
    block = data["equilibrium"]
    assert block is not None
    return block


def proposal(data: dict[str, Any], index: int) -> dict[str, Any]:
    """The ``index``-th entry of ``equilibrium.proposals``."""
    proposals = equilibrium(data)["proposals"]
    assert len(proposals) > index, proposals
    return proposals[index]


def assert_immediate_agreement(data: dict[str, Any], tol: float) -> list[float]:
    """Agreement in round 0 on the first proposer's proposal; then the payoffs are the
    utilities (nothing discounted). Returns the utilities in party order."""
    block = equilibrium(data)
    assert block["agreement"] is True
    assert block["round"] == 0
    assert block["proposer"] == block["first_proposer"]
    utilities = vector(data, block["utilities"])
    assert vector(data, block["payoffs"]) == close(utilities, tol)
    first = proposal(data, 0)
    assert first["proposer"] == block["first_proposer"]
    assert vector(data, first["utilities"]) == close(utilities, tol)
    return utilities


def parties_of(path: Path) -> dict[str, Any]:
    return load_yaml(path)["parties"]


def set_party(name: str, key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def edit(data: dict[str, Any]) -> None:
        data["parties"][name][key] = value

    return edit


def set_protocol(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def edit(data: dict[str, Any]) -> None:
        data.setdefault("protocol", {})[key] = value

    return edit


# --------------------------------------------------------------------------------------------
# RUB-01: Rubinstein (1982), infinite horizon, discount factors

RUB01_PAIRS = [tuple(float(d) for d in pair) for pair in inputs(RUB01)["pairs"]]
RUB01_IDS = [f"{RUB01}-d1={d1},d2={d2}" for d1, d2 in RUB01_PAIRS]


def rub01_file(pair: tuple[float, float]) -> Path:
    return scenario_file(RUB01, f"d1-{pair[0]}-d2-{pair[1]}")


def rub01_expected(pair: tuple[float, float]) -> dict[str, float]:
    return expected(RUB01)[f"d1={pair[0]},d2={pair[1]}"]


@pytest.mark.parametrize("pair", RUB01_PAIRS, ids=RUB01_IDS)
def test_rub01_encodes_the_case(pair: tuple[float, float]) -> None:
    path = rub01_file(pair)
    parties = parties_of(path)
    assert [float(p["discount"]) for p in parties.values()] == list(pair)
    data = solve(path)
    block = equilibrium(data)
    assert block["protocol"] == "alternating_offers"
    assert block["deadline"] is None
    assert block["first_proposer"] == data["parties"][0]


@pytest.mark.parametrize("pair", RUB01_PAIRS, ids=RUB01_IDS)
def test_rub01_split(pair: tuple[float, float]) -> None:
    """Immediate agreement on (x1, x2); the package's shares are the utilities."""
    want = rub01_expected(pair)
    tol = tolerance(RUB01)
    data = solve(rub01_file(pair))
    utilities = assert_immediate_agreement(data, tol)
    assert utilities == close([want["x1"], want["x2"]], tol)
    shares = equilibrium(data)["package"]["pie"]
    assert vector(data, shares) == close([want["x1"], want["x2"]], tol)
    # the closed form of the case, evaluated at its inputs
    d1, d2 = pair
    assert utilities[0] == close((1 - d2) / (1 - d1 * d2), tol)


@pytest.mark.parametrize("pair", RUB01_PAIRS, ids=RUB01_IDS)
def test_rub01_player2_proposes(pair: tuple[float, float], tmp_path: Path) -> None:
    """Player 2's share when it proposes: the second stationary proposal; the same as the
    agreement of a copy with player 2 as first proposer."""
    want = rub01_expected(pair)["share_of_player2_when_2_proposes"]
    tol = tolerance(RUB01)
    path = rub01_file(pair)
    data = solve(path)
    second = proposal(data, 1)
    assert second["proposer"] == data["parties"][1]
    assert second["round"] is None
    assert second["accepted"] is True
    assert vector(data, second["utilities"])[1] == close(want, tol)

    swapped = solve(variant(path, tmp_path, set_protocol("first_proposer", data["parties"][1])))
    utilities = assert_immediate_agreement(swapped, tol)
    assert utilities[1] == close(want, tol)
    assert vector(swapped, proposal(swapped, 1)["utilities"]) == close(
        vector(data, proposal(data, 0)["utilities"]), tol
    )


# --------------------------------------------------------------------------------------------
# RUB-02: Stahl's finite horizon, deadlines T = 1..10

RUB02_T = [int(t) for t in inputs(RUB02)["T"]]


def rub02_share(deadline: int) -> float:
    return float(expected(RUB02)["player1_share_d09_09"][RUB02_T.index(deadline)])


def test_rub02_encodes_the_case() -> None:
    path = scenario_file(RUB02)
    parties = parties_of(path)
    assert [float(p["discount"]) for p in parties.values()] == inputs(RUB02)["discounts"][0]
    assert [float(p["disagreement"]) for p in parties.values()] == [0.0, 0.0]
    data = solve(path)
    assert equilibrium(data)["deadline"] == max(RUB02_T)
    assert equilibrium(data)["first_proposer"] == data["parties"][0]


@pytest.mark.parametrize("deadline", RUB02_T, ids=[f"{RUB02}-T={t}" for t in RUB02_T])
def test_rub02_stahl_share(deadline: int, tmp_path: Path) -> None:
    """Player 1's share with a deadline of T rounds, from a copy with that deadline."""
    tol = tolerance(RUB02)
    data = solve(variant(scenario_file(RUB02), tmp_path, set_protocol("deadline", deadline)))
    assert equilibrium(data)["deadline"] == deadline
    assert len(equilibrium(data)["proposals"]) == deadline
    utilities = assert_immediate_agreement(data, tol)
    assert utilities[0] == close(rub02_share(deadline), tol)
    assert sum(utilities) == close(1.0, tol)


def test_rub02_every_deadline_from_one_file() -> None:
    """The T = 10 file's proposal in round t is the round-0 offer of a game with 10 - t
    rounds left; with equal discount factors its proposer keeps x_{10 - t}. Utilities in
    ``proposals`` are undiscounted package utilities."""
    tol = tolerance(RUB02)
    data = solve(scenario_file(RUB02))
    proposals = equilibrium(data)["proposals"]
    assert [p["round"] for p in proposals] == list(range(max(RUB02_T)))
    for t, entry in enumerate(proposals):
        proposer = data["parties"][t % 2]
        assert entry["proposer"] == proposer
        assert entry["accepted"] is True
        assert entry["utilities"][proposer] == close(rub02_share(max(RUB02_T) - t), tol), t


def test_rub02_no_deadline_is_the_rubinstein_limit(tmp_path: Path) -> None:
    """Without a deadline: the Rubinstein split the shares tend to, from above for odd T
    and from below for even T (the case's property, on negsim's numbers)."""
    tol = tolerance(RUB02)
    limit = float(expected(RUB02)["rubinstein_limit_d09_09"])
    data = solve(variant(scenario_file(RUB02), tmp_path, set_protocol("deadline", None)))
    assert assert_immediate_agreement(data, tol)[0] == close(limit, tol)
    q = math.prod(inputs(RUB02)["discounts"][0])
    for deadline in RUB02_T:
        gap = rub02_share(deadline) - limit
        k = deadline // 2
        if deadline % 2:
            assert gap == close(q**k * (1 - limit), tol)
        else:
            assert gap == close(-(q**k) * limit, tol)


# --------------------------------------------------------------------------------------------
# RUB-03: Stahl with conflict payoffs at the deadline

RUB03_T = [int(t) for t in inputs(RUB03)["T"]]


@pytest.mark.parametrize("deadline", RUB03_T, ids=[f"{RUB03}-T={t}" for t in RUB03_T])
def test_rub03_conflict_payoffs(deadline: int) -> None:
    tol = tolerance(RUB03)
    path = scenario_file(RUB03, f"T-{deadline}")
    parties = parties_of(path)
    assert [float(p["disagreement"]) for p in parties.values()] == inputs(RUB03)["conflict_payoffs"]
    assert [float(p["discount"]) for p in parties.values()] == inputs(RUB03)["delta"]
    data = solve(path)
    assert equilibrium(data)["deadline"] == deadline
    utilities = assert_immediate_agreement(data, tol)
    assert utilities == close(expected(RUB03)[f"T={deadline}"], tol)


# --------------------------------------------------------------------------------------------
# RUB-04: Binmore-Rubinstein-Wolinsky, delta_i = exp(-r_i Delta)

RUB04_DELTAS = [float(d) for d in inputs(RUB04)["period_lengths"]]


def rub04_discounts(period: float) -> list[float]:
    return [math.exp(-float(inputs(RUB04)[r]) * period) for r in ("r1", "r2")]


def test_rub04_file_is_period_one() -> None:
    """The file holds Delta = 1 with exactly the doubles exp(-r_i)."""
    parties = parties_of(scenario_file(RUB04))
    assert [float(p["discount"]) for p in parties.values()] == rub04_discounts(1.0)


@pytest.mark.slow
@pytest.mark.parametrize("period", RUB04_DELTAS, ids=[f"{RUB04}-Delta={d}" for d in RUB04_DELTAS])
def test_rub04_short_periods(period: float, tmp_path: Path) -> None:
    """Player 1's share for each period length, discounts computed here."""
    tol = tolerance(RUB04)
    d1, d2 = rub04_discounts(period)

    def edit(data: dict[str, Any]) -> None:
        first, second = data["parties"].values()
        first["discount"], second["discount"] = d1, d2

    data = solve(variant(scenario_file(RUB04), tmp_path, edit))
    utilities = assert_immediate_agreement(data, tol)
    assert utilities[0] == close(float(expected(RUB04)["x1_by_Delta"][str(period)]), tol)


@pytest.mark.slow
def test_rub04_limit(tmp_path: Path) -> None:
    """The limit r2/(r1 + r2) (the generalized Nash split with powers 1/r_i); the shortest
    period is within the case's limit tolerance of it and the shares fall towards it."""
    r1, r2 = float(inputs(RUB04)["r1"]), float(inputs(RUB04)["r2"])
    limit = float(expected(RUB04)["limit"])
    assert r2 / (r1 + r2) == close(limit, tolerance(RUB04))
    shares = []
    for period in sorted(RUB04_DELTAS, reverse=True):
        d1, d2 = rub04_discounts(period)

        def edit(data: dict[str, Any], d1: float = d1, d2: float = d2) -> None:
            first, second = data["parties"].values()
            first["discount"], second["discount"] = d1, d2

        data = solve(variant(scenario_file(RUB04), tmp_path, edit))
        shares.append(vector(data, equilibrium(data)["utilities"])[0])
    assert all(a > b > limit for a, b in itertools.pairwise(shares)), shares
    assert shares[-1] == close(limit, tolerance(RUB04, "limit_abs"))


# --------------------------------------------------------------------------------------------
# RUB-05: Rubinstein on the frontier u2 = sqrt(1 - u1)


def rub05_frontier(u1: float) -> float:
    return math.sqrt(1.0 - u1)


def rub05_slope(u1: float) -> float:
    return -0.5 / math.sqrt(1.0 - u1)


def rub05_curvature(u1: float) -> float:
    """|g''(u1)| = (1 - u1)^(-3/2) / 4, increasing in u1."""
    return (1.0 - u1) ** -1.5 / 4


@pytest.mark.slow
def test_rub05_nonlinear_frontier() -> None:
    """Player 1's proposal on the curved frontier, at the case tolerance.

    Why the tolerance holds at the file's resolution: offers lie on the chords between grid
    points of step h, below the curve by at most s = h^2/8 max|g''|. The equilibrium solves
    G(x) = g(x) - d g(d x) = 0; a frontier error of at most s moves the root by at most
    s/|G'(x)| and u2 by |g'(x)| times that plus s. The bound is computed here and must be
    far inside the tolerance."""
    (delta,) = (float(d) for d in inputs(RUB05)["delta"])
    want = [float(u) for u in expected(RUB05)["player1_proposal_u"][str(delta)]]
    tol = tolerance(RUB05)
    path = scenario_file(RUB05)
    issue = load_yaml(path)["issues"]["pie"]
    step = float(issue["split"]["total"]) / (int(issue["resolution"]) - 1)
    x = want[0]
    sag = step * step / 8 * rub05_curvature(x + step)
    slope_g = abs(rub05_slope(x) - delta**2 * rub05_slope(delta * x))
    bound_u1 = sag / slope_g
    bound_u2 = abs(rub05_slope(x)) * bound_u1 + sag
    assert max(bound_u1, bound_u2) < tol / 10, f"resolution too coarse: {bound_u1:.2e}"

    # the case's closed form and frontier agree with its numbers
    assert (1 + delta) / (1 + delta + delta**2) == close(want[0], tol)
    assert rub05_frontier(want[0]) == close(want[1], tol)

    data = solve(path)
    assert [float(p.get("discount", 1.0)) for p in parties_of(path).values()] == [delta, delta]
    utilities = assert_immediate_agreement(data, tol)
    assert utilities == close(want, tol)
    # player 2's stationary proposal (d x, g(d x)): player 1 indifferent
    reply = vector(data, proposal(data, 1)["utilities"])
    assert reply[0] == close(delta * utilities[0], tol)
    assert reply[1] == close(rub05_frontier(delta * utilities[0]), tol)
    assert utilities[1] == close(delta * reply[1], tol)


# --------------------------------------------------------------------------------------------
# RUB-06: fixed bargaining costs

RUB06_COSTS = [tuple(float(c) for c in pair) for pair in inputs(RUB06)["cases"]]


def rub06_key(costs: tuple[float, float]) -> str:
    c1, c2 = costs
    return f"c1=c2={c1}" if c1 == c2 else f"c1={c1},c2={c2}"


@pytest.mark.parametrize("costs", RUB06_COSTS, ids=[f"{RUB06}-{rub06_key(c)}" for c in RUB06_COSTS])
def test_rub06_fixed_costs(costs: tuple[float, float]) -> None:
    tol = tolerance(RUB06)
    want = expected(RUB06)[rub06_key(costs)]
    path = scenario_file(RUB06, f"c1-{costs[0]}-c2-{costs[1]}")
    parties = parties_of(path)
    assert [float(p["cost_per_round"]) for p in parties.values()] == list(costs)
    assert all(float(p.get("discount", 1.0)) == 1.0 for p in parties.values())
    data = solve(path)
    block = equilibrium(data)
    utilities = assert_immediate_agreement(data, tol)
    if costs[0] == costs[1]:
        # many equilibria: any x1 in [c, 1]; the reported one is the first proposer's best
        low, high = (float(v) for v in want["player1_share_range"])
        assert block.get("unique") is False
        assert block["range"][data["parties"][0]] == close([low, high], tol)
        assert utilities[0] == close(high, tol)
    else:
        assert "unique" not in block
        assert utilities[0] == close(want["player1_share_when_1_proposes"], tol)
        second = proposal(data, 1)
        assert second["proposer"] == data["parties"][1]
        assert vector(data, second["utilities"])[1] == close(
            want["player2_share_when_2_proposes"], tol
        )


# --------------------------------------------------------------------------------------------
# RUB-07: the ultimatum game

RUB07_RESERVATIONS = [float(r) for r in inputs(RUB07)["continuous"]["responder_reservation"]]


@pytest.mark.parametrize(
    "reservation",
    RUB07_RESERVATIONS,
    ids=[f"{RUB07}-continuous-r={r:g}" for r in RUB07_RESERVATIONS],
)
def test_rub07_continuous(reservation: float) -> None:
    tol = tolerance(RUB07)
    want = float(expected(RUB07)["continuous_proposer_share"][f"r={reservation:g}"])
    path = scenario_file(RUB07, f"continuous-r-{reservation}")
    assert float(parties_of(path)["responder"]["disagreement"]) == reservation
    data = solve(path)
    block = equilibrium(data)
    assert block["protocol"] == "ultimatum"
    assert block["deadline"] == 1
    utilities = assert_immediate_agreement(data, tol)
    assert utilities == close([want, 1.0 - want], tol)
    assert utilities[1] == close(reservation, tol)  # the responder gets its reservation


def test_rub07_discrete(tmp_path: Path) -> None:
    """100 indivisible units, single packages only: responders accept when indifferent, so
    the proposer keeps 100 (the first SPE of the case). A copy where the responder strictly
    prefers rejecting 0 (a reservation of half a unit) gives the other SPE, 99."""
    tol = tolerance(RUB07)
    keeps = [float(k) for k in expected(RUB07)["discrete_spe_proposer_keeps"]]
    total = float(inputs(RUB07)["discrete"]["pie"])
    unit = float(inputs(RUB07)["discrete"]["unit"])
    path = scenario_file(RUB07, "discrete")
    scenario = load_yaml(path)
    assert scenario["protocol"]["lotteries"] is False
    issue = scenario["issues"]["pie"]
    assert float(issue["split"]["total"]) == total
    assert total / (int(issue["resolution"]) - 1) == unit

    data = solve(path)
    block = equilibrium(data)
    assert_immediate_agreement(data, tol)
    assert len(block["mix"]) == 1  # a single package
    assert block["package"]["pie"]["proposer"] == close(keeps[0], tol)
    assert block["package"]["pie"]["responder"] == close(total - keeps[0], tol)

    half_unit = 0.5 * unit / total  # utility of half a unit
    other = solve(variant(path, tmp_path, set_party("responder", "disagreement", half_unit)))
    assert equilibrium(other)["package"]["pie"]["proposer"] == close(keeps[1], tol)


# --------------------------------------------------------------------------------------------
# OO-01: the outside option principle

OO01_OPTIONS = [float(w) for w in inputs(OO01)["w_B"]]


def oo01_threshold() -> float:
    d_a, d_b = float(inputs(OO01)["delta_A"]), float(inputs(OO01)["delta_B"])
    return d_b * (1 - d_a) / (1 - d_a * d_b)


@pytest.mark.parametrize("option", OO01_OPTIONS, ids=[f"{OO01}-w_B={w}" for w in OO01_OPTIONS])
def test_oo01_outside_option(option: float) -> None:
    tol = tolerance(OO01)
    want = expected(OO01)[f"w_B={option}"]
    path = scenario_file(OO01, f"w-{option}")
    parties = parties_of(path)
    assert float(parties["B"]["outside_option"]) == option
    assert parties["A"].get("outside_option") is None
    assert [float(p["discount"]) for p in parties.values()] == [
        float(inputs(OO01)["delta_A"]),
        float(inputs(OO01)["delta_B"]),
    ]
    data = solve(path)
    first = assert_immediate_agreement(data, tol)
    assert first == close([want["A_share_when_A_proposes"], want["B_share_when_A_proposes"]], tol)
    second = proposal(data, 1)
    assert second["proposer"] == "B"
    assert second["utilities"]["B"] == close(want["B_share_when_B_proposes"], tol)


@pytest.mark.parametrize("option", OO01_OPTIONS, ids=[f"{OO01}-w_B={w}-rule" for w in OO01_OPTIONS])
def test_oo01_rule(option: float, tmp_path: Path) -> None:
    """The case's rule: below d_B (1 - d_A)/(1 - d_A d_B) the option is irrelevant (the
    same equilibrium as a copy without it); above, A offers exactly w_B and B proposing
    gets 1 - d_A (1 - w_B)."""
    tol = tolerance(OO01)
    path = scenario_file(OO01, f"w-{option}")
    data = solve(path)
    if option <= oo01_threshold():
        without = solve(variant(path, tmp_path, set_party("B", "outside_option", None)))
        for index in (0, 1):
            assert vector(data, proposal(data, index)["utilities"]) == close(
                vector(without, proposal(without, index)["utilities"]), tol
            )
    else:
        d_a = float(inputs(OO01)["delta_A"])
        assert proposal(data, 0)["utilities"]["B"] == close(option, tol)
        assert proposal(data, 1)["utilities"]["B"] == close(1 - d_a * (1 - option), tol)


# --------------------------------------------------------------------------------------------
# OO-02: deal me out vs split the difference

OO02_OPTIONS = [int(w) for w in inputs(OO02)["outside_option_player2"]]


def oo02_file(option: int) -> Path:
    return scenario_file(OO02, f"w-{option}")


def test_oo02_encodes_the_case() -> None:
    """Pie 7 valued in pounds, equal discount factors close enough to 1 that the
    Rubinstein split 7/(1 + delta) is within the case tolerance of 7/2."""
    pie = float(inputs(OO02)["pie"])
    for option in OO02_OPTIONS:
        scenario = load_yaml(oo02_file(option))
        assert float(scenario["issues"]["pie"]["split"]["total"]) == pie
        parties = scenario["parties"]
        assert float(parties["B"]["outside_option"]) == option
        discounts = {float(p["discount"]) for p in parties.values()}
        assert len(discounts) == 1  # equal discount rates
        (delta,) = discounts
        assert pie * (1 - delta) / (2 * (1 + delta)) < tolerance(OO02) / 5
        for party in parties.values():
            assert {float(k): float(v) for k, v in party["values"]["pie"].items()} == {
                0.0: 0.0,
                pie: pie,
            }


@pytest.mark.slow
@pytest.mark.parametrize(
    "option", OO02_OPTIONS, ids=[f"{OO02}-w={w}-deal-me-out" for w in OO02_OPTIONS]
)
def test_oo02_deal_me_out(option: int) -> None:
    """The equilibrium (A proposes first) is the outside option principle's prediction."""
    tol = tolerance(OO02)
    want = expected(OO02)[f"w={option}"]["deal_me_out_(player1,player2)"]
    data = solve(oo02_file(option))
    utilities = assert_immediate_agreement(data, FLOAT_SLACK)
    assert utilities == close(want, tol)
    assert vector(data, equilibrium(data)["package"]["pie"]) == close(want, tol)


@pytest.mark.slow
@pytest.mark.parametrize(
    "option", OO02_OPTIONS, ids=[f"{OO02}-w={w}-split-the-difference" for w in OO02_OPTIONS]
)
def test_oo02_split_the_difference(option: int, tmp_path: Path) -> None:
    """The naive predictor: the Nash solution with B's outside option as its disagreement
    point, from a copy where the option becomes B's ``disagreement``."""
    tol = tolerance(OO02)
    want = expected(OO02)[f"w={option}"]["split_the_difference_(player1,player2)"]

    def edit(data: dict[str, Any]) -> None:
        b = data["parties"]["B"]
        b["disagreement"] = b.pop("outside_option")

    data = solve(variant(oo02_file(option), tmp_path, edit))
    assert vector(data, data["disagreement"]) == close([0.0, float(option)], FLOAT_SLACK)
    assert vector(data, data["solutions"]["nash"]["hull"]["utilities"]) == close(want, tol)


# --------------------------------------------------------------------------------------------
# RB-01: risk of breakdown

RB01_RISKS = [float(p) for p in inputs(RB01)["p"]]


def rb01_formula(risk: float) -> float:
    b_a, b_b = (float(b) for b in inputs(RB01)["b"])
    return b_a + (1 - b_a - b_b) / (2 - risk)


@pytest.mark.parametrize("risk", RB01_RISKS, ids=[f"{RB01}-p={p}" for p in RB01_RISKS])
def test_rb01_breakdown(risk: float) -> None:
    tol = tolerance(RB01)
    want = expected(RB01)[f"p={risk}"]
    path = scenario_file(RB01, f"p-{risk}")
    scenario = load_yaml(path)
    assert float(scenario["protocol"]["breakdown_risk"]) == risk
    parties = scenario["parties"]
    assert [float(p["disagreement"]) for p in parties.values()] == inputs(RB01)["b"]
    assert all(float(p.get("discount", 1.0)) == 1.0 for p in parties.values())
    data = solve(path)
    utilities = assert_immediate_agreement(data, tol)
    assert utilities == close(
        [want["A_share_when_A_proposes"], want["B_share_when_A_proposes"]], tol
    )
    assert utilities[0] == close(rb01_formula(risk), tol)
    second = proposal(data, 1)
    assert second["proposer"] == "B"
    assert second["utilities"]["A"] == close(want["A_share_when_B_proposes"], tol)


@pytest.mark.slow
def test_rb01_limit_small_risk(tmp_path: Path) -> None:
    """p -> 0: split the difference. With p = 1e-4 the split differs from the limit by
    (1 - b_A - b_B) p / (2 (2 - p)), the tolerance used (plus the case's)."""
    risk = 1e-4
    b_a, b_b = (float(b) for b in inputs(RB01)["b"])
    gap = (1 - b_a - b_b) * risk / (2 * (2 - risk))
    tol = tolerance(RB01)
    limit = [float(v) for v in expected(RB01)["limit_p_to_0"]]
    data = solve(
        variant(
            scenario_file(RB01, f"p-{RB01_RISKS[0]}"),
            tmp_path,
            set_protocol("breakdown_risk", risk),
        )
    )
    utilities = assert_immediate_agreement(data, tol)
    assert utilities[0] == close(rb01_formula(risk), tol)
    assert utilities == close(limit, gap + tol)


# --------------------------------------------------------------------------------------------
# NP-01: Baron-Ferejohn, closed rule

NP01_RULES = {"simple majority": "majority", "unanimity": "unanimity"}
NP01_CASES = [(int(c["n"]), c["rule"]) for c in inputs(NP01)["cases"]]


def np01_slack(n: int) -> float:
    """negsim's many-party offers give each responder up to the spec's 1e-9 acceptance
    tolerance less than its rejection value (reported discrepancy): the proposer can gain
    up to (n - 1) * 1e-9, each responder lose 1e-9. Added to the case tolerance."""
    return (n - 1) * FLOAT_SLACK


@pytest.mark.parametrize(
    ("n", "rule"), NP01_CASES, ids=[f"{NP01}-n={n}-{NP01_RULES[r]}" for n, r in NP01_CASES]
)
def test_np01_baron_ferejohn(n: int, rule: str) -> None:
    negsim_rule = NP01_RULES[rule]
    want = expected(NP01)[f"n={n} {negsim_rule}"]
    delta = float(inputs(NP01)["delta"])
    tol = tolerance(NP01) + np01_slack(n)
    path = scenario_file(NP01, negsim_rule)
    scenario = load_yaml(path)
    assert scenario["protocol"]["kind"] == "random_proposer"
    assert scenario["protocol"]["rule"] == negsim_rule
    assert "recognition" not in scenario["protocol"]  # uniform
    assert [float(p["discount"]) for p in scenario["parties"].values()] == [delta] * n

    data = solve(path)
    parties = data["parties"]
    assert len(parties) == n
    block = equilibrium(data)
    assert block["protocol"] == "random_proposer"
    assert block["agreement"] is True
    assert block["package"] is None
    proposals = block["proposals"]
    assert [p["proposer"] for p in proposals] == parties
    if negsim_rule == "majority":
        partner_share, partners = float(want["each_coalition_partner"]), int(want["partners"])
        other_share = float(want["others"])
    else:
        partner_share, partners, other_share = float(want["each_other"]), n - 1, 0.0
    for k, entry in enumerate(proposals):
        assert entry["accepted"] is True
        shares = vector(data, entry["utilities"])
        assert shares[k] == close(float(want["proposer"]), tol)
        others = [shares[(k + j) % n] for j in range(1, n)]  # party order after the proposer
        # the reported partners are the first ones after the proposer (spec, detail 7)
        assert others[:partners] == close([partner_share] * partners, tol)
        assert others[partners:] == close([other_share] * (n - 1 - partners), tol)
        assert sum(shares) == close(1.0, tol)
    # expectations over recognition (uniform): each party is the proposer with probability
    # 1/n and, by symmetry, a partner with probability partners/n
    each = (float(want["proposer"]) + partners * partner_share) / n
    assert vector(data, block["utilities"]) == close([each] * n, tol)
    assert vector(data, block["payoffs"]) == close([each] * n, tol)


def test_np01_formulas() -> None:
    """The case's closed forms at its inputs agree with its numbers (a check on the case,
    so the test above compares against consistent numbers)."""
    delta = float(inputs(NP01)["delta"])
    tol = tolerance(NP01)
    majority, unanimity = expected(NP01)["n=3 majority"], expected(NP01)["n=3 unanimity"]
    n = 3
    assert 1 - delta * (n - 1) / (2 * n) == close(majority["proposer"], tol)
    assert delta / n == close(majority["each_coalition_partner"], tol)
    assert 1 - delta * (n - 1) / n == close(unanimity["proposer"], tol)


# --------------------------------------------------------------------------------------------
# MI-03: package deal vs issue by issue with a deadline

MI03_N = [int(n) for n in inputs(MI03)["deadline_n"]]
MI03_ISSUES = ["issue1", "issue2"]


def mi03_file(deadline: int) -> Path:
    return scenario_file(MI03, f"n-{deadline}")


def mi03_weights() -> dict[str, list[float]]:
    return {
        "a": [float(w) for w in inputs(MI03)["weights_a"]],
        "b": [float(w) for w in inputs(MI03)["weights_b"]],
    }


@pytest.mark.parametrize("deadline", MI03_N, ids=[f"{MI03}-n={n}-package" for n in MI03_N])
def test_mi03_package_deal(deadline: int) -> None:
    tol = tolerance(MI03)
    want = expected(MI03)[f"n={deadline}"]["package"]
    path = mi03_file(deadline)
    scenario = load_yaml(path)
    assert scenario["protocol"]["deadline"] == deadline
    assert scenario["protocol"]["first_proposer"] == inputs(MI03)["first_proposer"]
    for name, weights in mi03_weights().items():
        party = scenario["parties"][name]
        assert [float(party["weights"][i]) for i in MI03_ISSUES] == weights
        assert float(party["discount"]) == float(inputs(MI03)["discount"])
    data = solve(path)
    utilities = assert_immediate_agreement(data, tol)
    assert utilities == close([want["U_a"], want["U_b"]], tol)
    package = equilibrium(data)["package"]
    assert [package[i]["a"] for i in MI03_ISSUES] == close(want["a_share_per_issue"], tol)
    assert [package[i]["b"] for i in MI03_ISSUES] == close(
        [1 - s for s in want["a_share_per_issue"]], tol
    )


@pytest.mark.parametrize("deadline", MI03_N, ids=[f"{MI03}-n={n}-issue-by-issue" for n in MI03_N])
def test_mi03_issue_by_issue(deadline: int, tmp_path: Path) -> None:
    """Each issue as a separate Stahl game under the same protocol: a one-issue copy. The
    weighted utilities match the case, and the package deal weakly Pareto-dominates (strictly
    for n >= 2, the case's property)."""
    tol = tolerance(MI03)
    want = expected(MI03)[f"n={deadline}"]

    def edit(data: dict[str, Any]) -> None:
        data["issues"] = {"issue": data["issues"]["issue1"]}
        for party in data["parties"].values():
            party.pop("weights")

    single = solve(variant(mi03_file(deadline), tmp_path, edit))
    assert_immediate_agreement(single, tol)
    share = float(equilibrium(single)["package"]["issue"]["a"])
    assert share == close(want["issue_by_issue"]["a_share_each_issue"], tol)
    weights = mi03_weights()
    u_a = sum(w * share for w in weights["a"])
    u_b = sum(w * (1 - share) for w in weights["b"])
    assert [u_a, u_b] == close([want["issue_by_issue"]["U_a"], want["issue_by_issue"]["U_b"]], tol)

    deal = solve(mi03_file(deadline))
    package = vector(deal, equilibrium(deal)["utilities"])
    assert package[0] >= u_a - tol and package[1] >= u_b - tol
    if deadline >= 2:
        assert package[0] + package[1] > u_a + u_b + tol


# --------------------------------------------------------------------------------------------
# WAR-02: Fearon's bargaining range

WAR02_FILES = ["ultimatum-A", "ultimatum-B", "breakdown"]


def war02_payoffs() -> tuple[float, float]:
    """War payoffs (p - c_A, 1 - p - c_B), the disagreement point."""
    case = inputs(WAR02)
    p, c_a, c_b = float(case["p"]), float(case["c_A"]), float(case["c_B"])
    return p - c_a, 1 - p - c_b


@pytest.mark.slow
@pytest.mark.parametrize(
    "name", WAR02_FILES, ids=[f"{WAR02}-{n}-range-and-nash" for n in WAR02_FILES]
)
def test_war02_range_and_nash(name: str) -> None:
    """War as the disagreement point; the bargaining range from ``ranges`` (A's share x is
    A's utility, B's utility is 1 - x); the Nash solution with war as disagreement."""
    tol = tolerance(WAR02)
    data = solve(scenario_file(WAR02, name))
    assert vector(data, data["disagreement"]) == close(list(war02_payoffs()), tol)
    assert data["zopa"] is True
    low, high = (float(x) for x in expected(WAR02)["bargaining_range"])
    assert data["ranges"]["A"] == close([low, high], tol)
    assert data["ranges"]["B"] == close([1 - high, 1 - low], tol)
    nash = data["solutions"]["nash"]["hull"]
    x = float(expected(WAR02)["nash_with_war_as_disagreement"])
    assert vector(data, nash["utilities"]) == close([x, 1 - x], tol)
    assert nash["package"]["territory"]["A"] == close(x, tol)


@pytest.mark.parametrize(
    ("name", "key"),
    [("ultimatum-A", "ultimatum_by_A"), ("ultimatum-B", "ultimatum_by_B")],
    ids=[f"{WAR02}-ultimatum-by-A", f"{WAR02}-ultimatum-by-B"],
)
def test_war02_ultimatum(name: str, key: str) -> None:
    """A take-it-or-leave-it proposal by either side leaves the other at its war payoff."""
    tol = tolerance(WAR02)
    x = float(expected(WAR02)[key])
    data = solve(scenario_file(WAR02, name))
    block = equilibrium(data)
    assert block["protocol"] == "ultimatum"
    assert block["first_proposer"] == name[-1]
    assert assert_immediate_agreement(data, tol) == close([x, 1 - x], tol)
    assert block["package"]["territory"]["A"] == close(x, tol)


@pytest.mark.slow
def test_war02_equal_patience_limit() -> None:
    """Alternating offers, no discounting, a small breakdown risk rho with war as the
    breakdown payoff: x = b_A + (1 - b_A - b_B)/(2 - rho) exactly (case tolerance), which is
    within (1 - b_A - b_B) rho / (2 (2 - rho)) of the limit 0.625."""
    tol = tolerance(WAR02)
    path = scenario_file(WAR02, "breakdown")
    scenario = load_yaml(path)
    rho = float(scenario["protocol"]["breakdown_risk"])
    assert 0 < rho <= 1e-4
    assert all(float(p.get("discount", 1.0)) == 1.0 for p in scenario["parties"].values())
    b_a, b_b = war02_payoffs()
    data = solve(path)
    utilities = assert_immediate_agreement(data, tol)
    assert utilities[0] == close(b_a + (1 - b_a - b_b) / (2 - rho), tol)
    gap = (1 - b_a - b_b) * rho / (2 * (2 - rho))
    limit = float(expected(WAR02)["rubinstein_equal_patience_limit"])
    assert utilities[0] == close(limit, gap + tol)
    assert utilities[0] > limit  # the first proposer's edge vanishes from above
