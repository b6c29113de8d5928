"""Output formatters: data to stdout (``table`` / ``json`` / ``csv``), logs and progress to stderr.

Follows the AWS CLI's shape: a small registry of formatters writing to an injected stream that
ignore a closed pipe (``ecs-exec drift check | head``).
"""

from __future__ import annotations

import contextlib
import csv
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from typing import IO, Any

import click


def _write(text: str, stream: IO[str] | None) -> None:
    out = stream if stream is not None else sys.stdout
    try:
        out.write(text)
        out.flush()
    except BrokenPipeError:  # reader went away (| head): not an error
        with contextlib.suppress(OSError):
            sys.stdout = open("/dev/null", "w")  # noqa: SIM115 - silence the interpreter's flush at exit


def emit_json(data: Any, stream: IO[str] | None = None) -> None:
    """Write ``data`` as indented, key-sorted JSON (datetimes as ISO strings) and a newline."""
    _write(json.dumps(data, indent=2, sort_keys=True, default=str) + "\n", stream)


def render_table(rows: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> str:
    """Plain fixed-width table with a header; empty cells for missing keys."""
    cells = [[str(c).upper() for c in columns]]
    for row in rows:
        cells.append(["" if row.get(c) is None else str(row.get(c)) for c in columns])
    widths = [max(len(r[i]) for r in cells) for i in range(len(columns))]
    lines = ["  ".join(v.ljust(widths[i]) for i, v in enumerate(r)).rstrip() for r in cells]
    return "\n".join(lines) + "\n"


def emit_table(
    rows: Sequence[Mapping[str, Any]], columns: Sequence[str], stream: IO[str] | None = None
) -> None:
    """Write ``rows`` as a table with ``columns``."""
    _write(render_table(rows, columns), stream)


def emit_csv(
    rows: Iterable[Mapping[str, Any]], columns: Sequence[str], stream: IO[str] | None = None
) -> None:
    """Write ``rows`` as CSV with a header line."""
    import io

    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: ("" if row.get(k) is None else row.get(k)) for k in columns})
    _write(buf.getvalue(), stream)


def info(message: str) -> None:
    """A log / progress line on stderr (never on stdout, which carries data)."""
    click.echo(message, err=True)
