"""A task for the worker tests to enqueue: it leaves a file behind when it has run."""

from pathlib import Path

from django.tasks import task


@task()
def write_marker(path: str, text: str) -> None:
    """Write `text` to `path`."""
    Path(path).write_text(text)
