"""Graph's synchronization job routes: create, list, get, delete, auth and validation."""

from __future__ import annotations

import re
import uuid
from typing import Any, Callable
from urllib.parse import quote

import httpx
import pytest

from bridge.emulator import Emulator

TIMESPAN_MAX = "P10675199DT2H48M5.4775807S"


def _error(response: httpx.Response) -> dict[str, Any]:
    body = response.json()
    inner = body["error"]["innerError"]
    assert inner["request-id"] == response.headers["request-id"]
    assert inner["client-request-id"] == response.headers["client-request-id"]
    assert inner["date"]
    return dict(body["error"])


def test_create_job(http: httpx.Client, info: Any, auth: dict[str, str],
                    jobs_url: Callable[..., str], emu: Emulator) -> None:
    response = http.post(jobs_url(), json={"templateId": "AWSSingleSignOn"},
                         headers={**auth, "client-request-id": "abc-123"})
    assert response.status_code == 201, response.text
    job = response.json()
    match = re.fullmatch(r"AWSSingleSignOn\.([0-9a-f]{32})\.([0-9a-f-]{36})", job["id"])
    assert match and match.group(2) == info.tenant_id
    assert job["@odata.context"] == (f"{info.graph_url}/v1.0/$metadata#applications("
                                     f"'{info.application_id}')/synchronization/jobs/$entity")
    assert job["templateId"] == "AWSSingleSignOn"
    assert job["schedule"] == {"expiration": None, "interval": TIMESPAN_MAX, "state": "Disabled"}
    assert job["status"]["code"] == "NotConfigured"
    assert job["status"]["countSuccessiveCompleteFailures"] == 0
    assert job["status"]["escrowsPruned"] is False
    assert job["status"]["progress"] == [] and job["status"]["synchronizedEntryCountByType"] == []
    assert job["synchronizationJobSettings"] == []
    assert response.headers["Location"] == f"{jobs_url()}/{quote(job['id'], safe='')}"
    assert response.headers["client-request-id"] == "abc-123"
    assert uuid.UUID(response.headers["request-id"])
    assert response.headers["x-ms-ags-diagnostic"] and response.headers["Date"]
    assert response.headers["Content-Type"].startswith("application/json")
    stored = emu.jobs(info.application_id)
    assert [j["id"] for j in stored] == [job["id"]]


def test_create_echoes_client_values(http: httpx.Client, auth: dict[str, str],
                                     jobs_url: Callable[..., str]) -> None:
    body = {"templateId": "T1",
            "schedule": {"interval": "PT40M", "state": "active",
                         "expiration": "2030-01-01T00:00:00Z"},
            "synchronizationJobSettings": [{"name": "k", "value": "v"}],
            "schema": {"synchronizationRules": [{"name": "r", "objectMappings": [{"any": 1}]}]}}
    job = http.post(jobs_url(), json=body, headers=auth).json()
    assert job["schedule"] == {"expiration": "2030-01-01T00:00:00Z", "interval": "PT40M",
                               "state": "Active"}
    assert job["synchronizationJobSettings"] == [{"name": "k", "value": "v"}]
    assert job["schema"] == body["schema"]


@pytest.mark.parametrize("version, collection", [("beta", "applications"),
                                                 ("v1.0", "servicePrincipals"),
                                                 ("beta", "servicePrincipals")])
def test_versions_and_collections(http: httpx.Client, info: Any, auth: dict[str, str],
                                  jobs_url: Callable[..., str], version: str,
                                  collection: str) -> None:
    url = jobs_url(version=version, collection=collection)
    created = http.post(url, json={"templateId": "X"}, headers=auth)
    assert created.status_code == 201
    assert f"/{version}/$metadata#{collection}('" in created.json()["@odata.context"]
    listed = http.get(jobs_url(), headers=auth).json()["value"]
    assert [j["id"] for j in listed] == [created.json()["id"]]


def test_list_get_delete(http: httpx.Client, info: Any, auth: dict[str, str],
                         jobs_url: Callable[..., str]) -> None:
    ids = [http.post(jobs_url(), json={"templateId": f"T{i}"}, headers=auth).json()["id"]
           for i in range(2)]
    listed = http.get(jobs_url(), headers=auth)
    assert listed.status_code == 200
    assert listed.json()["@odata.context"].endswith("/synchronization/jobs")
    assert [j["id"] for j in listed.json()["value"]] == ids
    got = http.get(jobs_url(job=ids[0]), headers=auth)
    assert got.status_code == 200 and got.json()["id"] == ids[0]
    deleted = http.delete(jobs_url(job=ids[0]), headers=auth)
    assert deleted.status_code == 204 and deleted.content == b""
    assert http.get(jobs_url(job=ids[0]), headers=auth).status_code == 404
    again = http.delete(jobs_url(job=ids[0]), headers=auth)
    assert again.status_code == 404
    assert _error(again)["code"] == "Request_ResourceNotFound"
    assert [j["id"] for j in http.get(jobs_url(), headers=auth).json()["value"]] == ids[1:]


