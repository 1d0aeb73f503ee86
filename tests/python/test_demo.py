"""The README's main job: `python -m bridge.demo` creates a job against the emulator."""

import json
import subprocess
import sys


def test_demo_creates_a_job_and_prints_it():
    result = subprocess.run([sys.executable, "-m", "bridge.demo"], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    job = json.loads(result.stdout)
    assert job["id"].startswith("scim.")
    assert job["schedule"]["interval"] == "PT40M"
    assert job["schema"]["synchronizationRules"][0]["objectMappings"][0]["scope"]["groups"][0][
        "clauses"][0]["targetOperand"] == {"values": ["IT"]}
    assert "created job" in result.stderr
    assert "connected: app " in result.stderr


def test_demo_what_if_sends_nothing():
    result = subprocess.run([sys.executable, "-m", "bridge.demo", "--what-if"], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    request = json.loads(result.stdout)
    assert request["method"] == "POST" and request["url"].endswith("/synchronization/jobs")


def test_demo_powershell_side_runs_a_real_pwsh_session():
    import shutil
    from pathlib import Path
    repo = Path(__file__).resolve().parents[2]
    pwsh = shutil.which("pwsh") or str(Path.home() / ".dotnet/tools/pwsh")
    result = subprocess.run([pwsh, "-NoProfile", "-NonInteractive", "-File",
                             str(repo / "scripts/demo.ps1")], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    for step in ("PS> Import-Module MgBridge", "PS> Add-MgEnvironment -Name Emulator",
                 "PS> Connect-MgGraph -Environment Emulator", "PS> # The body as the cmdlet's NOTES",
                 ">> $params = @{", "PS> New-MgApplicationSynchronizationJob -ApplicationId $appId "
                 "-BodyParameter $params -WhatIf"):
        assert step in out, out
    assert "Welcome to Microsoft Graph!" in out
    # The created job in the default table (its id begins with the template id), then the
    # -WhatIf request with the exact JSON body, and nothing else created by -WhatIf.
    assert "\nscim." in out
    assert "What if: POST https://127.0.0.1:" in out and '"templateId":"scim"' in out
    assert '"schedule":{"interval":"PT40M","state":"Active"}' in out
    assert "WARNING" not in out and "Exception" not in out + result.stderr
