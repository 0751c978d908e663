"""``negsim.studies.simulate`` and ``negsim simulate``: agents, seeds, exact agreement rates,
the CLI."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner, Result

from negsim.cli import app
from negsim.format.loader import load_scenario_text
from negsim.space import OutcomeSpace
from negsim.studies.simulate import RUN_BLOCK, SimulationResult, simulate


def pie(
    deadline: int | None = 11,
    agents: str = "{a: {strategy: linear}, b: {strategy: linear}}",
    extra_protocol: str = "",
    a_extra: str = "",
    b_extra: str = "",
    uncertainty: str = "",
    simulation_extra: str = "",
) -> OutcomeSpace:
    """A unit pie on a 0.1 grid (11 packages), two parties valuing their own share."""
    text = f"""
negsim: 1
name: pie
issues: {{pie: {{split: {{total: 1}}, resolution: 11}}}}
parties:
  a: {{{a_extra}}}
  b: {{{b_extra}}}
protocol: {{deadline: {"null" if deadline is None else deadline}{extra_protocol}}}
{uncertainty}
simulation: {{agents: {agents}{simulation_extra}}}
"""
    return OutcomeSpace.from_scenario(load_scenario_text(text, "pie.yaml"))


def linear_meeting_round() -> int:
    """Linear agents, deadline 11, pie on a 0.1 grid, d = 0: in round t the proposer asks
    1 - t/10 and the responder's own next offer is worth 1 - (t + 1)/10 to it; it accepts
    t/10 >= 1 - (t + 1)/10, first at t = 5."""
    return 5


# --------------------------------------------------------------------------------------------
# The agents


def test_linear_agents_meet_in_the_hand_computed_round() -> None:
    result = simulate(pie(), runs=10, rng=0)
    k = linear_meeting_round()
    assert result.agreement_rate == 1.0
    assert result.agreement_round_histogram[k] == 10
    assert result.outcomes[0] == ({"pie": {"a": 0.5, "b": 0.5}}, 10)
    assert result.mean_utilities == pytest.approx({"a": 0.5, "b": 0.5})


def test_payoffs_follow_the_payoff_convention() -> None:
    space = pie(a_extra="discount: 0.9", b_extra="cost_per_round: 0.01")
    result = simulate(space, runs=10, rng=0)
    k = linear_meeting_round()
    assert result.mean_payoffs["a"] == pytest.approx(0.9**k * 0.5)
    assert result.mean_payoffs["b"] == pytest.approx(0.5 - k * 0.01)


def mean_round(result: SimulationResult) -> float:
    histogram = np.asarray(result.agreement_round_histogram)
    return float((histogram * np.arange(histogram.size)).sum() / histogram.sum())


def test_boulware_holds_firmer_than_conceder() -> None:
    boulware = simulate(
        pie(agents="{a: {strategy: boulware}, b: {strategy: boulware}}"), runs=10, rng=0
    )
    conceder = simulate(
        pie(agents="{a: {strategy: conceder}, b: {strategy: conceder}}"), runs=10, rng=0
    )
    assert mean_round(boulware) > mean_round(conceder)
    # against a conceder, a boulware agent gets the larger share
    mixed = simulate(
        pie(agents="{a: {strategy: boulware}, b: {strategy: conceder}}"), runs=10, rng=0
    )
    assert mixed.mean_utilities is not None
    assert mixed.mean_utilities["a"] > mixed.mean_utilities["b"]


def test_tit_for_tat_mirrors_a_conceder_and_two_mirrors_deadlock() -> None:
    mirrored = simulate(
        pie(agents="{a: {strategy: tit_for_tat}, b: {strategy: conceder}}"), runs=10, rng=0
    )
    assert mirrored.agreement_rate == 1.0
    assert mirrored.mean_utilities is not None
    assert mirrored.mean_utilities["a"] >= mirrored.mean_utilities["b"]
    # neither ever concedes first: each asks for everything until the deadline; in the last
    # round the responder accepts anything worth its reservation (0): the whole pie
    stubborn = simulate(
        pie(agents="{a: {strategy: tit_for_tat}, b: {strategy: tit_for_tat}}"), runs=10, rng=0
    )
    assert stubborn.agreement_round_histogram[-1] == stubborn.agreements == 10


def test_a_walkout_ends_talks_with_the_outside_option() -> None:
    """b can walk out to 0.95; a (disagreement 0.2) never offers b more than 0.8. In the last
    round (a proposes in even rounds) b rejects and walks out: b gets 0.95, a its 0.2."""
    space = pie(b_extra="outside_option: 0.95", a_extra="disagreement: 0.2")
    result = simulate(space, runs=10, rng=0)
    assert result.endings == {"agreement": 0, "breakdown": 0, "walkout": 10, "deadline": 0}
    assert result.mean_payoffs == pytest.approx({"a": 0.2, "b": 0.95})
    assert result.final_round_share is None and result.mean_utilities is None


# --------------------------------------------------------------------------------------------
# Exact agreement rates


def within_sampling_error(rate: float, exact: float, runs: int) -> bool:
    standard_error = math.sqrt(exact * (1 - exact) / runs)
    return abs(rate - exact) < 4 * standard_error


def test_breakdown_risk_gives_the_exact_agreement_rate() -> None:
    """Agreement in round k needs k rejections survived: P = (1 - p)^k."""
    risk, runs = 0.1, 20_000
    result = simulate(pie(extra_protocol=f", breakdown_risk: {risk}"), runs=runs, rng=3)
    exact = (1 - risk) ** linear_meeting_round()
    assert within_sampling_error(result.agreement_rate, exact, runs)
    assert result.endings["breakdown"] == runs - result.agreements
    # every agreement still happens in the meeting round
    assert result.agreement_round_histogram[linear_meeting_round()] == result.agreements


def test_private_disagreement_drawn_every_run_gives_the_exact_rate() -> None:
    """a's disagreement is 0 (probability 0.3) or 1.5, above anything on the table (0.7):
    then a never accepts and b (disagreement 0.05) never accepts a's whole-pie demand."""
    runs, risk = 20_000, 0.05
    uncertainty = "uncertainty: {a.disagreement: {choice: {values: [0.0, 1.5], p: [0.3, 0.7]}}}"
    deterministic = simulate(pie(b_extra="disagreement: 0.05"), runs=10, rng=0)
    (k,) = np.flatnonzero(deterministic.agreement_round_histogram)
    result = simulate(
        pie(
            b_extra="disagreement: 0.05",
            uncertainty=uncertainty,
            extra_protocol=f", breakdown_risk: {risk}",
        ),
        runs=runs,
        rng=11,
    )
    exact = 0.3 * (1 - risk) ** int(k)
    assert within_sampling_error(result.agreement_rate, exact, runs)


