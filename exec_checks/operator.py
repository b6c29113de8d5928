"""Rule 8: helpers over operator policies (any policy that allows ``ecs:ExecuteCommand`` or ``ssm:StartSession``)."""

from __future__ import annotations

from dataclasses import replace

from checkov.common.models.enums import CheckResult

from exec_checks.base import worst
from exec_checks.ecs import cluster_exec_config
from exec_checks.iam import PolicyHolder, any_allows, documents_of_role, roles_of, target_hit
from exec_checks.model import TfModel
from exec_checks.policy import PolicyDocument, Statement, canonical, resource_matches
from exec_checks.values import Unknown, is_unknown

EXEC = "ecs:ExecuteCommand"
START_SESSION = "ssm:StartSession"
KMS_DATA_KEY = "kms:GenerateDataKey"
VIA_SERVICE = "kms:viaservice"
#: Condition key holding the cluster's ARN (Amazon ECS condition keys:
#: https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerservice.html).
CLUSTER_KEY = "ecs:cluster"
#: An ECS task as an SSM Session Manager target (``arn:aws:ecs:<r>:<a>:task/<cluster>/<id>``).
ECS_TASK_TARGET = "ecs:task/any-cluster/any-task"


def exec_any_resource(holder: PolicyHolder) -> CheckResult | None:
    """FAILED for ``ecs:ExecuteCommand`` on ``*`` with no condition; None when the policy does not grant it."""
    doc = holder.document
    if doc.unknown:
        return None
    stmts = doc.allowing(EXEC)
    if any("*" in st.resources and not st.conditional for st in stmts):
        return CheckResult.FAILED
    if any(None in st.resources for st in stmts):
        return CheckResult.UNKNOWN
    return CheckResult.PASSED if stmts else None


def exec_cluster_only(holder: PolicyHolder) -> CheckResult | None:
    """FAILED when ``ecs:ExecuteCommand`` names a cluster but no ``task/<cluster>/*`` (ECS will deny it)."""
    doc = holder.document
    resources = [r for st in doc.allowing(EXEC) for r in st.resources]
    if doc.unknown or not resources:
        return None
    if None in resources:
        return CheckResult.UNKNOWN
    known = [r for r in resources if r is not None]
    for r in known:
        if r.startswith("ecs:cluster/"):
            task = f"ecs:task/{r.removeprefix('ecs:cluster/')}/any-task"
            if not any(resource_matches(t, task) is True for t in known):
                return CheckResult.FAILED
    return CheckResult.PASSED


def start_session_unguarded(model: TfModel, holder: PolicyHolder) -> CheckResult | None:
    """FAILED for ``ssm:StartSession`` allowed on ``*`` with no Deny of it on ECS task targets (in the
    same policy or another policy of the same role); PASSED when such a Deny exists or the policy
    does not allow it on ``*`` (not at all included); UNKNOWN when an Allow's actions or resources
    cannot be known; None when the document cannot be read."""
    doc = holder.document
    if doc.unknown:
        return None
    allows = [
        st for st in doc.statements if st.effect == "Allow" and st.matches_action(START_SESSION) is not False
    ]
    broad = any(st.matches_action(START_SESSION) and "*" in st.resources for st in allows)
    maybe = any("*" in st.resources or None in st.resources for st in allows)
    if not maybe:
        return CheckResult.PASSED
    docs = [doc]
    for key in roles_of(model, holder):
        if key is not None:
            docs += documents_of_role(model, key)[0]
    denied = any(
        st.effect == "Deny" and st.matches_action(START_SESSION) and target_hit(st.resources, ECS_TASK_TARGET)
        for d in docs
        for st in d.statements
    )
    if denied:
        return CheckResult.PASSED
    return CheckResult.FAILED if broad else CheckResult.UNKNOWN


def _principal_documents(model: TfModel, holder: PolicyHolder) -> list[tuple[list[PolicyDocument], bool]]:
    """The documents to judge ``holder``'s grants with, per principal it is on: the policy alone
    when nothing in the folder attaches it, else each role's union of documents; with whether that
    list is complete (a role that cannot be known or holds an unreadable policy is not)."""
    keys = roles_of(model, holder)
    if not keys:
        # unattached: judged alone; on a user or group (whose other policies are not gathered): incomplete
        on_others = holder.block.type in ("aws_iam_user_policy", "aws_iam_group_policy") or any(
            "attachment" in b.type for b in model.referrers(holder.block)
        )
        return [([holder.document], not on_others)]
    out: list[tuple[list[PolicyDocument], bool]] = []
    for key in keys:
        if key is None:
            out.append(([holder.document], False))
        else:
            docs, complete = documents_of_role(model, key)
            out.append((docs or [holder.document], complete))
    return out


