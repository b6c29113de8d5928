"""The README's promises as assertions over a :class:`~cast.Cast` (each raises AssertionError
naming the principal, the request and the decision when the promise does not hold)."""

from __future__ import annotations

from promise_cast import Cast

from generator.spec import ExecMode
from iampolicy import Decision, Principal, actions, questions

CAN = (Decision.ALLOWED,)
#: "cannot" means no way through, not even under a condition the request could meet
CANNOT = (Decision.DENIED, Decision.NOT_ALLOWED)


def cannot_turn_exec_on(
    c: Cast,
    p: Principal,
    which: tuple[str, ...] = actions.ENABLE_EXECUTE_COMMAND_ACTIONS,
    modes: tuple[ExecMode, ...] = tuple(ExecMode),
) -> None:
    """``p`` cannot call any of ``which`` with ``ecs:enable-execute-command = true``, on any cluster
    whose exec mode is one of ``modes``."""
    for cluster in (c for c in c.clusters() if c.exec.mode in modes):
        arn = c.cluster_arn(cluster.name)
        service = cluster.services[0].name if cluster.services else "any-service"
        for action in which:
            got = questions.turn_exec_on(p, arn, service, action, scps=c.scps)
            assert got in CANNOT, f"{p.name} may {action} with exec on in {cluster.name}: {got}"


def turns_exec_on_in_windowed(c: Cast, p: Principal) -> None:
    """``p`` can turn exec on (UpdateService) for a service of a windowed cluster."""
    arn, service = c.windowed_service()
    got = questions.turn_exec_on(p, arn, service, "ecs:UpdateService", scps=c.scps)
    assert got in CAN, f"{p.name} may not turn exec on for {service}: {got}"


def executes_only_into(c: Cast, p: Principal, allowed: dict[str, list[str] | None]) -> None:
    """``p`` can ExecuteCommand exactly into the clusters of ``allowed`` (cluster -> containers it
    may enter, None for any), and into no other cluster or container."""
    for cluster in c.clusters():
        arn = c.cluster_arn(cluster.name)
        names = sorted({n for s in cluster.services for n in s.containers} | {"app", "sidecar-not-named"})
        for container in names:
            got = questions.execute_command(p, arn, container, scps=c.scps)
            ok = cluster.name in allowed and (
                allowed[cluster.name] is None or container in allowed[cluster.name]
            )
            expected = CAN if ok else CANNOT
            assert got in expected, f"{p.name} ExecuteCommand into {cluster.name}/{container}: {got}"


def cannot_execute(c: Cast, p: Principal) -> None:
    """``p`` cannot ExecuteCommand into any cluster."""
    executes_only_into(c, p, {})


def cannot_start_session_on_tasks(c: Cast, p: Principal) -> None:
    """``p`` cannot start an SSM session with an ECS task as its target, in any cluster."""
    for cluster in c.clusters():
        got = questions.start_session_on_task(p, c.cluster_arn(cluster.name), scps=c.scps)
        assert got in CANNOT, f"{p.name} may ssm:StartSession into a task of {cluster.name}: {got}"


def cannot_read_transcripts(c: Cast, p: Principal) -> None:
    """``p`` cannot read a session transcript of any cluster (log stream, or S3 object)."""
    s3 = c.spec.exec_logging.s3
    for cluster in c.clusters():
        bucket = f"{s3.bucket_prefix}-{cluster.name}" if s3 else None
        got = questions.read_transcripts(
            p,
            c.exec_log_group_arn(cluster.name),
            bucket=bucket,
            key_prefix=s3.key_prefix if s3 else "",
            scps=c.scps,
        )
        assert got in CANNOT, f"{p.name} may read transcripts of {cluster.name}: {got}"


def assumes(c: Cast, caller: Principal, role: Principal, source_identity: str | None, expected: bool) -> None:
    """``caller`` can (``expected``) or cannot assume ``role`` setting ``source_identity``."""
    got = questions.assume_role(caller, role, source_identity, scps=c.scps)
    want = CAN if expected else CANNOT
    assert got in want, f"{caller.name} assume {role.name} with source identity {source_identity!r}: {got}"
