"""Retry-After, backoff and the retry budget, measured against the emulator."""

from __future__ import annotations

import inspect
import time
from email.utils import formatdate
from typing import Any, Callable

import pytest

from bridge._client import GraphClient
from bridge._settings import RequestContext, get_request_context, set_request_context
from bridge._exceptions import BindingError, RetryExhaustedError
from bridge._request import GraphRequest
from bridge._retry import (DEFAULT_MAX_RETRY, DEFAULT_MAX_RETRY_TIME, DEFAULT_RETRY_DELAY,
                          MAX_RETRY_DELAY, RetryPolicy, parse_retry_after)
from bridge.emulator import Emulator


def _throttle(emu: Emulator, retry_after: Any, count: int = 1, status: int = 429) -> None:
    fault: dict[str, Any] = {"route": "jobs.create", "kind": "status", "status": status,
                             "count": count}
    if retry_after is not None:
        fault["retry_after"] = retry_after
    emu.set_faults([fault])


def test_retry_after_seconds_is_honoured(emu: Emulator, make_client: Callable[..., GraphClient],
                                         job_request: GraphRequest) -> None:
    _throttle(emu, 1)
    started = time.monotonic()
    job = make_client().create(job_request)
    elapsed = time.monotonic() - started
    assert job["id"] and 1.0 <= elapsed < 2.5
    assert emu.counters()["routes"]["jobs.create"] == 2
    retry = [r for r in emu.requests() if r["route"] == "jobs.create"][-1]
    headers = {k.lower(): v for k, v in retry["headers"].items()}
    assert headers["retry-attempt"] == "1"


def test_fractional_retry_after(emu: Emulator, make_client: Callable[..., GraphClient],
                                job_request: GraphRequest) -> None:
    _throttle(emu, 0.628, status=503)
    started = time.monotonic()
    make_client().create(job_request)
    assert 0.628 <= time.monotonic() - started < 2.0


def test_retry_after_http_date(emu: Emulator, make_client: Callable[..., GraphClient],
                               job_request: GraphRequest) -> None:
    _throttle(emu, "date:2")
    started = time.monotonic()
    make_client().create(job_request)
    elapsed = time.monotonic() - started
    # An HTTP-date has whole seconds: 2 s ahead means between 1 and 2 s of waiting.
    assert 0.9 <= elapsed < 3.0
    assert emu.counters()["routes"]["jobs.create"] == 2


def test_budget_stops_after_max_retry(emu: Emulator, make_client: Callable[..., GraphClient],
                                      job_request: GraphRequest) -> None:
    _throttle(emu, None, count=-1)
    with pytest.raises(RetryExhaustedError) as excinfo:
        make_client(max_retry=3).create(job_request)
    error = excinfo.value
    assert emu.counters()["routes"]["jobs.create"] == 4  # max_retry + 1 attempts
    assert error.attempts == 4
    assert error.last_error is not None and error.last_error.status == 429
    assert error.__cause__ is error.last_error
    assert "4 attempt(s)" in str(error) and error.to_dict()["lastError"]["status"] == 429


def test_zero_retries(emu: Emulator, make_client: Callable[..., GraphClient],
                      job_request: GraphRequest) -> None:
    _throttle(emu, 1, count=-1)
    with pytest.raises(RetryExhaustedError):
        make_client(max_retry=0).create(job_request)
    assert emu.counters()["routes"]["jobs.create"] == 1


def test_time_limit_stops_before_a_long_wait(emu: Emulator,
                                             make_client: Callable[..., GraphClient],
                                             job_request: GraphRequest) -> None:
    _throttle(emu, 30, count=-1)
    started = time.monotonic()
    with pytest.raises(RetryExhaustedError, match="retry time limit"):
        make_client(max_retry_time=5).create(job_request)
    assert time.monotonic() - started < 1.0
    assert emu.counters()["routes"]["jobs.create"] == 1


def test_backoff_without_retry_after_is_exponential_and_bounded(
        emu: Emulator, make_client: Callable[..., GraphClient],
        job_request: GraphRequest) -> None:
    waits: list[float] = []
    _throttle(emu, None, count=3, status=503)
    client = make_client(retry_delay=0.05, sleep=waits.append)
    client.create(job_request)
    assert len(waits) == 3
    for n, wait in enumerate(waits, start=1):
        base = 0.05 * 2 ** (n - 1)
        assert base <= wait <= base + 0.05


def test_backoff_policy_bounds() -> None:
    policy = RetryPolicy(max_retry=10, retry_delay=3)
    assert policy.backoff(1, rand=lambda: 0.0) == 3
    assert policy.backoff(3, rand=lambda: 1.0) == 15
    assert policy.backoff(10, rand=lambda: 1.0) == MAX_RETRY_DELAY
    assert RetryPolicy(retry_delay=0).backoff(5) == 0
    assert RetryPolicy(max_retry_time=0).time_budget == 180


@pytest.mark.parametrize("value,expected", [
    ("2", 2.0), ("2.128", 2.128), (" 0 ", 0.0), ("-3", 0.0), ("", None), (None, None),
    ("soon", None), ("nan", None),
])
def test_parse_retry_after(value: Any, expected: Any) -> None:
    assert parse_retry_after(value) == expected


def test_parse_retry_after_http_date() -> None:
    now = 1_700_000_000.0
    assert parse_retry_after(formatdate(now + 7, usegmt=True), now=now) == 7.0
    assert parse_retry_after(formatdate(now - 7, usegmt=True), now=now) == 0.0


@pytest.mark.parametrize("kwargs", [{"max_retry": 11}, {"max_retry": -1}, {"max_retry": 1.5},
                                    {"max_retry": True}, {"retry_delay": 181},
                                    {"retry_delay": -0.1}, {"max_retry_time": 181},
                                    {"max_retry_time": float("nan")}])
def test_out_of_range_settings_are_binding_errors(kwargs: dict[str, Any]) -> None:
    with pytest.raises(BindingError):
        RetryPolicy(**kwargs)
    with pytest.raises(BindingError):
        set_request_context(**kwargs)
    assert get_request_context() == RequestContext()


def test_client_settings_are_validated(conn: Any) -> None:
    with pytest.raises(BindingError):
        GraphClient(conn, max_retry=11)
    with pytest.raises(BindingError):
        GraphClient(conn, timeout=0)
    with pytest.raises(BindingError):
        GraphClient(conn, api_version="v2")


def test_every_client_and_the_request_context_share_one_set_of_defaults() -> None:
    from bridge.aio import AsyncGraphClient
    defaults = {"max_retry": DEFAULT_MAX_RETRY, "retry_delay": DEFAULT_RETRY_DELAY,
                "max_retry_time": DEFAULT_MAX_RETRY_TIME}
    assert (DEFAULT_MAX_RETRY, DEFAULT_RETRY_DELAY, DEFAULT_MAX_RETRY_TIME) == (3, 3.0, 180.0)
    for client in (GraphClient, AsyncGraphClient):
        parameters = inspect.signature(client).parameters
        assert {name: parameters[name].default for name in defaults} == defaults
    policy, context = RetryPolicy(), RequestContext()
    assert {name: getattr(policy, name) for name in defaults} == defaults
    assert {name: getattr(context, name) for name in defaults} == defaults
    assert inspect.signature(GraphClient).parameters["timeout"].default == context.client_timeout
