"""Look-ups in the desired state that a command refuses when they fail (one wording, one exit code)."""

from __future__ import annotations

from ecs_exec.errors import NotFoundError
from generator.spec import ClusterSpec, EnvironmentSpec


def require_cluster(spec: EnvironmentSpec, cluster: str, option: str = "--cluster") -> ClusterSpec:
    """The config's cluster named ``cluster``: every command that takes ``--cluster`` checks it here,
    before any AWS call.

    Raises:
        NotFoundError: the config does not name it (exit 4): ``--cluster: 'x' is not a cluster of
            environment stg (known: a, b)``.
    """
    found = spec.cluster(cluster)
    if found is None:
        known = ", ".join(c.name for c in spec.clusters) or "none"
        raise NotFoundError(
            f"{option}: {cluster!r} is not a cluster of environment {spec.environment} (known: {known})"
        )
    return found
