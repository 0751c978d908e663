"""The exact Pareto frontier of additive spaces too large to enumerate, merged issue by
issue (:mod:`negsim.solvers.merge`), against enumerating the space and filtering it
(:func:`negsim.solvers.frontier.pareto_mask`) where enumeration is possible.

    python benchmarks/bench_merge.py [--repeat 7]

Scenarios: two parties, ``n`` categorical issues of 10 options, random values in
hundredths (seed 3), equal weights. Prints a Markdown table of medians.
"""

from __future__ import annotations

import argparse
import sys

import numpy as np

from benchmarks.timing import median_time
from negsim.analysis.merged import merged_frontier
from negsim.blocks import issue_blocks
from negsim.format.model import CategoricalIssue, CategoricalValues, Party, Protocol
from negsim.format.scenario import Scenario
from negsim.solvers.frontier import pareto_mask
from negsim.solvers.merge import merged_pareto
from negsim.space import OutcomeSpace


def scenario(n_issues: int, n_options: int = 10, n_parties: int = 2, seed: int = 3) -> Scenario:
    """``n_issues`` categorical issues of ``n_options`` options, random values."""
    rng = np.random.default_rng(seed)
    options = tuple(f"o{k}" for k in range(n_options))
    issues = tuple(CategoricalIssue(f"i{k}", options, f"Issue {k}") for k in range(n_issues))
    parties = tuple(
        Party(
            f"p{i}",
            f"p{i}",
            {issue.name: 1.0 / n_issues for issue in issues},
            {
                issue.name: CategoricalValues(tuple(rng.integers(0, 100, n_options) / 100))
                for issue in issues
            },
        )
        for i in range(n_parties)
    )
    protocol = Protocol("alternating_offers", "p0", None, 0.0, {}, "unanimity", False)
    return Scenario(f"{n_issues} issues", issues, parties, protocol)


def row(n_parties: int, n_issues: int, repeat: int) -> str:
    """One table row: the merged frontier's times, and enumeration's where it fits."""
    case = scenario(n_issues, n_parties=n_parties)
    merged = merged_frontier(case)
    whole = median_time(lambda: merged_frontier(case), repeat)
    blocks = [block.utilities for block in issue_blocks(case)]
    merging = median_time(lambda: merged_pareto(blocks), repeat)
    enumerated, ratio = "cannot", ""
    if n_issues <= 7:

        def enumerate_and_filter() -> None:
            space = OutcomeSpace.from_scenario(case)
            assert int(pareto_mask(space.utilities).sum()) == merged.frontier.n_pareto

        seconds = median_time(enumerate_and_filter, max(3, repeat // 2))
        enumerated, ratio = f"{seconds:.3f}", f"{seconds / whole:.0f}x"
    return (
        f"| {n_parties} | 10^{n_issues} | {merged.frontier.n_pareto:,} | {whole:.4f} | "
        f"{merging:.4f} | {enumerated} | {ratio} |"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)
    print(
        "| parties | packages | Pareto points | merged frontier s | of which merging s | "
        "enumerate + filter s | ratio |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for n_parties, n_issues in ((2, 6), (2, 7), (2, 20), (2, 40), (3, 6), (3, 12)):
        print(row(n_parties, n_issues, args.repeat))
        sys.stdout.flush()


if __name__ == "__main__":
    main()
