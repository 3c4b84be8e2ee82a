"""The API reference builds from the docstrings with warnings as errors (as in CI)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[1] / "docs"


@pytest.mark.slow
def test_docs_build_without_warnings(tmp_path: Path) -> None:
    missing = [
        m for m in ("sphinx", "numpydoc", "myst_parser") if importlib.util.find_spec(m) is None
    ]
    if missing:
        pytest.skip(f"docs build needs {', '.join(missing)}: pip install -e '.[docs]'")
    out = tmp_path / "html"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-W",
            "--keep-going",
            "-q",
            "-b",
            "html",
            str(DOCS),
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, f"sphinx-build failed:\n{proc.stdout}\n{proc.stderr}"
    api = (out / "api.html").read_text(encoding="utf-8")
    assert "citizen_score" in api
    assert "read_network" in api
