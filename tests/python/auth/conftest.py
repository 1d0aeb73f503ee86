"""Fixtures for the sign-in tests: client certificates (``emu``, ``info`` and the
environment scrub come from tests/python/conftest.py)."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from typing import Callable, Optional

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from bridge.emulator import Emulator


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
