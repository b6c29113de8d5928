"""The exec KMS key's state: a key disabled or scheduled for deletion by hand is drift (a manual fix).

Before this check, ``drift check`` reported such an environment in sync: the alias still pointed at
the key, so every key ARN compared equal, while no session could start and the transcripts kept so
far were about to become unreadable.
"""

from __future__ import annotations

from typing import Any

from botocore.awsrequest import AWSResponse
from drift_support import Fleet
from test_failures import _Raw

from ecs_exec.errors import ExitCode
from reconciler.drift.model import Action, Kind, Status
from reconciler.drift.report import exit_code, to_json


def _key_arn(fleet: Fleet, cluster: str) -> str:
    ecs = fleet.client("ecs")
    raw = ecs.describe_clusters(clusters=[cluster], include=["CONFIGURATIONS"])["clusters"][0]
    return str(raw["configuration"]["executeCommandConfiguration"]["kmsKeyId"])


def _key_id(arn: str) -> str:
    return arn.rsplit("/", 1)[-1]  # moto's ScheduleKeyDeletion / DisableKey want the bare key id


def test_key_pending_deletion_is_reported_with_the_commands_to_restore_it(fleet: Fleet) -> None:
    key = _key_arn(fleet, "beta")
    fleet.client("kms").schedule_key_deletion(KeyId=_key_id(key), PendingWindowInDays=7)
    report = fleet.run()
    [outcome] = report.outcomes
    f = outcome.finding
    assert (f.cluster, f.kind, f.resource, f.field) == ("beta", Kind.KMS_KEY, key, "KeyState")
    assert (f.desired, f.live, f.action) == ("Enabled", "PendingDeletion", Action.RESTORE_KEY)
    assert "deletion on 20" in f.note
    assert exit_code(report) is ExitCode.FINDINGS
    # fix cannot do it (the nightly role may not touch key state): manual, with the exact commands.
    fixed = fleet.run(fix=True)
    [manual] = fixed.outcomes
    assert manual.status is Status.MANUAL
    assert f"aws kms cancel-key-deletion --key-id {key}" in manual.message
    assert f"aws kms enable-key --key-id {key}" in manual.message
    assert exit_code(fixed) is ExitCode.FINDINGS
    assert not any(name.startswith("kms:") and name != "kms:DescribeKey" and name != "kms:ListAliases"
                   for name, _ in fleet.calls)  # fmt: skip


def test_disabled_key_is_reported_and_in_sync_once_enabled(fleet: Fleet) -> None:
    key = _key_arn(fleet, "alpha")
    kms = fleet.client("kms")
    kms.disable_key(KeyId=_key_id(key))
    [outcome] = fleet.run().outcomes
    assert (outcome.finding.live, outcome.finding.kind) == ("Disabled", Kind.KMS_KEY)
    assert to_json(fleet.run())["items"][0]["kind"] == "kms_key"
    kms.enable_key(KeyId=_key_id(key))
    assert fleet.run().outcomes == ()


def test_one_describe_key_per_distinct_key(fleet: Fleet) -> None:
    fleet.run()
    described = [p["KeyId"] for name, p in fleet.calls if name == "kms:DescribeKey"]
    assert sorted(described) == sorted({_key_arn(fleet, c) for c in ("alpha", "beta", "gamma")})


def test_describe_key_denied_is_a_partial_failure_and_the_rest_is_still_checked(fleet: Fleet) -> None:
    beta_key = _key_arn(fleet, "beta")
    fleet.client("logs").put_retention_policy(logGroupName="/ecs-exec/unit/beta", retentionInDays=7)

    def deny(params: dict[str, Any], **_: Any) -> Any:
        if beta_key in (params.get("body") or b"").decode():
            error = {"Code": "AccessDeniedException", "Message": f"not authorized on {beta_key}"}
            return AWSResponse("https://kms", 400, {}, _Raw(b"")), {
                "Error": error,
                "ResponseMetadata": {"HTTPStatusCode": 400},
            }
        return None

    fleet.session.events.register("before-call.kms.DescribeKey", deny)
    report = fleet.run()
    beta = next(r for r in report.results if r.name == "beta")
    [error] = report.errors
    assert (error.cluster, error.operation, error.code) == ("beta", "DescribeKey", "AccessDeniedException")
    assert beta_key in error.message
    assert [o.finding.field for o in beta.outcomes] == ["retentionInDays"]  # still diffed
    assert exit_code(report) is ExitCode.PARTIAL


def test_shared_key_unreadable_is_partial_not_every_cluster_failed(fleet: Fleet) -> None:
    # A configured key (one for every cluster) the role may not DescribeKey: every cluster is still
    # checked, so 6 (partial), not 5 ("every cluster failed"); one error line, not one per cluster.
    shared = _key_arn(fleet, "alpha")
    logging = fleet.spec.exec_logging
    kms = logging.kms.model_copy(update={"key_arn": shared})
    spec = fleet.spec.model_copy(update={"exec_logging": logging.model_copy(update={"kms": kms})})

    def deny(**_: Any) -> Any:
        error = {"Code": "AccessDeniedException", "Message": "cross-account key"}
        return AWSResponse("https://kms", 400, {}, _Raw(b"")), {
            "Error": error,
            "ResponseMetadata": {"HTTPStatusCode": 400},
        }

    fleet.session.events.register("before-call.kms.DescribeKey", deny)
    fleet.spec = spec
    report = fleet.run()
    assert [(e.cluster, e.operation) for e in report.errors] == [("*", "DescribeKey")]
    assert exit_code(report) is ExitCode.PARTIAL
