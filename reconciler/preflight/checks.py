"""The preflight checks, one small function each, in the order they run (:data:`CHECKS`).

Each check has a stable id (``<group>.<name>``), takes the :class:`Context` and returns an
:class:`Outcome` (PASS / WARN / FAIL / SKIP with reason and fix). Checks read AWS only through
``ctx.facts`` and ``ctx.iam`` (which declare their permissions); a read that fails is turned into
a WARN by the runner. The questions follow the public ``amazon-ecs-exec-checker`` script, plus
what it misses (RunTask role override, log-write scope, key and bucket policies, pidMode).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from generator.expected import expected_execute_command_configuration
from generator.permissions import (
    OPERATOR_DENIED_ACTIONS,
    OPERATOR_EXEC_ACTIONS,
    OPERATOR_KMS_ACTIONS,
    TASK_ROLE_KMS_ACTIONS,
    TASK_ROLE_KMS_S3_ACTIONS,
    TASK_ROLE_LOGS_LIST_ACTIONS,
    TASK_ROLE_LOGS_WRITE_ACTIONS,
    TASK_ROLE_S3_BUCKET_ACTIONS,
    TASK_ROLE_S3_OBJECT_ACTIONS,
    TASK_ROLE_SSM_ACTIONS,
)
from generator.spec import ExecMode
from iampolicy import Decision, evaluate, parse_policy
from reconciler.preflight.context import AGENT_CONTEXT, PROBE_STREAM, Context, worst
from reconciler.preflight.iam import Answer
from reconciler.preflight.model import Outcome, fail, passed, skip, warn
from reconciler.preflight.tools import (
    AWS_CLI_INSTALL_HINT,
    MIN_AWS_CLI,
    PLUGIN_INSTALL_HINT,
    aws_cli_supports_exec,
    fmt_version,
    parse_aws_cli_version,
)

CheckFn = Callable[[Context], Outcome]

#: Oldest ECS container agent (Linux) with ECS Exec; Fargate needs platform version 1.4.0.
MIN_AGENT_VERSION = (1, 50, 2)
MIN_FARGATE_PLATFORM = (1, 4, 0)
CREDENTIAL_VARIABLES = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")


@dataclass(frozen=True)
class Check:
    """A check: stable ``id``, ``group`` (``client``/``caller``/``cluster``/``service``/``task``), function."""

    id: str
    group: str
    run: CheckFn


def _version(text: str) -> tuple[int, ...] | None:
    m = re.match(r"^v?(\d+)\.(\d+)\.(\d+)", text)
    return tuple(int(g) for g in m.groups()) if m else None


def _iam_outcome(answers: list[Answer], who: str, fix: str, *, unevaluable: str) -> Outcome:
    """Turn IAM answers into an outcome: all allowed PASS; a denial FAIL; conditional or unevaluable WARN."""
    decision = worst(answers)
    if decision is Decision.ALLOWED:
        return passed(f"{who} may {', '.join(sorted({a.action for a in answers}))}")
    # one line per distinct problem (the same unreadable principal answers every question alike)
    problems = "; ".join(dict.fromkeys(a.explanation for a in answers if a.decision is not Decision.ALLOWED))
    if decision in (Decision.DENIED, Decision.NOT_ALLOWED):
        return fail(f"{who}: {problems}", fix)
    if decision is None:
        return warn(f"{who}: cannot be evaluated: {problems}", unevaluable)
    return warn(f"{who}: {problems} (conditions not evaluated: check them)", fix)


# ---------------------------------------------------------------- client


def client_aws_cli(ctx: Context) -> Outcome:
    """AWS CLI present and new enough for ``ecs execute-command`` (``aws --version``)."""
    path = ctx.tools.which("aws")
    if path is None:
        return warn(
            "aws (AWS CLI) not found on PATH: `aws ecs execute-command` is not available",
            AWS_CLI_INSTALL_HINT,
        )
    code, out = ctx.tools.run([path, "--version"])
    version = parse_aws_cli_version(out)
    if code != 0 or version is None:
        return warn(
            f"`aws --version` gave no version (exit {code}): {out.strip()[:80]}", AWS_CLI_INSTALL_HINT
        )
    if not aws_cli_supports_exec(version):
        minimum = fmt_version(MIN_AWS_CLI.get(version[0], MIN_AWS_CLI[2]))
        return fail(
            f"AWS CLI {fmt_version(version)} has no `ecs execute-command` (needs >= {minimum})",
            AWS_CLI_INSTALL_HINT,
        )
    return passed(f"AWS CLI {fmt_version(version)} at {path}")


def client_session_manager_plugin(ctx: Context) -> Outcome:
    """``session-manager-plugin`` on PATH (the most common failure: the CLI needs it for every session)."""
    path = ctx.tools.which("session-manager-plugin")
    if path is None:
        return fail(
            "session-manager-plugin not found on PATH: every execute-command fails", PLUGIN_INSTALL_HINT
        )
    code, out = ctx.tools.run([path, "--version"])
    first = out.strip().splitlines()[0][:120] if out.strip() else ""
    if code != 0:  # e.g. a binary for another architecture ("Exec format error"), or a broken install
        return warn(
            f"session-manager-plugin at {path} does not run (`--version` exit {code}): {first or 'no output'}",
            PLUGIN_INSTALL_HINT,
        )
    return passed(f"session-manager-plugin {first or 'version unknown'} at {path}")


# ---------------------------------------------------------------- caller


def caller_identity(ctx: Context) -> Outcome:
    """Credentials work (STS ``GetCallerIdentity``) and belong to the config's ``account_id``."""
    ident = ctx.identity
    if ident["Account"] != ctx.spec.account_id:
        return fail(
            f"credentials are for account {ident['Account']} ({ident['Arn']}), the config expects {ctx.spec.account_id}",
            f"use credentials (AWS_PROFILE) of account {ctx.spec.account_id}",
        )
    return passed(f"{ident['Arn']} in account {ident['Account']}")


