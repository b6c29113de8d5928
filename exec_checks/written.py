"""Condition values as written in the source, where checkov's rendering loses their case.

checkov renders the string ``"true"`` inside a ``jsonencode`` as ``"True"`` (and ``"false"`` as
``"False"``), the same as a literal ``"True"``; IAM's ``StringEquals`` and ``StringLike`` compare
case-sensitively (IAM condition operators,
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html),
so the difference matters: ``"True"`` never matches the ``"true"`` of ``ecs:enable-execute-command``.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from exec_checks.model import Block
from exec_checks.policy import PolicyDocument

_AMBIGUOUS = ("True", "False")


def source_text(block: Block) -> str:
    """The block's lines in its file (checkov's ``file_path_``, ``__start_line__``..``__end_line__``);
    empty when they cannot be read."""
    v = block.vertex
    try:
        lines = Path(str(v.get("file_path_"))).read_text(encoding="utf-8").splitlines()
        return "\n".join(lines[int(v["__start_line__"]) - 1 : int(v["__end_line__"])])
    except (OSError, KeyError, TypeError, ValueError):
        return ""


def as_written(doc: PolicyDocument, block: Block) -> PolicyDocument:
    """``doc`` (read from ``block``'s literal policy) with every rendered ``"True"``/``"False"``
    condition value read back from the source: it stays capitalized only when ``block``'s text
    spells it so (``"True"``) and never in lower case (``"true"``); else it is the lower-case word."""
    if doc.unknown or not any(
        v in _AMBIGUOUS for st in doc.statements for c in st.conditions or () for v in c.values
    ):
        return doc
    text = source_text(block)

    def fix(value: str | None) -> str | None:
        if value in _AMBIGUOUS and (f'"{value}"' not in text or f'"{value.lower()}"' in text):
            return value.lower()
        return value

    statements = tuple(
        replace(
            st, conditions=tuple(replace(c, values=tuple(fix(v) for v in c.values)) for c in st.conditions)
        )
        if st.conditions
        else st
        for st in doc.statements
    )
    return replace(doc, statements=statements)
