"""The CLI in-process: help everywhere, version, sample-data, inspect, demo, error handling."""

from __future__ import annotations

import filecmp

import pytest
from typer.testing import CliRunner

from netinfluence import __version__
from netinfluence.cli import app

runner = CliRunner()


def run(*args):
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_version():
    res = run("--version")
    assert res.exit_code == 0 and res.output.strip() == f"netinfluence {__version__}"


@pytest.mark.parametrize("command", [[], ["demo"], ["sample-data"], ["inspect"]])
def test_help_on_every_command(command):
    res = run(*command, "--help")
    assert res.exit_code == 0
    assert "Usage" in res.output


def test_sample_data_is_byte_identical_to_the_bundled_files(tmp_path, sample_paths):
    res = run("sample-data", "--out", str(tmp_path))
    assert res.exit_code == 0
    for key in ("follows", "interactions", "users", "truth"):
        assert filecmp.cmp(tmp_path / f"{key}.csv", sample_paths[key], shallow=False), key


def test_inspect_prints_report_and_summary(tmp_path):
    f = tmp_path / "f.csv"
    f.write_text("follower,followed\na,b\nb,a\nc,c\n")
    res = run("inspect", "--follows", str(f))
    assert res.exit_code == 0
    assert "Load report" in res.output and "self-loop" in res.output
    assert "Network summary" in res.output and "reciprocity" in res.output


def test_bad_input_gives_one_line_and_exit_code_2(tmp_path):
    f = tmp_path / "f.csv"
    f.write_text("follower,followed\na,b\n,c\n")
    res = runner.invoke(app, ["inspect", "--follows", str(f)])
    assert res.exit_code == 2
    lines = [ln for ln in res.output.splitlines() if ln.strip()]
    assert len(lines) == 1
    assert lines[0].startswith("error: ") and "f.csv" in lines[0] and "row 2" in lines[0]


def test_missing_file_and_no_input(tmp_path):
    res = runner.invoke(app, ["inspect", "--follows", str(tmp_path / "nope.csv")])
    assert res.exit_code == 2 and "not found" in res.output
    res = runner.invoke(app, ["inspect"])
    assert res.exit_code == 2 and "at least one of" in res.output


def test_debug_shows_the_traceback(tmp_path):
    f = tmp_path / "f.csv"
    f.write_text("")
    res = runner.invoke(app, ["--debug", "inspect", "--follows", str(f)])
    assert res.exit_code != 0
    assert res.exception is not None and type(res.exception).__name__ == "InputError"


def test_drop_bad_rows_option(tmp_path):
    f = tmp_path / "f.csv"
    f.write_text("follower,followed\na,b\n,c\n")
    res = run("inspect", "--follows", str(f), "--drop-bad-rows")
    assert res.exit_code == 0 and "bad row" in res.output


def test_demo_writes_outputs(tmp_path):
    res = run("--quiet", "demo", "--out", str(tmp_path / "demo"))
    assert res.exit_code == 0, res.output
    assert (tmp_path / "demo" / "network_summary.csv").exists()
    # one line per file written, its path starting in the same column on every line
    wrote = [line for line in res.output.splitlines() if line.startswith("wrote ")]
    assert len(wrote) == len(list((tmp_path / "demo").iterdir()))
    starts = {line.index(str(tmp_path / "demo")) for line in wrote}
    assert len(starts) == 1
    assert any(line.split()[1] == "advocacy_plan_summary" for line in wrote)
