"""The classroom server under a class's load: response times per request kind.

A real ``negsim classroom`` server (a child process on a free port, a state file in a
temporary folder) and a class of simulated students over HTTP, one thread and one
keep-alive connection each (``tests/classroom_load.py``, which the load test shares): the
students join, the instructor pairs and starts, and every pair negotiates at the same time
for ``--rounds`` rounds, each student polling its seat every ``--poll`` seconds (1.5 s; the
pages poll every 4 s while their event stream is down) and making its move when it is its
turn (an offer previewed then sent, or an answer); the instructor's page polls the
overview every 2 s and fetches the live debrief chart when a result changes. At the end
every move is checked against the exported transcripts and the state file (a mismatch is
printed and makes the exit status 1).

    python benchmarks/bench_classroom.py [--students 60] [--rounds 20] [--repeat 3]
                                         [--poll 1.5] [--think 0.05] [--no-instructor]

Prints, for each run, the time the talks took, the server's CPU time, and p50, p95 and
max response time (client side, milliseconds) of each request kind and of all of them;
with ``--repeat`` above 1, the medians over the runs last. Target (issue 15): p95 under
100 ms for 60 students on a 2-core machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPOSITORY / "tests"))

from classroom_load import (  # noqa: E402
    Server,
    Settings,
    Timings,
    check_class,
    finish_class,
    format_table,
    free_port,
    instructor_call,
    scenario_text,
    start_class,
)


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a running process (Linux ``/proc``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def one_run(args: argparse.Namespace, seed: int) -> tuple[Timings, float, float, list[str]]:
    """A class from start to end: its timings, the talks' seconds, the server's CPU
    seconds during the talks, and what the checks found wrong."""
    import negsim
    from negsim.space import OutcomeSpace

    with tempfile.TemporaryDirectory(prefix="bench-classroom-") as folder:
        work = Path(folder)
        scenario = work / "load.yaml"
        scenario.write_text(scenario_text(args.rounds), encoding="utf-8")
        state = work / "class.sqlite"
        timings = Timings()
        with Server(scenario, state, free_port(), work / "server.log") as server:
            server.start()
            assert server.process is not None
            pid = server.process.pid
            deadline = time.perf_counter() + args.timeout
            settings = Settings(server.port, args.rounds, poll=args.poll, think=args.think,
                                seed=seed, deadline=deadline)  # fmt: skip
            before = cpu_seconds(pid)
            every = None if args.no_instructor else 2.0
            run = finish_class(start_class(server, args.students, settings, timings, every),
                               deadline)  # fmt: skip
            cpu = cpu_seconds(pid) - before
            transcripts = instructor_call(server, Timings(), "transcripts", "GET",
                                          "/api/instructor/transcripts.json")  # fmt: skip
        problems = list(run.failures)
        if not problems:
            space = OutcomeSpace.from_scenario(negsim.load(str(scenario)))
            problems = check_class(run, args.rounds, transcripts, state, space)
        return timings, run.seconds, cpu, problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=60, help="students (60), an even number")
    parser.add_argument("--rounds", type=int, default=20, help="rounds a pair plays (20)")
    parser.add_argument("--repeat", type=int, default=1, help="classes in a row (1)")
    parser.add_argument("--poll", type=float, default=1.5,
                        help="seconds between a student's polls (1.5)")  # fmt: skip
    parser.add_argument("--think", type=float, default=0.05,
                        help="longest pause, seconds, before a move (0.05)")  # fmt: skip
    parser.add_argument("--no-instructor", action="store_true",
                        help="no instructor's page polling (and no debrief chart)")  # fmt: skip
    parser.add_argument("--timeout", type=float, default=600, help="seconds a class may take")
    args = parser.parse_args()
    if args.students < 2 or args.students % 2:
        parser.error("--students must be an even number of at least 2")
    print(f"{args.students} students, {args.rounds} rounds, poll {args.poll:g} s, think up to "
          f"{args.think:g} s, instructor {'off' if args.no_instructor else 'on'}; "
          f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")  # fmt: skip
    tables: list[dict[str, tuple[float, float, float, float]]] = []
    talks: list[float] = []
    cpus: list[float] = []
    failed = False
    for repeat in range(args.repeat):
        timings, seconds, cpu, problems = one_run(args, seed=repeat)
        print(f"\nrun {repeat + 1}: talks {seconds:.1f} s, server CPU {cpu:.1f} s, "
              f"load average {os.getloadavg()[0]:.2f}")  # fmt: skip
        print(format_table(timings))
        for problem in problems[:10]:
            print(f"  CHECK FAILED: {problem}")
        failed |= bool(problems)
        tables.append({kind: (float(count), p50, p95, top)
                       for kind, count, p50, p95, top in timings.table()})  # fmt: skip
        talks.append(seconds)
        cpus.append(cpu)
    if args.repeat > 1:
        print(f"\nmedians over {args.repeat} runs: talks {statistics.median(talks):.1f} s, "
              f"server CPU {statistics.median(cpus):.1f} s")  # fmt: skip
        print(f"{'request':<12} {'count':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
        for kind in tables[0]:
            rows = [table[kind] for table in tables if kind in table]
            values = [statistics.median(row[i] for row in rows) for i in range(4)]
            print(f"{kind:<12} {values[0]:>6.0f} {values[1]:>8.1f} {values[2]:>8.1f} "
                  f"{values[3]:>8.1f}")  # fmt: skip
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
