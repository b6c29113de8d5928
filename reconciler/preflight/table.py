"""The preflight table for a terminal: readable in 100-120 columns (pure).

One line per check (``STATUS``, ``ID``, ``REASON``); a reason longer than its column wraps under
itself, and the fix of a WARN or FAIL follows on its own line, indented under the reason. Words are
never broken, so an ARN stays whole (and copyable) even when it overflows the width. The JSON output
(:meth:`~reconciler.preflight.model.Report.as_dict`) carries the same text unwrapped.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from reconciler.preflight.model import CheckResult

#: Narrowest and widest table (columns); the CLI passes the terminal's width clamped to these.
MIN_WIDTH, MAX_WIDTH = 72, 120
_GAP = "  "


def table_width(terminal_columns: int) -> int:
    """The width to render at for a terminal of ``terminal_columns``, within [MIN_WIDTH, MAX_WIDTH]."""
    return max(MIN_WIDTH, min(MAX_WIDTH, terminal_columns))


def _wrap(text: str, width: int, indent: str, first: str = "") -> list[str]:
    lines = textwrap.wrap(
        text,
        width=width,
        initial_indent=indent + first,
        subsequent_indent=indent + " " * len(first),
        break_long_words=False,  # an ARN or a path stays whole
        break_on_hyphens=False,  # check ids, ARNs and CLI flags contain hyphens
    )
    return lines or [indent + first.rstrip()]


def render_table(results: Sequence[CheckResult], width: int = 100) -> str:
    """The table text (ends with a newline). ``width``: target line length in columns."""
    status_w = max([len("STATUS"), *(len(r.status.value) for r in results)])
    id_w = max([len("ID"), *(len(r.id) for r in results)])
    indent = " " * (status_w + len(_GAP) + id_w + len(_GAP))
    lines = [f"{'STATUS'.ljust(status_w)}{_GAP}{'ID'.ljust(id_w)}{_GAP}REASON"]
    for r in results:
        head = f"{r.status.value.ljust(status_w)}{_GAP}{r.id.ljust(id_w)}{_GAP}"
        reason = _wrap(r.reason, width, indent)
        lines.append(head + reason[0][len(indent) :])
        lines.extend(reason[1:])
        if r.fix:
            lines.extend(_wrap(r.fix, width, indent, "fix: "))
    return "\n".join(line.rstrip() for line in lines) + "\n"
