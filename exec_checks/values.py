"""Checkov's list-wrapped HCL values, and telling a known value from one Terraform only knows later.

Checkov wraps every attribute value in a list (``name = "x"`` becomes ``["x"]``, a list attribute
``["a"]`` becomes ``[["a"]]``) and every nested block in a list of dicts. :func:`unwrap` is the one
place that undoes it. After checkov's rendering, a value that still holds a reference
(``var.x``, ``aws_kms_key.this.arn``, ``${...}``) is not known statically: :func:`is_unknown`.
"""

from __future__ import annotations

import ast
import json
import re
from typing import Any

#: A reference to a resource or data source attribute: ``aws_kms_key.this.arn``, ``data.x.y.json``,
#: ``aws_iam_role.task[0].arn``. Resource types contain an underscore, which keeps literals out.
REFERENCE_RE = re.compile(
    r"(?<![\w./:@-])(?:data\.)?[a-z][a-z0-9]*_[a-z0-9_]+\.[A-Za-z_][\w-]*(?:\[[^\]]*\])?\.[A-Za-z_][\w]*"
)
_SYMBOLIC_RE = re.compile(r"\$\{|(?<![\w./:@-])(?:var|local|module|each|count|path|terraform|self)\.")
#: An iterator reference of a ``dynamic`` block's content (``setting.value``, ``s.key``,
#: ``configuration.value.kms``) that checkov left unrendered.
_ITERATOR_RE = re.compile(r"(?<![\w./:@-])[A-Za-z_][\w-]*\.(?:key|value)\b")
#: What such a value reads as: a reference (unknown by :func:`is_unknown`).
DYNAMIC_UNKNOWN = "${dynamic.iterator}"


def unwrap(value: Any) -> Any:
    """Undo checkov's list wrapping of one attribute value: ``["x"]`` -> ``"x"``, ``[["a"]]`` -> ``["a"]``."""
    if isinstance(value, list) and len(value) == 1:
        return value[0]
    return value


def attr(conf: dict[str, Any] | None, key: str, default: Any = None) -> Any:
    """The unwrapped value of attribute ``key`` in a checkov config dict, or ``default``."""
    if not conf or key not in conf:
        return default
    return unwrap(conf[key])


def _dicts(value: Any) -> list[dict[str, Any]]:
    if isinstance(value, dict):
        return [value]
    if isinstance(value, list):
        return [b for b in value if isinstance(b, dict)]
    return []


def _dynamic_blocks(conf: dict[str, Any], key: str, expand: bool = True) -> list[dict[str, Any]]:
    """The raw ``dynamic "<key>"`` blocks of ``conf`` as checkov keeps them under ``dynamic``
    (its content, rendered where checkov could, or still holding the iterator references)."""
    out: list[dict[str, Any]] = []
    for element in conf.get("dynamic") or []:
        if isinstance(element, str):
            try:
                element = json.loads(element)
            except ValueError:
                continue
        if not isinstance(element, dict) or key not in element:
            continue
        for item in _dicts(element[key]):
            content = _dicts(item["content"]) if "content" in item else [item]
            out += _expanded(content, item, key) if expand else content
    return out


def _expanded(content: list[dict[str, Any]], item: dict[str, Any], key: str) -> list[dict[str, Any]]:
    """One copy of ``content`` per element of a ``for_each`` checkov rendered to a literal list, set
    or map, with ``<iterator>.value`` / ``<iterator>.key`` replaced (Terraform "dynamic blocks": the
    iterator is named by ``iterator`` or else by the block's label); ``content`` as is otherwise."""
    for_each = unwrap(item.get("for_each"))
    name = unwrap(item.get("iterator")) or key
    if isinstance(for_each, set | frozenset | list) and all(isinstance(e, str | int) for e in for_each):
        pairs = [(e, e) for e in sorted(for_each, key=str)]
    elif isinstance(for_each, dict) and all(isinstance(v, str | int) for v in for_each.values()):
        pairs = list(for_each.items())
    else:
        return content
    if not pairs or not isinstance(name, str):
        return content

    def put(value: Any, k: Any, v: Any) -> Any:
        if isinstance(value, str):
            whole = {f"{name}.key": k, f"{name}.value": v, f"${{{name}.key}}": k, f"${{{name}.value}}": v}
            if value in whole:
                return whole[value]
            return value.replace(f"${{{name}.key}}", str(k)).replace(f"${{{name}.value}}", str(v))
        if isinstance(value, list):
            return [put(x, k, v) for x in value]
        if isinstance(value, dict):
            return {kk: put(x, k, v) for kk, x in value.items()}
        return value

    return [put(block, k, v) for k, v in pairs for block in content]


def _mark_iterators(value: Any) -> Any:
    """A copy of dynamic-block content in which every string still holding an iterator reference
    (``setting.value``, ``s.key``: checkov could not render the block's ``for_each``) is unknown."""
    if isinstance(value, str):
        return DYNAMIC_UNKNOWN if _ITERATOR_RE.search(value) else value
    if isinstance(value, list):
        return [_mark_iterators(v) for v in value]
    if isinstance(value, dict):
        return {k: _mark_iterators(v) for k, v in value.items()}
    return value


def blocks(conf: dict[str, Any] | None, key: str) -> list[dict[str, Any]]:
    """The nested blocks ``key`` of a checkov config dict (a list of dicts; empty when absent).

    ``dynamic "<key>"`` blocks count too (Terraform renders them into ``key`` blocks): checkov keeps
    them under ``dynamic`` in the graph, and merges them into ``key`` in place for resource checks
    (dropped here, so none is seen twice). A ``for_each`` checkov rendered to a literal collection
    is expanded here (one block per element). A value of their content that still refers to the
    iterator (the ``for_each`` was not known to checkov) reads as unknown (:data:`DYNAMIC_UNKNOWN`).
    """
    if not conf:
        return []
    raw = _dynamic_blocks(conf, key, expand=False)
    dynamic = _dynamic_blocks(conf, key)
    static = [b for b in _dicts(conf.get(key)) if not any(b is d or b == d for d in raw + dynamic)]
    return static + [_mark_iterators(d) for d in dynamic]


def as_list(value: Any) -> list[Any]:
    """A scalar or a list (IAM ``Action`` / ``Resource``) as a list."""
    value = unwrap(value)
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def is_unknown(value: Any) -> bool:
    """True when ``value`` (or anything inside it) still holds a reference checkov could not render."""
    if isinstance(value, str):
        return bool(_SYMBOLIC_RE.search(value) or REFERENCE_RE.search(value))
    if isinstance(value, list):
        return any(is_unknown(v) for v in value)
    if isinstance(value, dict):
        return any(is_unknown(v) for v in value.values())
    return False


def as_bool(value: Any) -> bool | None:
    """``true`` / ``"true"`` -> True, ``false`` / ``"false"`` -> False, anything unknown -> None."""
    value = unwrap(value)
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return None


class Unknown:
    """Marker for a value Terraform only knows at plan time (a variable without default, a function)."""

    _instance: Unknown | None = None

    def __new__(cls) -> Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"


#: The one :class:`Unknown` instance.
UNKNOWN = Unknown()


def unrendered_jsonencode(value: Any) -> Any:
    """checkov sometimes leaves ``jsonencode(...)`` unevaluated as ``"${jsonencode({'k': 'v'})}"``
    (its own rendering, a Python literal inside): return that literal, else ``value`` unchanged."""
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("${jsonencode(") and text.endswith(")}"):
            try:
                return ast.literal_eval(text[len("${jsonencode(") : -2])
            except (ValueError, SyntaxError):
                return value
    return value
