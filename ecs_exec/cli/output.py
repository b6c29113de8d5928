"""Output formatters: data to stdout (``table`` / ``json`` / ``csv`` / ``sarif``), logs and progress to stderr.

Follows the AWS CLI's shape: a small registry of formatters (:data:`FORMATTERS`) writing to an
injected stream that ignore a closed pipe (``ecs-exec drift check | head``). Every command hands
its result to :func:`emit` as a :class:`Document`; the ``json`` formatter wraps it in the one
envelope every command shares (:func:`envelope`).
"""

from __future__ import annotations

import contextlib
import csv
import json
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from ecs_exec.console import info, visible

__all__ = [
    "FORMATTERS",
    "Document",
    "Table",
    "emit",
    "emit_csv",
    "emit_json",
    "emit_table",
    "envelope",
    "info",
    "render_table",
]


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
    """Plain fixed-width table with a header; empty cells for missing keys; non-printable characters
    escaped (:func:`visible`)."""
    cells = [[str(c).upper() for c in columns]]
    for row in rows:
        cells.append(["" if row.get(c) is None else visible(str(row.get(c))) for c in columns])
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
    """Write ``rows`` as CSV with a header line; rows end in ``\n``.

    A cell holding CR or LF is quoted (RFC 4180): the ``csv`` module quotes only the characters of its
    ``lineterminator``, so each row is written with ``\r\n`` and its end turned into ``\n`` (a bare CR
    left unquoted would start a new row in most readers: a spoofed row, or a formula).
    """
    import io

    out: list[str] = []
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(columns), extrasaction="ignore", lineterminator="\r\n")

    def take() -> None:
        out.append(buf.getvalue().removesuffix("\r\n") + "\n")
        buf.seek(0)
        buf.truncate()

    writer.writeheader()
    take()
    for row in rows:
        writer.writerow({k: ("" if row.get(k) is None else row.get(k)) for k in columns})
        take()
    _write("".join(out), stream)


def envelope(
    command: str, environment: str | None, body: Mapping[str, Any], schema_version: int = 1
) -> dict[str, Any]:
    """The JSON document every command prints: ``{"schema_version", "command", "environment", **body}``.

    ``schema_version`` is the command's own (bumped when one of its keys is renamed or removed);
    keys of our own are snake_case, values copied from an AWS API keep the API's field names.
    """
    return {"schema_version": schema_version, "command": command, "environment": environment, **body}


@dataclass(frozen=True)
class Table:
    """Rows for the ``table`` and ``csv`` formatters: ``rows`` of ``{column: value}``, printed in
    ``columns`` order. An empty table prints nothing, or only its header with ``header_when_empty``
    (CSV always has its header line)."""

    rows: Sequence[Mapping[str, Any]]
    columns: Sequence[str]
    header_when_empty: bool = False


@dataclass(frozen=True)
class Document:
    """A command's result, ready for any formatter.

    ``body`` becomes the JSON envelope's own keys; ``tables`` (or a preformatted ``text``) are what
    ``table`` / ``csv`` print; ``sarif`` is a SARIF 2.1.0 log for ``--output sarif``.
    """

    command: str
    environment: str | None
    body: Mapping[str, Any]
    schema_version: int = 1
    tables: Sequence[Table] = field(default_factory=tuple)
    text: str | None = None
    sarif: Mapping[str, Any] | None = None

    def as_json(self) -> dict[str, Any]:
        return envelope(self.command, self.environment, self.body, self.schema_version)


def _format_json(doc: Document, stream: IO[str] | None) -> None:
    emit_json(doc.as_json(), stream)


def _format_table(doc: Document, stream: IO[str] | None) -> None:
    if doc.text is not None:
        _write(doc.text, stream)
    for table in doc.tables:
        if table.rows or table.header_when_empty:
            emit_table(table.rows, table.columns, stream)


def _format_csv(doc: Document, stream: IO[str] | None) -> None:
    for table in doc.tables:
        emit_csv(table.rows, table.columns, stream)


def _format_sarif(doc: Document, stream: IO[str] | None) -> None:
    # SARIF is its own standard document (one log object): never wrapped in our envelope.
    emit_json(doc.sarif if doc.sarif is not None else {}, stream)


#: ``--output`` value -> formatter. Commands choose which of these they offer.
FORMATTERS: dict[str, Callable[[Document, IO[str] | None], None]] = {
    "json": _format_json,
    "table": _format_table,
    "csv": _format_csv,
    "sarif": _format_sarif,
}


def emit(output: str, doc: Document, stream: IO[str] | None = None) -> None:
    """Write ``doc`` to stdout (or ``stream``) with the formatter named ``output``."""
    FORMATTERS[output](doc, stream)
