"""Signing and checking JWTs: the emulator's access tokens and clients' certificate assertions.

Access tokens are real RS256 JWTs signed with a key whose certificate is served
on the JWKS endpoint, so any JWT library can verify them the way it would verify
Entra ID's. Client assertions are checked the way Entra ID documents them:
signature against the registered certificate, ``x5t`` thumbprint, ``aud``,
``iss``/``sub`` and the validity window.
"""

from __future__ import annotations

import base64
import datetime as _dt
import hashlib
import threading
import time
from dataclasses import dataclass
from typing import Any, Iterable, Optional

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

__all__ = ["TokenService", "TokenInvalid", "AssertionRejected", "cert_thumbprint",
           "b64url", "ASSERTION_ALGORITHMS", "CLOCK_SKEW"]

#: Signature algorithms Entra ID accepts for client assertions.
ASSERTION_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512")
#: Entra ID tolerates five minutes of clock skew on assertions.
CLOCK_SKEW = 300


def b64url(data: bytes) -> str:
    """Base64url without padding, as JOSE uses."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _unpadded(value: Any) -> Optional[str]:
    return value.rstrip("=") if isinstance(value, str) else None


def _int_b64(value: int) -> str:
    return b64url(value.to_bytes((value.bit_length() + 7) // 8, "big"))


def cert_thumbprint(cert: x509.Certificate, algorithm: str = "sha1") -> bytes:
    """The raw digest of the certificate's DER (``x5t`` is its base64url SHA-1)."""
    der = cert.public_bytes(serialization.Encoding.DER)
    return hashlib.new(algorithm, der).digest()


