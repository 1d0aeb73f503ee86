"""Reliability of the Python API (issue 10): one create never makes two jobs, no input changes
the path, every bad input is a BindingError, and a connect never breaks a call in flight."""

from __future__ import annotations

import math
import os
import threading
import time
from typing import Any, Callable, Iterator, MutableMapping

import pytest

import bridge
from bridge._auth import connect
from bridge._connection import Connection
from bridge._client import GraphClient
from bridge._exceptions import BindingError, TimeoutError_
from bridge._request import GraphRequest, jobs_path
from bridge.emulator import Emulator
from bridge.protocol._dispatch import SESSION_VARIABLES


def _handled(emu: Emulator, route: str, count: int) -> bool:
    """Whether ``count`` requests of ``route`` reached the emulator and were all answered."""
    entries = [r for r in emu.requests() if r.get("route") == route]
    return len(entries) >= count and all(r.get("status") is not None for r in entries)


def _until(condition: Callable[[], bool], what: str) -> None:
    """Wait for a condition the emulator reports (a handshake, not a guess at a duration)."""
    deadline = time.monotonic() + 120  # only a hang ends here
    while not condition():
        assert time.monotonic() < deadline, f"never happened: {what}"
        time.sleep(0.02)


def _create(**parameters: Any) -> Any:
    return bridge.new_application_synchronization_job(**parameters)


# ----------------------------------------------------------------------------- item 1

def test_a_create_slower_than_the_client_timeout_never_makes_two(
        emu: Emulator, info: Any, conn: Connection) -> None:
    emu.set_faults([{"route": "jobs.create", "kind": "latency", "seconds": 6}])
    client = GraphClient(conn, timeout=1, retry_delay=0.05)
    request = GraphRequest("POST", jobs_path(info.application_id),
                           body={"templateId": "AWSSingleSignon"})
    try:
        job = client.create(request)
    except TimeoutError_ as exc:
        assert "outcome is unknown" in str(exc) and "nothing was re-sent" in str(exc)
        job = None
    _until(lambda: _handled(emu, "jobs.create", 1), "the slow POST was answered")
    jobs = emu.jobs(info.application_id)
    assert len(jobs) == 1  # before the fix: two
    assert emu.counters()["routes"]["jobs.create"] == 1
    if job is not None:  # only when the listing came after the slow POST had finished
        assert job["id"] == jobs[0]["id"]


# ----------------------------------------------------------------------------- item 2

def test_an_identical_create_after_a_lost_answer_says_the_job_may_be_older(
        emu: Emulator, info: Any, conn: Connection) -> None:
    older = _create(application_id=info.application_id, template_id="AWSSingleSignon")
    emu.set_faults([{"route": "jobs.create", "kind": "drop_before"}])
    with pytest.warns(bridge.OutcomeWarning, match="may be an identical object that existed") \
            as said:
        job = _create(application_id=info.application_id, template_id="AWSSingleSignon")
    assert said[0].filename == __file__  # at the caller's line, not inside the package
    assert job.id == older.id
    assert len(emu.jobs(info.application_id)) == 1  # never a duplicate, and now never silent


def test_a_found_job_is_reported_through_the_warn_callback(
        emu: Emulator, info: Any, conn: Connection) -> None:
    emu.set_faults([{"route": "jobs.create", "kind": "drop_after"}])
    said: list[str] = []
    job = GraphClient(conn, retry_delay=0.05).create(
        GraphRequest("POST", jobs_path(info.application_id), body={"templateId": "AWS"}),
        warn=said.append)
    assert len(said) == 1 and job["id"] in said[0] and "was lost" in said[0]


# ----------------------------------------------------------------------------- items 3-7

@pytest.mark.parametrize("parameters", [
    {"application_id": ".."}, {"application_id": "."},
    {"input_object": {"ApplicationId": ".."}}, {"input_object": {"ApplicationId": "."}},
])
def test_dot_segments_never_change_the_path(emu: Emulator, conn: Connection,
                                            parameters: dict[str, Any]) -> None:
    with pytest.raises(BindingError, match="would change the request's path") as excinfo:
        _create(template_id="AWS", **parameters)
    assert excinfo.value.parameter in ("ApplicationId", "InputObject")
    assert emu.counters()["total"] == 0


def _circular_dict() -> dict[str, Any]:
    value: dict[str, Any] = {}
    value["again"] = value
    return value


def _circular_list() -> list[Any]:
    value: list[Any] = []
    value.append(value)
    return value


def _nested(levels: int) -> dict[str, Any]:
    root: dict[str, Any] = {}
    node = root
    for _ in range(levels):
        node["k"] = {}
        node = node["k"]
    return root


@pytest.mark.parametrize("value, why", [
    (_circular_dict(), "contains itself"), (_circular_list(), "contains itself"),
    (_nested(400), "nested more than 100 levels"),
])
def test_circular_or_too_deep_input_is_a_binding_error(emu: Emulator, info: Any,
                                                       conn: Connection, value: Any,
                                                       why: str) -> None:
    with pytest.raises(BindingError, match=why) as excinfo:
        _create(application_id=info.application_id,
                body_parameter={"templateId": "AWS", "extra": value})
    assert excinfo.value.parameter == "BodyParameter"
    assert str(excinfo.value.path).startswith("BodyParameter.extra")
    assert emu.counters()["total"] == 0


