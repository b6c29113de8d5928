"""Render the desired state into Terraform with Jinja2 (pure: strings in, strings out).

Layout of the rendered tree (relative to ``terraform/``)::

    modules/ecs-exec-cluster[-s3][-existing-key]/{main,variables,outputs,versions}.tf, README.md
                                                                               one cluster's exec setup
    modules/ecs-exec-access/{main,variables,outputs,versions}.tf, README.md    environment-wide IAM,
                                                                               schedule group, DLQ
    envs/<env>/{versions,providers,backend,main,operators,trusts,imports,outputs}.tf  one root per environment

Output is deterministic (sorted where order has no meaning), already ``terraform fmt``-clean,
and every file starts with a header naming its source and saying it is generated.

Public API (used by ``ecs-exec render`` and the Terraform runner):
:func:`render_env`, :func:`render_modules`, :func:`write_rendered`, :func:`stale_files`.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import jinja2

from generator import permissions
from generator.hcl import FILTERS, Raw, hcl_escape, hcl_str
from generator.spec import EnvironmentSpec
from generator.spec_trust import Trust, drift_trust, trust_for, window_sweep_trust
from generator.tree import GENERATED_MARKER, stale_files, write_rendered  # re-exported: writing lives in tree


@dataclass(frozen=True)
class ClusterModule:
    """One rendering of ``templates/modules/ecs-exec-cluster``: the two module-level choices are made
    at generation time (not with ``count``/conditionals in HCL), so every rendered module is plain
    HCL whose policies and references a static checker (checkov, our ``ECSX_`` checks) can read.

    ``s3``: transcripts also go to an S3 bucket created by the module; ``existing_key``: the module
    uses a given key ARN (``var.kms_key_arn``) instead of creating a key.
    """

    s3: bool
    existing_key: bool

    @classmethod
    def for_spec(cls, spec: EnvironmentSpec) -> ClusterModule:
        """The variant the clusters of ``spec`` use (S3 logging and the key are environment-wide)."""
        return cls(
            s3=spec.exec_logging.s3 is not None, existing_key=spec.exec_logging.kms.key_arn is not None
        )

    @property
    def name(self) -> str:
        """Folder name under ``terraform/modules/``: ``ecs-exec-cluster[-s3][-existing-key]``."""
        return (
            "ecs-exec-cluster" + ("-s3" if self.s3 else "") + ("-existing-key" if self.existing_key else "")
        )


#: Every variant of the cluster module. Only the variants an environment calls are rendered (with
#: that environment's root), so ``terraform/`` holds no module that nothing calls.
CLUSTER_MODULES = tuple(ClusterModule(s3, key) for s3 in (False, True) for key in (False, True))
#: The environment-independent modules (folder names under ``terraform/modules/``).
MODULES = ("ecs-exec-access",)
#: Files of each module (``<name>.j2`` under ``templates/modules/<module>/``; versions.tf is shared).
MODULE_FILES = ("main.tf", "variables.tf", "outputs.tf", "versions.tf", "README.md")
#: Files of each environment root (``templates/env/<name>.j2``).
ENV_FILES = (
    *("versions.tf", "providers.tf", "backend.tf", "main.tf"),
    *("operators.tf", "trusts.tf", "imports.tf", "outputs.tf"),
)
#: First-line marker of every generated file; :func:`write_rendered` only ever deletes files carrying it.


@functools.cache
def environment() -> jinja2.Environment:
    """The Jinja2 environment: templates from the ``generator`` package, StrictUndefined (a typo in a
    template is an error, not an empty string), no autoescape (HCL is escaped by the ``hcl_*`` filters),
    trailing newlines kept."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("generator", "templates"),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(FILTERS)
    env.globals["permissions"] = permissions
    env.globals["raw"] = Raw
    return env


# ---- view model: what the env templates need, computed once from the spec ----


@dataclass(frozen=True)
class TaskRoleView:
    """A task role the cluster's exec policy is attached to; ``created`` when this root creates it."""

    name: str
    created: bool

    @property
    def expr(self) -> str:
        """HCL expression for the role's name (a reference when created here: it orders the attachment)."""
        return f"aws_iam_role.task[{hcl_str(self.name)}].name" if self.created else hcl_str(self.name)