def test_unknown_application_is_404(http: httpx.Client, auth: dict[str, str],
                                    jobs_url: Callable[..., str]) -> None:
    missing = str(uuid.uuid4())
    for response in (http.post(jobs_url(missing), json={"templateId": "X"}, headers=auth),
                     http.get(jobs_url(missing), headers=auth)):
        assert response.status_code == 404
        error = _error(response)
        assert error["code"] == "Request_ResourceNotFound"
        assert error["message"] == (f"Resource '{missing}' does not exist or one of its queried "
                                    "reference-property objects are not present.")


def test_path_ids_are_percent_decoded_once(emu: Emulator, http: httpx.Client,
                                           auth: dict[str, str],
                                           jobs_url: Callable[..., str]) -> None:
    app_id = emu.add_application("odd/id %2F")
    created = http.post(jobs_url(quote(app_id, safe="")), json={"templateId": "X"}, headers=auth)
    assert created.status_code == 201, created.text
    assert emu.jobs("odd/id %2F")[0]["id"] == created.json()["id"]
    # Encoded twice, the id decodes (once) to something else: not found.
    twice = quote(quote(app_id, safe=""), safe="")
    assert http.get(jobs_url(twice), headers=auth).status_code == 404


# -- authentication and authorization -----------------------------------------------------------


def test_missing_token_is_401(http: httpx.Client, jobs_url: Callable[..., str]) -> None:
    response = http.post(jobs_url(), json={"templateId": "X"})
    assert response.status_code == 401
    error = _error(response)
    assert error["code"] == "InvalidAuthenticationToken"
    assert error["message"] == "Access token is empty."
    assert "Bearer" in response.headers["WWW-Authenticate"]


