"""ECS pieces of the graph: a cluster's exec configuration, service -> task definition -> task
role, and container definitions (a ``jsonencode``'d literal, rendered by checkov).

Values are literal strings, ``None`` (absent) or :data:`exec_checks.values.UNKNOWN`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from checkov.common.models.enums import CheckResult

from exec_checks.iam import RoleKey, role_key
from exec_checks.model import Block, TfModel
from exec_checks.policy import Resolver
from exec_checks.values import (
    UNKNOWN,
    Unknown,
    as_bool,
    attr,
    blocks,
    is_unknown,
    unrendered_jsonencode,
    unwrap,
)
from iampolicy.actions import SSM_CHANNEL_ACTIONS

Value = str | None | Unknown

#: The four actions of the SSM agent's channels (from the one catalogue).
SSM_ACTIONS = SSM_CHANNEL_ACTIONS
_LOG_PATH = "configuration.execute_command_configuration.log_configuration"


def literal(value: Any, resolve: Resolver | None = None) -> Value:
    """A rendered attribute value as a literal string (references substituted by ``resolve`` when
    given), None when absent, UNKNOWN otherwise."""
    value = unwrap(value)
    if value is None:
        return None
    if isinstance(value, str) and is_unknown(value) and resolve is not None:
        value = resolve(value)
    if isinstance(value, str) and not is_unknown(value):
        return value
    return UNKNOWN


@dataclass(frozen=True)
class ExecConfig:
    """``configuration.execute_command_configuration`` of one cluster (``present`` False when absent)."""

    present: bool
    has_log_configuration: bool = False
    kms_key_id: Value = None
    logging: Value = None
    log_group: Value = None
    cloud_watch_encryption: bool | None = None
    bucket: Value = None
    key_prefix: Value = None
    s3_encryption: bool | None = None

    @property
    def logs_sessions(self) -> bool:
        """True when sessions are logged (``logging = OVERRIDE`` with a destination)."""
        return (
            self.present
            and self.logging == "OVERRIDE"
            and (self.log_group is not None or self.bucket is not None)
        )


def exec_config(conf: dict[str, Any], resolve: Resolver | None = None) -> ExecConfig:
    """The exec configuration of an ``aws_ecs_cluster``'s checkov config; references are
    substituted by ``resolve`` (graph checks pass :meth:`TfModel.substitute`), else unknown."""
    configuration = blocks(conf, "configuration")
    ecc = blocks(configuration[0], "execute_command_configuration") if configuration else []
    if not ecc:
        return ExecConfig(present=False)
    e = ecc[0]
    logs = blocks(e, "log_configuration")
    lc = logs[0] if logs else {}
    return ExecConfig(
        present=True,
        has_log_configuration=bool(logs),
        kms_key_id=literal(e.get("kms_key_id"), resolve),
        logging=literal(e.get("logging")),
        log_group=literal(lc.get("cloud_watch_log_group_name"), resolve),
        cloud_watch_encryption=as_bool(attr(lc, "cloud_watch_encryption_enabled")),
        bucket=literal(lc.get("s3_bucket_name"), resolve),
        key_prefix=literal(lc.get("s3_key_prefix")),
        s3_encryption=as_bool(attr(lc, "s3_bucket_encryption_enabled")),
    )


def cluster_exec_config(model: TfModel, cluster: Block) -> ExecConfig:
    """:func:`exec_config` of a cluster block, references resolved on the graph (once per model)."""
    return model.memo(
        ("exec_config", cluster.index),
        lambda: exec_config(cluster.config, lambda text: model.substitute(text, cluster.scope)),
    )


def _named(
    model: TfModel, cluster: Block, label: str, btype: str, key: str, name: Value
) -> Block | Unknown | None:
    """The block of ``btype`` the cluster's attribute names: by edge, else by literal ``key`` in the
    same module; UNKNOWN when the name is unknown or no block of this module has it."""
    targets = [t for t in model.targets(cluster, f"{_LOG_PATH}.{label}") if t.type == btype]
    if len(targets) == 1:
        return targets[0]
    if name is None:
        return None
    if isinstance(name, Unknown):
        return UNKNOWN
    found = model.find(btype, cluster.scope, key, name)
    return found[0] if len(found) == 1 else UNKNOWN


def encryption_flag_result(cluster: Block, enabled: bool | None, arg: str) -> CheckResult | None:
    """Result of the cluster's ``log_configuration`` flag ``arg`` (``cloud_watch_encryption_enabled``,
    ``s3_bucket_encryption_enabled``) whose resolved value is ``enabled``: None when it is true (the
    caller goes on to the destination), FAILED when false or absent, UNKNOWN when it cannot be known."""
    if enabled is True:
        return None
    e = blocks(blocks(cluster.config, "configuration")[0], "execute_command_configuration")[0]
    lc = blocks(e, "log_configuration")
    raw = lc[0].get(arg) if lc else None
    return CheckResult.UNKNOWN if raw is not None and is_unknown(raw) else CheckResult.FAILED


def log_group_of(model: TfModel, cluster: Block) -> Block | Unknown | None:
    """The ``aws_cloudwatch_log_group`` the cluster's exec logging names."""
    cfg = cluster_exec_config(model, cluster)
    return _named(
        model, cluster, "cloud_watch_log_group_name", "aws_cloudwatch_log_group", "name", cfg.log_group
    )


