"""A typed read-only view of checkov's Terraform graph, and Terraform-like reference resolution.

Checkov builds one graph per scan (vertices: blocks with their rendered config; edges: "this
attribute references that block", labelled with the attribute path). Graph checks receive it as
``graph_connector`` (rustworkx by default, networkx when ``CHECKOV_GRAPH_FRAMEWORK=NETWORKX``).
:class:`TfModel` wraps it; checks never touch the connector directly.

References are resolved the way Terraform would where the value is known: by the graph's edges,
by a literal name matching a block of the same module, and by :meth:`TfModel.substitute`, which
replaces ``aws_cloudwatch_log_group.x.arn`` by that group's ARN (region and account as ``*``;
a key or policy with no literal identity as ``@<root>/<address>``; ``data.aws_partition``,
``data.aws_region`` and ``data.aws_caller_identity`` as ``*``). Anything else is unknown.

A module address is unique only within one root module: a scan of a whole tree sees
``module.cluster_payments`` of ``envs/stg`` and of ``envs/prd``. So a block's identity within the
model is its :attr:`Block.scope`, the root module folder (from the vertex's caller chain,
checkov's ``source_module_object_``) together with its module address.
"""

from __future__ import annotations

import json
import os
import re
from collections import defaultdict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from exec_checks.values import REFERENCE_RE, attr, is_unknown

_INTERPOLATED_REF_RE = re.compile(r"\$\{\s*(" + REFERENCE_RE.pattern + r")\s*\}")

T = TypeVar("T")

#: Where a block lives: (root module folder, module address); ``("/t/envs/stg", "module.m")``.
Scope = tuple[str, str]


@dataclass(frozen=True)
class Block:
    """One Terraform block of the graph.

    ``kind`` is checkov's block type (``resource``, ``data``, ``variable``, ...); ``type`` the
    resource type (``aws_ecs_cluster``); ``address`` the full address (``module.m.aws_ecs_cluster.c``);
    ``module`` its module prefix (``""`` at the root); ``root`` the folder of the root module whose
    module calls lead to it (two roots may hold the same ``address``); ``config`` the rendered,
    list-wrapped attributes.
    """

    index: int
    kind: str
    type: str
    name: str
    address: str
    module: str
    root: str
    config: dict[str, Any] = field(compare=False, repr=False)
    vertex: dict[str, Any] = field(compare=False, repr=False)

    def attr(self, key: str, default: Any = None) -> Any:
        """The unwrapped value of attribute ``key``."""
        return attr(self.config, key, default)

    @property
    def scope(self) -> Scope:
        """(root folder, module address): the namespace its same-module references resolve in."""
        return (self.root, self.module)

    @property
    def identity(self) -> str:
        """Unique over a whole scanned tree: ``<root>/<address>``."""
        return f"{self.root}/{self.address}"

    @property
    def ref(self) -> str:
        """How Terraform code of the same module refers to it: ``aws_x.y`` or ``data.aws_x.y``."""
        return f"data.{self.type}.{self.name}" if self.kind == "data" else f"{self.type}.{self.name}"


#: Data sources of facts every account has, by attribute: inside an ARN they stand for any
#: partition, region or account (``*``), which canonical ARNs ignore anyway.
_EVERY_ACCOUNT = {
    "aws_partition": ("partition", "id"),
    "aws_region": ("name", "id", "region"),
    "aws_caller_identity": ("account_id",),
}


def _arn_templates(block: Block, attribute: str) -> str | None:
    """Known value of ``<block>.<attribute>`` (ARNs with ``*`` for region and account), or None."""
    t, a = block.type, attribute
    ident = f"@{block.identity}"

    def literal(key: str) -> str | None:
        value = block.attr(key)
        if value is None:
            return ident
        return value if isinstance(value, str) and not is_unknown(value) else None

    if t in _EVERY_ACCOUNT and a in _EVERY_ACCOUNT[t]:
        return "*"
    if t == "aws_cloudwatch_log_group":
        name = literal("name")
        if name is None:
            return None
        return f"arn:aws:logs:*:*:log-group:{name}" if a == "arn" else name if a in ("name", "id") else None
    if t == "aws_s3_bucket":
        bucket = literal("bucket")
        if bucket is None:
            return None
        return f"arn:aws:s3:::{bucket}" if a == "arn" else bucket if a in ("id", "bucket") else None
    if t == "aws_kms_key":
        return f"arn:aws:kms:*:*:key/{ident}" if a == "arn" else ident if a in ("id", "key_id") else None
    if t == "aws_ecs_cluster":
        name = literal("name")
        if name is None:
            return None
        return f"arn:aws:ecs:*:*:cluster/{name}" if a in ("arn", "id") else name if a == "name" else None
    if t == "aws_iam_role":
        name = literal("name")
        if name is None:
            return None
        return f"arn:aws:iam::*:role/{name}" if a == "arn" else name if a in ("name", "id") else None
    if t == "aws_iam_policy" and a in ("arn", "id"):
        return f"arn:aws:iam::*:policy/{ident}"
    if t == "aws_ecs_task_definition" and a in ("arn", "arn_without_revision", "id"):
        return ident
    return None