# --------------------------------------------------------------------------------------------
# Seeds and determinism


def noisy_space() -> OutcomeSpace:
    return pie(
        agents="{a: {strategy: boulware, exponent: 0.5}, b: {strategy: conceder}}",
        extra_protocol=", breakdown_risk: 0.05",
        uncertainty=(
            "uncertainty: {a.disagreement: {uniform: [0, 0.4]}, "
            "b.agreement_value: {normal: {mean: 0.1, sd: 0.1, min: 0, max: 0.3}}}"
        ),
    )


def test_same_seed_same_result_whatever_the_chunking() -> None:
    space = noisy_space()
    runs = 3 * RUN_BLOCK + 17
    reference = simulate(space, runs=runs, rng=5).to_dict()
    assert simulate(space, runs=runs, rng=5).to_dict() == reference
    for chunk in (1, RUN_BLOCK, 2 * RUN_BLOCK, 10**6):
        assert simulate(space, runs=runs, rng=5, chunk_runs=chunk).to_dict() == reference
    assert simulate(space, runs=runs, rng=6).to_dict() != reference


def test_seed_zero_is_a_seed() -> None:
    space = noisy_space()
    first = simulate(space, runs=500, rng=0)
    assert first.seed == 0
    assert simulate(space, runs=500, rng=0) == first
    # None takes fresh entropy and reports it, so the run can be repeated
    fresh = simulate(space, runs=500, rng=None)
    assert fresh.seed != 0
    assert simulate(space, runs=500, rng=fresh.seed).to_dict() == fresh.to_dict()


