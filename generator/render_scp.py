"""Render the optional service control policy root ``terraform/scp/<env>/`` (``access.scp.enabled``).

A Terraform root of its own, applied in the organization's management account: ``make plan
ENV=<env>`` (which works on ``terraform/envs/<env>`` and ``terraform/modules``) never touches it;
``ecs-exec render --all --check`` and ``ecs-exec check terraform/`` cover it like every rendered file.
No data source: every ARN is literal, from the config (``account_id``, role names).
"""

from __future__ import annotations

from generator.spec import EnvironmentSpec

#: Files of the SCP root (``templates/scp/<name>.j2``).
SCP_FILES = ("versions.tf", "providers.tf", "main.tf", "outputs.tf")


def render_scp(spec: EnvironmentSpec, source: str) -> dict[str, str]:
    """``{"scp/<env>/<file>": content}`` for :data:`SCP_FILES`, or ``{}`` when the SCP is not enabled.

    The policy (see ``templates/scp/main.tf.j2``): deny the exec-enabling ECS actions with
    ``ecs:enable-execute-command = "true"`` to every principal but the exec-window and drift roles;
    ``ecs:ExecuteCommand`` to everyone but the operator roles; ``ssm:StartSession`` on ECS tasks to
    everyone; changing or passing those roles, changing the guard policy, and deleting the exec log
    groups / streams or changing their retention, to everyone but ``access.scp.deployer_principals``.
    """
    from generator.render import environment  # the shared Jinja environment (render imports us lazily)

    scp = spec.access.scp
    if not scp.enabled:
        return {}
    operators = sorted(spec.role_arn(o.name) for o in spec.access.operators)
    context = {
        "generated_from": source,
        "regenerate": f"ecs-exec render --env {spec.environment}",
        "markdown": False,
        "spec": spec,
        "scp": scp,
        "tags": dict(sorted(spec.tags.items())),
        "exec_on_principals": sorted({spec.window_role_arn, spec.role_arn(spec.drift_role_name)}),
        "operator_arns": operators,
        "protected_roles": sorted(
            {spec.window_role_arn, spec.role_arn(spec.drift_role_name), spec.scheduler_role_arn, *operators}
        ),
        "target_ids": sorted(scp.target_ids or [spec.account_id]),
        # every exec log group and its streams (a log group's own ARN, and "<arn>:*" for its streams)
        "exec_log_arns": [
            arn
            for c in spec.clusters
            for arn in (spec.exec_log_group_arn(c.name), spec.exec_log_group_arn(c.name) + ":*")
        ],
    }
    return {
        f"scp/{spec.environment}/{name}": environment().get_template(f"scp/{name}.j2").render(**context)
        for name in SCP_FILES
    }
