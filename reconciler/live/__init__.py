"""The live model: the one typed reader of clusters, services, tasks, log groups, KMS keys and the
window tags, used by every job (drift, windows, audit, preflight), and the one definition of each
rule they share (active service, running task, exec-ready task, exec-configuration equality, key
state: see :mod:`reconciler.live.model` and :mod:`reconciler.live.exec_config`).

Modules: :mod:`.model` (records and rules), :mod:`.parse` (API answer -> record), :mod:`.declared`
(what each reader calls and needs), :mod:`.clusters`, :mod:`.services`, :mod:`.tasks`,
:mod:`.logs_keys` (the reads, clients from the injected :class:`~ecs_exec.aws.ClientFactory`),
:mod:`.exec_config`. Nothing here imports a job: the jobs import the live model.
"""

from reconciler.live.declared import READERS, Reader, permissions_of
from reconciler.live.exec_config import exec_config_differences, flatten_exec_config
from reconciler.live.model import (
    KEY_NOT_FOUND,
    RUNNING_STATES,
    LiveCluster,
    LiveContainer,
    LiveKey,
    LiveLogGroup,
    LiveService,
    LiveTask,
    service_of_group,
)

#: Every IAM action the live readers need together.
PERMISSIONS: tuple[str, ...] = permissions_of(*READERS)

__all__ = [
    "KEY_NOT_FOUND",
    "PERMISSIONS",
    "READERS",
    "RUNNING_STATES",
    "LiveCluster",
    "LiveContainer",
    "LiveKey",
    "LiveLogGroup",
    "LiveService",
    "LiveTask",
    "Reader",
    "exec_config_differences",
    "flatten_exec_config",
    "permissions_of",
    "service_of_group",
]
