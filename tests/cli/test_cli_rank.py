"""`netinfluence rank` and `communities`: options, formats read back, atomic outputs, errors."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from netinfluence.cli import app
from netinfluence.datasets import write_sample
from netinfluence.scoring import RANK_COLUMNS

runner = CliRunner()


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    folder = tmp_path_factory.mktemp("small")
    write_sample(folder, seed=11, n_accounts=600, n_communities=4)
    return folder


def base_args(small):
    return [
        "rank",
        "--follows",
        str(small / "follows.csv"),
        "--interactions",
        str(small / "interactions.csv"),
        "--users",
        str(small / "users.csv"),
    ]


def invoke(*args):
    return runner.invoke(app, ["--quiet", *args])


def read_back(path):
    ext = path.suffix
    if ext == ".csv":
        return pd.read_csv(path, dtype={"node": str})
    if ext == ".json":
        return pd.read_json(path, dtype={"node": str})
    if ext == ".parquet":
        return pd.read_parquet(path)
    return pd.read_excel(path, sheet_name=0, dtype={"node": str})


@pytest.mark.parametrize("ext", [".csv", ".xlsx", ".json", ".parquet"])
def test_every_output_format_reads_back_the_same_table(small, tmp_path, ext):
    out = tmp_path / f"ranked{ext}"
    res = invoke(*base_args(small), "--out", str(out), "--top", "25", "--seed", "1")
    assert res.exit_code == 0, res.output
    table = read_back(out)
    assert list(table.columns[: len(RANK_COLUMNS)]) == list(RANK_COLUMNS)
    assert len(table) == 25 and table["rank"].tolist() == list(range(1, 26))
    reference = pd.read_parquet(out) if ext == ".parquet" else None
    if ext != ".parquet":
        ref_out = tmp_path / "ref.parquet"
        invoke(*base_args(small), "--out", str(ref_out), "--top", "25", "--seed", "1")
        reference = pd.read_parquet(ref_out)
    assert table["node"].tolist() == reference["node"].tolist()
    assert table["score"].round(6).tolist() == reference["score"].round(6).tolist()
    meta = json.loads((tmp_path / f"ranked{ext}.meta.json").read_text())
    assert meta["parameters"]["seed"] == 1 and meta["parameters"]["top"] == 25
    assert len(meta["inputs"]) == 3 and all(len(v["sha256"]) == 64 for v in meta["inputs"].values())
    assert meta["load_report"]["lines"]


def test_xlsx_has_load_report_and_parameters_sheets(small, tmp_path):
    out = tmp_path / "r.xlsx"
    assert invoke(*base_args(small), "--out", str(out), "--top", "5").exit_code == 0
    sheets = pd.read_excel(out, sheet_name=None)
    assert list(sheets) == ["candidates", "load report", "parameters"]
    from openpyxl import load_workbook

    ws = load_workbook(out)["candidates"]
    assert ws.freeze_panes == "A2"


def test_top_zero_writes_every_node(small, tmp_path):
    out = tmp_path / "all.csv"
    assert invoke(*base_args(small), "--out", str(out), "--top", "0").exit_code == 0
    users = pd.read_csv(small / "users.csv", dtype={"id": str})
    assert set(read_back(out)["node"]) == set(users["id"])


def test_filters_per_community_tiers_topics_exclude(small, tmp_path):
    out = tmp_path / "f.csv"
    excl = tmp_path / "exclude.txt"
    full = tmp_path / "full.csv"
    invoke(*base_args(small), "--out", str(full), "--top", "3")
    best = read_back(full)["node"].iloc[0]
    excl.write_text(f"id\n{best}\n")
    res = invoke(
        *base_args(small),
        "--out",
        str(out),
        "--per-community",
        "2",
        "--tiers",
        "nano,micro",
        "--exclude",
        str(excl),
    )
    assert res.exit_code == 0, res.output
    table = read_back(out)
    assert table["community"].value_counts().max() <= 2
    assert set(table["tier"]) <= {"nano", "micro"}
    assert best not in set(table["node"])
    users = pd.read_csv(small / "users.csv")
    topic = users["topics"].dropna().iloc[0].split(";")[0]
    res = invoke(*base_args(small), "--out", str(out), "--topics", topic, "--top", "0")
    assert res.exit_code == 0
    assert read_back(out)["node"].map(users.set_index("id")["topics"].str.contains(topic)).all()


def test_weights_file_changes_the_composite_not_the_ranking(small, tmp_path):
    # issue 15: the score is impact (people moved); weights shape only the descriptive
    # ``composite`` column (the former percentile score)
    w = tmp_path / "w.json"
    w.write_text(
        json.dumps(
            {
                "engaged_reach": 0,
                "embeddedness": 0,
                "coreness": 0,
                "engagement": 0,
                "reciprocity": 1,
            }
        )
    )
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    invoke(*base_args(small), "--out", str(a), "--top", "20")
    res = invoke(*base_args(small), "--out", str(b), "--top", "20", "--weights", str(w))
    assert res.exit_code == 0
    ta, tb = read_back(a), read_back(b)
    assert ta["node"].tolist() == tb["node"].tolist()
    assert tb["composite"].tolist() != ta["composite"].tolist()


def test_undirected_and_graph_export(tmp_path):
    edges = tmp_path / "e.txt"
    edges.write_text("1 2\n2 3\n3 1\n3 4\n4 5\n5 6\n6 4\n")
    out, gexf = tmp_path / "u.csv", tmp_path / "g.gexf"
    res = invoke(
        "rank",
        "--follows",
        str(edges),
        "--undirected",
        "--out",
        str(out),
        "--graph-out",
        str(gexf),
        "--top",
        "0",
    )
    assert res.exit_code == 0, res.output
    import networkx as nx

    g = nx.read_gexf(gexf)
    assert g.number_of_nodes() == 6
    assert {"community", "score", "engaged_reach", "tier"} <= set(g.nodes["1"])


def test_same_seed_byte_identical_output(small, tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    invoke(*base_args(small), "--out", str(a), "--top", "0", "--seed", "5")
    invoke(*base_args(small), "--out", str(b), "--top", "0", "--seed", "5")
    assert a.read_bytes() == b.read_bytes()


@pytest.mark.parametrize(
    "problem", ["bad_row", "unknown_ext", "no_input", "bad_weights", "bad_tier"]
)
def test_bad_input_one_line_exit_2_and_no_output(small, tmp_path, problem):
    out = tmp_path / "out.csv"
    args = [*base_args(small), "--out", str(out)]
    if problem == "bad_row":
        f = tmp_path / "follows.csv"
        f.write_text("follower,followed\na,b\nnull,c\n")
        args = ["rank", "--follows", str(f), "--out", str(out)]
    elif problem == "unknown_ext":
        out = tmp_path / "out.docx"
        args = [*base_args(small), "--out", str(out)]
    elif problem == "no_input":
        args = ["rank", "--out", str(out)]
    elif problem == "bad_weights":
        w = tmp_path / "w.json"
        w.write_text('{"followers": 1}')
        args += ["--weights", str(w)]
    else:
        args += ["--tiers", "giga"]
    res = invoke(*args)
    assert res.exit_code == 2, res.output
    lines = [ln for ln in res.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert not out.exists()
    assert not list(tmp_path.glob("*.tmp")) and not list(tmp_path.glob(".out*"))


def test_communities_command(small, tmp_path):
    out = tmp_path / "parts.csv"
    res = invoke(
        "communities",
        "--follows",
        str(small / "follows.csv"),
        "--interactions",
        str(small / "interactions.csv"),
        "--out",
        str(out),
        "--seed",
        "2",
    )
    assert res.exit_code == 0, res.output
    part = pd.read_csv(out, dtype={"node": str})
    assert list(part.columns) == ["node", "community"]
    quality = pd.read_csv(tmp_path / "parts.csv.quality.csv")
    assert quality["size"].sum() == len(part)
    meta = json.loads((tmp_path / "parts.csv.meta.json").read_text())
    assert 0 < meta["modularity"] < 1
