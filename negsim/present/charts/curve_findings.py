"""The titles of the curve charts (:mod:`negsim.present.charts.curves`): what a deadline
does (:func:`deadline_finding`) and what a party's patience does (:func:`discount_finding`),
each stated only as far as the curve supports it: a deadline's effect that a deadline one
round shorter or longer does not share is called a last-mover effect, not a shift."""

from __future__ import annotations

import math

import numpy as np

from negsim.present.words import TOLERANCE, deadline_words
from negsim.studies.curves import DeadlineCurve, DiscountCurve

__all__ = [
    "deadline_finding",
    "deadline_phrase",
    "discount_finding",
    "limit_ranges",
    "number",
    "pair",
    "value_word",
]


def pair(a: float, b: float) -> tuple[str, str]:
    """Two numbers for a sentence: 2 decimals, or 3 when 2 would make them look equal
    (an infinite payoff, costs paid for ever, in words)."""
    first, second = number(a, 2), number(b, 2)
    if first == second and abs(a - b) > TOLERANCE:
        first, second = number(a, 3), number(b, 3)
    return first, second


def number(value: float, digits: int) -> str:
    if math.isinf(value):
        return "minus infinity" if value < 0 else "infinity"
    return f"{value:.{digits}f}"


def deadline_phrase(curve: DeadlineCurve, deadline: int) -> str:
    """``deadline`` rounds in words (``"7 days"``)."""
    return deadline_words(curve.round_label, deadline)


def deadline_finding(curve: DeadlineCurve) -> str:
    """The deadline chart's title: what a deadline does, with the numbers.

    With a deadline in the scenario: what it gives each party against open-ended talks
    (the party that makes the last offer first). Otherwise: what the shortest deadlines
    give the first proposer against open-ended talks.
    """
    deadlines = [int(d) for d in curve.deadlines]
    limit = curve.limit_payoffs
    if not curve.limit_settled:
        return _unsettled_finding(curve, deadlines)
    if curve.stated is not None and curve.stated in deadlines:
        row = curve.payoffs[deadlines.index(curve.stated)]
        last = int(curve.last_proposers[deadlines.index(curve.stated)])
        order = list(range(len(curve.parties)))
        lead = last if last >= 0 else int(np.argmax(np.abs(row - limit)))
        order.remove(lead)
        now, then = pair(float(row[lead]), float(limit[lead]))
        deadline = deadline_phrase(curve, curve.stated)
        if np.all(np.abs(row - limit) <= 0.0005):
            return (
                f"A deadline of {deadline} changes little: {curve.labels[lead]} gets {now} "
                f"with it and {then} in open-ended talks"
            )
        ranges = limit_ranges(curve)
        if len(ranges):
            low, high = pair(float(ranges[lead, 0]), float(ranges[lead, 1]))
            return (
                f"A deadline of {deadline} settles the deal: {curve.labels[lead]} gets {now}"
                f"{_settled_caveat(curve, deadlines, lead, last)}; open-ended talks allow "
                f"anything from {low} to {high}"
            )
        neighbours = _neighbours(curve, deadlines, lead)
        if neighbours is not None:
            return _last_mover_finding(curve, lead, last, deadline, now, then, neighbours)
        text = (
            f"A deadline of {deadline} shifts the deal: {curve.labels[lead]} {now} against "
            f"{then} in open-ended talks"
        )
        for k in order:
            now, then = pair(float(row[k]), float(limit[k]))
            text += f", {curve.labels[k]} {now} against {then}"
        return text
    everything = np.vstack([curve.payoffs, limit[None, :]])
    if np.all(np.ptp(everything, axis=0) <= 0.0005):
        values = ", ".join(
            f"{label} {value:.3f}" for label, value in zip(curve.labels, limit, strict=True)
        )
        return f"The deadline changes nothing: {values}, with any deadline and without one"
    first = curve.first_proposer
    shown = deadlines[:2]
    parts = [f"{curve.payoffs[0, first]:.2f} with a deadline of {deadline_phrase(curve, shown[0])}"]
    if len(shown) > 1:
        parts.append(f"{curve.payoffs[1, first]:.2f} with {deadline_phrase(curve, shown[1])}")
    prefix = ""
    if len({int(p) for p in curve.last_proposers if p >= 0}) > 1:
        prefix = "Whoever makes the last offer gains: "
    return (
        f"{prefix}{curve.labels[first]} gets {', '.join(parts)} and {limit[first]:.2f} "
        "in open-ended talks"
    )


def _neighbours(
    curve: DeadlineCurve, deadlines: list[int], lead: int
) -> list[tuple[int, float]] | None:
    """The deadlines one round shorter and longer than the stated one with ``lead``'s
    payoff there, when one of them moves it the other way from open-ended talks (or not
    at all): then the stated deadline's effect is not a shift of the deal that a deadline
    near it would also give. None when the neighbours agree, or none was solved."""
    assert curve.stated is not None
    gain = float(curve.payoffs[deadlines.index(curve.stated), lead] - curve.limit_payoffs[lead])
    found = [
        (d, float(curve.payoffs[deadlines.index(d), lead]))
        for d in (curve.stated - 1, curve.stated + 1)
        if d in deadlines
    ]
    against = [value - float(curve.limit_payoffs[lead]) for _, value in found]
    if not found or all(g * gain > 0 and abs(g) > 0.0005 for g in against):
        return None
    return found


