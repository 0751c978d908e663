"""Equilibrium curves (``negsim.studies.curves``):
each point is the equilibrium a direct call gives, and
the mediators' guarantees move the Venezuela equilibrium the way trust says they should."""

from __future__ import annotations

import dataclasses
from functools import cache
from pathlib import Path

import numpy as np
import pytest
from ruamel.yaml import YAML

from negsim.analysis.equilibrium import equilibrium
from negsim.format.loader import load_scenario, scenario_from_data
from negsim.format.scenario import Scenario
from negsim.space import OutcomeSpace
from negsim.studies.curves import DeadlineCurve, DiscountCurve, deadline_curve, discount_curve

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"


@cache
def space_of(name: str) -> OutcomeSpace:
    return OutcomeSpace.from_scenario(load_scenario(SCENARIOS / f"{name}.yaml"))


def with_protocol(scenario: Scenario, **changes: object) -> Scenario:
    return dataclasses.replace(
        scenario,
        protocol=dataclasses.replace(scenario.protocol, **changes),  # type: ignore[arg-type]
    )


def direct(scenario: Scenario) -> np.ndarray:
    """The equilibrium payoffs of ``scenario`` from its own outcome space."""
    return equilibrium(OutcomeSpace.from_scenario(scenario)).payoffs


# --------------------------------------------------------------------------------------------
# The curves are direct equilibrium calls


def test_deadline_curve_equals_direct_equilibrium_calls() -> None:
    space = space_of("venezuela-2025")
    scenario = space.scenario
    curve = deadline_curve(space, [1, 2, 7, 8])
    assert isinstance(curve, DeadlineCurve)
    assert curve.payoffs.shape == (4, 2) and curve.limit_payoffs.shape == (2,)
    for row, deadline in zip(curve.payoffs, [1, 2, 7, 8], strict=True):
        np.testing.assert_allclose(row, direct(with_protocol(scenario, deadline=deadline)))
    np.testing.assert_allclose(curve.limit_payoffs, direct(with_protocol(scenario, deadline=None)))
    # the scenario's own deadline is the solve record's equilibrium
    np.testing.assert_allclose(curve.payoffs[2], equilibrium(space).payoffs)
    np.testing.assert_allclose(curve.utilities, curve.payoffs)  # agreement at once
    assert curve.immediate and list(curve.rounds) == [0, 0, 0, 0]
    assert curve.stated == 7 and curve.round_label == "1 day"
    assert curve.labels == ("United States", "Nicolás Maduro")


def test_deadline_curve_shows_the_last_mover_advantage_and_converges() -> None:
    curve = deadline_curve(space_of("pie-split"), range(1, 41))
    us = curve.payoffs[:, 0]
    # player1 proposes in even rounds, so makes the last offer with an odd deadline
    assert list(curve.last_proposers[:4]) == [0, 1, 0, 1]
    assert np.all(us[0::2] > curve.limit_payoffs[0]) and np.all(us[1::2] < curve.limit_payoffs[0])
    gaps = np.abs(us - curve.limit_payoffs[0])
    assert gaps[-1] < gaps[0] / 10  # the zigzag narrows towards the open-ended split
    # Rubinstein (1982): the first proposer gets (1 - d2) / (1 - d1 d2)
    np.testing.assert_allclose(curve.limit_payoffs[0], (1 - 0.8) / (1 - 0.9 * 0.8), atol=1e-9)


def test_unpacks_as_payoffs_and_limit() -> None:
    payoffs, limit = deadline_curve(space_of("pie-split"), [1, 2])
    assert payoffs.shape == (2, 2) and limit.shape == (2,)
    discount_payoffs, open_payoffs = discount_curve(space_of("pie-split"), "player2", [0.5, 0.9])
    assert discount_payoffs is not None and discount_payoffs.shape == (2, 2)
    assert open_payoffs is None  # no deadline: nothing to open


def test_ultimatum_is_read_as_alternating_offers() -> None:
    space = space_of("territorial-dispute")
    curve = deadline_curve(space, [1, 2, 3])
    assert curve.protocol == "alternating_offers" and curve.stated == 1
    np.testing.assert_allclose(curve.payoffs[0], equilibrium(space).payoffs)  # the ultimatum
    two = with_protocol(space.scenario, kind="alternating_offers", deadline=2)
    np.testing.assert_allclose(curve.payoffs[1], direct(two))
    assert not curve.limit_unique and curve.limit_ranges is not None  # nobody is impatient