def _root_of(vertex: dict[str, Any]) -> str:
    """The folder of the root module a vertex belongs to: the file of the outermost module call in
    checkov's ``source_module_object_`` chain (a ``TFModule``; a dict or JSON text once serialised;
    ``nested_tf_module`` is the calling module's own call), else the vertex's own file."""
    src: Any = vertex.get("source_module_object_")
    if isinstance(src, str):
        try:
            src = json.loads(src)
        except ValueError:
            src = None

    def get(obj: Any, key: str) -> Any:
        return obj.get(key) if isinstance(obj, dict) else getattr(obj, key, None)

    while src and get(src, "nested_tf_module"):
        src = get(src, "nested_tf_module")
    path = get(src, "path") if src else None
    return os.path.dirname(str(path or vertex.get("file_path_") or ""))


def _no_instances(config: dict[str, Any]) -> bool:
    """True when checkov rendered the block's ``count`` to 0 or its ``for_each`` to an empty
    collection: Terraform creates nothing, so the block is left out of the model (its policy
    neither fails nor denies anything; no record, as checkov's resource checks do for ``count = 0``)."""
    count = attr(config, "count")
    if "count" in config and (count == 0 or count == "0"):
        return True
    for_each = attr(config, "for_each")
    empty = isinstance(for_each, dict | list | set | frozenset) and not for_each  # checkov renders sets
    return "for_each" in config and (empty or for_each in ("set()", "[]", "{}"))


