"""Test settings shared by every test module: the ``slow`` marker and the Hypothesis profiles.

* ``python -m pytest`` (CI) runs everything with the ``ci`` profile: each property test
  draws the number of examples it asks for.
* ``python -m pytest -m "not slow"`` (a developer's run) leaves out the tests marked
  ``slow`` and switches to the ``dev`` profile, which draws a tenth of the examples (at
  least 3): every module, every property, in well under a minute.
* ``--hypothesis-profile ci|dev`` picks a profile explicitly.

The tests run on every core (``-n auto`` in ``pyproject.toml``, pytest-xdist); ``-n 0``
runs them in this process, e.g. to debug one test.

Property tests ask for their examples through ``strategies.examples``, so a profile can
scale them.
"""

from __future__ import annotations

import pytest
from hypothesis import settings

# Derandomized: every run tries the same examples, so a run that passes on one machine
# passes on CI too; a counterexample found by a search with ``--hypothesis-seed`` is kept
# as an ``@example`` on its test.
settings.register_profile("ci", max_examples=100, deadline=None, print_blob=True, derandomize=True)
settings.register_profile("dev", max_examples=10, deadline=None, derandomize=True)
settings.load_profile("ci")


def pytest_configure(config: pytest.Config) -> None:
    chosen = config.getoption("hypothesis_profile", default=None)
    if chosen is None and "not slow" in (config.getoption("markexpr", default="") or ""):
        settings.load_profile("dev")
