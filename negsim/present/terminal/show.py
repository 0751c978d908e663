"""What ``negsim show`` prints: the scenario at a glance, as rich renderables
(:func:`describe`): issues, parties, what each party wants, the protocol, constraints,
mediators, uncertainty, simulation settings and the outcome space's size.

Numbers are printed as stated, to six significant digits (:func:`negsim.present.words.six_digits`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from rich.table import Table
from rich.text import Text

from negsim.format.components import largest_component
from negsim.format.model import (
    CategoricalIssue,
    CategoricalValues,
    Choice,
    Condition,
    Lottery,
    Normal,
    NumericIssue,
    Party,
    PiecewiseLinear,
    PowerShape,
    SplitIssue,
    Uniform,
    ValueFunction,
)
from negsim.format.scenario import Scenario
from negsim.memory import analysis_bytes, estimate_bytes, format_bytes, limit_bytes
from negsim.present.words import count_text, six_digits

__all__ = ["describe"]


def _share(value: float) -> str:
    """A probability as a percentage, 3 significant digits."""
    return f"{value * 100:.3g}%"


def _issue_levels(scenario: Scenario, issue: CategoricalIssue | NumericIssue | SplitIssue) -> str:
    if isinstance(issue, CategoricalIssue):
        return ", ".join(issue.options)
    if isinstance(issue, NumericIssue):
        unit = f" {issue.unit}" if issue.unit else ""
        step = (issue.high - issue.low) / (issue.resolution - 1)
        return (
            f"{six_digits(issue.low)} to {six_digits(issue.high)}{unit}, "
            f"{issue.resolution} points, step {six_digits(step)}"
        )
    step = issue.total / (issue.resolution - 1)
    return (
        f"total {six_digits(issue.total)} among {scenario.n_parties} parties, "
        f"step {six_digits(step)}"
    )


def _value_function(
    issue: CategoricalIssue | NumericIssue | SplitIssue, function: ValueFunction | None
) -> str:
    if function is None:
        return "none"
    if isinstance(function, CategoricalValues) and isinstance(issue, CategoricalIssue):
        return ", ".join(
            f"{option} {six_digits(value)}"
            for option, value in zip(issue.options, function.values, strict=True)
        )
    if isinstance(function, PiecewiseLinear):
        prefix = "own share " if isinstance(issue, SplitIssue) else ""
        points = ", ".join(
            f"{six_digits(x)}→{six_digits(v)}"
            for x, v in zip(function.xs, function.values, strict=True)
        )
        return f"{prefix}{points}"
    if isinstance(function, PowerShape):
        if isinstance(issue, SplitIssue) and function.worst == 0 and function.best == issue.total:
            if function.exponent == 1:
                return "own share / total"
            return f"(own share / total)^{six_digits(function.exponent)}"
        return (
            f"best {six_digits(function.best)}, worst {six_digits(function.worst)}, "
            f"exponent {six_digits(function.exponent)}"
        )
    return str(function)


def _lottery(lottery: Lottery) -> Text:
    if lottery.is_sure:
        return Text(six_digits(lottery.expected))
    lines = [f"{six_digits(lottery.expected)} expected"]
    for branch in lottery.branches:
        label = f" {branch.label}" if branch.label else ""
        lines.append(f"{_share(branch.p)}: {six_digits(branch.value)}{label}")
    return Text("\n".join(lines))


def _condition(condition: Condition) -> str:
    issue = condition.issue
    if condition.options is not None:
        if len(condition.options) == 1:
            return f"{issue} = {condition.options[0]}"
        return f"{issue} in {{{', '.join(condition.options)}}}"
    if condition.values is not None:
        if len(condition.values) == 1:
            return f"{issue} = {six_digits(condition.values[0])}"
        return f"{issue} in {{{', '.join(six_digits(v) for v in condition.values)}}}"
    subject = f"{issue}[{condition.party}]" if condition.party else issue
    if condition.low is not None and condition.high is not None:
        return f"{six_digits(condition.low)} ≤ {subject} ≤ {six_digits(condition.high)}"
    if condition.low is not None:
        return f"{subject} ≥ {six_digits(condition.low)}"
    if condition.high is not None:
        return f"{subject} ≤ {six_digits(condition.high)}"
    return f"{subject}: any"


def _conditions(conditions: Iterable[Condition]) -> str:
    return " and ".join(_condition(condition) for condition in conditions)


def _header(scenario: Scenario) -> Text:
    text = Text()
    text.append(scenario.name, style="bold")
    if scenario.description:
        text.append("\n" + scenario.description.strip())
    text.append(f"\nfile: {scenario.source}", style="dim")
    for source in scenario.sources:
        text.append(f"\nsource: {source}", style="dim")
    return text


def _issues_table(scenario: Scenario) -> Table:
    table = Table(title="Issues", title_justify="left", show_lines=True)
    table.add_column("issue", overflow="fold")
    table.add_column("kind")
    table.add_column("count", justify="right")
    table.add_column("levels", overflow="fold")
    for issue in scenario.issues:
        name = Text(issue.name, style="bold")
        if issue.label != issue.name:
            name.append("\n" + issue.label, style="dim")
        table.add_row(
            name,
            issue.kind,
            f"{scenario.n_levels(issue):,}",
            Text(_issue_levels(scenario, issue)),
        )
    return table


def _party_rows(scenario: Scenario) -> list[tuple[str, list[Text | str]]]:
    parties = scenario.parties

    def row(label: str, cell: Callable[[Party], Text | str]) -> tuple[str, list[Text | str]]:
        return label, [cell(party) for party in parties]

    def interactions(party: Party) -> Text:
        if not party.interactions:
            return Text("none")
        return Text(
            "\n".join(
                f"{'+' if term.value >= 0 else ''}{six_digits(term.value)} when "
                f"{_conditions(term.conditions)}"
                for term in party.interactions
            )
        )

    return [
        row("label", lambda party: Text(party.label)),
        row("disagreement", lambda party: _lottery(party.disagreement)),
        row(
            "outside option",
            lambda party: (
                "none" if party.outside_option is None else six_digits(party.outside_option)
            ),
        ),
        row("agreement value", lambda party: six_digits(party.agreement_value)),
        row("discount", lambda party: six_digits(party.discount)),
        row("cost per round", lambda party: six_digits(party.cost_per_round)),
        row("bargaining power", lambda party: six_digits(party.bargaining_power)),
        row("interactions", interactions),
    ]


def _parties_table(scenario: Scenario) -> Table:
    table = Table(title="Parties", title_justify="left")
    table.add_column("")
    for party in scenario.parties:
        table.add_column(Text(party.name), style=None)
    for label, cells in _party_rows(scenario):
        table.add_row(Text(label, style="bold"), *cells)
    return table


def _preferences_table(scenario: Scenario) -> Table:
    table = Table(
        title="What each party wants: weight, values, trust", title_justify="left", show_lines=True
    )
    table.add_column("issue", style="bold", overflow="fold")
    for party in scenario.parties:
        table.add_column(Text(party.name), overflow="fold")
    for issue in scenario.issues:
        cells = []
        for party in scenario.parties:
            weight = party.weights.get(issue.name, 0.0)
            lines = [f"weight {six_digits(weight)}"]
            if weight > 0 or party.values.get(issue.name) is not None:
                lines.append(_value_function(issue, party.values.get(issue.name)))
            stated = party.trust.get(issue.name, 1.0)
            effective = scenario.effective_trust(party.name, issue.name)
            if effective != stated:
                lines.append(f"trust {six_digits(stated)}, {six_digits(effective)} with mediators")
            elif stated != 1.0:
                lines.append(f"trust {six_digits(stated)}")
            cells.append(Text("\n".join(lines)))
        table.add_row(Text(issue.name), *cells)
    return table


def _protocol_table(scenario: Scenario) -> Table:
    protocol = scenario.protocol
    table = Table(title="Protocol", title_justify="left", show_header=False)
    table.add_column("key", style="bold")
    table.add_column("value")
    deadline = "none" if protocol.deadline is None else f"{protocol.deadline} rounds"
    table.add_row("kind", protocol.kind)
    table.add_row("first proposer", Text(protocol.first_proposer))
    table.add_row("deadline", deadline)
    if protocol.round_label:
        table.add_row("round", Text(protocol.round_label))
    table.add_row("breakdown risk", six_digits(protocol.breakdown_risk))
    table.add_row("lotteries", "allowed" if protocol.lotteries else "pure packages only")
    if protocol.kind == "random_proposer":
        table.add_row(
            "recognition",
            ", ".join(f"{name} {six_digits(p)}" for name, p in protocol.recognition.items()),
        )
        table.add_row("rule", protocol.rule)
    return table


def _constraints_table(scenario: Scenario) -> Table:
    table = Table(title="Constraints: packages that cannot be agreed", title_justify="left")
    table.add_column("#", justify="right")
    table.add_column("forbids packages with")
    for k, constraint in enumerate(scenario.constraints, start=1):
        table.add_row(str(k), Text(_conditions(constraint.conditions)))
    return table


def _mediators_table(scenario: Scenario) -> Table:
    table = Table(title="Mediators", title_justify="left")
    table.add_column("mediator", style="bold")
    table.add_column("label")
    table.add_column("guarantees: trust raised to at least")
    for mediator in scenario.mediators:
        guarantees = "\n".join(
            f"{party}: "
            + ", ".join(f"{issue} {six_digits(level)}" for issue, level in issues.items())
            for party, issues in mediator.guarantees.items()
        )
        table.add_row(Text(mediator.name), Text(mediator.label), Text(guarantees))
    return table


def _distribution(distribution: Uniform | Normal | Choice) -> str:
    if isinstance(distribution, Uniform):
        return f"uniform on [{six_digits(distribution.low)}, {six_digits(distribution.high)}]"
    if isinstance(distribution, Normal):
        return (
            f"normal, mean {six_digits(distribution.mean)}, sd {six_digits(distribution.sd)}, "
            f"truncated to [{six_digits(distribution.low)}, {six_digits(distribution.high)}]"
        )
    return ", ".join(
        f"{six_digits(value)} ({_share(p)})"
        for value, p in zip(distribution.values, distribution.probabilities, strict=True)
    )


def _stated(party: Party, parameter: str) -> str:
    value = getattr(party, parameter)
    if isinstance(value, Lottery):
        return six_digits(value.expected)
    return "none" if value is None else six_digits(value)


def _uncertainty_table(scenario: Scenario) -> Table:
    table = Table(
        title="Uncertainty: private parameters, known to others only by distribution",
        title_justify="left",
    )
    table.add_column("parameter", style="bold")
    table.add_column("stated", justify="right")
    table.add_column("others believe")
    table.add_column("types", justify="right")
    for item in scenario.uncertainty:
        table.add_row(
            Text(f"{item.party}.{item.parameter}"),
            _stated(scenario.party(item.party), item.parameter),
            Text(_distribution(item.distribution)),
            str(item.distribution.types),
        )
    return table


def _simulation_table(scenario: Scenario) -> Table:
    simulation = scenario.simulation
    assert simulation is not None
    seed = "none (fresh entropy)" if simulation.seed is None else str(simulation.seed)
    table = Table(title=f"Simulation: {simulation.runs:,} runs, seed {seed}", title_justify="left")
    table.add_column("party", style="bold")
    table.add_column("strategy")
    table.add_column("exponent", justify="right")
    for name, agent in simulation.agents.items():
        table.add_row(Text(name), agent.strategy, six_digits(agent.exponent))
    return table


def _exact(count: int) -> str:
    """The count in full, and as a power of ten beside it when it is that long."""
    short = count_text(count)
    return f"{count:,}" if short == f"{count:,}" else f"{count:,} ({short})"


MAX_FACTORS_SHOWN = 8
"""Up to this many issues, ``show`` writes the package count as the product of their sizes."""


def _space_table(scenario: Scenario, n_feasible: int, merged_points: int | None) -> Table:
    n_packages = scenario.n_packages
    table = Table(title="Outcome space", title_justify="left", show_header=False)
    table.add_column("key", style="bold")
    table.add_column("value")
    factors = [scenario.n_levels(issue) for issue in scenario.issues]
    grid = _exact(n_packages)
    if 1 < len(factors) <= MAX_FACTORS_SHOWN:
        grid = " × ".join(f"{factor:,}" for factor in factors) + f" = {grid}"
    elif len(factors) > MAX_FACTORS_SHOWN:
        issues = f"{len(factors)} issues"
        grid = f"{grid[:-1]}; {issues})" if grid.endswith(")") else f"{grid} ({issues})"
    table.add_row("packages", grid)
    excluded = n_packages - n_feasible
    feasible = _exact(n_feasible)
    if excluded:
        feasible += f" ({count_text(excluded)} excluded by constraints)"
    table.add_row("feasible", feasible)
    if merged_points is not None:
        _, largest = largest_component(scenario)
        table.add_row(
            "method",
            f"merged, not enumerated: the Pareto frontier ({merged_points:,} distinct points) "
            f"is built block by block of issues; the largest block has {largest:,} packages "
            f"(about {format_bytes(analysis_bytes(largest, scenario.n_parties))} to "
            f"analyse, limit {format_bytes(limit_bytes())})",
        )
        return table
    needed = estimate_bytes(n_packages, scenario.n_parties)
    analysed = analysis_bytes(n_packages, scenario.n_parties)
    table.add_row(
        "memory",
        f"about {format_bytes(needed)} to enumerate, {format_bytes(analysed)} to analyse "
        f"(limit {format_bytes(limit_bytes())})",
    )
    return table


def describe(
    scenario: Scenario, n_feasible: int, merged_points: int | None = None
) -> list[Text | Table]:
    """The renderables of ``negsim show``, in order; ``merged_points`` is the number of
    distinct points of a merged space's frontier (None: the space was enumerated)."""
    parts: list[Text | Table] = [
        _header(scenario),
        _issues_table(scenario),
        _parties_table(scenario),
        _preferences_table(scenario),
        _protocol_table(scenario),
    ]
    if scenario.constraints:
        parts.append(_constraints_table(scenario))
    if scenario.mediators:
        parts.append(_mediators_table(scenario))
    if scenario.uncertainty:
        parts.append(_uncertainty_table(scenario))
    if scenario.simulation is not None:
        parts.append(_simulation_table(scenario))
    parts.append(_space_table(scenario, n_feasible, merged_points))
    return parts


def examples_tables(groups: dict[str, list[tuple[str, str, str]]]) -> list[Table]:
    """``negsim examples`` on a terminal: a table a group (in course order), each bundled
    scenario's name, then its title with the lesson it teaches below; the tables span the
    console and share the name column's width, so they line up."""
    width = max(len(name) for members in groups.values() for name, _, _ in members)
    tables = []
    for group, members in groups.items():
        table = Table(title=group, title_justify="left", title_style="bold", expand=True)
        table.add_column("name", style="bold", no_wrap=True, min_width=width)
        table.add_column("title and what it teaches")
        for name, title, teaches in members:
            cell = Text(title)
            if teaches:
                cell.append("\n" + teaches, style="dim")
            table.add_row(Text(name), cell)
        tables.append(table)
    return tables
