"""Issue 17, what a new user hits on the command line: labelled interaction files, --columns on
headerless files, --date-format, --csv-escape, printed numbers, communities' singletons,
inputs and --truth."""

from __future__ import annotations

import gzip
import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from netinfluence.cli import app
from netinfluence.datasets import write_sample

runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, ["--quiet", *args])


def loud(*args):
    return runner.invoke(app, list(args))


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    folder = tmp_path_factory.mktemp("small")
    write_sample(folder, seed=11, n_accounts=400, n_communities=4)
    return folder


@pytest.fixture
def headerless(tmp_path):
    """Two SNAP-style headerless interaction files (``u v count``), as Higgs ships them."""
    mention = tmp_path / "mention.gz"
    reply = tmp_path / "reply.gz"
    with gzip.open(mention, "wt") as fh:
        fh.write("161345 8614 1\n8614 161345 2\n5 6 1\n")
    with gzip.open(reply, "wt") as fh:
        fh.write("1 2 3\n2 1 1\n")
    return mention, reply


# ----------------------------------------------------------------------------- point 1


def test_interactions_type_equals_file_labels_each_file(headerless):
    from netinfluence.cli._common import load_inputs, parse_interactions

    mention, reply = headerless
    net = load_inputs(None, parse_interactions([f"mention={mention}", f"reply={reply}"]), None)
    types = net.interactions.groupby("type", observed=True)["count"].sum().to_dict()
    assert types == {"mention": 4.0, "reply": 4.0}


def test_interactions_type_equals_file_on_the_command_line(headerless, tmp_path):
    mention, reply = headerless
    res = loud("inspect", "-i", f"mention={mention}", "-i", f"reply={reply}")
    assert res.exit_code == 0, res.output
    assert "interaction types     │      2" in res.output


def test_plain_interactions_file_still_works(headerless):
    mention, _ = headerless
    res = loud("inspect", "-i", str(mention))
    assert res.exit_code == 0, res.output
    assert "interaction types     │      1" in res.output


def test_interactions_help_says_how_headerless_columns_read():
    res = loud("inspect", "--help")
    text = " ".join(res.output.split())
    assert "TYPE=FILE" in text
    assert "third column" in text and "count" in text


def test_columns_positions_work_on_a_headerless_file(headerless):
    from netinfluence.cli._common import load_inputs

    mention, _ = headerless
    # the third column is the count by default; point it at the first column instead (1-based)
    net = load_inputs(None, [mention], None, columns="source=1,target=2,count=3")
    assert net.interactions["count"].sum() == 4
    res = loud("inspect", "-i", str(mention), "--columns", "count=3")
    assert res.exit_code == 0, res.output
    bad = invoke("inspect", "-i", str(mention), "--columns", "count=7")
    assert bad.exit_code == 2 and "column 7 counting from 1" in bad.output


def test_columns_help_documents_positions():
    res = loud("inspect", "--help")
    assert "1-based" in " ".join(res.output.split())


def test_unknown_type_file_names_the_problem(tmp_path):
    res = invoke("inspect", "-i", f"mention={tmp_path / 'missing.gz'}")
    assert res.exit_code == 2 and "missing.gz" in res.output


# ----------------------------------------------------------------------------- point 2


def test_date_format_option_reads_day_first_dates(tmp_path):
    f = tmp_path / "i.csv"
    f.write_text("source,target,type,timestamp\na,b,reply,01/04/2026\nb,a,like,02/04/2026\n")
    res = invoke("inspect", "-i", str(f))
    assert res.exit_code == 2
    assert "01/04/2026" in res.output and "i.csv" in res.output and "--date-format" in res.output
    ok = invoke("inspect", "-i", str(f), "--date-format", "%d/%m/%Y")
    assert ok.exit_code == 0, ok.output


def test_users_matching_no_edges_warn_on_the_command_line(tmp_path):
    f = tmp_path / "f.csv"
    f.write_text("follower,followed\na,b\nb,c\n")
    u = tmp_path / "u.csv"
    u.write_text("id,followers\nx1,10\nx2,20\nx3,30\n")
    with pytest.warns(UserWarning, match="u.csv"):
        res = loud("inspect", "-f", str(f), "-u", str(u))
    assert res.exit_code == 0
    assert "match no edge endpoint" in " ".join(res.output.split())


# ----------------------------------------------------------------------------- point 3


def _rank(small, out, *more):
    return invoke(
        "rank",
        "-f",
        str(small / "follows.csv"),
        "-i",
        str(small / "interactions.csv"),
        "-u",
        str(small / "users.csv"),
        "--top",
        "20",
        "-o",
        str(out),
        *more,
    )


def test_csv_escape_none_keeps_handles_for_pandas_and_is_recorded(small, tmp_path):
    safe, plain = tmp_path / "safe.csv", tmp_path / "plain.csv"
    assert _rank(small, safe).exit_code == 0
    res = _rank(small, plain, "--csv-escape", "none")
    assert res.exit_code == 0, res.output
    assert pd.read_csv(safe)["handle"].str.startswith("'@").all()
    assert pd.read_csv(plain)["handle"].str.startswith("@").all()
    meta = json.loads((tmp_path / "plain.csv.meta.json").read_text())
    assert meta["parameters"]["csv_escape"] == "none"
    assert json.loads((tmp_path / "safe.csv.meta.json").read_text())["parameters"][
        "csv_escape"
    ] == ("formulas")
    bad = _rank(small, tmp_path / "x.csv", "--csv-escape", "some")
    assert bad.exit_code == 2 and "csv escape" in bad.output


