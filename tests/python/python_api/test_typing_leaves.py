"""Typed to the leaves: mypy --strict and pyright (strict) see real types, and reject typos."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PYRIGHT = ROOT / ".ci" / "npm" / "node_modules" / ".bin" / "pyright"

GOOD = '''
from datetime import timedelta
from typing import Any, NamedTuple, Optional, Union

import bridge
import bridge.aio
from bridge.models import SynchronizationJobInput, SynchronizationSchedule


def leaves(job: bridge.SynchronizationJob) -> list[object]:
    schedule: Optional[SynchronizationSchedule] = job.schedule
    assert schedule is not None
    interval: Optional[Union[timedelta, str]] = schedule.interval
    out: list[object] = [interval]
    status = job.status
    if status is not None and status.quarantine is not None:
        reason: Optional[str] = status.quarantine.reason
        out.append(reason)
    if status is not None and status.last_execution is not None \\
            and status.last_execution.error is not None:
        code: Optional[str] = status.last_execution.error.code
        out.append(code)
    if job.schema is not None and job.schema.directories:
        for attribute in job.schema.directories[0].objects or []:
            out.append(attribute.name)
    for setting in job.synchronization_job_settings or []:
        value: Optional[str] = setting.value
        out.append(value)
    return out


def inputs() -> str:
    body: SynchronizationJobInput = {"TemplateId": "scim",
                                     "ScheduleInterval": timedelta(minutes=40),
                                     "SchemaDirectories": [{"Name": "AD"}]}
    request = bridge.new_application_synchronization_job(application_id="a",
                                                         body_parameter=body, what_if=True)
    url: str = request.url()
    return url


class AzureAccessToken(NamedTuple):  # azure-core's AccessToken, field for field
    token: str
    expires_on: int


class AzureStyleCredential:  # azure-core's TokenCredential signature
    def get_token(self, *scopes: str, claims: Optional[str] = None,
                  tenant_id: Optional[str] = None, **kwargs: Any) -> AzureAccessToken:
        return AzureAccessToken("t", 0)


class AzureStyleAsyncCredential:  # azure-core's AsyncTokenCredential signature
    async def get_token(self, *scopes: str, claims: Optional[str] = None,
                        tenant_id: Optional[str] = None, **kwargs: Any) -> AzureAccessToken:
        return AzureAccessToken("t", 0)


def credentials() -> list[object]:
    sync: bridge.TokenCredential = AzureStyleCredential()
    asynchronous: bridge.AsyncTokenCredential = AzureStyleAsyncCredential()
    return [bridge.GraphClient(credential=sync),
            bridge.aio.AsyncGraphClient(credential=asynchronous),
            bridge.connect(credential=AzureStyleCredential())]


async def in_async() -> Optional[str]:
    await bridge.aio.connect(client_id="c", tenant_id="t", client_secret="s")
    job = await bridge.aio.new_application_synchronization_job(application_id="a",
                                                               template_id="t")
    return job.template_id
'''

# Each line marked "# error" must be reported, and nothing else.
BAD = '''
import bridge
import bridge.aio


def typo(job: bridge.SynchronizationJob) -> None:
    assert job.schedule is not None
    print(job.schedule.nonexistent_typo)  # error
    minutes: int = job.schedule.interval  # error
    assert job.status is not None and job.status.quarantine is not None
    print(job.status.quarantine.reasn)  # error
    print(minutes)


async def typo_in_a_parameter() -> None:
    await bridge.aio.connect(client_idd="c", tenant_id="t")  # error
'''


def _files(tmp_path: Path) -> tuple[Path, Path, set[int]]:
    good = tmp_path / "good.py"
    bad = tmp_path / "bad.py"
    good.write_text(textwrap.dedent(GOOD), encoding="utf-8")
    bad.write_text(textwrap.dedent(BAD), encoding="utf-8")
    expected = {n for n, line in enumerate(bad.read_text().splitlines(), 1) if "# error" in line}
    return good, bad, expected


def _lines(output: str, name: str) -> set[int]:
    return {int(m) for m in re.findall(rf"{name}:(\d+)", output)}


def test_mypy_strict_sees_the_leaves_and_rejects_typos(tmp_path: Path) -> None:
    good, bad, expected = _files(tmp_path)
    result = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental",
                             "--config-file", str(ROOT / "pyproject.toml"),
                             "--cache-dir", str(tmp_path / "cache"), str(good), str(bad)],
                            capture_output=True, text=True, cwd=ROOT, timeout=600,
                            env={**os.environ, "MYPYPATH": str(ROOT)})
    output = result.stdout + result.stderr
    assert _lines(output, "good.py") == set(), output
    assert _lines(output, "bad.py") == expected, output
    assert 'has no attribute "nonexistent_typo"' in output


@pytest.mark.skipif(not PYRIGHT.exists(), reason="pyright is installed by .ci/bootstrap (npm)")
def test_pyright_strict_sees_the_leaves_and_rejects_typos(tmp_path: Path) -> None:
    good, bad, expected = _files(tmp_path)
    (tmp_path / "pyrightconfig.json").write_text(json.dumps({
        "typeCheckingMode": "strict", "pythonVersion": "3.11", "extraPaths": [str(ROOT)],
        "reportMissingModuleSource": False}), encoding="utf-8")
    result = subprocess.run([str(PYRIGHT), "--pythonpath", sys.executable, "--outputjson"],
                            capture_output=True, text=True, cwd=tmp_path, timeout=600)
    report = json.loads(result.stdout)
    errors = [d for d in report["generalDiagnostics"] if d["severity"] == "error"]
    where = {(Path(d["file"]).name, d["range"]["start"]["line"] + 1) for d in errors}
    shown = "\n".join(f"{Path(d['file']).name}:{d['range']['start']['line'] + 1}: {d['message']}"
                      for d in errors)
    assert {line for name, line in where if name == "good.py"} == set(), shown
    assert {line for name, line in where if name == "bad.py"} == expected, shown
    assert any("nonexistent_typo" in d["message"] for d in errors), shown


def test_results_are_the_generated_classes_at_run_time() -> None:
    import bridge
    from bridge import models
    job = bridge.SynchronizationJob({
        "id": "scim.1", "schedule": {"interval": "PT40M"},
        "status": {"quarantine": {"reason": "TooManyDeletes"},
                   "lastSuccessfulExecution": {"error": {"code": "E2"}}},
        "synchronizationJobSettings": [{"name": "n", "value": "v"}],
        "newGraphKey": 1})
    assert job.schedule is not None and job.status is not None
    assert type(job.schedule) is models.SynchronizationSchedule
    assert job.status.quarantine is not None and job.status.quarantine.reason == "TooManyDeletes"
    assert type(job.status.quarantine) is models.SynchronizationQuarantine
    execution = job.status.last_successful_execution
    assert type(execution) is models.SynchronizationTaskExecution  # shared by three groups
    assert execution.error is not None and execution.error.code == "E2"
    settings = job.synchronization_job_settings or []
    assert [type(s) for s in settings] == [models.KeyValuePair] and settings[0].value == "v"
    assert getattr(job, "new_graph_key") == 1  # unknown keys stay reachable at run time
    assert repr(job.schedule).startswith("SynchronizationSchedule(")
