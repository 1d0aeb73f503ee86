"""The ``python`` blocks of docs/guide.md's "From Python" section run against the emulator."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

import bridge
from bridge.emulator import Emulator

GUIDE = Path(__file__).resolve().parents[3] / "docs" / "guide.md"


def _blocks() -> list[str]:
    text = GUIDE.read_text(encoding="utf-8")
    section = text.split("\n## From Python\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, re.DOTALL)
    return [b for b in blocks if not b.lstrip().startswith("# not run")]


def test_the_guide_has_sync_and_async_examples() -> None:
    blocks = _blocks()
    assert len(blocks) >= 3
    assert any("asyncio.run" in b and "Semaphore" in b for b in blocks)


@pytest.mark.parametrize("index", range(len(_blocks())))
def test_guide_python_example_runs(index: int, emu: Emulator, info: Any, emu_env_name: str,
                                   monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    for name, value in {"MG_CLIENT_ID": info.client_id, "MG_TENANT_ID": info.tenant_id,
                        "MG_CLIENT_SECRET": info.client_secret, "MG_ENVIRONMENT": emu_env_name,
                        "MG_APPLICATION_ID": info.application_id}.items():
        monkeypatch.setenv(name, value)
    before = len(emu.jobs(info.application_id))
    code = _blocks()[index]
    exec(compile(code, f"{GUIDE.name}:python-block-{index}", "exec"), {"__name__": "__guide__"})
    out = capsys.readouterr().out
    created = len(emu.jobs(info.application_id)) - before
    if "asyncio.run" in code:
        assert created == 12 and out.startswith("12 jobs:")
    elif "what_if=True)\nprint" in code:
        assert created == 1
        assert f"POST {info.graph_url}/v1.0/applications/{info.application_id}" in out
        assert '{"schedule":{"interval":"PT40M"},"templateId":"scim"}' in out
    else:
        assert created == 0  # not connected, then bad input: nothing sent
        assert "bridge.connect(...)" in out and "ScheduleState" in out
    assert bridge.get_connection() is None
