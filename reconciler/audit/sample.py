"""The sample CloudTrail records, shipped as package data.

``reconciler/audit/examples/cloudtrail-exec-sample.json`` is a byte-for-byte copy of
``docs/examples/cloudtrail-exec-sample.json`` (the README's recipes, the tests and the checks use that
path; a test keeps the two equal). The copy lets an installed package (no checkout) run the audit on it:
``ecs-exec audit --env local --events-file "$(python -m reconciler.audit.sample)"``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from importlib.resources import as_file, files
from importlib.resources.abc import Traversable
from pathlib import Path

#: File name of the sample (the same in docs/examples/ and in the package).
SAMPLE_NAME = "cloudtrail-exec-sample.json"


def sample_events() -> Traversable:
    """The packaged sample: a trail log file (``{"Records": [...]}``) for ``config/local.yaml``
    (account ``123456789012``, ``us-east-1``, cluster ``demo-app``)."""
    return files("reconciler.audit").joinpath("examples", SAMPLE_NAME)


@contextlib.contextmanager
def sample_events_path() -> Iterator[Path]:
    """A file-system path of :func:`sample_events` for the duration of the ``with`` block (a real path
    for an unpacked install, a temporary copy for a zipped one)."""
    with as_file(sample_events()) as path:
        yield path


if __name__ == "__main__":  # pragma: no cover - `python -m reconciler.audit.sample` prints the path
    print(Path(str(sample_events())))
