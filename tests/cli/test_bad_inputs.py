"""The malformed-input corpus (tests/data/bad): each file loads with its documented repair
(counted in the load report) or fails with exit code 2 and one line naming file, row and
problem — and never leaves an output file behind."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import netinfluence as ni
from netinfluence.cli import app

BAD = Path(__file__).resolve().parents[1] / "data" / "bad"
runner = CliRunner()

# name: (option, outcome, words the outcome must show)
#   outcome "ok": loads and ranks; words must appear in the load report (the repair)
#   outcome "error": exit code 2, one line containing every word
CASES = {
    "empty.csv": ("--follows", "error", ["empty.csv", "empty"]),
    "header_only.csv": ("--follows", "error", ["header_only.csv", "no follows rows"]),
    "binary.csv": ("--follows", "error", ["binary.csv", "binary"]),
    "wrong_delimiter.tsv": (
        "--follows",
        "error",
        ["wrong_delimiter.tsv", "no usable columns", "follower,followed"],
    ),
    "bom.csv": ("--follows", "ok", []),
    "windows_endings.csv": ("--follows", "ok", []),
    "latin1_users.csv": ("--users", "ok", ["Latin-1"]),
    "quoted_users.csv": ("--users", "ok", []),
    "missing_columns.csv": (
        "--interactions",
        "error",
        ["missing_columns.csv", "no usable columns"],
    ),
    "extra_columns.csv": ("--follows", "ok", ["not used: since, note, x"]),
    "empty_id.csv": ("--follows", "error", ["empty_id.csv", "row 2", "(line 3)", "null id"]),
    "null_ids.csv": ("--follows", "error", ["null_ids.csv", "row 2", "'NaN'", "2 more row(s)"]),
    "leading_zero_ids.csv": ("--follows", "ok", []),
    "long_ids.csv": ("--follows", "ok", []),
    "negative_count.csv": (
        "--interactions",
        "error",
        ["negative_count.csv", "row 2", "negative count"],
    ),
    "non_numeric_count.csv": ("--interactions", "error", ["row 1", "non-numeric count", "'two'"]),
    "mixed_timestamps.csv": ("--interactions", "ok", []),
    "bad_timestamp.csv": (
        "--interactions",
        "error",
        ["row 1", "unparseable timestamp", "'last tuesday'"],
    ),
    "duplicate_users_conflict.csv": (
        "--users",
        "error",
        ["duplicate user id 'ana'", "rows 1 and 3"],
    ),
    "duplicate_users_identical.csv": ("--users", "ok", ["identical duplicate user rows"]),
    "users_only.csv": ("--users", "ok", []),
    "users_partial.csv": ("--users", "ok", []),
    "no_edges_users.csv": ("--users", "ok", []),
    "one_node.csv": ("--follows", "ok", ["self-loop"]),
    "disconnected.csv": ("--follows", "ok", []),
    "all_self_loops.csv": ("--follows", "ok", ["self-loop"]),
    "unclosed_quote.csv": ("--users", "error", ["unclosed_quote.csv", "never closed"]),
    "ragged_rows.csv": ("--follows", "error", ["ragged_rows.csv", "line 3", "3 fields"]),
    "formula_handles.csv": ("--users", "ok", []),
    "gml_with_entities.graphml": ("--graph", "error", ["entity", "refused"]),
}


def test_every_corpus_file_has_a_case():
    files = {p.name for p in BAD.iterdir() if p.suffix != ".py"}
    assert files == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_input(name, tmp_path):
    option, outcome, words = CASES[name]
    out = tmp_path / "ranked.csv"
    args = ["--quiet", "rank", option, str(BAD / name), "--out", str(out), "--top", "0"]
    result = runner.invoke(app, args)
    if outcome == "error":
        assert result.exit_code == 2, result.output
        lines = [ln for ln in result.output.splitlines() if ln.strip()]
        assert len(lines) == 1, result.output
        for word in words:
            assert word in lines[0], (word, lines[0])
        assert not out.exists()
    else:
        assert result.exit_code == 0, result.output
        assert out.exists()
        table = pd.read_csv(out, dtype={"node": str}, keep_default_na=False)
        report = runner.invoke(app, ["inspect", option, str(BAD / name)]).output
        for word in words:
            assert word in report, (word, report)
        # conservation: every account of the input is in the ranked output
        assert len(table) >= 1
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert not leftovers


def test_leading_zero_and_long_ids_survive_to_the_output(tmp_path):
    out = tmp_path / "r.csv"
    runner.invoke(
        app,
        [
            "--quiet",
            "rank",
            "--follows",
            str(BAD / "leading_zero_ids.csv"),
            "--out",
            str(out),
            "--top",
            "0",
        ],
    )
    nodes = set(pd.read_csv(out, dtype={"node": str})["node"])
    assert nodes == {"007", "0042", "42", "7"}
    net = ni.read_network(follows=BAD / "long_ids.csv")
    assert {len(str(i)) for i in net.ids} == {5000, 2}


def test_formula_cells_are_escaped_in_csv_and_xlsx(tmp_path):
    for ext in (".csv", ".xlsx"):
        out = tmp_path / f"r{ext}"
        res = runner.invoke(
            app,
            [
                "--quiet",
                "rank",
                "--users",
                str(BAD / "formula_handles.csv"),
                "--out",
                str(out),
                "--top",
                "0",
            ],
        )
        assert res.exit_code == 0, res.output
        table = (
            pd.read_csv(out, keep_default_na=False)
            if ext == ".csv"
            else pd.read_excel(out, keep_default_na=False)
        )
        handles = set(table["handle"])
        if ext == ".csv":  # OWASP: a leading apostrophe
            assert handles == {'\'=HYPERLINK("x")', "'@real", "'-minus"}
        else:  # text cells, shown exactly as written
            assert handles == {'=HYPERLINK("x")', "@real", "-minus"}
    from openpyxl import load_workbook

    ws = load_workbook(tmp_path / "r.xlsx")["candidates"]
    types = {
        c.value: c.data_type
        for row in ws.iter_rows(min_row=2)
        for c in row
        if isinstance(c.value, str) and c.value[:1] in "=+-@"
    }
    assert types and set(types.values()) == {"s"}


def test_users_table_with_edge_endpoints_missing(tmp_path):
    with pytest.warns(UserWarning, match="match no edge endpoint"):  # ana has no edges
        net = ni.read_network(follows=BAD / "disconnected.csv", users=BAD / "users_partial.csv")
    assert net.load_report.count("added") == 6
    assert "ana" in net.ids  # a user with no edges is kept
