"""The Terraform folders to check for a set of changed files (``ecs-exec check --changed-files``, the
pre-commit hook ``ecs-exec-check``, which passes the changed ``.tf`` files).

A changed module is checked through the roots that call it: a module scanned on its own has other
resource addresses (``aws_s3_bucket.this`` instead of ``module.cluster_x.aws_s3_bucket.this``), which
the skip file's entries do not name, and no values for its variables. Terraform requires a module's
``source`` to be a literal string, so local calls (``source = "../modules/x"``) are found by reading
the ``.tf`` files.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

_LOCAL_SOURCE = re.compile(r'^\s*source\s*=\s*"(\.{1,2}/[^"]*)"', re.MULTILINE)


def module_callers(root: Path) -> dict[Path, set[Path]]:
    """``{module folder: folders whose .tf files call it with a local source}`` under ``root``
    (resolved paths; ``.terraform/`` copies are ignored)."""
    callers: dict[Path, set[Path]] = {}
    for tf in root.rglob("*.tf"):
        if ".terraform" in tf.parts:
            continue
        for match in _LOCAL_SOURCE.finditer(tf.read_text(encoding="utf-8", errors="replace")):
            module = (tf.parent / match.group(1)).resolve()
            callers.setdefault(module, set()).add(tf.parent.resolve())
    return callers


def _roots(folder: Path, callers: dict[Path, set[Path]]) -> set[Path]:
    """The folders that call ``folder`` (through any chain of modules) and are called by none."""
    seen, todo, roots = {folder}, [folder], set()
    while todo:
        current = todo.pop()
        parents = callers.get(current, set()) - seen
        if not callers.get(current):
            roots.add(current)
        seen |= parents
        todo += parents
    return roots or {folder}


def changed_folders(files: Iterable[Path], search_root: Path | None = None) -> list[Path]:
    """The folders to scan for the changed ``files``: the folders holding the ``.tf`` ones (other files
    are ignored), each module replaced by the roots under ``search_root`` that call it (none given: no
    replacement), sorted, without a folder that lies inside another one of the list (the scan of a
    folder is recursive). Paths inside the current directory are relative to it. ``[]`` without a
    ``.tf`` file."""
    folders = {Path(f).parent.resolve() for f in files if Path(f).name.endswith(".tf")}
    if search_root is not None and folders:
        callers = module_callers(search_root)
        folders = {root for folder in folders for root in _roots(folder, callers)}
    kept = sorted(f for f in folders if not any(other in f.parents for other in folders))
    here = Path.cwd().resolve()
    return [f.relative_to(here) if f.is_relative_to(here) else f for f in kept]
