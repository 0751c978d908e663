"""Which private parameter screening solves in a scenario, if any.

Screening applies when the protocol lets only the uninformed side make offers (``one_sided``
or ``ultimatum``, with a deadline), there are two parties, and ``uncertainty`` makes the
responder's ``disagreement`` or ``agreement_value`` private
(:mod:`negsim.analysis.screening` solves it; the format's checks bound its memory).
"""

from __future__ import annotations

from negsim.format.model import ScenarioParts, UncertainParameter

SCREENED_PARAMETERS = ("disagreement", "agreement_value")


def screened_parameter(scenario: ScenarioParts) -> UncertainParameter | None:
    """The responder's private parameter that screening solves (the first listed), or None
    when screening does not apply."""
    protocol = scenario.protocol
    if (
        scenario.n_parties != 2
        or protocol.kind not in ("one_sided", "ultimatum")
        or protocol.deadline is None
    ):
        return None
    names = scenario.party_names
    responder = names[1 - names.index(protocol.first_proposer)]
    for parameter in scenario.uncertainty:
        if parameter.party == responder and parameter.parameter in SCREENED_PARAMETERS:
            return parameter
    return None
