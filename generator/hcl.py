"""Jinja2 filters that turn Python values into HCL literals, escaped and ``terraform fmt``-clean.

Every value from a config file reaches a template through one of these filters, so a quote, a
backslash, a newline or an HCL template sequence (``${`` / ``%{``) in a config value can never
change the meaning of the rendered Terraform.

``terraform fmt`` aligns the ``=`` of consecutive single-line attributes in one block or object;
:func:`hcl_object` does the same so that rendered output is already formatted (written by hand
because no Python library formats HCL the way ``terraform fmt`` does, and the generator must not
need the terraform binary).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

_IDENT_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def hcl_escape(value: object) -> str:
    """Escape ``value`` for the inside of an HCL quoted string (no surrounding quotes).

    Backslash, double quote, newline, carriage return and tab get backslash escapes, other control
    characters ``\\uNNNN``; ``${`` becomes ``$${`` and ``%{`` becomes ``%%{`` so they stay literal.
    """
    out: list[str] = []
    for ch in str(value):
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "".join(out).replace("${", "$${").replace("%{", "%%{")


def hcl_str(value: object) -> str:
    """``value`` as a quoted HCL string: ``a"b`` -> ``"a\\"b"``."""
    return f'"{hcl_escape(value)}"'


class Raw(str):
    """An already rendered HCL expression: :func:`hcl_value` emits it as is."""

    __slots__ = ()


def hcl_value(value: object) -> str:
    """A scalar as an HCL literal: ``None`` -> ``null``, bool -> ``true``/``false``, numbers as is,
    a list or tuple of scalars as a one-line list, :class:`Raw` as is, everything else a quoted,
    escaped string."""
    if value is None:
        return "null"
    if isinstance(value, Raw):
        return str(value)
    if isinstance(value, list | tuple):
        return hcl_list(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return hcl_str(value)


#: Words HCL gives a meaning of their own: quoted as object keys (a bare ``for = {...}`` is valid
#: for Terraform but not for the HCL parser checkov uses, so the checks step would refuse the tree).
_KEYWORDS = frozenset({"for", "in", "if", "true", "false", "null"})


def hcl_key(key: str) -> str:
    """An object key: bare when it is a plain identifier that is no HCL keyword, else a quoted
    string (``"managed-by"``, ``"for"``)."""
    return key if _IDENT_RE.match(key) and key not in _KEYWORDS else hcl_str(key)


def hcl_list(values: Iterable[object]) -> str:
    """A one-line HCL list of scalars: ``["a", "b"]`` (order kept; sort before when order is not meaningful)."""
    return "[" + ", ".join(hcl_value(v) for v in values) + "]"


def hcl_list_ml(values: Iterable[object], indent: int = 0) -> str:
    """A multi-line HCL list, one scalar per line, closing bracket at ``indent`` spaces.

    Always multi-line (even for one element), so the alignment of the surrounding attributes does
    not depend on the list's length.
    """
    return hcl_exprs_ml((hcl_value(v) for v in values), indent)


def hcl_exprs_ml(exprs: Iterable[str], indent: int = 0) -> str:
    """A multi-line HCL list of *already rendered* expressions (references like
    ``aws_iam_role.task["x"].name`` or strings from :func:`hcl_str`), closing bracket at ``indent``."""
    pad = " " * (indent + 2)
    lines = [f"{pad}{e}," for e in exprs]
    if not lines:
        return "[]"
    return "[\n" + "\n".join(lines) + "\n" + " " * indent + "]"


def hcl_object(mapping: Mapping[str, object], indent: int = 0) -> str:
    """A multi-line HCL object of scalars, keys sorted, ``=`` aligned as ``terraform fmt`` does.

    ``{}`` when empty; the closing brace goes at ``indent`` spaces.
    """
    if not mapping:
        return "{}"
    keys = {k: hcl_key(k) for k in mapping}
    width = max(len(k) for k in keys.values())
    pad = " " * (indent + 2)
    lines = [f"{pad}{keys[k].ljust(width)} = {hcl_value(mapping[k])}" for k in sorted(mapping)]
    return "{\n" + "\n".join(lines) + "\n" + " " * indent + "}"


FILTERS = {
    "hcl_escape": hcl_escape,
    "hcl_str": hcl_str,
    "hcl_value": hcl_value,
    "hcl_key": hcl_key,
    "hcl_list": hcl_list,
    "hcl_list_ml": hcl_list_ml,
    "hcl_exprs_ml": hcl_exprs_ml,
    "hcl_object": hcl_object,
}