def test_deep_parameters_get_a_binding_error_with_the_key_path(emu: Emulator, info: Any,
                                                             conn: Connection) -> None:
    rule: dict[str, Any] = {"name": "r"}
    node = rule
    for _ in range(200):
        node["objectMappings"] = [{"sourceObjectName": "u"}]
        node = node["objectMappings"][0]
    with pytest.raises(BindingError, match="nested more than") as excinfo:
        _create(application_id=info.application_id,
                body_parameter={"templateId": "AWS", "schema": {"synchronizationRules": [rule]}})
    assert excinfo.value.parameter == "BodyParameter"
    assert emu.counters()["total"] == 0


def test_finite_nesting_within_the_limit_binds() -> None:
    with pytest.warns(bridge.BindingWarning):
        request = bridge.new_application_synchronization_job(
            application_id="a", body_parameter={"templateId": "AWS", "extra": _nested(90)},
            what_if=True)
    assert request.body["extra"] == _nested(90)


@pytest.mark.parametrize("parameters", [
    {"template_id": "a\ud800b"},
    {"body_parameter": {"templateId": "AWS", "note": "x\udc00"}},
    {"body_parameter": {"templateId": "AWS", "k\ud800": 1}},
])
def test_lone_surrogates_are_a_binding_error(emu: Emulator, info: Any, conn: Connection,
                                             parameters: dict[str, Any]) -> None:
    with pytest.raises(BindingError, match="lone UTF-16 surrogate") as excinfo:
        _create(application_id=info.application_id, **parameters)
    str(excinfo.value).encode("utf-8")  # the message itself is printable
    assert emu.counters()["total"] == 0


def test_unknown_input_object_keys_are_warned_about(emu: Emulator, info: Any) -> None:
    with pytest.warns(bridge.BindingWarning, match="'Bogus' is not a property of"):
        request = bridge.new_application_synchronization_job(
            input_object={"ApplicationId": info.application_id, "Bogus": 1},
            template_id="AWS", what_if=True)
    assert request.path == jobs_path(info.application_id)


@pytest.mark.parametrize("value, text", [(1e20, "1E+20"), (1e15, "1E+15"),
                                          (100000000000000.0, "100000000000000"),
                                          (1.5, "1.5"), (0.00001, "1E-05"),
                                          (123456789012345678.0, "1.23456789012346E+17")])
def test_floats_become_text_as_powershell_writes_them(value: float, text: str) -> None:
    request = bridge.new_application_synchronization_job(application_id="a", template_id=value,
                                                          what_if=True)
    assert request.body == {"templateId": text}


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_nan_and_infinity_are_not_text(value: float) -> None:
    with pytest.raises(BindingError, match="NaN and infinity") as excinfo:
        bridge.new_application_synchronization_job(application_id="a", template_id=value,
                                                   what_if=True)
    assert excinfo.value.parameter == "TemplateId"


# ----------------------------------------------------------------------------- item 11

def test_a_connect_during_a_create_lets_it_finish_on_its_connection(
        emu: Emulator, info: Any, emu_env_name: str, conn: Connection) -> None:
    emu.set_faults([{"route": "jobs.create", "kind": "latency", "seconds": 1.5}])
    outcome: dict[str, Any] = {}

    def create() -> None:
        try:
            outcome["job"] = _create(application_id=info.application_id, template_id="AWS")
        except Exception as exc:  # reported below
            outcome["error"] = exc

    worker = threading.Thread(target=create)
    worker.start()
    _until(lambda: any(r.get("route") == "jobs.create" for r in emu.requests()),
           "the POST reached the emulator")
    newer = connect(client_id=info.client_id, tenant_id=info.tenant_id,
                    client_secret=info.client_secret, environment=emu_env_name)
    worker.join()
    try:
        assert "error" not in outcome, outcome.get("error")
        assert outcome["job"].id == emu.jobs(info.application_id)[0]["id"]
        assert len(emu.jobs(info.application_id)) == 1
        assert conn.closed and not newer.closed
        # The replaced connection was released after its last call: it serves no new one.
        with pytest.raises(bridge.AuthenticationError):
            conn.get_token()
    finally:
        newer.disconnect()


# ----------------------------------------------------------------------------- environ

class _NoWrites(MutableMapping[str, str]):
    """os.environ that fails the test on any write (connect must not round-trip through it)."""

    def __init__(self, real: MutableMapping[str, str]) -> None:
        self._real = real

    def __getitem__(self, key: str) -> str:
        return self._real[key]

    def __setitem__(self, key: str, value: str) -> None:
        if key in SESSION_VARIABLES:
            raise AssertionError(f"os.environ[{key!r}] was written")
        self._real[key] = value

    def __delitem__(self, key: str) -> None:
        if key in SESSION_VARIABLES:
            raise AssertionError(f"os.environ[{key!r}] was deleted")
        del self._real[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._real)

    def __len__(self) -> int:
        return len(self._real)


def test_the_protocol_connect_reads_the_sent_environment_only(
        emu: Emulator, info: Any, emu_env_name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from bridge.protocol import dispatch
    monkeypatch.setattr(os, "environ", _NoWrites(os.environ))
    response = dispatch({"v": 1, "id": 1, "op": "connect", "args": {
        "environmentVariable": True, "environment": emu_env_name,
        "environ": {"AZURE_CLIENT_ID": info.client_id, "AZURE_TENANT_ID": info.tenant_id,
                    "AZURE_CLIENT_SECRET": info.client_secret}}})
    assert response["ok"], response.get("error")
    assert response["result"]["context"]["ClientId"] == info.client_id
    assert "AZURE_CLIENT_SECRET" not in os.environ
    bridge.disconnect()