def test_discount_curve_equals_direct_equilibrium_calls() -> None:
    space = space_of("venezuela-2025")
    scenario = space.scenario
    curve = discount_curve(space, "maduro", [0.6, 0.97])
    assert isinstance(curve, DiscountCurve)
    assert curve.party == 1 and curve.stated == 0.97 and curve.deadline == 7
    assert curve.open_payoffs is not None
    for row, open_row, value in zip(curve.payoffs, curve.open_payoffs, [0.6, 0.97], strict=True):
        maduro = dataclasses.replace(scenario.parties[1], discount=value)
        varied = dataclasses.replace(scenario, parties=(scenario.parties[0], maduro))
        np.testing.assert_allclose(row, direct(varied))
        np.testing.assert_allclose(open_row, direct(with_protocol(varied, deadline=None)))
    np.testing.assert_allclose(curve.payoffs[1], equilibrium(space).payoffs)
    # patience pays: the more patient Maduro is, the more he gets
    assert curve.payoffs[1, 1] > curve.payoffs[0, 1]


def test_bad_values_are_refused() -> None:
    space = space_of("pie-split")
    with pytest.raises(ValueError, match="at least 1"):
        deadline_curve(space, [0, 1])
    with pytest.raises(ValueError, match="no deadlines"):
        deadline_curve(space, [])
    with pytest.raises(ValueError, match=r"\(0, 1\]"):
        discount_curve(space, "player1", [0.5, 1.2])
    with pytest.raises(KeyError):
        discount_curve(space, "nobody", [0.5])


# --------------------------------------------------------------------------------------------
# Mediators: Qatar's guarantee on the amnesty


def without_qatar() -> Scenario:
    """venezuela-2025 with the Qatar mediator removed from the file's data."""
    data = YAML(typ="safe").load((SCENARIOS / "venezuela-2025.yaml").read_text(encoding="utf-8"))
    del data["mediators"]["qatar"]
    return scenario_from_data(data, "venezuela-2025-without-qatar.yaml")


def test_qatars_amnesty_guarantee_raises_both_sides_equilibrium_utilities() -> None:
    with_qatar = space_of("venezuela-2025")
    without = OutcomeSpace.from_scenario(without_qatar())
    # Qatar raises Maduro's trust in an amnesty promise from 0.5 to 0.8 ...
    assert with_qatar.scenario.effective_trust("maduro", "amnesty") == 0.8
    assert without.scenario.effective_trust("maduro", "amnesty") == 0.5
    # ... so every package with an amnesty is worth more to him, and nothing else changes
    amnesty = with_qatar.scenario.issue_names.index("amnesty")
    granted = with_qatar.levels(np.arange(with_qatar.n_feasible))[amnesty] > 0
    gain = with_qatar.utilities[1] - without.utilities[1]
    assert np.all(gain[granted] > 0.01) and np.allclose(gain[~granted], 0)
    np.testing.assert_array_equal(with_qatar.utilities[0], without.utilities[0])

    guaranteed, unguaranteed = equilibrium(with_qatar), equilibrium(without)
    assert guaranteed.utilities is not None and unguaranteed.utilities is not None
    # observed: with Qatar us 0.836, maduro 0.337; without us 0.806, maduro 0.297. The
    # amnesty Maduro now believes in buys his agreement more cheaply: the US (making the
    # last offer) concedes less elsewhere, and Maduro still ends up better off.
    np.testing.assert_allclose(guaranteed.utilities, [0.8362, 0.3375], atol=5e-4)
    np.testing.assert_allclose(unguaranteed.utilities, [0.8062, 0.2973], atol=5e-4)
    assert np.all(guaranteed.utilities > unguaranteed.utilities + 0.01)
    assert np.all(guaranteed.payoffs > unguaranteed.payoffs + 0.01)
    # without the guarantee the US must offer power sharing in the interim government; with
    # it, a technocratic one is enough
    without_terms = {m["package"]["interim_government"] for m in unguaranteed.to_dict()["mix"]}
    with_terms = {m["package"]["interim_government"] for m in guaranteed.to_dict()["mix"]}
    assert without_terms == {"power_sharing"} and with_terms == {"technocrat"}
