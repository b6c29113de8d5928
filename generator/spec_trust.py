"""Who may assume the roles the generator renders: the config's trust settings and the one root rule.

**The root rule** (the same one the policy pack applies to roles that hand out exec): a trust
statement may name the account root only with a condition that says *who* may assume, because the
root principal delegates to every principal of the account that has ``sts:AssumeRole`` on the role
(IAM User Guide, "Policy evaluation logic": within one account an identity-based Allow is enough
once the trust policy names the account; "AWS JSON policy elements: Principal"). The conditions
that count:

- ``StringEquals sts:SourceIdentity = ${aws:username}``: an IAM user must name *themselves* as the
  source identity (IAM User Guide, "Monitor and control actions taken with assumed roles",
  https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_monitor.html);
- ``ArnLike aws:PrincipalArn = <patterns>``: only the named principals (e.g. the IAM Identity
  Center permission-set roles ``role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_<set>_*``).

``Null sts:SourceIdentity = false`` alone does not count: anyone allowed ``sts:AssumeRole`` could
pass ``--source-identity alice``. So in the config's principal lists:

- an account root ARN (``arn:aws:iam::<account>:root``), or an empty list, renders the bound form
  for IAM users (``${aws:username}``); ``production: true`` refuses it (name the principals);
- an ARN holding ``*`` or ``?`` is a pattern: ``ArnLike aws:PrincipalArn`` with the account root as
  principal (trust policies accept no wildcard in ``Principal``);
- any other ARN is named as the principal; an IAM user then must set their own user name as the
  source identity, a role (SSO, SAML or OIDC federation) carries the source identity its identity
  provider sets (SAML attribute ``https://aws.amazon.com/SAML/Attributes/SourceIdentity``, OIDC claim
  ``https://aws.amazon.com/source_identity``), which chained sessions keep and cannot change.

Root and pattern entries must be of the environment's own account (another account is named by
its principals).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from pydantic import BaseModel, ConfigDict, Field, StrictBool, field_validator

#: A GitHub ``owner/repository`` (GitHub's own character rules).
GITHUB_REPOSITORY_RE = re.compile(r"^[A-Za-z0-9-]{1,39}/[A-Za-z0-9._-]{1,100}$")
#: A GitHub deployment environment name (no ``:``, which the OIDC ``sub`` claim uses as separator).
GITHUB_ENVIRONMENT_RE = re.compile(r"^[^:*?\s][^:*?]{0,254}$")
#: GitHub's OIDC issuer (host of the IAM OIDC provider, and prefix of its condition keys).
GITHUB_OIDC_HOST = "token.actions.githubusercontent.com"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class GithubOidcSpec(_Strict):
    """GitHub Actions OIDC login for the drift role (``.github/workflows/nightly-drift.yml``).

    The trust pins the token's ``sub`` to ``repo:<repository>:environment:<environment>`` (the job
    declares ``environment:``) and ``aud`` to ``sts.amazonaws.com`` (GitHub docs, "Configuring
    OpenID Connect in Amazon Web Services"; IAM User Guide, "Create a role for OpenID Connect federation").
    """

    repository: str = Field(description="GitHub owner/repository running the workflow.")
    environment: str = Field(description="GitHub deployment environment of the job (its `environment:`).")
    create_provider: StrictBool = Field(
        default=False,
        description=(
            "Create the IAM OIDC provider for token.actions.githubusercontent.com in this root. "
            "Default: it exists already (one per account) and is named by its ARN."
        ),
    )

    @field_validator("repository")
    @classmethod
    def _repository(cls, v: str) -> str:
        if not GITHUB_REPOSITORY_RE.match(v):
            raise ValueError("must be a GitHub owner/repository")
        return v

    @field_validator("environment")
    @classmethod
    def _environment(cls, v: str) -> str:
        if not GITHUB_ENVIRONMENT_RE.match(v):
            raise ValueError("must be a GitHub environment name (no ':', '*', '?')")
        return v

    @property
    def subject(self) -> str:
        """The OIDC ``sub`` claim of a job in that environment."""
        return f"repo:{self.repository}:environment:{self.environment}"


class DriftSpec(_Strict):
    """Who may assume the drift role (``drift_role_name``): never the bare account root."""

    trusted_principals: list[str] = Field(
        default_factory=list,
        description=(
            "Principal ARNs (or ARN patterns with '*') allowed to assume the drift role, e.g. the "
            "cron host's role. Empty and no github_oidc: IAM users of the account naming themselves."
        ),
    )
    github_oidc: GithubOidcSpec | None = Field(
        default=None, description="GitHub Actions OIDC login (the nightly workflow)."
    )


def is_root(arn: str) -> bool:
    """True for an account root principal ARN (``arn:<partition>:iam::<account>:root``)."""
    return re.fullmatch(r"arn:aws[a-z-]*:iam::\d{12}:root", arn) is not None


def is_pattern(arn: str) -> bool:
    """True for an ARN pattern (``*`` or ``?``): usable in ``ArnLike``, not in ``Principal``."""
    return "*" in arn or "?" in arn


def check_principals(
    where: str,
    principals: Sequence[str],
    *,
    account_id: str,
    partition: str,
    production: bool,
    allow_empty: bool = True,
) -> None:
    """Apply the root rule to one principal list of the config.

    Raises:
        ValueError: ``<where>: ...`` for a principal of another partition (IAM trusts only principals
            of its own partition: ``arn:aws-cn:iam::<account>:root`` is not this account's root),
            a root or pattern of another account, or (production) the account root or an empty list
            (which mean "any IAM user of the account").
    """
    for arn in principals:
        if arn.split(":")[1] != partition:
            raise ValueError(
                f"{where}: {arn!r} is in partition {arn.split(':')[1]}, the environment in {partition} "
                "(a trust policy names principals of its own partition only)"
            )
    for arn in principals:
        if (is_root(arn) or is_pattern(arn)) and arn.split(":")[4] != account_id:
            raise ValueError(
                f"{where}: {arn!r}: an account root or ARN pattern must be of this account ({account_id}); "
                "name another account's principals"
            )
    bare = [arn for arn in principals if is_root(arn)]
    if production and (bare or (not principals and not allow_empty)):
        raise ValueError(
            f"{where}: the account root is refused in a production environment: name the principals "
            "(role or user ARNs, or ARN patterns such as the SSO permission-set roles)"
        )


@dataclass(frozen=True)
class Trust:
    """One role's trust, as the access module's ``trust`` objects take it (see its variables.tf).

    Attributes:
        principal_arns: named principals (roles, sessions; every principal when no source identity
            is required).
        user_arns: named IAM users, each bound to ``sts:SourceIdentity = ${aws:username}``.
        principal_arn_patterns: ``ArnLike aws:PrincipalArn`` patterns (account root as principal).
        account_iam_users: the account root, bound to ``sts:SourceIdentity = ${aws:username}``.
        require_mfa: ``Bool aws:MultiFactorAuthPresent = true`` on the statements for IAM users.
    """

    principal_arns: tuple[str, ...] = ()
    user_arns: tuple[str, ...] = ()
    principal_arn_patterns: tuple[str, ...] = ()
    account_iam_users: bool = False
    require_mfa: bool = False

    def attributes(self) -> dict[str, object]:
        """The fields that differ from the module's defaults (empty lists, false), for rendering;
        ``require_mfa`` only where it applies (a statement for IAM users)."""
        out = {k: v for k, v in self.__dict__.items() if v}
        if not (self.user_arns or self.account_iam_users):
            out.pop("require_mfa", None)
        return out


def trust_for(principals: Sequence[str], *, require_mfa: bool, bind_users: bool = True) -> Trust:
    """Classify a config principal list (see the module docstring). An empty list means the
    account's IAM users naming themselves; ``bind_users=False`` names users as plain principals."""
    named = sorted({a for a in principals if not is_root(a) and not is_pattern(a)})
    users = [a for a in named if bind_users and re.match(r"arn:[^:]+:iam::\d{12}:user/", a)]
    return Trust(
        principal_arns=tuple(a for a in named if a not in users),
        user_arns=tuple(users),
        principal_arn_patterns=tuple(sorted({a for a in principals if is_pattern(a)})),
        account_iam_users=not principals or any(is_root(a) for a in principals),
        require_mfa=require_mfa,
    )


def window_sweep_trust(sweep_principals: Sequence[str], *, operators: int, require_mfa: bool) -> Trust:
    """Whom the exec-window role trusts besides the operator roles: ``windows.sweep_principals``;
    the account's IAM users naming themselves only when there are no operator roles (with none
    of either, or an account root among the sweep principals)."""
    if sweep_principals:
        trust = trust_for(sweep_principals, require_mfa=require_mfa)
        return replace(trust, account_iam_users=trust.account_iam_users and operators == 0)
    return Trust(account_iam_users=operators == 0, require_mfa=require_mfa)


def drift_trust(drift: DriftSpec) -> Trust:
    """Whom the drift role trusts: ``drift.trusted_principals`` (named principals need no source
    identity: a machine runs the job), GitHub OIDC, or else IAM users naming themselves."""
    if not drift.trusted_principals and drift.github_oidc is not None:
        return Trust()
    return trust_for(drift.trusted_principals, require_mfa=False, bind_users=False)


#: Organizations target ids an SCP can be attached to: a root, an OU or an account.
SCP_TARGET_RE = re.compile(r"^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|\d{12})$")


#: An exact IAM role or user ARN (paths allowed): ``aws:PrincipalArn`` of a role session is the role
#: ARN, so an ``assumed-role`` ARN would never match (IAM User Guide, "AWS global condition context
#: keys", aws:PrincipalArn). IAM names: letters, digits and ``+=,.@_-``, path segments with ``/``.
DEPLOYER_ARN_RE = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:(user|role)/[\w+=,.@/-]+$")


class ScpSpec(_Strict):
    """The optional service control policy (``terraform/scp/<env>/``, applied in the organization's
    management account): what the guard policy cannot do, as it binds only the principals it is
    attached to (IAM User Guide, "Policy evaluation logic": an SCP limits every principal of the
    accounts it applies to, the management account and service-linked roles excepted; AWS
    Organizations User Guide, "Service control policies")."""

    enabled: StrictBool = Field(default=False, description="Render the SCP root terraform/scp/<env>/.")
    target_ids: list[str] = Field(
        default_factory=list,
        description="Organizations root, OU or account ids to attach it to; empty: the environment's account.",
    )
    deployer_principals: list[str] = Field(
        default_factory=list,
        description=(
            "Exact IAM role or user ARNs of this account (no patterns) that deploy this project (terraform apply): the only ones "
            "that may create, change or pass the exec-window, drift, scheduler and operator roles "
            "and change the guard policy. Required when enabled."
        ),
    )
    management_account_id: str | None = Field(
        default=None,
        pattern=r"^\d{12}$",
        description="The management account the SCP root is applied in (allowed_account_ids); absent: not pinned.",
    )

    @field_validator("target_ids")
    @classmethod
    def _targets(cls, v: list[str]) -> list[str]:
        for t in v:
            if not SCP_TARGET_RE.match(t):
                raise ValueError(f"{t!r} is not an Organizations root (r-...), OU (ou-...) or account id")
        return v

    @field_validator("deployer_principals")
    @classmethod
    def _deployers(cls, v: list[str]) -> list[str]:
        for arn in v:
            if not DEPLOYER_ARN_RE.match(arn):
                raise ValueError(
                    f"{arn!r} is not an exact IAM role or user ARN (no '*' or '?': the SCP exempts the "
                    "deployers with ArnNotLike aws:PrincipalArn, and a pattern would exempt every role it matches)"
                )
        return v


def check_scp(scp: ScpSpec, *, account_id: str, partition: str) -> None:
    """The SCP settings against the environment's account (``access.scp``).

    - the deployers are principals of the environment's own account and partition: the SCP applies
      to that account, and a principal elsewhere never makes requests there as itself;
    - the management account is not the environment's account, nor one of ``target_ids``: SCPs never
      restrict the management account (AWS Organizations User Guide, "Service control policies",
      https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html), so
      the guard would do nothing there.

    Raises:
        ValueError: ``access.scp.<field>: ...`` naming the first offending value.
    """
    mgmt = scp.management_account_id
    if mgmt is not None and mgmt == account_id:
        raise ValueError(
            f"access.scp.management_account_id: {mgmt} is the environment's own account_id; SCPs never "
            "restrict the management account, so the SCP would guard nothing (run the environment in a member account)"
        )
    if mgmt is not None and mgmt in scp.target_ids:
        raise ValueError(
            f"access.scp.target_ids: {mgmt} is the management account; SCPs never restrict the management account"
        )
    where = "access.scp.deployer_principals"
    for arn in scp.deployer_principals:
        arn_partition, arn_account = arn.split(":")[1], arn.split(":")[4]
        if (arn_partition, arn_account) != (partition, account_id):
            raise ValueError(
                f"{where}: {arn!r} is in {arn_partition}/{arn_account}, not the environment's "
                f"{partition}/{account_id}"
            )


def check_trust_rules(
    operators: Sequence[Sequence[str]],
    sweep_principals: Sequence[str],
    drift: DriftSpec,
    scp: ScpSpec,
    *,
    account_id: str,
    partition: str,
    production: bool,
) -> None:
    """The root rule (:func:`check_principals`) on every principal list of a config, and
    :func:`check_scp`. ``operators``: each operator's ``trusted_principals``, in config order.

    Raises:
        ValueError: ``<yaml path>: ...`` naming the first offending entry.
    """
    acct, part = account_id, partition
    for i, principals in enumerate(operators):
        where = f"access.operators[{i}].trusted_principals"
        check_principals(
            where, principals, account_id=acct, partition=part, production=production, allow_empty=False
        )
    check_principals(
        "windows.sweep_principals", sweep_principals, account_id=acct, partition=part, production=production
    )
    check_scp(scp, account_id=account_id, partition=partition)
    if scp.enabled and not scp.deployer_principals:
        raise ValueError(
            "access.scp.deployer_principals: required when the SCP is enabled (who runs terraform apply)"
        )
    oidc = drift.github_oidc is not None
    check_principals(
        "drift.trusted_principals",
        drift.trusted_principals,
        account_id=acct,
        partition=part,
        production=production,
        allow_empty=oidc,
    )
