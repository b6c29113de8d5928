"""IAM policies as data, one static evaluator, and one catalogue of the IAM actions this project names.

The layer below ``generator``, ``exec_checks`` and ``reconciler``: it imports nothing of ours, so
all three may use it (``generator`` for the catalogue, ``exec_checks`` for action and resource
matching, ``reconciler`` for evaluating live policies).

- :mod:`iampolicy.model`: policy documents parsed into frozen statements.
- :mod:`iampolicy.match`: IAM's action, resource and principal matching.
- :mod:`iampolicy.conditions`: the ``Condition`` operators, three-valued.
- :mod:`iampolicy.evaluate`: one request against a set of policies.
- :mod:`iampolicy.principal`: a principal's identity policies, boundary and SCPs together.
- :mod:`iampolicy.actions`: the catalogue of actions and condition keys (AWS facts).
"""

from iampolicy.conditions import RequestContext, condition_truth
from iampolicy.evaluate import NOT_SEEN, Evaluation, Match, evaluate
from iampolicy.match import action_matches, principal_matches, resource_matches
from iampolicy.model import Decision, Policy, PolicyParseError, Statement, Truth, parse_policy
from iampolicy.principal import Principal, can_assume, decide, trusts

__all__ = [
    "NOT_SEEN",
    "Decision",
    "Evaluation",
    "Match",
    "Policy",
    "PolicyParseError",
    "Principal",
    "RequestContext",
    "Statement",
    "Truth",
    "action_matches",
    "can_assume",
    "condition_truth",
    "decide",
    "evaluate",
    "parse_policy",
    "principal_matches",
    "resource_matches",
    "trusts",
]
