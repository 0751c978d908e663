"""``negsim import-genius``: a GENIUS / ANAC domain and its profiles as a negsim scenario
(:mod:`negsim.format.genius`), and ``negsim export-genius``, the reverse
(:mod:`negsim.present.genius_export`; ``docs/genius.md``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from negsim.cli.app import EXIT_FAILURE, STDIN
from negsim.cli.common import (
    fail,
    load_or_exit,
    message,
    output_folder_or_exit,
    space_or_exit,
    write_new_or_exit,
)
from negsim.cli.options import TEXT, ForceOption, ScenarioArgument, whole

DomainArgument = Annotated[
    str,
    typer.Argument(
        metavar="DOMAIN.xml",
        click_type=TEXT,
        help="GENIUS domain file (root element negotiation_template).",
        show_default=False,
    ),
]
ProfilesArgument = Annotated[
    list[str],
    typer.Argument(
        metavar="PROFILE.xml...",
        click_type=TEXT,
        help="Two or more GENIUS utility profiles (root element utility_space), one per party, "
        "in party order.",
        show_default=False,
    ),
]
OutputOption = Annotated[
    str,
    typer.Option(
        "--output",
        "-o",
        metavar="PATH",
        help="Where to write the scenario ('-' for standard output).",
        show_default=False,
    ),
]
RoundsOption = Annotated[
    int,
    typer.Option(
        "--rounds",
        metavar="N",
        click_type=whole(1, 10_000),
        help="Deadline in rounds; GENIUS's time t in [0, 1] is round / N, so a discount "
        "factor d becomes d^(1/N) a round.",
    ),
]
ResolutionOption = Annotated[
    int,
    typer.Option(
        "--resolution",
        metavar="N",
        click_type=whole(2, 10_000_000),
        help="Grid points of each real issue.",
    ),
]


def _read(path: str) -> tuple[str, str]:
    """``(path, text)`` of an XML file, or exit 2 with one line."""
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        fail(f"{path}: no such file")
    except IsADirectoryError:
        fail(f"{path}: is a folder, not an XML file")
    except OSError as error:
        fail(f"{path}: cannot read the file: {error.strerror or error}")
    try:
        return path, raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        fail(f"{path}: not UTF-8 text")


def import_genius(
    domain: DomainArgument,
    profiles: ProfilesArgument,
    output: OutputOption,
    rounds: RoundsOption = 100,
    resolution: ResolutionOption = 101,
    force: ForceOption = False,
) -> None:
    """Convert a GENIUS / ANAC XML domain and its utility profiles to a negsim scenario."""
    from negsim.errors import ScenarioError
    from negsim.format.genius import GeniusError, convert
    from negsim.format.loader import load_scenario_text

    path = None if output == STDIN else Path(output)
    if path is not None and path.exists() and not force:
        fail(f"{path} already exists; use --force to overwrite it")
    try:
        imported = convert(
            _read(domain), [_read(p) for p in profiles], rounds=rounds, resolution=resolution
        )
    except GeniusError as error:
        fail(str(error))
    try:
        load_scenario_text(imported.text, output)
    except ScenarioError as error:
        fail(f"the imported scenario is not valid: {error}")
    if path is None:
        typer.echo(imported.text, nl=False)
        return
    write_new_or_exit(path, imported.text, force)
    message(f"Wrote {path}. Check it: negsim validate {path}")


ExportFolder = Annotated[
    str,
    typer.Option(
        "--output",
        "-o",
        metavar="DIR",
        help="The folder for the XML files: new or empty, or --force.",
        show_default=False,
    ),
]
ExportRounds = Annotated[
    int | None,
    typer.Option(
        "--rounds",
        metavar="N",
        click_type=whole(1, 10_000),
        help="Rounds GENIUS's time in [0, 1] spans: a discount d a round becomes d^N "
        "(default: the scenario's deadline, else 100).",
        show_default=False,
    ),
]


def _stem(argument: str) -> str | None:
    """The domain file's stem: the scenario file's (``logrolling``), None for standard
    input (then the scenario's name is used)."""
    return None if argument == STDIN else Path(argument).name.removesuffix(".yaml")


def export_genius(
    scenario: ScenarioArgument,
    output: ExportFolder,
    rounds: ExportRounds = None,
    force: ForceOption = False,
) -> None:
    """Write a scenario as a GENIUS / ANAC XML domain and one utility profile per party."""
    from negsim.present.export import write_new
    from negsim.present.genius_export import ExportError
    from negsim.present.genius_export import export_genius as export

    loaded = load_or_exit(scenario)
    try:
        exported = export(space_or_exit(loaded), rounds, stem=_stem(scenario))
    except ExportError as error:
        fail(f"{scenario}: {error}")
    folder = Path(output)
    output_folder_or_exit(folder, force, "GENIUS export")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        fail(f"{folder}: cannot make the folder: {error.strerror or error}", EXIT_FAILURE)
    for note in exported.notes:
        message(f"note: {note}")
    for name, text in (exported.domain, *exported.profiles):
        try:
            write_new(folder / name, text, force=True)
        except OSError as error:
            fail(f"{folder / name}: cannot write: {error.strerror or error}", EXIT_FAILURE)
    files = " ".join(str(folder / name) for name, _ in (exported.domain, *exported.profiles))
    message(f"Wrote {folder}: the domain and {len(exported.profiles)} profiles.")
    message(f"Read them back: negsim import-genius {files} -o scenario.yaml")
