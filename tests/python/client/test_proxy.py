"""The runtime parameters in the core: proxy options, pipeline steps, a real proxy (tinyproxy)."""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import time
from pathlib import Path
from typing import Any, Iterator

import pytest

from bridge._api import invoke
from bridge._call_options import CallOptions, ProxyCredential, call_options
from bridge._exceptions import AuthenticationError, BindingError
from bridge._redact import redact

TARGET = "https://graph.microsoft.com"


def test_no_runtime_parameters_means_the_connection_client() -> None:
    assert call_options({"TemplateId": "t"}) == CallOptions()
    assert not CallOptions().custom


@pytest.mark.parametrize("name", ["HttpPipelineAppend", "HttpPipelinePrepend"])
def test_pipeline_steps_are_refused_naming_the_parameter(name: str) -> None:
    with pytest.raises(BindingError) as caught:
        call_options({name: [object()]})
    assert caught.value.parameter == name
    assert "nothing was sent" in str(caught.value)
    assert call_options({name: []}) == CallOptions()  # empty: nothing to run


def test_proxy_with_credential_and_inline_userinfo() -> None:
    options = call_options({"Proxy": "http://proxy.contoso.com:8080",
                            "ProxyCredential": ("alice", "s3cret-pw")})
    assert options.proxy is not None and options.proxy.url == "http://proxy.contoso.com:8080"
    assert options.proxy.credential == ProxyCredential("alice", "s3cret-pw")
    inline = call_options({"Proxy": "http://bob:p%40ss@127.0.0.1:3128"}).proxy
    assert inline is not None and inline.url == "http://127.0.0.1:3128"
    assert inline.credential == ProxyCredential("bob", "p@ss")
    assert "s3cret-pw" not in repr(options) and "s3cret-pw" not in redact("x s3cret-pw y")


@pytest.mark.parametrize("parameters,name", [
    ({"Proxy": "socks5://127.0.0.1:1080"}, "Proxy"),
    ({"Proxy": "proxy:8080"}, "Proxy"),
    ({"Proxy": 8080}, "Proxy"),
    ({"ProxyCredential": ("a", "b")}, "ProxyCredential"),
    ({"Proxy": "http://p:1", "ProxyCredential": ("a", "b"), "ProxyUseDefaultCredentials": True},
     "ProxyCredential"),
    ({"Proxy": "http://p:1", "ProxyCredential": 42}, "ProxyCredential"),
    ({"ProxyUseDefaultCredentials": "yes"}, "ProxyUseDefaultCredentials"),
])
def test_bad_proxy_parameters_name_the_parameter(parameters: dict[str, Any], name: str) -> None:
    with pytest.raises(BindingError) as caught:
        call_options(parameters)
    assert caught.value.parameter == name


def test_default_credentials_come_from_the_given_environment() -> None:
    env = {"HTTPS_PROXY": "http://carol:pw%21@10.1.2.3:8080", "NO_PROXY": "localhost,.internal"}
    options = call_options({"ProxyUseDefaultCredentials": True}, target=TARGET, environ=env)
    assert options.proxy is not None and options.proxy.url == "http://10.1.2.3:8080"
    assert options.proxy.credential == ProxyCredential("carol", "pw!")
    # With -Proxy: that address, the environment's credential.
    both = call_options({"ProxyUseDefaultCredentials": True, "Proxy": "http://other:3128"},
                        target=TARGET, environ=env)
    assert both.proxy is not None and both.proxy.url == "http://other:3128"
    assert both.proxy.credential == ProxyCredential("carol", "pw!")
    bypass = call_options({"ProxyUseDefaultCredentials": True}, target="https://graph.internal",
                          environ=env)
    assert bypass.direct and bypass.proxy is None and "goes directly" in bypass.warnings[0]
    lowercase = call_options({"ProxyUseDefaultCredentials": True}, target=TARGET,
                             environ={"all_proxy": "http://127.0.0.1:3128"})
    assert lowercase.proxy is not None and lowercase.proxy.credential is None


# -- through a real proxy ------------------------------------------------------------------

@pytest.fixture()
def tinyproxy(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """Debian's tinyproxy on a free loopback port with Basic authentication."""
    binary = shutil.which("tinyproxy")
    if binary is None:
        pytest.fail("tinyproxy is missing: .ci/bootstrap installs it")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = tmp_path / "tinyproxy.log"
    conf = tmp_path / "tinyproxy.conf"
    conf.write_text(f"Port {port}\nListen 127.0.0.1\nTimeout 60\nLogLevel Connect\n"
                    f'LogFile "{log}"\nAllow 127.0.0.1\nBasicAuth alice pr0xy-pw-42\n')
    proc = subprocess.Popen([binary, "-d", "-c", str(conf)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        for _ in range(200):  # ready when it accepts a connection (bounded)
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        else:
            pytest.fail("tinyproxy did not start")
        yield {"url": f"http://127.0.0.1:{port}", "log": log}
    finally:
        proc.kill()
        proc.wait()


def _tunnels(log: Path) -> list[str]:
    if not log.exists():
        return []
    found = (re.search(r"Request \(file descriptor \d+\): (.+)$", line)
             for line in log.read_text().splitlines())
    return [m.group(1) for m in found if m]


def test_create_goes_through_the_proxy(tinyproxy: dict[str, Any], conn: Any, emu: Any,
                                       info: Any) -> None:
    job = invoke({"ApplicationId": info.application_id, "TemplateId": "viaproxy",
                  "Proxy": tinyproxy["url"], "ProxyCredential": ("alice", "pr0xy-pw-42")},
                 emit_warnings=False)
    assert job.template_id == "viaproxy"  # type: ignore[union-attr]
    authority = info.graph_url.split("//", 1)[1].split("/", 1)[0]
    assert _tunnels(tinyproxy["log"]) == [f"CONNECT {authority} HTTP/1.1"]
    assert emu.counters()["jobs_created"] == 1


def test_a_refused_proxy_credential_is_not_retried(tinyproxy: dict[str, Any], conn: Any,
                                                   emu: Any, info: Any) -> None:
    with pytest.raises(AuthenticationError) as caught:
        invoke({"ApplicationId": info.application_id, "TemplateId": "x",
                "Proxy": tinyproxy["url"], "ProxyCredential": ("alice", "wrong-pw-123")},
               emit_warnings=False)
    assert "The proxy refused the request" in str(caught.value)
    assert "wrong-pw-123" not in str(caught.value)
    assert len(_tunnels(tinyproxy["log"])) == 1
    assert emu.counters()["jobs_created"] == 0
