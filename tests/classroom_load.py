"""A class of simulated students against a real ``negsim classroom`` server, over HTTP.

What ``tests/test_classroom_load.py`` and ``benchmarks/bench_classroom.py`` share:

* :class:`Server` runs ``python -m negsim classroom`` as a child process on a free port,
  reads the join code and the instructor's token from its output, and kills or stops it;
* :class:`Student` is one student's page (as it works while its event stream is down): it
  joins, waits to be paired, reads its role sheet and its form, then polls its seat
  (``GET /api/seat/{id}``) and, when it is its turn, thinks a moment and makes a move: a
  random package from its form (seeded; its worth previewed first, as the page does) or
  the answer the pair's plan gives (:func:`planned_answer`). Every request goes over one
  keep-alive connection and is timed by kind. A request that cannot reach the server
  (killed, restarting) is sent again until it gets an answer; a move whose first try
  failed and whose retry is refused as out of turn is looked for in the seat's moves (the
  server stored it but its answer was lost);
* :class:`Instructor` polls the instructor's overview like the instructor's page, and
  fetches the live debrief chart when a result changes;
* :func:`check_class` compares the moves the students were told were stored with the
  transcripts the server exports and with the ``moves`` table of the state file.

The scenario (:func:`scenario_text`) has a deadline of ``rounds`` rounds and no breakdown
risk, so that every pair makes exactly ``rounds`` offers: the pairs reject every offer
but the last, which one pair in three accepts, one rejects (the deadline ends the talks)
and one walks away from.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import math
import os
import queue
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ENDINGS = ("agreement", "deadline", "walked_away")
"""How pair number ``k`` ends: ``ENDINGS[k % 3]``."""
LAST_ANSWER = {"agreement": "accept", "deadline": "reject", "walked_away": "walk_away"}


def scenario_text(rounds: int) -> str:
    """A two-party scenario of 363 packages (a number, three options, a split), with a
    deadline of ``rounds`` rounds, no breakdown risk and an outside option on each side."""
    return f"""\
negsim: 1
name: Classroom load
issues:
  price: {{range: [0, 100], resolution: 11}}
  warranty: {{options: [none, basic, full]}}
  share: {{split: {{total: 1}}, resolution: 11}}
parties:
  seller:
    weights: {{price: 0.5, warranty: 0.2, share: 0.3}}
    values:
      price: {{0: 0, 100: 1}}
      warranty: {{none: 1, basic: 0.5, full: 0}}
    disagreement: 0
    outside_option: 0.1
  buyer:
    weights: {{price: 0.4, warranty: 0.3, share: 0.3}}
    values:
      price: {{0: 1, 100: 0}}
      warranty: {{none: 0, basic: 0.5, full: 1}}
    disagreement: 0
    outside_option: 0.1
