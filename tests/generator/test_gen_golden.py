"""Golden facts of the rendered Terraform, read back from the text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hcl_facts import EMPTY_NESTED_BLOCK, ENVS, actions, attr, block, sids, statement

from generator import permissions as P
from generator.render import (
    CLUSTER_MODULES,
    ENV_FILES,
    GENERATED_MARKER,
    MODULE_FILES,
    MODULES,
    ClusterModule,
    render_cluster_module,
    render_env,
)
from generator.render_scp import SCP_FILES
from generator.spec import EnvironmentSpec

REPO_ROOT = Path(__file__).resolve().parents[2]

ACCESS = "modules/ecs-exec-access/main.tf"


def test_file_set_and_headers(rendered: dict[str, str]) -> None:
    used = {"ecs-exec-cluster", "ecs-exec-cluster-s3"}  # stg: CloudWatch only; prd, local: also S3
    expected = {f"modules/{m}/{f}" for m in (*MODULES, *used) for f in MODULE_FILES}
    expected |= {f"envs/{e}/{f}" for e in ENVS for f in ENV_FILES}
    expected |= {f"scp/prd/{f}" for f in SCP_FILES}  # access.scp.enabled only in prd
    assert set(rendered) == expected
    for rel, text in rendered.items():
        first = text.splitlines()[0]
        assert GENERATED_MARKER in first and "do not edit by hand" in first, rel
        if rel.startswith(("envs/", "scp/")):
            assert f"from config/{rel.split('/')[1]}.yaml" in first
        else:
            assert "from generator/templates/modules/" in first
        assert text.endswith("\n") and not text.endswith("\n\n"), rel


def test_no_empty_nested_blocks(rendered: dict[str, str]) -> None:
    for rel, text in rendered.items():
        if rel.endswith(".tf"):
            assert not EMPTY_NESTED_BLOCK.search(text), rel


def _cluster_module(variant: ClusterModule) -> str:
    return render_cluster_module(variant)[f"modules/{variant.name}/main.tf"]


def _key_arn(variant: ClusterModule) -> str:
    """How every variant refers to its key: always a key ARN, never a conditional."""
    return "var.kms_key_arn" if variant.existing_key else "aws_kms_key.this.arn"


@pytest.mark.parametrize("variant", CLUSTER_MODULES, ids=lambda v: v.name)
def test_cluster_exec_configuration(variant: ClusterModule) -> None:
    text = _cluster_module(variant)
    cluster = block(text, 'resource "aws_ecs_cluster" "this" {')
    assert re.search(
        r'setting \{\n\s+name\s+= "containerInsights"\n\s+value = var.container_insights', cluster
    )
    ecc = cluster[cluster.index("execute_command_configuration {") :]
    assert attr(ecc, "logging") == '"OVERRIDE"'
    assert attr(ecc, "kms_key_id") == _key_arn(variant)
    assert attr(ecc, "cloud_watch_log_group_name") == "aws_cloudwatch_log_group.this.name"
    assert attr(ecc, "cloud_watch_encryption_enabled") == "true"
    # S3 arguments only in the S3 variants, and then plain references (no `var.s3 == null ? ...`).
    if variant.s3:
        assert attr(ecc, "s3_bucket_name") == "aws_s3_bucket.this.id"
        assert attr(ecc, "s3_bucket_encryption_enabled") == "true"
        assert attr(ecc, "s3_key_prefix") == "var.s3.key_prefix"
    else:
        assert (
            "s3_" not in ecc
            and "aws_s3_bucket" not in text
            and 'variable "s3"'
            not in (render_cluster_module(variant)[f"modules/{variant.name}/variables.tf"])
        )
    # Module-level choices are made when rendering: no count, no conditional, no concat.
    for construct in ("count =", " ? ", "concat(", "[0]", "== null"):
        assert construct not in text, construct
    # The dedicated exec log group carries the key from creation, and a retention.
    log_group = block(text, 'resource "aws_cloudwatch_log_group" "this" {')
    assert attr(log_group, "name") == "var.exec_log_group.name"
    assert attr(log_group, "kms_key_id") == _key_arn(variant)
    assert attr(log_group, "retention_in_days") == "var.exec_log_group.retention_in_days"
    assert ('resource "aws_kms_key" "this"' in text) is not variant.existing_key
    outputs = render_cluster_module(variant)[f"modules/{variant.name}/outputs.tf"]
    assert attr(block(outputs, 'output "kms_key_arn" {'), "value") == _key_arn(variant)


def test_kms_key_policy_limits_logs_to_the_exec_log_group() -> None:
    text = _cluster_module(ClusterModule(s3=False, existing_key=False))
    key = block(text, 'resource "aws_kms_key" "this" {')
    assert attr(key, "enable_key_rotation") == "true"
    admin = statement(key, "AccountAdministersKey")
    assert 'AWS = "arn:${local.partition}:iam::${local.account_id}:root"' in admin
    logs = statement(key, "CloudWatchLogsForTheExecLogGroupOnly")
    assert 'Service = "logs.${local.region}.amazonaws.com"' in logs
    assert sorted(actions(logs)) == sorted(P.KMS_LOGS_SERVICE_ACTIONS)
    assert re.search(
        r'ArnEquals = \{\n\s+"kms:EncryptionContext:aws:logs:arn" = local.exec_log_group_arn', logs
    )


ROOT_ARN = (
    '"arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root"'
)


@pytest.mark.parametrize("env", ENVS)
def test_trusts_are_literal_and_name_the_root_only_with_a_binding_condition(
    rendered: dict[str, str], env: str
) -> None:
    """trusts.tf: one literal jsonencode per role; the account root only in PrincipalsByArn
    (aws:PrincipalArn) and IamUsersOfThisAccountNamingThemselves (sts:SourceIdentity = ${aws:username})."""
    text = rendered[f"envs/{env}/trusts.tf"]
    main = rendered[f"envs/{env}/main.tf"]
    assert "for " not in text.replace("# ", "#")  # no for expression: every document is written out
    assert attr(main, "window_trust_policy") == "local.trust_window"
    assert attr(main, "drift_trust_policy") == "local.trust_drift"
    stmts = re.findall(r"^      \{\n(.*?)^      \},", text, re.M | re.S)
    assert len(stmts) >= 3  # at least one per role (an operator, the window role, the drift role)
    for st in stmts:
        sid = attr(st, "Sid").strip('"')
        if ROOT_ARN not in st:
            continue
        assert sid in ("PrincipalsByArn", "IamUsersOfThisAccountNamingThemselves"), (env, sid)
        assert attr(st, "Principal") == f"{{ AWS = {ROOT_ARN} }}"
        binding = (
            '{ ArnLike = { "aws:PrincipalArn" = ['
            if sid == "PrincipalsByArn"
            else ('{ StringEquals = { "sts:SourceIdentity" = "$${aws:username}" }')
        )
        assert attr(st, "Condition").startswith(binding), (env, sid)


@pytest.mark.parametrize("env", ENVS)
def test_log_group_arn_formula_matches_spec(specs: dict[str, EnvironmentSpec], env: str) -> None:
    """The module builds the log group ARN (for the key policy and the output) with the spec's formula."""
    formula = attr(_cluster_module(ClusterModule(s3=False, existing_key=False)), "exec_log_group_arn").strip(
        '"'
    )
    spec = specs[env]
    for cl in spec.clusters:
        value = (
            formula.replace("${local.partition}", spec.partition)
            .replace("${local.region}", spec.region)
            .replace("${local.account_id}", spec.account_id)
            .replace("${var.exec_log_group.name}", spec.exec_log_group_name(cl.name))
        )
        assert value == spec.exec_log_group_arn(cl.name)


