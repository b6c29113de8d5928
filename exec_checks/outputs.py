"""References to module outputs (``module.cluster_payments.kms_key_arn``) in a block's attribute,
resolved to the value of that output inside the module call it names.

checkov renders such a reference by copying the output's ``value`` expression, written in the
called module (``aws_kms_key.this.arn``), into the referring block, and ties it to an output vertex
by name only: with several calls of one module from one file, every ``module.<call>.kms_key_arn``
is wired to the first call's output (checkov 3.3, ``LocalGraph._should_add_edge`` compares the
calling file, not the call). So neither the rendered text nor the graph edge says which call a
value came from.

The block's own source text does: :func:`resolve_module_outputs` reads it (``file_path_`` and
its ``__start_line__``..``__end_line__``), lists the ``module.<call>.<output>`` references in
order, and replaces the rendered values in the same order with the output's value resolved in
the scope of that call (:meth:`exec_checks.model.TfModel.substitute`), e.g.
``arn:aws:kms:*:*:key/@<root>/module.cluster_payments.aws_kms_key.this``. When the counts do not
line up (a reference inside a function call checkov left unevaluated), the value is left as
rendered, which the policy reader treats as unknown.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict, deque
from typing import Any

from exec_checks.model import Block, TfModel

_TRY_RE = re.compile(r"try\((.+?),\s*(?:None|null)\)")
_MODULE_REF_RE = re.compile(r"(?<![\w.-])module\.([A-Za-z_][\w-]*)\.([A-Za-z_][\w-]*)")


def _source_lines(block: Block) -> str:
    """The block's own text (comments dropped), or ``""`` when the file cannot be read."""
    path = str(block.vertex.get("file_path_") or "")
    start, end = block.vertex.get("__start_line__"), block.vertex.get("__end_line__")
    if not path or not isinstance(start, int) or not isinstance(end, int):
        return ""
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()[start - 1 : end]
    except OSError:
        return ""
    return "\n".join(line for line in lines if not line.lstrip().startswith(("#", "//")))


def _output_value(model: TfModel, block: Block, call: str, output: str) -> tuple[str, str] | None:
    """(the output's ``value`` as checkov renders it, that value resolved in the call's scope)."""
    scope = (block.root, f"{block.module}.module.{call}" if block.module else f"module.{call}")
    inside = [b for b in model.blocks if b.scope == scope]
    if not inside:
        return None
    folder = os.path.dirname(str(inside[0].vertex.get("file_path_") or ""))
    rendered = model.output_values(folder).get(output)
    if not isinstance(rendered, str):
        return None
    inner = _TRY_RE.fullmatch(rendered.strip())  # outputs written try(<ref>, null)
    resolved = model.substitute(inner.group(1) if inner else rendered, scope)
    return (rendered, resolved) if resolved is not None else None


def resolve_module_outputs(model: TfModel, block: Block, value: Any) -> Any:
    """``value`` (an attribute of ``block`` as checkov rendered it) with every value that came from a
    module output replaced by that output's known value in the right module call (see the module
    docstring); ``value`` unchanged when the block names no module output or the order cannot be
    matched."""
    text = _source_lines(block)
    refs = _MODULE_REF_RE.findall(text) if "module." in text else []
    if not refs:
        return value
    queues: dict[str, deque[str | None]] = defaultdict(deque)
    for call, output in refs:
        found = _output_value(model, block, call, output)
        if found is not None:
            queues[found[0]].append(found[1])
        else:  # unknown here; its rendered text (if any) is not replaced
            queues[f"\0{call}.{output}"].append(None)
    wanted = {rendered: len(q) for rendered, q in queues.items()}
    seen: dict[str, int] = defaultdict(int)

    def count(v: Any) -> None:
        if isinstance(v, str) and v in wanted:
            seen[v] += 1
        elif isinstance(v, dict):
            for item in v.values():
                count(item)
        elif isinstance(v, list):
            for item in v:
                count(item)

    count(value)
    # refs of other attributes of the block do not appear in ``value``; those that do must all match
    if not seen or any(n != wanted[r] for r, n in seen.items()):
        return value

    def replace(v: Any) -> Any:
        if isinstance(v, str) and v in queues:
            return queues[v].popleft()
        if isinstance(v, dict):
            return {k: replace(item) for k, item in v.items()}
        if isinstance(v, list):
            return [replace(item) for item in v]
        return v

    return replace(value)