@dataclass(frozen=True)
class ClusterView:
    """One ``module "cluster_<name>"`` call."""

    name: str
    module: str
    source: ClusterModule
    existing: bool
    container_insights: str
    #: the config's ``exec.mode`` (``never``, ``windowed``, ``always``): the cluster's ``ecs-exec:exec-mode`` tag
    exec_mode: str
    log_group_name: str
    retention_in_days: int
    kms_key_arn: str | None
    kms_alias_name: str
    kms_deletion_window_in_days: int
    s3_bucket_name: str | None
    s3_key_prefix: str | None
    s3_object_lock_mode: str | None
    s3_object_lock_days: int | None
    s3_reader_arns: tuple[str, ...]
    kms_administrator_arns: tuple[str, ...]
    task_exec_policy_name: str
    task_roles: tuple[TaskRoleView, ...]


@dataclass(frozen=True)
class OperatorView:
    """One entry of the access module's ``operators`` (``clusters: ['*']`` resolved to names), and
    its policy in the root's ``operators.tf``: ``resource_name`` is the HCL name of that
    ``aws_iam_role_policy``; ``kms_key_arns`` the HCL expressions of its clusters' exec keys."""

    name: str
    trust: Trust
    cluster_names: tuple[str, ...]
    container_names: tuple[str, ...]
    resource_name: str
    kms_key_arns: tuple[str, ...]

    def _arns(self, template: str) -> tuple[str, ...]:
        return tuple(
            f'"${{local.ecs_arn_prefix}}:{template.format(hcl_escape(c))}"' for c in self.cluster_names
        )

    @property
    def cluster_arns(self) -> tuple[str, ...]:
        """HCL expressions of its clusters' ARNs (``local.ecs_arn_prefix`` of ``operators.tf``)."""
        return self._arns("cluster/{}")

    @property
    def task_arns(self) -> tuple[str, ...]:
        """HCL expressions of ``task/<cluster>/*`` of its clusters."""
        return self._arns("task/{}/*")

    @property
    def exec_arns(self) -> tuple[str, ...]:
        """Where it may ``ecs:ExecuteCommand``: per cluster, the cluster and its tasks."""
        return tuple(a for pair in zip(self.cluster_arns, self.task_arns, strict=True) for a in pair)


def _clusters(spec: EnvironmentSpec) -> tuple[ClusterView, ...]:
    out = []
    for cl in spec.clusters:
        roles: dict[str, bool] = {}
        for svc in cl.services:
            roles[svc.task_role_name] = roles.get(svc.task_role_name, False) or svc.create_task_role
        s3 = spec.exec_logging.s3
        out.append(
            ClusterView(
                name=cl.name,
                module=f"cluster_{cl.name}",
                source=ClusterModule.for_spec(spec),
                existing=cl.existing,
                container_insights=cl.container_insights.value,
                exec_mode=cl.exec.mode.value,
                log_group_name=spec.exec_log_group_name(cl.name),
                retention_in_days=spec.exec_logging.retention_in_days,
                kms_key_arn=spec.exec_logging.kms.key_arn,
                kms_alias_name=spec.kms_alias_name(cl.name),
                kms_deletion_window_in_days=spec.exec_logging.kms.deletion_window_in_days,
                s3_bucket_name=spec.s3_bucket_name(cl.name),
                s3_key_prefix=None if s3 is None else s3.key_prefix,
                s3_object_lock_mode=s3.object_lock.mode.value if s3 and s3.object_lock else None,
                s3_object_lock_days=s3.object_lock.days if s3 and s3.object_lock else None,
                s3_reader_arns=tuple(spec.role_arn(r) for r in spec.access.auditors),
                kms_administrator_arns=tuple(
                    spec.role_arn(r) for r in spec.exec_logging.kms.key_administrators
                ),
                task_exec_policy_name=spec.task_exec_policy_name(cl.name),
                task_roles=tuple(TaskRoleView(n, c) for n, c in sorted(roles.items())),
            )
        )
    return tuple(out)


def resource_names(names: list[str], prefix: str) -> list[str]:
    """HCL resource names ``<prefix>_<name>`` for IAM names: characters an HCL identifier cannot hold
    (``+=,.@``) become ``_``; a name that clashes after that gets ``_2``, ``_3``... (in order)."""
    out: list[str] = []
    for name in names:
        base = f"{prefix}_{re.sub(r'[^A-Za-z0-9_-]', '_', name)}"
        candidate, n = base, 1
        while candidate in out:
            n += 1
            candidate = f"{base}_{n}"
        out.append(candidate)
    return out


