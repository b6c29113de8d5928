"""Where policies live in Terraform and which role they end up on, read from checkov's graph.

A *holder* is the resource a policy finding is reported on: ``aws_iam_policy``,
``aws_iam_role_policy``, ``aws_iam_user_policy``, ``aws_iam_group_policy`` (their ``policy``), or
``aws_iam_role`` (its ``inline_policy`` blocks). A ``policy`` that is a reference to an
``aws_iam_policy_document`` data source is read from that data source.

Roles are identified by :func:`role_key`: the role's root module folder with its name when known,
else with ``@<address>`` (two roots of one scanned tree may both hold a role of that name).
"""

from __future__ import annotations

from dataclasses import dataclass

from exec_checks.managed import aws_managed_document
from exec_checks.model import Block, TfModel
from exec_checks.outputs import resolve_module_outputs
from exec_checks.policy import (
    PolicyDocument,
    Resolver,
    from_json,
    from_policy_document_block,
    resource_matches,
)
from exec_checks.values import REFERENCE_RE, as_list, blocks, is_unknown, unrendered_jsonencode
from exec_checks.written import as_written

#: A role's identity: (root module folder, role name or ``@<address>``).
RoleKey = tuple[str, str]

HOLDER_TYPES = (
    "aws_iam_policy",
    "aws_iam_role_policy",
    "aws_iam_user_policy",
    "aws_iam_group_policy",
    "aws_iam_role",
)


@dataclass(frozen=True)
class PolicyHolder:
    """A policy document and the resource holding it."""

    block: Block
    document: PolicyDocument


def read_policy(model: TfModel, block: Block, value: object, label: str) -> PolicyDocument:
    """The document of ``block``'s attribute ``label`` whose rendered value is ``value``."""

    def resolve(text: str) -> str | None:
        return model.substitute(text, block.scope)

    if isinstance(value, str) and REFERENCE_RE.fullmatch(value.strip().removeprefix("${").removesuffix("}")):
        docs = [t for t in model.targets(block, label) if t.type == "aws_iam_policy_document"]
        return data_source_document(model, docs[0]) if len(docs) == 1 else PolicyDocument((), unknown=True)
    return as_written(
        _literal_document(resolve_module_outputs(model, block, unrendered_jsonencode(value)), resolve), block
    )


def _literal_document(value: object, resolve: Resolver) -> PolicyDocument:
    value = unrendered_jsonencode(value)
    if isinstance(value, str) and is_unknown(value):
        return PolicyDocument((), unknown=True)
    return from_json(value, resolve)


def data_source_document(model: TfModel, doc: Block, _seen: frozenset[str] = frozenset()) -> PolicyDocument:
    """The merged document of an ``aws_iam_policy_document`` data source: its ``statement`` blocks
    layered over its ``source_policy_documents`` and under its ``override_policy_documents``
    (each a ``data.aws_iam_policy_document.<name>.json`` of the same module, read the same way, or a
    literal / ``jsonencode``'d document); unknown when one of them cannot be read."""

    def resolve(text: str) -> str | None:
        return model.substitute(text, doc.scope)

    def layer(label: str) -> list[PolicyDocument]:
        out = []
        for item in as_list(doc.config.get(label)):
            ref = item.strip().removeprefix("${").removesuffix("}") if isinstance(item, str) else ""
            if REFERENCE_RE.fullmatch(ref):
                source, _, attribute = ref.rpartition(".")
                found = model.lookup(doc.scope, source)
                if (
                    found is None
                    or found.type != "aws_iam_policy_document"
                    or attribute not in ("json", "minified_json")
                    or found.identity in _seen
                ):
                    out.append(PolicyDocument((), unknown=True))
                else:
                    out.append(data_source_document(model, found, _seen | {doc.identity}))
            else:
                out.append(_literal_document(item, resolve))
        return out

    return from_policy_document_block(
        doc.config, resolve, layer("source_policy_documents"), layer("override_policy_documents")
    )


