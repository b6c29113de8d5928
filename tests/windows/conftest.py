"""Fixtures of the exec-window tests: an in-process moto account seeded like the local environment."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from moto import mock_aws
from moto.moto_api import state_manager
from window_helpers import seed

from ecs_exec.aws import ClientFactory
from generator.loader import load_config
from generator.spec import EnvironmentSpec

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture()
def spec() -> EnvironmentSpec:
    return load_config(config=REPO / "config" / "local.yaml")


@pytest.fixture()
def moto_account(spec: EnvironmentSpec) -> Iterator[boto3.Session]:
    """A seeded in-process moto account; ECS tasks stay RUNNING however often they are described."""
    with mock_aws():
        state_manager.set_transition("ecs::task", {"progression": "manual", "times": 1_000_000})
        session = boto3.Session(region_name=spec.region)
        seed(session, spec)
        try:
            yield session
        finally:
            state_manager.unset_transition("ecs::task")


@pytest.fixture()
def factory(spec: EnvironmentSpec, moto_account: boto3.Session) -> ClientFactory:
    return ClientFactory(spec.region, session=boto3.Session(region_name=spec.region))
