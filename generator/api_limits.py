"""The config's ``api_rate_limits``: request quotas of an account that differ from AWS's defaults.

The client-side pacing (:mod:`ecs_exec.pacing`) keeps every AWS call within the published default
quotas, one token bucket per API group (for ECS the groups of "Request throttling for the Amazon ECS
API", https://docs.aws.amazon.com/AmazonECS/latest/APIReference/request-throttling.html). An account
whose quotas were raised (AWS Support, Service Quotas) says so here, per group::

    api_rate_limits:
      ecs_service_reads: {rate: 50, burst: 200}   # requests per second, bucket capacity
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from ecs_exec.pacing import DEFAULT_RATE_LIMITS, MIN_RATE


class ApiRateLimitSpec(BaseModel):
    """One API group's quota: ``rate`` = bucket refill rate (sustained requests per second, a finite
    number from :data:`~ecs_exec.pacing.MIN_RATE` up), ``burst`` = bucket maximum capacity (requests).
    Strict numbers: a string (``'5'``), a boolean or NaN/infinity is refused (exit 4)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    rate: float = Field(
        ge=MIN_RATE,
        le=100_000,
        allow_inf_nan=False,
        description=f"Sustained requests per second (bucket refill rate), at least {MIN_RATE}.",
    )
    burst: int = Field(ge=1, le=100_000, description="Burst: bucket maximum capacity, in requests.")


def _known_group(name: str) -> str:
    if name not in DEFAULT_RATE_LIMITS:
        raise ValueError(f"unknown API group {name!r}: one of {', '.join(DEFAULT_RATE_LIMITS)}")
    return name


#: An API group name of :data:`ecs_exec.pacing.DEFAULT_RATE_LIMITS` (``ecs_service_reads``, ``logs_reads``).
ApiGroupName = Annotated[str, AfterValidator(_known_group)]

#: The field type: ``{group: {rate, burst}}``, empty by default (the published quotas).
ApiRateLimits = dict[ApiGroupName, ApiRateLimitSpec]
