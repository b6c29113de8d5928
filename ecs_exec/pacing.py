"""Client-side pacing of every AWS call: one token bucket per API group, shared by every thread.

Amazon ECS throttles each account per Region with token buckets, one per *group* of actions (a
burst capacity and a sustained refill rate, in requests and requests per second); a request over
the quota is answered HTTP 400 ``ThrottlingException`` ("Request throttling for the Amazon ECS API",
https://docs.aws.amazon.com/AmazonECS/latest/APIReference/request-throttling.html). The other
services we call publish per-operation quotas (cited at :data:`DEFAULT_RATE_LIMITS`). A
:class:`Pacer` holds one :class:`TokenBucket` per group and hooks into botocore's events on real
clients (no wrapper around boto3):

- ``before-send.<service>`` (registered first there, so it runs before the generic ``before-send``
  handlers: moto's own, the stand-in of ``devtools.throttle``; only a handler registered for one
  operation, ``before-send.ecs.UpdateService``, runs earlier): every HTTP attempt, retries included,
  takes a token of its group's bucket and waits when the bucket is empty. Concurrency stays: threads
  run in parallel up to the bucket, never past it.
- ``needs-retry.<service>``: a throttled answer (botocore's own throttling detector: ``Throttling``,
  ``ThrottlingException``, ``RequestLimitExceeded``, ``SlowDown``, ...) halves the group's refill
  rate for a while (it recovers by 1% of the quota per success) and is retried after an exponential
  backoff with full jitter (at most 5 s) up to :data:`THROTTLE_MAX_ATTEMPTS` attempts, more than the standard retry
  mode's attempts for other errors, so a throttled call waits instead of failing. This is the
  client-side slow-down of botocore's ``adaptive`` mode, done per API group and shared by all
  clients of the factory (``adaptive`` keeps one limiter per client, starts from the measured send
  rate and can fall to 0.5 requests/s after one throttle on an idle client).

The quotas are account-wide: several processes (or other tools) share them, which is why a throttle
still slows the group down although the bucket never outruns the published quota.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from botocore.retries import standard


class _RateLimitLike(Protocol):
    rate: float
    burst: int


@dataclass(frozen=True)
class RateLimit:
    """One bucket: ``rate`` tokens (requests) per second refill, ``burst`` tokens at most."""

    rate: float
    burst: int


#: The lowest ``rate`` the config's ``api_rate_limits`` accepts (requests per second): below it a
#: paced run would wait minutes per call with no error (no AWS quota is that low).
MIN_RATE = 0.1

_ECS = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/request-throttling.html"

#: Default quota per API group, from the published defaults (an account with raised quotas
#: overrides them with the config's ``api_rate_limits``):
#:
#: - ``ecs_*``: the table of the ECS page above (bucket maximum capacity = burst, refill = rate).
#: - ``logs_reads`` / ``logs_writes``: CloudWatch Logs ``DescribeLogStreams`` "has a limit of five
#:   transactions per second" (API reference) and ``FilterLogEvents`` 5 TPS per account and Region
#:   (https://repost.aws/knowledge-center/cloudwatch-logs-throttling); the slowest published figure
#:   serves the group.
#: - ``s3``: 3,500 PUT/COPY/POST/DELETE and 5,500 GET/HEAD requests per second per partitioned
#:   prefix (https://docs.aws.amazon.com/AmazonS3/latest/userguide/optimizing-performance.html).
#: - ``scheduler``: EventBridge Scheduler ``CreateSchedule``, ``GetSchedule``, ``UpdateSchedule``,
#:   ``DeleteSchedule`` 50 requests per second each (the lowest Region's default,
#:   https://docs.aws.amazon.com/scheduler/latest/UserGuide/scheduler-quotas.html).
#: - ``cloudtrail_lookups``: ``LookupEvents`` "is limited to two per second, per account, per
#:   Region" (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupEvents.html).
#: - ``kms``: ``DescribeKey`` / ``ListAliases`` share KMS's request quotas of hundreds to thousands
#:   per second (https://docs.aws.amazon.com/kms/latest/developerguide/requests-per-second.html);
#:   50 per second keeps far below them.
#:
#: Services without a published per-operation quota (IAM, STS, EC2 reads of preflight) have no
#: bucket: they are only retried.
DEFAULT_RATE_LIMITS: Mapping[str, RateLimit] = {
    "ecs_cluster_reads": RateLimit(20, 50),
    "ecs_cluster_modify": RateLimit(1, 20),
    "ecs_service_reads": RateLimit(20, 100),
    "ecs_service_modify": RateLimit(5, 50),
    "ecs_task_reads": RateLimit(20, 100),
    "ecs_task_modify": RateLimit(40, 100),
    "ecs_task_definition_reads": RateLimit(20, 50),
    "ecs_task_definition_modify": RateLimit(1, 20),
    "ecs_tag_reads": RateLimit(20, 50),
    "ecs_tag_modify": RateLimit(10, 20),
    "ecs_other": RateLimit(1, 10),
    "logs_reads": RateLimit(5, 5),
    "logs_writes": RateLimit(5, 5),
    "s3": RateLimit(3500, 3500),
    "scheduler": RateLimit(50, 50),
    "cloudtrail_lookups": RateLimit(2, 2),
    "kms": RateLimit(50, 50),
}

#: ECS actions per group (the "Actions" column of the ECS page).
_ECS_GROUPS: Mapping[str, tuple[str, ...]] = {
    "ecs_cluster_reads": ("DescribeClusters", "ListClusters"),
    "ecs_cluster_modify": (
        "CreateCluster", "DeleteCluster", "PutClusterCapacityProviders", "UpdateCluster",
        "UpdateClusterSettings",
    ),
    "ecs_service_reads": ("DescribeServices", "ListServices"),
    "ecs_service_modify": ("CreateService", "DeleteService", "UpdateService"),
    "ecs_task_reads": (
        "DescribeContainerInstances", "DescribeTasks", "ListAttributes", "ListContainerInstances",
        "ListTasks",
    ),
    "ecs_task_modify": (
        "DeleteAttributes", "DeregisterContainerInstance", "ExecuteCommand", "PutAttributes", "RunTask",
        "StartTask", "StopTask", "UpdateContainerAgent", "UpdateContainerInstancesState",
    ),
    "ecs_task_definition_reads": ("DescribeTaskDefinition", "ListTaskDefinitions", "ListTaskDefinitionFamilies"),
    "ecs_task_definition_modify": ("DeregisterTaskDefinition", "RegisterTaskDefinition"),
    "ecs_tag_reads": ("ListTagsForResource",),
    "ecs_tag_modify": ("TagResource", "UntagResource"),
}  # fmt: skip
_OPERATION_GROUP: Mapping[tuple[str, str], str] = {
    ("ecs", op): group for group, ops in _ECS_GROUPS.items() for op in ops
}
#: Whole services with one group (by botocore service id, hyphenized), reads and writes apart for Logs.
_SERVICE_GROUP: Mapping[str, str] = {
    "s3": "s3",
    "scheduler": "scheduler",
    "cloudtrail": "cloudtrail_lookups",
    "kms": "kms",
}
#: Most throttled retries per call (first attempt included); other errors keep the factory's attempts.
THROTTLE_MAX_ATTEMPTS = 12
#: Longest backoff between throttled attempts (s); the bucket does the real pacing.
_MAX_BACKOFF = 5.0


def api_group(service_id: str, operation: str) -> str | None:
    """The pacing group of one operation (``("ecs", "DescribeServices")`` -> ``"ecs_service_reads"``),
    None for an unpaced service. ``service_id`` is botocore's hyphenized id (``cloudwatch-logs``)."""
    if service_id == "ecs":
        return _OPERATION_GROUP.get((service_id, operation), "ecs_other")
    if service_id == "cloudwatch-logs":
        reads = operation.startswith(("Describe", "Get", "List", "Filter"))
        return "logs_reads" if reads else "logs_writes"
    return _SERVICE_GROUP.get(service_id)


