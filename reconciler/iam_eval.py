"""Moved to :mod:`iampolicy` (below ``reconciler`` and ``exec_checks``); this name re-exports it
for code not yet changed over. New code imports :mod:`iampolicy` directly."""

from iampolicy import *  # noqa: F403
from iampolicy import __all__  # noqa: F401
