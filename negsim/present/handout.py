"""Role sheets for a classroom negotiation (``negsim handout``, ``docs/handout.md``).

:func:`role_sheet` is one party's confidential sheet: the public brief, its own brief, its
issues with its points for every option, its walk-away value, its clock and the rules of
the talks, and a planning worksheet to fill in. It reads only that party's record of the
scenario and the scenario's public parts (issues, protocol): nothing of another party's
weights, values, disagreement, trust or brief. :func:`instructor_key` is everything: both
briefs, the scenario, the analysis of ``negsim solve`` and the teaching note of
``negsim explain``.

Both are :class:`negsim.present.report.model.Report` records, so the report's writers set
them as HTML, Markdown and PDF. Points are the party's utility times
:data:`negsim.format.model.POINTS` (100): a value times its weight, as the scenario file
states them; ``negsim play`` and ``negsim debrief`` show the same points.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from negsim.format.model import (
    POINTS,
    CategoricalIssue,
    Condition,
    Issue,
    NumericIssue,
    Party,
    SplitIssue,
)
from negsim.present.report.model import Block, Paragraph, Report, Section, Table, table_of
from negsim.present.words import (
    deadline_in_full,
    join_words,
    percent,
    points_text,
    round_noun,
    six_digits,
)

if TYPE_CHECKING:
    from negsim.analysis.records import Analysis
    from negsim.format.scenario import Scenario
    from negsim.present.explain import Note

__all__ = ["MAX_ROWS", "POINTS", "instructor_key", "points_text", "role_sheet"]

MAX_ROWS = 11
"""The most amounts listed for a numeric or split issue (evenly spread, both ends kept)."""

_PROTOCOLS = {
    "alternating_offers": "The parties take turns: one proposes a package, the other accepts "
    "it or rejects it and proposes the next.",
    "ultimatum": "One proposal only: the first proposer makes an offer, and the others accept "
    "it or there is no deal.",
    "one_sided": "Only the first proposer makes offers; the others accept or reject each one.",
    "random_proposer": "Each round a proposer is drawn at random; the others vote on its offer.",
}


def _points(utility: float) -> str:
    """``"1 point"``, ``"12.5 points"``."""
    text = points_text(utility)
    return f"{text} point" if text in ("1", "-1") else f"{text} points"


def _paragraphs(text: str) -> list[Block]:
    """Markdown text as paragraphs (split at blank lines), its line breaks joined."""
    pieces = [" ".join(piece.split()) for piece in text.strip().split("\n\n")]
    return [Paragraph(piece) for piece in pieces if piece]


def _amounts(issue: Issue) -> tuple[list[float], str]:
    """The amounts of a numeric or split issue to list (at most :data:`MAX_ROWS`) and their
    unit."""
    import numpy as np

    if isinstance(issue, NumericIssue):
        grid = issue.grid()
        unit = f" {issue.unit}" if issue.unit else ""
    else:
        assert isinstance(issue, SplitIssue)
        grid = np.linspace(0.0, issue.total, issue.resolution)
        unit = f" of {six_digits(issue.total)}"
    if len(grid) > MAX_ROWS:
        grid = grid[np.unique(np.linspace(0, len(grid) - 1, MAX_ROWS).round().astype(int))]
    return [float(x) for x in grid], unit


def _issue_rows(party: Party, issue: Issue) -> list[tuple[str, ...]]:
    """One row an option or amount: the issue, the option, its value and its points."""
    import numpy as np

    weight = party.weights.get(issue.name, 0.0)
    function = party.values.get(issue.name)
    label = f"{issue.label}\n(weight {six_digits(weight)})"
    if function is None or weight == 0:
        return [(label, "any", "—", "0 (this issue does not matter to you)")]
    if isinstance(issue, CategoricalIssue):
        levels = list(issue.options)
        values = function.evaluate(np.arange(len(levels)))
    else:
        amounts, unit = _amounts(issue)
        prefix = "your share " if isinstance(issue, SplitIssue) else ""
        levels = [f"{prefix}{six_digits(x)}{unit}" for x in amounts]
        values = function.evaluate(np.asarray(amounts))
    rows: list[tuple[str, ...]] = []
    for k, (level, value) in enumerate(zip(levels, values, strict=True)):
        rows.append(
            (label if k == 0 else "", level, f"{float(value):.3g}",
             points_text(weight * float(value)))
        )  # fmt: skip
    return rows


def _issues_section(party: Party, scenario: Scenario) -> Section:
    rows = [row for issue in scenario.issues for row in _issue_rows(party, issue)]
    blocks: list[Block] = [
        Paragraph(
            "A deal settles every issue. Its worth to you is the sum of your points on each "
            "issue: points = your value of the option (0 to 1) × the issue's weight × "
            f"{POINTS:g}. The best deal on every issue is worth {POINTS:g} points."
        ),
        table_of(["issue", "option", "value", "points"], rows, title="Your points"),
    ]
    for issue in scenario.issues:
        if isinstance(issue, NumericIssue | SplitIssue):
            blocks.append(
                Paragraph(
                    "Amounts between those listed earn points between theirs.",
                    note=True,
                )
            )
            break
    doubts = []
    for issue in scenario.issues:
        trust = scenario.effective_trust(party.name, issue.name)
        if trust < 1.0:
            doubts.append(f"{issue.label} ({percent(trust)})")
    if doubts:
        blocks.append(
            Paragraph(
                "You doubt that promises on some issues will be kept; the chance you give "
                f"them: {'; '.join(doubts)}. A broken promise leaves you your worst option "
                "on that issue."
            )
        )
    for term in party.interactions:
        blocks.append(
            Paragraph(
                f"{'Bonus' if term.value >= 0 else 'Penalty'}: {_points(term.value)} when "
                + " and ".join(_condition_words(c, scenario) for c in term.conditions)
                + "."
            )
        )
    if party.agreement_value:
        blocks.append(
            Paragraph(f"Any agreement is worth {points_text(party.agreement_value)} extra points.")
        )
    return Section("points", "Your issues and points", tuple(blocks))


def _condition_words(condition: Condition, scenario: Scenario) -> str:
    """A condition of an interaction, in words."""
    label = scenario.issue(condition.issue).label
    if condition.options is not None:
        return f"{label} is {' or '.join(condition.options)}"
    if condition.values is not None:
        return f"{label} is {' or '.join(six_digits(v) for v in condition.values)}"
    subject = f"{label} (share of {condition.party})" if condition.party else label
    bounds = []
    if condition.low is not None:
        bounds.append(f"at least {six_digits(condition.low)}")
    if condition.high is not None:
        bounds.append(f"at most {six_digits(condition.high)}")
    return f"{subject} is {' and '.join(bounds) or 'anything'}"


def _walk_away_section(party: Party) -> Section:
    lottery = party.disagreement
    blocks: list[Block] = []
    if lottery.is_sure:
        blocks.append(
            Paragraph(
                "If the talks end without agreement, you get "
                f"{points_text(lottery.expected)} points: your walk-away value."
            )
        )
    else:
        blocks.append(
            Paragraph(
                "If the talks end without agreement, the outcome is uncertain: one of these "
                "happens, with the chance shown."
            )
        )
        rows = [
            (branch.label or f"outcome {k}", percent(branch.p), points_text(branch.value))
            for k, branch in enumerate(lottery.branches, start=1)
        ]
        blocks.append(table_of(["what happens", "chance", "points"], rows, title="No deal"))
        blocks.append(
            Paragraph(
                f"On average no deal is worth {points_text(lottery.expected)} points to you: "
                "your walk-away value. A deal worth less leaves you worse off than no deal."
            )
        )
    if party.outside_option is not None:
        blocks.append(
            Paragraph(
                "You may also walk out after rejecting an offer and take "
                f"{points_text(party.outside_option)} points."
            )
        )
    return Section("walk-away", "If there is no deal", tuple(blocks))


def _clock_section(party: Party, scenario: Scenario) -> Section:
    protocol = scenario.protocol
    first = scenario.party(protocol.first_proposer).label
    unit = round_noun(protocol.round_label)
    lines = [_PROTOCOLS.get(protocol.kind, protocol.kind), f"{first} proposes first."]
    if protocol.deadline is None:
        lines.append("There is no deadline.")
    else:
        lines.append(
            f"Deadline: {deadline_in_full(protocol.round_label, protocol.deadline)}; with no "
            "agreement by then, there is no deal."
        )
    if protocol.breakdown_risk > 0:
        lines.append(
            f"After each rejection the talks collapse with a chance of "
            f"{percent(protocol.breakdown_risk)}."
        )
    if party.discount < 1:
        lines.append(
            f"Delay costs you: each {unit} of waiting multiplies what a deal is worth to you "
            f"by {six_digits(party.discount)}."
        )
    if party.cost_per_round > 0:
        lines.append(f"Each {unit} of talks also costs you {_points(party.cost_per_round)}.")
    if party.discount == 1 and party.cost_per_round == 0:
        lines.append("Waiting costs you nothing.")
    blocks: list[Block] = [Paragraph(line) for line in lines]
    return Section("clock", "The rules and your clock", tuple(blocks))


def _worksheet_section(party: Party, scenario: Scenario) -> Section:
    ranked = sorted(
        (issue for issue in scenario.issues if party.weights.get(issue.name, 0.0) > 0),
        key=lambda issue: -party.weights[issue.name],
    )
    priorities = [
        (f"{k}. {issue.label} (weight {six_digits(party.weights[issue.name])})", "", "", "")
        for k, issue in enumerate(ranked, start=1)
    ]
    plan = [
        ("Target: the deal you aim for (points)", ""),
        ("Reservation: the least you accept (points)", ""),
        ("Your walk-away value (points)", points_text(party.disagreement.expected)),
        ("Your opening offer", ""),
    ]
    questions = [(f"{k}.", "") for k in range(1, 5)]
    blocks: list[Block] = [
        Paragraph("Fill this in before the talks."),
        table_of(["", "your plan"], plan, title="Your plan"),
        table_of(
            [
                "priority (most important first)",
                "you aim for",
                "you accept at least",
                "you could give in exchange",
            ],
            priorities,
            title="Your priorities",
        ),
        table_of(["question", "what you learnt"], questions, title="Questions to ask"),
    ]
    return Section("worksheet", "Planning worksheet", tuple(blocks))


def role_sheet(scenario: Scenario, party_name: str) -> Report:
    """The confidential role sheet of ``party_name``: only the scenario's public parts and
    this party's own record."""
    party = scenario.party(party_name)
    others = [p.label for p in scenario.parties if p.name != party_name]
    public: list[Block] = _paragraphs(scenario.public) if scenario.public else []
    public.append(
        Paragraph(
            f"Your side: {party.label}. You negotiate with {join_words(others)} over "
            + "; ".join(issue.label for issue in scenario.issues)
            + "."
        )
    )
    own = _paragraphs(party.brief) if party.brief else [Paragraph("No further instructions.")]
    sections = (
        Section("public", "What everyone knows", tuple(public)),
        Section("brief", "Your confidential instructions", tuple(own)),
        _issues_section(party, scenario),
        _walk_away_section(party),
        _clock_section(party, scenario),
        _worksheet_section(party, scenario),
    )
    return Report(
        f"{scenario.name}: role sheet for {party.label}",
        (f"Confidential: for {party.label} only. Do not show it to the other side.",),
        sections,
    )


