"""Reference tests: random-proposer (Baron-Ferejohn) stationary equilibria with mixing.

Each scenario is written in full below, with a comment citing its source and deriving the
expected numbers by hand, and solved through negsim's public interface (the JSON of
``negsim solve --format json``, as ``Analysis.to_dict()``). Every scenario states
``lotteries: true``: the models divide a continuous pie, so every division is an offer (a
lottery over the split's corners).

Tolerance: 1e-9, the format's comparison tolerance. The stationary equilibrium on a pie is
solved exactly (a linear system once the marginal price is located; its fixed-point check
typically leaves residuals below 1e-14), so the format's tolerance is the right bound, not
a numerical allowance.

Sources
-------
Baron, D. P. & Ferejohn, J. A. (1989). Bargaining in Legislatures. APSR 83(4):1181-1206.
Eraslan, H. (2002). Uniqueness of Stationary Equilibrium Payoffs in the Baron-Ferejohn
Model. Journal of Economic Theory 103(1):11-30.
NP-01 in ``tests/published-cases.yaml`` (the project's shared reference set).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest
from published import expected, inputs, tolerance

from negsim.analysis.pipeline import solve
from negsim.format.loader import load_scenario_text

TOL = 1e-9
"""The format's comparison tolerance (module docstring)."""

NP01 = "NP-01-baron-ferejohn-closed-rule"


def close(value: Any, tol: float = TOL) -> Any:
    return pytest.approx(value, abs=tol, rel=0)


def solved(text: str) -> dict[str, Any]:
    """The ``equilibrium`` block of ``negsim solve --format json`` for a scenario text."""
    return solve(load_scenario_text(text)).to_dict()["equilibrium"]


def vector(block: dict[str, float], parties: list[str]) -> list[float]:
    assert set(block) == set(parties)
    return [float(block[p]) for p in parties]


# --------------------------------------------------------------------------------------------
# Eraslan's example: unequal recognition under majority, the richest member mixes

ERASLAN = """\
# Baron-Ferejohn closed rule with unequal recognition (Eraslan 2002's model): three members,
# recognised with probabilities 0.6, 0.3 and 0.1, common discount 0.9, simple majority (a
# proposer buys one partner). A unit pie split three ways, valued linearly; lotteries over
# the three corners give every division.
negsim: 1
name: Eraslan example
issues:
  pie: {split: {total: 1}, resolution: 2}
parties:
  m1: {discount: 0.9}
  m2: {discount: 0.9}
  m3: {discount: 0.9}
protocol:
  kind: random_proposer
  rule: majority
  lotteries: true
  recognition: {m1: 0.6, m2: 0.3, m3: 0.1}
"""

# By hand (Eraslan 2002: a proposer offers a partner j exactly delta v_j, buys the cheapest
# and mixes over equally cheap ones; v_i = r_i (1 - cost_i) + P(i is bought) delta v_i).
# Guess: m2 and m3 are equally cheap, v2 = v3 = x < v1 = y. Then m2 and m3 buy each other,
# m1 buys m2 with probability p and m3 otherwise, and nobody buys m1:
#   y = 0.6 (1 - 0.9 x);  every proposer shares the pie at once, so y + 2x = 1;
#   => 0.6 - 0.54 x + 2 x = 1  =>  x = 0.4 / 1.46 = 20/73,  y = 33/73.
#   x = v2 = 0.3 (1 - 0.9 x) + (0.6 p + 0.1) 0.9 x
#   => 1.18 x - 0.3 = 0.54 p x  =>  p = (1.18 * 20/73 - 0.3) / (0.54 * 20/73) = 17/108.
# Check of the guess: m1's price 0.9 * 33/73 exceeds the others' 0.9 * 20/73, and
# 0 <= p <= 1. So v = (0.45205, 0.27397, 0.27397) and m1 picks m2 with probability 0.1574.
ERASLAN_X = Fraction(20, 73)
ERASLAN_Y = Fraction(33, 73)
ERASLAN_P = Fraction(17, 108)


