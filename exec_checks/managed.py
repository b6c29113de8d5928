"""AWS managed policies whose grants are documented and stable, as documents.

A role's attached AWS managed policy (``arn:aws:iam::aws:policy/<name>``) has no Terraform source to
read; the ones below are read from the AWS Managed Policy Reference
(https://docs.aws.amazon.com/aws-managed-policy/latest/reference/): ``AdministratorAccess`` allows
``*`` on ``*``; ``PowerUserAccess`` allows everything but ``iam:*``, ``organizations:*`` and
``account:*`` (its few IAM and Organizations read actions are left out: nothing here judges them).
Any other AWS managed policy stays unknown.
"""

from __future__ import annotations

import re

from exec_checks.policy import PolicyDocument, from_json

_AWS_MANAGED = re.compile(r"^arn:[^:]+:iam::aws:policy/(?:.*/)?([^/]+)$")

_DOCUMENTS = {
    "AdministratorAccess": {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]},
    "PowerUserAccess": {
        "Statement": [
            {"Effect": "Allow", "NotAction": ["iam:*", "organizations:*", "account:*"], "Resource": "*"}
        ]
    },
}


def aws_managed_document(policy_arn: object) -> PolicyDocument | None:
    """The document of a known AWS managed policy ARN (any partition); None for anything else."""
    match = _AWS_MANAGED.match(policy_arn) if isinstance(policy_arn, str) else None
    doc = _DOCUMENTS.get(match.group(1)) if match else None
    return None if doc is None else from_json(doc, lambda text: text)