def test_expired_token_is_401(emu: Emulator, http: httpx.Client,
                              jobs_url: Callable[..., str]) -> None:
    token = emu.mint_token(expired=True)
    response = http.get(jobs_url(), headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert _error(response)["message"] == "Access token has expired or is not yet valid."


def test_wrong_audience_is_401(emu: Emulator, http: httpx.Client, info: Any,
                               get_token: Callable[..., str],
                               jobs_url: Callable[..., str]) -> None:
    token = get_token(info.client_id, info.client_secret,
                      "https://management.azure.com/.default")
    response = http.get(jobs_url(), headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert _error(response)["message"] == "Access token validation failure. Invalid audience."


@pytest.mark.parametrize("aud", ["GRAPH_URL", "GRAPH_URL/", "00000003-0000-0000-c000-000000000000",
                                 "https://graph.microsoft.com"])
def test_accepted_audiences(emu: Emulator, http: httpx.Client, info: Any,
                            jobs_url: Callable[..., str], aud: str) -> None:
    token = emu.mint_token(aud=aud.replace("GRAPH_URL", info.graph_url))
    assert http.get(jobs_url(), headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_tampered_and_malformed_tokens_are_401(http: httpx.Client, token: str,
                                               jobs_url: Callable[..., str]) -> None:
    head, payload, signature = token.split(".")
    tampered = f"{head}.{payload}.{signature[:-4]}AAAA"
    for bad in (tampered, "not-a-jwt"):
        response = http.get(jobs_url(), headers={"Authorization": f"Bearer {bad}"})
        assert response.status_code == 401
        assert _error(response)["code"] == "InvalidAuthenticationToken"


def test_read_only_client_gets_403_on_write(http: httpx.Client, info: Any,
                                            get_token: Callable[..., str],
                                            jobs_url: Callable[..., str]) -> None:
    token = get_token(info.readonly_client_id, info.readonly_client_secret)
    headers = {"Authorization": f"Bearer {token}"}
    response = http.post(jobs_url(), json={"templateId": "X"}, headers=headers)
    assert response.status_code == 403
    error = _error(response)
    assert error["code"] == "Authorization_RequestDenied"
    assert error["message"] == "Insufficient privileges to complete the operation."
    assert http.get(jobs_url(), headers=headers).status_code == 200


def test_owned_by_role_may_create(emu: Emulator, http: httpx.Client,
                                  jobs_url: Callable[..., str]) -> None:
    token = emu.mint_token(roles=["Application.ReadWrite.OwnedBy"])
    response = http.post(jobs_url(), json={"templateId": "X"},
                         headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 201


# -- validation ---------------------------------------------------------------------------------


@pytest.mark.parametrize("body, fragment", [
    ([], "'StartArray' node was found"),
    ("text", "'PrimitiveValue' node was found"),
    ({}, "templateId"),
    ({"templateId": ""}, "templateId"),
    ({"templateId": None}, "templateId"),
    ({"templateId": 5}, "'Edm.String'"),
    ({"templateId": "X", "schedule": {"interval": "10 minutes"}}, "'Edm.Duration'"),
    ({"templateId": "X", "schedule": {"interval": "P1Y"}}, "'Edm.Duration'"),
    ({"templateId": "X", "schedule": {"interval": "P99999999D"}}, "'Edm.Duration'"),
    ({"templateId": "X", "schedule": {"expiration": "tomorrow"}}, "'Edm.DateTimeOffset'"),
    ({"templateId": "X", "schedule": {"expiration": "2030-01-01T00:00:00"}},
     "time zone information is missing"),
    ({"templateId": "X", "schedule": {"state": "Running"}}, "synchronizationScheduleState"),
    ({"templateId": "X", "schedule": "PT1M"}, "'StartObject' node was expected"),
    ({"templateId": "X", "bogus": 1},
     "The property 'bogus' does not exist on type 'microsoft.graph.synchronizationJob'"),
    ({"templateId": "X", "schedule": {"every": "PT1M"}},
     "The property 'every' does not exist on type 'microsoft.graph.synchronizationSchedule'"),
    ({"templateId": "X", "synchronizationJobSettings": {"name": "a"}},
     "'StartArray' node was expected"),
    ({"templateId": "X", "synchronizationJobSettings": None}, "does not allow null values"),
    ({"templateId": "X", "synchronizationJobSettings": [{"name": "a", "extra": 1}]},
     "type 'microsoft.graph.keyValuePair'"),
    ({"templateId": "X", "status": {"countSuccessiveCompleteFailures": "1"}}, "'Edm.Int64'"),
    ({"templateId": "X", "status": {"escrowsPruned": "false"}}, "'Edm.Boolean'"),
    ({"templateId": "X", "@odata.type": "#microsoft.graph.user"}, "could not be resolved"),
])
def test_validation_errors(http: httpx.Client, auth: dict[str, str],
                           jobs_url: Callable[..., str], emu: Emulator, info: Any,
                           body: Any, fragment: str) -> None:
    response = http.post(jobs_url(), json=body, headers=auth)
    assert response.status_code == 400, response.text
    error = _error(response)
    assert error["code"] == "BadRequest"
    assert fragment in error["message"]
    assert emu.jobs(info.application_id) == []


@pytest.mark.parametrize("raw", [b"{", b"", b'{"templateId": NaN}',
                                 b'{"templateId": "a", "templateId": "b"}'])
def test_unreadable_payloads(http: httpx.Client, auth: dict[str, str],
                             jobs_url: Callable[..., str], raw: bytes) -> None:
    response = http.post(jobs_url(), content=raw,
                         headers={**auth, "Content-Type": "application/json"})
    assert response.status_code == 400
    message = _error(response)["message"]
    assert "Unable to read JSON request payload" in message or "duplicate" in message


def test_content_type(http: httpx.Client, auth: dict[str, str],
                      jobs_url: Callable[..., str]) -> None:
    wrong = http.post(jobs_url(), content=b'{"templateId":"X"}',
                      headers={**auth, "Content-Type": "text/plain"})
    assert wrong.status_code == 415
    missing = http.post(jobs_url(), content=b'{"templateId":"X"}', headers=auth)
    assert missing.status_code == 400
    with_charset = http.post(jobs_url(), content=b'{"templateId":"X"}',
                             headers={**auth, "Content-Type": "application/json; charset=utf-8"})
    assert with_charset.status_code == 201


def test_lenient_mode_keeps_unknown_properties(emu: Emulator, http: httpx.Client,
                                               auth: dict[str, str],
                                               jobs_url: Callable[..., str]) -> None:
    emu.configure(strict_properties=False)
    response = http.post(jobs_url(), json={"templateId": "X", "extra": {"a": 1},
                                           "schedule": {"cron": "x"}}, headers=auth)
    assert response.status_code == 201
    assert response.json()["extra"] == {"a": 1}
    assert response.json()["schedule"]["cron"] == "x"


def test_unknown_segment_and_method(http: httpx.Client, auth: dict[str, str],
                                    jobs_url: Callable[..., str], info: Any) -> None:
    wrong_method = http.put(jobs_url(), json={}, headers=auth)
    assert wrong_method.status_code == 405
    unknown = http.get(f"{info.graph_url}/v1.0/applications/x/synchronization/nothing",
                       headers=auth)
    assert unknown.status_code == 400
    assert "nothing" in _error(unknown)["message"]
