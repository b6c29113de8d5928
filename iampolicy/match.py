"""IAM's matching of actions, resources and principals.

- Actions: case-insensitive, ``*`` and ``?`` wildcards
  (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html).
- Resources: case-sensitive, ``*`` and ``?`` wildcards within an ARN; ``*`` spans ``:`` and ``/``
  (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html).
- Principals: ``*``, an account id or ``arn:...:root`` (every principal of the account), else the
  ARN; an assumed-role session matches its role
  (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache


@lru_cache(maxsize=4096)
def glob(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    """The compiled regex of an IAM wildcard pattern (``*`` any run of characters, ``?`` one)."""
    body = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile(f"^{body}$", re.DOTALL | (re.IGNORECASE if ignore_case else 0))


def action_matches(pattern: str, action: str) -> bool:
    """IAM action match: ``s3:Get*`` matches ``s3:GetObject``; case-insensitive; ``*`` matches all."""
    return bool(glob(pattern, True).match(action))


def any_action(patterns: Iterable[str], action: str) -> bool:
    """True when one of ``patterns`` matches ``action``."""
    return any(action_matches(p, action) for p in patterns)


def resource_matches(pattern: str, resource: str) -> bool:
    """IAM resource match: case-sensitive glob where ``*`` spans any characters (``:`` and ``/`` too)."""
    return bool(glob(pattern, False).match(resource))


def account_of(principal: str) -> str | None:
    """The 12-digit account of an IAM or STS ARN (None for anything else)."""
    m = re.match(r"^arn:[^:]+:(?:iam|sts)::(\d{12}):", principal)
    return m.group(1) if m else None


def role_of_session(principal: str) -> str:
    """``arn:aws:sts::1:assumed-role/R/s`` -> ``arn:aws:iam::1:role/R``; any other ARN unchanged."""
    return re.sub(
        r"^arn:([^:]+):sts::(\d{12}):assumed-role/([^/]+)/.*$", r"arn:\1:iam::\2:role/\3", principal
    )


def principal_matches(patterns: Iterable[str], principal: str) -> bool:
    """Does a ``Principal`` list name ``principal``?

    ``*`` matches everyone; an account id or ``arn:...:iam::<account>:root`` matches every principal
    of that account; otherwise the ARN must be equal (an assumed-role session matches its role ARN).
    A service principal is written ``service:<name>`` on both sides.
    """
    account = account_of(principal)
    role = role_of_session(principal)
    for pattern in patterns:
        if pattern == "*" or pattern in (principal, role):
            return True
        if account and (pattern == account or re.fullmatch(rf"arn:[^:]+:iam::{account}:root", pattern)):
            return True
    return False
