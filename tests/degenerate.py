"""Small scenarios for the degenerate cases a solver and its views must handle:
no zone of agreement, a party that cannot gain, a single package, all packages tied,
one party indifferent, and three parties."""

from __future__ import annotations

SCENARIO_TEXTS: dict[str, str] = {
    "no-zopa": """\
negsim: 1
name: No deal possible
issues:
  price: {range: [0, 100], resolution: 11}
parties:
  buyer:
    label: The buyer
    values: {price: {0: 1, 100: 0}}
    disagreement: 0.7
  seller:
    label: The seller
    values: {price: {0: 0, 100: 1}}
    disagreement: 0.6
""",
    "one-side-cannot-gain": """\
negsim: 1
name: The seller cannot gain
issues:
  price: {range: [0, 100], resolution: 11}
parties:
  buyer: {values: {price: {0: 1, 100: 0}}, disagreement: 0.1}
  seller: {values: {price: {0: 0, 100: 0.5}}, disagreement: 0.6}
""",
    "single": """\
negsim: 1
name: Take it or leave it
issues:
  deal: {options: [signed]}
parties:
  a: {values: {deal: {signed: 0.8}}, disagreement: 0.2}
  b: {values: {deal: {signed: 0.6}}, disagreement: 0.1}
""",
    "tied": """\
negsim: 1
name: Nothing matters
issues:
  colour: {options: [red, green, blue]}
  size: {range: [0, 10], resolution: 5}
parties:
  a: {values: {colour: {red: 0.5, green: 0.5, blue: 0.5}, size: {0: 0.5, 10: 0.5}}}
  b: {values: {colour: {red: 0.4, green: 0.4, blue: 0.4}, size: {0: 0.4, 10: 0.4}}}
""",
    "indifferent": """\
negsim: 1
name: One side does not care
issues:
  price: {range: [0, 100], resolution: 21}
  colour: {options: [red, blue]}
parties:
  buyer:
    weights: {price: 0.7, colour: 0.3}
    values: {price: {0: 1, 100: 0}, colour: {red: 1, blue: 0}}
    disagreement: 0.2
  seller:
    values: {price: {0: 0.5, 100: 0.5}, colour: {red: 0.5, blue: 0.5}}
    disagreement: 0.1
""",
    "three": """\
negsim: 1
name: Three-way split
issues:
  pie: {split: {total: 1}, resolution: 6}
  venue: {options: [north, south, east]}
parties:
  a:
    weights: {pie: 0.7, venue: 0.3}
    values: {venue: {north: 1, south: 0, east: 0.5}}
    disagreement: 0.1
  b:
    weights: {pie: 0.6, venue: 0.4}
    values: {venue: {north: 0, south: 1, east: 0.5}}
  c:
    weights: {pie: 0.8, venue: 0.2}
    values: {venue: {north: 0.5, south: 0.5, east: 1}}
    disagreement: 0.05
""",
}
