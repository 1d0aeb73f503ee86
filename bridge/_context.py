"""What Get-MgContext shows: the :class:`Context` of a connection and its enums."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any, Mapping, Optional, Sequence, Union

from ._environments import DEFAULT_ENVIRONMENT
from ._exceptions import BindingError

__all__ = ["AuthType", "TokenCredentialType", "ContextScope", "Context", "context_from_claims",
           "scopes_from_claims", "parse_context_scope"]


class AuthType(str, Enum):
    """Get-MgContext's AuthType."""

    APP_ONLY = "AppOnly"
    DELEGATED = "Delegated"
    MANAGED_IDENTITY = "ManagedIdentity"
    USER_PROVIDED_ACCESS_TOKEN = "UserProvidedAccessToken"


class TokenCredentialType(str, Enum):
    """Get-MgContext's TokenCredentialType."""

    CLIENT_SECRET = "ClientSecret"
    CLIENT_CERTIFICATE = "ClientCertificate"
    DEVICE_CODE = "DeviceCode"
    USER_PROVIDED_ACCESS_TOKEN = "UserProvidedAccessToken"
    MANAGED_IDENTITY = "ManagedIdentity"
    ENVIRONMENT_VARIABLE = "EnvironmentVariable"
    #: Python only: an object following azure-core's TokenCredential protocol.
    TOKEN_CREDENTIAL = "TokenCredential"


class ContextScope(str, Enum):
    """Get-MgContext's ContextScope."""

    PROCESS = "Process"
    CURRENT_USER = "CurrentUser"


@dataclass(frozen=True)
class Context:
    """What Get-MgContext shows about a connection. Holds no secret.

    Usage::

        context = bridge.get_context()       # None when not connected
        context.auth_type                    # AuthType.APP_ONLY
        context.to_dict()["TokenCredentialType"]   # "ClientSecret"

    Parameters:
        client_id, tenant_id: the application and tenant.
        scopes: the scopes (delegated) or app roles (app-only) the token carries.
        auth_type: AppOnly, Delegated, ManagedIdentity or UserProvidedAccessToken.
        token_credential_type: how the token is obtained.
        certificate_thumbprint, certificate_subject_name: for certificate sign-in.
        account: the signed-in user (delegated).
        app_name: the application's display name, when the token says it.
        context_scope: Process or CurrentUser.
        environment: the environment's name.
        managed_identity_id: the user-assigned identity's client id.
    """

    client_id: Optional[str]
    tenant_id: Optional[str]
    scopes: tuple[str, ...]
    auth_type: AuthType
    token_credential_type: TokenCredentialType
    certificate_thumbprint: Optional[str] = None
    certificate_subject_name: Optional[str] = None
    account: Optional[str] = None
    app_name: Optional[str] = None
    context_scope: ContextScope = ContextScope.PROCESS
    environment: str = DEFAULT_ENVIRONMENT
    managed_identity_id: Optional[str] = None

    def to_dict(self) -> dict[str, Any]:
        """Get-MgContext's property names and values."""
        return {"ClientId": self.client_id, "TenantId": self.tenant_id,
                "Scopes": list(self.scopes), "AuthType": self.auth_type.value,
                "TokenCredentialType": self.token_credential_type.value,
                "CertificateThumbprint": self.certificate_thumbprint,
                "CertificateSubjectName": self.certificate_subject_name,
                "Account": self.account, "AppName": self.app_name,
                "ContextScope": self.context_scope.value, "Certificate": None,
                "PSHostVersion": None, "ManagedIdentityId": self.managed_identity_id,
                "ClientSecret": None, "Environment": self.environment}


def context_from_claims(claims: Mapping[str, Any], *, auth_type: AuthType,
                        credential_type: TokenCredentialType, environment: str,
                        context_scope: ContextScope, client_id: Optional[str] = None,
                        tenant_id: Optional[str] = None, scopes: Sequence[str] = (),
                        account: Optional[str] = None,
                        certificate_thumbprint: Optional[str] = None,
                        certificate_subject_name: Optional[str] = None,
                        managed_identity_id: Optional[str] = None) -> Context:
    """Get-MgContext's view of a sign-in, from its token's claims (decoded once, by the caller).

    The token says where and what: its ``tid`` wins over ``tenant_id`` and its
    ``roles`` / ``scp`` over the ``scopes`` asked for. Who signed in is what the
    sign-in chose: ``client_id`` and ``account`` win, and the token's ``appid`` /
    ``azp`` and ``upn`` / ``preferred_username`` fill in when it did not know them.
    """
    return Context(
        client_id=client_id or claims.get("appid") or claims.get("azp"),
        tenant_id=claims.get("tid") or tenant_id,
        scopes=scopes_from_claims(claims) or tuple(scopes),
        auth_type=auth_type, token_credential_type=credential_type,
        certificate_thumbprint=certificate_thumbprint,
        certificate_subject_name=certificate_subject_name,
        account=account or claims.get("upn") or claims.get("preferred_username"),
        app_name=claims.get("app_displayname"), context_scope=context_scope,
        environment=environment, managed_identity_id=managed_identity_id)


def scopes_from_claims(claims: Mapping[str, Any]) -> tuple[str, ...]:
    """The app roles (``roles``, app-only) or delegated scopes (``scp``) a token carries."""
    roles = claims.get("roles")
    if isinstance(roles, list) and roles:
        return tuple(str(r) for r in roles)
    scp = claims.get("scp")
    if isinstance(scp, str) and scp.strip():
        return tuple(scp.split())
    return ()


def parse_context_scope(value: Union[str, ContextScope, None]) -> Optional[ContextScope]:
    """``"Process"`` / ``"CurrentUser"`` (any case) as a :class:`ContextScope`; None stays None.

    Raises:
        BindingError: any other value.
    """
    if isinstance(value, ContextScope):
        return value
    if not value:
        return None
    matched = [s for s in ContextScope if s.value.lower() == str(value).lower()]
    if not matched:
        raise BindingError(f"ContextScope must be Process or CurrentUser, got {value!r}.",
                           parameter="ContextScope", expected="Process or CurrentUser",
                           value=value)
    return matched[0]