def direct_call(doc: PolicyDocument) -> PolicyDocument:
    """``doc`` as it applies to a KMS request the caller makes itself (the session-manager-plugin
    calls ``kms:GenerateDataKey`` directly): a statement requiring ``kms:ViaService`` with a positive
    operator (no ``IfExists``) never applies, as the key is absent from such a request (AWS KMS
    condition keys, kms:ViaService,
    https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service;
    IAM condition operators: a missing key does not match)."""

    def via_service_only(st: Statement) -> bool:
        return any(
            c.key.lower() == VIA_SERVICE
            and not c.operator.endswith("IfExists")
            and "Not" not in c.base_operator
            and c.base_operator != "Null"
            for c in st.conditions or ()
        )

    if doc.unknown or not any(via_service_only(st) for st in doc.statements):
        return doc
    return replace(doc, statements=tuple(st for st in doc.statements if not via_service_only(st)))


def exec_kms_data_key(model: TfModel, holder: PolicyHolder) -> list[CheckResult]:
    """Per KMS-keyed cluster of the same root into whose tasks ``holder`` allows ``ecs:ExecuteCommand``
    and per principal the policy is on: PASSED when that principal may ``kms:GenerateDataKey`` on
    the cluster's exec key, FAILED when it certainly may not (every session fails at the handshake:
    the CLI encrypts the data channel with that key), UNKNOWN otherwise. Empty when the policy grants
    ``ecs:ExecuteCommand`` into no such cluster."""
    doc = holder.document
    if doc.unknown or not doc.allowing(EXEC):
        return []
    results: list[CheckResult] = []
    for cluster in model.of_type("aws_ecs_cluster"):
        if cluster.root != holder.block.root or cluster.kind != "resource":
            continue
        key = cluster_exec_config(model, cluster).kms_key_id
        name = cluster.attr("name")
        if key is None:
            continue
        if not isinstance(name, str) or is_unknown(name) or isinstance(key, Unknown):
            results.append(CheckResult.UNKNOWN)
            continue
        # into its tasks, or on the cluster only (``aws_ecs_cluster.x.arn``; ECSX_015 warns of the task)
        on_tasks = doc.allows(EXEC, f"ecs:task/{name}/any-task")
        reaches = True if on_tasks or doc.allows(EXEC, f"ecs:cluster/{name}") else on_tasks
        if reaches is False:
            continue
        for docs, complete in _principal_documents(model, holder):
            granted = any_allows([direct_call(d) for d in docs], KMS_DATA_KEY, canonical(key))
            if reaches is None or granted is None or (granted is False and not complete):
                results.append(CheckResult.UNKNOWN)
            else:
                results.append(CheckResult.PASSED if granted else CheckResult.FAILED)
    return results


def _arn_like(value: str, operator: str) -> bool:
    """A value that can name a cluster ARN: an ARN, or for a ``...Like`` operator a pattern that
    starts with a wildcard."""
    return value.startswith("arn:") or ("Like" in operator and value.startswith(("*", "?")))


def cluster_condition_arns(holder: PolicyHolder) -> CheckResult | None:
    """``ecs:cluster`` holds the cluster ARN (Amazon ECS condition keys): a String or Arn condition
    (any form: ``IfExists``, ``ForAnyValue:``, negated) comparing it with a value that is not an ARN
    (``"payments"``) never matches (or always does, negated). FAILED for such a value, UNKNOWN for a
    value only known at plan time, PASSED when every value is an ARN; None without such a condition."""
    doc = holder.document
    if doc.unknown:
        return None
    results: list[CheckResult] = []
    for st in doc.statements:
        conds = st.conditions_on(CLUSTER_KEY)
        if conds is None:
            results.append(CheckResult.UNKNOWN)
            continue
        for cond in conds:
            if not cond.base_operator.startswith(("String", "Arn")):
                continue
            for value, raw in zip(cond.values, cond.raw, strict=True):
                known = value if value is not None else raw if isinstance(raw, str) else None
                if known is not None and _arn_like(known, cond.base_operator):
                    results.append(CheckResult.PASSED)
                elif value is None:
                    results.append(CheckResult.UNKNOWN)
                else:
                    results.append(CheckResult.FAILED)
    return worst(results) if results else None
