"""Helpers the checks share: the verdict of IAM answers, version parsing."""

from __future__ import annotations

import re

from iampolicy import Decision
from reconciler.preflight.context import worst
from reconciler.preflight.iam import Answer
from reconciler.preflight.model import Outcome, fail, passed, warn


def parse_version(text: str) -> tuple[int, ...] | None:
    """``(major, minor, patch)`` of ``1.4.0`` / ``v1.50.2-...``, or None."""
    m = re.match(r"^v?(\d+)\.(\d+)\.(\d+)", text)
    return tuple(int(g) for g in m.groups()) if m else None


def iam_outcome(answers: list[Answer], who: str, fix: str, *, unevaluable: str) -> Outcome:
    """Turn IAM answers into an outcome: all allowed PASS; a denial FAIL; conditional or unevaluable WARN."""
    decision = worst(answers)
    if decision is Decision.ALLOWED:
        return passed(f"{who} may {', '.join(sorted({a.action for a in answers}))}")
    # one line per distinct problem (the same unreadable principal answers every question alike)
    problems = "; ".join(dict.fromkeys(a.explanation for a in answers if a.decision is not Decision.ALLOWED))
    if decision in (Decision.DENIED, Decision.NOT_ALLOWED):
        return fail(f"{who}: {problems}", fix)
    if decision is None:
        return warn(f"{who}: cannot be evaluated: {problems}", unevaluable)
    return warn(f"{who}: {problems} (conditions not evaluated: check them)", fix)
