"""Option checks of the exec-window commands (CLI-only, before any AWS call)."""

from __future__ import annotations

import pytest

from ecs_exec.cli.window_options import check_minutes, check_reason, check_service, check_timeout
from ecs_exec.errors import InvalidValueError


@pytest.mark.parametrize(("minutes", "ok"), [(0, False), (-5, False), (1, True), (60, True), (61, False)])
def test_check_minutes(minutes: int, ok: bool) -> None:
    if ok:
        assert check_minutes(minutes, 60) == minutes
    else:
        with pytest.raises(InvalidValueError, match="--minutes"):
            check_minutes(minutes, 60)


@pytest.mark.parametrize("reason", [None, "", "   \n "])
def test_reason_is_required(reason: str | None) -> None:
    with pytest.raises(InvalidValueError, match="--reason"):
        check_reason(reason)


@pytest.mark.parametrize(
    ("value", "name"),
    [
        ("api", "api"),
        (" api ", "api"),
        ("arn:aws:ecs:us-east-1:123456789012:service/demo-app/api", "api"),
        ("arn:aws:ecs:us-east-1:123456789012:service/api", "api"),
    ],
)
def test_service_arn_is_reduced_to_its_name(value: str, name: str) -> None:
    assert check_service(value, "demo-app") == name


@pytest.mark.parametrize(
    ("value", "match"),
    [
        ("arn:aws:ecs:us-east-1:123456789012:service/other/api", "not of --cluster 'demo-app'"),
        ("api/../x", "not an ECS service name"),
        ("", "not an ECS service name"),
    ],
)
def test_bad_service_is_refused_naming_the_option(value: str, match: str) -> None:
    with pytest.raises(InvalidValueError, match=match) as err:
        check_service(value, "demo-app")
    assert err.value.message.startswith("--service: ")


@pytest.mark.parametrize("seconds", [0, -1])
def test_wait_timeout_must_be_positive(seconds: int) -> None:
    with pytest.raises(InvalidValueError, match="--wait-timeout"):
        check_timeout(seconds)
    check_timeout(1)
