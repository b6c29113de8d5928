"""Rule 8: helpers over operator policies (any policy that allows ``ecs:ExecuteCommand`` or ``ssm:StartSession``)."""

from __future__ import annotations

from checkov.common.models.enums import CheckResult

from exec_checks.iam import PolicyHolder, documents_of_role, roles_of, target_hit
from exec_checks.model import TfModel
from exec_checks.policy import resource_matches

EXEC = "ecs:ExecuteCommand"
START_SESSION = "ssm:StartSession"
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