def test_eraslan_unequal_recognition_values_and_mixing() -> None:
    block = solved(ERASLAN)
    parties = ["m1", "m2", "m3"]
    x, y, p = float(ERASLAN_X), float(ERASLAN_Y), float(ERASLAN_P)
    assert block["agreement"] is True
    assert vector(block["payoffs"], parties) == close([y, x, x])
    assert vector(block["utilities"], parties) == close([y, x, x])
    assert block["convergence"]["converged"] is True
    assert block["convergence"]["residual"] <= TOL
    first, second, third = block["proposals"]
    keep, price = 1 - 0.9 * x, 0.9 * x  # a proposer keeps 1 - 0.9 x, pays 0.9 x
    # m1 mixes between its two equally cheap partners
    assert first["partners"] == {"m2": close(p), "m3": close(1 - p)}
    assert [c["partners"] for c in first["coalitions"]] == [["m2"], ["m3"]]
    assert [c["probability"] for c in first["coalitions"]] == close([p, 1 - p])
    assert vector(first["coalitions"][1]["utilities"], parties) == close([keep, 0.0, price])
    # the reported offer is the coalition whose partner comes first after m1: m2
    assert vector(first["utilities"], parties) == close([keep, price, 0.0])
    # m2 and m3 buy each other for sure
    assert second["partners"] == {"m3": close(1.0)}
    assert vector(second["utilities"], parties) == close([0.0, keep, price])
    assert third["partners"] == {"m2": close(1.0)}
    assert vector(third["utilities"], parties) == close([0.0, price, keep])


def test_eraslan_example_in_the_table() -> None:
    from rich.console import Console

    from negsim.present.terminal.equilibrium import equilibrium_renderables

    console = Console(width=100, record=True)
    for part in equilibrium_renderables(solve(load_scenario_text(ERASLAN))):
        console.print(part)
    text = " ".join(console.export_text().replace("│", " ").split())
    assert "mixes over equally cheap partners: buys m2 15.7% and m3 84.3% of the time" in text
    assert "m1 buys m3 instead in 84.3% of its proposals" in text


# --------------------------------------------------------------------------------------------
# Unanimity with unequal recognition: payoffs equal recognition probabilities

UNANIMITY = ERASLAN.replace("rule: majority", "rule: unanimity").replace(
    "simple majority (a\n# proposer buys one partner)", "unanimity (a proposer buys\n# both others)"
)

# By hand: every proposer buys both others at delta v_j, so with a common delta
#   v_i = r_i (1 - delta (1 - v_i)) + (1 - r_i) delta v_i  (the pie is shared at once:
#   sum_j v_j = 1)  =>  v_i = r_i (1 - delta) + delta v_i  =>  v_i = r_i.
# No mixing: each proposer keeps 1 - delta (1 - r_i) and gives j delta r_j.


def test_unanimity_payoffs_equal_recognition() -> None:
    block = solved(UNANIMITY)
    parties = ["m1", "m2", "m3"]
    r = [0.6, 0.3, 0.1]
    assert vector(block["payoffs"], parties) == close(r)
    for k, proposal in enumerate(block["proposals"]):
        others = [parties[j] for j in range(3) if j != k]
        assert proposal["partners"] == {name: close(1.0) for name in others}
        assert len(proposal["coalitions"]) == 1
        offer = [0.9 * r[j] if j != k else 1 - 0.9 * (1 - r[k]) for j in range(3)]
        assert vector(proposal["utilities"], parties) == close(offer)


# --------------------------------------------------------------------------------------------
# No discounting (the format's default discount, 1)

PATIENT_MAJORITY = ERASLAN.replace("discount: 0.9", "discount: 1.0")
PATIENT_UNANIMITY = UNANIMITY.replace("discount: 0.9", "discount: 1.0")

# Majority, by hand as above with delta = 1: y = 0.6 (1 - x), y + 2x = 1 => x = 2/7,
# y = 3/7; x = 0.3 (1 - x) + (0.6 p + 0.1) x => 2 = 1.5 + 1.2 p + 0.2 => p = 1/4.
# Unanimity: with delta = 1 every division is stationary (v_i = r_i (1 - sum_{j != i} v_j) +
# (1 - r_i) v_i holds whenever sum v = 1); negsim reports the limit of ever longer deadlines
# (a proposer keeps the pie in the last round, so v = r, and v = r is a fixed point), which
# is also the limit of v_i = r_i as delta -> 1, and says the values are not unique.


