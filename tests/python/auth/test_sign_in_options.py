"""connect()'s parameters as one SignInOptions value, and the Context built from a token's claims."""

from __future__ import annotations

import pytest

from bridge._context import AuthType, ContextScope, TokenCredentialType, context_from_claims
from bridge._exceptions import BindingError, ParameterSetError
from bridge._sign_in import ClientSecretPair, SignInOptions


def test_options_never_show_their_secrets() -> None:
    shown = repr(SignInOptions(client_id="app", tenant_id="t",
                               client_secret=ClientSecretPair("app", "pair-s3cret"),
                               environ={"AZURE_CLIENT_SECRET": "env-s3cret"}))
    shown += repr(SignInOptions(access_token="eyJ.token-s3cret.x"))
    shown += repr(SignInOptions(certificate_path="a.pfx", certificate_password="pfx-s3cret"))
    assert "s3cret" not in shown
    assert "client_id='app'" in shown and "a.pfx" in shown


@pytest.mark.parametrize("given, error, parameter", [
    ({}, ParameterSetError, "ParameterSet"),
    ({"client_secret": "s", "identity": True}, ParameterSetError, "ParameterSet"),
    ({"certificate_path": "a.pem", "certificate_name": "CN=app"}, ParameterSetError,
     "Certificate"),
    ({"identity": True, "context_scope": "Machine"}, BindingError, "ContextScope"),
])
def test_options_are_checked_when_made(given: dict[str, object], error: type[Exception],
                                       parameter: str) -> None:
    with pytest.raises(error) as excinfo:
        SignInOptions(**given)  # type: ignore[arg-type]
    assert getattr(excinfo.value, "parameter") == parameter


def test_context_scope_is_parsed_in_any_case() -> None:
    assert SignInOptions(identity=True, context_scope="currentuser").context_scope \
        is ContextScope.CURRENT_USER
    assert SignInOptions(identity=True).scope_or(ContextScope.PROCESS) is ContextScope.PROCESS


def test_the_token_says_tenant_and_scopes_the_sign_in_says_who() -> None:
    claims = {"tid": "token-tenant", "scp": "User.Read Application.ReadWrite.All",
              "appid": "token-app", "upn": "token-user@contoso.com", "app_displayname": "App"}
    context = context_from_claims(
        claims, auth_type=AuthType.DELEGATED, credential_type=TokenCredentialType.DEVICE_CODE,
        environment="Global", context_scope=ContextScope.CURRENT_USER, client_id="given-app",
        tenant_id="common", scopes=["https://graph.microsoft.com/.default"],
        account="given-user@contoso.com")
    assert (context.tenant_id, context.scopes) == (
        "token-tenant", ("User.Read", "Application.ReadWrite.All"))
    assert (context.client_id, context.account) == ("given-app", "given-user@contoso.com")
    assert context.app_name == "App"

    unknown = context_from_claims(
        {"azp": "token-app", "preferred_username": "u@contoso.com"},
        auth_type=AuthType.USER_PROVIDED_ACCESS_TOKEN,
        credential_type=TokenCredentialType.USER_PROVIDED_ACCESS_TOKEN, environment="Global",
        context_scope=ContextScope.PROCESS, tenant_id="given-tenant", scopes=["asked"])
    assert (unknown.client_id, unknown.account) == ("token-app", "u@contoso.com")
    assert (unknown.tenant_id, unknown.scopes) == ("given-tenant", ("asked",))
