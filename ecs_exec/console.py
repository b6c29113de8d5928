"""Progress and log lines on stderr, never on stdout (which carries a command's data); :func:`visible`
for caller-chosen text printed in tables and headers.

Part of the shared ground so that the Terraform runner and the jobs can report progress without
importing the CLI.
"""

from __future__ import annotations

import click


def info(message: str) -> None:
    """Write ``message`` as one line on stderr."""
    click.echo(message, err=True)


_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def visible(text: str) -> str:
    """``text`` with every non-printable character (``str.isprintable``: control, format such as bidi
    overrides, separators other than space) written as an escape (``\\n``, ``\\x1b``, ``\\u202e``),
    so a table cell never breaks its row or moves the cursor (values such as commands are chosen by
    callers: a ``\\n`` in one would print a spoofed row)."""
    if text.isprintable():
        return text
    return "".join(
        c
        if c.isprintable()
        else _ESCAPES.get(c) or (f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}")
        for c in text
    )
