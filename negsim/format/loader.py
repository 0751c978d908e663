"""Load and validate scenario files (format version 1) into frozen :class:`Scenario` records.

Every rule of the format is checked and *all* problems of a file are reported at once, each
as ``FILE:LINE:COLUMN: dotted.path: message`` (see :class:`negsim.errors.Problem`). Loading
never executes anything in the file: YAML is only composed, and tags are refused.

Choices where the format leaves room (also in ``docs/scenario-format.md``):

* A party's ``weights`` may omit issues; an omitted issue has weight 0.
* In ``recognition``, an omitted party has probability 0; the given ones must sum to 1.
* ``normal`` distributions need both ``min`` and ``max`` (they are truncated there).
* ``simulation.agents`` may omit parties; they use the ``linear`` strategy. A ``boulware``
  exponent must be below 1 and a ``conceder`` exponent above 1; ``linear`` is exponent 1.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from negsim.errors import Problem, ScenarioError
from negsim.format.scenario import Scenario
from negsim.format.source import parse, read_bounded, read_path_bounded, read_text

# Public entry points


def load_scenario(path: str | os.PathLike[str]) -> Scenario:
    """Read, validate and return the scenario in the file at ``path`` (``"-"``: standard input).

    Raises
    ------
    ScenarioError
        With every problem of the file, sorted by position.
    """
    if str(path) == "-":
        raw = read_bounded(sys.stdin.buffer, "<stdin>")
        return load_scenario_text(read_text("<stdin>", raw), "<stdin>")
    filename = str(path)
    file_path = Path(path)
    try:
        if file_path.is_dir():
            raise _file_problem(filename, "is a directory, not a scenario file")
        raw = read_path_bounded(file_path, filename)
    except FileNotFoundError:
        raise _file_problem(filename, "no such file") from None
    except OSError as error:
        raise _file_problem(filename, f"cannot read the file: {error.strerror or error}") from None
    return load_scenario_text(read_text(filename, raw), filename)


def load_file_or_example(argument: str) -> Scenario:
    """The scenario an argument names: ``"-"`` (standard input), a path, or the name of a
    bundled example (:mod:`negsim.format.bundled`; an existing path wins). Raises
    :class:`ScenarioError` like :func:`load_scenario`, a missing file included."""
    from negsim.format import bundled

    if argument == "-":
        return load_scenario(argument)
    path = bundled.resolve(argument)
    return load_scenario(path if path is not None else argument)


def load_scenario_text(text: str, filename: str = "<string>") -> Scenario:
    """Validate scenario YAML ``text``; ``filename`` is used in messages."""
    tree = parse(text, filename)
    if tree is None:
        raise ScenarioError(
            [
                Problem(
                    1,
                    1,
                    "",
                    "the file is empty: a scenario needs at least negsim, name, issues and parties",
                    filename,
                )
            ]
        )
    return Scenario.from_tree(tree, filename)


def scenario_from_data(data: dict[str, Any], filename: str = "<memory>") -> Scenario:
    """Validate a scenario given as plain Python data (e.g. a sweep's edited copy)."""
    return Scenario.from_data(data, filename)


def _file_problem(filename: str, message: str) -> ScenarioError:
    return ScenarioError([Problem(0, 0, "", message, filename)])
