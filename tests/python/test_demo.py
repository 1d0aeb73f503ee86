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
