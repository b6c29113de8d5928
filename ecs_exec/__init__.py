"""ecs-exec-operator: policy operator for Amazon ECS Exec (CLI, errors, output, AWS session edge)."""

__version__ = "0.1.0"
