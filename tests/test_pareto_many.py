"""The Pareto filter for three to six parties against brute force.

Brute force is the format's definition, pair by pair: column ``j`` dominates column ``i``
when ``u_j >= u_i - 1e-9`` for every party and ``u_j > u_i + 1e-9`` for one. The sets
cover random values, coarse grids (ties and duplicates), values 1e-9 apart and chains of
them (where the tolerance is not transitive), all-efficient simplex grids and all-tied
sets, through every route of :mod:`negsim.solvers.skyline`: the ranks and the thresholds,
the three-party sweep and the k-d tree, with and without champions.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from strategies import examples

from negsim.api import solve
from negsim.format.loader import load_scenario_text
from negsim.solvers import skyline
from negsim.solvers.frontier import pareto_mask

TOL = 1e-9
JITTER = (-2e-9, -1e-9, -6e-10, 0.0, 6e-10, 1e-9, 1.5e-9, 2e-9)
"""Offsets that put values within, at and just beyond the tolerance of a grid value."""


def brute_force_pareto(points: np.ndarray, tolerance: float = TOL) -> np.ndarray:
    """The definition, vectorized over blocks of points (``O(n^2)``)."""
    n_points = points.shape[1]
    efficient = np.ones(n_points, dtype=bool)
    for start in range(0, n_points, 256):
        block = points[:, start : start + 256]
        at_least = np.all(points[:, :, None] >= (block - tolerance)[:, None, :], axis=0)
        above = np.any(points[:, :, None] > (block + tolerance)[:, None, :], axis=0)
        efficient[start : start + 256] = ~np.any(at_least & above, axis=0)
    return efficient


def simplex(n_parties: int, resolution: int) -> np.ndarray:
    """Every split of one unit on a grid of ``resolution`` shares: all efficient."""
    steps = resolution - 1
    cuts = np.array(np.meshgrid(*[np.arange(steps + 1)] * (n_parties - 1), indexing="ij"))
    cuts = cuts.reshape(n_parties - 1, -1)
    cuts = cuts[:, cuts.sum(axis=0) <= steps]
    return np.concatenate([cuts, steps - cuts.sum(axis=0, keepdims=True)]) / steps


@st.composite
def utility_sets(draw, max_points: int = 60) -> np.ndarray:
    """Three to six parties; fine values, a coarse grid (ties, duplicates), or a grid with
    jitter at the tolerance (near-ties and chains of them)."""
    n_parties = draw(st.integers(3, 6))
    n_points = draw(st.integers(1, max_points))
    kind = draw(st.sampled_from(["fine", "coarse", "jitter"]))
    if kind == "fine":
        elements = st.floats(-1, 1, allow_nan=False, width=32)
        return draw(arrays(np.float64, (n_parties, n_points), elements=elements))
    grid = draw(arrays(np.int64, (n_parties, n_points), elements=st.integers(0, 3))) / 3
    if kind == "coarse":
        return grid
    jitter = draw(arrays(np.float64, (n_parties, n_points), elements=st.sampled_from(JITTER)))
    return grid + jitter


@settings(max_examples=examples(300), deadline=None)
@given(utility_sets())
def test_pareto_mask_equals_brute_force(points: np.ndarray) -> None:
    np.testing.assert_array_equal(pareto_mask(points), brute_force_pareto(points))


@settings(max_examples=examples(200), deadline=None)
@given(utility_sets(120))
def test_every_route_equals_brute_force(points: np.ndarray) -> None:
    """Champions from two points on, k-d trees two points deep: each route alone."""
    expected = brute_force_pareto(points)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(skyline, "ELIMINATION_MIN_POINTS", 2)
        patch.setattr(skyline, "LEAF_SIZE", 2)
        patch.setattr(skyline, "PAIR_CHUNK", 7)
        np.testing.assert_array_equal(skyline.pareto_many(points, TOL), expected)
        np.testing.assert_array_equal(~skyline._dominated_tree(points, TOL, None), expected)
        if points.shape[0] == 3:
            dominated = skyline._dominated_three_thresholds(points, TOL)
            np.testing.assert_array_equal(~dominated, expected)


@settings(max_examples=examples(200), deadline=None)
@given(utility_sets())
def test_cluster_ranks_are_the_comparisons(points: np.ndarray) -> None:
    """Where ranks exist, ``a >= b - tol`` and ``a > b + tol`` are rank comparisons."""
    values = points[0]
    ranks = skyline.cluster_ranks(values, TOL)
    if ranks is None:
        return
    at_least = values[:, None] >= values[None, :] - TOL
    above = values[:, None] > values[None, :] + TOL
    np.testing.assert_array_equal(at_least, ranks[:, None] >= ranks[None, :])
    np.testing.assert_array_equal(above, ranks[:, None] > ranks[None, :])


def test_cluster_ranks_refuse_chains() -> None:
    """0, 0.6e-9 and 1.2e-9: the ends are more than 1e-9 apart, the steps are not."""
    assert skyline.cluster_ranks(np.array([0.0, 6e-10, 1.2e-9]), TOL) is None
    assert skyline.cluster_ranks(np.array([0.0, 5e-10, 1.0, 1.0]), TOL).tolist() == [0, 0, 1, 1]


def large_sets(n_parties: int) -> list[tuple[str, np.ndarray]]:
    """Sets of 1,000 to 2,400 points, each with its own trap."""
    rng = np.random.default_rng(n_parties)
    n = 1200
    grid = np.round(rng.random((n_parties, n)) * 6) / 6
    chains = grid + rng.choice(JITTER, (n_parties, n))
    resolution = {3: 48, 4: 19, 5: 11, 6: 9}[n_parties]
    efficient = simplex(n_parties, resolution)
    efficient = np.concatenate([efficient, efficient[:, :40]], axis=1)  # with duplicates
    concave = np.sqrt(efficient)  # the same order, other values
    sphere = np.abs(rng.standard_normal((n_parties, n)))
    sphere /= np.linalg.norm(sphere, axis=0)
    mixed = np.concatenate([sphere, sphere * rng.uniform(0.9, 1.0, n)], axis=1)
    tied = np.full((n_parties, n), 0.5) + rng.choice([0.0, 5e-10], (n_parties, n))
    few = sphere[:, :700]
    chained = np.concatenate([few, few + 6e-10, few + rng.choice([1.2e-9, 1.6e-9], few.shape)], 1)
    return [
        ("random", rng.random((n_parties, n))),
        ("grid with ties and duplicates", grid),
        ("grid with chains at the tolerance", chains),
        ("all efficient simplex", efficient),
        ("all efficient, concave", concave),
        ("all efficient sphere, half shrunk", mixed),
        ("all tied within the tolerance", tied),
        ("sphere and near-copies in chains", chained),
    ]


@pytest.mark.parametrize("n_parties", [3, 4, 5, 6])
def test_large_sets_equal_brute_force(n_parties: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """With champions (from 500 points on) and without."""
    for name, points in large_sets(n_parties):
        expected = brute_force_pareto(points)
        np.testing.assert_array_equal(pareto_mask(points), expected, err_msg=name)
        monkeypatch.setattr(skyline, "ELIMINATION_MIN_POINTS", 500)
        np.testing.assert_array_equal(pareto_mask(points), expected, err_msg=name)
        monkeypatch.undo()


@pytest.mark.parametrize("n_parties", [3, 4])
def test_no_tolerance(n_parties: int) -> None:
    """``tolerance=0``: plain dominance, duplicates kept, with and without champions."""
    rng = np.random.default_rng(7)
    grid = np.round(rng.random((n_parties, 1500)) * 4) / 4
    points = np.concatenate([grid, grid, grid + 1e-12], axis=1)
    expected = brute_force_pareto(points, 0.0)
    np.testing.assert_array_equal(pareto_mask(points, 0.0), expected)
    few = np.concatenate([grid[:, :150], grid[:, :150]], axis=1)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(skyline, "ELIMINATION_MIN_POINTS", 2)
        np.testing.assert_array_equal(pareto_mask(few, 0.0), brute_force_pareto(few, 0.0))


def test_all_efficient_sets_keep_everything() -> None:
    for n_parties in (3, 4, 5, 6):
        points = simplex(n_parties, 12)
        assert pareto_mask(points).all()
        assert pareto_mask(np.full((n_parties, 50), 0.25)).all()


def split_scenario(n_parties: int, resolution: int, protocol: str) -> str:
    names = [f"p{k}" for k in range(n_parties)]
    parties = "\n".join(f"  {name}: {{}}" for name in names)
    return (
        "negsim: 1\nname: split\nissues:\n"
        f"  pie: {{split: {{total: 1}}, resolution: {resolution}}}\n"
        f"parties:\n{parties}\nprotocol: {protocol}\n"
    )


@pytest.mark.parametrize("lotteries", ["false", "true"])
def test_three_party_split_of_ten_thousand_packages_solves(lotteries: str) -> None:
    """10,011 packages, every one Pareto-optimal: the case that was quadratic."""
    text = split_scenario(3, 141, f"{{kind: ultimatum, lotteries: {lotteries}}}")
    analysis = solve(load_scenario_text(text, "split.yaml"))
    assert analysis.counts.packages == math.comb(142, 2) == 10_011
    assert analysis.counts.pareto == analysis.counts.pareto_individually_rational == 10_011
    assert analysis.equilibrium.agreement
    np.testing.assert_allclose(analysis.equilibrium.utilities, [1.0, 0.0, 0.0], atol=1e-12)


@pytest.mark.slow
@pytest.mark.parametrize(("n_parties", "resolution"), [(3, 446), (4, 84), (5, 38)])
def test_hundred_thousand_efficient_points(n_parties: int, resolution: int) -> None:
    """About 100,000 splits, all Pareto-optimal, in values and in a concave transform."""
    points = simplex(n_parties, resolution)
    assert points.shape[1] > 90_000
    assert pareto_mask(points).all()
    assert pareto_mask(np.sqrt(points)).all()


def test_three_party_filter_is_one_sweep() -> None:
    """All efficient, 20,100 points: one sweep over all of them (``O(n log n)``), no
    champions removing anything and no comparison of pairs."""
    calls = []
    original = skyline._sweep_hits

    def counting(position, order, value, threshold):
        calls.append(position.size)
        return original(position, order, value, threshold)

    points = simplex(3, 200)  # 20,100 points
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(skyline, "_sweep_hits", counting)
        patch.setattr(skyline, "_dominated_tree", None)
        assert pareto_mask(points).all()
    assert calls == [points.shape[1]]


@pytest.mark.parametrize(
    "name", ["venezuela-2025", "logrolling", "pie-split", "territorial-dispute", "three"]
)
def test_json_of_the_pareto_list_is_what_json_writes(name: str) -> None:
    """The Pareto list written from a template equals ``json.dumps`` of ``to_dict``,
    at every indentation, with categorical, numeric and split issues and constraints."""
    import json

    from negsim.api import load

    scenario = load(split_scenario(3, 30, "{kind: ultimatum, lotteries: false}")) if (
        name == "three") else load(name)  # fmt: skip
    analysis = solve(scenario)
    assert analysis.pareto.size > 20
    for indent in (2, None, 0, 4):
        expected = json.dumps(analysis.to_dict(), indent=indent, ensure_ascii=False)
        assert analysis.to_json(indent) == expected


def test_a_pareto_list_longer_than_a_chunk_is_written_piece_by_piece(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With chunks of 7 entries, the list of a 101-level split comes in 15 pieces (plus its
    brackets), each no longer than 7 entries, and the pieces join to what ``json.dumps``
    writes, at every indentation: the text is never held whole, yet it is the same."""
    import json

    from negsim.analysis import pareto_json as pareto_module
    from negsim.api import load

    monkeypatch.setattr(pareto_module, "CHUNK_ENTRIES", 7)
    analysis = solve(load("pie-split"))
    assert analysis.pareto.size == 101
    for indent in (2, None, 0):
        pieces = list(
            pareto_module.pareto_json(analysis.space, analysis.party_names, analysis.pareto, indent)
        )
        assert len(pieces) == 2 + 15
        assert all(piece.count('"utilities"') <= 7 for piece in pieces)
        expected = json.dumps(analysis.to_dict(), indent=indent, ensure_ascii=False)
        assert "".join(analysis.json_pieces(indent)) == expected == analysis.to_json(indent)