def _containers_to_judge(ctx: Context) -> list[str]:
    return [str(d["name"]) for d in ctx.container_definitions()] or [ctx.target.container or "*"]


def caller_ecs_execute_command(ctx: Context) -> Outcome:
    """The caller may ``ecs:ExecuteCommand`` on the task (and the cluster), per container."""
    caller = ctx.caller_arn
    fix = "use an operator role of this environment (access.operators) that covers this cluster and container"
    per_container: dict[str, list[Answer]] = {}
    for name in _containers_to_judge(ctx):
        context = {"ecs:container-name": name}
        per_container[name] = ctx.ask_all(
            caller,
            [(a, r) for a in OPERATOR_EXEC_ACTIONS for r in (ctx.task_arn_for_iam(), ctx.target.cluster_arn)],
            context,
        )
    allowed = [n for n, answers in per_container.items() if worst(answers) is Decision.ALLOWED]
    if ctx.target.container is None and allowed:
        return passed(f"{caller} may exec into container(s) {', '.join(allowed)}")
    answers = [a for name in per_container for a in per_container[name]]
    return _iam_outcome(
        answers, caller, fix, unevaluable="grant the caller iam:Get*/List* on itself, or check by hand"
    )


def caller_kms_generate_data_key(ctx: Context) -> Outcome:
    """With a session key: the caller may ``kms:GenerateDataKey`` on it."""
    key = ctx.kms_key_arn()
    if key is None:
        return skip("the cluster's exec configuration has no kmsKeyId")
    caller = ctx.caller_arn
    answers = ctx.ask_all(caller, [(a, key) for a in OPERATOR_KMS_ACTIONS])
    fix = f"allow kms:GenerateDataKey on {key} to the caller (operator role)"
    return _iam_outcome(answers, caller, fix, unevaluable="check the caller's KMS permissions by hand")


def caller_ssm_start_session(ctx: Context) -> Outcome:
    """Warn when the caller may ``ssm:StartSession`` on ECS targets (bypasses ECS Exec's controls)."""
    caller = ctx.caller_arn
    answers = ctx.ask_all(caller, [(a, ctx.task_arn_for_iam()) for a in OPERATOR_DENIED_ACTIONS])
    decision = worst(answers)
    if decision in (Decision.DENIED, Decision.NOT_ALLOWED):
        return passed(f"{caller} may not ssm:StartSession on ECS tasks")
    detail = "; ".join(dict.fromkeys(a.explanation for a in answers))
    fix = "deny ssm:StartSession on arn:aws:ecs:*:*:task/* to the caller (the operator policy does)"
    if decision is None:
        return warn(f"cannot be evaluated: {detail}", fix)
    return warn(f"{caller} may open SSM sessions to ECS tasks, bypassing ECS Exec's controls: {detail}", fix)


