"""What the windows know about one live ECS service: the live model's service plus its window. No AWS calls.

:mod:`reconciler.windows.aws` builds them from the live model's :class:`~reconciler.live.model.LiveService`
(one reader, one parser); tasks are the live model's :class:`~reconciler.live.model.LiveTask`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from reconciler.live.model import LiveService
from reconciler.windows.record import WINDOW_TAG_KEYS, WindowState, parse_window


@dataclass(frozen=True)
class ServiceFacts:
    """What the windows need to know about one live ECS service (from ``DescribeServices``).

    Attributes:
        enable_execute_command: the service's ``enableExecuteCommand``.
        deployment_controller: ``deploymentController.type`` (``ECS`` when absent).
        primary_deployment_id: id of the ``PRIMARY`` deployment (``ecs-svc/...``), if any.
        tags: the service's tags as a dict.
        status: ``ACTIVE`` or ``DRAINING`` (see :attr:`active`).
    """

    cluster: str
    service: str
    service_arn: str
    enable_execute_command: bool
    deployment_controller: str = "ECS"
    primary_deployment_id: str | None = None
    tags: Mapping[str, str] = field(default_factory=dict)
    status: str = "ACTIVE"

    @classmethod
    def from_live(cls, live: LiveService) -> ServiceFacts:
        """The facts of the live model's service ``live``."""
        return cls(
            cluster=live.cluster,
            service=live.name,
            service_arn=live.arn,
            enable_execute_command=live.enable_execute_command,
            deployment_controller=live.deployment_controller,
            primary_deployment_id=live.primary_deployment_id,
            tags=dict(live.tags),
            status=live.status,
        )

    @property
    def active(self) -> bool:
        """The live model's rule (:attr:`LiveService.active`): ``ACTIVE``; ``DRAINING`` is being deleted."""
        return self.status == "ACTIVE"

    @property
    def window(self) -> WindowState | None:
        """The window recorded in the tags (None when there is none or it is unreadable)."""
        return parse_window(dict(self.tags))

    @property
    def has_window_tags(self) -> bool:
        """True when any ``ecs-exec:window-*`` tag is present (even an unreadable one)."""
        return any(key in self.tags for key in WINDOW_TAG_KEYS)
