"""Generated files are exactly what the spec produces (scripts/generate --check)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_generated_files_have_no_drift():
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "generate"), "--check"],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_python_api_has_one_keyword_per_parameter():
    import inspect

    from bridge import new_application_synchronization_job
    from bridge._spec import load_spec
    params = inspect.signature(new_application_synchronization_job).parameters
    expected = [p.python_name for p in load_spec().cmdlet.own_parameters] + ["what_if", "client"]
    assert list(params) == expected
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in params.values())