@pytest.mark.parametrize("ext", [".json", ".parquet"])
def test_json_and_parquet_are_never_escaped(small, tmp_path, ext):
    out = tmp_path / f"r{ext}"
    assert _rank(small, out).exit_code == 0
    table = pd.read_json(out) if ext == ".json" else pd.read_parquet(out)
    assert table["handle"].str.startswith("@").all()


def test_xlsx_whole_numbers_wrapped_why_and_none_flags(small, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "r.xlsx"
    res = _rank(small, out, "--top", "0")
    assert res.exit_code == 0, res.output
    ws = load_workbook(out)["candidates"]
    header = [c.value for c in ws[1]]
    col = {name: i + 1 for i, name in enumerate(header)}
    for name in ("followers", "rank"):
        if name in col:
            assert ws.cell(row=2, column=col[name]).number_format == "0", name
    assert ws.cell(row=2, column=col["score"]).number_format == "0.000"
    assert ws.cell(row=2, column=col["why"]).alignment.wrap_text
    flags = [ws.cell(row=r, column=col["flags"]).value for r in range(2, ws.max_row + 1)]
    assert "none" in flags and None not in flags and "" not in flags
    # the CSV keeps an empty cell for "no flag": a missing value for programs
    csv = tmp_path / "r.csv"
    assert _rank(small, csv, "--top", "0").exit_code == 0
    assert pd.read_csv(csv)["flags"].isna().any()


def test_plan_prints_whole_numbers_as_integers(small, tmp_path):
    res = loud(
        "plan",
        "-f",
        str(small / "follows.csv"),
        "-u",
        str(small / "users.csv"),
        "--k",
        "3",
        "--runs",
        "50",
        "--evaluation-runs",
        "50",
        "-o",
        str(tmp_path / "p.csv"),
    )
    assert res.exit_code == 0, res.output
    seeds_row = next(ln for ln in res.output.splitlines() if "│ seeds" in ln)
    assert seeds_row.split("│")[2].strip() == "3" and ".000" not in seeds_row
    cost_row = next(ln for ln in res.output.splitlines() if "│ cost " in ln)
    assert "." not in cost_row


@pytest.fixture
def two_triangles(tmp_path):
    f = tmp_path / "f.csv"
    f.write_text(
        "follower,followed\n"
        + "".join(f"{a},{b}\n{b},{a}\n" for a, b in [("a", "b"), ("b", "c"), ("c", "a")])
        + "".join(f"{a},{b}\n{b},{a}\n" for a, b in [("x", "y"), ("y", "z"), ("z", "x")])
    )
    u = tmp_path / "u.csv"
    u.write_text("id,followers\n" + "".join(f"{i},5\n" for i in "abcxyzpqr"))
    t = tmp_path / "truth.csv"
    t.write_text("".join(f"{i},{'one' if i in 'abc' else 'two'}\n" for i in "abcxyz"))
    return f, u, t


def test_communities_say_how_many_are_single_nodes(two_triangles, tmp_path):
    f, u, _ = two_triangles
    out = tmp_path / "c.csv"
    res = loud("communities", "-f", str(f), "-u", str(u), "-o", str(out))
    assert res.exit_code == 0, res.output
    text = " ".join(res.output.split())
    assert "5 communities" in text and "3 of them single accounts" in text
    quality = pd.read_csv(tmp_path / "c.csv.quality.csv")
    assert quality["single_node"].sum() == 3
    meta = json.loads((tmp_path / "c.csv.meta.json").read_text())
    roles = {v["role"] for v in meta["inputs"].values()}
    assert roles == {"follows", "users"}
    assert meta["single_node_communities"] == 3


def test_communities_truth_prints_agreement(two_triangles, tmp_path):
    f, _, t = two_triangles
    out = tmp_path / "c.csv"
    res = loud("communities", "-f", str(f), "--truth", str(t), "-o", str(out))
    assert res.exit_code == 0, res.output
    assert "NMI 1.0000" in res.output and "AMI 1.0000" in res.output and "ARI 1.0000" in res.output
    meta = json.loads((tmp_path / "c.csv.meta.json").read_text())
    assert meta["agreement_with_truth"]["nmi"] == pytest.approx(1.0)
    assert "truth" in {v["role"] for v in meta["inputs"].values()}


def test_rank_graph_attributes_default_is_lean_and_all_keeps_everything(small, tmp_path):
    lean, full = tmp_path / "lean.gexf", tmp_path / "full.gexf"
    assert _rank(small, tmp_path / "a.csv", "--graph-out", str(lean)).exit_code == 0
    res = _rank(small, tmp_path / "b.csv", "--graph-out", str(full), "--graph-attributes", "all")
    assert res.exit_code == 0, res.output
    assert lean.stat().st_size < 0.6 * full.stat().st_size
    assert "within_module_z" in full.read_text() and "within_module_z" not in lean.read_text()
    bad = _rank(small, tmp_path / "c.csv", "--graph-attributes", "most")
    assert bad.exit_code == 2 and "graph attributes" in bad.output
