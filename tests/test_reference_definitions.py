"""Reference tests: the bargaining solutions' definitions for three or more parties.

Roth (1979)'s three-party example, S = the convex hull of (0,0,0), (1,0,1) and (0,1,1) with
disagreement d = 0, and the same set with a dominated compromise (1/4,1/4,1/4) added,
encoded as scenario files under ``tests/reference/`` and reproduced through negsim's public
interface, ``negsim solve FILE --format json`` (``spec/cli.md``).

Sources: Roth, A. E. (1979). An Impossibility Result concerning n-Person Bargaining Games.
International Journal of Game Theory 8(3):129-132 (the set, and that the n-party
Kalai-Smorodinsky point is only weakly Pareto-optimal on it); Nash (1950); Kalai &
Smorodinsky (1975) and Kalai (1977) (the points on a ray, with free disposal); Imai, H.
(1983). Individual Monotonicity and Lexicographic Maxmin Solution. Econometrica
51(2):389-402 (the leximin refinement).

The case is not in ``published-cases.yaml``; its expected values are worked out in closed
form in each test's docstring. A lottery with probability ``a`` on (1,0,1) and ``b`` on
(0,1,1) (the rest on the status quo) gives ``(a, b, a + b)``, ``a + b <= 1``: that is the
whole hull.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from published import load_yaml, scenario_file, solve
from typer.testing import CliRunner

from negsim.cli import app

ROTH = "roth-1979-three-party"
ROTH_FILE = scenario_file(ROTH)
DOMINATED_FILE = scenario_file(ROTH, "dominated")

LP_TOLERANCE = 1e-9
"""Points found by linear programming (the Kalai-Smorodinsky and egalitarian points, their
leximin refinement, the zone with lotteries). The exact answers are vertices of linear
programs with coefficients 0 and 1; HiGHS solves them with primal and dual feasibility
tolerances of 1e-10 (``negsim/solvers/lp.py``), so with at most three lottery weights
active each utility is within a few 1e-10 of the exact value: 1e-9, the format's utility
tolerance, bounds that (measured error: 0)."""

HALF = 0.5
PROPORTIONAL = ("kalai_smorodinsky", "egalitarian")


def vector(data: dict[str, Any], by_party: dict[str, float] | None) -> list[float]:
    """A ``{party: float}`` JSON object as a list in party order."""
    assert by_party is not None
    assert set(by_party) == set(data["parties"])
    return [float(by_party[party]) for party in data["parties"]]


def close(expected: Any, tol: float) -> Any:
    return pytest.approx(expected, abs=tol, rel=0)


def option_utilities(path: Path) -> dict[str, np.ndarray]:
    """Each option's utility vector, read from the scenario file's values (weight 1 on the
    one issue, so utility = value)."""
    parties = load_yaml(path)["parties"]
    options = load_yaml(path)["issues"]["outcome"]["options"]
    return {
        option: np.array([float(party["values"]["outcome"][option]) for party in parties.values()])
        for option in options
    }


def lottery(path: Path, mix: list[dict[str, Any]]) -> np.ndarray:
    """The utilities of a JSON ``mix`` (a lottery of packages)."""
    utilities = option_utilities(path)
    assert sum(member["weight"] for member in mix) == pytest.approx(1.0, abs=1e-12)
    return sum(member["weight"] * utilities[member["package"]["outcome"]] for member in mix)


def nash_tolerance(hull: dict[str, Any]) -> float:
    """How far the Nash point may be from the optimum, from the solver's certificate.

    The reported ``residual`` is the first-order gap ``max_j g.(v_j - u) / max(1, g.u)``,
    ``g_i = 1 / (u_i - d_i)``; the gap bounds the objective's shortfall ``f(u*) - f(u)``
    (concavity), and ``f = sum_i log(u_i - d_i)`` is strongly concave with modulus
    ``min_i 1 / (u_i - d_i)^2 >= 1`` on this set (every gain is at most 1), so
    ``|u - u*|^2 <= 2 (f(u*) - f(u)) <= 2 * residual * max(1, g.u)``; ``g.u = 3`` at the
    optimum. Floored at ``LP_TOLERANCE`` for rounding."""
    convergence = hull["convergence"]
    assert convergence is not None and convergence["converged"] is True
    return max(math.sqrt(2.0 * float(convergence["residual"]) * 3.0), LP_TOLERANCE)


# --------------------------------------------------------------------------------------------
# Roth's set: no single package, but a lottery, gives every party a gain


def test_roth_zone_of_agreement_needs_a_lottery() -> None:
    """Each package gives some party 0 = its disagreement utility, so ``zopa`` is false;
    the even lottery of (1,0,1) and (0,1,1) gives (1/2, 1/2, 1) > 0, so
    ``zopa_with_lotteries`` is true. Single-package entries are null, hull entries are
    computed (spec/cli.md)."""
    data = solve(ROTH_FILE)
    assert data["zopa"] is False
    assert data["zopa_with_lotteries"] is True
    assert vector(data, data["ideal"]) == close([1.0, 1.0, 1.0], LP_TOLERANCE)
    for name, entry in data["solutions"].items():
        assert entry is not None, name
        assert entry["package"] is None and entry["utilities"] is None, name
        assert entry["hull"] is not None, name


def test_roth_nash_is_half_half_one() -> None:
    """Nash: maximize ``a * b * (a + b)`` over ``a + b <= 1``: the product grows with
    ``a + b`` and, for ``a + b = 1``, ``a (1 - a)`` is largest at ``a = 1/2``: (1/2, 1/2, 1),
    the even lottery of the two agreements."""
    data = solve(ROTH_FILE)
    hull = data["solutions"]["nash"]["hull"]
    assert vector(data, hull["utilities"]) == close([HALF, HALF, 1.0], nash_tolerance(hull))
    assert lottery(ROTH_FILE, hull["mix"]) == close([HALF, HALF, 1.0], nash_tolerance(hull))
    assert "weakly_pareto" not in hull and "refined" not in hull


@pytest.mark.parametrize("name", PROPORTIONAL)
def test_roth_ks_and_egalitarian_are_weakly_pareto(name: str) -> None:
    """Kalai-Smorodinsky (ideal point (1,1,1), so the ray from d = 0 is the diagonal, as for
    egalitarian): the largest ``lambda`` with ``(lambda, lambda, lambda) <= (a, b, a + b)``
    for some ``a + b <= 1`` is 1/2 (``a, b >= lambda``). The point (1/2, 1/2, 1/2) is in
    the comprehensive hull but not the hull (where ``u_3 = u_1 + u_2``): the lottery that
    reaches it gives (1/2, 1/2, 1), which dominates it, so it is only weakly
    Pareto-optimal (Roth 1979).

    Leximin (Imai 1983): the smallest gain is at most 1/2; keeping every gain at least 1/2
    forces ``a = b = 1/2``, so parties 1 and 2 are fixed at 1/2 and party 3 then gets
    ``a + b = 1``: the refinement is (1/2, 1/2, 1), the even lottery."""
    data = solve(ROTH_FILE)
    hull = data["solutions"][name]["hull"]
    assert vector(data, hull["utilities"]) == close([HALF, HALF, HALF], LP_TOLERANCE)
    assert hull["weakly_pareto"] is True
    # the mix is the lottery closest above the point (free disposal)
    assert lottery(ROTH_FILE, hull["mix"]) == close([HALF, HALF, 1.0], LP_TOLERANCE)
    refined = hull["refined"]
    assert set(refined) == {"utilities", "mix", "package", "convergence"}
    assert vector(data, refined["utilities"]) == close([HALF, HALF, 1.0], LP_TOLERANCE)
    assert lottery(ROTH_FILE, refined["mix"]) == close([HALF, HALF, 1.0], LP_TOLERANCE)
    assert refined["package"] is None  # the mix's members differ on the categorical issue


# --------------------------------------------------------------------------------------------
# Roth's set plus a dominated compromise (1/4, 1/4, 1/4)


def test_dominated_compromise_single_packages() -> None:
    """The compromise is the only package giving every party a gain, so ``zopa`` holds and
    Nash, Kalai-Smorodinsky and egalitarian pick it among single packages (their criteria
    are 0 or -infinity at the others). Utilitarian: (1,0,1) and (0,1,1) tie at sum 2 (the
    compromise sums to 3/4); ties go to the higher sum, then the earliest package: first
    (spec/scenario.md detail 3, the single-package rule)."""
    data = solve(DOMINATED_FILE)
    assert data["zopa"] is True and data["zopa_with_lotteries"] is True
    for name in ("nash", "kalai_smorodinsky", "egalitarian"):
        entry = data["solutions"][name]
        assert entry["package"] == {"outcome": "compromise"}, name
        assert vector(data, entry["utilities"]) == close([0.25] * 3, LP_TOLERANCE)
    assert data["solutions"]["utilitarian"]["package"] == {"outcome": "first"}


@pytest.mark.parametrize("name", PROPORTIONAL)
def test_dominated_compromise_ks_and_egalitarian(name: str) -> None:
    """The compromise lies in the comprehensive hull of Roth's set (below (1/4, 1/4, 1/2),
    the lottery 1/4, 1/4, 1/2 on first, second, status quo) and is no individually
    rational package's best, so the ideal point, the comprehensive hull and every hull
    solution are Roth's: (1/2, 1/2, 1/2), weakly Pareto-optimal, refined to (1/2, 1/2, 1).
    The former rule (maximize the smallest gain, then the utility sum) gave (1/2, 1/2, 1)
    as the point itself."""
    data = solve(DOMINATED_FILE)
    assert vector(data, data["ideal"]) == close([1.0, 1.0, 1.0], LP_TOLERANCE)
    hull = data["solutions"][name]["hull"]
    assert vector(data, hull["utilities"]) == close([HALF, HALF, HALF], LP_TOLERANCE)
    assert hull["weakly_pareto"] is True
    refined = hull["refined"]
    assert vector(data, refined["utilities"]) == close([HALF, HALF, 1.0], LP_TOLERANCE)
    assert lottery(DOMINATED_FILE, refined["mix"]) == close([HALF, HALF, 1.0], LP_TOLERANCE)


def test_dominated_compromise_nash() -> None:
    """Adding a point inside the comprehensive hull leaves Nash's point (1/2, 1/2, 1)."""
    data = solve(DOMINATED_FILE)
    hull = data["solutions"]["nash"]["hull"]
    assert vector(data, hull["utilities"]) == close([HALF, HALF, 1.0], nash_tolerance(hull))


def test_table_shows_the_zone_with_lotteries_and_the_refinement() -> None:
    """``negsim solve`` (table) says that only lotteries give every party a gain, and shows
    the weakly Pareto-optimal points with their leximin refinement."""
    result = CliRunner().invoke(app, ["solve", str(ROTH_FILE)], env={"COLUMNS": "300"})
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    assert "Zone of possible agreement: none for single packages" in text
    assert "With lotteries: yes" in text
    assert text.count("only weakly Pareto-optimal") == 2
    assert text.count("leximin refinement (Imai 1983)") == 2
    assert "Bargaining solutions: the best single package" not in text
