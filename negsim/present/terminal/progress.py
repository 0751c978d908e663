"""Progress bars on standard error for long work (``negsim sweep``, long deadline curves)."""

from __future__ import annotations

from typing import Any


class WorkProgress:
    """A rich progress bar on standard error: steps done, rate, time left."""

    label = "work"
    unit = "steps"

    def __init__(self, total: int, skipped: int = 0):
        """``total`` steps to run; ``skipped`` already done (a resumed sweep)."""
        label, unit = self.label, self.unit
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            ProgressColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )
        from rich.text import Text

        class RateColumn(ProgressColumn):
            """Points per second, once there is a rate to show."""

            def render(self, task: Any) -> Text:
                speed = task.speed
                return Text(f"… {unit}/s" if speed is None else f"{speed:.1f} {unit}/s")

        self.progress = Progress(
            TextColumn(label),
            BarColumn(),
            MofNCompleteColumn(),
            RateColumn(),
            TextColumn("elapsed"),
            TimeElapsedColumn(),
            TextColumn("left"),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=False,
        )
        self.progress.start()
        self.task = self.progress.add_task(label, total=total)
        self.skipped = skipped

    def advance(self) -> None:
        self.progress.advance(self.task)

    def close(self) -> None:
        self.progress.stop()


class SweepProgress(WorkProgress):
    """The sweep's bar: points."""

    label = "sweep"
    unit = "points"


class DeadlineProgress(WorkProgress):
    """A deadline curve's bar: deadlines solved."""

    label = "deadlines"
    unit = "deadlines"


class ScreeningProgress(WorkProgress):
    """A screening solve's bar: rounds solved (the grid of types and its half)."""

    label = "screening"
    unit = "rounds"