protocol: {{kind: alternating_offers, first_proposer: seller, deadline: {rounds}}}
"""


def expected_ending(pair: str) -> str:
    """The ending planned for ``pair-NN``."""
    return ENDINGS[int(pair.rpartition("-")[2]) % 3]


def planned_answer(pair: str, round_number: int, rounds: int) -> str:
    """The answer to the offer of round ``round_number`` (from 1): reject, but in the last
    round what :func:`expected_ending` plans."""
    return LAST_ANSWER[expected_ending(pair)] if round_number == rounds else "reject"


def child_env() -> dict[str, str]:
    """This environment, with the folder of the negsim imported here first on the path, so
    that the server runs the same code whatever folder it starts in."""
    import negsim

    source = str(Path(negsim.__file__).resolve().parent.parent)
    path = os.pathsep.join(p for p in (source, os.environ.get("PYTHONPATH")) if p)
    return dict(os.environ, PYTHONPATH=path, PYTHONUNBUFFERED="1")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# --------------------------------------------------------------------------------------------
# The server


class Server:
    """``negsim classroom SCENARIO --port PORT --state STATE`` as a child process; its
    error output goes to ``log``."""

    def __init__(self, scenario: Path, state: Path, port: int, log: Path):
        self.scenario, self.state, self.port, self.log = scenario, state, port, log
        self.process: subprocess.Popen[str] | None = None
        self.code = self.token = ""
        self.starts = 0
        self.reader: threading.Thread | None = None

    def start(self, timeout: float = 30.0) -> float:
        """Start the server and wait until it answers; the seconds that took. The join code
        and the instructor's token are read from its output (the same on a restart)."""
        assert self.process is None
        started = time.perf_counter()
        command = [sys.executable, "-m", "negsim", "classroom", str(self.scenario),
                   "--port", str(self.port), "--state", str(self.state)]  # fmt: skip
        with open(self.log, "a", encoding="utf-8") as errors:
            self.process = subprocess.Popen(
                command, stdout=subprocess.PIPE, stderr=errors, text=True, env=child_env(),
                cwd=self.state.parent,
            )  # fmt: skip
        self.starts += 1
        lines: queue.Queue[str] = queue.Queue()
        out = self.process.stdout
        assert out is not None

        def read() -> None:
            for line in out:
                lines.put(line)

        self.reader = threading.Thread(target=read, name="server output", daemon=True)
        self.reader.start()
        deadline = started + timeout
        code = token = ""
        while not (code and token):
            try:
                line = lines.get(timeout=0.05)
            except queue.Empty:
                if self.process.poll() is None and time.perf_counter() < deadline:
                    continue
                self.kill()
                raise RuntimeError(f"the server printed no join code; {self.log}: "
                                   f"{self.errors()}") from None  # fmt: skip
            if line.startswith("Join:"):
                code = line.split("code")[-1].strip()
            elif line.startswith("Instructor:"):
                token = line.strip().rpartition("#")[2]
        if self.starts > 1 and (code, token) != (self.code, self.token):
            raise RuntimeError("the restarted server has another code or token")
        self.code, self.token = code, token
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server stopped: {self.errors()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return time.perf_counter() - started
            except OSError:
                if time.perf_counter() > deadline:
                    self.kill()
                    raise RuntimeError(f"the server is not listening after {timeout:g} s; "
                                       f"{self.errors()}") from None  # fmt: skip
                time.sleep(0.02)

    def errors(self) -> str:
        return self.log.read_text(encoding="utf-8")[-2000:] if self.log.exists() else ""

    def kill(self) -> None:
        """SIGKILL: no shutdown of any kind."""
        self._end(signal.SIGKILL)

    def stop(self) -> None:
        """SIGTERM (uvicorn's own shutdown), SIGKILL after 10 s."""
        self._end(signal.SIGTERM)

    def _end(self, how: signal.Signals) -> None:
        process, self.process = self.process, None
        if process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(how)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        if self.reader is not None:  # the pipe's end: the reader stops by itself
            self.reader.join(10)
            self.reader = None
        if process.stdout is not None:
            process.stdout.close()

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


# --------------------------------------------------------------------------------------------
# The clients


class Unreachable(Exception):
    """The request got no answer (connection refused, reset or closed)."""


class ClassFailure(Exception):
    """A client met something the plan does not allow (an error status, a lost move)."""


@dataclass
class Timings:
    """Every answered request's time by kind, every status by kind, and the requests that
    got no answer; shared by the clients (a lock around each update)."""

    seconds: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, dict[int, int]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(int))
    )
    unreachable: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, status: int | None, seconds: float) -> None:
        with self.lock:
            if status is None:
                self.unreachable[kind] += 1
            else:
                self.seconds[kind].append(seconds)
                self.statuses[kind][status] += 1

    def table(self) -> list[tuple[str, int, float, float, float]]:
        """``(kind, count, p50, p95, max)`` in milliseconds, every kind then ``all``."""
        rows = []
        everything: list[float] = []
        for kind in sorted(self.seconds):
            times = sorted(self.seconds[kind])
            everything += times
            rows.append((kind, len(times), *summary(times)))
        rows.append(("all", len(everything), *summary(sorted(everything))))
        return rows

    def errors(self) -> dict[str, dict[int, int]]:
        """Statuses 500 and over, by kind."""
        return {kind: {s: n for s, n in found.items() if s >= 500}
                for kind, found in self.statuses.items()
                if any(s >= 500 for s in found)}  # fmt: skip


