"""Where Terraform runs for one environment: ``build/<env>/`` (git-ignored, outside ``terraform/``).

Layout (the build root is ``$ECS_EXEC_BUILD_DIR`` or ``<repo>/build``)::

    build/<env>/tf/modules/...          working copy of terraform/modules
    build/<env>/tf/envs/<env>/...       working copy of the root (Terraform runs here; keeps .terraform/)
    build/<env>/tf/envs/<env>/backend_override.tf   only against a moto server (AWS_ENDPOINT_URL)
    build/<env>/state/<host_port>/terraform.tfstate   local state per moto server endpoint
    build/<env>/endpoint                the endpoint of the last run
    build/<env>/plan.tfplan  plan.json  plan.meta.json (fingerprint of what was planned)
    build/<env>/plan.discarded          why the last saved plan was dropped (no changes, applied, ...)

Why a working copy instead of running in ``terraform/envs/<env>``: the committed tree stays free
of ``.terraform/``, lock files, override files and state (checkov, ``make check`` and golden
tests read it), the relative layout keeps ``source = "../../modules/..."`` resolving, and tests
can plan a render without touching the repository. Why an override file instead of
``-backend-config``: the moto run must not use the real S3 backend at all (not just other
settings of it), and ``*_override.tf`` replaces the backend block as a whole (or adds one).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import shutil
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BACKEND_OVERRIDE = "backend_override.tf"
#: Local states of this many most recently used moto endpoints are kept per environment.
KEEP_STATES = 8
#: Entries of the working copy that survive a sync (Terraform's own files).
_KEEP = {
    ".terraform",
    ".terraform.lock.hcl",
    BACKEND_OVERRIDE,
    "terraform.tfstate",
    "terraform.tfstate.backup",
}


def build_root(environ: Mapping[str, str] | None = None) -> Path:
    """``$ECS_EXEC_BUILD_DIR`` when set and non-empty, else ``<project>/build``
    (:func:`generator.project.project_root`)."""
    from generator.project import project_root

    env = os.environ if environ is None else environ
    return Path(env.get("ECS_EXEC_BUILD_DIR") or project_root(env) / "build")


def endpoint_from_env(environ: Mapping[str, str] | None = None) -> str | None:
    """``$AWS_ENDPOINT_URL`` (a moto server) or None for real AWS."""
    env = os.environ if environ is None else environ
    return env.get("AWS_ENDPOINT_URL") or None


def _sha(*parts: str) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode() + b"\0")
    return h.hexdigest()


@dataclass(frozen=True)
class PlanInputs:
    """What a saved plan was made from: sha256 of the rendered tree (``{relpath: content}``) and of
    the config file text, and the endpoint (``""`` for real AWS). A plan is fresh only while all
    three are unchanged."""

    terraform: str
    config: str
    endpoint: str

    @classmethod
    def of(cls, files: Mapping[str, str], config_text: str, endpoint: str | None) -> PlanInputs:
        tree = _sha(*(f"{rel}\0{files[rel]}" for rel in sorted(files)))
        return cls(tree, _sha(config_text), endpoint or "")

    @property
    def fingerprint(self) -> str:
        """One sha256 over the three parts (recorded in ``plan.meta.json``)."""
        return _sha(self.terraform, self.config, self.endpoint)

    def as_dict(self) -> dict[str, str]:
        return {"terraform": self.terraform, "config": self.config, "endpoint": self.endpoint}

    def changed_since(self, recorded: Mapping[str, Any]) -> list[str]:
        """What differs from ``recorded`` (an :meth:`as_dict`), in words: ``["config changed", ...]``."""
        changed: list[str] = []
        if recorded.get("endpoint") != self.endpoint:
            changed.append(
                f"endpoint changed ({_where(recorded.get('endpoint'))} -> {_where(self.endpoint)})"
            )
        if recorded.get("config") != self.config:
            changed.append("config changed")
        if recorded.get("terraform") != self.terraform:
            changed.append("rendered Terraform changed")
        return changed


def _where(endpoint: object) -> str:
    return str(endpoint) if endpoint else "real AWS"


def fingerprint(files: Mapping[str, str], config_text: str, endpoint: str | None) -> str:
    """:attr:`PlanInputs.fingerprint` of the rendered tree, the config file text and the endpoint."""
    return PlanInputs.of(files, config_text, endpoint).fingerprint


@dataclass(frozen=True)
class PlanStatus:
    """Whether the saved plan may be applied; ``reason`` says why not, in the words shown to the user
    (``"saved plan stale: endpoint changed (http://a -> http://b)"``, ``"no saved plan: the last one
    had no changes"``); ``"saved plan fresh"`` when it may."""

    fresh: bool
    reason: str


def backend_override_hcl(state_path: Path) -> str:
    """A ``terraform { backend "local" { path = ... } }`` override (fmt-clean HCL)."""
    path = json.dumps(str(state_path))  # JSON string escaping is valid HCL string escaping
    return (
        "# Written by ecs-exec: local state while AWS_ENDPOINT_URL points at a moto server.\n"
        "terraform {\n"
        '  backend "local" {\n'
        f"    path = {path}\n"
        "  }\n"
        "}\n"
    )


@dataclass(frozen=True)
class Workspace:
    """The build folder of one environment (see module docstring for the layout)."""

    env: str
    root: Path  #: build/<env>

    @classmethod
    def for_env(cls, env: str, environ: Mapping[str, str] | None = None) -> Workspace:
        return cls(env, build_root(environ) / env)

    @property
    def tf_dir(self) -> Path:
        """Top of the working copy (holds ``modules/`` and ``envs/``)."""
        return self.root / "tf"

    @property
    def workdir(self) -> Path:
        """The root module Terraform runs in: ``tf/envs/<env>``."""
        return self.tf_dir / "envs" / self.env

    def state_path(self, endpoint: str) -> Path:
        """Local state for the moto server at ``endpoint``: ``state/<host_port>/terraform.tfstate``."""
        slug = re.sub(r"[^A-Za-z0-9.-]+", "_", endpoint.split("://", 1)[-1]).strip("_") or "default"
        return self.root / "state" / slug / "terraform.tfstate"

    @property
    def endpoint_file(self) -> Path:
        return self.root / "endpoint"

    @property
    def plan_file(self) -> Path:
        return self.root / "plan.tfplan"

    @property
    def plan_json(self) -> Path:
        return self.root / "plan.json"

    @property
    def plan_meta(self) -> Path:
        return self.root / "plan.meta.json"

    @contextlib.contextmanager
    def lock(self, waiting: Callable[[str], None] | None = None) -> Iterator[None]:
        """Hold ``build/<env>/.lock`` (``flock``) while planning or applying.

        Terraform locks its state, but not our endpoint file, override and saved plan: two runs on
        one checkout (two terminals, a test and ``make demo``) would otherwise reset each other.
        ``waiting`` is told once when another run holds the lock (then this blocks until it ends).
        """
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".lock", "a+") as fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if waiting is not None:
                    waiting(f"    waiting for another ecs-exec run on {self.root} to finish")
                fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    # ---- working copy

    def sync(self, files: Mapping[str, str]) -> None:
        """Make the working copy hold exactly ``files`` (relpaths under ``terraform/``).

        Terraform's own files (``.terraform/``, lock file, override, state) are kept, so providers
        are not re-installed each run; files that are no longer rendered are removed.
        """
        self.tf_dir.mkdir(parents=True, exist_ok=True)
        for top in ("modules", "envs"):
            base = self.tf_dir / top
            if not base.exists():
                continue
            for path in sorted(base.rglob("*"), reverse=True):
                rel_parts = path.relative_to(self.tf_dir).parts
                if any(p in _KEEP for p in rel_parts):
                    continue
                if path.is_file() and path.relative_to(self.tf_dir).as_posix() not in files:
                    path.unlink()
                elif path.is_dir() and not any(path.iterdir()):
                    path.rmdir()
        for rel, content in files.items():
            dest = self.tf_dir / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            if not dest.is_file() or dest.read_text(encoding="utf-8") != content:
                dest.write_text(content, encoding="utf-8")

    def set_backend(self, endpoint: str | None) -> bool:
        """Point the state at the right place for ``endpoint``; True when it starts from empty state.

        With an endpoint (a moto server): write the local-backend override for that endpoint's own
        state (a new server starts empty; a saved plan of another endpoint is dropped). State is kept
        per endpoint rather than wiped on every switch, so two runs against two servers on one
        checkout do not destroy each other's state; the :data:`KEEP_STATES` most recent are kept.
        Without one: remove the override so the backend the config names is used, and drop a plan
        made against a moto server.
        """
        override = self.workdir / BACKEND_OVERRIDE
        previous = (
            self.endpoint_file.read_text(encoding="utf-8").strip() if self.endpoint_file.is_file() else None
        )
        if not endpoint:
            override.unlink(missing_ok=True)
            if previous is not None:
                self._discard_for_endpoint(previous, None)
                self.endpoint_file.unlink()
            return False
        state = self.state_path(endpoint)
        fresh = not state.exists()
        if previous != endpoint:
            self._discard_for_endpoint(previous, endpoint)
        state.parent.mkdir(parents=True, exist_ok=True)
        os.utime(state.parent)  # most recently used
        self._prune_states()
        self.workdir.mkdir(parents=True, exist_ok=True)
        override.write_text(backend_override_hcl(state.resolve()), encoding="utf-8")
        self.endpoint_file.write_text(endpoint + "\n", encoding="utf-8")
        return fresh and previous is not None and previous != endpoint

    def _discard_for_endpoint(self, previous: str | None, endpoint: str | None) -> None:
        """A plan made against another endpoint is never applied here: drop it, saying why."""
        why = f"saved plan stale: endpoint changed ({_where(previous)} -> {_where(endpoint)})"
        self.discard_plan(why if self.plan_file.is_file() else None)

    def _prune_states(self) -> None:
        dirs = sorted(
            (d for d in (self.root / "state").iterdir() if d.is_dir()), key=lambda d: d.stat().st_mtime
        )
        for old in dirs[:-KEEP_STATES]:
            shutil.rmtree(old, ignore_errors=True)

    # ---- saved plan

    @property
    def discard_note(self) -> Path:
        """Why the last saved plan was dropped (read by :meth:`plan_status`)."""
        return self.root / "plan.discarded"

    def discard_plan(self, why: str | None = None) -> None:
        """Forget the saved plan (binary and sidecar); ``plan.json`` stays for reading.

        ``why`` (e.g. ``"no saved plan: the last one was applied"``) is what the next
        :meth:`plan_status` reports while there is no new plan; None leaves the last note.
        """
        self.plan_file.unlink(missing_ok=True)
        self.plan_meta.unlink(missing_ok=True)
        if why:
            self.root.mkdir(parents=True, exist_ok=True)
            self.discard_note.write_text(why + "\n", encoding="utf-8")

    def write_plan_meta(self, inputs: PlanInputs, extra: Mapping[str, Any]) -> None:
        """Record what ``plan.tfplan`` was made from (fingerprint and its parts) plus ``extra``."""
        self.discard_note.unlink(missing_ok=True)
        meta = {"fingerprint": inputs.fingerprint, "inputs": inputs.as_dict(), **extra}
        self.plan_meta.write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n", encoding="utf-8")

    def plan_status(self, inputs: PlanInputs) -> PlanStatus:
        """May the saved plan be applied to ``inputs``? Fresh when ``plan.tfplan``, ``plan.json`` and
        ``plan.meta.json`` exist and the recorded fingerprint is ``inputs.fingerprint``; otherwise the
        reason: the discard note, or what changed since the plan was made."""
        if not self.plan_file.is_file():
            note = (
                self.discard_note.read_text(encoding="utf-8").strip() if self.discard_note.is_file() else ""
            )
            return PlanStatus(False, note or "no saved plan yet")
        try:
            meta = json.loads(self.plan_meta.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return PlanStatus(False, f"saved plan stale: {self.plan_meta.name} is missing or unreadable")
        if not self.plan_json.is_file():
            return PlanStatus(False, f"saved plan stale: {self.plan_json.name} is missing")
        if meta.get("fingerprint") == inputs.fingerprint:
            return PlanStatus(True, "saved plan fresh")
        changed = inputs.changed_since(meta.get("inputs") or {}) or ["made from other input"]
        return PlanStatus(False, "saved plan stale: " + ", ".join(changed))