@pytest.mark.parametrize("variant", CLUSTER_MODULES, ids=lambda v: v.name)
def test_task_role_policy(variant: ClusterModule) -> None:
    text = _cluster_module(variant)
    policy = block(text, 'resource "aws_iam_policy" "this" {')
    key = _key_arn(variant)
    expected = {
        "SsmMessagesChannels": (P.TASK_ROLE_SSM_ACTIONS, '"*"'),
        "FindTheExecLogGroup": (P.TASK_ROLE_LOGS_LIST_ACTIONS, '"*"'),
        "WriteSessionLogsToTheExecLogGroupOnly": (
            P.TASK_ROLE_LOGS_WRITE_ACTIONS,
            '"${aws_cloudwatch_log_group.this.arn}:*"',
        ),
        "NoWritesToTheWindowEventsStream": (
            P.TASK_ROLE_LOGS_DENIED_EVENTS_ACTIONS,
            '"${aws_cloudwatch_log_group.this.arn}:log-stream:${var.window_events_stream_name}"',
        ),
        "DecryptSessionData": (P.TASK_ROLE_KMS_ACTIONS, key),
    }
    if variant.s3:
        expected |= {
            "PutTranscripts": (
                P.TASK_ROLE_S3_OBJECT_ACTIONS,
                '"${aws_s3_bucket.this.arn}/${var.s3.key_prefix}*"',
            ),
            "CheckBucketEncryption": (P.TASK_ROLE_S3_BUCKET_ACTIONS, "aws_s3_bucket.this.arn"),
            "EncryptTranscripts": (P.TASK_ROLE_KMS_S3_ACTIONS, key),
        }
    assert sids(policy) == list(expected)
    for sid, (acts, resource) in expected.items():
        st = statement(policy, sid)
        assert actions(st) == sorted(acts), sid
        assert attr(st, "Resource") == resource, sid
        assert attr(st, "Effect") == ('"Deny"' if sid.startswith("No") else '"Allow"'), sid
    # The Deny covers only the window-events stream, inside the group the Allow covers.
    assert set(P.TASK_ROLE_LOGS_DENIED_EVENTS_ACTIONS) <= set(P.TASK_ROLE_LOGS_WRITE_ACTIONS)
    assert "Statement = [" in policy
    attach = block(text, 'resource "aws_iam_role_policy_attachment" "this" {')
    assert attr(attach, "for_each") == "toset(var.task_role_names)"