def percentile(times: list[float], share: float) -> float:
    """Nearest rank: the smallest time at least ``share`` of ``times`` (sorted) do not
    exceed."""
    return times[max(math.ceil(share * len(times)) - 1, 0)]


def summary(times: list[float]) -> tuple[float, float, float]:
    """p50, p95 and max of sorted ``times``, in milliseconds."""
    if not times:
        return (math.nan, math.nan, math.nan)
    return tuple(1000 * x for x in (percentile(times, 0.5), percentile(times, 0.95), times[-1]))  # type: ignore[return-value]


def format_table(timings: Timings) -> str:
    lines = [f"{'request':<12} {'count':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}"]
    for kind, count, p50, p95, top in timings.table():
        lines.append(f"{kind:<12} {count:>6} {p50:>8.1f} {p95:>8.1f} {top:>8.1f}")
    return "\n".join(lines)


class Client:
    """One keep-alive HTTP connection to the server, each request timed by ``kind``."""

    def __init__(self, port: int, timings: Timings, headers: dict[str, str] | None = None):
        self.port, self.timings = port, timings
        self.headers = headers or {}
        self.connection: http.client.HTTPConnection | None = None

    def request(
        self, kind: str, method: str, path: str, body: Any = None
    ) -> tuple[int, Any]:  # fmt: skip
        """The status and the answer (parsed JSON, bytes otherwise); :class:`Unreachable`
        when there is none."""
        headers = dict(self.headers)
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        started = time.perf_counter()
        try:
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
            self.connection.request(method, path, body=data, headers=headers)
            response = self.connection.getresponse()
            raw = response.read()
        except (OSError, http.client.HTTPException) as error:
            self.close()
            self.timings.add(kind, None, 0.0)
            raise Unreachable(f"{method} {path}: {error!r}") from None
        self.timings.add(kind, response.status, time.perf_counter() - started)
        if response.getheader("content-type", "").startswith("application/json"):
            return response.status, json.loads(raw)
        return response.status, raw

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


@dataclass
class Sent:
    """A move a student made: its pair, party, round (from 1), ``propose`` with the package
    as ``{issue: term}`` or ``respond`` with the answer; when the server said it stored it
    (``acknowledged``, ``time.perf_counter``; None when the answer was lost and the move
    was found stored afterwards), and whether a try failed before."""

    pair: str
    party: str
    round: int
    kind: str
    value: Any
    acknowledged: float | None
    retried: bool


@dataclass
class Settings:
    """How the students behave: seconds between polls, the longest pause before a move,
    the seed of their choices, when to give up (``time.perf_counter``)."""

    port: int
    rounds: int
    poll: float = 0.1
    think: float = 0.05
    seed: int = 0
    deadline: float = math.inf
    preview: bool = True


