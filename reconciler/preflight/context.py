"""What every check sees: the config, the target's facts, the IAM oracle, the client tools,
and small derived lookups (the effective task role, the exec configuration, containers)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from generator.spec import EnvironmentSpec
from iampolicy import Decision
from reconciler.preflight.facts import Facts, Target
from reconciler.preflight.iam import Answer, IamOracle
from reconciler.preflight.tools import Tools

#: Log stream name used to ask about the log-write actions (the agent names streams after the session id).
PROBE_STREAM = "ecs-exec-preflight-session"
#: Task id used in ARNs when the service has no running task.
PLACEHOLDER_TASK_ID = "0123456789abcdef0123456789abcdef"
#: What preflight knows about every request the SSM agent makes: it always uses TLS.
AGENT_CONTEXT = {"aws:SecureTransport": "true"}


@dataclass
class Context:
    """Inputs of the checks: the config, the caller's ``identity`` (STS ``GetCallerIdentity``), the
    resolved target and its facts (None when the target was not resolved, e.g. wrong account),
    the IAM oracle and the client tools. ``halted`` (a reason) makes every non-client check SKIP."""

    spec: EnvironmentSpec
    tools: Tools
    iam: IamOracle
    identity: dict[str, str]
    resolved: Target | None = None
    resolved_facts: Facts | None = None
    halted: str | None = None

    @property
    def target(self) -> Target:
        """The resolved target (RuntimeError when it was not resolved: the runner skips those checks)."""
        if self.resolved is None:
            raise RuntimeError("target not resolved")
        return self.resolved

    @property
    def facts(self) -> Facts:
        """The target's facts (RuntimeError when the target was not resolved)."""
        if self.resolved_facts is None:
            raise RuntimeError("target not resolved")
        return self.resolved_facts

    @property
    def caller_arn(self) -> str:
        """The caller's ARN (an assumed-role session ARN for a role)."""
        return self.identity["Arn"]

    # ---- cluster ----

    @property
    def arn_prefix(self) -> str:
        """``arn:<partition>:ecs:<region>:<account>`` of the target cluster."""
        return self.target.cluster_arn.split(":cluster/")[0]

    @property
    def partition(self) -> str:
        """AWS partition of the cluster ARN (``aws``)."""
        return self.target.cluster_arn.split(":")[1]

    @property
    def account(self) -> str:
        """Account id of the cluster ARN."""
        return self.target.cluster_arn.split(":")[4]

    @property
    def region(self) -> str:
        """Region of the cluster ARN."""
        return self.target.cluster_arn.split(":")[3]

    def exec_config(self) -> dict[str, Any] | None:
        """``configuration.executeCommandConfiguration`` of the cluster, or None."""
        conf = self.target.cluster.execute_command_configuration
        return dict(conf) if conf else None

    def log_config(self) -> dict[str, Any]:
        """``logConfiguration`` of the exec configuration when ``logging`` is OVERRIDE, else ``{}``."""
        conf = self.exec_config() or {}
        return dict(conf.get("logConfiguration") or {}) if conf.get("logging") == "OVERRIDE" else {}

    def kms_key_arn(self) -> str | None:
        """``kmsKeyId`` of the exec configuration (a key id is turned into a key ARN)."""
        key = (self.exec_config() or {}).get("kmsKeyId")
        if not key:
            return None
        return (
            str(key)
            if str(key).startswith("arn:")
            else f"arn:{self.partition}:kms:{self.region}:{self.account}:key/{key}"
        )

    def log_group_name(self) -> str | None:
        """``cloudWatchLogGroupName`` of the OVERRIDE log configuration, or None."""
        return self.log_config().get("cloudWatchLogGroupName")

    def log_group_arn(self) -> str:
        """The exec log group ARN without ``:*`` (from ``DescribeLogGroups``, else built from the name)."""
        name = self.log_group_name()
        group = self.facts.log_group(name) if name else None
        if group is not None and group.arn:
            return group.arn
        return f"arn:{self.partition}:logs:{self.region}:{self.account}:log-group:{name}"

    def bucket(self) -> str | None:
        """``s3BucketName`` of the OVERRIDE log configuration, or None."""
        return self.log_config().get("s3BucketName")

    def bucket_arn(self) -> str:
        """``arn:<partition>:s3:::<bucket>``."""
        return f"arn:{self.partition}:s3:::{self.bucket()}"

    def object_arn(self) -> str:
        """ARN of a transcript object: ``arn:aws:s3:::<bucket>/<s3KeyPrefix><session>.log``."""
        prefix = self.log_config().get("s3KeyPrefix") or ""
        if prefix and not prefix.endswith("/"):
            prefix += "/"
        return f"{self.bucket_arn()}/{prefix}{PROBE_STREAM}.log"

    def bucket_uses_kms(self) -> bool:
        """The transcript bucket's default encryption is SSE-KMS (then the role needs kms:GenerateDataKey)."""
        bucket = self.bucket()
        if not bucket:
            return False
        return str(self.facts.bucket_encryption(bucket).algorithm or "").startswith("aws:kms")

    # ---- task ----

    @property
    def task(self) -> dict[str, Any] | None:
        """The judged task (``DescribeTasks`` shape), or None without a running task."""
        return self.target.task

    def task_arn_for_iam(self) -> str:
        """The task ARN, or ``<arn-prefix>:task/<cluster>/<placeholder>`` without a running task."""
        if self.task is not None:
            return str(self.task["taskArn"])
        return f"{self.arn_prefix}:task/{self.target.cluster_name}/{PLACEHOLDER_TASK_ID}"

    def task_role(self) -> tuple[str | None, str]:
        """The effective task role ARN and where it comes from (``RunTask override`` first)."""
        override = ((self.task or {}).get("overrides") or {}).get("taskRoleArn")
        if override:
            return str(override), "RunTask override"
        td = self.facts.task_definition() or {}
        return (str(td["taskRoleArn"]) if td.get("taskRoleArn") else None), "task definition"

    def task_role_exists(self) -> bool:
        """The effective task role is set and IAM ``GetRole`` finds it."""
        arn, _ = self.task_role()
        return arn is not None and self.iam.get_role(arn.rsplit("/", 1)[-1]) is not None

    def container_definitions(self) -> list[dict[str, Any]]:
        """Container definitions of the task definition (only ``--container`` when given)."""
        defs = list((self.facts.task_definition() or {}).get("containerDefinitions", []))
        if self.target.container:
            defs = [d for d in defs if d.get("name") == self.target.container]
        return defs

    def container_overrides(self, name: str) -> dict[str, Any]:
        """The task's RunTask ``containerOverrides`` entry of container ``name`` (``{}`` when none)."""
        overrides = ((self.task or {}).get("overrides") or {}).get("containerOverrides") or []
        return next((dict(o) for o in overrides if o.get("name") == name), {})

    def launch_type(self) -> str:
        """``FARGATE``, ``EC2`` or ``EXTERNAL`` (a Fargate capacity provider counts as FARGATE)."""
        source = self.task or self.target.service or {}
        if source.get("launchType"):
            return str(source["launchType"])
        provider = str(source.get("capacityProviderName") or "")
        strategy = [s.get("capacityProvider", "") for s in source.get("capacityProviderStrategy", [])]
        return "FARGATE" if "FARGATE" in provider or any("FARGATE" in s for s in strategy) else "EC2"

    # ---- IAM ----

    def ask_all(
        self, principal: str, requests: list[tuple[str, str]], context: dict[str, Any] | None = None
    ) -> list[Answer]:
        """``iam.ask`` for each ``(action, resource)``."""
        return [self.iam.ask(principal, action, resource, context) for action, resource in requests]


def worst(answers: list[Answer]) -> Decision | None:
    """The deciding outcome of several answers, most severe first:
    denied, not-allowed, unevaluable (None), conditional, allowed."""
    order: list[Decision | None] = [
        Decision.DENIED,
        Decision.NOT_ALLOWED,
        None,
        Decision.CONDITIONAL,
        Decision.ALLOWED,
    ]
    return min((a.decision for a in answers), key=order.index) if answers else Decision.ALLOWED