@pytest.mark.parametrize("env", ENVS)
def test_env_renders_the_cluster_modules_it_calls(
    rendered: dict[str, str], specs: dict[str, EnvironmentSpec], env: str
) -> None:
    spec = specs[env]
    variant = ClusterModule(
        s3=spec.exec_logging.s3 is not None, existing_key=spec.exec_logging.kms.key_arn is not None
    )
    main = rendered[f"envs/{env}/main.tf"]
    for cl in spec.clusters:
        assert (
            attr(block(main, f'module "cluster_{cl.name}" {{'), "source") == f'"../../modules/{variant.name}"'
        )
    assert f"modules/{variant.name}/main.tf" in render_env(spec, f"config/{env}.yaml")


@pytest.mark.parametrize(
    ("sid", "stmts"),
    [(st.sid, P.WINDOW_ROLE_STATEMENTS) for st in P.WINDOW_ROLE_STATEMENTS]
    + [(st.sid, P.DRIFT_ROLE_STATEMENTS) for st in P.DRIFT_ROLE_STATEMENTS],
)
def test_window_and_drift_statements_render_the_constants(sid: str, stmts: tuple[P.Statement, ...]) -> None:
    from generator.render import render_modules

    text = render_modules()[ACCESS]
    role = "window" if stmts is P.WINDOW_ROLE_STATEMENTS else "drift"
    policy = block(text, f'resource "aws_iam_role_policy" "{role}" {{')
    spec_st = next(s for s in stmts if s.sid == sid)
    st = statement(policy, sid)
    assert actions(st) == sorted(spec_st.actions)
    assert attr(st, "Resource") == f"local.scopes.{spec_st.scope}"
    if spec_st.condition:
        assert attr(st, "Condition") == f"local.conditions.{spec_st.condition}"
    else:
        assert "Condition" not in st
    assert spec_st.scope in P.SCOPES and (spec_st.condition is None or spec_st.condition in P.CONDITIONS)
    assert re.search(rf"^\s+{spec_st.scope}\s+=", block(text, "locals {"), re.M)