# ---------------------------------------------------------------- cluster


def _config_diffs(ctx: Context, conf: dict[str, Any]) -> list[str]:
    configured_key = ctx.spec.exec_logging.kms.key_arn
    expected = expected_execute_command_configuration(ctx.spec, ctx.target.cluster_name, configured_key or "")
    diffs = []
    if configured_key is not None and conf.get("kmsKeyId") != configured_key:
        diffs.append("kmsKeyId")
    live_logs = conf.get("logConfiguration") or {}
    for key, value in expected["logConfiguration"].items():
        if live_logs.get(key) != value:
            diffs.append(f"logConfiguration.{key}")
    return diffs


def cluster_exec_configuration(ctx: Context) -> Outcome:
    """``executeCommandConfiguration`` present (``DescribeClusters`` with ``include=["CONFIGURATIONS"]``),
    logging OVERRIDE with a KMS key, and as the config file wants it."""
    conf = ctx.exec_config()
    fix = f"ecs-exec apply --env {ctx.spec.environment} (or ecs-exec drift fix)"
    if conf is None:
        return fail(
            "the cluster has no executeCommandConfiguration: sessions are neither logged nor encrypted with your key",
            fix,
        )
    logging = conf.get("logging") or "DEFAULT"
    if logging == "NONE":
        return fail("executeCommandConfiguration.logging is NONE: no transcript is kept", fix)
    if logging == "OVERRIDE" and not conf.get("logConfiguration"):
        return fail("logging is OVERRIDE without a logConfiguration", fix)
    problems = []
    if logging == "DEFAULT":
        problems.append("logging is DEFAULT (the container's awslogs, not the dedicated exec log group)")
    if not conf.get("kmsKeyId"):
        problems.append("no kmsKeyId (sessions are not encrypted with your key)")
    diffs = _config_diffs(ctx, conf) if logging == "OVERRIDE" else []
    if diffs:
        problems.append(f"differs from the config file: {', '.join(diffs)}")
    if problems:
        return warn("; ".join(problems), fix)
    return passed(f"logging OVERRIDE, kmsKeyId {conf['kmsKeyId']}")


def cluster_kms_key(ctx: Context) -> Outcome:
    """The session key (``kmsKeyId``) exists and is ``Enabled`` (``DescribeKey``): disabled or pending
    deletion, every session fails, and the transcripts kept so far go with it once deleted."""
    key = ctx.kms_key_arn()
    if key is None:
        return skip("the cluster's exec configuration has no kmsKeyId")
    meta = ctx.facts.key_metadata(key)
    if meta is None:
        return fail(
            f"KMS key {key} does not exist: every session fails",
            f"ecs-exec apply --env {ctx.spec.environment} (or point kmsKeyId at an existing key)",
        )
    state = str(meta.get("KeyState") or ("Enabled" if meta.get("Enabled", True) else "Disabled"))
    if state == "Enabled":
        return passed(f"KMS key {key} is Enabled")
    when = f", deletion on {meta['DeletionDate']:%Y-%m-%d}" if meta.get("DeletionDate") else ""
    cancel = f"aws kms cancel-key-deletion --key-id {key} && " if state == "PendingDeletion" else ""
    return fail(
        f"KMS key {key} is {state}{when}: every session fails", f"{cancel}aws kms enable-key --key-id {key}"
    )


def cluster_log_group(ctx: Context) -> Outcome:
    """The exec log group exists and, with ``cloudWatchEncryptionEnabled``, has a KMS key."""
    name = ctx.log_group_name()
    if not name:
        return skip("no CloudWatch logging in the exec configuration")
    group = ctx.facts.log_group(name)
    fix = f"ecs-exec apply --env {ctx.spec.environment} (creates {name} with the exec KMS key)"
    if group is None:
        return fail(f"log group {name} does not exist: the agent cannot start the session", fix)
    if ctx.log_config().get("cloudWatchEncryptionEnabled") and not group.get("kmsKeyId"):
        return fail(
            f"log group {name} has no KMS key but cloudWatchEncryptionEnabled is true: the agent refuses the session",
            fix,
        )
    return passed(
        f"log group {name}" + (f" encrypted with {group['kmsKeyId']}" if group.get("kmsKeyId") else "")
    )