def _settled_caveat(curve: DeadlineCurve, deadlines: list[int], lead: int, last: int) -> str:
    """``" (0.65 with 6 days and 0.67 with 8 days: a last-mover advantage)"`` when a
    deadline one round shorter or longer gives ``lead`` more than 0.02 less or more;
    else empty."""
    assert curve.stated is not None
    value = float(curve.payoffs[deadlines.index(curve.stated), lead])
    found = [
        (d, float(curve.payoffs[deadlines.index(d), lead]))
        for d in (curve.stated - 1, curve.stated + 1)
        if d in deadlines
    ]
    if not any(abs(other - value) > 0.02 for _, other in found):
        return ""
    near = " and ".join(f"{other:.2f} with {deadline_phrase(curve, d)}" for d, other in found)
    movers = {int(curve.last_proposers[deadlines.index(d)]) for d, _ in found}
    why = (
        "a last-mover advantage"
        if last == lead and movers - {lead}
        else "it depends on the exact deadline"
    )
    return f" ({near}: {why})"


def _last_mover_finding(
    curve: DeadlineCurve,
    lead: int,
    last: int,
    deadline: str,
    now: str,
    then: str,
    neighbours: list[tuple[int, float]],
) -> str:
    """The title when the stated deadline's effect does not hold one round either side: a
    last-mover effect when the last proposer changes with the deadline, else an effect of
    that exact deadline."""
    who = curve.labels[lead]
    near = " and ".join(f"{value:.2f} with {deadline_phrase(curve, d)}" for d, value in neighbours)
    deadlines = [int(d) for d in curve.deadlines]
    movers = {int(curve.last_proposers[deadlines.index(d)]) for d, _ in neighbours}
    if last == lead and movers - {lead}:
        return (
            f"With {deadline} {who} makes the last offer and gets {now} against {then} in "
            f"open-ended talks, but {near}: a last-mover advantage, not a lasting shift"
        )
    return (
        f"With {deadline} {who} gets {now} against {then} in open-ended talks, but {near}: "
        "the effect depends on the exact deadline"
    )


def _unsettled_finding(curve: DeadlineCurve, deadlines: list[int]) -> str:
    """The title when ever longer deadlines never settle: no limit, and the stated
    deadline's deal for the first proposer."""
    assert curve.limit_convergence is not None
    gap = curve.limit_convergence.residual
    text = (
        f"Ever longer deadlines never settle (successive ones differ by up to {gap:.2g}): "
        "open-ended talks have no limit"
    )
    if curve.stated is not None and curve.stated in deadlines:
        first = curve.first_proposer
        value = float(curve.payoffs[deadlines.index(curve.stated), first])
        deadline = deadline_phrase(curve, curve.stated)
        text += f"; with {deadline}, {curve.labels[first]} gets {value:.2f}"
    return text


def limit_ranges(curve: DeadlineCurve) -> np.ndarray:
    """``(n_parties, 2)`` utility ranges of the open-ended equilibria when they are not
    unique; ``(0, 2)`` otherwise."""
    if curve.limit_unique or curve.limit_ranges is None:
        return np.zeros((0, 2))
    return np.asarray(curve.limit_ranges, dtype=float)


def _moves(a: float, b: float) -> str:
    """``"rises from 0.40 to 0.55"``, ``"falls from ..."`` or ``"stays at ..."``."""
    first, second = pair(a, b)
    if first == second:
        return f"stays at {first}"
    return f"{'rises' if b > a else 'falls'} from {first} to {second}"


def discount_finding(curve: DiscountCurve) -> str:
    """The discount chart's title: how the party's own utility moves with its patience."""
    k = curve.party
    label = curve.labels[k]
    x0, x1 = float(curve.discounts[0]), float(curve.discounts[-1])
    moves = _moves(float(curve.payoffs[0, k]), float(curve.payoffs[-1, k]))
    text = (
        f"{label}'s {value_word(curve)} {moves} as its discount factor goes from {x0:g} to {x1:g}"
    )
    if curve.deadline is not None:
        text += f", with a deadline of {deadline_words(curve.round_label, curve.deadline)}"
        if curve.open_payoffs is not None:
            moves = _moves(float(curve.open_payoffs[0, k]), float(curve.open_payoffs[-1, k]))
            text += f"; in open-ended talks it {moves}"
    return text


def value_word(curve: DeadlineCurve | DiscountCurve) -> str:
    """What the curve shows of each party, in a word."""
    return "utility" if curve.immediate else "payoff"
