"""Fixtures for the sign-in tests: one emulator per session over TLS, certificates, a clean env."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Callable, Iterator, Optional

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from bridge import _auth, _client
from bridge._environments import add_environment, remove_environment
from bridge.emulator import Emulator

_SCRUBBED_PREFIXES = ("AZURE_", "IDENTITY_", "MSI_", "MGBRIDGE_", "IMDS_")
_SCRUBBED = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "http_proxy", "https_proxy",
             "all_proxy", "no_proxy")


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No AZURE_*/IDENTITY_*/MSI_*/MGBRIDGE_*/proxy variables leak in; no connection leaks out."""
    for name in list(os.environ):
        if name.startswith(_SCRUBBED_PREFIXES) or name in _SCRUBBED:
            monkeypatch.delenv(name, raising=False)
    yield
    _auth.disconnect()
    _client.reset_request_context()
    _client.select_profile("v1.0")


@pytest.fixture(scope="session")
def emulator() -> Iterator[Emulator]:
    with Emulator(device_code_interval=1) as emu:
        yield emu


@pytest.fixture(scope="session")
def info(emulator: Emulator) -> Any:
    """``emulator.info`` with attribute access."""
    return SimpleNamespace(**emulator.info)


@pytest.fixture(scope="session")
def emu_env_name(info: Any) -> Iterator[str]:
    """A user-defined environment pointing at the emulator, trusting its CA."""
    name = f"Emulator-auth-{info.port}"
    add_environment(name, info.login_url, info.graph_url, ca_file=info.ca_file)
    yield name
    remove_environment(name)


@pytest.fixture()
def emu(emulator: Emulator) -> Emulator:
    """The session emulator with no faults left over."""
    emulator.clear_faults()
    return emulator


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


class CertFactory:
    """Makes self-signed client certificates as PEM or PFX files, and registers them."""

    def __init__(self, folder: Path, emulator: Emulator) -> None:
        self.folder = folder
        self.emulator = emulator

    def make(self, cn: str = "mgbridge-test", *, days: int = 30,
             expired: bool = False) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        now = dt.datetime.now(dt.timezone.utc)
        start, end = (now - dt.timedelta(days=10), now - dt.timedelta(days=1)) if expired \
            else (now - dt.timedelta(minutes=5), now + dt.timedelta(days=days))
        cert = (x509.CertificateBuilder().subject_name(_name(cn)).issuer_name(_name(cn))
                .public_key(key.public_key()).serial_number(x509.random_serial_number())
                .not_valid_before(start).not_valid_after(end).sign(key, hashes.SHA256()))
        return key, cert

    def register(self, cert: x509.Certificate) -> str:
        pem = cert.public_bytes(serialization.Encoding.PEM).decode("ascii")
        return self.emulator.register_client(certificate_pem=pem,
                                             roles=["Synchronization.ReadWrite.All"])

    def write_pem(self, key: rsa.RSAPrivateKey, cert: x509.Certificate, name: str,
                  password: Optional[str] = None, folder: Optional[Path] = None) -> Path:
        encryption = (serialization.BestAvailableEncryption(password.encode())
                      if password else serialization.NoEncryption())
        data = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                 encryption) + cert.public_bytes(serialization.Encoding.PEM)
        path = (folder or self.folder) / f"{name}.pem"
        path.write_bytes(data)
        return path

    def write_pfx(self, key: rsa.RSAPrivateKey, cert: x509.Certificate, name: str,
                  password: Optional[str] = None, folder: Optional[Path] = None) -> Path:
        encryption = (serialization.BestAvailableEncryption(password.encode())
                      if password else serialization.NoEncryption())
        data = pkcs12.serialize_key_and_certificates(name.encode(), key, cert, None, encryption)
        path = (folder or self.folder) / f"{name}.pfx"
        path.write_bytes(data)
        return path

    @staticmethod
    def thumbprint(cert: x509.Certificate) -> str:
        return cert.fingerprint(hashes.SHA1()).hex().upper()


@pytest.fixture()
def certs(tmp_path: Path, emulator: Emulator) -> CertFactory:
    return CertFactory(tmp_path, emulator)


@pytest.fixture()
def unique() -> Callable[[str], str]:
    return lambda prefix: f"{prefix}-{uuid.uuid4().hex[:8]}"