def test_scenario_runs_and_seed_are_the_defaults() -> None:
    space = pie(simulation_extra=", runs: 123, seed: 0")
    result = simulate(space)
    assert (result.runs, result.seed) == (123, 0)


def test_histogram_sums_to_the_agreements() -> None:
    result = simulate(noisy_space(), runs=2000, rng=1)
    assert sum(result.agreement_round_histogram) == result.agreements
    assert len(result.agreement_round_histogram) == 11
    assert sum(result.endings.values()) == result.runs
    assert sum(item["count"] for item in result.to_dict()["outcomes"]) <= result.agreements
    counts = [item["count"] for item in result.to_dict()["outcomes"]]
    assert counts == sorted(counts, reverse=True)


def test_no_deadline_uses_the_horizon() -> None:
    result = simulate(pie(deadline=None), runs=10, rng=0, rounds=21)
    assert len(result.agreement_round_histogram) == 21
    assert result.agreements == 10
    with pytest.raises(ValueError, match="deadline"):
        simulate(pie(), runs=10, rng=0, rounds=21)


# --------------------------------------------------------------------------------------------
# The command line


def run(args: list[str], input: str | None = None) -> Result:
    result = CliRunner().invoke(app, args, input=input)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert "Traceback" not in result.output
    return result


PIE = """\
negsim: 1
name: pie
issues: {pie: {split: {total: 1}, resolution: 11}}
parties: {a: {}, b: {}}
protocol: {deadline: 11, breakdown_risk: 0.05}
simulation: {runs: 500, seed: 7, agents: {a: {strategy: boulware}, b: {strategy: conceder}}}
"""


@pytest.fixture
def pie_file(tmp_path: Path) -> Path:
    path = tmp_path / "pie.yaml"
    path.write_text(PIE, encoding="utf-8")
    return path


def test_cli_prints_json(pie_file: Path) -> None:
    result = run(["simulate", str(pie_file), "--format", "json", "--runs", "300", "--seed", "0"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    for key in (
        "runs",
        "seed",
        "agreement_rate",
        "agreement_round_histogram",
        "final_round_share",
        "mean_utilities",
        "mean_payoffs",
        "outcomes",
    ):
        assert key in data
    assert (data["runs"], data["seed"]) == (300, 0)
    assert len(data["agreement_round_histogram"]) == 11
    again = run(["simulate", str(pie_file), "--format", "json", "--runs", "300", "--seed", "0"])
    assert again.stdout == result.stdout
    defaults = json.loads(run(["simulate", str(pie_file), "--format", "json"]).stdout)
    assert (defaults["runs"], defaults["seed"]) == (500, 7)


def test_cli_prints_a_table(pie_file: Path) -> None:
    result = run(["simulate", str(pie_file)])
    assert result.exit_code == 0, result.output
    assert "agreement rate" in result.stdout
    assert "Agreements by round" in result.stdout
    assert "█" in result.stdout


@pytest.mark.parametrize(
    ("text", "args"),
    [
        pytest.param(
            PIE.replace("parties: {a: {}, b: {}}", "parties: {a: {}, b: {}, c: {}}"),
            [],
            id="three-parties",
        ),
        pytest.param(PIE.replace("deadline: 11", "deadline: -1"), [], id="invalid-scenario"),
        pytest.param(PIE, ["--runs", "0"], id="zero-runs"),
        pytest.param(PIE, ["--seed", "-1"], id="negative-seed"),
        pytest.param(PIE, ["--rounds", "5"], id="rounds-with-deadline"),
    ],
)
def test_cli_bad_input_exits_2(tmp_path: Path, text: str, args: list[str]) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    result = run(["simulate", str(path), *args])
    assert result.exit_code == 2, result.output


def test_cli_missing_file_exits_2(tmp_path: Path) -> None:
    assert run(["simulate", str(tmp_path / "nope.yaml")]).exit_code == 2
