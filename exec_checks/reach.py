"""Which services ECS Exec can reach, and the task-definition hazards that break or hijack it there.

A service's tasks can get exec when its ``enable_execute_command`` is hard-coded ``true`` (ECSX_011
and ECSX_012 judge those) and also, without the code saying so, when:

- the flag comes from a value only known at plan time (a variable);
- ``lifecycle { ignore_changes }`` lists ``enable_execute_command`` (or ``all``): the recommended
  pattern, where exec windows turn it on outside Terraform;
- its cluster carries the tag :data:`MODE_TAG` = ``windowed`` or ``always`` (what this project's
  config says of the cluster; the generated clusters carry it).

Hazards (DESIGN: facts the code must respect; amazon-ecs-exec-checker #75/#76,
containers-roadmap #2268): static ``AWS_ACCESS_KEY_ID`` / ``AWS_SECRET_ACCESS_KEY`` in a container
(they replace the task role the exec agent uses), ``readonlyRootFilesystem`` (the agent cannot
write), and ``pid_mode = "task"`` (a shared PID namespace: exec reaches only one container).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from checkov.common.models.enums import CheckResult

from exec_checks.ecs import containers, env_names, exec_enabled, literal, services, task_definition_of
from exec_checks.model import Block, TfModel
from exec_checks.values import UNKNOWN, Unknown, as_bool, as_list, attr, blocks, is_unknown

#: The tag that marks a cluster's exec mode (``never``, ``windowed``, ``always``) as the config sets it.
MODE_TAG = "ecs-exec:exec-mode"
REACHABLE_MODES = frozenset({"windowed", "always"})
CREDENTIAL_NAMES = frozenset({"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"})


def hazardous(container: dict[str, Any]) -> bool | None:
    """True when the container breaks or hijacks the exec agent; None when that is unknown."""
    names = env_names(container)
    if not isinstance(names, Unknown) and names & CREDENTIAL_NAMES:
        return True
    readonly = container.get("readonlyRootFilesystem")
    flag = False if readonly is None else as_bool(readonly)
    if flag:
        return True
    return None if isinstance(names, Unknown) or flag is None else False


def task_definition_hazard(td: Block) -> bool | None:
    """True when a container of ``td`` is hazardous or its ``pid_mode`` is ``task``; None when unknown."""
    defs = containers(td)
    if isinstance(defs, Unknown):
        return None
    pid_mode = literal(td.config.get("pid_mode"))
    flags = [hazardous(c) for c in defs] + [None if isinstance(pid_mode, Unknown) else pid_mode == "task"]
    return True if True in flags else None if None in flags else False


def _ignores_exec_flag(service: Block) -> bool | None:
    for lifecycle in blocks(service.config, "lifecycle"):
        value = attr(lifecycle, "ignore_changes")
        items = as_list(value)
        if any(isinstance(i, str) and i.strip() in ("enable_execute_command", "all") for i in items):
            return True
        if is_unknown(value):
            return None
    return False


def _cluster_mode(model: TfModel, service: Block) -> str | Unknown | None:
    clusters = [t for t in model.targets_through_outputs(service, "cluster") if t.type == "aws_ecs_cluster"]
    if not clusters:
        name = literal(service.config.get("cluster"))
        if isinstance(name, str):
            clusters = model.find("aws_ecs_cluster", service.scope, "name", name.rsplit("/", 1)[-1])
    if len(clusters) != 1:
        return None
    tags = clusters[0].attr("tags")
    if not isinstance(tags, dict):
        return None if tags is None else UNKNOWN
    return literal(tags.get(MODE_TAG))


def reachable_unannounced(model: TfModel, service: Block) -> bool | None:
    """True when exec can reach the service's tasks although its flag is not a literal ``true``
    (see the module docstring); False when not; None when that is only known at plan time.
    False for a service whose flag is a literal ``true`` (judged by ECSX_011)."""
    flag = exec_enabled(service)
    if flag is True:
        return False
    if flag is None:
        return True
    if _ignores_exec_flag(service):
        return True
    mode = _cluster_mode(model, service)
    if isinstance(mode, Unknown):
        return None
    return mode in REACHABLE_MODES


def hazard_results(
    model: TfModel, reaches: Callable[[TfModel, Block], bool | None]
) -> Iterator[tuple[Block, CheckResult]]:
    """The container-hazard verdict of each service's task definition (ECSX_011, ECSX_020), for the
    services exec can reach by ``reaches`` (True: reaches; None: may reach; False: skipped).

    FAILED when a hazard is certain and exec certainly reaches it; UNKNOWN when either is unknown;
    PASSED otherwise."""
    for service in services(model):
        reach = reaches(model, service)
        if reach is False:
            continue
        td = task_definition_of(model, service)
        if not isinstance(td, Block):
            continue
        hazard = task_definition_hazard(td)
        if hazard is True:
            yield td, CheckResult.FAILED if reach else CheckResult.UNKNOWN
        else:
            yield td, CheckResult.UNKNOWN if hazard is None or reach is None else CheckResult.PASSED
