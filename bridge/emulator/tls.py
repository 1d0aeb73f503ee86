"""A throwaway certificate authority and the server certificate it signs (via trustme).

Clients trust the emulator by pointing at :attr:`TLSMaterial.ca_file`, never by
turning verification off, so the TLS code paths they run are the production ones.
"""

from __future__ import annotations

import os
import ssl
from pathlib import Path

import trustme

__all__ = ["TLSMaterial"]


class TLSMaterial:
    """A fresh CA, a server certificate for ``127.0.0.1``/``localhost``/the host, and files.

    Usage::

        tls = TLSMaterial(workdir, host="127.0.0.1")
        context = tls.server_context()     # for the listening socket
        httpx.Client(verify=tls.ca_file)   # for clients

    Parameters:
        workdir: where ``ca.pem`` (and nothing secret) is written.
        host: the address the server listens on; added to the certificate's names.
    """

    def __init__(self, workdir: Path, host: str = "127.0.0.1") -> None:
        self._ca = trustme.CA(organization_name="mgbridge emulator CA")
        names = ["127.0.0.1", "localhost", "::1"]
        if host not in names and host not in ("0.0.0.0", "::", ""):
            names.append(host)
        self._server_cert = self._ca.issue_cert(*names)
        self.ca_file = str(Path(workdir) / "ca.pem")
        self._ca.cert_pem.write_to_path(self.ca_file)
        # The CA certificate is public; readable by the other processes of a test run.
        os.chmod(self.ca_file, 0o644)

    @property
    def ca_pem(self) -> bytes:
        """The CA certificate in PEM form."""
        return self._ca.cert_pem.bytes()

    def server_context(self) -> ssl.SSLContext:
        """A server-side context holding the leaf certificate and its chain."""
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        self._server_cert.configure_cert(context)
        # Only HTTP/1.1 is spoken; advertising it keeps ALPN-aware clients from trying h2.
        context.set_alpn_protocols(["http/1.1"])
        return context

    def client_context(self) -> ssl.SSLContext:
        """A client-side context that trusts only this CA (handy in tests)."""
        context = ssl.create_default_context(cafile=self.ca_file)
        return context
