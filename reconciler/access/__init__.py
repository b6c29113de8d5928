"""``ecs-exec access report``: who in the account can walk around the ECS Exec controls.

One paginated IAM ``GetAccountAuthorizationDetails`` (:mod:`.details`), the questions of
:mod:`iampolicy.questions` per principal (:mod:`.capabilities`), the config's expectations
(:mod:`.expected`) and the report (:mod:`.report`).
"""

from __future__ import annotations

#: IAM actions the report's caller needs (one paginated read).
PERMISSIONS = frozenset({"iam:GetAccountAuthorizationDetails"})
