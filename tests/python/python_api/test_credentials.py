"""Any azure-core TokenCredential signs requests: connect(credential=) and GraphClient(credential=)."""

from __future__ import annotations

import warnings
from typing import Any

import pytest

import bridge
from bridge.emulator import Emulator

from .conftest import AzureAccessToken, EmulatorCredential


def test_connect_with_a_credential_creates_a_job(emu: Emulator, info: Any, emu_env_name: str,
                                                 credential: EmulatorCredential) -> None:
    conn = bridge.connect(credential=credential, environment=emu_env_name)
    assert credential.calls == [(f"{info.graph_url}/.default",)]  # asked at connect, as sign-ins are
    context = bridge.get_context()
    assert context is not None and context.auth_type is bridge.AuthType.APP_ONLY
    assert context.to_dict()["TokenCredentialType"] == "TokenCredential"
    assert context.client_id == info.client_id and context.tenant_id == info.tenant_id
    job = bridge.new_application_synchronization_job(application_id=info.application_id,
                                                     template_id="cred")
    assert [j["id"] for j in emu.jobs(info.application_id)] == [job.id]
    assert len(credential.calls) == 1  # the token is reused while it is valid
    assert conn is bridge.get_connection()


def test_graph_client_with_a_credential(emu: Emulator, info: Any, emu_env_name: str,
                                        credential: EmulatorCredential) -> None:
    with bridge.GraphClient(credential=credential, environment=emu_env_name,
                            retry_delay=0.05) as client:
        job = bridge.new_application_synchronization_job(
            application_id=info.application_id, template_id="gc", client=client)
        request = bridge.new_application_synchronization_job(
            application_id=info.application_id, template_id="gc", client=client, what_if=True)
    assert request.url().startswith(info.graph_url + "/v1.0/")
    assert bridge.get_connection() is None  # the client's own connection, not the default
    assert client.connection.closed  # closed with the client
    assert [j["id"] for j in emu.jobs(info.application_id)] == [job.id]


def test_a_rejected_token_is_asked_for_again_once(emu: Emulator, info: Any, emu_env_name: str,
                                                  credential: EmulatorCredential) -> None:
    client = bridge.GraphClient(credential=credential, environment=emu_env_name)
    emu.set_faults([{"route": "jobs.create", "kind": "status", "status": 401,
                     "code": "InvalidAuthenticationToken", "message": "expired"}])
    job = bridge.new_application_synchronization_job(application_id=info.application_id,
                                                     template_id="re", client=client)
    client.close()
    assert job.template_id == "re" and len(credential.calls) == 2


def test_credential_errors_are_authentication_errors(emu_env_name: str) -> None:
    class Broken:
        def get_token(self, *scopes: str) -> AzureAccessToken:
            raise RuntimeError("ClientAuthenticationError: AADSTS7000215 invalid secret")

    class Wrong:
        def get_token(self, *scopes: str) -> str:
            return "not a token"

    with pytest.raises(bridge.AuthenticationError, match=r"Broken\.get_token\(\) failed"):
        bridge.connect(credential=Broken(), environment=emu_env_name)
    with pytest.raises(bridge.AuthenticationError, match="'token' \\(str\\) and 'expires_on'"):
        bridge.GraphClient(credential=Wrong(), environment=emu_env_name)  # type: ignore[arg-type]
    with pytest.raises(bridge.BindingError, match="TokenCredential protocol") as excinfo:
        bridge.connect(credential=object())  # type: ignore[arg-type]
    assert excinfo.value.parameter == "Credential"
    with pytest.raises(bridge.BindingError, match=r"connect\(credential=\.\.\.\)"):
        bridge.connect(tenant_id="t", client_secret=Broken())  # type: ignore[arg-type]
    with pytest.raises(bridge.ParameterSetError, match="exactly one sign-in method"):
        bridge.connect(credential=Broken(), access_token="x")


def test_client_secret_pair_keeps_its_old_name_with_a_warning() -> None:
    assert "ClientSecretCredential" not in bridge.__all__  # no name shadows azure-identity's
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        old = bridge.ClientSecretCredential
    assert old is bridge.ClientSecretPair
    assert caught and issubclass(caught[0].category, DeprecationWarning)
    assert "credential=" in str(caught[0].message)
    assert "s3cr3t" not in repr(bridge.ClientSecretPair("id", "s3cr3t"))


def test_timeouts_are_builtin_timeout_errors() -> None:
    assert issubclass(bridge.BridgeTimeoutError, TimeoutError)
    assert issubclass(bridge.BridgeTimeoutError, bridge.TransportError)
    assert bridge.TimeoutError_ is bridge.BridgeTimeoutError
    try:
        raise bridge.BridgeTimeoutError("POST https://graph/... timed out")
    except TimeoutError as exc:  # what a Python caller writes
        assert exc.to_dict()["errorId"] == "Timeout"  # PowerShell's id unchanged
