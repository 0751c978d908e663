"""``negsim classroom``: a local web server where a class negotiates in pairs
(``docs/classroom.md``).

The state and the rules are :mod:`negsim.studies.classroom_state`; the pages and the API
:mod:`.web` (package data: ``templates/`` and ``static/``). The server needs the
``classroom`` extra (``pip install 'negsim[classroom]'``), imported only when the command
runs, so the rest of negsim starts without it.
"""

from __future__ import annotations

import hashlib
import math
import re
import socket
import sys
from pathlib import Path
from typing import Annotated

import typer

from negsim.cli.app import STDIN
from negsim.cli.common import fail, load_or_exit, message, space_or_exit
from negsim.cli.options import ScenarioArgument, whole

__all__ = ["classroom"]

STRATEGIES = ("boulware", "conceder", "linear", "tit_for_tat")

HostOption = Annotated[
    str,
    typer.Option("--host", metavar="ADDRESS",
                 help="Address to listen on; 0.0.0.0 lets other machines join (a warning)."),
]  # fmt: skip
PortOption = Annotated[
    int,
    typer.Option("--port", metavar="PORT", click_type=whole(1), help="Port, 1 to 65535."),
]
StateOption = Annotated[
    str | None,
    typer.Option("--state", metavar="FILE", show_default=False,
                 help="SQLite file of the class (default classroom-SCENARIO.sqlite here); "
                 "an existing one is resumed."),
]  # fmt: skip
MinutesOption = Annotated[
    float | None,
    typer.Option("--minutes", metavar="MINUTES", show_default=False,
                 help="The class's time: when it runs out, pairs without a deal end with "
                 "none (the clock runs only while the class runs). Default: rounds only."),
]  # fmt: skip
ClassAgent = Annotated[
    str | None,
    typer.Option("--agent", metavar="STRATEGY", show_default=False,
                 help="The computer's strategy for an odd student out: boulware, conceder, "
                 "linear or tit_for_tat (default: the scenario's agent, else linear)."),
]  # fmt: skip


def _sha256(file: str) -> str | None:
    from negsim.format import bundled

    path = bundled.resolve(file)
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest() if path is not None else None
    except OSError:
        return None


def lan_address() -> str | None:
    """This machine's address on its network (the one a route out would use; nothing is
    sent), or None."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.254.254.254", 1))
            address = str(probe.getsockname()[0])
        except OSError:
            return None
    return None if address.startswith("127.") else address


def print_qr(url: str) -> None:
    """The join URL as a QR code on standard error (when it is a terminal)."""
    import segno

    if sys.stderr.isatty():
        segno.make(url, error="m").terminal(out=sys.stderr, compact=True, border=2)


def classroom(
    file: ScenarioArgument,
    host: HostOption = "127.0.0.1",
    port: PortOption = 8000,
    state: StateOption = None,
    agent: ClassAgent = None,
    minutes: MinutesOption = None,
) -> None:
    """Run a negotiation for a class in the browser: students join with a code and
    negotiate in pairs, the instructor pairs, starts, stops and exports.

    Prints the join URL, the join code and the instructor's URL (with its secret token).
    Everything is kept in the --state file: a server stopped and started again with the
    same file goes on where it was. Exports are negsim play transcripts and a CSV that
    negsim debrief reads. Needs the classroom extra: pip install 'negsim[classroom]'.
    """
    try:
        import jinja2  # noqa: F401
        import segno  # noqa: F401
        import starlette  # noqa: F401
        import uvicorn
    except ImportError:
        fail("negsim classroom needs the classroom extra: pip install 'negsim[classroom]'")
    from negsim.cli.classroom.guard import LOOPBACK_HOSTS
    from negsim.cli.classroom.web import create_app
    from negsim.studies.classroom_state import Classroom, ClassroomError

    if file == STDIN:
        fail("negsim classroom reads the scenario from a file or a bundled name, not '-'")
    if port > 65535:
        fail(f"--port is 1 to 65535, not {port}")
    if minutes is not None and not (math.isfinite(minutes) and 0 < minutes <= 24 * 60):
        fail(f"--minutes is a number of minutes above 0 and at most a day, not {minutes:g}")
    if agent is not None and agent not in STRATEGIES:
        fail(f"no agent {agent!r}; the agents are {', '.join(STRATEGIES)}")
    scenario = load_or_exit(file)
    slug = re.sub(r"[^A-Za-z0-9]+", "-", scenario.name).strip("-").lower() or "scenario"
    path = Path(state or f"classroom-{slug}.sqlite")
    if path.is_dir():
        fail(f"{path} is a folder; give --state a file name")
    space = space_or_exit(scenario)
    resumed = path.exists()
    try:
        room = Classroom(str(path), space, file=file, sha256=_sha256(file), agent=agent,
                         minutes=minutes)  # fmt: skip
    except ClassroomError as error:
        fail(str(error))
    loopback = host in ("127.0.0.1", "localhost", "::1")
    shown = "localhost" if loopback else f"[{host}]" if ":" in host else host
    if not loopback:
        message(
            f"negsim: warning: listening on {host}: anyone who can reach this machine on "
            f"port {port} can open the join page; use it only on a network you trust"
        )
        if host in ("0.0.0.0", "::"):
            shown = lan_address() or "THIS-MACHINE'S-ADDRESS"
    base = f"http://{shown}:{port}"
    join_url = f"{base}/?code={room.code}"
    message(f"{'Resumed' if resumed else 'Started'} the class in {path}")
    typer.echo(f"Join:       {base}/   code {room.code}")
    typer.echo(f"Instructor: {base}/instructor#{room.instructor_token}")
    print_qr(join_url)
    message("Keep the instructor URL to yourself. Ctrl-C stops the server.")
    app = create_app(room, join_url=join_url, allowed_hosts=LOOPBACK_HOSTS if loopback else None,
                     chart_apart=True)  # fmt: skip
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning", timeout_graceful_shutdown=1)
    finally:
        room.close()
