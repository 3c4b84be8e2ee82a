"""Reliability: memory guard, conservation of ids, determinism across seeds, atomic outputs."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest
from typer.testing import CliRunner

import netinfluence as ni
import netinfluence.io._files as nio
from netinfluence.cli import app
from netinfluence.io import atomic_path

runner = CliRunner()


def test_file_too_large_for_memory_fails_early(tmp_path, monkeypatch):
    path = tmp_path / "follows.csv"
    path.write_text("follower,followed\n" + "a,b\n" * 1000)
    monkeypatch.setattr(nio, "available_memory", lambda: 20_000)
    with pytest.raises(ni.InputError, match="GiB of memory") as info:
        ni.read_network(follows=path)
    assert str(path) in str(info.value)
    monkeypatch.setattr(nio, "available_memory", lambda: 10**12)
    assert ni.read_network(follows=path).n_nodes == 2


def test_gzip_size_estimate_uses_the_trailer(tmp_path):
    import gzip

    path = tmp_path / "f.csv.gz"
    path.write_bytes(gzip.compress(b"a,b\n" * 100_000))
    assert nio._uncompressed_size(path) == 400_000


def conserved(table_nodes, net_ids, report) -> bool:
    return set(map(str, net_ids)) <= set(map(str, table_nodes)) | set(report.dropped_ids)


def test_conservation_on_the_sample(sample_paths, tmp_path):
    out = tmp_path / "all.csv"
    res = runner.invoke(
        app,
        [
            "--quiet",
            "rank",
            "--follows",
            str(sample_paths["follows"]),
            "--interactions",
            str(sample_paths["interactions"]),
            "--users",
            str(sample_paths["users"]),
            "--out",
            str(out),
            "--top",
            "0",
        ],
    )
    assert res.exit_code == 0, res.output
    table = pd.read_csv(out, dtype={"node": str})
    ids = set(pd.read_csv(sample_paths["users"], dtype={"id": str})["id"])
    for key in ("follows", "interactions"):
        frame = pd.read_csv(sample_paths[key], dtype=str)
        ids |= set(frame.iloc[:, 0]) | set(frame.iloc[:, 1])
    assert ids == set(table["node"])


def test_conservation_on_a_messy_file(tmp_path):
    messy = tmp_path / "messy.csv"
    messy.write_text(
        "source,target,type,count\nana,bo,reply,2\ncy,dee,like,-1\n"
        ",bo,like,1\nbo,ana,mention,x\nana,ed,like,0\nfi,fi,reply,1\n"
    )
    net = ni.read_network(interactions=messy, on_bad_rows="drop")
    out = tmp_path / "r.csv"
    from netinfluence.pipeline import run_rank

    table, _ = run_rank(net, out, top=0)
    every_id = {"ana", "bo", "cy", "dee", "ed", "fi"}
    assert every_id <= set(table["node"]) | set(net.load_report.dropped_ids)
    assert set(net.load_report.dropped_ids) == {"cy", "dee"}
    assert {"ed", "fi"} <= set(table["node"])  # zero count and self-loop: row gone, node kept


def test_different_seeds_change_only_the_random_parts(sample_net):
    from netinfluence.pipeline import analyze

    a = analyze(sample_net, seed=1).inputs
    b = analyze(sample_net, seed=2).inputs
    seed_free = [
        "followers",
        "tier",
        "tier_band",
        "engagement_rate",
        "engagement_vs_tier",
        "reach_2hop",
        "expected_reach",
        "tie_coreness",
        "reciprocal_share",
        "flags",
    ]
    assert a.attrs["reach_method"] == "exact"
    pd.testing.assert_frame_equal(a[seed_free], b[seed_free])


def test_atomic_path_keeps_the_old_file_on_error(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("boom")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


WRITER = """
import sys, pandas as pd
from netinfluence.io import write_table
df = pd.DataFrame({"node": [f"n{i}" for i in range(400_000)], "score": range(400_000)})
for _ in range(1000):
    write_table(df, sys.argv[1])
"""


@pytest.mark.slow
def test_killed_mid_write_leaves_old_or_complete_file(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("node,score\nold,1\n")
    sizes = set()
    for delay in (0.4, 0.9, 1.3, 1.8, 2.6):
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(target)])
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        content = pd.read_csv(target)
        assert len(content) in (1, 400_000), len(content)  # the old file or a complete new one
        sizes.add(len(content))
    assert os.path.getsize(target) > 0
