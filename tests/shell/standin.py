"""A stand-in ``session-manager-plugin``: a real executable, first on PATH in the tests.

It answers ``--version`` (and a bare probe) like the real plugin; otherwise it appends one JSON line
``{"argv": [...], "env": {...}, "pid": n}`` to ``$STANDIN_RECORD``, then with ``$STANDIN_WAIT`` set
waits for a signal, recording each as ``{"signal": "SIGINT"}`` (SIGINT/SIGQUIT/SIGTSTP are handled and
it keeps waiting, as the real plugin forwards them to the remote shell; SIGTERM/SIGHUP end it), and
exits with ``$STANDIN_EXIT`` (default 0). It runs with ``python -S``: no site, no test hooks.
"""

from __future__ import annotations

import stat
import sys
from pathlib import Path

VERSION = "1.2.650.0"

SCRIPT = """
import json, os, signal, sys, time
if len(sys.argv) == 1 or sys.argv[1] == "--version":
    print("%(version)s" if len(sys.argv) > 1 else "The Session Manager plugin was installed successfully. Use the AWS CLI to start a session.")
    sys.exit(0)
record = os.environ.get("STANDIN_RECORD")
def write(entry):
    if record:
        with open(record, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(entry) + "\\n")
write({"argv": sys.argv, "env": dict(os.environ), "pid": os.getpid()})
code = int(os.environ.get("STANDIN_EXIT", "0"))
if os.environ.get("STANDIN_WAIT"):
    done = []
    def on_signal(signum, _frame):
        write({"signal": signal.Signals(signum).name})
        if signum in (signal.SIGTERM, signal.SIGHUP):
            done.append(signum)
    for s in (signal.SIGINT, signal.SIGQUIT, signal.SIGTSTP, signal.SIGTERM, signal.SIGHUP):
        signal.signal(s, on_signal)
    write({"waiting": True})
    while not done:
        time.sleep(0.05)
sys.exit(code)
"""


def write_standin(folder: Path) -> Path:
    """Write the stand-in as ``folder/session-manager-plugin`` (executable); returns its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "session-manager-plugin"
    path.write_text(f"#!{sys.executable} -S\n" + SCRIPT % {"version": VERSION}, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path
