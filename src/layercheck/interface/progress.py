"""A progress bar on the terminal while a large tree is checked.

Only for a person watching: never when the output goes to a pipe or a file, in a
machine-readable format, with `--quiet`, or for a run short enough not to need it.
The bar is drawn on standard error and erased when the run ends, so the findings printed
afterwards read the same with or without it.
"""

from __future__ import annotations

import atexit
import sys
from collections.abc import Callable
from typing import Any

# Below this many files a run is over before a bar would be worth drawing.
PROGRESS_MIN_FILES = 300
_HUMAN_FORMATS = ("full", "concise")

Advance = Callable[[int], None]


def _no_progress(count: int) -> None:
    """Nothing to show."""


def progress_bar(output_format: str, quiet: bool) -> TerminalProgress | None:
    """A progress factory for `CheckOptions.progress`, or None when no bar may be drawn."""
    if output_format not in _HUMAN_FORMATS or quiet:
        return None
    if not (sys.stdout.isatty() and sys.stderr.isatty()):
        return None
    return TerminalProgress()


class TerminalProgress:
    """Starts a bar when a run announces how many files it reads (if there are enough);
    `close` erases it, whether or not the run reported every file."""

    def __init__(self) -> None:
        self._bars: list[Any] = []

    def __call__(self, total: int) -> Advance:
        if total <= PROGRESS_MIN_FILES:
            return _no_progress
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        bar = Progress(
            TextColumn("Checking"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("files"),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        task = bar.add_task("check", total=total)
        bar.start()
        self._bars.append(bar)
        atexit.register(bar.stop)  # a run that ends early must not leave the cursor hidden
        done = 0

        def advance(count: int) -> None:
            nonlocal done
            done += count
            bar.advance(task, count)
            if done >= total:
                bar.stop()

        return advance

    def close(self) -> None:
        for bar in self._bars:
            bar.stop()
        self._bars.clear()
