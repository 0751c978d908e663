"""Start-up: each command imports only what it needs, so that it starts quickly
(``benchmarks/bench_startup.py`` times them). A command's imports are read from the
interpreter after it ran, in a fresh process. A valid file is read by libyaml (``yaml``),
so the pure-Python reference reader (``ruamel``) is not even imported."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("numpy", "scipy", "matplotlib", "rich", "pydantic", "typer", "ruamel", "yaml", "dask")

PROBE = """
import json, sys
sys.argv = ["negsim", *json.loads(sys.argv[1])]
from negsim.__main__ import main
try:
    main()
except SystemExit:
    pass
sys.stdout.flush()
print("\\n" + json.dumps(sorted({name.split(".")[0] for name in sys.modules})), file=sys.stderr)
"""


def imported(*args: str) -> set[str]:
    """The top-level packages loaded by ``negsim ARGS`` in a fresh interpreter."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(list(args))],
        capture_output=True,
        text=True,
        check=True,
    )
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


@pytest.mark.parametrize(
    ("args", "allowed"),
    [
        (("--version",), ()),
        (("validate", "venezuela-2025"), ("typer", "yaml")),
        (("validate", "pie-split"), ("typer", "yaml")),
        (("solve", "venezuela-2025", "--format", "json"), ("typer", "yaml", "numpy")),
        (("solve", "venezuela-2025"), ("typer", "yaml", "numpy", "rich")),
    ],
    ids=["version", "validate-constraints", "validate", "solve-json", "solve-table"],
)
def test_commands_import_only_what_they_need(args, allowed):
    loaded = imported(*args)
    assert sorted(set(HEAVY) & loaded) == sorted(allowed)


def test_version_needs_no_command_line_framework():
    done = subprocess.run(
        [sys.executable, "-m", "negsim", "--version"], capture_output=True, text=True, check=True
    )
    from negsim.version import __version__

    assert done.stdout == f"negsim {__version__}\n"


def _command_names() -> list[str]:
    from typer.main import get_command_name

    from negsim.cli import app

    return [
        info.name or get_command_name(info.callback.__name__)
        for info in app.registered_commands
        if info.callback is not None
    ]


@pytest.mark.parametrize("name", _command_names())
def test_a_command_run_alone_reads_the_command_line_as_the_whole_app(name):
    """``main`` builds only the command it runs (:func:`negsim.cli.app_for`); its help and
    its usage errors are the whole application's."""
    from typer.testing import CliRunner

    from negsim.cli import app, app_for

    alone = app_for([name])
    assert alone is not app
    assert len(alone.registered_commands) == 1
    for args in ([name, "--help"], [name, "--no-such-option"]):
        whole = CliRunner().invoke(app, args, prog_name="negsim", terminal_width=100)
        single = CliRunner().invoke(alone, args, prog_name="negsim", terminal_width=100)
        assert (single.exit_code, single.output) == (whole.exit_code, whole.output)
        assert whole.exit_code in (0, 2)


@pytest.mark.parametrize("args", [[], ["--help"], ["solv"], ["--version"], ["-h", "solve"]])
def test_anything_but_a_command_first_gets_the_whole_app(args):
    from negsim.cli import app, app_for

    assert app_for(args) is app
