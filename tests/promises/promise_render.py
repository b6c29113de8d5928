"""The rendered IAM of one environment, evaluated by Terraform itself, as iampolicy principals.

``terraform test`` runs the rendered root (``terraform/envs/<env>`` with ``terraform/modules``,
copied to a temporary folder) against a **mock provider** (Terraform >= 1.7): no AWS, no moto, no
network. Data sources answer the config's account, region and partition; every computed attribute
the policies reference (role, key, log group, queue ARNs) comes back as a random 8-character token,
which :func:`account_from_state` maps to the ARN AWS would give the resource (from its type and
name). ``terraform test -json -verbose`` prints the applied state (``test_state``), so every
``jsonencode``, ``for`` expression, conditional and module output is Terraform's own evaluation.
The ``import`` blocks of adopted clusters are dropped (a mock provider cannot import). An
environment's service control policy is its own root (``terraform/scp/<env>``), read the same way.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from iampolicy import Policy, Principal, parse_policy

_MOCK = """# written by tests/promises/rendered.py: the rendered root against a mock AWS provider
mock_provider "aws" {{
  mock_data "aws_caller_identity" {{
    defaults = {{ account_id = "{account}", arn = "arn:aws:iam::{account}:user/terraform" }}
  }}
  mock_data "aws_partition" {{
    defaults = {{ partition = "aws", dns_suffix = "amazonaws.com" }}
  }}
  mock_data "aws_region" {{
    defaults = {{ name = "{region}" }}
  }}
  # ARNs the provider validates where they are used; same value for every instance (see below).
  mock_resource "aws_iam_policy" {{
    defaults = {{ arn = "arn:aws:iam::{account}:policy/mock" }}
  }}
  mock_resource "aws_sns_topic" {{
    defaults = {{ arn = "arn:aws:sns:{region}:{account}:mock" }}
  }}
  mock_resource "aws_iam_openid_connect_provider" {{
    defaults = {{ arn = "arn:aws:iam::{account}:oidc-provider/mock" }}
  }}
  mock_resource "aws_organizations_policy" {{
    defaults = {{ arn = "arn:aws:organizations::{account}:policy/o-mock/service_control_policy/p-mock", id = "p-mock" }}
  }}
}}