class TokenInvalid(Exception):
    """An access token failed validation; ``reason`` is expired, signature or malformed."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(detail or reason)
        self.reason = reason


class AssertionRejected(Exception):
    """A client assertion was refused; carries the AADSTS code and description."""

    def __init__(self, aadsts: int, description: str) -> None:
        super().__init__(description)
        self.aadsts = aadsts
        self.description = description


@dataclass(frozen=True)
class _SigningKey:
    key: rsa.RSAPrivateKey
    cert: x509.Certificate
    kid: str


class TokenService:
    """Issues and verifies the emulator's tokens.

    Usage::

        tokens = TokenService()                       # or TokenService(private_key_pem=...)
        jwt_text = tokens.issue({"aud": "https://graph.microsoft.com", ...})
        claims = tokens.verify(jwt_text)              # raises TokenInvalid

    Parameters:
        private_key_pem: a PEM RSA key to reuse (state persistence); a new
            2048-bit key is generated otherwise.
    """

    def __init__(self, private_key_pem: Optional[bytes] = None) -> None:
        if private_key_pem:
            loaded = serialization.load_pem_private_key(private_key_pem, password=None)
            if not isinstance(loaded, rsa.RSAPrivateKey):
                raise ValueError("the persisted signing key is not an RSA key")
            key = loaded
        else:
            key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        cert = self._self_signed(key)
        # Entra ID's kid equals the certificate's x5t, so clients can match either.
        kid = b64url(cert_thumbprint(cert))
        self._signing = _SigningKey(key, cert, kid)
        self._public = key.public_key()
        self._cache: dict[str, dict[str, Any]] = {}
        self._cache_lock = threading.Lock()

    @staticmethod
    def _self_signed(key: rsa.RSAPrivateKey) -> x509.Certificate:
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME,
                                             "mgbridge emulator token signing")])
        now = _dt.datetime.now(_dt.timezone.utc)
        # A fixed validity start keeps the certificate (and so the kid) stable for a persisted key.
        start = _dt.datetime(2020, 1, 1, tzinfo=_dt.timezone.utc)
        return (x509.CertificateBuilder().subject_name(name).issuer_name(name)
                .public_key(key.public_key()).serial_number(1)
                .not_valid_before(start).not_valid_after(now.replace(year=now.year + 10))
                .sign(key, hashes.SHA256()))

    @property
    def kid(self) -> str:
        """The key id (and ``x5t``) put in every token header."""
        return self._signing.kid

    def private_key_pem(self) -> bytes:
        """The signing key as unencrypted PKCS#8 PEM (only for the local state file)."""
        return self._signing.key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption())

    def jwks(self, issuer: Optional[str] = None) -> dict[str, Any]:
        """The JWKS document: one RSA signing key with ``kid``, ``x5t`` and ``x5c``."""
        numbers = self._public.public_numbers()
        der = self._signing.cert.public_bytes(serialization.Encoding.DER)
        key: dict[str, Any] = {"kty": "RSA", "use": "sig", "kid": self.kid, "x5t": self.kid,
                               "n": _int_b64(numbers.n), "e": _int_b64(numbers.e),
                               "x5c": [base64.b64encode(der).decode("ascii")]}
        if issuer:
            key["issuer"] = issuer
        return {"keys": [key]}

    def issue(self, claims: dict[str, Any]) -> str:
        """Sign ``claims`` with RS256 and the emulator's key."""
        headers = {"typ": "JWT", "kid": self.kid, "x5t": self.kid}
        # PyJWT's hints say str, but it takes cryptography key objects.
        return jwt.encode(claims, self._signing.key, algorithm="RS256",  # type: ignore[arg-type]
                          headers=headers)

    def verify(self, token: str) -> dict[str, Any]:
        """Check signature, ``exp`` and ``nbf``; return the claims. Audience is the caller's job.

        Raises:
            TokenInvalid: with reason ``malformed``, ``signature`` or ``expired``.
        """
        with self._cache_lock:
            cached = self._cache.get(token)
        if cached is not None:
            # The signature was checked before; only the clock can have changed.
            now = time.time()
            if now >= float(cached.get("exp", 0)) or now < float(cached.get("nbf", 0)):
                raise TokenInvalid("expired")
            return cached
        try:
            claims: dict[str, Any] = jwt.decode(
                token, self._public, algorithms=["RS256"],  # type: ignore[arg-type]
                options={"verify_aud": False, "require": ["exp"]})
        except (jwt.ExpiredSignatureError, jwt.ImmatureSignatureError) as exc:
            raise TokenInvalid("expired", str(exc)) from exc
        except jwt.InvalidSignatureError as exc:
            raise TokenInvalid("signature", str(exc)) from exc
        except jwt.InvalidTokenError as exc:
            raise TokenInvalid("malformed", str(exc)) from exc
        with self._cache_lock:
            if len(self._cache) > 4096:
                self._cache.clear()
            self._cache[token] = claims
        return claims

    @staticmethod
    def verify_client_assertion(assertion: str, certificates_pem: Iterable[str], client_id: str,
                                audiences: Iterable[str]) -> dict[str, Any]:
        """Validate a ``private_key_jwt`` client assertion; return its claims.

        Checks, in Entra ID's order: well-formed JWT, algorithm, a registered
        certificate (chosen by ``x5t``/``x5t#S256`` when present), signature,
        ``iss`` == ``sub`` == ``client_id``, ``aud`` is a token endpoint of this
        tenant, and the ``nbf``/``exp`` window (with five minutes of skew).

        Raises:
            AssertionRejected: with the AADSTS code Entra ID would answer.
        """
        try:
            header = jwt.get_unverified_header(assertion)
            unverified = jwt.decode(assertion, options={"verify_signature": False})
        except jwt.InvalidTokenError as exc:
            raise AssertionRejected(50027, "JWT token is invalid or malformed.") from exc
        algorithm = header.get("alg")
        if algorithm not in ASSERTION_ALGORITHMS:
            raise AssertionRejected(
                5002738, f"Invalid JWT token. '{algorithm}' is not a supported signature "
                "algorithm. Supported signing algorithms are: 'RS256,RS384,RS512'")
        certs = [x509.load_pem_x509_certificate(pem.encode("ascii")) for pem in certificates_pem]
        if not certs:
            raise AssertionRejected(
                700027, "Client assertion failed signature validation. [Reason - The key was "
                f"not found., Thumbprint of key used by client: '{header.get('x5t', '')}']")
        candidates = certs
        if "x5t" in header or "x5t#S256" in header:
            # msal (and others) send the thumbprint base64url *with* padding; both forms match.
            wanted_sha1 = _unpadded(header.get("x5t"))
            wanted_sha256 = _unpadded(header.get("x5t#S256"))
            candidates = [
                cert for cert in certs
                if (wanted_sha1 is not None and wanted_sha1 == b64url(cert_thumbprint(cert)))
                or (wanted_sha256 is not None
                    and wanted_sha256 == b64url(cert_thumbprint(cert, "sha256")))]
            if not candidates:
                shown = wanted_sha1 if wanted_sha1 is not None else wanted_sha256
                try:
                    shown = _b64url_decode(str(shown)).hex().upper()
                except (ValueError, TypeError):
                    pass
                raise AssertionRejected(
                    700027, "The certificate with identifier used to sign the client assertion "
                    f"is not registered on application. [Reason - The key was not found., "
                    f"Thumbprint of key used by client: '{shown}']")
        claims: Optional[dict[str, Any]] = None
        for cert in candidates:
            try:
                claims = jwt.decode(assertion, cert.public_key(),  # type: ignore[arg-type]
                                    algorithms=list(ASSERTION_ALGORITHMS),
                                    options={"verify_aud": False, "verify_exp": False,
                                             "verify_nbf": False, "verify_iat": False})
                break
            except jwt.InvalidTokenError:
                continue
        if claims is None:
            raise AssertionRejected(700027, "Client assertion contains an invalid signature. "
                                    "[Reason - The key was found, but the signature could not "
                                    "be verified.]")
        if unverified.get("iss") != client_id or unverified.get("sub") != client_id:
            raise AssertionRejected(
                700021, "Client assertion application identifier doesn't match 'client_id' "
                "parameter. Review the documentation at https://docs.microsoft.com/en-us/azure/"
                "active-directory/develop/active-directory-certificate-credentials .")
        audience = claims.get("aud")
        accepted = {a.rstrip("/") for a in audiences}
        auds = audience if isinstance(audience, list) else [audience]
        if not any(isinstance(a, str) and a.rstrip("/") in accepted for a in auds):
            raise AssertionRejected(
                700023, f"Client assertion audience claim does not match Realm issuer. "
                f"Review the documentation at https://docs.microsoft.com/en-us/azure/"
                f"active-directory/develop/active-directory-certificate-credentials .")
        now = time.time()
        exp = claims.get("exp")
        nbf = claims.get("nbf")
        if not isinstance(exp, (int, float)) or now > exp + CLOCK_SKEW or (
                isinstance(nbf, (int, float)) and now < nbf - CLOCK_SKEW):
            raise AssertionRejected(
                700024, "Client assertion is not within its valid time range. "
                f"Current time: {_dt.datetime.now(_dt.timezone.utc).isoformat()}, "
                f"assertion valid from {nbf}, expiry time of assertion {exp}.")
        return claims
