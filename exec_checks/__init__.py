"""Our checkov policy pack for ECS Exec (issue 3).

- :mod:`exec_checks.checks`: one check per file, class named as the file; checkov loads the folder
  with ``--external-checks-dir`` (it needs its ``__init__.py``). Resource checks look at one
  resource; graph checks (:class:`exec_checks.base.ExecGraphCheck`) follow references across
  resources on checkov's own graph and emit checkov's own records.
- :mod:`exec_checks.scan`: run checkov (built-ins plus ours) in-process and return a
  :class:`exec_checks.report.ScanReport`.

Every check id starts with :data:`CHECK_PREFIX`, never ``CKV_AWS_`` / ``CKV2_AWS_``.
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable

#: Prefix of every check id of this pack.
CHECK_PREFIX = "ECSX_"
#: The package holding the check files.
CHECKS_PACKAGE = "exec_checks.checks"


def checks_dir() -> Traversable:
    """The folder of our check files (package data), for checkov's ``external_checks_dir``."""
    return files(CHECKS_PACKAGE)
