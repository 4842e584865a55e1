"""A progress bar on stderr for long runs (rich), silent when asked or when not a terminal."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)


@contextmanager
def progress_bar(
    what: str, total: int | None, show: str = "auto"
) -> Iterator[Callable[[int], None]]:
    """Yields `advance(n)`; the bar shows households done, of how many, and the time left.

    show: `auto` (only on a terminal), `always` or `never`.
    """
    console = Console(file=sys.stderr, force_terminal=True if show == "always" else None)
    if show == "never" or not console.is_terminal:
        yield lambda n: None
        return
    columns = [
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    ]
    with Progress(*columns, console=console, transient=False) as bar:
        task = bar.add_task(what, total=total)
        yield lambda n: bar.advance(task, n)
