"""Progress bars on standard error for long work (``negsim sweep``)."""

from __future__ import annotations

from typing import Any


class SweepProgress:
    """A rich progress bar on standard error: points, rate, time left."""

    def __init__(self, total: int, skipped: int):
        """``total`` points to run; ``skipped`` already done (a resumed sweep)."""
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
                return Text("… points/s" if speed is None else f"{speed:.1f} points/s")

        self.progress = Progress(
            TextColumn("sweep"),
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
        self.task = self.progress.add_task("sweep", total=total)
        self.skipped = skipped

    def advance(self) -> None:
        self.progress.advance(self.task)

    def close(self) -> None:
        self.progress.stop()