def test_guard_operator_and_scheduler_policies() -> None:
    from generator.render import render_modules

    text = render_modules()[ACCESS]
    guard = statement(block(text, 'resource "aws_iam_policy" "guard" {'), "OnlyTheExecWindowRoleTurnsExecOn")
    assert attr(guard, "Effect") == '"Deny"'
    # Every action the Service Authorization Reference lists with ecs:enable-execute-command, and the
    # String operator its type calls for (never Bool).
    assert actions(guard) == [
        "ecs:CreateDaemon",
        "ecs:CreateService",
        "ecs:RunTask",
        "ecs:StartTask",
        "ecs:UpdateDaemon",
        "ecs:UpdateService",
    ]
    assert attr(guard, "Condition") == '{ StringEquals = { "ecs:enable-execute-command" = "true" } }'
    assert not re.search(r'Bool\w* = \{ "ecs:enable-execute-command"', text)
    # Guard attached to every operator role and to the configured extra roles.
    assert "policy_arn = aws_iam_policy.guard.arn" in block(
        text, 'resource "aws_iam_role_policy_attachment" "operator_guard" {'
    )
    assert attr(block(text, 'resource "aws_iam_role_policy_attachment" "guard" {'), "for_each") == (
        "toset(var.guard.attach_to_roles)"
    )

    # Trust: the module takes each role's trust policy from its caller (trusts.tf of the root).
    for role, value in (
        ("operator", "each.value"),
        ("window", "var.window_trust_policy"),
        ("drift", "var.drift_trust_policy"),
    ):
        assert attr(block(text, f'resource "aws_iam_role" "{role}" {{'), "assume_role_policy") == value
    assert (
        attr(block(text, 'resource "aws_iam_role" "operator" {'), "for_each") == "var.operator_trust_policies"
    )
    assert attr(block(text, 'resource "aws_iam_openid_connect_provider" "github" {'), "count") == (
        "var.create_github_oidc_provider ? 1 : 0"
    )
    assert 'data "aws_iam' not in text and 'data "aws_organizations' not in text

    # The operator policies are in the roots (operators.tf): the module only names the roles.
    assert 'resource "aws_iam_role_policy" "operator"' not in text

    sched_trust = statement(block(text, 'resource "aws_iam_role" "scheduler" {'), "SchedulerOfThisAccount")
    assert 'Service = "scheduler.amazonaws.com"' in sched_trust
    assert '"aws:SourceAccount" = local.account_id' in sched_trust
    off = statement(
        block(text, 'resource "aws_iam_role_policy" "scheduler" {'), "TurnExecOffInEnvironmentClusters"
    )
    assert actions(off) == ["ecs:UpdateService"] and attr(off, "Resource") == "local.service_arns"
    assert attr(off, "Condition") == '{ StringEquals = { "ecs:enable-execute-command" = "false" } }'
    dlq = block(text, 'resource "aws_sqs_queue" "dead_letter" {')
    assert attr(dlq, "sqs_managed_sse_enabled") == "true"
    # The dead-letter alarm: any visible message notifies the configured or the rendered topic.
    alarm = block(text, 'resource "aws_cloudwatch_metric_alarm" "dead_letter" {')
    assert attr(alarm, "metric_name") == '"ApproximateNumberOfMessagesVisible"'
    assert attr(alarm, "QueueName") == "aws_sqs_queue.dead_letter.name"
    assert (attr(alarm, "comparison_operator"), attr(alarm, "threshold")) == ('"GreaterThanThreshold"', "0")
    assert attr(alarm, "alarm_actions") == "[local.alarm_topic_arn]"
    topic = block(text, 'resource "aws_sns_topic" "dead_letter_alarm" {')
    assert attr(topic, "count") == "var.windows.alarm_topic_arn == null ? 1 : 0"
    assert attr(topic, "kms_master_key_id") == "aws_kms_key.alarm[0].arn"