def _note_blocks(note: Note) -> list[Section]:
    """The teaching note's sections as report sections."""
    from negsim.present.explain.document import Bullets
    from negsim.present.explain.document import Paragraph as NoteParagraph

    sections = []
    for section in note.sections:
        blocks: list[Block] = []
        for block in section.blocks:
            if isinstance(block, NoteParagraph):
                blocks.append(Paragraph(block.text))
            elif isinstance(block, Bullets):
                blocks.extend(Paragraph(f"• {item.text}") for item in block.items)
            else:
                blocks.append(Table(block.header, block.rows))
        sections.append(Section(f"note-{section.key}", section.title, tuple(blocks)))
    if note.references:
        works = tuple(Paragraph(work) for work in note.references)
        sections.append(Section("references", "Works cited", works))
    return sections


def instructor_key(analysis: Analysis, note: Note) -> Report:
    """The instructor's key: every brief, the whole scenario, the analysis of ``negsim
    solve`` and the teaching ``note`` of ``negsim explain``."""
    from negsim.present.report.model import from_rich
    from negsim.present.terminal.show import describe
    from negsim.present.terminal.solve import solve_renderables

    scenario = analysis.space.scenario
    briefs: list[Block] = []
    if scenario.public:
        briefs += [Paragraph("Public brief", heading=True), *_paragraphs(scenario.public)]
    for party in scenario.parties:
        briefs.append(Paragraph(f"{party.label}: confidential brief", heading=True))
        briefs += _paragraphs(party.brief) if party.brief else [Paragraph("No brief.")]
    scenario_blocks = [  # the memory row depends on this machine: left out
        Table(block.header, tuple(row for row in block.rows if row[:1] != ("memory",)),
              block.title, block.caption) if isinstance(block, Table) else block
        for block in from_rich(describe(scenario, analysis.counts.feasible)[1:])
    ]  # fmt: skip
    sections = [
        Section("briefs", "The briefs", tuple(briefs)),
        Section("scenario", "The scenario", tuple(scenario_blocks)),
        Section("analysis", "The analysis", tuple(from_rich(solve_renderables(analysis)[1:]))),
        *_note_blocks(note),
    ]
    return Report(
        f"{scenario.name}: instructor's key",
        ("For the instructor: every party's values, the solutions and a walk through them.",),
        tuple(sections),
    )
