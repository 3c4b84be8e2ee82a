"""Posts exports on the command line (`import`, `--posts`) and as a Network (`ni.read_posts`)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import netinfluence as ni
from netinfluence.cli import app

runner = CliRunner()
SAMPLES = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "posts-samples"

POSTS = (
    "post_id,author,created_at,reply_to_post,shared_post,mentions,text\n"
    "1,ana,2024-01-01T10:00:00Z,,,,launch day for #acme\n"
    "2,bo,2024-01-01T11:00:00Z,1,,,congrats ana\n"
    "3,cy,2024-01-01T12:00:00Z,1,,bo,@bo agreed\n"
    "4,dee,2024-01-01T13:00:00Z,,1,,\n"
    "5,bo,2024-01-02T09:00:00Z,,,ana,thanks @ana\n"
    "6,eve,2024-01-02T10:00:00Z,,,,unrelated\n"
)


@pytest.fixture
def posts_csv(tmp_path):
    path = tmp_path / "posts.csv"
    path.write_text(POSTS, encoding="utf-8")
    return path


def invoke(*args):
    return runner.invoke(app, ["--quiet", *args])


def test_read_posts_builds_an_interaction_network(posts_csv):
    net = ni.read_posts(posts_csv)
    edges = set(net.interactions[["source", "target", "type"]].itertuples(index=False, name=None))
    # inside a Network edges point the way influence flows: ana -> bo means bo replied to ana
    assert ("ana", "bo", "reply") in edges and ("ana", "cy", "reply") in edges
    assert ("bo", "cy", "mention") in edges and ("ana", "dee", "retweet") in edges
    assert len(net.posts) == 6 and net.posts.index.name == "post_id"
    assert net.n_follows == 0 and "eve" in net.ids  # an author with no interaction is kept
    assert net.summary()["structure_layer"] == "ties"
    # the posts' own report comes first, then the network's
    assert (
        net.load_report.lines[0].action == "read" and "generic" in net.load_report.lines[0].reason
    )


def test_rank_with_posts(posts_csv, tmp_path):
    out = tmp_path / "ranked.csv"
    res = invoke("rank", "--posts", str(posts_csv), "--out", str(out), "--top", "0")
    assert res.exit_code == 0, res.output
    table = pd.read_csv(out, dtype={"node": str})
    assert set(table["node"]) == {"ana", "bo", "cy", "dee", "eve"}
    assert table.iloc[0]["node"] == "ana"  # the one everybody replied to and reshared
    meta = json.loads(out.with_name(out.name + ".meta.json").read_text())
    assert str(posts_csv) in meta["inputs"]  # the posts file is hashed like any input


def test_posts_refuse_other_interaction_inputs(posts_csv):
    res = invoke(
        "rank", "--posts", str(posts_csv), "--interactions", str(posts_csv), "--out", "x.csv"
    )
    assert res.exit_code == 2
    assert "--posts reads interactions and users from the export" in res.output


def test_import_writes_tables_that_read_back(posts_csv, tmp_path):
    out = tmp_path / "imported"
    res = runner.invoke(app, ["import", str(posts_csv), "--out-dir", str(out)])
    assert res.exit_code == 0, res.output
    assert "format generic" in res.output
    inter = pd.read_csv(out / "interactions.csv", dtype={"source": str, "target": str})
    assert list(inter.columns) == [
        "source",
        "target",
        "type",
        "count",
        "first_timestamp",
        "timestamp",
    ]
    users = pd.read_csv(out / "users.csv", dtype={"id": str})
    assert set(users["id"]) == {"ana", "bo", "cy", "dee", "eve"}
    posts = pd.read_parquet(out / "posts.parquet")
    assert len(posts) == 6
    meta = json.loads((out / "import.meta.json").read_text())
    assert meta["parameters"]["formats_detected"] == {str(posts_csv): "generic"}
    assert any(line["action"] == "derived" for line in meta["load_report"]["lines"])
    # the written tables give the same interactions as reading the posts directly
    again = ni.read_network(interactions=out / "interactions.csv", users=out / "users.csv")
    direct = ni.read_posts(posts_csv)
    key = ["source", "target", "type"]
    pd.testing.assert_frame_equal(
        again.interactions[[*key, "count"]].sort_values(key).reset_index(drop=True),
        direct.interactions[[*key, "count"]].sort_values(key).reset_index(drop=True),
    )


def test_import_about_keeps_the_conversation(posts_csv, tmp_path):
    out = tmp_path / "about"
    res = invoke("import", str(posts_csv), "--out-dir", str(out), "--about", "#acme")
    assert res.exit_code == 0, res.output
    posts = pd.read_parquet(out / "posts.parquet")
    assert "6" not in set(posts.index.astype(str))  # eve's unrelated post is filtered out
    assert {"1", "2", "3"} <= set(posts.index.astype(str))  # the thread of the matching post


def test_import_bad_line_names_file_and_line(tmp_path):
    bad = tmp_path / "stream.jsonl"
    good = '{"data": {"id": "1", "author_id": "9", "text": "hi", "created_at": "2024-01-01T00:00:00Z"}}'
    bad.write_text(good + "\n{not json\n", encoding="utf-8")
    res = invoke("import", str(bad), "--out-dir", str(tmp_path / "o"), "--format", "twitter-v2")
    assert res.exit_code == 2
    assert "stream.jsonl" in res.output and "2" in res.output


@pytest.mark.shared_data
def test_inspect_posts_on_a_real_export():
    files = sorted((SAMPLES / "mastodon").glob("mastodon.social_status_*"))
    if not files:
        pytest.skip(f"posts samples not found under {SAMPLES}")
    res = runner.invoke(app, ["inspect", *[f"--posts={f}" for f in files]])
    assert res.exit_code == 0, res.output
    assert "posts (mastodon)" in res.output and "structure layer" in res.output
    assert "ties" in res.output  # measured through interactions: no follows layer