class Student(threading.Thread):
    """One student's page; see the module docstring. ``failure`` holds what went wrong."""

    def __init__(self, name: str, code: str, settings: Settings, timings: Timings):
        super().__init__(name=f"student {name}", daemon=True)
        self.student, self.code, self.settings = name, code, settings
        self.client = Client(settings.port, timings)
        self.random = random.Random(f"{settings.seed}:{name}")
        self.id = 0
        self.joined = threading.Event()
        self.sent: list[Sent] = []
        self.failed_posts = 0
        self.resolved_posts = 0
        self.ending: dict[str, Any] | None = None
        self.final: dict[str, Any] | None = None
        self.failure: str | None = None
        self.stop = threading.Event()

    # ---- requests that are sent again until they get an answer

    def call(self, kind: str, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        while True:
            self._check_time()
            try:
                return self.client.request(kind, method, path, body)
            except Unreachable:
                if method == "POST" and kind in ("offer", "answer"):
                    raise
                time.sleep(0.05)

    def get(self, kind: str, path: str = "") -> Any:
        status, data = self.call(kind, "GET", f"/api/seat/{self.id}{path}")
        if status != 200:
            raise ClassFailure(f"{self.student}: GET {kind}: {status} {data!r}")
        return data

    def _check_time(self) -> None:
        if time.perf_counter() > self.settings.deadline or self.stop.is_set():
            raise ClassFailure(f"{self.student}: out of time")

    # ---- the page

    def run(self) -> None:
        try:
            self.play()
        except Exception as error:  # reported by the caller
            self.failure = f"{type(error).__name__}: {error}"
        finally:
            self.joined.set()
            self.client.close()

    def play(self) -> None:
        status, data = self.call("join", "POST", "/api/join",
                                 {"name": self.student, "code": self.code.lower()})  # fmt: skip
        if status != 200:
            raise ClassFailure(f"{self.student}: join: {status} {data!r}")
        self.id = int(data["id"])
        self.client.headers = {"X-Seat-Token": data["token"]}
        self.joined.set()
        state = self.get("seat")
        while not state["seated"] or state["class_status"] != "running":
            time.sleep(self.settings.poll)
            state = self.get("seat")
        self.get("sheet", "/sheet")
        form = self.get("form", "/form")["issues"]
        while True:
            if state["ending"] is not None:
                self.ending = state["ending"]
                self.final = state
                return
            if state["turn"] in ("propose", "respond"):
                state = self.move(state, form)
            else:
                time.sleep(self.settings.poll)
                state = self.get("seat")

    def move(self, state: dict[str, Any], form: list[dict[str, Any]]) -> dict[str, Any]:
        """Make the move the state asks for (sent again until the server answers); the
        seat's state after it."""
        kind = "offer" if state["turn"] == "propose" else "answer"
        number = int(state["round"])
        if any(s.round == number and s.kind == state["turn"] for s in self.sent):
            raise ClassFailure(f"{self.student}: the server asks again for the {kind} of round "
                               f"{number}, which it had stored")  # fmt: skip
        if kind == "offer":
            value: Any = {issue["issue"]: self.random.choice(issue["options"])["term"]
                          for issue in form}  # fmt: skip
            if self.settings.preview:
                status, data = self.call("preview", "POST", f"/api/seat/{self.id}/preview",
                                         {"package": value})  # fmt: skip
                if status != 200:
                    raise ClassFailure(f"{self.student}: preview: {status} {data!r}")
            body = {"package": value}
        else:
            value = planned_answer(state["pair"], number, int(state["rounds"]))
            body = {"response": value}
        time.sleep(self.random.uniform(0, self.settings.think))
        failed = False
        while True:
            try:
                status, data = self.call(kind, "POST", f"/api/seat/{self.id}/{kind}", body)
            except Unreachable:
                if not failed:
                    self.failed_posts += 1
                failed = True
                time.sleep(0.05)
                continue
            if status == 200:
                self._sent(state, number, value, time.perf_counter(), failed)
                return dict(data)
            if status == 409 and failed:  # stored before its answer was lost?
                now = self.get("seat")
                if self._stored(now, number, value):
                    self._sent(state, number, value, None, failed)
                    return dict(now)
            raise ClassFailure(f"{self.student}: {kind} in round {number}: {status} {data!r}")

    def _sent(self, state: dict[str, Any], number: int, value: Any, at: float | None,
              failed: bool) -> None:  # fmt: skip
        kind = str(state["turn"])
        self.sent.append(Sent(state["pair"], state["party"], number, kind, value, at, failed))
        if failed:
            self.resolved_posts += 1

    @staticmethod
    def _stored(state: dict[str, Any], number: int, value: Any) -> bool:
        for move in state["moves"]:
            if move["round"] != number:
                continue
            if move["by"] == "you":
                return bool(move["package"] == value)
            return bool(move["response"] == value)
        return False


class Instructor(threading.Thread):
    """The instructor's page: the overview every ``every`` seconds, the debrief chart when
    a result changes."""

    def __init__(self, settings: Settings, token: str, timings: Timings, every: float = 2.0):
        super().__init__(name="instructor", daemon=True)
        self.client = Client(settings.port, timings, {"X-Instructor-Token": token})
        self.every = every
        self.stop = threading.Event()
        self.failure: str | None = None
        self.deadline = settings.deadline

    def run(self) -> None:
        shown = None
        try:
            while not self.stop.wait(self.every) and time.perf_counter() < self.deadline:
                try:
                    status, data = self.client.request("instructor", "GET", "/api/instructor")
                    if status != 200:
                        raise ClassFailure(f"instructor: {status} {data!r}")
                    finished = [(p["pair"], p["status"]) for p in data["pairs"] if p["points"]]
                    if finished != shown:
                        status, data = self.client.request(
                            "debrief", "GET", "/api/instructor/debrief.svg"
                        )
                        if status not in (200, 204):
                            raise ClassFailure(f"debrief: {status} {data!r}")
                        shown = finished
                except Unreachable:
                    continue
        except Exception as error:  # reported by the caller
            self.failure = f"{type(error).__name__}: {error}"
        finally:
            self.client.close()


# --------------------------------------------------------------------------------------------
# A class, start to end


@dataclass
class ClassRun:
    """What a class run leaves: the students, the timings, how long the talks took."""

    students: list[Student]
    timings: Timings
    seconds: float
    instructor: Instructor | None = None
    failures: list[str] = field(default_factory=list)

    def sent(self) -> list[Sent]:
        return [s for student in self.students for s in student.sent]


def instructor_call(server: Server, timings: Timings, kind: str, method: str, path: str) -> Any:
    """One instructor request; an answer other than 200 raises :class:`ClassFailure`."""
    client = Client(server.port, timings, {"X-Instructor-Token": server.token})
    try:
        status, data = client.request(kind, method, path, {} if method == "POST" else None)
    finally:
        client.close()
    if status != 200:
        raise ClassFailure(f"instructor {path}: {status} {data!r}")
    return data


def start_class(server: Server, count: int, settings: Settings, timings: Timings,
                instructor_every: float | None = 2.0) -> ClassRun:  # fmt: skip
    """``count`` students join, the instructor pairs and starts; the students play on in
    their threads (:func:`finish_class` waits for them)."""
    students = [Student(f"Student {i:03d}", server.code, settings, timings) for i in range(count)]
    for student in students:  # the joining order is the pairing order
        student.start()
        student.joined.wait(max(settings.deadline - time.perf_counter(), 0))
    failures = [s.failure for s in students if s.failure]
    if failures:
        raise ClassFailure(f"joining: {failures[0]}")
    instructor_call(server, timings, "pair", "POST", "/api/instructor/pair")
    instructor_call(server, timings, "start", "POST", "/api/instructor/start")
    run = ClassRun(students, timings, time.perf_counter())
    if instructor_every is not None:
        run.instructor = Instructor(settings, server.token, timings, instructor_every)
        run.instructor.start()
    return run


def finish_class(run: ClassRun, deadline: float) -> ClassRun:
    """Wait (until ``deadline``) for every student to finish; ``run.failures`` says what went
    wrong."""
    for student in run.students:
        student.join(max(deadline - time.perf_counter(), 0))
    run.seconds = time.perf_counter() - run.seconds
    for student in run.students:
        if student.is_alive():
            student.stop.set()
            run.failures.append(f"{student.student}: still playing at the deadline")
        elif student.failure:
            run.failures.append(student.failure)
    if run.instructor is not None:
        run.instructor.stop.set()
        run.instructor.join(10)
        if run.instructor.failure:
            run.failures.append(run.instructor.failure)
    return run


# --------------------------------------------------------------------------------------------
# The checks


def position_of(space: Any, package: dict[str, str]) -> int:
    """The position of a package sent as ``{issue: term}``, read as the server reads it."""
    from negsim.format.terms import find_issue, read_term

    found = {}
    for name, text in package.items():
        issue = find_issue(space.scenario, name)
        found[issue.name] = read_term(space.scenario, issue, text)
    return int(space.position_of(found))


def exported(space: Any, package: dict[str, str]) -> Any:
    """A package sent as ``{issue: term}`` as a transcript's JSON holds it."""
    return json.loads(json.dumps(space.package(position_of(space, package))))


def check_class(run: ClassRun, rounds: int, transcripts: dict[str, Any], state: Path,
                space: Any) -> list[str]:  # fmt: skip
    """What does not match: every move the students made (acknowledged, or found stored
    after its answer was lost) against the transcripts and the state file's ``moves``,
    round by round and exactly once; every pair's ending against its plan, as both
    students saw it and as the transcript has it."""
    problems: list[str] = []
    by_pair: dict[str, dict[tuple[int, str], Sent]] = defaultdict(dict)
    for sent in run.sent():
        key = (sent.round, sent.kind)
        if key in by_pair[sent.pair]:
            problems.append(f"{sent.pair}: two {sent.kind} moves sent in round {sent.round}")
        by_pair[sent.pair][key] = sent
    endings: dict[str, list[str]] = defaultdict(list)
    for student in run.students:
        if student.final is not None and student.ending is not None:
            endings[student.final["pair"]].append(str(student.ending["status"]))
    if sorted(transcripts) != sorted(by_pair) or len(by_pair) != len(run.students) // 2:
        problems.append(f"pairs: transcripts {sorted(transcripts)}, students {sorted(by_pair)}")
    stored: dict[str, list[tuple[str, str, int | None, str | None]]] = defaultdict(list)
    with contextlib.closing(sqlite3.connect(f"file:{state}?mode=ro", uri=True)) as db:
        for pair_id, party, kind, at, response in db.execute(
            "SELECT pair_id, party, kind, position, response FROM moves ORDER BY id"
        ):
            stored[f"pair-{pair_id:02d}"].append((party, kind, at, response))
    for pair in sorted(by_pair):
        moves = by_pair[pair]
        expected_moves, expected_rows = [], []
        for number in range(1, rounds + 1):
            offer, answer = moves.get((number, "propose")), moves.get((number, "respond"))
            if offer is None or answer is None:
                problems.append(f"{pair}: no {'offer' if offer is None else 'answer'} sent in "
                                f"round {number}")  # fmt: skip
                break
            at = position_of(space, offer.value)
            expected_moves.append({"round": number - 1, "proposer": offer.party,
                                   "package": exported(space, offer.value),
                                   "response": answer.value})  # fmt: skip
            expected_rows += [(offer.party, "propose", at, None),
                              (answer.party, "respond", None, answer.value)]  # fmt: skip
        record = transcripts.get(pair, {})
        if record.get("moves") != expected_moves:
            problems.append(f"{pair}: the transcript's moves differ from the moves sent: "
                            f"{record.get('moves')} != {expected_moves}")  # fmt: skip
        if stored[pair] != expected_rows:
            problems.append(f"{pair}: the state file's moves differ from the moves sent: "
                            f"{stored[pair]} != {expected_rows}")  # fmt: skip
        planned = expected_ending(pair)
        outcome = record.get("outcome", {}).get("status")
        if outcome != planned or endings[pair] != [planned, planned]:
            problems.append(f"{pair}: planned {planned}; transcript {outcome}, students "
                            f"{endings[pair]}")  # fmt: skip
    extra = sorted(set(stored) - set(by_pair))
    if extra:
        problems.append(f"moves stored for pairs no student played: {extra}")
    return problems
