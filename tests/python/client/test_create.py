"""GraphClient.create against the emulator: results, Graph errors, and never creating twice."""

from __future__ import annotations

import re
import uuid
from typing import Any, Callable

import pytest

from bridge._auth import connect
from bridge._client import GraphClient
from bridge._dedup import find_created, values_match
from bridge._exceptions import GraphError, NetworkError, RetryExhaustedError, TransportError
from bridge._request import GraphRequest, jobs_path
from bridge.emulator import Emulator

GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def test_create_returns_the_job(emu: Emulator, info: Any, make_client: Callable[..., GraphClient],
                                job_request: GraphRequest) -> None:
    job = make_client().create(job_request)
    assert job["templateId"] == "AWSSingleSignon" and job["id"]
    assert [j["id"] for j in emu.jobs(info.application_id)] == [job["id"]]
    assert emu.counters()["routes"] == {"jobs.create": 1}


def test_create_under_beta(emu: Emulator, info: Any, make_client: Callable[..., GraphClient],
                           job_request: GraphRequest) -> None:
    client = make_client(api_version="beta")
    assert client.url(job_request).startswith(f"{info.graph_url}/beta/applications/")
    client.create(job_request)
    assert emu.requests()[-1]["path"].startswith("/beta/")


# ----------------------------------------------------------------------------- Graph errors

def _check_ids(error: GraphError) -> None:
    assert error.request_id and GUID.match(error.request_id)
    assert error.client_request_id and GUID.match(error.client_request_id)
    assert error.date


def test_400_bad_request(emu: Emulator, info: Any,
                         make_client: Callable[..., GraphClient]) -> None:
    request = GraphRequest("POST", jobs_path(info.application_id),
                           body={"templateId": "AWSSingleSignon", "notAProperty": 1})
    with pytest.raises(GraphError) as excinfo:
        make_client().create(request)
    error = excinfo.value
    assert error.status == 400 and error.code and error.message
    assert str(error) == f"[{error.code}] : {error.message}"
    _check_ids(error)
    assert error.inner_error.get("request-id") == error.request_id
    assert emu.jobs(info.application_id) == []
    assert emu.counters()["routes"]["jobs.create"] == 1  # not retried


def test_403_forbidden(emu: Emulator, info: Any, emu_env_name: str,
                       job_request: GraphRequest) -> None:
    readonly = connect(client_id=info.readonly_client_id, tenant_id=info.tenant_id,
                       client_secret=info.readonly_client_secret, environment=emu_env_name,
                       set_default=False)
    try:
        with pytest.raises(GraphError) as excinfo:
            GraphClient(readonly, retry_delay=0.05).create(job_request)
    finally:
        readonly.disconnect()
    error = excinfo.value
    assert error.status == 403 and error.code == "Authorization_RequestDenied"
    assert error.error_id == "Authorization_RequestDenied"
    _check_ids(error)
    assert error.to_dict()["status"] == 403


def test_404_unknown_application(emu: Emulator, make_client: Callable[..., GraphClient]) -> None:
    request = GraphRequest("POST", jobs_path(str(uuid.uuid4())),
                           body={"templateId": "AWSSingleSignon"})
    with pytest.raises(GraphError) as excinfo:
        make_client().create(request)
    error = excinfo.value
    assert error.status == 404 and error.code == "Request_ResourceNotFound"
    _check_ids(error)


# ----------------------------------------------------------------------------- unknown outcomes

def test_drop_after_returns_the_one_job(emu: Emulator, info: Any,
                                        make_client: Callable[..., GraphClient],
                                        job_request: GraphRequest) -> None:
    emu.set_faults([{"route": "jobs.create", "kind": "drop_after"}])
    job = make_client().create(job_request)
    jobs = emu.jobs(info.application_id)
    assert len(jobs) == 1 and jobs[0]["id"] == job["id"]
    routes = emu.counters()["routes"]
    assert routes["jobs.create"] == 1 and routes["jobs.list"] == 1


def test_drop_before_creates_once(emu: Emulator, info: Any,
                                  make_client: Callable[..., GraphClient],
                                  job_request: GraphRequest) -> None:
    emu.set_faults([{"route": "jobs.create", "kind": "drop_before"}])
    job = make_client().create(job_request)
    jobs = emu.jobs(info.application_id)
    assert len(jobs) == 1 and jobs[0]["id"] == job["id"]
    routes = emu.counters()["routes"]
    assert routes["jobs.create"] == 2 and routes["jobs.list"] == 1


def test_malformed_success_body_is_resolved_by_listing(emu: Emulator, info: Any,
                                                      make_client: Callable[..., GraphClient],
                                                      job_request: GraphRequest) -> None:
    emu.set_faults([{"route": "jobs.create", "kind": "malformed_json"}])
    job = make_client().create(job_request)
    assert len(emu.jobs(info.application_id)) == 1 and job["id"]
    assert emu.counters()["routes"]["jobs.create"] == 1


def test_malformed_success_body_in_send_is_a_transport_error(
        emu: Emulator, make_client: Callable[..., GraphClient],
        job_request: GraphRequest) -> None:
    emu.set_faults([{"route": "jobs.create", "kind": "malformed_json"}])
    with pytest.raises(TransportError, match="not valid JSON"):
        make_client().send(job_request)
    assert emu.counters()["routes"]["jobs.create"] == 1  # a POST is never re-sent blindly