@pytest.mark.parametrize("env", ENVS)
def test_env_root_uses_the_spec_names(
    rendered: dict[str, str], specs: dict[str, EnvironmentSpec], env: str
) -> None:
    spec = specs[env]
    main = rendered[f"envs/{env}/main.tf"]
    for cl in spec.clusters:
        mod = block(main, f'module "cluster_{cl.name}" {{')
        assert attr(mod, "name") == f'"{cl.name}"'
        assert attr(mod, "container_insights") == f'"{cl.container_insights.value}"'
        # the config's mode, tagged ecs-exec:exec-mode on the cluster (ECSX_020 reads it)
        assert attr(mod, "exec_mode") == f'"{cl.exec.mode.value}"'
        assert re.search(rf'name\s+= "{re.escape(spec.exec_log_group_name(cl.name))}"', mod)
        assert attr(mod, "retention_in_days") == str(spec.exec_logging.retention_in_days)
        assert attr(mod, "alias_name") == f'"{spec.kms_alias_name(cl.name)}"'
        assert attr(mod, "task_exec_policy_name") == f'"{spec.task_exec_policy_name(cl.name)}"'
        assert attr(mod, "window_events_stream_name") == f'"{spec.windows.events_stream_name}"'
        bucket = spec.s3_bucket_name(cl.name)
        if bucket is None:
            assert "s3 = {" not in mod
        else:
            assert attr(mod, "bucket_name") == f'"{bucket}"'
        for svc in cl.services:
            ref = (
                f'aws_iam_role.task["{svc.task_role_name}"].name'
                if svc.create_task_role
                else f'"{svc.task_role_name}"'
            )
            assert ref in attr(mod, "task_role_names")
    imports = rendered[f"envs/{env}/imports.tf"]
    existing = [c.name for c in spec.clusters if c.existing]
    assert re.findall(r'^  id = "([^"]+)"$', imports, re.M) == existing
    for name in existing:
        assert f"to = module.cluster_{name}.aws_ecs_cluster.this" in imports

    access = block(main, 'module "access" {')
    for op in spec.access.operators:
        entry = access[access.index(f'name          = "{op.name}"') :]
        clusters = sorted(c.name for c in spec.clusters) if "*" in op.clusters else sorted(op.clusters)
        assert attr(entry, "cluster_names") == "[" + ", ".join(f'"{c}"' for c in clusters) + "]"
    assert attr(access, "role_name") == f'"{spec.windows.role_name}"'
    assert attr(access, "schedule_group_name") == f'"{spec.windows.schedule_group_name}"'
    assert attr(access, "dead_letter_queue_name") == f'"{spec.windows.dead_letter_queue_name}"'
    assert attr(access, "drift_role_name") == f'"{spec.drift_role_name}"'
    assert attr(access, "policy_name") == f'"{spec.guard_policy_name}"'

    providers = rendered[f"envs/{env}/providers.tf"]
    assert attr(providers, "region") == f'"{spec.region}"'
    assert attr(providers, "allowed_account_ids") == f'["{spec.account_id}"]'
    assert "endpoints" not in providers.replace("No endpoints here", "")
    backend = rendered[f"envs/{env}/backend.tf"]
    assert ('backend "s3" {' in backend) is (spec.backend is not None)


def test_local_root_creates_every_role_it_attaches_to(
    rendered: dict[str, str], specs: dict[str, EnvironmentSpec]
) -> None:
    spec = specs["local"]
    main = rendered["envs/local/main.tf"]
    roles = {s.task_role_name for c in spec.clusters for s in c.services}
    assert all(s.create_task_role for c in spec.clusters for s in c.services)
    assert re.findall(r'^    "([^"]+)",$', block(main, 'resource "aws_iam_role" "task" {'), re.M) == sorted(
        roles
    )
    trust = statement(main, "EcsTasksOfThisAccount")
    assert 'Service = "ecs-tasks.amazonaws.com"' in trust
    assert spec.access.guard_attach_to_roles == []


def test_existing_key_arn_renders_no_key() -> None:
    from generator.loader import parse_config
    from generator.render import render_env

    arn = "arn:aws:kms:eu-west-1:111122223333:key/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"
    text = (REPO_ROOT / "config/stg.yaml").read_text()
    text = text.replace(
        "  retention_in_days: 365\n", f"  retention_in_days: 365\n  kms:\n    key_arn: {arn}\n"
    )
    main = render_env(parse_config(text, "stg.yaml"), "config/stg.yaml")["envs/stg/main.tf"]
    mod = block(main, 'module "cluster_payments" {')
    assert attr(mod, "kms_key_arn") == f'"{arn}"'
    assert attr(mod, "source") == '"../../modules/ecs-exec-cluster-existing-key"'
    assert "alias_name" not in mod and "kms = {" not in mod


