"""Base classes of our checks: declarative metadata, checkov's own results and records.

Every check declares ``check_id`` (prefix :data:`exec_checks.CHECK_PREFIX`), ``message`` (one
line: checkov's check name), ``hint`` (the fix: checkov's ``guideline`` field), the resource
types it reports on (``reports_on``), and ``level`` (``error``; ``warning`` for a finding that only warns).

- :class:`ExecResourceCheck` is checkov's ``BaseResourceCheck`` (one resource's ``conf``).
- :class:`ExecGraphCheck` is checkov's ``BaseGraphCheck`` with ``run()`` in Python over checkov's
  graph (wrapped in :class:`exec_checks.model.TfModel`): checkov turns the vertices it returns
  into its own records (file, lines, address, skip comments), exactly as for its YAML graph checks.
  A check file registers its instance with :func:`register_graph_check`.
"""

from __future__ import annotations

import inspect
import logging
import threading
from abc import abstractmethod
from collections.abc import Iterable
from typing import Any, ClassVar

from checkov.common.bridgecrew.severities import BcSeverities, Severities
from checkov.common.checks_infra.registry import get_graph_checks_registry
from checkov.common.graph.checks_infra.base_check import BaseGraphCheck
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.runner_filter import RunnerFilter
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

from exec_checks.model import Block, TfModel

log = logging.getLogger("exec_checks")

#: Errors raised inside graph checks: checkov runs them in a thread pool that would swallow them,
#: so :func:`exec_checks.scan.scan` reads (and clears) this list and fails loudly instead.
GRAPH_CHECK_ERRORS: list[str] = []
_ERRORS_LOCK = threading.Lock()

_ORDER = {CheckResult.PASSED: 0, CheckResult.UNKNOWN: 1, CheckResult.FAILED: 2}


def worst(results: Iterable[CheckResult]) -> CheckResult:
    """FAILED over UNKNOWN over PASSED (PASSED for no results)."""
    return max(results, key=lambda r: _ORDER[r], default=CheckResult.PASSED)


def result_of(allowed: bool | None) -> CheckResult:
    """An IAM answer as a check result: allowed PASSED, denied FAILED, None (depends on unknown values) UNKNOWN."""
    return {True: CheckResult.PASSED, False: CheckResult.FAILED, None: CheckResult.UNKNOWN}[allowed]


class _Meta:
    check_id: ClassVar[str]
    message: ClassVar[str]
    hint: ClassVar[str]
    #: resource types the check reports on (checkov's ``supported_resources`` / ``resource_types``)
    reports_on: ClassVar[tuple[str, ...]]
    check_category: ClassVar[CheckCategories] = CheckCategories.GENERAL_SECURITY
    #: ``error``: a failure; ``warning``: reported, does not fail the scan.
    level: ClassVar[str] = "error"

    @classmethod
    def _severity(cls) -> Any:
        return Severities[BcSeverities.LOW if cls.level == "warning" else BcSeverities.HIGH]


class ExecResourceCheck(_Meta, BaseResourceCheck):
    """A check of one resource's rendered config (checkov ``BaseResourceCheck``)."""

    def __init__(self) -> None:
        super().__init__(
            name=self.message,
            id=self.check_id,
            categories=[self.check_category],
            supported_resources=list(self.reports_on),
            guideline=self.hint,
        )
        self.severity = self._severity()

    def scan_resource_conf(self, conf: dict[str, list[Any]]) -> CheckResult:
        """checkov's entry point: delegates to :meth:`evaluate`."""
        return self.evaluate(conf)

    @abstractmethod
    def evaluate(self, conf: dict[str, list[Any]]) -> CheckResult:
        """PASSED / FAILED / UNKNOWN for one resource's checkov config (list-wrapped values)."""


class ExecGraphCheck(_Meta, BaseGraphCheck):
    """A cross-resource check over checkov's graph (checkov ``BaseGraphCheck`` with a Python ``run``)."""

    def __init__(self) -> None:
        cls = type(self)
        super().__init__()  # sets instance defaults that shadow the class metadata: read it from cls
        self.id = cls.check_id
        self.name = cls.message
        self.guideline = cls.hint
        self.resource_types = list(cls.reports_on)
        self.category = cls.check_category.name
        self.severity = self._severity()
        self.frameworks = ["terraform"]
        self.check_path = inspect.getfile(type(self))

    def run(
        self, graph_connector: Any
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
        """checkov's entry point: (passed, failed, unknown) vertices of the graph."""
        try:
            model = TfModel.from_connector(graph_connector)
            by_block: dict[Block, list[CheckResult]] = {}
            for block, result in self.evaluate(model):
                by_block.setdefault(block, []).append(result)
        except Exception as exc:  # noqa: BLE001 - re-raised by scan(); checkov's thread pool would drop it
            # one line reaches the user through scan()'s OperatorError; the traceback only with -v
            log.debug("check %s failed: %s", self.id, exc, exc_info=True)
            with _ERRORS_LOCK:
                GRAPH_CHECK_ERRORS.append(f"{self.id}: {type(exc).__name__}: {exc}")
            return [], [], []
        out: dict[CheckResult, list[dict[str, Any]]] = {r: [] for r in _ORDER}
        for block, results in by_block.items():
            out[worst(results)].append(block.vertex)
        return out[CheckResult.PASSED], out[CheckResult.FAILED], out[CheckResult.UNKNOWN]

    @abstractmethod
    def evaluate(self, model: TfModel) -> Iterable[tuple[Block, CheckResult]]:
        """Yield (block, result) pairs; a block yielded more than once gets its worst result."""


def register_graph_check(check: ExecGraphCheck) -> ExecGraphCheck:
    """Add ``check`` to checkov's Terraform graph-check registry (once per id) as an external check."""
    registry = get_graph_checks_registry("terraform")
    if not any(c.id == check.id for c in registry.checks):
        registry.checks.append(check)
    RunnerFilter.notify_external_check(check.id)
    return check