def test_504_on_create_looks_before_resending(emu: Emulator, info: Any,
                                              make_client: Callable[..., GraphClient],
                                              job_request: GraphRequest) -> None:
    emu.set_faults([{"route": "jobs.create", "kind": "status", "status": 504}])
    make_client().create(job_request)
    routes = emu.counters()["routes"]
    assert routes["jobs.create"] == 2 and routes["jobs.list"] == 1
    assert len(emu.jobs(info.application_id)) == 1


def test_drop_after_with_a_preexisting_identical_job(emu: Emulator, info: Any,
                                                     make_client: Callable[..., GraphClient],
                                                     job_request: GraphRequest) -> None:
    """The documented limit: an identical older job is taken as ours; still no duplicate."""
    older = make_client().create(job_request)
    emu.set_faults([{"route": "jobs.create", "kind": "drop_before"}])
    job = make_client().create(job_request)
    assert job["id"] == older["id"]
    assert len(emu.jobs(info.application_id)) == 1


def test_drops_until_the_budget_ends(emu: Emulator, info: Any,
                                     make_client: Callable[..., GraphClient],
                                     job_request: GraphRequest) -> None:
    emu.set_faults([{"route": "jobs.create", "kind": "drop_before", "count": -1}])
    with pytest.raises(NetworkError, match="may have been received"):
        make_client(max_retry=2).create(job_request)
    routes = emu.counters()["routes"]
    assert routes["jobs.create"] == 3 and routes["jobs.list"] == 3
    assert emu.jobs(info.application_id) == []


def test_listing_failure_keeps_the_outcome_unknown(emu: Emulator, info: Any,
                                                   make_client: Callable[..., GraphClient],
                                                   job_request: GraphRequest) -> None:
    emu.set_faults([{"route": "jobs.create", "kind": "drop_after"},
                    {"route": "jobs.list", "kind": "status", "status": 403, "count": -1}])
    with pytest.raises(NetworkError, match="nothing was re-sent"):
        make_client().create(job_request)
    assert emu.counters()["routes"]["jobs.create"] == 1
    assert len(emu.jobs(info.application_id)) == 1


def test_send_never_resends_a_post_that_may_have_arrived(
        emu: Emulator, make_client: Callable[..., GraphClient],
        job_request: GraphRequest) -> None:
    emu.set_faults([{"route": "jobs.create", "kind": "drop_after"}])
    with pytest.raises(NetworkError):
        make_client().send(job_request)
    assert emu.counters()["routes"]["jobs.create"] == 1


def test_get_is_retried_after_a_drop(emu: Emulator, info: Any,
                                     make_client: Callable[..., GraphClient]) -> None:
    emu.set_faults([{"route": "jobs.list", "kind": "drop_after"}])
    response = make_client().send(GraphRequest("GET", jobs_path(info.application_id)))
    assert response.status == 200 and response.json["value"] == []
    assert emu.counters()["routes"]["jobs.list"] == 2


def test_retry_exhausted_on_create_carries_the_last_error(
        emu: Emulator, make_client: Callable[..., GraphClient],
        job_request: GraphRequest) -> None:
    emu.set_faults([{"route": "jobs.create", "kind": "status", "status": 503, "count": -1}])
    with pytest.raises(RetryExhaustedError) as excinfo:
        make_client(max_retry=1).create(job_request)
    assert excinfo.value.last_error is not None and excinfo.value.last_error.status == 503
    assert excinfo.value.attempts == 2


# ----------------------------------------------------------------------------- the match rule

def test_match_rule_normalises_values() -> None:
    sent = {"templateId": "AWS", "schedule": {"expiration": "2030-01-01T00:00:00Z",
                                              "interval": "PT40M"},
            "synchronizationJobSettings": [{"name": "a", "value": "1"}], "count": 1,
            "nothing": None}
    found = {"id": "j1", "templateID": "AWS",
             "schedule": {"Expiration": "2030-01-01T00:00:00.0000000+00:00",
                          "interval": "PT40M", "state": "Disabled"},
             "synchronizationJobSettings": [{"name": "a", "value": "1"}], "count": 1.0}
    assert values_match(sent, found)
    assert find_created([{"templateId": "other"}, found], sent) is found
    assert not values_match(sent, dict(found, templateID="GCP"))
    assert not values_match(sent, dict(found, synchronizationJobSettings=[]))
    assert not values_match({"flag": True}, {"flag": 1})
    assert not values_match({"when": "2030-01-01T00:00:00Z"}, {"when": "2030-01-01T00:00:01Z"})
    assert find_created([found], {}) is None
    newer = dict(found, id="j2")
    assert find_created([found, newer], sent) is newer


# ----------------------------------------------------------------------------- success statuses

def test_only_the_specs_success_statuses_are_a_created_job(
        emu: Emulator, info: Any, make_client: Callable[..., GraphClient]) -> None:
    from bridge._binding import bind
    request = bind({"ApplicationId": info.application_id, "TemplateId": "AWSSingleSignon"})
    assert request.success == (201, 200)  # the spec's http.success
    emu.set_faults([{"route": "jobs.create", "kind": "status", "status": 202,
                     "code": "Accepted", "message": "queued"}])
    with pytest.raises(GraphError) as excinfo:
        make_client().create(request)
    assert (excinfo.value.status, excinfo.value.code) == (202, "Accepted")
    assert make_client().create(request)["templateId"] == "AWSSingleSignon"  # 201: the job
