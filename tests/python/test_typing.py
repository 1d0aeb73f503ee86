"""The package type-checks under mypy --strict (its py.typed promise)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_mypy_strict_is_clean():
    result = subprocess.run([sys.executable, "-m", "mypy", "--no-incremental", "bridge"],
                            capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
