"""Certificates for app-only sign-in: read a PEM or PFX file, or find one in the store folder.

The store is a folder: ``MGBRIDGE_CERT_STORE`` or ``~/.mgbridge/certs``, holding
``*.pem`` (certificate and private key) and ``*.pfx``/``*.p12`` files. A
thumbprint is the SHA-1 of the certificate's DER, in hex (case, spaces and
colons ignored); a name matches the subject's CN (``"app"`` or ``"CN=app"``) or
the whole subject. Expired certificates are skipped, and among several matches
the one valid longest is used.
"""

from __future__ import annotations

import datetime as _dt
import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Optional

from ._exceptions import AuthenticationError, BindingError
from ._redact import redact

__all__ = ["Certificate", "load_certificate", "find_in_store", "cert_store_path",
           "normalise_thumbprint", "CERT_STORE_ENV_VAR", "DEFAULT_CERT_STORE"]

logger = logging.getLogger("bridge.auth")

CERT_STORE_ENV_VAR = "MGBRIDGE_CERT_STORE"
DEFAULT_CERT_STORE = "~/.mgbridge/certs"


@dataclass(frozen=True)
class Certificate:
    """A loaded certificate: its private key (PEM, never in ``repr``) and what identifies it."""

    private_key_pem: str = field(repr=False)
    thumbprint: str
    subject: str
    common_name: Optional[str]
    not_after: _dt.datetime
    path: str


_PEM_CERT = re.compile(rb"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", re.DOTALL)


def load_certificate(path: str, password: Optional[str]) -> Certificate:
    """Read a PEM (certificate + private key) or PFX file."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    try:
        data = Path(path).expanduser().read_bytes()
    except OSError as exc:
        raise BindingError(f"Cannot read the certificate file {path!r}: {exc.strerror}.",
                           parameter="CertificatePath", expected="a readable PEM or PFX file",
                           value=path) from exc
    secret = password.encode("utf-8") if password else None
    try:
        if b"-----BEGIN" in data:
            key = serialization.load_pem_private_key(data, secret)
            certs = [x509.load_pem_x509_certificate(block) for block in _PEM_CERT.findall(data)]
        else:
            pfx_key, leaf, extra = pkcs12.load_key_and_certificates(data, secret)
            if pfx_key is None:
                raise AuthenticationError(f"The PFX file {path!r} holds no private key.")
            key = pfx_key
            certs = ([leaf] if leaf is not None else []) + list(extra)
    except (ValueError, TypeError) as exc:
        hint = " (wrong or missing certificate password?)" if "password" in str(exc).lower() \
            or "decrypt" in str(exc).lower() or "mac" in str(exc).lower() else ""
        raise AuthenticationError(f"Cannot load the certificate {path!r}{hint}: "
                                  f"{redact(exc)}") from exc
    if key is None or not certs:
        raise AuthenticationError(f"The certificate file {path!r} must hold a certificate and "
                                  "its private key.")
    public = key.public_key().public_bytes(serialization.Encoding.DER,
                                           serialization.PublicFormat.SubjectPublicKeyInfo)
    leaf_cert = next((c for c in certs if c.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo) == public),
        None)
    if leaf_cert is None:
        raise AuthenticationError(f"No certificate in {path!r} matches its private key.")
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode("ascii")
    thumbprint = leaf_cert.fingerprint(hashes.SHA1()).hex().upper()  # noqa: S303 - x5t is SHA-1
    cns = leaf_cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    common_name = str(cns[0].value) if cns else None
    not_after = leaf_cert.not_valid_after.replace(tzinfo=_dt.timezone.utc)
    return Certificate(pem, thumbprint, leaf_cert.subject.rfc4514_string(), common_name,
                        not_after, str(path))


def normalise_thumbprint(value: str) -> str:
    """A thumbprint as the store compares it: upper case, no spaces or colons."""
    return re.sub(r"[\s:]", "", value).upper()


def cert_store_path(environ: Optional[Mapping[str, str]] = None) -> Path:
    """The certificate folder: ``MGBRIDGE_CERT_STORE`` (of ``environ``, default the process's)
    or ``~/.mgbridge/certs``."""
    environ = os.environ if environ is None else environ
    return Path(environ.get(CERT_STORE_ENV_VAR) or DEFAULT_CERT_STORE).expanduser()


def find_in_store(*, thumbprint: Optional[str], name: Optional[str],
                  password: Optional[str], environ: Mapping[str, str]) -> Certificate:
    """The store's unexpired certificate matching ``thumbprint`` or ``name``, valid longest.

    Raises:
        AuthenticationError: none matches (the SDK's CertificateNotFound message).
    """
    store = cert_store_path(environ)
    wanted_thumb = normalise_thumbprint(thumbprint) if thumbprint else None
    wanted_name = name.strip().lower() if name else None
    now = _dt.datetime.now(_dt.timezone.utc)
    matches: list[Certificate] = []
    files = sorted(p for p in store.glob("*") if p.suffix.lower() in (".pem", ".pfx", ".p12")) \
        if store.is_dir() else []
    for candidate in files:
        try:
            cert = load_certificate(str(candidate), password)
        except (AuthenticationError, BindingError) as exc:
            logger.debug("Skipping %s in the certificate store: %s", candidate, exc)
            continue
        if cert.not_after <= now:
            continue
        if wanted_thumb is not None and cert.thumbprint != wanted_thumb:
            continue
        if wanted_name is not None and wanted_name not in {
                cert.subject.lower(), (cert.common_name or "").lower(),
                f"cn={(cert.common_name or '').lower()}"}:
            continue
        matches.append(cert)
    if not matches:
        kind, value = ("thumbprint", thumbprint) if thumbprint else ("subject name", name)
        # The SDK's ErrorConstants.Message.CertificateNotFound, plus where we looked.
        raise AuthenticationError(f"Certificate with {kind} '{value}' was not found in "
                                  f"certificate store or has expired. (store: {store})")
    return max(matches, key=lambda c: c.not_after)
