"""``ecs-exec preflight``: explain why ECS Exec would fail on a target, before anyone tries.

- :mod:`.model`: check results and the report (pure).
- :mod:`.tools`: the client-side tools (AWS CLI, session-manager-plugin), lookups injectable.
- :mod:`.target`: resolve ``--cluster`` / ``--service`` / ``--task`` (AWS).
- :mod:`.facts`: cached readers of everything the checks look at (AWS).
- :mod:`.iam`: IAM answers: ``SimulatePrincipalPolicy`` when available, else static evaluation.
- :mod:`.checks`: one small function per check, each with a stable id, in the order they run.
- :mod:`.runner`: runs the checks and builds the report.
"""