def test_values_are_escaped_for_hcl() -> None:
    from generator.loader import parse_config
    from generator.render import render_env

    # An S3 object key may hold any character; tag values only what AWS allows (spec.TAG_RE).
    text = (REPO_ROOT / "config/stg.yaml").read_text()
    text = text.replace("  key: ecs-exec-operator/stg/terraform.tfstate\n", "  key: 'pl\"at${form}%{x}\\n'\n")
    text = text.replace("  team: platform\n", '  team: platform\n  "odd key": "a b"\n')
    files = render_env(parse_config(text, "stg.yaml"), "config/stg.yaml")
    assert 'key     = "pl\\"at$${form}%%{x}\\\\n"' in files["envs/stg/backend.tf"]
    assert '"odd key"   = "a b"' in files["envs/stg/providers.tf"]


def _operator_policies(text: str) -> dict[str, str]:
    """Operator name -> its ``aws_iam_role_policy`` block in a root's operators.tf."""
    out = {}
    for header in re.findall(r'^resource "aws_iam_role_policy" "[^"]+" \{$', text, re.M):
        body = block(text, header)
        out[re.search(r'^  role = "([^"]+)"$', body, re.M).group(1)] = body  # type: ignore[union-attr]
    return out


@pytest.mark.parametrize("env", ENVS)
def test_operator_policies_are_literal_per_operator(
    rendered: dict[str, str], specs: dict[str, EnvironmentSpec], env: str
) -> None:
    spec = specs[env]
    policies = _operator_policies(rendered[f"envs/{env}/operators.tf"])
    assert set(policies) == {op.name for op in spec.access.operators}
    for op in spec.access.operators:
        policy = policies[op.name]
        assert "for " not in policy and "each." not in policy  # nothing a static reader cannot follow
        clusters = sorted(c.name for c in spec.clusters) if "*" in op.clusters else sorted(op.clusters)
        exec_sid = (
            "ExecIntoNamedContainersOfTheirClusters" if op.containers else "ExecIntoTasksOfTheirClusters"
        )
        exec_st = statement(policy, exec_sid)
        assert actions(exec_st) == list(P.OPERATOR_EXEC_ACTIONS)
        arns = re.findall(r'"\$\{local\.ecs_arn_prefix\}:([^"]+)"', exec_st)
        assert arns == [a for c in clusters for a in (f"cluster/{c}", f"task/{c}/*")]
        if op.containers:
            names = ", ".join(f'"{c}"' for c in sorted(op.containers))
            assert f'{{ StringEquals = {{ "ecs:container-name" = [{names}] }} }}' in exec_st
        else:
            assert "Condition" not in exec_st
        kms = statement(policy, "EncryptSessionsWithTheExecKeys")
        assert actions(kms) == list(P.OPERATOR_KMS_ACTIONS)
        key = spec.exec_logging.kms.key_arn
        expected = [f'"{key}"'] if key else [f"module.cluster_{c}.kms_key_arn" for c in clusters]
        assert re.findall(r"^\s+(\S+),$", kms.split("Resource", 1)[1], re.M) == expected
        assert actions(statement(policy, "OpenExecWindows")) == sorted(P.OPERATOR_ASSUME_WINDOW_ACTIONS)
        deny = statement(policy, "NoSsmSessionsIntoTasks")
        assert attr(deny, "Effect") == '"Deny"' and actions(deny) == list(P.OPERATOR_DENIED_ACTIONS)
        assert attr(deny, "Resource") == '"arn:${data.aws_partition.current.partition}:ecs:*:*:task/*"'


def test_operator_resource_names_are_hcl_identifiers() -> None:
    from generator.render import resource_names

    assert resource_names(["ops", "a.b@c", "a_b_c", "a+b=c"], "operator") == [
        "operator_ops",
        "operator_a_b_c",
        "operator_a_b_c_2",
        "operator_a_b_c_3",
    ]
