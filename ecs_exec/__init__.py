"""ecs-exec-operator: policy operator for Amazon ECS Exec (CLI, errors, output, AWS session edge)."""

from importlib.metadata import PackageNotFoundError, version

#: The distribution name on PyPI (``pip install ecs-exec-operator``).
DISTRIBUTION = "ecs-exec-operator"

try:
    #: The installed version, from the package metadata (``pyproject.toml``'s ``version``).
    __version__ = version(DISTRIBUTION)
except PackageNotFoundError:  # pragma: no cover - run from a source tree that was never installed
    __version__ = "0+unknown"