class TokenBucket:
    """A thread-safe token bucket that reserves tokens in arrival order.

    :meth:`take` debits one token (the balance may go negative: a reservation) and returns how long
    the caller must sleep before sending, so concurrent callers are spaced ``1/rate`` s apart once
    the burst is spent. :meth:`throttled` halves the refill rate (at most once a second, never
    below a tenth of the quota) and empties the bucket; :meth:`succeeded` adds back 1% of the quota.
    """

    def __init__(self, limit: RateLimit, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.rate = float(limit.rate)
        self._tokens = float(limit.burst)
        self._clock = clock
        self._last = clock()
        self._last_cut = float("-inf")
        self._lock = threading.Lock()

    def _refill(self, now: float) -> None:
        self._tokens = min(float(self.limit.burst), self._tokens + (now - self._last) * self.rate)
        self._last = now

    def take(self) -> float:
        """Debit one token; seconds to wait before sending (0.0 while the burst lasts)."""
        with self._lock:
            now = self._clock()
            self._refill(now)
            self._tokens -= 1.0
            return 0.0 if self._tokens >= 0 else -self._tokens / self.rate

    def throttled(self) -> None:
        """The service answered a throttling error: slow down and spend nothing saved up."""
        with self._lock:
            now = self._clock()
            self._refill(now)
            if now - self._last_cut >= 1.0:
                self.rate = max(self.limit.rate / 10, self.rate / 2)
                self._last_cut = now
            self._tokens = min(self._tokens, 0.0)

    def succeeded(self) -> None:
        """A call of the group succeeded: recover 1% of the quota's rate (up to the quota)."""
        if self.rate < self.limit.rate:
            with self._lock:
                self._refill(self._clock())
                self.rate = min(float(self.limit.rate), self.rate + self.limit.rate / 100)


@dataclass(frozen=True)
class PacingStats:
    """Counters since the pacer was created: attempts sent through a bucket, attempts that waited,
    seconds waited in total (summed over threads), throttled answers (each one retried or failed),
    and per service (botocore service id: ``ecs``, ``cloudwatch-logs``) the attempts that waited or
    were throttled."""

    paced_calls: int = 0
    waits: int = 0
    waited_seconds: float = 0.0
    throttled: int = 0
    slowed_by_service: Mapping[str, int] = field(default_factory=dict)


class Pacer:
    """Buckets per API group (defaults :data:`DEFAULT_RATE_LIMITS`, ``overrides`` win) and the
    botocore handlers that use them. One pacer per account and Region: every client of a
    :class:`~ecs_exec.aws.ClientFactory` (and of its assumed-role copies) shares it.

    Args:
        overrides: ``{group: limit}`` with ``rate`` (requests/s, > 0) and ``burst`` (requests, >= 1);
            unknown groups raise ``KeyError`` (the config model validates the names first).
        sleep: how to wait (tests may record instead).
        throttle_max_attempts: most attempts of a throttled call, the first included (the standard
            retry mode's own ``max_attempts`` still applies when it is larger).
    """

    def __init__(
        self,
        overrides: Mapping[str, _RateLimitLike] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        throttle_max_attempts: int = THROTTLE_MAX_ATTEMPTS,
    ) -> None:
        limits = dict(DEFAULT_RATE_LIMITS)
        for group, limit in (overrides or {}).items():
            if group not in limits:
                raise KeyError(group)
            limits[group] = RateLimit(float(limit.rate), int(limit.burst))
        self.limits: Mapping[str, RateLimit] = limits
        self._buckets = {group: TokenBucket(limit) for group, limit in limits.items()}
        self._sleep = sleep
        self.throttle_max_attempts = throttle_max_attempts
        self._lock = threading.Lock()
        self._stats = PacingStats()
        self._detector = standard.ThrottlingErrorDetector(standard.RetryEventAdapter())

    def stats(self) -> PacingStats:
        """A snapshot of the counters (thread-safe)."""
        with self._lock:
            return self._stats

    def _count(self, service: str = "", **delta: float) -> None:
        with self._lock:
            s = self._stats
            by_service = s.slowed_by_service
            if delta.get("waits") or delta.get("throttled"):
                by_service = {**by_service, service: by_service.get(service, 0) + 1}
            self._stats = PacingStats(
                s.paced_calls + int(delta.get("paced_calls", 0)),
                s.waits + int(delta.get("waits", 0)),
                s.waited_seconds + delta.get("waited_seconds", 0.0),
                s.throttled + int(delta.get("throttled", 0)),
                by_service,
            )

    def install(self, client: Any) -> None:
        """Register the pacing handlers on one botocore client (its own event emitter)."""
        service_id = client.meta.service_model.service_id.hyphenize()
        events = client.meta.events
        events.register_first(f"before-send.{service_id}", self._before_send)
        events.register_first(f"needs-retry.{service_id}", self._needs_retry)

    def _bucket(self, event_name: str) -> TokenBucket | None:
        _, service_id, operation = (event_name.split(".") + ["", ""])[:3]
        group = api_group(service_id, operation)
        return self._buckets.get(group) if group else None

    def _before_send(self, event_name: str = "", **_: Any) -> None:
        bucket = self._bucket(event_name)
        if bucket is None:
            return
        wait = bucket.take()
        if wait > 0:
            self._count(event_name.split(".")[1], paced_calls=1, waits=1, waited_seconds=wait)
            self._sleep(wait)
        else:
            self._count(paced_calls=1)

    def _needs_retry(self, event_name: str = "", attempts: int = 1, **kwargs: Any) -> float | None:
        bucket = self._bucket(event_name)
        if not self._detector.is_throttling_error(attempts=attempts, **kwargs):
            if bucket is not None and kwargs.get("caught_exception") is None:
                bucket.succeeded()
            return None  # the standard retry mode decides
        self._count(event_name.split(".")[1], throttled=1)
        if bucket is not None:
            bucket.throttled()
        if attempts >= self.throttle_max_attempts:
            return None
        return random.uniform(0, min(_MAX_BACKOFF, 0.5 * 2**attempts))  # noqa: S311 (jitter)


#: How the progress line names a service's quota.
_SERVICE_TITLES = {
    "ecs": "ECS",
    "cloudwatch-logs": "CloudWatch Logs",
    "s3": "S3",
    "scheduler": "EventBridge Scheduler",
    "cloudtrail": "CloudTrail",
    "kms": "KMS",
}


def quota_note(before: PacingStats, after: PacingStats) -> str | None:
    """``"waiting for ECS request quota"`` when calls waited for a bucket or were throttled between
    two snapshots (several services: ``"waiting for ECS, KMS request quota"``), else None."""
    slowed = [
        _SERVICE_TITLES.get(service, service)
        for service, n in sorted(after.slowed_by_service.items())
        if n > before.slowed_by_service.get(service, 0)
    ]
    return f"waiting for {', '.join(slowed)} request quota" if slowed else None
