"""`netinfluence rank --engine spark` end to end, and its refusal of unsupported options."""

from __future__ import annotations

import importlib.util
import shutil

import pandas as pd
import pytest
from typer.testing import CliRunner

from netinfluence.cli import app
from netinfluence.datasets import write_sample
from netinfluence.scoring import RANK_COLUMNS

runner = CliRunner()


def test_unsupported_option_is_one_clear_line(tmp_path):
    res = runner.invoke(
        app, ["rank", "--engine", "spark", "--graph", "g.gml", "--out", str(tmp_path / "o.csv")]
    )
    assert res.exit_code == 2 and "--engine spark does not support --graph" in res.output
    res = runner.invoke(
        app, ["rank", "--engine", "gpu", "--follows", "f.csv", "--out", str(tmp_path / "o.csv")]
    )
    assert res.exit_code == 2 and "--engine must be memory or spark" in res.output


@pytest.mark.slow
def test_rank_on_spark_matches_the_columns_contract(tmp_path):
    if importlib.util.find_spec("pyspark") is None or shutil.which("java") is None:
        pytest.skip("pyspark or Java missing: pip install 'netinfluence[spark]' and Java 17")
    write_sample(tmp_path, seed=3, n_accounts=400, n_communities=3)
    out = tmp_path / "ranked.csv"
    res = runner.invoke(
        app,
        [
            "--quiet",
            "rank",
            "--engine",
            "spark",
            "--follows",
            str(tmp_path / "follows.csv"),
            "--interactions",
            str(tmp_path / "interactions.csv"),
            "--users",
            str(tmp_path / "users.csv"),
            "--out",
            str(out),
            "--top",
            "10",
        ],
    )
    assert res.exit_code == 0, res.output
    table = pd.read_csv(out)
    # every ranked column of the in-memory engine, the impact estimate included
    assert list(table.columns[: len(RANK_COLUMNS)]) == list(RANK_COLUMNS)
    assert (table["impact"] >= table["impact_in_community"]).all()
    assert table["impact"].is_monotonic_decreasing
    assert table["rank"].tolist() == list(range(1, 11))
    assert table["score"].is_monotonic_decreasing