def bucket_of(model: TfModel, cluster: Block) -> Block | Unknown | None:
    """The ``aws_s3_bucket`` the cluster's exec logging names."""
    cfg = cluster_exec_config(model, cluster)
    return _named(model, cluster, "s3_bucket_name", "aws_s3_bucket", "bucket", cfg.bucket)


def exec_log_group_names(model: TfModel, root: str) -> tuple[set[str], bool]:
    """Names of the exec log groups of every cluster under root module folder ``root``, and whether
    one of them is unknown."""
    names: set[str] = set()
    unknown = False
    for cluster in model.of_type("aws_ecs_cluster"):
        if cluster.root != root:
            continue
        cfg = cluster_exec_config(model, cluster)
        if isinstance(cfg.log_group, str):
            names.add(cfg.log_group)
        elif isinstance(cfg.log_group, Unknown):
            unknown = True
    return names, unknown


def bucket_sse(model: TfModel, bucket: Block) -> dict[str, Any] | Unknown | None:
    """Default encryption of a bucket: the ``apply_server_side_encryption_by_default`` block of its
    ``aws_s3_bucket_server_side_encryption_configuration`` (or legacy inline block); None when none."""
    configs = [
        c
        for c in model.of_type("aws_s3_bucket_server_side_encryption_configuration")
        if bucket in model.targets(c, "bucket")
        or (c.scope == bucket.scope and c.attr("bucket") == bucket.attr("bucket"))
    ]
    holders = [c.config for c in configs] or blocks(bucket.config, "server_side_encryption_configuration")
    for holder in holders:
        for rule in blocks(holder, "rule"):
            default = blocks(rule, "apply_server_side_encryption_by_default")
            if default:
                return default[0]
    return None


def services(model: TfModel) -> list[Block]:
    """Every ``aws_ecs_service``."""
    return [b for b in model.of_type("aws_ecs_service") if b.kind == "resource"]


def exec_enabled(service: Block) -> bool | None:
    """``enable_execute_command`` of a service (False when absent, None when unknown)."""
    value = service.attr("enable_execute_command")
    return False if value is None else as_bool(value)


def task_definition_of(model: TfModel, service: Block) -> Block | Unknown | None:
    """The task definition a service uses (by reference, or by literal family in the same module)."""
    targets = [t for t in model.targets(service, "task_definition") if t.type == "aws_ecs_task_definition"]
    if len(targets) == 1:
        return targets[0]
    name = literal(service.config.get("task_definition"))
    if name is None:
        return None
    if isinstance(name, str):
        family = name.rsplit("/", 1)[-1].split(":", 1)[0]
        found = model.find("aws_ecs_task_definition", service.scope, "family", family)
        if len(found) == 1:
            return found[0]
    return UNKNOWN


def task_role_of(model: TfModel, task_definition: Block) -> RoleKey | Unknown | None:
    """The task role (a :func:`exec_checks.iam.role_key`) of a task definition; None without one."""
    targets = [t for t in model.targets(task_definition, "task_role_arn") if t.type == "aws_iam_role"]
    if len(targets) == 1:
        return role_key(targets[0])
    value = literal(task_definition.config.get("task_role_arn"))
    if isinstance(value, str):
        return (task_definition.root, value.rsplit("/", 1)[-1])
    return value


def containers(task_definition: Block) -> list[dict[str, Any]] | Unknown:
    """The container definitions (a list of dicts), UNKNOWN when not a literal."""
    value = unrendered_jsonencode(unwrap(task_definition.config.get("container_definitions")))
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return UNKNOWN
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(c, dict) for c in value):
        return UNKNOWN
    return value


def env_names(container: dict[str, Any]) -> set[str] | Unknown:
    """Names of a container definition's ``environment`` and ``secrets`` entries; UNKNOWN when one
    of them is not a ``{"name": "<string>", ...}`` object (ECS would refuse it; we cannot judge it)."""
    names: set[str] = set()
    for key in ("environment", "secrets"):
        entries = container.get(key)
        if entries is None:
            continue
        if not isinstance(entries, list):
            return UNKNOWN
        for entry in entries:
            name = entry.get("name") if isinstance(entry, dict) else None
            if not isinstance(name, str) or is_unknown(name):
                return UNKNOWN
            names.add(name)
    return names


def awslogs_group(container: dict[str, Any]) -> Value:
    """The ``logConfiguration.options["awslogs-group"]`` of a container definition: None when it
    has none, UNKNOWN when it is not a literal string or the structure is not ECS's."""
    config = container.get("logConfiguration")
    if config is None:
        return None
    if not isinstance(config, dict):
        return UNKNOWN
    options = config.get("options")
    if options is None:
        return None
    if not isinstance(options, dict):
        return UNKNOWN
    return literal(options.get("awslogs-group"))


def clusters_of_role(model: TfModel, key: RoleKey) -> list[Block]:
    """Clusters running a service whose task definition's task role is ``key``."""
    out: list[Block] = []
    for service in services(model):
        td = task_definition_of(model, service)
        if isinstance(td, Block) and task_role_of(model, td) == key:
            out += [t for t in model.targets(service, "cluster") if t.type == "aws_ecs_cluster"]
    return list(dict.fromkeys(out))
