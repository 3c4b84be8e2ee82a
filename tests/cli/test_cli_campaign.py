"""`netinfluence plan`, `simulate` and `validate` in-process on tiny files."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from netinfluence.cli import app
from netinfluence.cli._campaign import read_costs
from netinfluence.datasets import write_sample
from netinfluence.spread import SEED_COLUMNS

runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, ["--quiet", *args])


def test_register_adds_each_command_once():
    names = [c.name for c in app.registered_commands]
    for name in ("plan", "simulate", "validate"):
        assert names.count(name) == 1


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    folder = tmp_path_factory.mktemp("small")
    write_sample(folder, seed=5, n_accounts=400, n_communities=3)
    return folder


@pytest.fixture(scope="module")
def hept_like(tmp_path_factory):
    """A NetHEPT-style edge list: a count line, then ``u v p`` rows with parallel rows."""
    path = tmp_path_factory.mktemp("hept") / "tiny_hept.txt"
    rows = [
        "6 8",
        "0 1 0.5",
        "0 1 0.5",
        "1 2 0.4",
        "2 3 0.9",
        "0 4 0.3",
        "4 5 0.2",
        "5 0 0.1",
        "3 3 0.5",
    ]
    path.write_text("\n".join(rows) + "\n")
    return path


def sample_args(small):
    return [
        "--follows",
        str(small / "follows.csv"),
        "--interactions",
        str(small / "interactions.csv"),
        "--users",
        str(small / "users.csv"),
    ]


def test_plan_with_budget_and_costs_file_writes_workbook(small, tmp_path):
    costs = tmp_path / "costs.csv"
    costs.write_text("tier,cost\nnano,50\nmicro,400\n")
    out = tmp_path / "plan.xlsx"
    res = invoke(
        "plan",
        *sample_args(small),
        "--budget",
        "2000",
        "--costs",
        str(costs),
        "--probability",
        "weighted_cascade",
        "--method",
        "imm",
        "--epsilon",
        "0.3",
        "--evaluation-runs",
        "200",
        "--out",
        str(out),
        "--plot",
        str(tmp_path / "plan.png"),
    )
    assert res.exit_code == 0, res.output
    sheets = pd.read_excel(out, sheet_name=None, dtype={"node": str})
    seeds = sheets["Sheet1"] if "Sheet1" in sheets else next(iter(sheets.values()))
    assert list(seeds.columns[: len(SEED_COLUMNS)]) == list(SEED_COLUMNS)
    assert seeds["cost"].sum() <= 2000
    assert set(seeds["cost"]) <= {50.0, 400.0, 2000.0, 10000.0, 50000.0, 100.0}
    assert {"summary", "naive plan", "communities", "overlap", "parameters"} <= set(sheets)
    summary = pd.read_csv(tmp_path / "plan.xlsx.summary.csv").set_index("measure")
    assert summary.loc["cost", "plan"] <= 2000
    meta = json.loads((tmp_path / "plan.xlsx.meta.json").read_text())
    assert meta["parameters"]["budget"] == 2000 and meta["parameters"]["model"] == "ic"
    assert (tmp_path / "plan.png").stat().st_size > 0


def test_plan_on_an_edge_list_with_probabilities(hept_like, tmp_path):
    out = tmp_path / "seeds.csv"
    res = invoke(
        "plan",
        "--edges",
        str(hept_like),
        "--prob-col",
        "3",
        "--skip-rows",
        "1",
        "--k",
        "2",
        "--evaluation-runs",
        "300",
        "--out",
        str(out),
    )
    assert res.exit_code == 0, res.output
    seeds = pd.read_csv(out, dtype={"node": str})
    assert list(seeds.columns[:4]) == ["order", "node", "marginal_gain", "cumulative_spread"]
    assert len(seeds) == 2 and seeds["node"].iloc[0] == "0"
    meta = json.loads((tmp_path / "seeds.csv.meta.json").read_text())
    assert meta["parameters"]["probability"] == "edge"
    merged = [ln for ln in meta["load_report"]["lines"] if ln["action"] == "merged"]
    assert merged and "1-prod(1-p)" in merged[0]["reason"]


def test_prob_col_other_than_three(tmp_path):
    path = tmp_path / "e.csv"
    path.write_text("source,target,count,prob\na,b,7,1.0\nb,c,3,1.0\n")
    out = tmp_path / "s.csv"
    res = invoke(
        "simulate", "--edges", str(path), "--prob-col", "4", "--out", str(out), "--runs", "500"
    )
    assert res.exit_code == 0, res.output
    table = pd.read_csv(out).set_index("node")  # a -> b -> c, every tie passes
    assert abs(table.loc["a", "expected_spread"] - 3.0) <= 4 * table.loc["a", "stderr"]
    assert table.loc["c", "expected_spread"] == 1.0


def test_simulate_seeds_with_trace(small, tmp_path):
    users = pd.read_csv(small / "users.csv", dtype={"id": str})
    seeds = tmp_path / "seeds.txt"
    seeds.write_text("\n".join(users["id"].head(3)) + "\n")
    out, trace = tmp_path / "act.csv", tmp_path / "trace.csv"
    res = invoke(
        "simulate",
        *sample_args(small),
        "--seeds",
        str(seeds),
        "--runs",
        "200",
        "--model",
        "lt",
        "--out",
        str(out),
        "--trace",
        str(trace),
    )
    assert res.exit_code == 0, res.output
    act = pd.read_csv(out, dtype={"node": str}).set_index("node")
    assert act.loc[users["id"].head(3), "activation_probability"].eq(1.0).all()
    tr = pd.read_csv(trace, dtype={"node": str})
    assert list(tr.columns) == ["step", "node", "activated_by"]
    assert (tr["step"] == 0).sum() == 3


def test_simulate_every_account(small, tmp_path):
    out = tmp_path / "spread.parquet"
    res = invoke(
        "simulate",
        *sample_args(small),
        "--probability",
        "weighted_cascade",
        "--k",
        "5",
        "--out",
        str(out),
    )
    assert res.exit_code == 0, res.output
    table = pd.read_parquet(out)
    assert list(table.columns) == ["node", "expected_spread", "stderr"]
    assert len(table) == 400 and (table["expected_spread"] >= 1).all()


def test_plan_for_advocacy_beside_top_degree_and_followers(small, tmp_path):
    out = tmp_path / "advocacy.csv"
    plot = tmp_path / "advocacy.png"
    res = runner.invoke(
        app,
        [
            "plan",
            *sample_args(small),
            "--objective",
            "advocacy",
            "--k",
            "2",
            "--out",
            str(out),
            "--plot",
            str(plot),
        ],
    )
    assert res.exit_code == 0, res.output
    assert "Advocacy seeds" in res.output and "top_degree" in res.output
    summary = pd.read_csv(out.with_name(out.name + ".summary.csv"), index_col=0)
    assert list(summary.columns) == ["plan", "naive", "top_degree"]
    assert "expected_adopters" in summary.index
    meta = json.loads(out.with_name(out.name + ".meta.json").read_text())
    assert meta["parameters"]["objective"] == "advocacy"
    assert len(meta["parameters"]["top_degree_seeds"]) == 2
    assert plot.stat().st_size > 0
    res = invoke(
        "plan", *sample_args(small), "--objective", "advocacy", "--budget", "900", "-o", str(out)
    )
    assert res.exit_code == 2 and "--k" in res.output and "--budget" in res.output
    res = invoke("plan", *sample_args(small), "--objective", "virality", "--k", "2", "-o", str(out))
    assert res.exit_code == 2 and "objective" in res.output


def test_plan_meta_records_the_awareness_objective(small, tmp_path):
    out = tmp_path / "plan.csv"
    res = invoke("plan", *sample_args(small), "--k", "2", "--runs", "50", "--out", str(out))
    assert res.exit_code == 0, res.output
    meta = json.loads(out.with_name(out.name + ".meta.json").read_text())
    assert meta["parameters"]["objective"] == "awareness"


def test_long_work_shows_progress_unless_quiet(small, monkeypatch):
    from netinfluence.cli import _common

    seen: list[tuple[str, int, int | None]] = []
    shown = _common.StepProgress.job

    def spy(self, label, done, total):
        seen.append((label, done, total))
        shown(self, label, done, total)

    monkeypatch.setattr(_common.StepProgress, "job", spy)
    args = ["simulate", *sample_args(small), "--probability", "weighted_cascade", "--k", "3"]
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    labels = {label for label, _, _ in seen}
    assert {"RR sets", "Monte Carlo runs"} <= labels
    assert seen[-1][1] == seen[-1][2]  # the last job ended
    seen.clear()
    res = runner.invoke(app, ["--quiet", *args])
    assert res.exit_code == 0 and seen == []  # --quiet: no reporter, no bars


def test_plan_on_a_supercritical_network_stops_naming_the_options(tmp_path):
    import numpy as np

    rng = np.random.default_rng(1)
    n, m = 5_000, 50_000
    edges = tmp_path / "dense.csv"
    pd.DataFrame({"source": rng.integers(0, n, m), "target": rng.integers(0, n, m)}).to_csv(
        edges, index=False
    )
    res = invoke(
        "plan",
        "--edges",
        str(edges),
        "--k",
        "10",
        "--probability",
        "constant",
        "--p",
        "1",
        "--method",
        "imm",
        "--epsilon",
        "0.01",
        "--out",
        str(tmp_path / "plan.csv"),
    )
    assert res.exit_code == 2
    assert "reverse-reachable sets of about" in res.output
    assert "--epsilon" in res.output and "--probability" in res.output


def test_validate_writes_table_and_plot(tmp_path):
    path = tmp_path / "karate.txt"
    import networkx as nx

    path.write_text("\n".join(f"{u} {v}" for u, v in nx.karate_club_graph().edges) + "\n")
    out = tmp_path / "validation.csv"
    res = invoke(
        "validate",
        "--edges",
        str(path),
        "--undirected",
        "--rankings",
        "degree,coreness",
        "--runs",
        "5000",
        "--out",
        str(out),
        "--plot",
        str(tmp_path / "v.png"),
    )
    assert res.exit_code == 0, res.output
    table = pd.read_csv(out)
    assert table["ranking"].tolist() == ["degree", "coreness"]
    assert {"imprecision", "kendall_tau"} <= set(table.columns)
    meta = json.loads((tmp_path / "validation.csv.meta.json").read_text())
    assert meta["parameters"]["beta"] > meta["parameters"]["beta_c"]
    assert (tmp_path / "v.png").stat().st_size > 0


@pytest.mark.parametrize(
    "args",
    [
        ["plan", "--out", "x.csv"],  # no input
        ["plan", "--follows", "{f}", "--out", "x.csv"],  # neither --k nor --budget
        ["plan", "--follows", "{f}", "--k", "2", "--model", "sis", "--out", "x.csv"],
        ["plan", "--follows", "{f}", "--k", "2", "--out", "x.docx"],
        ["plan", "--follows", "{f}", "--k", "2", "--prob-col", "3", "--out", "x.csv"],
        ["simulate", "--follows", "{f}", "--seeds", "{missing}"],
        ["validate", "--follows", "{f}", "--rankings", "fame", "--out", "x.csv"],
    ],
)
def test_bad_input_exits_2_with_one_line(small, tmp_path, args):
    args = [a.format(f=small / "follows.csv", missing=tmp_path / "none.txt") for a in args]
    args = [str(tmp_path / a) if a.startswith("x.") else a for a in args]
    res = invoke(*args)
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output


def test_read_costs_with_and_without_header(tmp_path):
    a = tmp_path / "a.csv"
    a.write_text("nano,10\nmega,99\n")
    assert read_costs(a).columns.tolist() == ["tier", "cost"]
    b = tmp_path / "b.csv"
    b.write_text("u001,10\nu002,99\n")
    assert read_costs(b).columns.tolist() == ["id", "cost"]
    c = tmp_path / "c.csv"
    c.write_text("handle,cost\n@ana,10\n")
    assert read_costs(c).columns.tolist() == ["handle", "cost"]
