"""The bundled example scenarios, and resolving a command-line argument to a scenario file.

The examples live in the top-level ``scenarios/`` folder of a source checkout; a wheel ships
the same files as ``negsim/scenarios/``. :func:`bundled_dir` finds whichever exists, so the
examples work the same from an installed wheel, an editable install and a plain checkout.

Example
-------
>>> names = [name for name, _ in list_bundled()]
>>> names == sorted(names)
True
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

SUFFIX = ".yaml"
"""Bundled scenarios are the ``*.yaml`` files of the folder; a scenario's name is its stem."""


def bundled_dir() -> Path:
    """The folder holding the bundled scenarios.

    ``negsim/scenarios`` inside the installed package when it exists (a wheel), else the
    ``scenarios`` folder beside the package (an editable install or a source checkout). The
    returned folder may be missing only in a broken installation.
    """
    packaged = resources.files("negsim") / "scenarios"
    if isinstance(packaged, Path) and packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "scenarios"  # beside the negsim package


def list_bundled() -> list[tuple[str, Path]]:
    """Every bundled scenario as ``(name, path)``, sorted by name (the file's stem)."""
    folder = bundled_dir()
    if not folder.is_dir():
        return []
    return sorted((path.stem, path) for path in folder.glob(f"*{SUFFIX}") if path.is_file())


def resolve(argument: str) -> Path | None:
    """The scenario file an argument names, or None when it names none.

    An existing path wins (even a folder: the loader then says what is wrong with it); else a
    bare name, with or without ``.yaml``, of a bundled scenario.
    """
    if not argument:
        return None
    path = Path(argument)
    if path.exists():
        return path
    if path.name != argument:  # has a folder part: a path, not a bundled name
        return None
    name = argument.removesuffix(SUFFIX)
    for bundled_name, bundled_path in list_bundled():
        if bundled_name == name:
            return bundled_path
    return None


def bundled_names() -> list[str]:
    """The names of the bundled scenarios, sorted."""
    return [name for name, _ in list_bundled()]
