"""One endpoint truth: a what-if request's URL is the URL the call would use, on both faces."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

import bridge
from bridge.emulator import Emulator

ROOT = Path(__file__).resolve().parents[3]
APP = "a b"  # percent-encoded in the path


def _python_urls(info: Any, env_name: str) -> list[str]:
    """What ``request.url()`` says in each state of the scenario."""
    urls = []
    call = bridge.new_application_synchronization_job
    urls.append(call(application_id=APP, template_id="scim", what_if=True).url())
    bridge.connect(client_id=info.client_id, tenant_id=info.tenant_id,
                   client_secret=info.client_secret, environment=env_name)
    urls.append(call(application_id=APP, template_id="scim", what_if=True).url())
    bridge.select_profile("beta")
    urls.append(call(application_id=APP, template_id="scim", what_if=True).url())
    return urls


_PWSH_SCENARIO = r"""
$ErrorActionPreference = 'Stop'
Import-Module '{manifest}'
$info = [Console]::In.ReadLine() | ConvertFrom-Json
# -WhatIf writes to the host, which is this process's stdout.
function Show-WhatIf {{ New-MgApplicationSynchronizationJob -ApplicationId '{app}' -TemplateId scim -WhatIf }}
Show-WhatIf
$null = Add-MgEnvironment -Name '{env}' -AzureADEndpoint $info.login_url -GraphEndpoint $info.graph_url -CaFile $info.ca_file
$secret = ConvertTo-SecureString $info.client_secret -AsPlainText -Force
$cred = [pscredential]::new($info.client_id, $secret)
Connect-MgGraph -Environment '{env}' -TenantId $info.tenant_id -ClientSecretCredential $cred -NoWelcome
Show-WhatIf
Select-MgProfile -Name beta
Show-WhatIf
"""


def _powershell_urls(info: Any, env_name: str) -> list[str]:
    """What ``-WhatIf`` prints in the same states, from a real pwsh and the module."""
    pwsh = shutil.which("pwsh") or os.path.expanduser("~/.dotnet/tools/pwsh")
    script = _PWSH_SCENARIO.format(manifest=ROOT / "psmodule" / "MgBridge.psd1", app=APP,
                                   env=env_name)
    import json
    # The secrets travel on stdin: never in the child's arguments or environment.
    stdin = json.dumps({k: info.__dict__[k] for k in
                        ("login_url", "graph_url", "ca_file", "client_id", "client_secret",
                         "tenant_id")})
    result = subprocess.run([pwsh, "-NoProfile", "-NonInteractive", "-Command", script],
                            input=stdin + "\n", capture_output=True, text=True, timeout=300,
                            cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    return re.findall(r"What if: POST (\S+)", result.stdout)


@pytest.mark.skipif(not (shutil.which("pwsh") or os.path.exists(
    os.path.expanduser("~/.dotnet/tools/pwsh"))), reason="pwsh is installed by .ci/bootstrap")
def test_what_if_url_is_the_same_in_python_and_powershell(emu: Emulator, info: Any) -> None:
    env_name = f"WhatIfParity-{info.port}"
    try:
        python = _python_urls(info, env_name=_add(info, env_name))
    finally:
        bridge.remove_environment(env_name)
    powershell = _powershell_urls(info, env_name)
    expected = ["https://graph.microsoft.com/v1.0/applications/a%20b/synchronization/jobs",
                f"{info.graph_url}/v1.0/applications/a%20b/synchronization/jobs",
                f"{info.graph_url}/beta/applications/a%20b/synchronization/jobs"]
    assert python == expected
    assert powershell == expected
    assert emu.counters()["routes"].get("jobs.create", 0) == 0  # what-if sent nothing


def _add(info: Any, name: str) -> str:
    bridge.add_environment(name, info.login_url, info.graph_url, ca_file=info.ca_file)
    return name


def test_what_if_with_client_uses_the_clients_target(emu: Emulator, info: Any,
                                                     emu_env_name: str) -> None:
    conn = bridge.connect(client_id=info.client_id, tenant_id=info.tenant_id,
                          client_secret=info.client_secret, environment=emu_env_name)
    bridge.select_profile("beta")
    client = bridge.GraphClient(conn, api_version="v1.0")
    request = bridge.new_application_synchronization_job(
        application_id=info.application_id, template_id="t", client=client, what_if=True)
    assert request.url() == client.url(request) \
        == f"{info.graph_url}/v1.0/applications/{info.application_id}/synchronization/jobs"
    assert request.to_dict()["url"] == request.url()
    # The request really goes where what-if said.
    bridge.new_application_synchronization_job(application_id=info.application_id,
                                               template_id="t", client=client)
    assert emu.requests()[-1]["path"] == f"/v1.0/applications/{info.application_id}" \
                                         "/synchronization/jobs"