def _operators(spec: EnvironmentSpec, clusters: tuple[ClusterView, ...]) -> tuple[OperatorView, ...]:
    all_clusters = [c.name for c in spec.clusters]
    ops = spec.access.operators
    out = []
    for op, resource_name in zip(ops, resource_names([o.name for o in ops], "operator"), strict=True):
        names = tuple(sorted(set(all_clusters if "*" in op.clusters else op.clusters)))
        keys = [
            hcl_str(c.kms_key_arn) if c.kms_key_arn else f"module.{c.module}.kms_key_arn"
            for c in sorted(clusters, key=lambda c: c.name)
            if c.name in names
        ]
        out.append(
            OperatorView(
                name=op.name,
                trust=trust_for(op.trusted_principals, require_mfa=spec.access.require_mfa),
                cluster_names=names,
                container_names=tuple(sorted(set(op.containers))),
                resource_name=resource_name,
                kms_key_arns=tuple(dict.fromkeys(keys)),
            )
        )
    return tuple(out)


def created_task_roles(spec: EnvironmentSpec) -> list[str]:
    """Task role names this root creates (``create_task_role: true``), sorted and unique."""
    return sorted({s.task_role_name for c in spec.clusters for s in c.services if s.create_task_role})


def _render(template: str, **context: object) -> str:
    return environment().get_template(template).render(**context)


def render_env(spec: EnvironmentSpec, source: str) -> dict[str, str]:
    """Render the root module of one environment.

    Args:
        spec: the validated desired state.
        source: the config file as it should appear in the header (``config/stg.yaml``).

    Returns:
        ``{"envs/<env>/<file>.tf": content}`` for every file of :data:`ENV_FILES`, then
        ``{"modules/<variant>/<file>": content}`` for the cluster module variants the root calls
        (:func:`render_cluster_module`); paths relative to the ``terraform/`` folder, stable order.

    Raises:
        jinja2.UndefinedError: a template uses a name the context lacks (a bug, never bad input:
            bad input is rejected by the spec model first).
    """
    clusters = _clusters(spec)
    context = {
        "generated_from": source,
        "regenerate": f"ecs-exec render --env {spec.environment}",
        "markdown": False,
        "spec": spec,
        "clusters": clusters,
        "operators": _operators(spec, clusters),
        "task_roles": created_task_roles(spec),
        "sweep_trust": window_sweep_trust(
            spec.windows.sweep_principals,
            operators=len(spec.access.operators),
            require_mfa=spec.access.require_mfa,
        ),
        "drift_trust": drift_trust(spec.drift),
        "tags": dict(sorted(spec.tags.items())),
    }
    base = f"envs/{spec.environment}"
    files = {f"{base}/{name}": _render(f"env/{name}.j2", **context) for name in ENV_FILES}
    for variant in sorted({c.source for c in clusters}, key=lambda v: v.name):
        files.update(render_cluster_module(variant))
    from generator.render_scp import render_scp  # imports this module's environment()

    files.update(render_scp(spec, source))
    return files


def _module_files(module: str, template_dir: str, **context: object) -> dict[str, str]:
    files: dict[str, str] = {}
    for name in MODULE_FILES:
        template = "modules/versions.tf.j2" if name == "versions.tf" else f"modules/{template_dir}/{name}.j2"
        files[f"modules/{module}/{name}"] = _render(
            template,
            generated_from=f"generator/templates/modules/{template_dir}",
            regenerate="",
            markdown=name.endswith(".md"),
            **context,
        )
    return files


def render_cluster_module(variant: ClusterModule) -> dict[str, str]:
    """Render one variant of the cluster module.

    Returns:
        ``{"modules/<variant.name>/<file>": content}`` for every file of :data:`MODULE_FILES`.
    """
    return _module_files(
        variant.name,
        "ecs-exec-cluster",
        s3=variant.s3,
        existing_key=variant.existing_key,
        variant=variant,
        variants=CLUSTER_MODULES,
    )


def render_modules() -> dict[str, str]:
    """Render the environment-independent modules (:data:`MODULES`); the cluster module variants
    come with the environments that call them (:func:`render_env`).

    Returns:
        ``{"modules/<module>/<file>": content}`` for every module of :data:`MODULES`.
    """
    files: dict[str, str] = {}
    for module in MODULES:
        files.update(_module_files(module, module))
    return files


__all__ = [
    "GENERATED_MARKER",
    "render_env",
    "render_modules",
    "stale_files",
    "write_rendered",
]
