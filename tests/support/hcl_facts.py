"""Small readers of rendered HCL text for the golden tests (regexes over our own, fmt-clean output)."""

from __future__ import annotations

import re

ENVS = ("local", "stg", "prd")


def block(text: str, header: str) -> str:
    """The top-level block starting with the line ``header`` (e.g. ``module "access" {``), braces included."""
    start = text.index(header + "\n")
    end = text.index("\n}\n", start)
    return text[start : end + 2]


def attr(text: str, name: str) -> str:
    """Right-hand side of the first single-line attribute ``name = ...``."""
    m = re.search(rf"^\s*{re.escape(name)}\s*=\s*(.+)$", text, re.M)
    assert m, f"no attribute {name!r}"
    return m.group(1).strip()


def statement(text: str, sid: str) -> str:
    """The policy statement object whose ``Sid`` is ``sid``, from its ``Sid`` line to its closing brace."""
    m = re.search(rf'^(\s*)Sid\s*=\s*"{re.escape(sid)}"$', text, re.M)
    assert m, f"no statement {sid!r}"
    indent = len(m.group(1)) - 2
    end = re.compile(rf"^ {{{indent}}}}}", re.M).search(text, m.end())
    assert end, f"statement {sid!r} not closed"
    return text[m.start() : end.start()]


def actions(stmt: str) -> list[str]:
    """The ``Action`` strings of a statement (one-line or multi-line list, or a single string)."""
    m = re.search(r"^\s*Action\s*=\s*(\[.*?\]|\"[^\"]*\")", stmt, re.M | re.S)
    assert m, "statement has no Action"
    return re.findall(r'"([^"]+)"', m.group(1))


def sids(text: str) -> list[str]:
    return re.findall(r'^\s*Sid\s*=\s*"([^"]+)"$', text, re.M)


EMPTY_NESTED_BLOCK = re.compile(r"^[ ]+[a-z_]+ (\"[^\"]*\" )*\{\s*\}", re.M)
