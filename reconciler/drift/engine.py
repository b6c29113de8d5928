"""Runs a drift check or fix over a whole environment: fleet-level reads, then one job per cluster.

Fleet-level reads are batched across clusters (``DescribeClusters`` 100 per call, one
``DescribeLogGroups`` listing under the environment's prefix, one ``ListAliases`` listing, one
``DescribeKey`` per distinct exec key); the
per-cluster work (services, tasks, diff, fix) runs in a bounded thread pool sharing one
:class:`~ecs_exec.aws.ClientFactory` (boto3 clients are thread-safe; its pacer keeps every thread
within the account's request quotas and retries throttled calls, see :mod:`ecs_exec.pacing`). A cluster whose calls fail (access denied, throttled after retries) is
recorded with its error and the others carry on.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from datetime import datetime

from botocore.exceptions import BotoCoreError, ClientError

from ecs_exec.aws import ClientFactory, describe_error, error_code
from generator.spec import EnvironmentSpec, ExecMode
from reconciler.drift.diff import diff_cluster, unmanaged_clusters
from reconciler.drift.fix import CloseWindow, FixOptions, check_stop, fix_cluster, window_closer
from reconciler.drift.model import (
    ClusterError,
    ClusterResult,
    ClusterState,
    DriftReport,
    LiveCluster,
    LiveKey,
    LiveLogGroup,
    Outcome,
    Status,
)
from reconciler.live import clusters as live_clusters
from reconciler.live import logs_keys
from reconciler.live import services as live_services
from reconciler.live import tasks as live_tasks

#: ``progress(done, total)``: called after each cluster (from the main thread).
Progress = Callable[[int, int], None]

DEFAULT_CONCURRENCY = 8


@dataclass(frozen=True)
class RunOptions:
    """``fix``: correct what differs (else only report); ``concurrency``: clusters handled at once."""

    fix: bool = False
    fix_options: FixOptions = field(default_factory=FixOptions)
    concurrency: int = DEFAULT_CONCURRENCY


def _error(cluster: str, exc: ClientError | BotoCoreError, operation: str | None = None) -> ClusterError:
    op = operation or getattr(exc, "operation_name", None) or type(exc).__name__
    return ClusterError(cluster, str(op), error_code(exc), describe_error(exc))


@dataclass(frozen=True)
class _Fleet:
    """What the fleet-level reads returned."""

    clusters: dict[str, LiveCluster | None]
    cluster_errors: dict[str, ClusterError]
    log_groups: dict[str, LiveLogGroup]
    kms_keys: dict[str, str | None]
    shared_error: ClusterError | None
    unmanaged: tuple[str, ...]
    fleet_errors: tuple[ClusterError, ...]


def _read_fleet(spec: EnvironmentSpec, factory: ClientFactory) -> _Fleet:
    names = [c.name for c in spec.clusters]
    fleet_errors: list[ClusterError] = []
    unmanaged: tuple[str, ...] = ()
    try:
        unmanaged = unmanaged_clusters(spec, live_clusters.list_cluster_arns(factory))
    except (ClientError, BotoCoreError) as exc:
        fleet_errors.append(_error("*", exc))
    clusters, errors = live_clusters.describe_clusters(factory, names)
    cluster_errors = {name: _error(name, exc) for name, exc in errors.items()}
    shared_error: ClusterError | None = None
    log_groups: dict[str, LiveLogGroup] = {}
    kms_keys: dict[str, str | None] = {}
    try:
        log_groups = logs_keys.read_log_groups(factory, spec.exec_log_group_name(""))
        configured = spec.exec_logging.kms.key_arn
        if configured is not None:
            kms_keys = {name: configured for name in names}
        else:
            aliases = logs_keys.read_kms_aliases(factory, spec.kms_alias_name(""))
            key_prefix = f"arn:{spec.partition}:kms:{spec.region}:{spec.account_id}:key/"
            kms_keys = {
                name: (key_prefix + aliases[alias])
                if (alias := spec.kms_alias_name(name)) in aliases
                else None
                for name in names
            }
    except (ClientError, BotoCoreError) as exc:
        shared_error = _error("*", exc)
    return _Fleet(
        clusters, cluster_errors, log_groups, kms_keys, shared_error, unmanaged, tuple(fleet_errors)
    )


@dataclass(frozen=True)
class _Keys:
    """``DescribeKey`` of every distinct exec key: its state, or the error that stopped the read."""

    keys: dict[str, LiveKey]
    errors: dict[str, ClientError | BotoCoreError]


def _read_keys(pool: ThreadPoolExecutor, factory: ClientFactory, key_arns: set[str]) -> _Keys:
    """One ``DescribeKey`` per distinct key (a configured key shared by every cluster is read once)."""
    futures = {arn: pool.submit(logs_keys.read_key, factory, arn) for arn in sorted(key_arns)}
    keys: dict[str, LiveKey] = {}
    errors: dict[str, ClientError | BotoCoreError] = {}
    for arn, future in futures.items():
        try:
            keys[arn] = future.result()
        except (ClientError, BotoCoreError) as exc:
            errors[arn] = exc
    return _Keys(keys, errors)


def _handle_cluster(
    spec: EnvironmentSpec,
    factory: ClientFactory,
    fleet: _Fleet,
    keys: _Keys,
    name: str,
    now: datetime,
    options: RunOptions,
    close_window: CloseWindow | None,
    stop: threading.Event,
) -> ClusterResult:
    check_stop(stop)
    if name in fleet.cluster_errors:
        return ClusterResult(name, errors=(fleet.cluster_errors[name],))
    if fleet.shared_error is not None:
        return ClusterResult(name, errors=(replace(fleet.shared_error, cluster=name),))
    live = fleet.clusters.get(name)
    arn = live.arn if live is not None else spec.cluster_arn(name)
    mode = spec.cluster(name).exec.mode  # type: ignore[union-attr]  # name comes from spec.clusters
    try:
        services = live_services.read_services(factory, arn, include_draining=True) if live else ()
        check_stop(stop)
        tasks = live_tasks.read_tasks(factory, arn) if live and mode is not ExecMode.ALWAYS else ()
    except (ClientError, BotoCoreError) as exc:
        return ClusterResult(name, errors=(_error(name, exc),))
    key_arn = fleet.kms_keys.get(name)
    state = ClusterState(
        name=name,
        arn=arn,
        kms_key_arn=key_arn,
        cluster=live,
        log_group=fleet.log_groups.get(spec.exec_log_group_name(name)),
        services=services,
        tasks=tasks,
        kms_key=keys.keys.get(key_arn) if key_arn else None,
    )
    findings = diff_cluster(spec, state, now)
    if options.fix:
        outcomes, errors = fix_cluster(
            factory, spec, state, findings, options.fix_options, close_window, stop=stop
        )
    else:
        outcomes, errors = tuple(Outcome(f, Status.DRIFT) for f in findings), ()
    active = sum(1 for s in services if s.active)
    return ClusterResult(name, outcomes, errors, services_read=active, tasks_read=len(tasks))


def run_drift(
    spec: EnvironmentSpec,
    factory: ClientFactory,
    now: datetime,
    options: RunOptions | None = None,
    progress: Progress | None = None,
    close_window: CloseWindow | None = None,
    actor: str = "ecs-exec drift fix",
    stop: threading.Event | None = None,
) -> DriftReport:
    """Check (or fix) every configured cluster of ``spec`` and list the unmanaged ones.

    Args:
        factory: shared client factory for the environment's region/account.
        now: aware UTC time (exec windows open at ``now`` keep exec on in sync).
        close_window: closes a windowed service left open; default :func:`reconciler.drift.fix.window_closer`.
        actor: who runs the fix (caller ARN), recorded in the window-closed events.
        stop: set when the run is interrupted (default: a new event); running cluster jobs stop
            before their next read or fix call.

    Returns a :class:`DriftReport`; AWS failures are inside it (per cluster), never raised.

    Raises:
        KeyboardInterrupt: Ctrl-C (or ``progress`` raised it): clusters not started are cancelled,
            running ones stop before their next call (no fix is started after the interrupt).
    """
    options = options or RunOptions()
    stop = stop or threading.Event()
    if options.fix and close_window is None:
        close_window = window_closer(factory, spec, now, actor, options.fix_options.stop_tasks)
    throttled_before = factory.pacer.stats().throttled
    fleet = _read_fleet(spec, factory)
    names = [c.name for c in spec.clusters]
    results: dict[str, ClusterResult] = {}
    with ThreadPoolExecutor(max_workers=max(1, min(options.concurrency, len(names)))) as pool:
        keys = _read_keys(pool, factory, {k for k in fleet.kms_keys.values() if k is not None})
        futures = {
            pool.submit(
                _handle_cluster, spec, factory, fleet, keys, name, now, options, close_window, stop
            ): name
            for name in names
        }
        try:
            for done, future in enumerate(as_completed(futures), start=1):
                results[futures[future]] = future.result()
                if progress is not None:
                    progress(done, len(names))
        except BaseException:
            # Ctrl-C: leaving the ``with`` waits for the pool, which would otherwise run every queued
            # cluster (and its fixes) first. Cancel what has not started; stop what runs.
            pool.shutdown(wait=False, cancel_futures=True)
            stop.set()
            raise
    return DriftReport(
        command="fix" if options.fix else "check",
        environment=spec.environment,
        results=tuple(results[n] for n in names),
        unmanaged=fleet.unmanaged,
        fleet_errors=fleet.fleet_errors + _key_errors(fleet, keys),
        throttled_retries=factory.pacer.stats().throttled - throttled_before,
    )


def _key_errors(fleet: _Fleet, keys: _Keys) -> tuple[ClusterError, ...]:
    """One error per key whose ``DescribeKey`` failed, naming its cluster (``*``: a key shared by
    several). Fleet-level: the clusters were still checked, so it is a partial failure (exit 6),
    never "every cluster failed" (exit 5) because one shared key could not be read."""
    out = []
    for arn, exc in keys.errors.items():
        users = sorted(name for name, key in fleet.kms_keys.items() if key == arn)
        err = _error(users[0] if len(users) == 1 else "*", exc, "DescribeKey")
        out.append(replace(err, message=f"{arn}: {err.message}"))
    return tuple(out)
