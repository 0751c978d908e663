"""``negsim explain``: a numbered, plain-language walk through a scenario's analysis, for
a student, with the scenario's own numbers (``docs/explain.md``).

:func:`explain` turns an :class:`~negsim.analysis.records.Analysis` into a :class:`Note`:
numbered :class:`~.document.Section` records of text, each with the values it quotes, and
two renderers, Markdown and a self-contained HTML page (:mod:`.render`). Every number is
read from the solver's records; the "what if" step solves a changed scenario through the
``solve`` function it is given (:func:`negsim.api.solve`), never the theory itself.

The steps, each skipped when it does not apply: the negotiation at a glance; what each
side gets if talks fail; the zone of possible agreement; the Pareto frontier; the Nash
solution; Kalai–Smorodinsky; the protocol's equilibrium and the last word; private
information; one "what if".
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from negsim.analysis.records import Analysis
from negsim.present.explain.document import Paragraph, Section, para
from negsim.present.explain.protocol import equilibrium_section, screening_section
from negsim.present.explain.render import markdown_escape, to_html, to_markdown
from negsim.present.explain.setting import glance_section, walk_away_section, zopa_section
from negsim.present.explain.solutions import frontier_section, ks_section, nash_section
from negsim.present.explain.what_if import Solve, what_if_section

__all__ = ["REFERENCES", "Note", "Section", "explain", "markdown_escape"]

REFERENCES: dict[str, tuple[str, ...]] = {
    "nash": ("Nash, J. F. (1950). The Bargaining Problem. Econometrica 18(2):155–162.",),
    "ks": (
        "Kalai, E. & Smorodinsky, M. (1975). Other Solutions to Nash's Bargaining Problem. "
        "Econometrica 43(3):513–518.",
        "Kalai, E. (1977). Proportional Solutions to Bargaining Situations: Interpersonal "
        "Utility Comparisons. Econometrica 45(7):1623–1630.",
    ),
    "equilibrium": (
        "Ståhl, I. (1972). Bargaining Theory. Stockholm School of Economics.",
        "Rubinstein, A. (1982). Perfect Equilibrium in a Bargaining Model. Econometrica "
        "50(1):97–109.",
    ),
    "screening": (
        "Fudenberg, D. & Tirole, J. (1983). Sequential Bargaining with Incomplete "
        "Information. Review of Economic Studies 50(2):221–247.",
        "Fudenberg, D., Levine, D. & Tirole, J. (1985). Infinite-Horizon Models of "
        "Bargaining with One-Sided Incomplete Information. In A. E. Roth (ed.), "
        "Game-Theoretic Models of Bargaining, Cambridge University Press.",
    ),
}
"""The works each step cites, by the step's key."""


@dataclass(frozen=True)
class Note:
    """The teaching note: a title, an introduction, numbered sections and the works
    cited."""

    title: str
    intro: Paragraph
    sections: tuple[Section, ...]
    references: tuple[str, ...]

    def markdown(self) -> str:
        return to_markdown(self.title, self.intro, self.sections, self.references)

    def html(self) -> str:
        return to_html(self.title, self.intro, self.sections, self.references)

    @property
    def values(self) -> dict[str, float]:
        """Every section's values in one mapping."""
        merged: dict[str, float] = {}
        for section in self.sections:
            merged.update(section.values)
        return merged

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)


def explain(analysis: Analysis, solve: Solve | None = None) -> Note:
    """The teaching note of ``analysis``. ``solve`` (:func:`negsim.api.solve`) solves the
    "what if" variant; without it that step is left out."""
    built = [
        glance_section(analysis),
        walk_away_section(analysis),
        zopa_section(analysis),
        frontier_section(analysis),
        nash_section(analysis),
        ks_section(analysis),
        equilibrium_section(analysis),
        screening_section(analysis),
        what_if_section(analysis, solve) if solve is not None else None,
    ]
    sections = tuple(
        replace(section, number=number)
        for number, section in enumerate((s for s in built if s is not None), start=1)
    )
    references = tuple(work for section in sections for work in REFERENCES.get(section.key, ()))
    intro = para(
        "A step-by-step reading of what negsim finds for this scenario. Every number is "
        "the solver's, for the scenario's own inputs; utilities are shown to three "
        "decimals, as in the tables of negsim solve."
    )
    return Note(analysis.space.scenario.name, intro, sections, references)
