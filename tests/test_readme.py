"""The README runs as written: every ```bash and ```python block of README.md, in order, in a
temporary folder holding the bundled sample at ``data/sample``.

Command lines run in-process through Typer's test runner (``netinfluence ...``, also
``.venv/bin/netinfluence ...`` inside an ``&&`` chain); ``printf``/``echo`` lines that write
small input files run in a shell. Python blocks run in one namespace, in order. Skipped, each
with its reason: installing into a virtual environment and running the whole test suite (this
test is part of it), lines that read the real datasets in ``../shared/data``, and the Spark
engine. The test knows nothing of what the blocks say: it runs whatever is there.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import warnings
from pathlib import Path

import pytest
from typer.testing import CliRunner

from netinfluence.cli import app

REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"

pytestmark = pytest.mark.slow  # every command of the README on the 5,000-account sample

_FENCE = re.compile(r"^```(\w+)[^\n]*\n(.*?)^```", re.S | re.M)


def readme_blocks() -> list[tuple[str, str, int]]:
    """``(language, code, line)`` of every bash and python block, in order."""
    text = README.read_text(encoding="utf-8")
    out = []
    for m in _FENCE.finditer(text):
        if m.group(1) in ("bash", "python"):
            out.append((m.group(1), m.group(2), text[: m.start()].count("\n") + 1))
    return out


def shell_commands(code: str) -> list[str]:
    """The commands of a bash block: continuation lines joined, comments and blanks left out."""
    joined = re.sub(r"\\\n\s*", " ", code)
    commands = []
    for line in joined.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        commands.append(line)
    return commands


def skip_reason(segment: str) -> str | None:
    """Why a command cannot run here, or None."""
    words = shlex.split(segment, comments=True)
    if not words:
        return "empty"
    if "shared/data" in segment:
        return "reads a real dataset from ../shared/data (not bundled; tests/reference use them)"
    if "--engine" in words and "spark" in words:
        return "needs the spark extra and Java 17"
    exe = Path(words[0]).name
    if exe in ("python3", "python") and words[1:3] == ["-m", "venv"]:
        return "creates a virtual environment: this test runs in the installed package already"
    if exe == "pip":
        return "installs the package (network access, minutes): already installed here"
    if exe == "python" and "pytest" in words:
        return "runs the whole test suite, of which this test is part"
    return None


def run_segment(segment: str, folder: Path, ran: list[str], skipped: list[str]) -> None:
    reason = skip_reason(segment)
    if reason is not None:
        skipped.append(f"{segment[:70]}: {reason}")
        return
    words = shlex.split(segment, comments=True)
    if Path(words[0]).name == "netinfluence":
        args = ["--quiet", *words[1:]]
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # a README command must not warn
            res = CliRunner().invoke(app, args, catch_exceptions=False)
        assert res.exit_code == 0, f"{segment}\n{res.output}"
    elif words[0] in ("printf", "echo"):
        subprocess.run(segment, shell=True, cwd=folder, check=True)
    else:
        pytest.fail(f"the README runs {words[0]!r}, which this test does not know how to run")
    ran.append(segment)


def test_readme_runs_as_written(tmp_path, monkeypatch, sample_paths):
    blocks = readme_blocks()
    assert any(lang == "python" for lang, _, _ in blocks)
    assert any(lang == "bash" for lang, _, _ in blocks)
    shutil.copytree(REPO / "data" / "sample", tmp_path / "data" / "sample")
    monkeypatch.chdir(tmp_path)
    namespace: dict = {"__name__": "__readme__"}
    ran: list[str] = []
    skipped: list[str] = []
    for lang, code, line in blocks:
        if lang == "python":
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                exec(compile(code, f"README.md:{line}", "exec"), namespace)
            ran.append(f"python block at line {line}")
            continue
        for command in shell_commands(code):
            for segment in command.split("&&"):
                run_segment(segment.strip(), tmp_path, ran, skipped)
    assert ran
    # the skips are few and each says why; print them for the record
    print("\n".join(["skipped:", *skipped]))
    assert all(": " in s for s in skipped)