class TfModel:
    """The blocks and reference edges of one checkov graph."""

    def __init__(
        self,
        blocks: list[Block],
        edges: list[tuple[int, int, str]],
        outputs: frozenset[int] = frozenset(),
        output_values: dict[tuple[str, str], Any] | None = None,
    ) -> None:
        self.blocks = blocks
        #: graph indices of module ``output`` vertices (followed by :meth:`targets_through_outputs`)
        self._outputs = outputs
        #: (module folder, output name) -> the output's ``value`` as rendered (in the module's terms)
        self._output_values = dict(output_values or {})
        self._by_index = {b.index: b for b in blocks}
        self._out: dict[int, list[tuple[str, int]]] = defaultdict(list)
        self._in: dict[int, list[tuple[str, int]]] = defaultdict(list)
        for src, dst, label in edges:
            self._out[src].append((label, dst))
            self._in[dst].append((label, src))
        self._by_ref = {(b.scope, b.ref): b for b in blocks}
        self._by_type: dict[str, list[Block]] = defaultdict(list)
        for b in blocks:
            self._by_type[b.type].append(b)
        self._memo: dict[Hashable, Any] = {}

    @classmethod
    def from_connector(cls, connector: Any) -> TfModel:
        """Build from checkov's graph connector (rustworkx ``PyDiGraph`` or networkx ``DiGraph``)."""
        if hasattr(connector, "node_indices"):  # rustworkx
            nodes = [connector[i] for i in connector.node_indices()]
            raw_edges = [(a, b, d) for a, b, d in connector.weighted_edge_list()]
        else:  # networkx
            nodes = list(connector.nodes(data=True))
            raw_edges = list(connector.edges(data=True))
        blocks = [cls._block(index, data) for index, data in nodes]
        edges = [(a, b, str((d or {}).get("label", ""))) for a, b, d in raw_edges]
        outputs = frozenset(i for i, data in nodes if data.get("block_type_") == "output")
        values: dict[tuple[str, str], Any] = {}
        for _, data in nodes:
            if data.get("block_type_") == "output":
                name = str(data.get("block_name_", ""))
                conf = (data.get("config_") or {}).get(name) or {}
                folder = os.path.dirname(str(data.get("file_path_") or ""))
                values[(folder, name)] = attr(conf, "value") if isinstance(conf, dict) else None
        return cls([b for b in blocks if b is not None], edges, outputs, values)

    @staticmethod
    def _block(index: int, vertex: dict[str, Any]) -> Block | None:
        kind = vertex.get("block_type_", "")
        block_name = str(vertex.get("block_name_", ""))
        address = str(vertex.get("__address__") or block_name)
        if kind not in ("resource", "data") or "." not in block_name:
            return None
        rtype, name = block_name.split(".", 1)
        module = address[: -len(block_name)].rstrip(".") if address.endswith(block_name) else ""
        if kind == "data":
            address = f"{module}.data.{block_name}" if module else f"data.{block_name}"
        config = vertex.get("config_", {}).get(rtype, {}).get(name, {})
        if isinstance(config, dict) and _no_instances(config):
            return None
        return Block(
            index,
            kind,
            rtype,
            name,
            address,
            module,
            _root_of(vertex),
            config if isinstance(config, dict) else {},
            vertex,
        )

    # ---- lookups ----

    def of_type(self, *types: str) -> list[Block]:
        """Resources (and data sources) of the given types (in graph order)."""
        if len(types) == 1:
            return list(self._by_type.get(types[0], ()))
        return [b for b in self.blocks if b.type in types]

    def output_values(self, folder: str) -> dict[str, Any]:
        """The outputs of the module in ``folder``: name -> ``value`` as rendered (the expression
        in the module's own terms, ``aws_kms_key.this.arn``, while it refers to a resource)."""
        return {name: v for (f, name), v in self._output_values.items() if f == folder}

    def memo(self, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()`` once per model and ``key``: derived facts that checks ask for per pair of
        blocks (a cluster's exec configuration per policy) stay linear in the size of the tree."""
        if key not in self._memo:
            self._memo[key] = compute()
        return cast(T, self._memo[key])

    def targets(self, block: Block, label: str) -> list[Block]:
        """Blocks that ``block``'s attribute ``label`` (or anything under it) references."""
        out = [
            self._by_index[dst]
            for lab, dst in self._out.get(block.index, [])
            if (lab == label or lab.startswith(label + ".")) and dst in self._by_index
        ]
        return list(dict.fromkeys(out))

    def targets_through_outputs(self, block: Block, label: str) -> list[Block]:
        """:meth:`targets`, also following a reference to a module output (``module.m.cluster_arn``)
        to the blocks that output's ``value`` references (outputs of nested modules included)."""
        out: list[Block] = []
        seen: set[int] = set()
        todo = [
            dst for lab, dst in self._out.get(block.index, []) if lab == label or lab.startswith(label + ".")
        ]
        while todo:
            dst = todo.pop(0)
            if dst in seen:
                continue
            seen.add(dst)
            if dst in self._by_index:
                out.append(self._by_index[dst])
            elif dst in self._outputs:
                todo += [d for lab, d in self._out.get(dst, []) if lab == "value"]
        return list(dict.fromkeys(out))

    def sources(self, block: Block, label: str) -> list[Block]:
        """Blocks whose attribute ``label`` (or anything under it) references ``block``."""
        out = [
            self._by_index[src]
            for lab, src in self._in.get(block.index, [])
            if (lab == label or lab.startswith(label + ".")) and src in self._by_index
        ]
        return list(dict.fromkeys(out))

    def referrers(self, block: Block) -> list[Block]:
        """Blocks that reference ``block`` through any attribute."""
        out = [self._by_index[src] for _, src in self._in.get(block.index, []) if src in self._by_index]
        return list(dict.fromkeys(out))

    def lookup(self, scope: Scope, ref: str) -> Block | None:
        """The block ``ref`` (``aws_x.y`` / ``data.aws_x.y``, a ``[index]`` ignored) in ``scope``."""
        ref = re.sub(r"\[[^\]]*\]", "", ref)
        return self._by_ref.get((scope, ref))

    def find(self, btype: str, scope: Scope, key: str, value: Any) -> list[Block]:
        """Blocks of ``btype`` in ``scope`` whose attribute ``key`` equals ``value``."""
        return [b for b in self.blocks if b.type == btype and b.scope == scope and b.attr(key) == value]

    def resolve_ref(self, scope: Scope, reference: str) -> tuple[Block, str] | None:
        """``aws_x.y.attr`` -> (block, ``attr``) when the block is in ``scope``."""
        ref, _, attribute = reference.rpartition(".")
        block = self.lookup(scope, ref)
        return (block, attribute) if block is not None else None

    def substitute(self, text: str, scope: Scope) -> str | None:
        """``text`` (written in ``scope``) with every reference replaced by its known value; None when
        any stays unknown."""
        failed = False

        def repl(match: re.Match[str]) -> str:
            nonlocal failed
            found = self.resolve_ref(
                scope, match.group(1) if match.re is _INTERPOLATED_REF_RE else match.group(0)
            )
            value = _arn_templates(*found) if found else None
            if value is None:
                failed = True
                return ""
            return value

        out = _INTERPOLATED_REF_RE.sub(repl, text)
        out = REFERENCE_RE.sub(repl, out)
        if failed or is_unknown(out):
            return None
        return out
