"""bridge.protocol: message shapes, the error table, values, secrets never echoed."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from bridge import _exceptions
from bridge.protocol import (ERROR_TABLE, OPS, PROTOCOL_VERSION, Cancelled, ForeignValue,
                             decode_value, dispatch, error_to_dict, handle_json)
from bridge.protocol._view import job_view

ROOT = Path(__file__).resolve().parents[3]
SECRET = "s3cr3t-Value-0123456789"


def call(op: str, **args: Any) -> dict[str, Any]:
    return dispatch({"v": 1, "id": 1, "op": op, "args": args})


# -- envelope -------------------------------------------------------------------------

def test_hello_lists_version_and_ops() -> None:
    result = call("hello")["result"]
    assert result["protocol"] == PROTOCOL_VERSION == 1
    assert set(result["ops"]) == set(OPS) >= {"hello", "invoke", "connect", "disconnect",
                                              "get_context", "environments", "request_context",
                                              "profile", "cancel", "shutdown"}


def test_hello_fails_for_an_interpreter_without_a_dependency(monkeypatch: pytest.MonkeyPatch) -> None:
    # The shim's probe of an interpreter is 'hello': one that lacks msal must fail it, and not
    # only its first sign-in (the core itself is imported after 'hello', on a thread).
    monkeypatch.setitem(sys.modules, "msal", None)
    response = call("hello")
    assert response["ok"] is False
    assert "No module named 'msal'" in response["error"]["message"]


def test_hello_checks_every_declared_dependency() -> None:
    import tomllib

    from bridge.protocol import _warmup
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    names = {re.split(r"[<>=!~ \[;]", requirement, maxsplit=1)[0].lower() for requirement in declared}
    import_names = {"pyyaml": "yaml"}
    assert {import_names.get(name, name) for name in names} == set(_warmup.DEPENDENCIES)


def test_response_shape() -> None:
    response = call("profile", action="get")
    assert response == {"v": 1, "id": 1, "ok": True, "result": {"profile": "v1.0"},
                        "warnings": [], "verbose": [], "debug": [], "messages": []}


@pytest.mark.parametrize("message, fragment", [
    ({"v": 2, "id": 1, "op": "hello"}, "unsupported protocol version 2"),
    ({"v": 1, "id": 1, "op": "nope"}, "unknown op 'nope'"),
    ({"v": 1, "id": 1, "op": "profile", "args": []}, "'args' must be an object"),
    ({"v": 1, "id": [1], "op": "hello"}, "'id' must be"),
    ({"v": 1, "id": True, "op": "hello"}, "'id' must be"),
])
def test_malformed_messages_are_protocol_errors(message: dict[str, Any], fragment: str) -> None:
    response = dispatch(message)
    assert response["ok"] is False
    assert response["error"]["errorId"] == "ProtocolError"
    assert response["error"]["category"] == "ProtocolError"
    assert fragment in response["error"]["message"]


def test_handle_json_round_trip_and_bad_json() -> None:
    out = json.loads(handle_json(json.dumps({"v": 1, "id": "a", "op": "profile"})))
    assert out["id"] == "a" and out["result"] == {"profile": "v1.0"}
    bad = json.loads(handle_json('{"op": "connect", "args": {"clientSecret": "' + SECRET + '"'))
    assert bad["ok"] is False and bad["error"]["errorId"] == "ProtocolError"
    assert SECRET not in json.dumps(bad)


# -- invoke -----------------------------------------------------------------------------

def test_invoke_what_if_returns_url_and_exact_body() -> None:
    response = call("invoke", whatIf=True, parameters={
        "ApplicationId": "app 1", "TemplateId": "scim",
        "ScheduleInterval": {"@mgbridge.type": "TimeSpan", "ticks": 24_000_000_000}})
    request = response["result"]["request"]
    assert request["url"] == "https://graph.microsoft.com/v1.0/applications/app%201/synchronization/jobs"
    assert request["bodyText"] == '{"schedule":{"interval":"PT40M"},"templateId":"scim"}'
    assert request["parameterSet"] == "CreateExpanded"


def test_invoke_warnings_travel_in_the_envelope() -> None:
    response = call("invoke", whatIf=True,
                    parameters={"ApplicationId": "a", "BodyParameter": {"templateId": "t", "Foo": 1}})
    assert response["ok"] and any("'Foo'" in w for w in response["warnings"])


def test_binding_error_names_parameter_and_path() -> None:
    response = call("invoke", whatIf=True, parameters={
        "ApplicationId": "a", "Status": {"code": "bogus"}})
    error = response["error"]
    assert (error["errorId"], error["category"]) == ("BindingError", "InvalidArgument")
    assert error["parameter"] == "Status" and error["path"] == "Status.code"


def test_foreign_values_are_refused_at_their_path() -> None:
    response = call("invoke", whatIf=True, parameters={
        "ApplicationId": "a", "TemplateId": {"@mgbridge.type": "Unsupported",
                                             "type": "System.IO.FileInfo", "text": "/tmp"}})
    assert response["error"]["errorId"] == "BindingError"
    assert response["error"]["path"] == "TemplateId"


def test_invoke_without_connection_is_an_authentication_error() -> None:
    response = call("invoke", parameters={"ApplicationId": "a", "TemplateId": "t"})
    assert (response["error"]["errorId"], response["error"]["category"]) == \
        ("AuthenticationError", "AuthenticationError")


def test_invoke_against_the_emulator(info: Any, emu_env_name: str) -> None:
    connected = call("connect", clientId=info.client_id, clientSecret=info.client_secret,
                     tenantId=info.tenant_id, environment=emu_env_name)
    assert connected["ok"], connected
    assert SECRET not in json.dumps(connected) and info.client_secret not in json.dumps(connected)
    response = dispatch({"v": 1, "id": 2, "op": "invoke", "debug": True, "args": {
        "parameters": {"ApplicationId": info.application_id, "TemplateId": "scim"}}})
    assert response["ok"], response
    job = response["result"]["job"]
    assert job["type"] == "MicrosoftGraphSynchronizationJob"
    assert job["json"]["templateId"] == "scim" and job["json"]["id"].startswith("scim.")
    debug = "\n".join(response["debug"])
    assert "HTTP REQUEST" in debug and "Bearer <redacted>" in debug
    assert info.client_secret not in json.dumps(response)
    missing = call("invoke", parameters={"ApplicationId": "nope", "TemplateId": "t"})
    assert missing["error"]["errorId"] == "Request_ResourceNotFound"
    assert missing["error"]["category"] == "InvalidOperation"
    assert missing["error"]["requestId"]


def test_connect_failure_never_echoes_the_secret(info: Any, emu_env_name: str) -> None:
    response = call("connect", clientId=info.client_id, clientSecret=SECRET,
                    tenantId=info.tenant_id, environment=emu_env_name)
    assert response["ok"] is False
    assert SECRET not in json.dumps(response)


def test_connect_environ_reaches_managed_identity_and_is_restored(
        info: Any, emu_env_name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # The shim sends the session's current IDENTITY_* values (the core's own environment
    # is stale); they replace the core's for the connect only.
    import os
    monkeypatch.setenv("IDENTITY_ENDPOINT", "https://127.0.0.1:1/stale")
    monkeypatch.setenv("MSI_SECRET", "stale-secret")
    response = call("connect", identity=True, environment=emu_env_name,
                    environ={"IDENTITY_ENDPOINT": info.managed_identity_endpoint,
                             "IDENTITY_HEADER": info.managed_identity_header,
                             "PATH": "/not/taken"})
    assert response["ok"], response
    assert response["result"]["context"]["AuthType"] == "ManagedIdentity"
    assert info.managed_identity_header not in json.dumps(response)
    assert os.environ["IDENTITY_ENDPOINT"] == "https://127.0.0.1:1/stale"
    assert os.environ["MSI_SECRET"] == "stale-secret"
    assert "IDENTITY_HEADER" not in os.environ and os.environ.get("PATH") != "/not/taken"
    bad = call("connect", identity=True, environ=["IDENTITY_ENDPOINT"])
    assert bad["error"]["errorId"] == "ProtocolError"


def test_connect_environ_sets_the_certificate_store(tmp_path: Path) -> None:
    # MGBRIDGE_CERT_STORE from the session, not the core's environment.
    response = call("connect", clientId="c", tenantId="t", certificateThumbprint="AB" * 20,
                    environ={"MGBRIDGE_CERT_STORE": str(tmp_path)})
    assert response["error"]["errorId"] == "AuthenticationError"
    assert str(tmp_path) in response["error"]["message"]


def test_unknown_connect_argument_is_a_protocol_error() -> None:
    response = call("connect", password=SECRET)
    assert response["error"]["errorId"] == "ProtocolError"
    assert SECRET not in json.dumps(response)


def test_environments_request_context_profile() -> None:
    names = [e["Name"] for e in call("environments")["result"]["environments"]]
    assert {"Global", "USGov", "USGovDoD", "China"} <= set(names)
    ctx = call("request_context", action="set", maxRetry=1, clientTimeout=5)["result"]
    assert ctx["requestContext"]["MaxRetry"] == 1
    assert call("profile", action="select", name="BETA")["result"] == {"profile": "beta"}
    bad = call("profile", action="select", name="v2")
    assert bad["error"]["errorId"] == "BindingError"


# -- errors -------------------------------------------------------------------------------

def test_every_exported_error_class_is_in_the_table() -> None:
    mapped = {cls for cls, _, _ in ERROR_TABLE}
    for name in _exceptions.__all__:
        assert getattr(_exceptions, name) in mapped, name
    assert Cancelled in mapped


def test_table_order_puts_subclasses_first() -> None:
    classes = [cls for cls, _, _ in ERROR_TABLE]
    for i, cls in enumerate(classes):
        for later in classes[i + 1:]:
            assert not issubclass(later, cls) or later is cls, (cls, later)


def test_error_to_dict_for_foreign_exceptions() -> None:
    data = error_to_dict(KeyError("x"))
    assert (data["errorId"], data["category"], data["type"]) == ("InternalError", "NotSpecified",
                                                                  "KeyError")


# -- values ---------------------------------------------------------------------------------

def test_decode_tagged_values() -> None:
    assert decode_value({"@mgbridge.type": "TimeSpan", "ticks": 24_000_000_000}) == timedelta(minutes=40)
    assert decode_value({"@mgbridge.type": "TimeSpan", "ticks": 1}) == "PT0.0000001S"
    utc = decode_value({"@mgbridge.type": "DateTime", "value": "2030-01-02T03:04:05.1234567Z",
                        "kind": "Utc"})
    assert utc == "2030-01-02T03:04:05.1234567Z"  # the 7th digit kept (datetime has 6)
    whole = decode_value({"@mgbridge.type": "DateTime", "value": "2030-01-02T03:04:05.1234560Z",
                          "kind": "Utc"})
    assert whole == datetime(2030, 1, 2, 3, 4, 5, 123456, tzinfo=timezone.utc)
    naive = decode_value({"@mgbridge.type": "DateTime", "value": "2030-01-02T03:04:05.0000000",
                          "kind": "Unspecified"})
    assert naive.tzinfo is None
    offset = decode_value({"@mgbridge.type": "DateTime", "value": "2030-01-02T03:04:05.0000000+02:00",
                           "kind": "Local"})
    assert offset.utcoffset() == timedelta(hours=2)
    assert decode_value({"a": [{"@mgbridge.type": "Unsupported", "type": "T", "text": "x"}]}) == \
        {"a": [ForeignValue("T", "x")]}


def test_job_view_tags_graph_json_with_the_sdk_class() -> None:
    job = {"id": "x", "templateId": "t", "schedule": {"interval": "PT40M", "extra": 1},
           "status": {"lastExecution": {"timeBegan": "2030-01-01T00:00:00.1234567Z"}}}
    view = job_view({"@odata.context": "ctx", **job})
    assert view["@mgbridge.type"] == "Model"
    assert view["type"] == "MicrosoftGraphSynchronizationJob"
    assert view["typeNames"] == ["Microsoft.Graph.PowerShell.Models.IMicrosoftGraphSynchronizationJob"]
    assert view["json"] == job  # Graph's JSON as it came (7 digits kept), minus response metadata


# -- the subprocess helper -------------------------------------------------------------------

def _helper(lines: list[str]) -> list[dict[str, Any]]:
    proc = subprocess.run([sys.executable, "-m", "bridge.protocol"], input="\n".join(lines) + "\n",
                          capture_output=True, text=True, timeout=60, cwd=ROOT,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert proc.returncode == 0, proc.stderr
    return [json.loads(line) for line in proc.stdout.splitlines()]


def test_helper_answers_each_line_and_never_echoes_bad_input() -> None:
    out = _helper(['{"v":1,"id":1,"op":"hello"}',
                   'not json ' + SECRET,
                   '{"v":1,"id":2,"op":"profile"}',
                   '{"v":1,"op":"cancel","args":{"target":99}}',
                   '{"v":1,"id":3,"op":"shutdown"}'])
    by_id = {o["id"]: o for o in out}
    assert by_id[1]["result"]["protocol"] == 1
    assert by_id[2]["result"] == {"profile": "v1.0"}
    assert by_id[3]["result"] == {"shutdown": True}
    assert by_id[None]["error"]["errorId"] == "ProtocolError"
    assert len(out) == 4  # the cancel without id gets no answer
    assert SECRET not in json.dumps(out)


def test_helper_answers_core_ops_sent_while_it_imports_the_core() -> None:
    # 'hello' is answered before the core is imported (on a thread, _warmup): ops sent right
    # behind it, local-state and core ones, wait for what they need and are all answered.
    out = _helper(['{"v":1,"id":1,"op":"hello"}',
                   '{"v":1,"id":2,"op":"get_context"}',
                   '{"v":1,"id":3,"op":"environments","args":{"action":"get","name":"Global"}}',
                   '{"v":1,"id":4,"op":"invoke","args":{"parameters":{"ApplicationId":"a"},"whatIf":true}}',
                   '{"v":1,"id":5,"op":"shutdown"}'])
    by_id = {o["id"]: o for o in out}
    assert [by_id[i]["ok"] for i in (1, 2, 3, 4, 5)] == [True, True, True, True, True]
    assert by_id[2]["result"] == {"context": None}
    assert by_id[3]["result"]["environments"][0]["Name"] == "Global"
    assert by_id[4]["result"]["request"]["url"].endswith("/applications/a/synchronization/jobs")


def test_helper_refuses_arguments() -> None:
    proc = subprocess.run([sys.executable, "-m", "bridge.protocol", "--client-secret", SECRET],
                          capture_output=True, text=True, timeout=60, cwd=ROOT,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert proc.returncode == 2 and SECRET not in proc.stderr + proc.stdout
