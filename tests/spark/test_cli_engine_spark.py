"""`netinfluence rank --engine spark` end to end, and its refusal of unsupported options."""

from __future__ import annotations

import importlib.util
import json
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
    res = runner.invoke(
        app,
        [
            "rank",
            "--engine",
            "spark",
            "--objective",
            "advocacy",
            "--follows",
            "f.csv",
            "--out",
            str(tmp_path / "o.csv"),
        ],
    )
    assert res.exit_code == 2 and "--objective advocacy needs --engine memory" in res.output


@pytest.mark.slow
def test_rank_on_spark_matches_the_columns_contract(tmp_path):
    if importlib.util.find_spec("pyspark") is None or shutil.which("java") is None:
        pytest.skip("pyspark or Java missing: pip install 'netinfluence[spark]' and Java 17")
    write_sample(tmp_path, seed=3, n_accounts=400, n_communities=3)
    out = tmp_path / "ranked.csv"
    args = [
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
        "--top",
        "10",
    ]
    res = runner.invoke(app, [*args, "--out", str(out)])
    assert res.exit_code == 0, res.output
    table = pd.read_csv(out)
    # every ranked column of the in-memory engine, the impact estimate included
    assert list(table.columns[: len(RANK_COLUMNS)]) == list(RANK_COLUMNS)
    assert (table["impact"] >= table["impact_in_community"]).all()
    assert table["impact"].is_monotonic_decreasing
    assert table["rank"].tolist() == list(range(1, 11))
    assert table["score"].is_monotonic_decreasing
    # --insiders-only keeps the community insiders, in rank order, and counts the others
    insiders = tmp_path / "insiders.csv"
    res = runner.invoke(app, [*args, "--insiders-only", "--out", str(insiders)])
    assert res.exit_code == 0, res.output
    only = pd.read_csv(insiders)
    assert len(only) == 10 and only["insider"].all() and only["rank"].is_monotonic_increasing
    assert set(only["node"]) >= set(table.loc[table["insider"], "node"])
    meta = json.loads(insiders.with_name("insiders.csv.meta.json").read_text())
    assert meta["parameters"]["insiders_only"] is True
    assert meta["filtered"]["not_insiders"] > 0