def cluster_s3_bucket(ctx: Context) -> Outcome:
    """The transcript bucket exists and, with ``s3EncryptionEnabled``, has default encryption."""
    bucket = ctx.bucket()
    if not bucket:
        return skip("no S3 logging in the exec configuration")
    enc = ctx.facts.bucket_encryption(bucket)
    fix = f"ecs-exec apply --env {ctx.spec.environment} (creates {bucket} with SSE-KMS)"
    if not enc.exists:
        return fail(f"bucket {bucket} does not exist: transcripts cannot be uploaded", fix)
    if ctx.log_config().get("s3EncryptionEnabled") and enc.algorithm is None:
        return fail(
            f"bucket {bucket} has no default encryption but s3EncryptionEnabled is true: uploads fail", fix
        )
    return passed(f"bucket {bucket}" + (f" encrypted with {enc.algorithm}" if enc.algorithm else ""))


# ---------------------------------------------------------------- task role


def task_role(ctx: Context) -> Outcome:
    """The effective task role (RunTask override first, else the task definition's) exists."""
    arn, source = ctx.task_role()
    if arn is None:
        return fail(
            "the task has no task role: the SSM agent has no credentials",
            "set taskRoleArn in the task definition",
        )
    if not ctx.task_role_exists():
        return fail(
            f"task role {arn} (from the {source}) does not exist", f"create the role or fix the {source}"
        )
    role = ctx.iam.get_role(arn.rsplit("/", 1)[-1]) or {}
    boundary = (role.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn")
    note = f"; permissions boundary {boundary} is not evaluated" if boundary else ""
    return passed(f"{arn} (from the {source}){note}")


def _role_check(ctx: Context, requests: list[tuple[str, str]], fix: str) -> Outcome:
    arn, _ = ctx.task_role()
    if arn is None or not ctx.task_role_exists():
        return skip("no task role to evaluate (see task.role)")
    answers = ctx.ask_all(arn, requests, AGENT_CONTEXT)
    return _iam_outcome(
        answers, f"task role {arn}", fix, unevaluable="grant the caller iam:Get*/List* on the task role"
    )


def _policy_fix(ctx: Context) -> str:
    return f"attach {ctx.spec.task_exec_policy_name(ctx.target.cluster_name)} (rendered by ecs-exec render) to the task role"


def task_role_ssmmessages(ctx: Context) -> Outcome:
    """The task role allows the four ``ssmmessages`` channel actions (Resource ``*``)."""
    return _role_check(ctx, [(a, "*") for a in TASK_ROLE_SSM_ACTIONS], _policy_fix(ctx))


def task_role_logs_describe(ctx: Context) -> Outcome:
    """``logs:DescribeLogGroups`` evaluated against a literal ``*`` (scoped to the group, the agent
    refuses the session with "encryption is not set up")."""
    if not ctx.log_group_name():
        return skip("no CloudWatch logging in the exec configuration")
    return _role_check(ctx, [(a, "*") for a in TASK_ROLE_LOGS_LIST_ACTIONS], _policy_fix(ctx))


def task_role_logs_write(ctx: Context) -> Outcome:
    """The log-write actions evaluated against ``<group-arn>:log-stream:<name>``."""
    if not ctx.log_group_name():
        return skip("no CloudWatch logging in the exec configuration")
    stream = f"{ctx.log_group_arn()}:log-stream:{PROBE_STREAM}"
    return _role_check(ctx, [(a, stream) for a in TASK_ROLE_LOGS_WRITE_ACTIONS], _policy_fix(ctx))


def task_role_s3(ctx: Context) -> Outcome:
    """``s3:PutObject`` on a transcript object and ``s3:GetEncryptionConfiguration`` on the bucket."""
    if not ctx.bucket():
        return skip("no S3 logging in the exec configuration")
    requests = [(a, ctx.object_arn()) for a in TASK_ROLE_S3_OBJECT_ACTIONS]
    requests += [(a, ctx.bucket_arn()) for a in TASK_ROLE_S3_BUCKET_ACTIONS]
    return _role_check(ctx, requests, _policy_fix(ctx))


def _kms_actions(ctx: Context) -> tuple[str, ...]:
    return TASK_ROLE_KMS_ACTIONS + (TASK_ROLE_KMS_S3_ACTIONS if ctx.bucket_uses_kms() else ())


def task_role_kms(ctx: Context) -> Outcome:
    """``kms:Decrypt`` on the session key, plus ``kms:GenerateDataKey`` when the bucket is SSE-KMS."""
    key = ctx.kms_key_arn()
    if key is None:
        return skip("the cluster's exec configuration has no kmsKeyId")
    return _role_check(ctx, [(a, key) for a in _kms_actions(ctx)], _policy_fix(ctx))


def _resource_policy_outcome(
    ctx: Context, document: Any, name: str, requests: list[tuple[str, str]], *, needs_allow: bool
) -> Outcome:
    arn, _ = ctx.task_role()
    assert arn is not None  # callers skip without a role
    policy = parse_policy(document, name)
    results = [evaluate([policy], a, r, principal=arn, context=AGENT_CONTEXT) for a, r in requests]
    fix = f"remove or narrow the Deny in the {name} so that it does not cover {arn}"
    denied = [r for r in results if r.decision is Decision.DENIED]
    if denied:
        return fail("; ".join(r.explain() for r in denied), fix)
    maybe = [r for r in results if r.may_be_denied]
    if maybe:
        return warn("; ".join(r.explain() for r in maybe) + " (a Deny with conditions not evaluated)", fix)
    if needs_allow:
        missing = [r for r in results if r.decision is not Decision.ALLOWED]
        if missing:
            return fail(
                "; ".join(r.explain() for r in missing)
                + " (neither the role nor the account root is granted)",
                f"grant the account root (IAM delegation) or {arn} in the {name}",
            )
    return passed(f"the {name} does not deny {', '.join(sorted({a for a, _ in requests}))} to the task role")


def task_key_policy(ctx: Context) -> Outcome:
    """The key policy does not deny the task role's KMS actions (and grants them, directly or via the root)."""
    key = ctx.kms_key_arn()
    if key is None:
        return skip("the cluster's exec configuration has no kmsKeyId")
    arn, _ = ctx.task_role()
    if arn is None or not ctx.task_role_exists():
        return skip("no task role to evaluate (see task.role)")
    document = ctx.facts.key_policy(key)
    return _resource_policy_outcome(
        ctx, document, "key policy", [(a, key) for a in _kms_actions(ctx)], needs_allow=True
    )


def task_bucket_policy(ctx: Context) -> Outcome:
    """The bucket policy does not deny the task role's S3 actions."""
    bucket = ctx.bucket()
    if not bucket:
        return skip("no S3 logging in the exec configuration")
    arn, _ = ctx.task_role()
    if arn is None or not ctx.task_role_exists():
        return skip("no task role to evaluate (see task.role)")
    if not ctx.facts.bucket_encryption(bucket).exists:
        return skip(f"bucket {bucket} does not exist (see cluster.s3-bucket)")
    document = ctx.facts.bucket_policy(bucket)
    if document is None:
        return passed(f"bucket {bucket} has no bucket policy")
    requests = [(a, ctx.object_arn()) for a in TASK_ROLE_S3_OBJECT_ACTIONS]
    requests += [(a, ctx.bucket_arn()) for a in TASK_ROLE_S3_BUCKET_ACTIONS]
    return _resource_policy_outcome(ctx, document, "bucket policy", requests, needs_allow=False)


# ---------------------------------------------------------------- service and task runtime


def _window_fix(ctx: Context) -> str:
    cluster = ctx.spec.cluster(ctx.target.cluster_name)
    service = (ctx.target.service or {}).get("serviceName", "<service>")
    if cluster is not None and cluster.exec.mode is ExecMode.NEVER:
        return (
            f"exec is off by policy on this cluster (exec.mode: never in config/{ctx.spec.environment}.yaml)"
        )
    return (
        f"exec-window open --env {ctx.spec.environment} --cluster {ctx.target.cluster_name} "
        f"--service {service} --minutes 30 --reason '...' (turns it on and starts new tasks)"
    )


def service_enable_execute_command(ctx: Context) -> Outcome:
    """The service's ``enableExecuteCommand`` (judged instead of the task's when no task runs)."""
    service = ctx.target.service
    if service is None:
        return skip("the target is a task (--task)")
    if service.get("enableExecuteCommand"):
        return passed(f"service {service['serviceName']} has enableExecuteCommand")
    reason = f"service {service['serviceName']} has enableExecuteCommand false: new tasks start without exec"
    return fail(reason, _window_fix(ctx)) if ctx.task is None else warn(reason, _window_fix(ctx))


def task_enable_execute_command(ctx: Context) -> Outcome:
    """The task itself was started with ``enableExecuteCommand`` (the flag applies to new tasks only)."""
    if ctx.task is None:
        return skip("no running task (the service's flag is judged instead)")
    if ctx.task.get("enableExecuteCommand"):
        return passed(f"task {ctx.task['taskArn'].rsplit('/', 1)[-1]} has enableExecuteCommand")
    return fail("the task was started without enableExecuteCommand", _window_fix(ctx))


def _fargate_platform(ctx: Context, version: str, where: str) -> Outcome:
    family = str((ctx.task or ctx.target.service or {}).get("platformFamily") or "")
    if version in ("", "LATEST") or family.upper().startswith("WINDOWS"):
        return passed(f"{where} platform version {version or 'LATEST'}")
    parsed = _version(version)
    if parsed is None or parsed < MIN_FARGATE_PLATFORM:
        return fail(
            f"{where} runs on Fargate platform version {version} (needs >= 1.4.0)",
            "update the service with --platform-version LATEST (or 1.4.0) and redeploy",
        )
    return passed(f"{where} platform version {version}")


def task_platform_version(ctx: Context) -> Outcome:
    """Fargate platform version >= 1.4.0, or (EC2) the container agent >= 1.50.2."""
    launch = ctx.launch_type()
    if ctx.task is None:
        if launch == "FARGATE" and ctx.target.service is not None:
            return _fargate_platform(ctx, str(ctx.target.service.get("platformVersion") or ""), "the service")
        return skip("no running task: the container instance's agent version is not known")
    if launch == "FARGATE":
        return _fargate_platform(ctx, str(ctx.task.get("platformVersion") or ""), "the task")
    instance_arn = ctx.task.get("containerInstanceArn")
    instance = ctx.facts.container_instance(instance_arn) if instance_arn else None
    agent = str(((instance or {}).get("versionInfo") or {}).get("agentVersion") or "")
    parsed = _version(agent)
    if parsed is None:
        return warn(
            "the container instance's agent version is not known", "check the ECS agent on the instance"
        )
    if parsed < MIN_AGENT_VERSION:
        return fail(
            f"ECS container agent {agent} on {instance_arn} (needs >= 1.50.2)",
            "update the ECS agent (or use a current ECS-optimized AMI)",
        )
    return passed(f"ECS container agent {agent}")


def task_managed_agent(ctx: Context) -> Outcome:
    """Each container's ``ExecuteCommandAgent`` is RUNNING (``DescribeTasks`` ``managedAgents``)."""
    if ctx.task is None:
        return skip("no running task")
    bad = []
    names = []
    for container in ctx.task.get("containers", []):
        if ctx.target.container and container.get("name") != ctx.target.container:
            continue
        names.append(str(container.get("name")))
        agent = next(
            (a for a in container.get("managedAgents", []) if a.get("name") == "ExecuteCommandAgent"), None
        )
        if agent is None:
            bad.append(f"{container.get('name')}: no ExecuteCommandAgent")
        elif agent.get("lastStatus") != "RUNNING":
            why = f" ({agent['reason']})" if agent.get("reason") else ""
            bad.append(f"{container.get('name')}: ExecuteCommandAgent {agent.get('lastStatus')}{why}")
    if bad:
        return fail(
            "; ".join(bad),
            "start a new task with enableExecuteCommand (images need no SSM agent; check the agent's reason)",
        )
    return passed(f"ExecuteCommandAgent RUNNING in {', '.join(names)}")


def task_init_process(ctx: Context) -> Outcome:
    """``linuxParameters.initProcessEnabled`` (warn): without it, agent child processes become zombies."""
    missing = [
        str(d["name"])
        for d in ctx.container_definitions()
        if not (d.get("linuxParameters") or {}).get("initProcessEnabled")
    ]
    if missing:
        return warn(
            f"initProcessEnabled is off in {', '.join(missing)}: orphaned session processes are not reaped",
            "set linuxParameters.initProcessEnabled = true in the task definition",
        )
    return passed("initProcessEnabled in every container")


def task_readonly_root_filesystem(ctx: Context) -> Outcome:
    """``readonlyRootFilesystem`` breaks the SSM agent (it writes to the container's filesystem)."""
    readonly = [str(d["name"]) for d in ctx.container_definitions() if d.get("readonlyRootFilesystem")]
    if readonly:
        return fail(
            f"readonlyRootFilesystem in {', '.join(readonly)}: the exec agent cannot start",
            "set readonlyRootFilesystem = false for the containers you exec into",
        )
    return passed("no container has readonlyRootFilesystem")


def task_aws_credentials(ctx: Context) -> Outcome:
    """``AWS_ACCESS_KEY_ID`` / ``AWS_SECRET_ACCESS_KEY`` in a container's environment or secrets
    (task definition and RunTask overrides) hijack the agent's identity."""
    found = []
    for d in ctx.container_definitions():
        name = str(d["name"])
        entries = list(d.get("environment", [])) + list(d.get("secrets", []))
        entries += list(ctx.container_overrides(name).get("environment", []))
        hits = sorted({str(e.get("name")) for e in entries if e.get("name") in CREDENTIAL_VARIABLES})
        found += [f"{name}: {h}" for h in hits]
    if found:
        return fail(
            f"static AWS credentials in the container environment ({'; '.join(found)}): the agent uses them instead of the task role",
            "remove them; give the task role the permissions instead",
        )
    return passed("no AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY in environment or secrets")


def task_pid_mode(ctx: Context) -> Outcome:
    """``pidMode`` (warn): one exec session per PID namespace; with ``task`` only one container is reachable."""
    mode = (ctx.facts.task_definition() or {}).get("pidMode")
    if mode:
        return warn(
            f"pidMode is {mode}: ECS Exec reaches only one container per shared PID namespace",
            "leave pidMode unset unless a sidecar needs it",
        )
    return passed("pidMode not set")


def _subnets(ctx: Context) -> tuple[list[str], str | None]:
    """The task's ENI subnet, else the service's awsvpc subnets; and ``assignPublicIp`` when known."""
    awsvpc = ((ctx.target.service or {}).get("networkConfiguration") or {}).get("awsvpcConfiguration") or {}
    public_ip = awsvpc.get("assignPublicIp")
    if ctx.task is not None:
        for att in ctx.task.get("attachments", []):
            details = {d.get("name"): d.get("value") for d in att.get("details", [])}
            if details.get("subnetId"):
                return [str(details["subnetId"])], public_ip
        return [], public_ip
    return [str(s) for s in awsvpc.get("subnets", [])], public_ip


def _needed_endpoints(ctx: Context) -> list[str]:
    needed = ["ssmmessages"]
    if ctx.log_group_name():
        needed.append("logs")
    if ctx.kms_key_arn():
        needed.append("kms")
    if ctx.bucket():
        needed.append("s3")
    return needed


def _route_out(table: dict[str, Any] | None) -> str | None:
    for route in (table or {}).get("Routes", []):
        if route.get("DestinationCidrBlock") != "0.0.0.0/0" or route.get("State") == "blackhole":
            continue
        if str(route.get("GatewayId", "")).startswith("igw-"):
            return "igw"
        if any(
            route.get(k) for k in ("NatGatewayId", "TransitGatewayId", "NetworkInterfaceId", "InstanceId")
        ):
            return "nat"
    return None


def task_network(ctx: Context) -> Outcome:
    """A private subnet without the ``ssmmessages`` (and ``logs``, ``kms``, ``s3``) endpoints and no
    NAT route (warn): the agent cannot reach the SSM and logging endpoints."""
    mode = (ctx.facts.task_definition() or {}).get("networkMode")
    if mode != "awsvpc":
        return skip(f"network mode {mode or 'bridge'}: the container instance's network applies")
    subnets, public_ip = _subnets(ctx)
    if not subnets:
        return skip("no subnet known for the task")
    problems = []
    for subnet_id in subnets:
        vpc_id = str(ctx.facts.subnet(subnet_id)["VpcId"])
        route = _route_out(ctx.facts.route_table(subnet_id, vpc_id))
        if route == "nat" or (route == "igw" and public_ip != "DISABLED"):
            continue
        missing = [s for s in _needed_endpoints(ctx) if s not in ctx.facts.vpc_endpoint_services(vpc_id)]
        if missing:
            how = (
                "a public subnet but assignPublicIp DISABLED"
                if route == "igw"
                else "no NAT or internet route"
            )
            problems.append(f"{subnet_id}: {how} and no VPC endpoint for {', '.join(missing)}")
    if problems:
        return warn(
            "; ".join(problems),
            "add a NAT route, or interface endpoints (ssmmessages, logs, kms) and the s3 gateway endpoint",
        )
    return passed(f"subnet(s) {', '.join(subnets)} reach the SSM and logging endpoints")


def service_deployment_controller(ctx: Context) -> Outcome:
    """The deployment controller, noted for exec windows (only ECS accepts ``forceNewDeployment``)."""
    service = ctx.target.service
    if service is None:
        return skip("the target is a task (--task)")
    kind = (service.get("deploymentController") or {}).get("type", "ECS")
    if kind == "ECS":
        return passed("deployment controller ECS: exec windows close with forceNewDeployment")
    return warn(
        f"deployment controller {kind} rejects forceNewDeployment: closing an exec window stops the tasks still running with exec",
        f"expect exec-window close to stop tasks, or redeploy through {kind} after the window",
    )


def _c(check_id: str, fn: CheckFn) -> Check:
    return Check(check_id, check_id.split(".", 1)[0], fn)


def _needs_task_definition(fn: CheckFn) -> CheckFn:
    """SKIP ``fn`` when no task definition is known (an ``EXTERNAL`` service without a running task
    keeps it in its task sets), instead of judging an empty one (a vacuous PASS, or "no task role")."""

    def run(ctx: Context) -> Outcome:
        if ctx.target.task_definition_arn is None:
            return skip("no task definition: the service has none (EXTERNAL: its task sets hold it)")
        return fn(ctx)

    return run


#: Every check, in the order they run and are reported.
CHECKS: tuple[Check, ...] = (
    _c("client.aws-cli", client_aws_cli),
    _c("client.session-manager-plugin", client_session_manager_plugin),
    _c("caller.identity", caller_identity),
    _c("caller.ecs-execute-command", caller_ecs_execute_command),
    _c("caller.kms-generate-data-key", caller_kms_generate_data_key),
    _c("caller.ssm-start-session", caller_ssm_start_session),
    _c("cluster.exec-configuration", cluster_exec_configuration),
    _c("cluster.kms-key", cluster_kms_key),
    _c("cluster.log-group", cluster_log_group),
    _c("cluster.s3-bucket", cluster_s3_bucket),
    _c("task.role", _needs_task_definition(task_role)),
    _c("task.role.ssmmessages", task_role_ssmmessages),
    _c("task.role.logs-describe", task_role_logs_describe),
    _c("task.role.logs-write", task_role_logs_write),
    _c("task.role.s3", task_role_s3),
    _c("task.role.kms", task_role_kms),
    _c("task.key-policy", task_key_policy),
    _c("task.bucket-policy", task_bucket_policy),
    _c("service.enable-execute-command", service_enable_execute_command),
    _c("task.enable-execute-command", task_enable_execute_command),
    _c("task.platform-version", task_platform_version),
    _c("task.managed-agent", task_managed_agent),
    _c("task.init-process", _needs_task_definition(task_init_process)),
    _c("task.readonly-root-filesystem", _needs_task_definition(task_readonly_root_filesystem)),
    _c("task.aws-credentials", _needs_task_definition(task_aws_credentials)),
    _c("task.pid-mode", _needs_task_definition(task_pid_mode)),
    _c("task.network", _needs_task_definition(task_network)),
    _c("service.deployment-controller", service_deployment_controller),
)