run "rendered" {{
  command = apply
}}
"""

REPO = Path(__file__).resolve().parents[2]
_TOKEN = re.compile(r"^[a-z0-9]{8}$")


def run_mock_apply(
    tree: Path, root: str, account: str, region: str, work: Path, plugin_dir: str | None
) -> dict[str, Any]:
    """``terraform test -json -verbose`` of the root ``tree/<root>`` (``envs/stg``, ``scp/prd``) in a
    copy of ``tree`` under ``work``; the ``test_state`` document (``root_module`` with ``resources``
    and ``child_modules``).

    Raises AssertionError with Terraform's diagnostics when init or the run fails."""
    shutil.copytree(tree, work, dirs_exist_ok=True)
    where = work / root
    (where / "imports.tf").unlink(missing_ok=True)
    (where / "tests").mkdir(exist_ok=True)
    (where / "tests" / "promises.tftest.hcl").write_text(_MOCK.format(account=account, region=region))
    init = ["terraform", "init", "-backend=false", "-input=false", "-no-color"]
    if plugin_dir:
        init.append(f"-plugin-dir={plugin_dir}")
    done = subprocess.run(init, cwd=where, capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"terraform init failed:\n{done.stdout}\n{done.stderr}"
    done = subprocess.run(
        ["terraform", "test", "-json", "-verbose", "-no-color"],
        cwd=where,
        capture_output=True,
        text=True,
        check=False,
    )
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    states = [line["test_state"] for line in lines if line.get("type") == "test_state"]
    if done.returncode != 0 or not states:
        diags = [
            line["@message"] + ": " + str(line.get("diagnostic", {}).get("detail", ""))
            for line in lines
            if line.get("type") == "diagnostic"
        ]
        raise AssertionError(f"terraform test failed ({done.returncode}):\n" + "\n".join(diags) + done.stderr)
    return states[-1]


def scps_from_state(state: dict[str, Any]) -> tuple[Policy, ...]:
    """The service control policies (``aws_organizations_policy``) of a ``test_state`` document."""
    return tuple(
        parse_policy(r["values"]["content"], f"scp:{r['values'].get('name')}")
        for r in _resources(state["root_module"])
        if r["type"] == "aws_organizations_policy"
        and r["values"].get("type", "SERVICE_CONTROL_POLICY") == "SERVICE_CONTROL_POLICY"
    )


def _resources(module: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield from module.get("resources", [])
    for child in module.get("child_modules", []):
        yield from _resources(child)


def _real_arn(r: dict[str, Any], account: str, region: str) -> str | None:
    v = r["values"]
    name = v.get("name")
    path = v.get("path") if isinstance(v.get("path"), str) and v["path"].startswith("/") else "/"
    return {
        "aws_iam_role": f"arn:aws:iam::{account}:role{path}{name}",
        "aws_iam_user": f"arn:aws:iam::{account}:user{path}{name}",
        "aws_kms_key": f"arn:aws:kms:{region}:{account}:key/{v.get('id')}",
        "aws_cloudwatch_log_group": f"arn:aws:logs:{region}:{account}:log-group:{name}",
        "aws_sqs_queue": f"arn:aws:sqs:{region}:{account}:{name}",
        "aws_ecs_cluster": f"arn:aws:ecs:{region}:{account}:cluster/{name}",
        "aws_s3_bucket": f"arn:aws:s3:::{v.get('bucket')}",
        "aws_scheduler_schedule_group": f"arn:aws:scheduler:{region}:{account}:schedule-group/{name}",
    }.get(r["type"])


@dataclass
class RenderedAccount:
    """The IAM of one rendered environment: roles (created or only attached to), SCPs, the guard.

    ``roles``: role name -> :class:`Principal` (identity policies: inline and attached; trust policy
    for roles the root creates). ``policies``: managed policy name -> :class:`Policy`.
    ``resources``: address -> resource ARN (tokens mapped); ``scps``: the service control policies
    rendered for the environment (its own root, ``scp/<env>``), with AWS's default ``FullAWSAccess``.
    """

    account: str
    region: str
    roles: dict[str, Principal] = field(default_factory=dict)
    policies: dict[str, Policy] = field(default_factory=dict)
    resources: dict[str, str] = field(default_factory=dict)
    scps: tuple[Policy, ...] = ()
    #: resource address (without instance key) of each ``aws_iam_policy`` -> its policy
    policy_at: dict[str, Policy] = field(default_factory=dict)

    def role_arn(self, name: str) -> str:
        return self.roles[name].arn if name in self.roles else f"arn:aws:iam::{self.account}:role/{name}"


def account_from_state(state: dict[str, Any], account: str, region: str) -> RenderedAccount:
    """Roles, policies and SCPs of a ``test_state`` document, with mock tokens mapped to real ARNs."""
    resources = [r for r in _resources(state["root_module"]) if r.get("mode") == "managed"]
    tokens: dict[str, str] = {}
    for r in resources:
        arn = r["values"].get("arn")
        real = _real_arn(r, account, region)
        if isinstance(arn, str) and _TOKEN.match(arn) and real:
            tokens[arn] = real
        if r["type"] == "aws_iam_role" and isinstance(r["values"].get("id"), str):
            tokens[r["values"]["id"]] = r["values"]["name"]

    def fix(text: str) -> str:
        for token, real in tokens.items():
            text = text.replace(token, real)
        return text

    out = RenderedAccount(account, region)
    by_address = {r["address"]: r for r in resources}
    out.resources = {a: fix(str(r["values"].get("arn", ""))) for a, r in by_address.items()}
    policy_of_address: dict[str, Policy] = {}
    for r in resources:
        if r["type"] == "aws_iam_policy":
            pol = parse_policy(fix(r["values"]["policy"]), r["values"]["name"])
            out.policies[r["values"]["name"]] = pol
            policy_of_address[re.sub(r"\[[^]]*\]$", "", r["address"])] = pol
    inline: dict[str, list[Policy]] = {}
    attached: dict[str, list[Policy]] = {}
    for r in resources:
        v = r["values"]
        if r["type"] == "aws_iam_role_policy":
            role = fix(v["role"])
            inline.setdefault(role, []).append(parse_policy(fix(v["policy"]), f"inline:{v['name']}"))
        if r["type"] == "aws_iam_role_policy_attachment":
            deps = [policy_of_address[d] for d in r.get("depends_on", []) if d in policy_of_address]
            assert len(deps) == 1, (
                f"{r['address']}: cannot tell which policy it attaches ({r.get('depends_on')})"
            )
            attached.setdefault(fix(v["role"]), []).append(deps[0])
    created = {r["values"]["name"]: r for r in resources if r["type"] == "aws_iam_role"}
    for name in sorted(set(created) | set(inline) | set(attached)):
        r = created.get(name)
        arn = _real_arn(r, account, region) if r else f"arn:aws:iam::{account}:role/{name}"
        trust = parse_policy(fix(r["values"]["assume_role_policy"]), f"trust:{name}") if r else None
        policies = tuple(inline.get(name, [])) + tuple(attached.get(name, []))
        out.roles[name] = Principal(name, str(arn), "role", policies, trust=trust)
    out.policy_at = policy_of_address
    return out


#: ``render_tree(tree, env)`` (the session fixture): the rendered IAM of ``tree/envs/<env>``.
RenderTree = Callable[[Path, str], RenderedAccount]
