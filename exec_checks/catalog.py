"""The checks of this pack as data: id, message, hint, level and file, for the meta-test, the
SARIF rule table and the ``ECSX_`` level lookup."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import cache

from exec_checks import CHECKS_PACKAGE, checks_dir


@dataclass(frozen=True)
class CheckInfo:
    """One check's declared metadata; ``name`` is the file (and class) name."""

    check_id: str
    name: str
    message: str
    hint: str
    level: str
    resource_types: tuple[str, ...]


@cache
def our_checks() -> tuple[CheckInfo, ...]:
    """Every check of :mod:`exec_checks.checks`, found with importlib.resources (sorted by id)."""
    out = []
    for entry in checks_dir().iterdir():
        name = entry.name.removesuffix(".py")
        if not entry.name.endswith(".py") or name.startswith("_"):
            continue
        cls = getattr(importlib.import_module(f"{CHECKS_PACKAGE}.{name}"), name)
        out.append(CheckInfo(cls.check_id, name, cls.message, cls.hint, cls.level, tuple(cls.reports_on)))
    return tuple(sorted(out, key=lambda c: c.check_id))


def level_of(check_id: str) -> str:
    """``error`` or ``warning`` for one of our ids; ``error`` for any other (checkov's built-ins)."""
    return next((c.level for c in our_checks() if c.check_id == check_id), "error")
