"""The Terraform folders that changed files belong to (``ecs-exec check --changed-files``, the
pre-commit hook ``ecs-exec-check``, which passes the changed ``.tf`` files)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path


def changed_folders(files: Iterable[Path]) -> list[Path]:
    """The distinct folders holding the ``.tf`` files among ``files`` (other files are ignored), sorted,
    without a folder that lies inside another one of the list (the scan of a folder is recursive).
    ``[]`` when no ``.tf`` file is given."""
    folders = {Path(f).parent for f in files if Path(f).name.endswith(".tf")}
    return sorted(f for f in folders if not any(other in f.parents for other in folders))