def test_no_discounting_majority_mixes_and_unanimity_pays_recognition() -> None:
    parties = ["m1", "m2", "m3"]
    majority = solved(PATIENT_MAJORITY)
    assert vector(majority["payoffs"], parties) == close([3 / 7, 2 / 7, 2 / 7])
    assert majority["proposals"][0]["partners"] == {"m2": close(0.25), "m3": close(0.75)}
    unanimity = solved(PATIENT_UNANIMITY)
    assert vector(unanimity["payoffs"], parties) == close([0.6, 0.3, 0.1])
    assert "under unanimity" in unanimity["convergence"]["method"]
    assert unanimity["unique"] is False and "many ways" in unanimity["note"]
    assert {name: pair for name, pair in unanimity["range"].items()} == {
        name: close([0.0, 1.0]) for name in parties
    }


# --------------------------------------------------------------------------------------------
# NP-01 (Baron & Ferejohn 1989, closed rule), symmetric: uniform mixing, any odd size


def symmetric(n: int, rule: str, delta: float) -> str:
    members = "\n".join(f"  m{i}: {{discount: {delta!r}}}" for i in range(1, n + 1))
    return (
        f"negsim: 1\nname: Baron-Ferejohn {n}\n"
        "issues:\n  pie: {split: {total: 1}, resolution: 2}\n"
        f"parties:\n{members}\n"
        f"protocol: {{kind: random_proposer, rule: {rule}, lotteries: true}}\n"
    )


@pytest.mark.parametrize("n", [3, 5, 7, 9])
@pytest.mark.parametrize("rule", ["majority", "unanimity"])
def test_np01_symmetric_closed_forms_and_uniform_mixing(n: int, rule: str) -> None:
    """NP-01's closed forms (``published-cases.yaml``: "majority: proposer 1 - delta
    (n-1)/(2n), partners delta/n; unanimity: 1 - delta (n-1)/n"), evaluated at the case's
    delta for odd sizes 3 to 9 (the case lists n = 3, which the formulas reproduce,
    ``test_np01_formulas``). Spec detail 7: with symmetric recognition the mixing is
    uniform, so each other member is bought with probability (n - 1)/2 / (n - 1) = 1/2
    under majority, 1 under unanimity. Payoffs are 1/n by symmetry."""
    delta = float(inputs(NP01)["delta"])
    assert tolerance(NP01) <= TOL
    assert "majority: proposer 1 - delta (n-1)/(2n), partners delta/n" in expected(NP01)["formula"]
    block = solved(symmetric(n, rule, delta))
    parties = [f"m{i}" for i in range(1, n + 1)]
    assert vector(block["payoffs"], parties) == close([1 / n] * n)
    buys = (n - 1) // 2 if rule == "majority" else n - 1
    keeps = 1 - delta * buys / n
    chance = buys / (n - 1)
    for k, proposal in enumerate(block["proposals"]):
        others = [parties[j] for j in range(n) if j != k]
        assert proposal["partners"] == {name: close(chance) for name in others}
        shares = vector(proposal["utilities"], parties)
        assert shares[k] == close(keeps)
        after = [shares[(k + j) % n] for j in range(1, n)]  # party order after the proposer
        assert after[:buys] == close([delta / n] * buys)  # the reported partners come first
        assert after[buys:] == close([0.0] * (n - 1 - buys))
        for coalition in proposal["coalitions"]:
            assert len(coalition["partners"]) == buys
        assert sum(c["probability"] for c in proposal["coalitions"]) == close(1.0)


# --------------------------------------------------------------------------------------------
# A deadline: ties are broken uniformly, and reported as such

DEADLINE = symmetric(3, "majority", 0.9).replace("lotteries: true", "lotteries: true, deadline: 1")

# By hand: in the only round a rejection gives everyone 0, so every partner is free; a
# proposer keeps the pie and picks either other member with probability 1/2.


def test_deadline_ties_are_uniform() -> None:
    block = solved(DEADLINE)
    parties = ["m1", "m2", "m3"]
    assert vector(block["payoffs"], parties) == close([1 / 3] * 3)
    for k, proposal in enumerate(block["proposals"]):
        others = [parties[j] for j in range(3) if j != k]
        assert proposal["round"] == 0
        assert proposal["partners"] == {name: close(0.5) for name in others}
        assert vector(proposal["utilities"], parties) == close([float(j == k) for j in range(3)])
