"""The analysis commands: ``solve`` and ``simulate``."""

from __future__ import annotations

import typer

from negsim.cli.app import OutputFormat
from negsim.cli.common import (
    analysis_or_exit,
    fail,
    load_or_exit,
    message,
    print_renderables,
    solving,
    space_or_exit,
    write_pieces,
)
from negsim.cli.options import (
    FormatOption,
    RoundsOption,
    RunsOption,
    ScenarioArgument,
    SimulationSeed,
)


def solve(file: ScenarioArgument, output_format: FormatOption = OutputFormat.table) -> None:
    """The bargaining analysis: outcome space, frontier, zone of agreement, solutions.

    The solutions are Nash, Kalai–Smorodinsky, egalitarian and utilitarian, as packages.

    --format json prints one JSON object on standard output, for programs; markdown, csv
    and latex print the tables for documents (docs/tables.md).
    """
    scenario = load_or_exit(file)
    analysis = analysis_or_exit(scenario)
    for warning in analysis.warnings:
        message(f"negsim: warning: {warning}")
    if output_format is OutputFormat.json:
        write_pieces(analysis.json_pieces())
        return
    from negsim.present.terminal.solve import solve_renderables

    print_renderables(list(solve_renderables(analysis)), output_format)


def simulate(
    file: ScenarioArgument,
    runs: RunsOption = None,
    seed: SimulationSeed = None,
    rounds: RoundsOption = None,
    output_format: FormatOption = OutputFormat.table,
) -> None:
    """Monte Carlo negotiations between the agents in `simulation`.

    Boulware, conceder, linear and tit-for-tat agents bargain under the scenario's protocol;
    private parameters in `uncertainty` are drawn afresh in every run. Prints the agreement
    rate, agreements by round, the final-round share, mean utilities and payoffs, and the
    most frequent agreements. The same seed gives the same result.
    """

    from negsim.studies.simulate import simulate as run_simulation

    scenario = load_or_exit(file)
    if scenario.n_parties != 2:
        fail(
            f"{scenario.source}: simulate handles two parties; this scenario has "
            f"{scenario.n_parties} ({', '.join(scenario.party_names)})"
        )
    if rounds is not None and scenario.protocol.deadline is not None:
        fail(
            f"{scenario.source}: the protocol has a deadline of "
            f"{scenario.protocol.deadline} rounds; --rounds applies only without a deadline"
        )
    space = space_or_exit(scenario)
    result = solving(
        scenario.source,
        lambda: run_simulation(space, runs=runs, rng=seed, rounds=rounds),
        "simulating",
        "simulation",
    )
    if output_format is OutputFormat.json:
        typer.echo(result.to_json())
        return
    from negsim.present.terminal.simulate import simulation_renderables

    print_renderables(list(simulation_renderables(result, scenario.name)), output_format)
