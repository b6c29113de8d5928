"""The committed skip file (``checkov-skips.yaml``): every skip names a check and says why.

Format::

    skips:
      - id: CKV_AWS_158                  # a check id (checkov's or ours; * wildcards allowed)
        reason: exec log group is encrypted with the exec key, set by ECSX_004
        resource: aws_cloudwatch_log_group.exec   # optional: only this resource address (wildcards allowed)
"""

from __future__ import annotations

import fnmatch
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ecs_exec.errors import ConfigError


class SkipEntry(BaseModel):
    """One skip: check ``id``, the ``reason`` (required, non-empty), optional ``resource`` address."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    id: str = Field(min_length=1)
    reason: str = Field(min_length=1)
    resource: str | None = None

    def matches(self, check_id: str, resource: str) -> bool:
        """True when this entry skips ``check_id`` on ``resource``."""
        return fnmatch.fnmatchcase(check_id, self.id) and (
            self.resource is None or fnmatch.fnmatchcase(resource, self.resource)
        )


class SkipFile(BaseModel):
    """The whole file: ``skips:`` list."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    skips: list[SkipEntry] = Field(default_factory=list)


def load_skips(path: Path) -> list[SkipEntry]:
    """Read a skip file. Raises :class:`ConfigError` (exit 4) for bad YAML or a bad entry (one line,
    naming the file and the field)."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML ({str(exc).splitlines()[0]})") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the skip file ({exc.strerror})") from None
    try:
        return SkipFile.model_validate(raw or {}).skips
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise ConfigError(f"{path}: {where}: {err['msg']}") from None
