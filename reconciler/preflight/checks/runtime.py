"""Service and task runtime checks: exec flags, platform and agent, task definition settings."""

from __future__ import annotations

from generator.spec import ExecMode
from reconciler.live.parse import parse_task
from reconciler.preflight.checks.verdict import parse_version
from reconciler.preflight.context import Context
from reconciler.preflight.model import Outcome, fail, passed, skip, warn

#: Oldest ECS container agent (Linux) with ECS Exec; Fargate needs platform version 1.4.0.
MIN_AGENT_VERSION = (1, 50, 2)
MIN_FARGATE_PLATFORM = (1, 4, 0)
CREDENTIAL_VARIABLES = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")


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
    parsed = parse_version(version)
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
    parsed = parse_version(agent)
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
    """Each container's ``ExecuteCommandAgent`` is RUNNING (``DescribeTasks`` ``managedAgents``; the
    live model's exec-ready rule, :attr:`reconciler.live.model.LiveTask.agents_ready`: a container
    without the agent is not ready)."""
    if ctx.task is None:
        return skip("no running task")
    bad = []
    names = []
    for container in parse_task(ctx.task).containers:
        if ctx.target.container and container.name != ctx.target.container:
            continue
        names.append(container.name)
        if container.exec_agent_status is None:
            bad.append(f"{container.name}: no ExecuteCommandAgent")
        elif container.exec_agent_status != "RUNNING":
            why = f" ({container.exec_agent_reason})" if container.exec_agent_reason else ""
            bad.append(f"{container.name}: ExecuteCommandAgent {container.exec_agent_status}{why}")
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