def policy_holders(model: TfModel) -> list[PolicyHolder]:
    """Every policy document of the graph with its holder (a role once per inline policy)."""
    out: list[PolicyHolder] = []
    for block in model.of_type(*HOLDER_TYPES):
        if block.kind != "resource":
            continue
        if block.type == "aws_iam_role":
            for inline in blocks(block.config, "inline_policy"):
                out.append(
                    PolicyHolder(
                        block, read_policy(model, block, as_list(inline.get("policy")), "inline_policy")
                    )
                )
            continue
        out.append(PolicyHolder(block, read_policy(model, block, block.attr("policy"), "policy")))
    return out


def role_key(role: Block) -> RoleKey:
    """A role's identity: (its root folder, its name when known, else ``@<address>``)."""
    name = role.attr("name")
    return (role.root, name if isinstance(name, str) and not is_unknown(name) else f"@{role.address}")


def _role_keys(model: TfModel, block: Block, label: str) -> list[RoleKey | None]:
    """Roles named by ``block``'s attribute ``label`` (None for one that cannot be known)."""
    targets = [t for t in model.targets(block, label) if t.type == "aws_iam_role"]
    if targets:
        return [role_key(t) for t in targets]
    out: list[RoleKey | None] = []
    for value in as_list(block.config.get(label)):
        if isinstance(value, str) and not is_unknown(value):
            out.append((block.root, value.rsplit("/", 1)[-1] if value.startswith("arn:") else value))
        else:
            out.append(None)
    return out


def roles_of(model: TfModel, holder: PolicyHolder) -> list[RoleKey | None]:
    """The roles ``holder``'s policy is on (role keys; None for a role that cannot be known)."""
    b = holder.block
    if b.type == "aws_iam_role":
        return [role_key(b)]
    if b.type == "aws_iam_role_policy":
        return _role_keys(model, b, "role")
    if b.type == "aws_iam_policy":
        out: list[RoleKey | None] = []
        for att in model.sources(b, "policy_arn"):
            if att.type == "aws_iam_role_policy_attachment":
                out += _role_keys(model, att, "role")
            elif att.type == "aws_iam_policy_attachment":
                out += _role_keys(model, att, "roles")
        for role in model.sources(b, "managed_policy_arns"):
            if role.type == "aws_iam_role":
                out.append(role_key(role))
        return out
    return []


def documents_of_role(model: TfModel, key: RoleKey) -> tuple[list[PolicyDocument], bool]:
    """The documents on role ``key`` and whether that list is complete (no policy that cannot be read,
    such as an AWS managed policy attached by ARN)."""
    docs: list[PolicyDocument] = []
    complete = True
    for holder in policy_holders(model):
        if key in roles_of(model, holder):
            docs.append(holder.document)
    for att in model.of_type("aws_iam_role_policy_attachment"):
        if key in _role_keys(model, att, "role") and not [
            t for t in model.targets(att, "policy_arn") if t.type == "aws_iam_policy"
        ]:
            managed = aws_managed_document(att.attr("policy_arn"))
            if managed is None:
                complete = False
            else:
                docs.append(managed)
    for role in model.of_type("aws_iam_role"):  # managed_policy_arns given as literal AWS managed ARNs
        if role.kind == "resource" and role_key(role) == key:
            docs += [
                d for d in map(aws_managed_document, as_list(role.config.get("managed_policy_arns"))) if d
            ]
    return docs, complete and not any(d.unknown for d in docs)


def any_allows(docs: list[PolicyDocument], action: str, target: str) -> bool | None:
    """Across the documents of one principal: True if one allows and none denies; None when unknown."""
    results = [d.allows(action, target) for d in docs]
    denied = any(
        st.effect == "Deny" and st.matches_action(action) and target_hit(st.resources, target)
        for d in docs
        for st in d.statements
    )
    if denied:
        return False
    if True in results:
        return True
    return None if None in results else False


def target_hit(resources: tuple[str | None, ...], target: str) -> bool:
    """True when one of the canonical ``resources`` certainly covers ``target``."""
    return any(r is not None and resource_matches(r, target) is True for r in resources)
